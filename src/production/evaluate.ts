/**
 * The whole check run as one pure function: env set + role + --cli flags + file seam (+ key
 * lookup, waivers, clock) → ProductionReport. Order: engine checks (surface §7.1), the
 * product checklist, hygiene, key store, then waivers.
 */
import type { Waiver } from '../io/config.js';
import { envView, makeContext, type CheckContext, type CheckInput } from './checks/context.js';
import { setReadRecorder } from './checks/define.js';
import { CATALOG } from './catalog.js';
import type { CliFlags } from './model.js';
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
  /**
   * --manifest/--unit: the command line expands variables (`$(VAR)`, `$VAR`); `cliFor` reads it
   * again with other values for them (undefined: the process would then not start, or be
   * another one); `uses` names, for each variable, the env variable of the flag it is the value
   * of (`--durability-profile $(P)`: KRISHIV_DURABILITY_PROFILE), which decides the values tried.
   */
  commandLine?: {
    variables: ReadonlySet<string>;
    uses: ReadonlyMap<string, string>;
    cliFor: (vars: ReadonlyMap<string, EnvVar>) => CliFlags | undefined;
  };
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

/** Structural equality of what makeContext derives (plain data: objects, arrays, Maps, Sets). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof Map) return b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && sameValue(v, b.get(k)));
  if (a instanceof Set) return b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x));
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** What a memoized computation read during the first run: unknown variables and derived parts. */
interface ReadFrame {
  vars: Set<string>;
  derived: Set<string | symbol>;
}

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
  let used: Set<string | symbol> = new Set();
  // a computation memoized per context (checks/define.ts group, perRun) records its reads in a
  // frame, and credits them to each later check that takes its result
  const frames: ReadFrame[] = [];
  const noteVar = (name: string): void => {
    sink?.add(name);
    for (const f of frames) f.vars.add(name);
  };
  const noteDerived = (k: string | symbol): void => {
    used.add(k);
    for (const f of frames) f.derived.add(k);
  };
  const contextReads = new Set<string>();
  sink = contextReads;
  const tracked = new Map<string, EnvVar>(vars0);
  for (const name of watched) {
    const v = vars0.get(name)!;
    const t = { ...v };
    Object.defineProperty(t, 'value', {
      get: () => {
        noteVar(name);
        return v.value;
      },
      enumerable: true,
    });
    Object.defineProperty(t, 'raw', {
      get: () => {
        noteVar(name);
        return v.raw;
      },
      enumerable: true,
    });
    tracked.set(name, t);
  }
  const ctx = makeContext({ ...options, envSet: { ...options.envSet, vars: tracked } });
  // what the context derived from the variables (profiles, tokens): each check's use of it is
  // recorded; another value that changes a part of it runs again the checks that used that part
  const derived = Object.keys(ctx).filter((k) => !(k in options) && k !== 'env' && k !== 'vars') as Array<keyof CheckContext>;
  // the flags too, when the command line expands an unknown value
  const cmd = options.commandLine;
  if (cmd !== undefined) derived.push('cli');
  const reads: Array<Set<string>> = [];
  const usesDerived: Array<Set<string | symbol>> = [];
  const base: Finding[][] = [];
  // One context for every check, whose derived parts record their use into the current check's
  // set (a copy per check, with getters of its own, cost ~1,000 property definitions and closures
  // per container, and redid every memoized computation for each check that uses it).
  const recording = { ...ctx } as CheckContext;
  for (const k of derived) {
    const value = ctx[k];
    Object.defineProperty(recording, k, {
      get: () => {
        noteDerived(k);
        return value;
      },
      enumerable: true,
    });
  }
  setReadRecorder({
    start: () => frames.push({ vars: new Set(), derived: new Set() }),
    stop: () => frames.pop(),
    replay: (reads) => {
      const frame = reads as ReadFrame | undefined;
      if (frame === undefined) return;
      for (const n of frame.vars) noteVar(n);
      for (const k of frame.derived) noteDerived(k);
    },
  });
  try {
    for (const check of CATALOG) {
      const r = new Set<string>();
      used = new Set();
      reads.push(r);
      usesDerived.push(used);
      if (!check.evaluate) {
        base.push([]);
        continue;
      }
      sink = r;
      base.push(check.evaluate(recording));
      sink = undefined;
    }
  } finally {
    setReadRecorder(undefined);
    sink = undefined;
  }
  // the other runs: one source at a time, within the budget
  const dependence = new Map<Finding, Dependence>();
  const perCheck: VariantRun[][] = base.map(() => []);
  // the checks that use each part of what the context derived
  const usersOf = new Map<string | symbol, number[]>();
  usesDerived.forEach((used, i) => {
    for (const k of used) {
      const list = usersOf.get(k);
      if (list) list.push(i);
      else usersOf.set(k, [i]);
    }
  });
  const inCommand = (s: UnknownSource): boolean => cmd !== undefined && s.variables.some((n) => cmd.variables.has(n));
  const readBy = (s: UnknownSource, i: number): boolean =>
    s.variables.some((n) => reads[i]!.has(n) || (usesDerived[i]!.size > 0 && contextReads.has(n))) ||
    (inCommand(s) && usesDerived[i]!.size > 0);
  const needed = [...sources.values()].filter((s) => CATALOG.some((_, i) => readBy(s, i)));
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
    // what the context derived does not change when it did not read the source: kept, with the variables swapped
    const flags = inCommand(s);
    const derivedRead = flags || s.variables.some((n) => contextReads.has(n));
    const direct: number[] = [];
    CATALOG.forEach((c, i) => {
      if (c.evaluate && s.variables.some((n) => reads[i]!.has(n))) direct.push(i);
    });
    for (const tried of tries) {
      runs++;
      const vvars = withValue(vars0, s, tried[0]);
      const envSet = { ...options.envSet, vars: vvars };
      // a command line that then names another process, or one that would not start: not compared
      const cli = flags ? cmd!.cliFor(vvars) : options.cli;
      if (cli === undefined) continue;
      const vctx: CheckContext = derivedRead
        ? makeContext({ ...options, envSet, cli })
        : { ...ctx, envSet, vars: vvars, env: envView(vvars) };
      let affected = direct;
      if (derivedRead) {
        const more = new Set(direct);
        for (const k of derived) if (!sameValue(vctx[k], ctx[k])) for (const i of usersOf.get(k) ?? []) more.add(i);
        affected = [...more];
      }
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
      if (readBy(s, i))
        for (const f of list) {
          const d = dependence.get(f);
          if (d && !d.sameVerdict) {
            if (!d.sources.includes(s)) d.sources.push(s);
          } else dependence.set(f, { sources: [s], base: f.status, outcomes: new Map() });
        }
  });
  return { findings, dependence };
}

export function evaluate(options: EvaluateOptions): ProductionReport {
  // manifests and units: values set but unknown here, maybe unset, or from a Secret (assumptions.ts)
  const sources = unknownSources(options.envSet.vars, TRIES_PER_SOURCE, options.commandLine?.uses);
  let findings: Finding[];
  let dependence: Map<Finding, Dependence> | undefined;
  if (sources.size === 0) {
    variantStats.runs = 0;
    variantStats.checkRuns = 0;
    findings = runAll(makeContext(options));
  } else ({ findings, dependence } = runWithVariants(options, sources));
  // "maybe unset" variables are checked both ways: a pass that needs them warns
  const vars0 = options.envSet.vars;
  const maybeUnset: EnvVar[] = [];
  for (const v of vars0.values()) if (v.assumption?.kind === 'maybe-unset') maybeUnset.push(v);
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
