/** Human renderings of rotation results (pure: data in, text out). Tokens appear only where handed over. */
import type { Style } from '../text/style.js';
import { formatRelative } from '../util/duration.js';
import type { ConfirmCheck } from './confirm.js';
import type { RotationPlan, StatusReport } from './plan.js';

export function renderPlan(plan: Record<string, unknown>): string {
  return `# dry run: nothing was written\n${toYamlish(plan, 0)}`;
}

function toYamlish(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((v) => (v !== null && typeof v === 'object' ? `${pad}-\n${toYamlish(v, indent + 2)}` : `${pad}- ${scalar(v)}\n`))
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        if (v !== null && typeof v === 'object' && !(Array.isArray(v) && v.length === 0)) return `${pad}${k}:\n${toYamlish(v, indent + 2)}`;
        return `${pad}${k}: ${Array.isArray(v) ? '[]' : scalar(v)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return /^[\w:./@+-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

export interface BeginView {
  file: string;
  token?: string;
  out?: string;
  fingerprint: string;
  tokens: string[];
  mode: string;
  finishAfter: string | null;
}

export function renderBegin(v: BeginView, s: Style): string {
  const lines: string[] = [];
  if (v.token !== undefined) lines.push(`${s.bold('new token:')}   ${v.token}`);
  else if (v.out !== undefined) lines.push(`${s.bold('new token:')}   written to ${v.out} (0600)`);
  lines.push(`${s.bold('fingerprint:')} ${v.fingerprint}`);
  lines.push(
    `${s.bold('file:')}        ${v.file} (${v.tokens.length} token${v.tokens.length === 1 ? '' : 's'}, mode ${v.mode}, newest first)`,
  );
  for (const [i, f] of v.tokens.entries()) lines.push(`  ${i + 1}. ${f}${i === 0 ? s.green('  new') : ''}`);
  if (v.finishAfter) lines.push(`${s.bold('finish after:')} ${v.finishAfter}`);
  return lines.join('\n');
}

export function renderChange(plan: RotationPlan, s: Style, checks: ConfirmCheck[]): string {
  const lines: string[] = [];
  if (plan.write === null) lines.push(`${plan.file}: unchanged`);
  else if (plan.action === 'finish') lines.push(`${s.bold('kept:')}    ${plan.after[0] ?? 'none'}`);
  for (const r of plan.removed) lines.push(`${s.bold('removed:')} ${r}`);
  lines.push(`${s.bold('file:')}    ${plan.file} (${plan.after.length} token${plan.after.length === 1 ? '' : 's'})`);
  for (const c of checks) {
    const mark = c.status === 'pass' ? s.green('ok  ') : c.status === 'fail' ? s.red('FAIL') : s.dim('info');
    lines.push(`${mark} ${c.message}`);
  }
  return lines.join('\n');
}

export function renderStatus(r: StatusReport, s: Style, now: Date): string {
  const lines: string[] = [];
  const kind = r.kind === 'token' ? 'single-token file' : 'tokens file';
  if (!r.exists) lines.push(`${s.bold(r.file)}: does not exist (${kind})`);
  else {
    const owner = r.owner ? `, owner uid ${r.owner.uid} gid ${r.owner.gid}` : '';
    lines.push(`${s.bold(r.file)}: ${kind}, ${r.count} token${r.count === 1 ? '' : 's'}, mode ${r.mode ?? '?'}${owner}`);
  }
  for (const t of r.tokens) {
    const tags = [t.newest ? 'newest' : '', t.pending ? 'pending' : ''].filter(Boolean).join(', ');
    lines.push(`  line ${String(t.line).padEnd(3)} ${t.fingerprint}${tags ? `  ${s.dim(tags)}` : ''}`);
  }
  if (r.pending) {
    const p = r.pending;
    lines.push(
      `${s.bold('pending rotation:')} begun ${p.updatedAt} (${formatRelative(new Date(p.updatedAt), now)}), pending ${p.fingerprints.join(', ')}`,
    );
    if (p.ready === null) lines.push('  reload interval unknown: give --reload-interval or --env-file to know when finish may run');
    else if (p.reloadIntervalSecs === null)
      lines.push('  the coordinator does not reload: finish may run now, then restart the coordinator');
    else
      lines.push(
        `  reload interval ${p.reloadIntervalSecs}s: ${p.ready ? s.green('finish may run now') : `finish may run after ${p.finishAfter}`}`,
      );
  } else {
    lines.push('no pending rotation');
  }
  for (const w of r.warnings) {
    const tag = w.severity === 'error' ? s.red('error:  ') : w.severity === 'warning' ? s.yellow('warning:') : s.dim('note:   ');
    lines.push(`${tag} ${w.message}`);
  }
  return lines.join('\n');
}
