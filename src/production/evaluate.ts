/**
 * The whole check run as one pure function: env set + role + --cli flags + file seam (+ key
 * lookup, waivers, clock) → ProductionReport. Order: engine checks (surface §7.1), the
 * product checklist, hygiene, key store, then waivers.
 */
import type { Waiver } from '../io/config.js';
import { makeContext, type CheckContext, type CheckInput } from './checks/context.js';
import { CATALOG } from './catalog.js';
import type { EnvVar, Finding, ProductionReport } from './types.js';
import { applyWaivers } from './waivers.js';
import {
  applyAssumptions,
  compareRuns,
  unknownSources,
  withValue,
  type Dependence,
  type UnknownSource,
  type VariantRun,
} from './assumptions.js';

export interface EvaluateOptions extends CheckInput {
  strict?: boolean;
  waivers?: readonly Waiver[];
  configFile?: string;
  now?: Date;
}

export function summarize(findings: readonly Finding[]): ProductionReport['summary'] {
  const s = { fail: 0, warn: 0, pass: 0, skip: 0, waived: 0 };
  for (const f of findings) s[f.status]++;
  return s;
}

/**
 * How many more runs of the checks values the tool cannot see may cost one evaluation (each runs
 * only the checks that read them), and how many values one such value is given at most.
 */
export const VARIANT_RUNS = 40;
export const TRIES_PER_SOURCE = 10;

/** Statistics of the last evaluation's runs with other values (for the tests and the bench). */
export const variantStats = { runs: 0, checkRuns: 0 };

const runAll = (c: CheckContext): Finding[] => {
  const out: Finding[] = [];
  for (const check of CATALOG) if (check.evaluate) for (const f of check.evaluate(c)) out.push(f);
  return out;
};

/**
 * Manifests and units: variables set to values the tool cannot see reach the checks with a stand-in.
 * The first run records which checks read which of them (directly, or through what the context
 * derived from them); then, for each unknown source in turn, the checks that read it run again with
 * other plausible values for it (assumptions.ts, by what the engine does with the variable). A
 * finding whose verdict changes depends on the value: applyAssumptions makes it a `skip`.
 */
function runWithVariants(
  options: EvaluateOptions,
  sources: Map<string, UnknownSource>,
): { findings: Finding[]; dependence: Map<Finding, Dependence> } {
  const vars0 = options.envSet.vars;
  const watched = new Set<string>();
  for (const s of sources.values()) for (const n of s.variables) watched.add(n);
  // the first run, watching each check's reads of the unknown values
  let sink: Set<string> | undefined;
  const contextReads = new Set<string>();
  sink = contextReads;
  const tracked = new Map<string, EnvVar>(vars0);
  for (const name of watched) {
    const v = vars0.get(name)!;
    const t = { ...v };
    Object.defineProperty(t, 'value', {
      get: () => {
        sink?.add(name);
        return v.value;
      },
      enumerable: true,
    });
    Object.defineProperty(t, 'raw', {
      get: () => {
        sink?.add(name);
        return v.raw;
      },
      enumerable: true,
    });
    tracked.set(name, t);
  }
  const ctx = makeContext({ ...options, envSet: { ...options.envSet, vars: tracked } });
  // what the context derived from the variables (profiles, tokens): a check that uses any of it
  // depends on every value the context read
  const derived = new Set<string | symbol>(Object.keys(ctx).filter((k) => !(k in options) && k !== 'env' && k !== 'vars'));
  const reads: Array<Set<string>> = [];
  const base: Finding[][] = [];
  for (const check of CATALOG) {
    const r = new Set<string>();
    reads.push(r);
    if (!check.evaluate) {
      base.push([]);
      continue;
    }
    let usesDerived = false;
    const view = new Proxy(ctx, {
      get: (target, key, receiver) => {
        if (derived.has(key)) usesDerived = true;
        return Reflect.get(target, key, receiver);
      },
    });
    sink = r;
    base.push(check.evaluate(view));
    sink = undefined;
    if (usesDerived) for (const n of contextReads) r.add(n);
  }
  // the other runs: one source at a time, within the budget
  const dependence = new Map<Finding, Dependence>();
  const perCheck: VariantRun[][] = base.map(() => []);
  const needed = [...sources.values()].filter((s) => reads.some((r) => s.variables.some((n) => r.has(n))));
  // every value of a source, or none: a source tried with only some values could pass on them
  let runs = 0;
  let checkRuns = 0;
  const untried: UnknownSource[] = [];
  for (const s of needed) {
    if (s.tries.length === 0 || runs + s.tries.length > VARIANT_RUNS) {
      untried.push(s);
      continue;
    }
    const tries = s.tries;
    const affected = CATALOG.map((c, i) => (c.evaluate && s.variables.some((n) => reads[i]!.has(n)) ? i : -1)).filter((i) => i >= 0);
    // what the context derived does not change when it did not read the source: kept, with the variables swapped
    const derivedRead = s.variables.some((n) => contextReads.has(n));
    for (const tried of tries) {
      runs++;
      const vvars = withValue(vars0, s, tried[0]);
      const envSet = { ...options.envSet, vars: vvars };
      const vctx: CheckContext = derivedRead
        ? makeContext({ ...options, envSet })
        : { ...ctx, envSet, vars: vvars, env: { get: (n) => vvars.get(n)?.value, has: (n) => vvars.has(n) } };
      for (const i of affected) {
        checkRuns++;
        perCheck[i]!.push({ source: s, tried, findings: CATALOG[i]!.evaluate!(vctx) });
      }
    }
  }
  variantStats.runs = runs;
  variantStats.checkRuns = checkRuns;
  const findings: Finding[] = [];
  base.forEach((list, i) => {
    for (const f of list) findings.push(f);
    if (perCheck[i]!.length > 0) for (const f of compareRuns(list, perCheck[i]!, dependence)) findings.push(f);
    // a source past the budget: every finding of a check that read it needs its value
    for (const s of untried)
      if (s.variables.some((n) => reads[i]!.has(n)))
        for (const f of list) {
          const d = dependence.get(f);
          if (d) {
            if (!d.sources.includes(s)) d.sources.push(s);
          } else dependence.set(f, { sources: [s], base: f.status, outcomes: new Map() });
        }
  });
  return { findings, dependence };
}

export function evaluate(options: EvaluateOptions): ProductionReport {
  // manifests and units: values set but unknown here, maybe unset, or from a Secret (assumptions.ts)
  const sources = unknownSources(options.envSet.vars, TRIES_PER_SOURCE);
  let findings: Finding[];
  let dependence: Map<Finding, Dependence> | undefined;
  if (sources.size === 0) {
    variantStats.runs = 0;
    variantStats.checkRuns = 0;
    findings = runAll(makeContext(options));
  } else ({ findings, dependence } = runWithVariants(options, sources));
  // "maybe unset" variables are checked both ways: a pass that needs them warns
  const vars0 = options.envSet.vars;
  const maybeUnset = [...vars0.values()].filter((v) => v.assumption?.kind === 'maybe-unset');
  let unsetRun: Finding[] | undefined;
  if (maybeUnset.length > 0) {
    const vars = new Map(vars0);
    for (const v of maybeUnset) vars.delete(v.name);
    unsetRun = applyAssumptions(runAll(makeContext({ ...options, envSet: { ...options.envSet, vars } })), vars);
  }
  findings = applyAssumptions(findings, vars0, unsetRun, dependence);
  if (options.waivers && options.waivers.length > 0) {
    findings = applyWaivers(findings, options.waivers, options.role, options.now ?? new Date(), options.configFile);
  }
  const summary = summarize(findings);
  const strict = options.strict ?? false;
  return {
    ok: summary.fail === 0 && (!strict || summary.warn === 0),
    role: options.role,
    files: [...options.envSet.files],
    strict,
    summary,
    findings,
  };
}
