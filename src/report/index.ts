/**
 * check-production reporters: pure functions from a `ProductionReport` (plus the check
 * catalog, for SARIF rules) to a string, registered by name as knip's reporters are.
 *
 *   renderReport(format, report, catalog, options) → string   (no trailing newline)
 *   isReportFormat(name)                           → name is a ReportFormat
 *   REPORT_FORMATS                                 → ['text', 'json', 'sarif', 'junit', 'github', 'markdown']
 *   toJsonDocument(report)                         → the contract's JSON object without `tool`
 *                                                    (for `ctx.out.result`/`writeJson`, which add it)
 *   toSarifLog(report, catalog, options)           → the SARIF 2.1.0 log object
 *
 * Formats:
 *   text      people: findings grouped fail → warn → waived → skip, passes counted (listed with
 *             `verbose`), summary line last; colour via `options.style` (default PLAIN) only decorates
 *   json      the contract's document, `tool` last (same bytes as `--json` through the frame)
 *   sarif     SARIF 2.1.0 for GitHub code scanning (see sarif.ts for the choices)
 *   junit     JUnit XML, one testsuite per finding class, one testcase per finding
 *   github    `::error`/`::warning` workflow commands, one line each, and a `::notice` summary
 *   markdown  a PR comment: summary, table of failures and warnings, <details> for the rest
 *
 * No reporter prints a value: findings carry messages and variable names only, and each
 * reporter copies just the fields it shows. Every reporter is synchronous and does no I/O,
 * so the command decides where the string goes (stdout or `--output <file>`).
 */
import type { Style } from '../text/style.js';
import type { CheckInfo, ProductionReport } from '../production/types.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif, type SarifOptions } from './sarif.js';
import { renderText } from './text.js';

export { toJsonDocument, type JsonDocument, type JsonFinding } from './json.js';
export { toSarifLog, type SarifOptions } from './sarif.js';
export { summaryLine } from './common.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'junit' | 'github' | 'markdown';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'];

export interface RenderOptions {
  /** text: colours (default PLAIN: no escape codes) */
  style?: Style;
  /** text: list passing checks one by one */
  verbose?: boolean;
  /** sarif: waived findings as suppressed results (default) or left out */
  sarifWaived?: SarifOptions['waived'];
  /** sarif: absolute directory relative env-file paths are relative to (usually the cwd) */
  srcRoot?: string;
}

type Reporter = (report: ProductionReport, catalog: readonly CheckInfo[], options: RenderOptions) => string;

const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = Object.freeze({
  text: (report, _catalog, options) => renderText(report, { style: options.style, verbose: options.verbose }),
  json: (report) => renderJson(report),
  sarif: (report, catalog, options) => renderSarif(report, catalog, { waived: options.sarifWaived, srcRoot: options.srcRoot }),
  junit: (report) => renderJunit(report),
  github: (report) => renderGithub(report),
  markdown: (report) => renderMarkdown(report),
});

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

/** Renders the report in the named format. The string has no trailing newline. */
export function renderReport(
  format: ReportFormat,
  report: ProductionReport,
  catalog: readonly CheckInfo[],
  options: RenderOptions = {},
): string {
  return REPORTERS[format](report, catalog, options);
}
