/**
 * Baselines (--write-baseline, --baseline): the current failures and warnings recorded by
 * check id, file, workload and variable names — never by line, so edits elsewhere in a file
 * do not make an old finding new. A later run fails only on findings that are not in the
 * baseline (those that are become `waived`, naming the baseline) and warns about entries that
 * match nothing any more (BASELINE-STALE; --strict fails them). The file is sorted JSON with
 * no timestamps, so it is stable across runs and diffs well.
 */
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import { readTextFileSync } from '../io/fs.js';
import { parseJsonText } from '../util/json.js';
import { checkInfo } from './catalog.js';
import { summarize } from './evaluate.js';
import type { Finding, ProductionReport } from './types.js';
import { groupByWorkload, workloadKey, workloadLabel } from './workload.js';

export interface BaselineEntry {
  id: string;
  file: string | null;
  workload: string | null;
  variables: string[];
}

const FORMAT = 'krishiv-auth-baseline/1';

function entryWorkload(f: Finding): string | null {
  return f.workload ? workloadLabel(f.workload) : null;
}

/**
 * A finding of a workload is keyed by the workload's file, not by where it is located: a Service
 * that exposes it, or an env file a unit loads, may move to another file without the finding
 * becoming new.
 */
export function entryOf(f: Finding): BaselineEntry {
  return { id: f.id, file: f.workload?.file ?? f.location?.file ?? null, workload: entryWorkload(f), variables: [...f.variables].sort() };
}

const keyOf = (e: BaselineEntry): string => JSON.stringify([e.id, e.file, e.workload, e.variables]);

/** The entries of a report: its failures and warnings, de-duplicated and sorted. */
export function baselineEntries(report: ProductionReport): BaselineEntry[] {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    if (f.status !== 'fail' && f.status !== 'warn') continue;
    if (f.id === 'BASELINE-STALE') continue;
    const e = entryOf(f);
    byKey.set(keyOf(e), e);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

export function renderBaseline(report: ProductionReport): string {
  const entries = baselineEntries(report);
  const lines = entries.map((e) => `    ${JSON.stringify({ id: e.id, file: e.file, workload: e.workload, variables: e.variables })}`);
  return `{\n  "format": "${FORMAT}",\n  "entries": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

export function parseBaseline(text: string, label: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = parseJsonText(text);
  } catch (error) {
    // (the parser's own message quotes the text: --baseline may name a token file by mistake)
    throw new KrishivError('ERR_BASELINE_INVALID', (error as Error).message, { input: label });
  }
  const d = doc as { format?: unknown; entries?: unknown };
  if (typeof doc !== 'object' || doc === null || d.format !== FORMAT || !Array.isArray(d.entries)) {
    throw new KrishivError(
      'ERR_BASELINE_INVALID',
      `is not a krishiv-auth baseline (expected {"format": "${FORMAT}", "entries": [...]}; write one with --write-baseline)`,
      { input: label },
    );
  }
  return d.entries.map((raw, i) => {
    const e = raw as Partial<BaselineEntry>;
    const okStr = (v: unknown): boolean => v === null || typeof v === 'string';
    if (
      typeof raw !== 'object' ||
      raw === null ||
      typeof e.id !== 'string' ||
      !okStr(e.file) ||
      !okStr(e.workload) ||
      !Array.isArray(e.variables) ||
      !e.variables.every((v) => typeof v === 'string')
    ) {
      throw new KrishivError('ERR_BASELINE_INVALID', `entry ${i + 1} is not {id, file, workload, variables}`, { input: label });
    }
    return { id: e.id, file: e.file ?? null, workload: e.workload ?? null, variables: [...e.variables].sort() };
  });
}

export async function readBaseline(file: string, label: string): Promise<{ label: string; entries: BaselineEntry[] }> {
  let text: string;
  try {
    text = readTextFileSync(file, { limit: 16 * 1024 * 1024, label });
  } catch (error) {
    if (isKrishivError(error)) throw new KrishivError('ERR_BASELINE_INVALID', error.message, { input: label, cause: error });
    throw error;
  }
  return { label, entries: parseBaseline(text, label) };
}

/** Waives the findings the baseline knows; adds BASELINE-STALE for entries that match nothing. */
export function applyBaseline(report: ProductionReport, baseline: { label: string; entries: BaselineEntry[] }): ProductionReport {
  const keys = new Map(baseline.entries.map((e) => [keyOf(e), e]));
  const used = new Set<string>();
  const findings: Finding[] = report.findings.map((f) => {
    if (f.status !== 'fail' && f.status !== 'warn') return f;
    const k = keyOf(entryOf(f));
    if (!keys.has(k)) return f;
    used.add(k);
    return { ...f, status: 'waived', waiver: { reason: `in the baseline ${baseline.label}`, owner: 'baseline', expires: '' } };
  });
  const info = checkInfo('BASELINE-STALE');
  for (const [k, e] of keys) {
    if (used.has(k)) continue;
    findings.push({
      id: 'BASELINE-STALE',
      predicate: null,
      status: 'warn',
      class: info.class,
      message: `baseline entry ${e.id}${e.workload ? ` for ${e.workload}` : ''}${e.file ? ` in ${e.file}` : ''}${e.variables.length ? ` (${e.variables.join(', ')})` : ''} matches no current finding`,
      remediation: info.fix,
      location: { file: baseline.label },
      variables: e.variables,
    });
  }
  const summary = summarize(findings);
  const out: ProductionReport = { ...report, findings, summary, ok: summary.fail === 0 && (!report.strict || summary.warn === 0) };
  if (report.workloads) {
    const grouped = groupByWorkload(findings);
    out.workloads = report.workloads.map((w) => {
      const mine = grouped.get(workloadKey(w)) ?? [];
      const s = summarize(mine);
      return { ...w, summary: s, ok: s.fail === 0 && (!report.strict || s.warn === 0) };
    });
  }
  return out;
}

/** --baseline / --write-baseline as one step of the command (the file written atomically). */
export async function baselineStep(
  report: ProductionReport,
  flags: { baseline?: string; writeBaseline?: string },
  seams: { cwd: string; info: (message: string) => void },
): Promise<ProductionReport> {
  let out = report;
  if (flags.baseline !== undefined)
    out = applyBaseline(report, await readBaseline(path.resolve(seams.cwd, flags.baseline), flags.baseline));
  if (flags.writeBaseline !== undefined) {
    const { writeFileAtomic } = await import('../io/fs.js');
    await writeFileAtomic(path.resolve(seams.cwd, flags.writeBaseline), renderBaseline(report));
    seams.info(`baseline of ${baselineEntries(report).length} findings written to ${flags.writeBaseline}`);
  }
  return out;
}
