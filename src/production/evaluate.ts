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
  isSecretSource,
  knownSecrets,
  pairTries,
  representatives,
  sameValueTries,
  unknownSources,
  withValues,
  type Dependence,
  type JointTry,
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
  /** what values tried together may cost (default JOINT_CHECK_RUNS; the tests lower it) */
  jointCheckRuns?: number;
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

/**
 * Runs with values tried together (joint tries, after the runs of one source each): equal values
 * (one run, and one per known secret, at most KNOWN_SECRETS of them), then pairs of sources one
 * check reads, with at most REPRESENTATIVES values of each (REPRESENTATIVES² runs a pair). Each
 * runs again only the checks that read the sources it changes together, so the budget counts
 * runs of a check: JOINT_CHECK_RUNS, what 25 more runs of the whole catalog cost (a run of one
 * source may run every check again: VARIANT_RUNS of them cost up to 40 such runs). A try is made
 * whole or not at all; past the budget, what the checks it was for found is not decided. A
 * container with one value the tool cannot see makes none (examples/k8s-production.yaml).
 */
export const JOINT_CHECK_RUNS = 2000;
export const KNOWN_SECRETS = 4;
export const REPRESENTATIVES = 4;

/** How many more runs one evaluation cost: tries of one source, joint tries, and the checks they ran. */
export interface VariantStats {
  /** runs with one source given another value */
  runs: number;
  /** runs with several sources given values together */
  jointRuns: number;
  /** runs of one check, in all of them */
  checkRuns: number;
  /** of which in joint runs */
  jointCheckRuns: number;
}

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

// Indexed loops on this path (every check, every finding, per container): a `for…of` step
// allocates an iterator result in the interpreter, and a manifest run is at the edge of a second
// young-generation scavenge (bench/README.md, issue 15).
/** What a check that read nothing read (shared: never added to). */
const NOTHING_READ: ReadonlySet<never> = new Set();

const runAll = (c: CheckContext): Finding[] => {
  const out: Finding[] = [];
  for (let i = 0; i < CATALOG.length; i++) {
    const evaluate = CATALOG[i]!.evaluate;
    if (evaluate === undefined) continue;
    const fs = evaluate(c);
    for (let j = 0; j < fs.length; j++) out.push(fs[j]!);
  }
  return out;
};

/**
 * Manifests and units: variables set to values the tool cannot see reach the checks with a stand-in.
 * The first run records which checks read which of them (directly, or through the part of the
 * context derived from them); then, for each unknown source in turn, the checks that read it run
 * again with other plausible values for it (assumptions.ts, by what the engine does with the
 * variable); then values tried together (tryTogether: equal values, pairs). A finding whose verdict
 * changes depends on the values: applyAssumptions makes it a `skip`.
 */
function runWithVariants(
  options: EvaluateOptions,
  sources: Map<string, UnknownSource>,
): { findings: Finding[]; dependence: Map<Finding, Dependence>; stats: VariantStats } {
  const vars0 = options.envSet.vars;
  const watched = new Set<string>();
  for (const s of sources.values()) for (const n of s.variables) watched.add(n);
  // the first run, watching each check's reads of the unknown values
  // null: in a check that has read nothing yet (its set is made at its first read: most read none)
  let sink: Set<string> | undefined | null;
  let used: Set<string | symbol> | undefined;
  // a computation memoized per context (checks/define.ts group, perRun) records its reads in a
  // frame, and credits them to each later check that takes its result
  const frames: ReadFrame[] = [];
  const noteVar = (name: string): void => {
    if (sink === null) sink = new Set();
    sink?.add(name);
    for (let i = 0; i < frames.length; i++) frames[i]!.vars.add(name);
  };
  const noteDerived = (k: string | symbol): void => {
    (used ??= new Set()).add(k);
    for (let i = 0; i < frames.length; i++) frames[i]!.derived.add(k);
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
  // what each part of the context reads: a check that uses a part sees those variables
  const partReads = new Map<string, Set<string>>();
  const ctx = makeContext({ ...options, envSet: { ...options.envSet, vars: tracked } }, (part) => {
    sink = new Set();
    partReads.set(part, sink);
  });
  for (const r of partReads.values()) for (const n of r) contextReads.add(n);
  // what the context derived from the variables (profiles, tokens): each check's use of it is
  // recorded; another value that changes a part of it runs again the checks that used that part
  const derived = Object.keys(ctx).filter((k) => !(k in options) && k !== 'env' && k !== 'vars') as Array<keyof CheckContext>;
  // the flags too, when the command line expands an unknown value
  const cmd = options.commandLine;
  if (cmd !== undefined) derived.push('cli');
  const reads: Array<ReadonlySet<string>> = [];
  const usesDerived: Array<ReadonlySet<string | symbol>> = [];
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
    for (let i = 0; i < CATALOG.length; i++) {
      const check = CATALOG[i]!;
      if (!check.evaluate) {
        reads.push(NOTHING_READ);
        usesDerived.push(NOTHING_READ);
        base.push([]);
        continue;
      }
      sink = null;
      used = undefined;
      base.push(check.evaluate(recording));
      reads.push(sink ?? NOTHING_READ);
      usesDerived.push(used ?? NOTHING_READ);
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
    if (used.size === 0) return;
    for (const k of used) {
      const list = usersOf.get(k);
      if (list) list.push(i);
      else usersOf.set(k, [i]);
    }
  });
  const inCommand = (s: UnknownSource): boolean => cmd !== undefined && s.variables.some((n) => cmd.variables.has(n));
  // a check sees a source when it reads one of its variables, or uses a part of the context that
  // read one (or that reads the flags, when the command line expands one): the parts, once per source
  const FLAG_PARTS = ['cli', 'pCoord', 'pExec'];
  const partsOf = new Map<UnknownSource, string[]>();
  const partsReading = (s: UnknownSource): string[] => {
    let out = partsOf.get(s);
    if (out === undefined) {
      out = [];
      for (const [k, r] of partReads) if (s.variables.some((n) => r.has(n))) out.push(k);
      if (inCommand(s)) out.push(...FLAG_PARTS);
      partsOf.set(s, out);
    }
    return out;
  };
  const readBy = (s: UnknownSource, i: number): boolean => {
    const r = reads[i]!;
    if (r.size > 0 && s.variables.some((n) => r.has(n))) return true;
    const u = usesDerived[i]!;
    return u.size > 0 && partsReading(s).some((k) => u.has(k));
  };
  // the checks that read a source directly (what the context derived aside), once per source
  const directOf = new Map<UnknownSource, Set<number>>();
  const direct = (s: UnknownSource): Set<number> => {
    let out = directOf.get(s);
    if (out === undefined) {
      out = new Set();
      for (let i = 0; i < CATALOG.length; i++) {
        const r = reads[i]!;
        if (CATALOG[i]!.evaluate && r.size > 0 && s.variables.some((n) => r.has(n))) out.add(i);
      }
      directOf.set(s, out);
    }
    return out;
  };
  // the sources some check reads (directly, or through a part of the context a check uses)
  const needed = [...sources.values()].filter((s) => direct(s).size > 0 || partsReading(s).some((k) => usersOf.has(k)));
  const stats: VariantStats = { runs: 0, jointRuns: 0, checkRuns: 0, jointCheckRuns: 0 };
  /**
   * One try: the sources given these values, and the checks that read them (direct reads, and the
   * users of what the context derived when it changes) run again, those `wanted` only. The findings
   * of each, or undefined when the command line then names another process (not compared).
   */
  const runTry = (values: ReadonlyMap<UnknownSource, string>, wanted?: (i: number) => boolean): Map<number, Finding[]> | undefined => {
    const changed = [...values.keys()];
    const vvars = withValues(vars0, values);
    const envSet = { ...options.envSet, vars: vvars };
    // what the context derived does not change when it did not read the sources: kept, with the variables swapped
    const flags = changed.some(inCommand);
    const derivedRead = flags || changed.some((s) => s.variables.some((n) => contextReads.has(n)));
    // a command line that then names another process, or one that would not start: not compared
    const cli = flags ? cmd!.cliFor(vvars) : options.cli;
    if (cli === undefined) return undefined;
    const vctx: CheckContext = derivedRead
      ? makeContext({ ...options, envSet, cli })
      : { ...ctx, envSet, vars: vvars, env: envView(vvars) };
    const affected = new Set(changed.length === 1 ? direct(changed[0]!) : changed.flatMap((s) => [...direct(s)]));
    // only a part that read a changed variable (or the flags) can differ: the others are not compared
    if (derivedRead)
      for (const k of new Set(changed.flatMap(partsReading)) as Set<keyof CheckContext>)
        if (!sameValue(vctx[k], ctx[k])) for (const i of usersOf.get(k) ?? []) if (CATALOG[i]!.evaluate) affected.add(i);
    const out = new Map<number, Finding[]>();
    // in catalog order (a handful of checks: sorting them costs less than a pass over the catalog)
    for (const i of [...affected].sort((a, b) => a - b))
      if (wanted === undefined || wanted(i)) {
        stats.checkRuns++;
        out.set(i, CATALOG[i]!.evaluate!(vctx));
      }
    return out;
  };
  // every value of a source, or none: a source tried with only some values could pass on them
  const untried: UnknownSource[] = [];
  const tried: UnknownSource[] = [];
  // what each value did alone (the findings of the checks it ran again): values that did the same stand for one another below
  const signatures = new Map<UnknownSource, Array<string | undefined>>();
  for (const s of needed) {
    if (s.tries.length === 0 || stats.runs + s.tries.length > VARIANT_RUNS) {
      untried.push(s);
      continue;
    }
    tried.push(s);
    const sigs: Array<string | undefined> = [];
    signatures.set(s, sigs);
    for (const t of s.tries) {
      stats.runs++;
      const r = runTry(new Map([[s, t[0]]]));
      if (needed.length > 1) sigs.push(r === undefined ? undefined : signatureOf(r));
      for (const [i, findings] of r ?? []) perCheck[i]!.push({ sources: [s], words: t[1], findings });
    }
  }
  // values tried together: only with two sources tried, or a secret that may be one the input gives
  // (a container with one value the tool cannot see, as most have, pays nothing here)
  const notTried =
    tried.length >= 2 || tried.some((s) => s.kind === 'any' && isSecretSource(s))
      ? tryTogether({ tried, base, perCheck, signatures, stats, vars0, readBy, runTry, budget: options.jointCheckRuns ?? JOINT_CHECK_RUNS })
      : [];
  const findings: Finding[] = [];
  // a source (or two sources together) past the budget: every finding of a check that reads it needs its value
  const undecided = (f: Finding, s: readonly UnknownSource[]): void => {
    const d = dependence.get(f);
    if (d && !d.sameVerdict) {
      for (const x of s) if (!d.sources.includes(x)) d.sources.push(x);
    } else dependence.set(f, { sources: [...s], base: f.status, outcomes: new Map() });
  };
  base.forEach((list, i) => {
    for (let j = 0; j < list.length; j++) findings.push(list[j]!);
    if (perCheck[i]!.length > 0) for (const f of compareRuns(list, perCheck[i]!, dependence)) findings.push(f);
    if (untried.length > 0) for (const s of untried) if (readBy(s, i)) for (const f of list) undecided(f, [s]);
    if (notTried.length > 0) for (const t of notTried) if (t.wanted(i)) for (const f of list) undecided(f, t.sources);
  });
  return { findings, dependence, stats };
}

/** What the runs with values tried together work with (runWithVariants' state). */
interface Together {
  tried: readonly UnknownSource[];
  base: readonly Finding[][];
  perCheck: VariantRun[][];
  signatures: ReadonlyMap<UnknownSource, ReadonlyArray<string | undefined>>;
  stats: VariantStats;
  vars0: ReadonlyMap<string, EnvVar>;
  readBy: (s: UnknownSource, i: number) => boolean;
  runTry: (values: ReadonlyMap<UnknownSource, string>, wanted?: (i: number) => boolean) => Map<number, Finding[]> | undefined;
  /** runs of one check the tries may cost */
  budget: number;
}

/**
 * Values tried together (after the runs of one source each): equal values, then pairs of the
 * sources one check reads. Records the runs in `perCheck`; returns the tries not made (past the
 * budget, or more known secrets than runs for them), whose checks' findings are then not decided.
 * A function of its own: a container with one unknown value never loads its code.
 */
function tryTogether(t0: Together): Array<{ sources: UnknownSource[]; wanted: (i: number) => boolean }> {
  const { tried, base, perCheck, signatures, stats, vars0, readBy, runTry, budget } = t0;
  const notTried: Array<{ sources: UnknownSource[]; wanted: (i: number) => boolean }> = [];
  // the sources each check reads, among those tried; a relation between two of them shows only when both change
  const readsOf = base.map((_, i) => tried.filter((s) => readBy(s, i)));
  // what a joint try may cost: the checks it runs again, at most (budget: JOINT_CHECK_RUNS)
  const costOf = (tries: number, wanted: (i: number) => boolean): number => {
    let n = 0;
    for (let i = 0; i < CATALOG.length; i++) if (CATALOG[i]!.evaluate && wanted(i)) n++;
    return tries * n;
  };
  let jointBudget = budget;
  const joint = (t: JointTry, wanted: (i: number) => boolean): void => {
    stats.jointRuns++;
    const sources = [...t.values.keys()];
    const before = stats.checkRuns;
    for (const [i, findings] of runTry(t.values, wanted) ?? []) perCheck[i]!.push({ sources, words: t.words, findings });
    stats.jointCheckRuns += stats.checkRuns - before;
  };
  // equal values: to one another (checks that read two of them), to a secret the input gives (checks that read one)
  const known = knownSecrets(vars0);
  const equal = sameValueTries(tried, known, KNOWN_SECRETS);
  const reading = (t: JointTry, least: number) => (i: number) => readsOf[i]!.filter((s) => t.values.has(s)).length >= least;
  const secretSources = tried.filter((s) => s.kind === 'any' && isSecretSource(s));
  if (known.length > KNOWN_SECRETS)
    notTried.push({ sources: secretSources, wanted: (i) => readsOf[i]!.some((s) => secretSources.includes(s)) });
  for (const [t, least] of [...(equal.together ? [[equal.together, 2] as const] : []), ...equal.withKnown.map((t) => [t, 1] as const)]) {
    const wanted = reading(t, least);
    const cost = costOf(1, wanted);
    if (cost > jointBudget) notTried.push({ sources: [...t.values.keys()], wanted });
    else {
      jointBudget -= cost;
      joint(t, wanted);
    }
  }
  // two values together: for the checks one of whose findings no value changed alone (or equal), every
  // pair of sources they read, with the values that stand for the others (a pair whole, or not at all)
  const pairs = new Map<string, { pair: [UnknownSource, UnknownSource]; checks: number[] }>();
  base.forEach((list, i) => {
    const read = readsOf[i]!;
    if (read.length < 2 || list.length === 0) return;
    const d = new Map<Finding, Dependence>();
    if (perCheck[i]!.length > 0) compareRuns(list, perCheck[i]!, d);
    if (list.every((f) => d.has(f) && !d.get(f)!.sameVerdict)) return;
    for (let a = 0; a < read.length; a++)
      for (let b = a + 1; b < read.length; b++) {
        const k = `${read[a]!.source}\u0000${read[b]!.source}`;
        let p = pairs.get(k);
        if (!p) pairs.set(k, (p = { pair: [read[a]!, read[b]!], checks: [] }));
        p.checks.push(i);
      }
  });
  for (const p of pairs.values()) {
    const [s, t] = p.pair;
    const tries = pairTries(
      s,
      t,
      representatives(s, signatures.get(s) ?? [], REPRESENTATIVES),
      representatives(t, signatures.get(t) ?? [], REPRESENTATIVES),
    );
    if (tries.length === 0) continue;
    const checks = new Set(p.checks);
    const wanted = (i: number): boolean => checks.has(i);
    const cost = costOf(tries.length, wanted);
    if (cost > jointBudget) {
      notTried.push({ sources: p.pair, wanted });
      continue;
    }
    jointBudget -= cost;
    for (const t of tries) joint(t, wanted);
  }
  return notTried;
}

/** What the checks found in one try, to tell values that did the same from values that did not. */
function signatureOf(r: ReadonlyMap<number, readonly Finding[]>): string {
  let out = '';
  for (const [i, list] of r) {
    out += `${i}:`;
    for (const f of list) out += `${f.id}\u0001${f.variables.join(',')}\u0001${f.status};`;
  }
  return out;
}

export function evaluate(options: EvaluateOptions): ProductionReport {
  return evaluateWithStats(options).report;
}

/** The report, and what the runs with other values cost (none without values the tool cannot see). */
export function evaluateWithStats(options: EvaluateOptions): { report: ProductionReport; variants: VariantStats } {
  // manifests and units: values set but unknown here, maybe unset, or from a Secret (assumptions.ts)
  const sources = unknownSources(options.envSet.vars, TRIES_PER_SOURCE, options.commandLine?.uses);
  let findings: Finding[];
  let dependence: Map<Finding, Dependence> | undefined;
  let variants: VariantStats = { runs: 0, jointRuns: 0, checkRuns: 0, jointCheckRuns: 0 };
  if (sources.size === 0) findings = runAll(makeContext(options));
  else ({ findings, dependence, stats: variants } = runWithVariants(options, sources));
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
  const report = {
    ok: summary.fail === 0 && (!strict || summary.warn === 0),
    role: options.role,
    files: [...options.envSet.files],
    strict,
    summary,
    findings,
  };
  return { report, variants };
}
