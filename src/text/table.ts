/**
 * Plain-text tables and wrapped text that fit a terminal. Given no width (piped output), the
 * table is exactly the aligned columns it always was; given the terminal's width, the last
 * column wraps at word boundaries under itself, and if that is not enough, the columns named
 * shrinkable are cut with `…` (widest first, never below 6 characters).
 */

const MIN_CUT = 6;
const MIN_LAST = 16;

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

/** Word-wraps `text` to `width` (a word longer than the width is split). */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let w = word;
    while (w.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** `text` after a first-line prefix of `indent` characters, wrapped to `width` with the rest indented as much. */
export function hangingWrap(text: string, indent: number, width: number | undefined): string {
  if (width === undefined || indent + MIN_LAST > width) return text;
  return wrapWords(text, width - indent).join(`\n${' '.repeat(indent)}`);
}

export interface TableOptions {
  /** the terminal's width; undefined (piped) leaves the table as wide as its cells */
  width?: number | undefined;
  /** columns that may be cut with `…` when wrapping the last one is not enough */
  shrinkable?: readonly number[];
  /** decorates a whole rendered line (row index, 0 = header; continuation lines get the same) */
  style?: (line: string, row: number) => string;
}

/** Renders rows (the first is the header) as aligned columns separated by two spaces. */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const n = rows[0]!.length;
  const widths = Array.from({ length: n }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + 2 * (n - 1);
  const max = options.width;
  let lastWidth = widths[n - 1]!;
  if (max !== undefined && total() > max) {
    const fixed = total() - widths[n - 1]!;
    lastWidth = Math.min(lastWidth, Math.max(MIN_LAST, max - fixed));
    widths[n - 1] = lastWidth;
    // still too wide: cut the shrinkable columns, widest first
    const shrinkable = [...(options.shrinkable ?? [])].filter((c) => c < n - 1);
    while (total() > max) {
      const widest = shrinkable.filter((c) => widths[c]! > MIN_CUT).sort((a, b) => widths[b]! - widths[a]!)[0];
      if (widest === undefined) break;
      widths[widest] = Math.max(MIN_CUT, widths[widest]! - (total() - max));
    }
  }
  const style = options.style ?? ((line: string) => line);
  const out: string[] = [];
  rows.forEach((row, r) => {
    const cells = row.map((cell, c) => (c === n - 1 ? cell : cut(cell, widths[c]!).padEnd(widths[c]!)));
    const lastLines = max === undefined ? [cells[n - 1]!] : wrapWords(cells[n - 1]!, lastWidth);
    const lead = cells.slice(0, n - 1).join('  ');
    out.push(style(n === 1 ? lastLines[0]! : `${lead}  ${lastLines[0]!}`, r));
    const pad = ' '.repeat(n === 1 ? 0 : lead.length + 2);
    for (const more of lastLines.slice(1)) out.push(style(`${pad}${more}`, r));
  });
  return out.join('\n');
}
