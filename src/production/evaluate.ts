/**
 * The whole check run as one pure function: env set + role + --cli flags + file seam (+ key
 * lookup, waivers, clock) → ProductionReport. Order: engine checks (surface §7.1), the
 * product checklist, hygiene, key store, then waivers.
 */
import type { Waiver } from '../io/config.js';
import { makeContext, type CheckInput } from './checks/context.js';
import { CATALOG } from './catalog.js';
import type { Finding, ProductionReport } from './types.js';
import { applyWaivers } from './waivers.js';
import { applyAssumptions } from './assumptions.js';

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

export function evaluate(options: EvaluateOptions): ProductionReport {
  const ctx = makeContext(options);
  const runAll = (c: typeof ctx): Finding[] => {
    const out: Finding[] = [];
    for (const check of CATALOG) if (check.evaluate) for (const f of check.evaluate(c)) out.push(f);
    return out;
  };
  let findings = runAll(ctx);
  // manifests and units: values set but unknown here, maybe unset, or from a Secret (assumptions.ts);
  // "maybe unset" variables are checked both ways: a pass that needs them warns
  const maybeUnset = [...ctx.vars.values()].filter((v) => v.assumption?.kind === 'maybe-unset');
  let unsetRun: Finding[] | undefined;
  if (maybeUnset.length > 0) {
    const vars = new Map(ctx.vars);
    for (const v of maybeUnset) vars.delete(v.name);
    unsetRun = applyAssumptions(runAll(makeContext({ ...options, envSet: { ...options.envSet, vars } })), vars);
  }
  findings = applyAssumptions(findings, ctx.vars, unsetRun);
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
