/**
 * Helpers shared by the reporters: ordering, counting, the one-line summary, and the
 * neutralising of control characters that must never reach a terminal or a document.
 * Pure functions on report data.
 */
import type { CheckInfo, Finding, FindingStatus, ProductionReport } from '../production/types.js';

/** Findings with the given status, in report order. */
export function findingsWithStatus(report: ProductionReport, status: FindingStatus): Finding[] {
  return report.findings.filter((f) => f.status === status);
}

/** `prod.env:12`, `prod.env` for an absent variable, or null for --process-env/--cli values. */
export function formatLocation(finding: Finding): string | null {
  const loc = finding.location;
  if (!loc) return null;
  return loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file;
}

/**
 * A waiver's owner and expiry as `owner X, expires Y`; empty for a baseline entry, which has
 * neither (src/production/baseline.ts: its reason names the baseline file).
 */
export function waiverTerms(w: { owner: string; expires: string }): string {
  return w.expires === '' ? '' : `owner ${w.owner}, expires ${w.expires}`;
}

/** A waiver's reason, then its terms in parentheses when it has any; `esc` escapes each for the format. */
export function waiverText(w: { reason: string; owner: string; expires: string }, esc: (s: string) => string = (s) => s): string {
  const terms = waiverTerms(w);
  return terms === '' ? esc(w.reason) : `${esc(w.reason)} (${esc(terms)})`;
}

/** Where a value without a file came from, in words. */
export const NO_FILE_LOCATION = 'process environment or --cli';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The final line: `✖ 3 failed, 2 warnings, 41 passed, 1 skipped — role cluster, 2 files`.
 * Counts come from `report.summary`; zero skipped/waived are left out. The mark carries
 * the verdict (`report.ok`), so `--strict` with only warnings shows ✖.
 */
export function summaryLine(report: ProductionReport): string {
  const s = report.summary;
  const strictNote = report.strict && s.warn > 0 ? ' (--strict: warnings fail)' : '';
  const parts = [`${s.fail} failed`, `${plural(s.warn, 'warning', 'warnings')}${strictNote}`, `${s.pass} passed`];
  if (s.skip > 0) parts.push(`${s.skip} skipped`);
  if (s.waived > 0) parts.push(`${s.waived} waived`);
  const files = plural(report.files.length, 'file', 'files');
  const scope = report.workloads ? plural(report.workloads.length, 'workload', 'workloads') : `role ${report.role}`;
  return `${report.ok ? '✔' : '✖'} ${parts.join(', ')} — ${scope}, ${files}`;
}

/**
 * The status a check reports when unmet: the catalog's `severity`, else `warn` for class
 * WARN and `fail` for every other class.
 */
export function defaultSeverity(check: Pick<CheckInfo, 'class' | 'severity'>): 'fail' | 'warn' {
  return check.severity ?? (check.class === 'WARN' ? 'warn' : 'fail');
}

/** A character neutraliseControls may change (a lone or paired surrogate, CR, a control). */
// eslint-disable-next-line no-control-regex
const MAYBE_CONTROL = /[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * Turns CRLF and lone CR into LF, then replaces the other C0/C1 control characters (except
 * tab and newline) and lone surrogates with a visible `\xNN`/`\uNNNN` form, so an env file
 * name or message cannot move the cursor, clear the screen or forge an ANSI colour in a
 * terminal or log viewer.
 */
export function neutraliseControls(text: string): string {
  // most text has none of them: one scan, no copies (a tree's report has 100,000s of lines)
  if (!MAYBE_CONTROL.test(text)) return text;
  // eslint-disable-next-line no-control-regex
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}

/** Catalog entries by id. */
export function indexCatalog(catalog: readonly CheckInfo[]): Map<string, CheckInfo> {
  const byId = new Map<string, CheckInfo>();
  for (const check of catalog) if (!byId.has(check.id)) byId.set(check.id, check);
  return byId;
}

/**
 * Escapes text for inline Markdown (GitHub-flavoured), safe inside a table cell: backslash
 * first, then the characters that would start emphasis, code, links, HTML or a new cell.
 * Newlines become `<br>` so a cell stays on one line; `&`, `<`, `>` become entities so a
 * message can never open raw HTML (a `<details>`, a `<img>`) in a PR comment.
 */
export function escapeMarkdown(text: string): string {
  return neutraliseControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** A code span for identifier-like text (check ids, variable names), else escaped text. */
export function markdownCode(text: string): string {
  return /^[A-Za-z0-9_.:/=-]+$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

/**
 * Inline Markdown for prose that may quote commands in backticks (catalog fixes, messages):
 * each balanced single-line `code` pair stays a code span (its `|` escaped for tables, which
 * GFM unescapes inside code), everything else goes through `escapeMarkdown`. An unbalanced
 * backtick is escaped, so user text can never open a span that swallows the rest of a row.
 */
export function markdownProse(text: string): string {
  const clean = neutraliseControls(text);
  let out = '';
  let last = 0;
  for (const m of clean.matchAll(/`([^`\r\n]+)`/g)) {
    out += escapeMarkdown(clean.slice(last, m.index));
    out += `\`${m[1]!.replace(/\|/g, '\\|')}\``;
    last = m.index + m[0].length;
  }
  return out + escapeMarkdown(clean.slice(last));
}
