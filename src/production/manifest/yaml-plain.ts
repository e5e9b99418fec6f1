/**
 * The plain layout most manifests are written in, read in one pass over their lines: block
 * mappings and sequences (a sequence may sit at its key's indentation, as kubectl writes it),
 * plain scalars (over several lines too), quoted scalars on one line, block scalars (`|`, `>`,
 * with `-` or `+`: the scripts of `sh -c`), flow collections on one line (`{app: x}`,
 * `["a", "b"]`), comments, blank lines and `---` between documents.
 *
 * It gives what js-yaml with the YAML 1.1 schema and the line listener gives (yaml.ts), or
 * nothing: anything else (an indentation indicator, an anchor or alias, a tag, a merge key, a
 * quoted key, a quoted scalar or flow collection over several lines, a key that reads as a
 * boolean, a number or null, a duplicate key, a tab, a CR, a character js-yaml refuses or treats
 * apart, nesting past MAX_DEPTH, every error) returns undefined, and yaml.ts reads the text with
 * js-yaml, which also words every error. test/production/manifest/yaml-plain.test.ts holds the two
 * readers to the same values and lines on generated streams and every fixture; the engine's own
 * deploy/ files were checked too (bench/README.md, issue 15).
 *
 * Why: js-yaml reads one character at a time through a general grammar; a one-shot
 * `check-production --manifest` runs that code in V8's interpreter, where it was the largest
 * single part of the run (issue 15's start-up bench, bench/README.md). Here each line is taken
 * apart by string searches (indexOf) and short loops; one regular expression checks the whole
 * text (V8 compiles each regular expression at its first use, in every run).
 */

/** What a plain scalar reads as when this reader must not decide it (a merge key). */
export const UNDECIDED: unique symbol = Symbol('undecided');

/** What the reader needs from yaml.ts: a plain scalar's value, and the line stamps. */
export interface PlainYamlHooks {
  /** a plain scalar's value by the schema's implicit types, or UNDECIDED */
  scalar(text: string): unknown;
  /** stamps a mapping or sequence with its first line and, for a sequence, its items' lines */
  stamp(value: object, line: number, items: number[] | undefined): void;
}

export interface PlainDoc {
  value: object;
  line: number;
}

/** Deeper collections are left to js-yaml (its own limit words the error). */
const MAX_DEPTH = 100;

/** A content line (neither blank nor a comment), or a `---`. */
interface Line {
  indent: number;
  /** the line after its indentation */
  text: string;
  /** 1-based */
  line: number;
  /** offset of the line's end (its `\n`, or the text's end) */
  end: number;
  separator: boolean;
  /** a comment line comes between the previous content line and this one */
  afterComment: boolean;
}

/** Thrown inside the reader only, caught at its top: "not for this reader". */
const NOT_PLAIN = Symbol('not plain YAML');

// Tabs, CRs, C0 and C1 controls (NEL too), DEL, lone or paired surrogates (js-yaml checks pairs),
// U+2028/U+2029 (line breaks to js-yaml's block scalars), U+FEFF, U+FFFE/U+FFFF: all left to js-yaml.
const OUTSIDE_PLAIN = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;

/** `,[]{}` */
function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** Where a plain key (`[A-Za-z0-9_][A-Za-z0-9_./-]*`) starting at `from` ends at a `:` followed by a space or the end, else -1. */
function plainKeyEnd(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!alnum && (i === from || (c !== 0x2e && c !== 0x2f && c !== 0x2d))) break;
  }
  if (i === from || text.charCodeAt(i) !== COLON) return -1;
  return i + 1 === text.length || text.charCodeAt(i + 1) === SPACE ? i : -1;
}

/**
 * Whether a plain scalar may start `text` at `at` (js-yaml's readPlainScalar), and this reader
 * decides it: not an indicator, `-` only before a character that is not a space (nor, in a flow
 * collection, a flow indicator); `?` and `:` left to js-yaml.
 */
function plainStart(text: string, at: number, flow: boolean): boolean {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c) || c === SPACE || isFlowIndicator(c)) return false;
  switch (c) {
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case 0x3f: // ?
    case COLON:
      return false;
    case 0x2d: {
      const next = text.charCodeAt(at + 1);
      return !Number.isNaN(next) && next !== SPACE && !(flow && isFlowIndicator(next));
    }
    default:
      return true;
  }
}

/** `text` without its trailing spaces. */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SPACE) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Only spaces from `at` on, then the end or a comment after at least one space. */
function restIsComment(text: string, at: number): boolean {
  let i = at;
  while (text.charCodeAt(i) === SPACE) i++;
  return i === text.length || (i > at && text.charCodeAt(i) === HASH);
}

/** The documents of `text`, each a mapping or sequence with its line; undefined when this reader does not decide the text. */
export function readPlainYaml(text: string, hooks: PlainYamlHooks): PlainDoc[] | undefined {
  if (OUTSIDE_PLAIN.test(text)) return undefined;
  const lines = contentLines(text);
  if (lines === undefined) return undefined;
  try {
    return new Reader(text, lines, hooks).stream();
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

/** The lines that carry content, and `---` markers; undefined for a directive, `...` or a marker with content. */
function contentLines(text: string): Line[] | undefined {
  const out: Line[] = [];
  let afterComment = false;
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === SPACE) indent++;
    if (indent < end) {
      if (text.charCodeAt(indent) === HASH) afterComment = true;
      else {
        const body = text.slice(indent, end);
        let separator = false;
        if (indent === start) {
          if (body.charCodeAt(0) === 0x25) return undefined; // a directive
          if (body.startsWith('---') || body.startsWith('...')) {
            if (body !== '---') return undefined;
            separator = true;
          }
        }
        out.push({ indent: indent - start, text: body, line: n, end, separator, afterComment });
        afterComment = false;
      }
    }
    start = end + 1;
  }
  return out;
}

class Reader {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly lines: Line[],
    private readonly hooks: PlainYamlHooks,
  ) {}

  stream(): PlainDoc[] {
    const docs: PlainDoc[] = [];
    const lines = this.lines;
    while (this.i < lines.length) {
      const first = lines[this.i]!;
      if (first.separator) {
        this.i++;
        continue;
      }
      const value = this.block(first);
      // a document ends at a marker or the end
      if (this.i < lines.length && !lines[this.i]!.separator) throw NOT_PLAIN;
      docs.push({ value, line: first.line });
    }
    return docs;
  }

  /**
   * The mapping or sequence whose first line is `at`: a block one, or a flow one alone on its line
   * (a scalar alone on its line is not decided here).
   */
  private block(at: Line): object {
    if (++this.depth > MAX_DEPTH) throw NOT_PLAIN;
    const c = at.text.charCodeAt(0);
    // a flow collection alone on its line: no line after it may be as indented
    const value =
      c === 0x5b || c === 0x7b
        ? (this.value(at, 0, at.indent - 1) as object)
        : at.text.startsWith('- ')
          ? this.sequence(at.indent)
          : this.mapping(at.indent);
    this.depth--;
    return value;
  }

  private sequence(col: number): unknown[] {
    const lines = this.lines;
    const seq: unknown[] = [];
    const items: number[] = [];
    const line = lines[this.i]!.line;
    while (this.i < lines.length) {
      const at = lines[this.i]!;
      if (at.separator || at.indent < col) break;
      if (at.indent > col) throw NOT_PLAIN;
      if (!at.text.startsWith('- ')) break; // the next key of the mapping this sequence is a value of
      let skip = 2;
      while (at.text.charCodeAt(skip) === SPACE) skip++;
      if (skip === at.text.length || at.text.startsWith('- ', skip)) throw NOT_PLAIN; // `- ` alone, `- - x`
      items.push(at.line);
      if (plainKeyEnd(at.text, skip) > 0) {
        // `- key: value`: a mapping whose column is the key's
        const entry: Line = { ...at, indent: col + skip, text: at.text.slice(skip) };
        lines[this.i] = entry;
        seq.push(this.block(entry));
      } else seq.push(this.value(at, skip, col));
    }
    this.hooks.stamp(seq, line, items);
    return seq;
  }

  private mapping(col: number): Record<string, unknown> {
    const lines = this.lines;
    const map: Record<string, unknown> = {};
    const line = lines[this.i]!.line;
    while (this.i < lines.length) {
      const at = lines[this.i]!;
      if (at.separator || at.indent < col) break;
      if (at.indent > col) throw NOT_PLAIN;
      const colon = plainKeyEnd(at.text, 0);
      if (colon < 0) throw NOT_PLAIN;
      const key = at.text.slice(0, colon);
      if (!isPlainKey(key, map, this.hooks)) throw NOT_PLAIN;
      if (!restIsComment(at.text, colon + 1)) {
        let from = colon + 1;
        while (at.text.charCodeAt(from) === SPACE) from++;
        map[key] = this.value(at, from, col);
        continue;
      }
      // `key:` alone: a nested block, a sequence at the key's indentation, or null
      this.i++;
      const next = lines[this.i];
      if (next !== undefined && !next.separator && (next.indent > col || (next.indent === col && next.text.startsWith('- ')))) {
        map[key] = this.block(next);
      } else map[key] = null;
    }
    this.hooks.stamp(map, line, undefined);
    return map;
  }

  /** After a value: a more indented content line next would continue it or be an error. */
  private endOfValue(col: number): void {
    const next = this.lines[this.i];
    if (next !== undefined && !next.separator && next.indent > col) throw NOT_PLAIN;
  }

  /**
   * The value that starts at `from` on line `at`, of an entry of the block collection at column
   * `col`: a flow collection or quoted scalar (then at most a comment), a literal block scalar, or
   * a plain scalar, continued on the more indented lines that follow. Moves past its lines.
   */
  private value(at: Line, from: number, col: number): unknown {
    const text = at.text;
    const c = text.charCodeAt(from);
    if (c === 0x5b || c === 0x7b || c === 0x22 || c === 0x27) {
      const flow = new Flow(text, at.line, this.hooks);
      flow.pos = from;
      const value = flow.value(this.depth);
      if (!restIsComment(text, flow.pos)) throw NOT_PLAIN;
      this.i++;
      this.endOfValue(col);
      return value;
    }
    if (c === 0x7c || c === 0x3e) return this.blockScalar(at, from, col, c === 0x3e);
    if (!plainStart(text, from, false)) throw NOT_PLAIN;
    // a block plain scalar ends at a comment (` #`); a `: ` or a final `:` before that makes it a mapping
    let end = text.indexOf(' #', from);
    if (end < 0) end = text.length;
    const colon = text.indexOf(': ', from);
    if ((colon >= 0 && colon < end) || (end === text.length && text.charCodeAt(end - 1) === COLON)) throw NOT_PLAIN;
    let plain = trimSpaces(text.slice(from, end));
    this.i++;
    if (end === text.length) plain = this.continued(plain, at.line, col);
    this.endOfValue(col);
    return plainValue(plain, this.hooks);
  }

  /**
   * A plain scalar's continuation lines (js-yaml's readPlainScalar): each more indented line
   * joins with a space, blank lines between them stand as line feeds. A comment line between, or
   * a comment, `: ` or final `:` on one of them, is left to js-yaml.
   */
  private continued(first: string, line: number, col: number): string {
    let text = first;
    let last = line;
    for (;;) {
      const next = this.lines[this.i];
      if (next === undefined || next.separator || next.indent <= col) return text;
      const t = next.text;
      if (next.afterComment || t.includes(' #') || t.includes(': ') || t.charCodeAt(t.length - 1) === COLON) throw NOT_PLAIN;
      const gap = next.line - last;
      text += gap === 1 ? ' ' : '\n'.repeat(gap - 1);
      text += trimSpaces(t);
      last = next.line;
      this.i++;
    }
  }

  /**
   * A block scalar, literal (`|`) or folded (`>`), with its chomping (`-`, `+`; an indentation digit
   * is left to js-yaml), whose header starts at `from` on line `at`, the value of an entry of the
   * collection at column `col`: js-yaml's readBlockScalar, over the raw lines that follow
   * (comment-like lines are its content).
   */
  private blockScalar(at: Line, from: number, col: number, folding: boolean): string {
    const text = at.text;
    let h = from + 1;
    const chomp = text.charCodeAt(h);
    if (chomp === 0x2d || chomp === 0x2b) h++;
    if (!restIsComment(text, h)) throw NOT_PLAIN;
    const src = this.source;
    let textIndent = col + 1;
    let detected = false;
    let emptyLines = 0;
    let read = false;
    let moreIndented = false;
    let value = '';
    let pos = at.end + 1;
    let line = at.line + 1;
    while (pos < src.length) {
      let i = pos;
      while ((!detected || i - pos < textIndent) && src.charCodeAt(i) === SPACE) i++;
      const lineIndent = i - pos;
      if (!detected && lineIndent > textIndent) textIndent = lineIndent;
      if (i >= src.length || src.charCodeAt(i) === 0x0a) {
        emptyLines++;
        pos = i + 1;
        line++;
        continue;
      }
      if (lineIndent < textIndent) break;
      if (!folding) value += '\n'.repeat(read ? 1 + emptyLines : emptyLines);
      else if (src.charCodeAt(i) === SPACE) {
        // a more indented line is not folded
        moreIndented = true;
        value += '\n'.repeat(read ? 1 + emptyLines : emptyLines);
      } else if (moreIndented) {
        moreIndented = false;
        value += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (read) value += ' ';
      } else value += '\n'.repeat(emptyLines);
      read = true;
      detected = true;
      emptyLines = 0;
      let eol = src.indexOf('\n', i);
      if (eol < 0) eol = src.length;
      value += src.slice(i, eol);
      pos = eol + 1;
      line++;
    }
    if (chomp === 0x2b) value += '\n'.repeat(read ? 1 + emptyLines : emptyLines);
    else if (chomp !== 0x2d && read) value += '\n';
    // on past the lines it took (comment-like ones among them are its text)
    this.i++;
    while (this.i < this.lines.length && this.lines[this.i]!.line < line) this.i++;
    this.endOfValue(col);
    return value;
  }
}

function plainValue(text: string, hooks: PlainYamlHooks): unknown {
  const value = hooks.scalar(text);
  if (value === UNDECIDED) throw NOT_PLAIN;
  return value;
}

/** A key this reader stores: a new one, read as the string it is written as (not `true`, `1` or null), and not `__proto__`. */
function isPlainKey(key: string, map: object, hooks: PlainYamlHooks): boolean {
  return hooks.scalar(key) === key && key !== '__proto__' && !Object.hasOwn(map, key);
}

/** A flow collection or quoted scalar on one line. */
class Flow {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly hooks: PlainYamlHooks,
  ) {}

  value(depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 0x22) return this.doubleQuoted();
    if (c === 0x27) {
      let s = '';
      let from = this.pos + 1;
      for (;;) {
        const q = t.indexOf("'", from);
        if (q < 0) throw NOT_PLAIN;
        s += t.slice(from, q);
        if (t.charCodeAt(q + 1) !== 0x27) {
          this.pos = q + 1;
          return s;
        }
        s += "'";
        from = q + 2;
      }
    }
    if (c === 0x5b || c === 0x7b) {
      if (depth + 1 > MAX_DEPTH) throw NOT_PLAIN;
      return c === 0x5b ? this.sequence(depth + 1) : this.mapping(depth + 1);
    }
    if (!plainStart(t, this.pos, true)) throw NOT_PLAIN;
    // a flow plain scalar ends at a flow indicator; a `: `, a `:` before an indicator or the end, or a comment in it is left to js-yaml
    let i = this.pos;
    for (; i < t.length; i++) {
      const d = t.charCodeAt(i);
      if (isFlowIndicator(d)) break;
      if (d === COLON) {
        const next = t.charCodeAt(i + 1);
        if (Number.isNaN(next) || next === SPACE || isFlowIndicator(next)) throw NOT_PLAIN;
      } else if (d === HASH && t.charCodeAt(i - 1) === SPACE) throw NOT_PLAIN;
    }
    const plain = trimSpaces(t.slice(this.pos, i));
    this.pos = i;
    return plainValue(plain, this.hooks);
  }

  /** A double-quoted scalar closed on its line, with js-yaml's escapes (readDoubleQuotedScalar); a line-end escape is left to js-yaml. */
  private doubleQuoted(): string {
    const t = this.text;
    let s = '';
    let from = this.pos + 1;
    for (let i = from; ; ) {
      const d = t.charCodeAt(i);
      if (Number.isNaN(d)) throw NOT_PLAIN;
      if (d === 0x22) {
        this.pos = i + 1;
        return s + t.slice(from, i);
      }
      if (d !== 0x5c) {
        i++;
        continue;
      }
      s += t.slice(from, i);
      const e = t.charCodeAt(i + 1);
      const simple = Number.isNaN(e) ? undefined : SIMPLE_ESCAPES[String.fromCharCode(e)];
      if (simple !== undefined) {
        s += simple;
        i += 2;
      } else {
        const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : e === 0x55 ? 8 : 0; // \x, \u, \U
        if (digits === 0) throw NOT_PLAIN; // js-yaml's error: unknown escape sequence
        let code = 0;
        for (let k = i + 2; k < i + 2 + digits; k++) {
          const h = t.charCodeAt(k);
          const v = h >= 0x30 && h <= 0x39 ? h - 0x30 : h >= 0x61 && h <= 0x66 ? h - 0x57 : h >= 0x41 && h <= 0x46 ? h - 0x37 : -1;
          if (v < 0) throw NOT_PLAIN;
          code = code * 16 + v;
        }
        if (code > 0x10ffff) throw NOT_PLAIN;
        s += String.fromCodePoint(code);
        i += 2 + digits;
      }
      from = i;
    }
  }

  private spaces(): void {
    while (this.text.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  private sequence(depth: number): unknown[] {
    const seq: unknown[] = [];
    const items: number[] = [];
    this.pos++;
    this.spaces();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.hooks.stamp(seq, this.line, undefined);
      return seq;
    }
    for (;;) {
      items.push(this.line);
      seq.push(this.value(depth));
      this.spaces();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) break;
      if (c !== 0x2c) throw NOT_PLAIN;
      this.spaces();
    }
    this.hooks.stamp(seq, this.line, items);
    return seq;
  }

  private mapping(depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.pos++;
    this.spaces();
    if (this.text.charCodeAt(this.pos) !== 0x7d) {
      for (;;) {
        // `key: ` (a plain key, then at least one space)
        const colon = plainKeyEnd(this.text, this.pos);
        if (colon < 0 || this.text.charCodeAt(colon + 1) !== SPACE) throw NOT_PLAIN;
        const key = this.text.slice(this.pos, colon);
        if (!isPlainKey(key, map, this.hooks)) throw NOT_PLAIN;
        this.pos = colon + 1;
        this.spaces();
        map[key] = this.value(depth);
        this.spaces();
        const c = this.text.charCodeAt(this.pos++);
        if (c === 0x7d) break;
        if (c !== 0x2c) throw NOT_PLAIN;
        this.spaces();
      }
    } else this.pos++;
    this.hooks.stamp(map, this.line, undefined);
    return map;
  }
}

// js-yaml's one-character escapes in double quotes (simpleEscapeSequence; `\<tab>` is left with every tab)
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\x00',
  a: '\x07',
  b: '\x08',
  t: '\x09',
  n: '\x0A',
  v: '\x0B',
  f: '\x0C',
  r: '\x0D',
  e: '\x1B',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xA0',
  L: '\u2028',
  P: '\u2029',
};
