/**
 * GitHub Actions workflow commands: one `::error` per failure and one `::warning` per warning,
 * each on exactly one line, then a `::notice` with the summary line. Waived, skipped and passed
 * checks get no annotation (GitHub shows only the first few per step; keep them for what needs
 * action). Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message
 * `%`, CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A`
 * and `%2C`.
 */
import type { Finding, ProductionReport } from '../production/types.js';
import { neutraliseControls, summaryLine } from './common.js';
import { workloadLabel } from '../production/workload.js';

/** Escapes the data part of a workflow command (after `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=`, `title=`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(command: 'error' | 'warning' | 'notice', props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(neutraliseControls(String(v)))}`)
    .join(',');
  return `::${command}${list ? ` ${list}` : ''}::${escapeData(neutraliseControls(message))}`;
}

function findingLine(f: Finding): string {
  const level = f.status === 'fail' ? 'error' : 'warning';
  const parts = [f.message.trim() || f.id];
  if (!f.location) parts.push('(from the process environment or --cli)');
  let message = parts.join(' ');
  if (f.remediation.trim()) message += `\nFix: ${f.remediation.trim()}`;
  const line = f.location?.line;
  const title = f.workload ? `${f.id} (${f.class}) ${workloadLabel(f.workload)}` : `${f.id} (${f.class})`;
  return annotation(
    level,
    { file: f.location?.file || undefined, line: line !== undefined && line >= 1 ? line : undefined, title },
    message,
  );
}

export function renderGithub(report: ProductionReport): string {
  const lines: string[] = [];
  for (const status of ['fail', 'warn'] as const) {
    for (const f of report.findings) if (f.status === status) lines.push(findingLine(f));
  }
  lines.push(annotation('notice', { title: 'krishiv-auth check-production' }, summaryLine(report)));
  return lines.join('\n');
}
