/**
 * check-production over deployment artefacts (--manifest, --unit): reads the inputs, evaluates
 * every workload, and returns one report with `workloads`. Loaded only when one of those
 * flags is given (the YAML parser with it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import { readTextFileSync } from '../io/fs.js';
import type { Waiver } from '../io/config.js';
import { summarize } from './evaluate.js';
import { labelOf, loadManifests, type LoadSeams } from './manifest/load.js';
import { evaluateObjects } from './manifest/run.js';
import { probeEnvFiles } from './token-files.js';
import type { Finding, ProductionReport, Role, WorkloadSummary } from './types.js';
import { evaluateUnit } from './unit/run.js';
import { applyWaivers } from './waivers.js';
import { groupByWorkload, workloadKey } from './workload.js';

export interface DeployInput {
  manifests: readonly string[];
  units: readonly string[];
  instance?: string;
  helmValues?: readonly string[];
  role?: Role;
  requireFiles: boolean;
  strict: boolean;
  now: Date;
  cwd: string;
  readStdin: () => Promise<string>;
  which?: LoadSeams['which'];
  render?: LoadSeams['render'];
  waivers?: readonly Waiver[];
  configFile?: string;
  /** false: manifests' passing checks are counted, not kept (src/production/manifest/run.ts) */
  keepPasses?: boolean;
}

export interface DeployRun {
  findings: Finding[];
  workloads: WorkloadSummary[];
  files: string[];
  /** passes counted in the workloads' summaries but not kept as findings, by workload key */
  passesNotKept: Map<string, number>;
}

export async function runDeploy(input: DeployInput): Promise<DeployRun> {
  const findings: Finding[] = [];
  const workloads: WorkloadSummary[] = [];
  const files: string[] = [];
  let passesNotKept = new Map<string, number>();
  if (input.manifests.length > 0) {
    const seams: LoadSeams = { cwd: input.cwd, readStdin: input.readStdin };
    if (input.which) seams.which = input.which;
    if (input.render) seams.render = input.render;
    if (input.helmValues) seams.helmValues = input.helmValues;
    const loaded = await loadManifests(input.manifests, seams);
    for (const f of loaded.files) files.push(f);
    const r = evaluateObjects(loaded.objects, {
      ...(input.role !== undefined ? { role: input.role } : {}),
      requireFiles: input.requireFiles,
      now: input.now,
      ...(input.keepPasses !== undefined ? { keepPasses: input.keepPasses } : {}),
    });
    for (const f of r.findings) findings.push(f);
    for (const w of r.workloads) workloads.push(w);
    passesNotKept = r.passesNotKept;
  }
  for (const unit of input.units) {
    let text: string;
    try {
      text = readTextFileSync(path.resolve(input.cwd, unit), { limit: 1024 * 1024, label: unit });
    } catch (error) {
      if (isKrishivError(error)) throw new KrishivError('ERR_UNIT_READ', error.message, { input: unit, cause: error });
      throw error;
    }
    files.push(labelOf(unit));
    const r = await evaluateUnit(
      labelOf(unit),
      text,
      {
        ...(input.instance !== undefined ? { instance: input.instance } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        requireFiles: input.requireFiles,
        now: input.now,
      },
      {
        readEnvFile: (p) => {
          const abs = path.resolve(input.cwd, p);
          if (!existsSync(abs)) return undefined;
          try {
            return readTextFileSync(abs, { limit: 4 * 1024 * 1024, label: p });
          } catch (error) {
            if (isKrishivError(error)) throw new KrishivError('ERR_UNIT_READ', error.message, { input: p, cause: error });
            throw error;
          }
        },
        probe: (envSet) => probeEnvFiles(envSet, { cwd: input.cwd, requireFiles: input.requireFiles }),
      },
    );
    for (const f of r.findings) findings.push(f);
    for (const w of r.workloads) workloads.push(w);
  }
  return { findings, workloads, files, passesNotKept };
}

/** One report from env-file findings (optional) and deployment findings, with waivers applied once. */
export function deployReport(
  role: Role,
  files: string[],
  findings: Finding[],
  workloads: WorkloadSummary[],
  options: { strict: boolean; waivers?: readonly Waiver[]; configFile?: string; now: Date; passesNotKept?: Map<string, number> },
): ProductionReport {
  let all = findings;
  if (options.waivers && options.waivers.length > 0) all = applyWaivers(all, options.waivers, role, options.now, options.configFile);
  const summary = summarize(all);
  for (const n of options.passesNotKept?.values() ?? []) summary.pass += n;
  // each workload's summary counts its own findings already (evaluateObjects, evaluateUnit);
  // they are counted again only when waivers changed statuses or two workloads share a key
  // (one file given twice): a tree has 100,000s of findings
  const keys = new Set<string>();
  let regroup = all !== findings;
  for (const w of workloads) {
    const k = workloadKey(w);
    if (keys.has(k)) regroup = true;
    keys.add(k);
  }
  const grouped = regroup ? groupByWorkload(all) : undefined;
  for (const w of workloads) {
    let s = w.summary;
    if (grouped) {
      s = summarize(grouped.get(workloadKey(w)) ?? []);
      s.pass += options.passesNotKept?.get(workloadKey(w)) ?? 0;
    }
    w.summary = s;
    w.ok = s.fail === 0 && (!options.strict || s.warn === 0);
  }
  return {
    ok: summary.fail === 0 && (!options.strict || summary.warn === 0),
    role,
    files,
    strict: options.strict,
    summary,
    findings: all,
    workloads,
  };
}

export interface DeployFlags {
  manifest: readonly string[];
  unit: readonly string[];
  instance?: string;
  helmValues: readonly string[];
  /** --role given (keeps only that role) */
  role?: Role;
  requireFiles: boolean;
}

/**
 * The --manifest/--unit part of check-production as one call: reads and evaluates the
 * artefacts and returns the report, merged with the env-file report when there is one
 * (each input kind evaluated in its own right; waivers applied once, to the deployment part).
 */
export async function deployCommandReport(
  flags: DeployFlags,
  context: {
    role: Role;
    strict: boolean;
    now: Date;
    cwd: string;
    readStdin: () => Promise<string>;
    waivers?: readonly Waiver[];
    configFile?: string;
    /** false when the report shows passes only as counts (text, github) and nothing re-reads them */
    keepPasses?: boolean;
  },
  envReport?: ProductionReport,
): Promise<ProductionReport> {
  const r = await runDeploy({
    manifests: flags.manifest,
    units: flags.unit,
    ...(flags.instance !== undefined ? { instance: flags.instance } : {}),
    helmValues: flags.helmValues,
    ...(flags.role !== undefined ? { role: flags.role } : {}),
    requireFiles: flags.requireFiles,
    strict: context.strict,
    now: context.now,
    cwd: context.cwd,
    readStdin: context.readStdin,
    ...(context.keepPasses !== undefined ? { keepPasses: context.keepPasses } : {}),
  });
  const options = {
    strict: context.strict,
    now: context.now,
    passesNotKept: r.passesNotKept,
    ...(envReport === undefined && context.waivers !== undefined ? { waivers: context.waivers } : {}),
    ...(context.configFile !== undefined ? { configFile: context.configFile } : {}),
  };
  if (!envReport) return deployReport(context.role, r.files, r.findings, r.workloads, options);
  return deployReport(context.role, [...envReport.files, ...r.files], [...envReport.findings, ...r.findings], r.workloads, options);
}
