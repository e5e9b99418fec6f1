/**
 * The variables every whole-environment reader looks for, found once per set of variables. An
 * env file can have thousands of lines, and a one-shot process runs a pass over them in V8's
 * interpreter, with background optimising compiles the process then waits for at exit
 * (bench/README.md, issue 13): the hygiene checks, secret masking and the tries of values the
 * tool cannot see read these lists instead of the whole Map. Each list keeps the Map's order.
 */
import { FLAGS, isSecretName, SECRET_SUFFIXES } from './registry.js';
import type { EnvVar } from './types.js';

export interface VarIndex {
  /** names starting `KRISHIV_` */
  readonly krishiv: readonly EnvVar[];
  /** values with a `$VAR` that was defined nowhere */
  readonly unresolved: readonly EnvVar[];
  /** secret names (registry.ts isSecretName) */
  readonly secret: readonly EnvVar[];
  /** values the tool cannot see (a manifest's or unit's `assumption`) */
  readonly assumed: readonly EnvVar[];
  /** any of: a secret name, a value taken from a Secret, a value the tool cannot see, a multi-line value (what masking reads) */
  readonly maskable: readonly EnvVar[];
  /** some value comes from a Kubernetes Secret */
  readonly anyFromSecret: boolean;
}

const cache = new WeakMap<ReadonlyMap<string, EnvVar>, VarIndex>();
/** Sets whose other variables are all plain (mergeEnv): the variables that may not be. */
const plainExcept = new WeakMap<ReadonlyMap<string, EnvVar>, readonly EnvVar[]>();

/** From this size on, a set noted by notePlainExcept is indexed by its names (indexByNames). */
const BY_NAMES_FROM = 256;

/**
 * Notes that every variable of `vars` but those in `others` is plain: no references, no value
 * over several lines, nothing assumed, not from a Secret (a `NAME=value` line of an env file).
 * A Map of variables is never changed after it is built; this is said once, by its builder.
 */
export function notePlainExcept(vars: ReadonlyMap<string, EnvVar>, others: readonly EnvVar[]): void {
  plainExcept.set(vars, others);
}

/** The index of `vars` (computed once per Map). */
export function indexVars(vars: ReadonlyMap<string, EnvVar>): VarIndex {
  let index = cache.get(vars);
  if (index === undefined) {
    const others = plainExcept.get(vars);
    index = (others !== undefined && vars.size >= BY_NAMES_FROM ? indexByNames(vars, others) : undefined) ?? indexByLoop(vars);
    cache.set(vars, index);
  }
  return index;
}

/** What a variable's value says (as opposed to its name): the facts indexByNames reads from `others` only. */
function valueFacts(v: EnvVar): boolean {
  return v.unresolved.length > 0 || v.assumption !== undefined || v.fromSecret === true || v.value.includes('\n') || v.value.includes('\r');
}

/** The index, by one pass over the variables. Exported for the test that holds indexByNames to it. */
export function indexByLoop(vars: ReadonlyMap<string, EnvVar>): VarIndex {
  const krishiv: EnvVar[] = [];
  const unresolved: EnvVar[] = [];
  const secret: EnvVar[] = [];
  const assumed: EnvVar[] = [];
  const maskable: EnvVar[] = [];
  let anyFromSecret = false;
  // forEach, not for-of: in V8's interpreter each step of a Map iterator allocates a result object.
  vars.forEach((v) => {
    const name = v.name;
    if (name.startsWith('KRISHIV_')) krishiv.push(v);
    if (v.unresolved.length > 0) unresolved.push(v);
    const isSecret = isSecretName(name);
    if (isSecret) secret.push(v);
    if (v.assumption !== undefined) assumed.push(v);
    if (v.fromSecret) anyFromSecret = true;
    if (isSecret || valueFacts(v)) maskable.push(v);
  });
  return { krishiv, unresolved, secret, assumed, maskable, anyFromSecret };
}

/** Every secret the registry declares starts with KRISHIV_, so a KRISHIV_ name or a secret suffix finds every secret name (on first use). */
let secretsAreKrishiv: boolean | undefined;

/**
 * The index of a set whose variables are plain but `others`, without a step per variable: the
 * names go to JSON (one native call), two regular expressions find the names that start with
 * KRISHIV_ or end in a secret suffix (ASCII letters in either case, as isSecretName compares
 * them), and only those are looked at. Undefined (take indexByLoop) when a variable of `others`
 * has a value fact, or the registry declares a secret the two expressions would not find.
 * Exported for the test that holds it to indexByLoop.
 */
export function indexByNames(vars: ReadonlyMap<string, EnvVar>, others: readonly EnvVar[]): VarIndex | undefined {
  secretsAreKrishiv ??= FLAGS.every((f) => f.kind !== 'secret' || f.name.startsWith('KRISHIV_'));
  if (!secretsAreKrishiv) return undefined;
  for (const v of others) if (vars.get(v.name) === v && valueFacts(v)) return undefined;
  // A name in JSON is `"…"` with every `"` and `\` in it escaped. An unescaped quote after `[` or
  // `,` opens a name (a closing one is followed by `,` or `]`, never by a letter), and one right
  // after a letter closes one (an escaped quote follows a backslash).
  const json = JSON.stringify([...vars.keys()]);
  const found = new Map<number, EnvVar>(); // by the position of the opening quote: the Map's order
  const take = (open: number): void => {
    if (found.has(open)) return;
    const close = closingQuote(json, open);
    const v = vars.get(JSON.parse(json.slice(open, close + 1)) as string);
    if (v !== undefined) found.set(open, v);
  };
  const krishivRe = /[[,]"KRISHIV_/g;
  for (let m = krishivRe.exec(json); m !== null; m = krishivRe.exec(json)) take(m.index + 1);
  const suffixRe = secretSuffixRe();
  suffixRe.lastIndex = 0;
  for (let m = suffixRe.exec(json); m !== null; m = suffixRe.exec(json)) take(openingQuote(json, m.index));
  const krishiv: EnvVar[] = [];
  const secret: EnvVar[] = [];
  for (const open of [...found.keys()].sort((a, b) => a - b)) {
    const v = found.get(open)!;
    if (v.name.startsWith('KRISHIV_')) krishiv.push(v);
    if (isSecretName(v.name)) secret.push(v);
  }
  return { krishiv, unresolved: [], secret, assumed: [], maskable: secret, anyFromSecret: false };
}

let suffixes: RegExp | undefined;
/** A secret suffix at the end of a name in JSON (followed by its closing quote), any ASCII case. */
function secretSuffixRe(): RegExp {
  suffixes ??= new RegExp(`(?:${SECRET_SUFFIXES.join('|')})(?=")`, 'gi');
  return suffixes;
}

/** Whether the quote at `at` is escaped (an odd number of backslashes before it). */
function escaped(json: string, at: number): boolean {
  let n = 0;
  while (json.charCodeAt(at - 1 - n) === 0x5c) n++;
  return n % 2 === 1;
}

/** The closing quote of the JSON string opened at `open`. */
function closingQuote(json: string, open: number): number {
  let at = json.indexOf('"', open + 1);
  while (escaped(json, at)) at = json.indexOf('"', at + 1);
  return at;
}

/** The opening quote of the JSON string that holds position `at`. */
function openingQuote(json: string, at: number): number {
  let q = json.lastIndexOf('"', at);
  while (escaped(json, q)) q = json.lastIndexOf('"', q - 1);
  return q;
}
