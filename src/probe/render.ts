/**
 * Human rendering of a probe report: one table per target, status coloured through the
 * Output styles (plain when colour is off). Returns a string; printing is output.ts's job.
 */
import type { Style } from '../text/style.js';
import type { CheckStatus, Evidence, ProbeReport, TargetResult } from './types.js';

function statusCell(status: CheckStatus, style: Style): string {
  const text = status.padEnd(6);
  switch (status) {
    case 'pass':
      return style.green(text);
    case 'fail':
      return style.red(style.bold(text));
    case 'warn':
      return style.yellow(text);
    default:
      return style.dim(text);
  }
}

export function formatEvidence(ev: Evidence | null): string {
  if (!ev) return '–';
  const one = (e: Evidence): string => {
    const status = e.status === null ? e.outcome : String(e.status);
    const ms = e.latencyMs === null ? '' : ` ${Math.round(e.latencyMs)}ms`;
    // gRPC method paths are long: show the method name only.
    const grpc = /^\/[\w.]+\.(\w+)\/(\w+)$/.exec(e.path);
    return grpc ? `gRPC ${grpc[2]} ${status}${ms}` : `${e.method} ${e.path} ${status}${ms}`;
  };
  return [ev, ...(ev.more ?? [])].map(one).join(', ');
}

function renderTarget(t: TargetResult, style: Style): string {
  const counts = { fail: 0, warn: 0 };
  for (const c of t.checks) if (c.status === 'fail' || c.status === 'warn') counts[c.status]++;
  const verdict = t.ok ? style.green('ok') : style.red(style.bold('FAIL'));
  const extra = [counts.fail ? `${counts.fail} failed` : '', counts.warn ? `${counts.warn} warning(s)` : '']
    .filter(Boolean)
    .join(', ');
  const lines = [`${style.bold(t.url)}  ${verdict}${extra ? ` (${extra})` : ''}`];
  const evid = t.checks.map((c) => formatEvidence(c.evidence));
  const idWidth = Math.max(5, ...t.checks.map((c) => c.id.length));
  const evWidth = Math.min(48, Math.max(8, ...evid.map((e) => e.length)));
  lines.push(style.dim(`  ${'check'.padEnd(idWidth)}  ${'status'}  ${'evidence'.padEnd(evWidth)}  message`));
  t.checks.forEach((c, i) => {
    const ev = evid[i]!;
    const evCell = ev.length > evWidth ? `${ev.slice(0, evWidth - 1)}…` : ev.padEnd(evWidth);
    lines.push(`  ${c.id.padEnd(idWidth)}  ${statusCell(c.status, style)}  ${style.dim(evCell)}  ${c.message}`);
  });
  return lines.join('\n');
}

export function renderProbeReport(report: ProbeReport, style: Style): string {
  const blocks = report.targets.map((t) => renderTarget(t, style));
  if (report.targets.length > 1) {
    const bad = report.targets.filter((t) => !t.ok).length;
    blocks.push(
      `${report.targets.length} targets: ${report.targets.length - bad} ok${bad ? `, ${style.red(`${bad} failing`)}` : ''}`,
    );
  }
  return `${blocks.join('\n\n')}\n`;
}
