/**
 * The human report: findings grouped by what needs action (failures, warnings, waived,
 * skipped), passes collapsed to a count unless `verbose`, and the summary line last.
 * Colour comes through `Style` and only decorates: every status is also a mark and a word.
 */
import { PLAIN, type Style } from '../text/style.js';
import type { Finding, FindingStatus, ProductionReport, WorkloadSummary } from '../production/types.js';
import { groupByWorkload, workloadKey, workloadLabel } from '../production/workload.js';
import { NO_FILE_LOCATION, findingsWithStatus, formatLocation, neutraliseControls, summaryLine, waiverTerms } from './common.js';

export interface TextOptions {
  style?: Style;
  /** list passing checks one by one instead of a count */
  verbose?: boolean;
}

interface Group {
  status: FindingStatus;
  title: string;
  mark: string;
  colour: (style: Style, s: string) => string;
}

const GROUPS: readonly Group[] = [
  { status: 'fail', title: 'Failures', mark: '✖', colour: (st, s) => st.red(s) },
  { status: 'warn', title: 'Warnings', mark: '!', colour: (st, s) => st.yellow(s) },
  { status: 'waived', title: 'Waived', mark: '~', colour: (st, s) => st.magenta(s) },
  { status: 'skip', title: 'Skipped, not checked here', mark: '-', colour: (st, s) => st.gray(s) },
];

const INDENT = '    ';

function indentBlock(text: string, prefix: string): string {
  return neutraliseControls(text) // which leaves no CR: every line break is a LF
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function renderFinding(f: Finding, group: Group, style: Style): string {
  const lines: string[] = [];
  lines.push(`  ${group.colour(style, group.mark)} ${style.bold(neutraliseControls(f.id))}  ${style.dim(f.class)}`);
  if (f.message) lines.push(indentBlock(f.message, INDENT));
  const where = formatLocation(f) ?? NO_FILE_LOCATION;
  const vars = f.variables.length > 0 ? `  (${f.variables.join(', ')})` : '';
  lines.push(`${INDENT}${style.dim('at')} ${style.cyan(neutraliseControls(where))}${neutraliseControls(vars)}`);
  if (f.status === 'waived' && f.waiver) {
    const w = f.waiver;
    lines.push(indentBlock(`waived: ${w.reason}${waiverTerms(w) === '' ? '' : ` — ${w.owner}, until ${w.expires}`}`, INDENT));
  }
  if (f.remediation && f.status !== 'skip') {
    lines.push(indentBlock(`fix: ${f.remediation}`, INDENT));
  }
  return lines.join('\n');
}

/** Renders the report for people. Ends without a trailing newline (the frame adds one). */
export function renderText(report: ProductionReport, options: TextOptions = {}): string {
  const style = options.style ?? PLAIN;
  if (report.workloads) return renderByWorkload(report, report.workloads, style, options.verbose === true);
  const blocks: string[] = [];
  for (const group of GROUPS) {
    const found = findingsWithStatus(report, group.status);
    if (found.length === 0) continue;
    const header = style.bold(`${group.title} (${found.length})`);
    blocks.push([header, ...found.map((f) => renderFinding(f, group, style))].join('\n'));
  }
  const passes = findingsWithStatus(report, 'pass');
  if (passes.length > 0) {
    if (options.verbose) {
      const lines = passes.map((f) => `  ${style.green('✔')} ${neutraliseControls(f.id)}  ${style.dim(f.class)}`);
      blocks.push([style.bold(`Passed (${passes.length})`), ...lines].join('\n'));
    } else {
      blocks.push(style.dim(`${passes.length} ${passes.length === 1 ? 'check' : 'checks'} passed`));
    }
  }
  const line = summaryLine(report);
  blocks.push(report.ok ? style.green(line) : style.red(style.bold(line)));
  return blocks.join('\n\n');
}

/**
 * --manifest / --unit: one section per workload (`namespace/kind/name/container`, its role
 * and verdict), its findings grouped by status inside; findings of no workload (env files,
 * baseline) first. The summary line last.
 */
function renderByWorkload(report: ProductionReport, workloads: readonly WorkloadSummary[], style: Style, verbose: boolean): string {
  const blocks: string[] = [];
  // `passed`: a workload's count from its summary (a manifest run for this report counts its
  // passes without keeping them as findings); loose env-file findings count their own
  const section = (title: string, findings: readonly Finding[], passed?: number): void => {
    const lines: string[] = [title];
    // one pass over the findings, by status (a tree has thousands of sections)
    const byStatus = new Map<Finding['status'], Finding[]>();
    for (const f of findings) {
      const list = byStatus.get(f.status);
      if (list === undefined) byStatus.set(f.status, [f]);
      else list.push(f);
    }
    for (const group of GROUPS) {
      const found = byStatus.get(group.status);
      if (found === undefined) continue;
      lines.push(`  ${style.bold(`${group.title} (${found.length})`)}`);
      for (const f of found) lines.push(renderFinding(f, group, style).replace(/^/gm, '  '));
    }
    const passes = byStatus.get('pass') ?? [];
    const count = passed ?? passes.length;
    if (verbose && passes.length > 0)
      lines.push(...passes.map((f) => `    ${style.green('✔')} ${neutraliseControls(f.id)}  ${style.dim(f.class)}`));
    else if (count > 0) lines.push(`  ${style.dim(`${count} ${count === 1 ? 'check' : 'checks'} passed`)}`);
    blocks.push(lines.join('\n'));
  };
  const grouped = groupByWorkload(report.findings);
  const loose = grouped.get('') ?? [];
  if (loose.length > 0)
    section(
      style.bold(
        neutraliseControls(`env files: ${report.files.filter((f) => !workloads.some((w) => w.file === f)).join(', ') || 'baseline'}`),
      ),
      loose,
    );
  for (const w of workloads) {
    const mine = grouped.get(workloadKey(w)) ?? [];
    const mark = w.ok ? style.green('✔') : style.red('✖');
    // a rendered kustomization: the container's line in the kustomization's own files
    const where = w.source ? `${w.source.file}:${w.source.line}` : w.line !== undefined ? `${w.file}:${w.line}` : w.file;
    const s = w.summary;
    section(
      `${mark} ${style.bold(neutraliseControls(workloadLabel(w)))}  ${style.dim(`${w.role ?? 'not decided'} — ${neutraliseControls(where)} — ${s.fail} failed, ${s.warn} warnings, ${s.pass} passed${s.skip ? `, ${s.skip} skipped` : ''}`)}`,
      mine,
      s.pass,
    );
  }
  if (workloads.length === 0 && loose.length === 0) blocks.push(style.dim('no Krishiv workload found in the input'));
  const line = summaryLine(report);
  blocks.push(report.ok ? style.green(line) : style.red(style.bold(line)));
  return blocks.join('\n\n');
}
