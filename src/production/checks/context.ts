/**
 * What every check sees: the merged env, the role, the --cli flags, the file seam, and the
 * engine readings derived once (profiles, token set). Plus the finding builder that fills
 * class, predicate, remediation and locations from the catalog.
 */
import type { CheckId } from '../catalog.js';
import { checkInfo } from './info.js';
import type { KeyLookup } from './keys.js';
import {
  coordinatorProfile,
  executorProfile,
  filePathOf,
  isTruthy,
  resolveEnvProfile,
  resolveStaticTokens,
  type CliFlags,
  type EnvMap,
  type FileProbe,
  type FileState,
  type ProfileReading,
  type StaticTokens,
} from '../model.js';
import type { EnvSet, EnvVar, Finding, FindingClass, FindingStatus, Role } from '../types.js';

export interface CheckInput {
  envSet: EnvSet;
  role: Role;
  cli: CliFlags;
  files: FileProbe;
  /** --require-files: a missing file fails as the engine would see it (the probe already reports `missing`) */
  requireFiles?: boolean;
  /** --process-env given */
  processEnv?: boolean;
  /** path of a .env the krishiv binary would load from the working directory or a parent (ENG-DOTENV-IN-CWD) */
  dotenvInCwd?: string;
  /** the key store (--store): KEYS-* run only with one */
  keyLookup?: KeyLookup;
}

/**
 * How checks read variables: every engine reading goes through `env` (an EnvMap: `get` for the
 * value, `has` for presence), never the declarations directly; `vars` (the declarations: origin,
 * raw text, quoting) is for locations and hygiene. An input that knows a variable is set but not
 * its value (a Kubernetes secretKeyRef), or that it may be unset, is one more EnvMap behaviour.
 */
export interface CheckContext extends CheckInput {
  env: EnvMap;
  vars: ReadonlyMap<string, EnvVar>;
  prod: boolean;
  pEnv: ProfileReading;
  pCoord: ProfileReading;
  pExec: ProfileReading;
  tokens: StaticTokens;
  /** the role runs a coordinator / executors (cluster does both) */
  hasCoordinator: boolean;
  hasExecutor: boolean;
}

/** How checks read the variables: a view, not a copy (a 5,000-line env must not cost a second map). */
export function envView(vars: ReadonlyMap<string, EnvVar>): EnvMap {
  return { get: (name) => vars.get(name)?.value, has: (name) => vars.has(name) };
}

/** The parts of the context derived from the variables (and --cli): evaluate.ts records what each reads. */
export type DerivedPart = 'prod' | 'pEnv' | 'pCoord' | 'pExec' | 'tokens';

/** `beforePart`: called before each derived part is computed (the reads that follow are that part's). */
export function makeContext(input: CheckInput, beforePart?: (part: DerivedPart) => void): CheckContext {
  const vars = input.envSet.vars;
  const env = envView(vars);
  beforePart?.('prod');
  const prod = isTruthy(env.get('KRISHIV_PRODUCTION'));
  beforePart?.('pEnv');
  const pEnv = resolveEnvProfile(env);
  beforePart?.('pCoord');
  const pCoord = coordinatorProfile(env, input.cli);
  beforePart?.('pExec');
  const pExec = executorProfile(env, input.cli);
  beforePart?.('tokens');
  const tokens = resolveStaticTokens(env, input.files);
  return {
    ...input,
    env,
    vars,
    prod,
    pEnv,
    pCoord,
    pExec,
    tokens,
    hasCoordinator: input.role === 'cluster' || input.role === 'coordinator',
    hasExecutor: input.role === 'cluster' || input.role === 'executor',
  };
}

/** `{file, line}` of a variable; null for --process-env values; no line (last env file) for an absent one. */
function locationOf(ctx: Pick<CheckContext, 'vars' | 'envSet'>, name: string): Finding['location'] {
  const v = ctx.vars.get(name);
  if (v) {
    if (v.origin.source !== 'file' || v.origin.file === undefined) return null;
    return v.line === undefined ? { file: v.origin.file } : { file: v.origin.file, line: v.line };
  }
  const last = ctx.envSet.files[ctx.envSet.files.length - 1];
  return last === undefined ? null : { file: last };
}

/**
 * A file that is absent or unknown, in words: `<name> <why>` where the input says why (a manifest:
 * the Secret it is mounted from is not in the input, or lacks its key), else `fallback` (the
 * env-file wording: "… does not exist on this machine", "… (--require-files)").
 */
export function fileWhy(name: string, state: FileState | undefined, fallback: string): string {
  return (state?.state === 'unchecked' || state?.state === 'missing') && state.why !== undefined ? `${name} ${state.why}` : fallback;
}

/**
 * Why the files of `names` were not checked here, after "not checked here: ": `fallback` unless
 * the probe says more for one of them, then each name with its own reason.
 */
export function notCheckedHere(ctx: Pick<CheckContext, 'env' | 'files'>, names: readonly string[], fallback: string): string {
  const states = names.map((name) => {
    const p = filePathOf(name, ctx.env.get(name));
    return p === undefined ? undefined : ctx.files.probe(p);
  });
  if (states.every((s) => s?.state !== 'unchecked' || s.why === undefined)) return fallback;
  return names.map((name, i) => fileWhy(name, states[i], `${name} does not exist on this machine`)).join('; ');
}

export interface FindingExtra {
  class?: FindingClass;
  remediation?: string;
  engineMessage?: string;
  /** the primary location comes from --cli (location null) */
  fromCli?: boolean;
  predicate?: string | null;
}

/** Builds a finding for check `id`: class/predicate/remediation default to the catalog entry. */
export function finding(
  ctx: Pick<CheckContext, 'vars' | 'envSet'>,
  id: CheckId,
  status: FindingStatus,
  message: string,
  variables: string[],
  extra: FindingExtra = {},
): Finding {
  const info = checkInfo(id);
  const locations: NonNullable<Finding['locations']> = [];
  let first: Finding['location'] = null;
  for (let i = 0; i < variables.length; i++) {
    const name = variables[i]!;
    const loc = locationOf(ctx, name);
    if (i === 0) first = loc;
    // built field by field (locationOf gives { file } or { file, line }): a spread per variable of every finding cost ~5 % of a large manifest run
    if (loc)
      locations.push(loc.line === undefined ? { file: loc.file, variable: name } : { file: loc.file, line: loc.line, variable: name });
  }
  // the first variable's location, looked up once (the loop above copies it into `locations`)
  const primary = extra.fromCli ? null : first;
  const f: Finding = {
    id,
    predicate: extra.predicate !== undefined ? extra.predicate : info.predicate,
    status,
    class: extra.class ?? info.class,
    message,
    remediation: extra.remediation ?? info.fix,
    location: primary,
    variables,
  };
  if (locations.length > 0) f.locations = locations;
  const engineMessage = extra.engineMessage;
  if (engineMessage !== undefined && status !== 'pass') f.engineMessage = engineMessage;
  return f;
}

/** A failure whose status follows its class: WARN → warn, else fail. */
export function failing(cls: FindingClass): FindingStatus {
  return cls === 'WARN' ? 'warn' : 'fail';
}

const ENGINE_ROLES: readonly Role[] = ['cluster', 'coordinator', 'executor', 'flight-server', 'operator', 'shuffle-svc'];
export function isEngineRole(role: Role): boolean {
  return ENGINE_ROLES.includes(role);
}

/** Names of the variables that were set (for a finding's variables list). */
export function present(ctx: Pick<CheckContext, 'vars'>, ...names: string[]): string[] {
  return names.filter((n) => ctx.vars.has(n));
}
