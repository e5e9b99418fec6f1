/**
 * What the checks may not conclude about values the tool cannot see (manifests and units):
 * applied once, centrally, to every finding of a run, so no check needs to know about it.
 *
 * - A variable that is "set, value unknown" (a Secret or ConfigMap reference to an object not
 *   in the input) or "set, value known by kind" (downward API) reaches the checks with a
 *   stand-in value that is present and non-empty, as a token file that is not here is assumed
 *   to exist. A check that then fails or warns while naming such a variable needed its value:
 *   it becomes `skip`, stating the assumption (and the stand-in never reaches a message).
 * - A variable that is "maybe unset" (`optional: true` to an object not in the input) is
 *   assumed set; a check that passes while naming it warns instead: it passes only if the
 *   object and key exist.
 * - Values read from a Secret in the input are secrets: they are masked in every message.
 * - So are the values of secret-kind variables (registry kind `secret` or a secret suffix), piece
 *   by piece: a misplaced quote can carry a token into another variable's value, which a check
 *   then quotes (found by the fuzz suite).
 */
import { checkInfo } from './checks/info.js';
import { valueOfParts } from './manifest/stand-in.js';
import { parseApiKeys, rustTrim, splitTokenList } from './model.js';
import { flagInfo, isPrintEnvSecret, isSecretName } from './registry.js';
import type { EnvVar, Finding, FindingStatus, UnknownPiece } from './types.js';
import { indexVars } from './var-index.js';

const MASK = '<value from a Secret>';
const SECRET_MASK = '<secret>';
const UNKNOWN_MASK = '<value not known here>';

/** What of a secret value a message could quote: the whole value, each line, each list entry and an API key without its subject, trimmed (8 characters or more). */
export function secretPieces(value: string): string[] {
  const out = new Set<string>();
  const add = (piece: string): void => {
    const t = piece.trim();
    if (t.length >= 8) out.add(t);
  };
  add(value);
  // the parts between commas and line breaks (a loop: a regular expression here was compiled,
  // and run, for every secret at every start)
  for (let start = 0; start <= value.length; ) {
    let end = start;
    while (end < value.length) {
      const c = value.charCodeAt(end);
      if (c === 0x2c || c === 0x0d || c === 0x0a) break;
      end++;
    }
    const part = value.slice(start, end);
    add(part);
    const eq = part.indexOf('=');
    if (eq > 0) add(part.slice(0, eq));
    start = end + 1;
  }
  return [...out];
}

const DECLARATION = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$/;

/**
 * Secrets that another variable's value swallowed: after a misplaced quote the lines that follow
 * are part of the value (`KRISHIV_UI="off` … `KRISHIV_UI_TOKEN=<token>` … `"`), and a check or
 * --print-env that quotes the value would quote the token. The value part of every such
 * `NAME=value` line whose name holds a secret (the --print-env rule), piece by piece.
 */
export function swallowedSecretPieces(value: string): string[] {
  if (!value.includes('\n') && !value.includes('\r')) return [];
  const out: string[] = [];
  for (const line of value.split(/\r\n|\r|\n/)) {
    const m = DECLARATION.exec(line);
    if (m && isPrintEnvSecret(m[1]!)) out.push(...secretPieces(m[2]!.trim().replace(/^["']/, '').replace(/["']$/, '')));
  }
  return out;
}

/** `value` with every swallowed secret (swallowedSecretPieces) shown as `<secret>`. */
export function maskSwallowedSecrets(value: string): string {
  let out = value;
  for (const piece of swallowedSecretPieces(value).sort((a, b) => b.length - a.length)) out = out.split(piece).join(SECRET_MASK);
  return out;
}

/** `pass`, `fail`… as a verb, for "it passes for some values, fails for a placeholder". */
const VERB: Record<FindingStatus, string> = { pass: 'passes', fail: 'fails', warn: 'warns', skip: 'is not decided', waived: 'is waived' };

/** "a, b or c" */
function orList(words: readonly string[]): string {
  // a long list says how many more there are
  if (words.length > 6) return `${words.slice(0, 5).join(', ')} or ${words.length - 5} more`;
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const SEVERITY_ORDER: readonly FindingStatus[] = ['fail', 'warn', 'skip', 'waived', 'pass'];

/** Why a finding that depends on values the tool cannot see is not decided, in words (never a value of the input). */
function dependenceMessage(d: Dependence, vars: ReadonlyMap<string, EnvVar>): string {
  const names = [...new Set(d.sources.flatMap((s) => s.variables))];
  const what =
    names
      .slice(0, 4)
      .map((n) => `${n} (${vars.get(n)?.assumption?.reason ?? 'not known here'})`)
      .join(', ') + (names.length > 4 ? ` and ${names.length - 4} more` : '');
  const tried = [...d.outcomes.keys()].some((s) => s !== d.base);
  const head = `not checked here: ${tried ? 'the verdict depends on' : 'this check needs'} the value of ${what}, which ${names.length > 1 ? 'are' : 'is'} set but not known here`;
  // not tried (more unknown values than the runs allow): what the first run concluded is not kept
  if (!tried) return `${head}; assumed present and non-empty`;
  // the first run's value is a stand-in: it counts for "some values", never in words
  const statuses = SEVERITY_ORDER.filter((s) => s === d.base || d.outcomes.has(s));
  const rest = statuses.includes('pass') ? 'pass' : d.base;
  const said = statuses
    .filter((s) => s !== rest)
    .map((s) => {
      // several sources: each value says whose it is ("KRISHIV_PRODUCTION as \"off\""); a joint try's words name them already
      const words = (d.outcomes.get(s) ?? []).map((x) =>
        x.sources.length > 1 || d.sources.length === 1 ? x.words : `${x.sources[0]!.variables[0]} as ${x.words}`,
      );
      return `${VERB[s]} for ${words.length > 0 ? orList(words) : 'some values'}`;
    });
  return `${head}: it ${said.join('; ')} and ${VERB[rest]} for others`;
}

/**
 * `unsetRun`: the same checks run with every "maybe unset" variable removed; a check that
 * passes here but fails or warns there needed one of them.
 * `dependence` (evaluate.ts): the findings whose verdict changes when a value the tool cannot see
 * is given others; each becomes `skip`, naming the variables. Without it (no such values, or
 * findings of a reader's own), a check that fails or warns while naming such a variable needed
 * its value and becomes `skip`.
 */
export function applyAssumptions(
  findings: Finding[],
  vars: ReadonlyMap<string, EnvVar>,
  unsetRun?: readonly Finding[],
  dependence?: ReadonlyMap<Finding, Dependence>,
): Finding[] {
  const failsWithoutOptional = new Map<string, Finding>();
  for (const f of unsetRun ?? [])
    if ((f.status === 'fail' || f.status === 'warn') && !failsWithoutOptional.has(f.id)) failsWithoutOptional.set(f.id, f);
  const index = indexVars(vars);
  const anyAssumed = index.assumed.length > 0;
  const anyFromSecret = index.anyFromSecret;
  const masks = new Map<string, string>();
  // what stands in for an unknown value: a finding that quotes it said something about the stand-in
  const standIns: Array<{ text: string; v: EnvVar }> = [];
  // the variables any rule below applies to, in the Map's order (a 5,000-line env file has a few)
  for (const v of index.maskable) {
    if (v.fromSecret) {
      if (v.value.length >= 4) masks.set(v.value, MASK);
      for (const piece of secretPieces(v.value)) masks.set(piece, MASK);
    } else if (!v.assumption && isSecretName(v.name))
      for (const piece of secretPieces(v.value)) if (!masks.has(piece)) masks.set(piece, SECRET_MASK);
    const value = v.value;
    if (value.includes('\n') || value.includes('\r'))
      for (const piece of swallowedSecretPieces(value)) if (!masks.has(piece)) masks.set(piece, SECRET_MASK);
    // what stands in for a value the tool cannot see never reaches a message (a command line quoted by a reader)
    if (v.assumption)
      for (const p of partsOfVar(v))
        if (typeof p !== 'string' && p.kind === 'any' && p.text.length >= 8) {
          masks.set(p.text, UNKNOWN_MASK);
          standIns.push({ text: p.text, v });
        }
  }
  // a message quotes a value as a JSON string (`"a \"b\""`): mask that spelling too
  for (const [value, shown] of [...masks]) {
    const quoted = JSON.stringify(value).slice(1, -1);
    if (quoted !== value && !masks.has(quoted)) masks.set(quoted, shown);
  }
  if (!anyAssumed && !anyFromSecret && masks.size === 0) return findings;
  const secretValues = [...masks.keys()].sort((a, b) => b.length - a.length);
  const optional = index.assumed.filter((v) => v.assumption!.kind === 'maybe-unset');
  const quoting = (f: Finding): EnvVar[] =>
    standIns
      .filter(({ text: t }) => f.message.includes(t) || f.remediation.includes(t) || (f.engineMessage?.includes(t) ?? false))
      .map((x) => x.v);
  // Without values the tool cannot see, findings keep their texts until masked: the values any
  // of them quotes are found with one search of all the texts each (usually none), not one per text.
  let quotedValues = secretValues;
  if (!anyAssumed && secretValues.length > 0) {
    // each text searched where it is (no joined copy of every finding's texts); a value holding
    // a NUL is searched in the texts joined by NULs, as the one search did
    let all: string | undefined;
    const quotedIn = (s: string): boolean => {
      if (s.includes('\0')) {
        all ??= findings.map((f) => `${f.message}\0${f.remediation}\0${f.engineMessage ?? ''}`).join('\0');
        return all.includes(s);
      }
      for (let i = 0; i < findings.length; i++) {
        const f = findings[i]!;
        if (f.message.includes(s) || f.remediation.includes(s) || (f.engineMessage?.includes(s) ?? false)) return true;
      }
      return false;
    };
    quotedValues = secretValues.filter(quotedIn);
  }
  const mask = (text: string): string => {
    let out = text;
    for (let i = 0; i < quotedValues.length; i++) {
      const s = quotedValues[i]!;
      if (out.includes(s)) out = out.split(s).join(masks.get(s)!);
    }
    return out;
  };
  const out0: Finding[] = [];
  for (const f of findings) {
    // A value taken from a Secret (secretKeyRef, envFrom, or one not in the input) is not a
    // secret written literally in the manifest: ENV-SECRET-IN-MANIFEST does not apply to it.
    if (
      f.id === 'ENV-SECRET-IN-MANIFEST' &&
      f.status !== 'pass' &&
      f.variables.every((n) => vars.get(n)?.fromSecret || vars.get(n)?.assumption)
    )
      continue;
    out0.push(f);
  }
  if (
    out0.length !== findings.length &&
    !out0.some((f) => f.id === 'ENV-SECRET-IN-MANIFEST') &&
    findings.some((f) => f.id === 'ENV-SECRET-IN-MANIFEST')
  ) {
    const first = findings.find((f) => f.id === 'ENV-SECRET-IN-MANIFEST')!;
    out0.push({
      ...first,
      status: 'pass',
      message: 'no secret is written literally in the manifest or unit',
      variables: [],
      location: null,
    });
    delete out0[out0.length - 1]!.locations;
  }
  return out0.map((f) => {
    let out = f;
    if (anyAssumed) {
      const assumed = f.variables.map((n) => vars.get(n)).filter((v): v is EnvVar => v?.assumption !== undefined);
      const valueless = assumed.filter((v) => v.assumption!.kind !== 'maybe-unset');
      const without = failsWithoutOptional.get(f.id);
      const dep = dependence?.get(f);
      if (dep?.sameVerdict) {
        // the message was written for the stand-in: the verdict holds for every value, the details may not
        const names = [...new Set(dep.sources.flatMap((s) => s.variables))];
        out = {
          ...f,
          message: `${f.message} (${VERB[f.status]} for every value of ${orList(names).replace(/ or /, ' and ')} tried; ${names.length > 1 ? 'they are' : 'it is'} set but not known here)`,
        };
      } else if (dep !== undefined) {
        // a check that did not decide in the first run keeps its own reason (a stand-in in it is masked below)
        if (f.status !== 'skip') {
          out = { ...f, status: 'skip', message: dependenceMessage(dep, vars) };
          delete out.engineMessage;
        }
      } else if (
        dependence !== undefined
          ? standIns.length > 0 && quoting(f).length > 0
          : (f.status === 'fail' || f.status === 'warn') && valueless.length > 0
      ) {
        const needed = dependence !== undefined ? [...new Set(quoting(f))] : valueless;
        const what = needed.map((v) => `${v.name} (${v.assumption!.reason})`).join(', ');
        out = {
          ...f,
          status: 'skip',
          message: `not checked here: this check needs the value of ${what}, which is set but not known here; assumed present and non-empty`,
        };
        delete out.engineMessage;
      }
      if (out.status === 'pass' && without !== undefined && optional.length > 0) {
        const what = optional.map((v) => `${v.name} (${v.assumption!.reason})`).join(', ');
        out = {
          ...f,
          status: 'warn',
          message: `passes only if ${what} exists: the reference is optional, so the variable may be unset, and then: ${without.message}`,
        };
      }
    }
    if (quotedValues.length > 0) {
      const message = mask(out.message);
      const remediation = mask(out.remediation);
      if (message !== out.message || remediation !== out.remediation) out = { ...out, message, remediation };
      if (out.engineMessage !== undefined) {
        const em = mask(out.engineMessage);
        if (em !== out.engineMessage) out = { ...out, engineMessage: em };
      }
    }
    return out;
  });
}

/**
 * Findings about variables that a source the tool cannot read may set or override (a Kubernetes
 * envFrom Secret or ConfigMap that is not in the input, a unit's EnvironmentFile= that is not on
 * this machine) are not decided here: each such finding becomes `skip`, naming the variables and
 * their sources, and keeps what the input alone would give. `sourceOf` names the source that may
 * set a variable (undefined: none can). Changes the findings in place.
 */
export function undecidedBySources(findings: readonly Finding[], sourceOf: (variable: string) => string | undefined, absent: string): void {
  for (const f of findings) {
    if (f.status === 'skip') continue;
    const maybe = f.variables.filter((v) => sourceOf(v) !== undefined);
    if (maybe.length === 0) continue;
    const sources = [...new Set(maybe.map((v) => sourceOf(v)!))];
    const why = `not checked here: ${maybe.join(', ')} may be set by ${sources.join(', ')}, which ${absent}`;
    f.message = f.status === 'pass' ? why : `${why}; as the input stands: ${f.message}`;
    f.status = 'skip';
  }
}

// ---------------------------------------------------------------------------------------
// Values the tool cannot see, tried: which checks' verdicts depend on them

/** Tokens that pass every strength rule (32+ characters, high entropy); made up here, never a user's. */
const STRONG = 'Hq7Vb2Nx9Lc4Tz8Rm3Wd6Ks1Pf5Gy0JeUa4Xo2Qi';
const STRONG2 = 'Zr5Mk8Tq1Wv4Ny7Bd0Hs3Lp6Gc9Fx2Ja5Ue8Oi1';

/** A value to try, and how a message says it in words (never the value itself for a secret). */
export type Try = readonly [value: string, words: string];

const SPACED = 'a value with spaces around it';
const NOT_ASCII = 'a value with characters other than visible ASCII';

/**
 * Values to try for an unknown piece, by what the engine does with the variable it makes up
 * (its registry kind, or a secret's shape), the most telling first. Each is non-blank: a value
 * "set, value unknown" is assumed present and non-empty (contract), so presence-only checks hold.
 */
const FAMILIES = {
  // (what stands in for a token in the first run is already a long random one)
  token: [
    ['changeme', 'a placeholder'],
    ['Tk4x9Q', 'a short token'],
    [` ${STRONG} `, SPACED],
    [`${STRONG}\u00e9`, NOT_ASCII],
    [`${STRONG}\n${STRONG2}`, 'a value of two lines'],
  ],
  tokenList: [
    [STRONG, 'one long random token'],
    [`${STRONG},${STRONG2}`, 'two tokens'],
    ['changeme', 'a placeholder'],
    ['Tk4x9Q', 'a short token'],
    [`${STRONG}, ,${STRONG2}`, 'a list with an empty entry'],
    [` ${STRONG} `, SPACED],
    [`${STRONG}\u00e9`, NOT_ASCII],
  ],
  keyList: [
    [`${STRONG}=svc-a`, 'one key=subject entry'],
    [`${STRONG}=svc-a,${STRONG2}=svc-b`, 'two key=subject entries'],
    [STRONG, 'an entry without "="'],
    [`${STRONG}=`, 'an entry without a subject'],
    ['=svc-a', 'an entry without a key'],
    ['changeme=svc-a', 'a placeholder key'],
    [`${STRONG}=svc-a,${STRONG}=svc-b`, 'one key twice'],
    [` ${STRONG} = svc-a `, 'an entry with spaces around key and subject'],
    ['Tk4x9Q=svc-a', 'a short key'],
    [`${STRONG}\u00e9=svc-a`, 'a key with characters other than visible ASCII'],
  ],
  bool: [
    ['1', '"1"'],
    ['off', '"off"'],
    ['false', '"false"'],
    ['maybe', 'a word that is not a boolean'],
    [' TRUE ', '"TRUE" with spaces around it'],
    ['yes', '"yes"'],
  ],
  number: [
    ['0', '"0"'],
    ['30', '"30"'],
    ['86400', '"86400"'],
    ['-5', 'a negative number'],
    ['ten', 'a word that is not a number'],
    [' 15 ', 'a number with spaces around it'],
  ],
  address: [
    ['0.0.0.0:2001', '"0.0.0.0:2001"'],
    ['127.0.0.1:2001', '"127.0.0.1:2001"'],
    ['[::]:2001', '"[::]:2001"'],
    ['localhost:2001', 'a host name with a port'],
    ['10.1.2.3', 'an address without a port'],
    [' 0.0.0.0:2001 ', 'an address with spaces around it'],
  ],
  url: [
    ['https://krishiv.example:443', 'an https URL'],
    ['http://127.0.0.1:4317', 'an http URL to a loopback address'],
    ['krishiv.example:4317', 'a host and port without a scheme'],
    ['not a url', 'text that is not a URL'],
    [' https://krishiv.example:443 ', 'a URL with spaces around it'],
  ],
  list: [
    ['a', 'one entry'],
    ['a,b', 'two entries'],
    [' a , b ', 'two entries with spaces'],
    [',', 'only a comma'],
    ['http://etcd-0:2379,http://etcd-1:2379', 'two URLs'],
  ],
  path: [
    ['/var/run/krishiv/token', 'an absolute path'],
    ['token', 'a relative path'],
    [' /var/run/krishiv/token ', 'a path with spaces around it'],
    ['/', 'the root directory'],
  ],
  any: [
    ['1', '"1"'],
    ['off', '"off"'],
    [STRONG, 'a long random token'],
    ['x', 'a single letter'],
    ['https://krishiv.example:443', 'a URL'],
    ['0.0.0.0:2001', 'an address with a port'],
    ['a=b,c=d', 'a list of key=value pairs'],
    [' x ', SPACED],
    ['\u00e9', NOT_ASCII],
  ],
} as const satisfies Record<string, readonly Try[]>;

/** Downward-API pieces stay within their kind (an IP is another IP, a name another name). */
const BY_KIND: Readonly<Record<Exclude<UnknownPiece['kind'], 'any'>, readonly Try[]>> = {
  ip: [
    ['172.16.5.9', 'another IPv4 address'],
    ['fd00::2', 'an IPv6 address'],
  ],
  ips: [
    ['10.0.0.2,fd00::2', 'an IPv4 and an IPv6 address'],
    ['fd00::2', 'an IPv6 address'],
    ['172.16.5.9', 'another IPv4 address'],
  ],
  name: [
    ['krishiv-coordinator-7d9f8b6c5-x2x4q', 'a long generated name'],
    ['krishiv-0', 'a short name'],
    ['ip-10-0-0-5.ec2.internal', 'a dotted name'],
  ],
  uid: [['3f2b8c1e-9a4d-4e7f-b6c2-1d8e5a0f7b93', 'another UID']],
  number: [
    ['4', '"4"'],
    ['2147483648', 'a large number'],
  ],
};

/** The values to try for a piece that is the whole value of `name` (else: part of it). */
function familyFor(name: string, whole: boolean): readonly Try[] {
  if (!whole) return FAMILIES.any;
  if (/_API_KEYS$/i.test(name)) return FAMILIES.keyList;
  if (/_TOKENS$/i.test(name)) return FAMILIES.tokenList;
  if (isSecretName(name)) return FAMILIES.token;
  const info = flagInfo(name);
  switch (info?.kind) {
    case 'bool':
      return FAMILIES.bool;
    case 'uint':
    case 'int':
    case 'float':
      return FAMILIES.number;
    case 'socketaddr':
      return FAMILIES.address;
    case 'url':
      return FAMILIES.url;
    case 'list':
      return FAMILIES.list;
    case 'path':
      return FAMILIES.path;
    case 'enum': {
      const values = info.values ?? [];
      const first = values[0];
      return [
        ...values.map((v): Try => [v, JSON.stringify(v)]),
        ['unknown-value', 'a value that is none of them'],
        ...(first !== undefined
          ? [[` ${first.toUpperCase()} `, `${JSON.stringify(first.toUpperCase())} with spaces around it`] as Try]
          : []),
      ];
    }
    default:
      return FAMILIES.any;
  }
}

/** One source of unknown value (a Secret key not in the input, a specifier, a downward-API field) and where it is used. */
export interface UnknownSource {
  source: string;
  kind: UnknownPiece['kind'];
  /** what stands in for it in the first run */
  text: string;
  /** the variables whose value it is, or is part of */
  variables: string[];
  /** the values to try instead, most telling first */
  tries: Try[];
  /** the whole value of a `…_API_KEYS` variable: a value shared with another secret is a key of an entry (`<key>=<subject>`) */
  keyed?: true;
}

/** The parts of a variable the tool cannot see (the whole value when it does not say). */
export function partsOfVar(v: EnvVar): ReadonlyArray<string | UnknownPiece> {
  return v.parts ?? [{ source: `value/${v.name}`, kind: 'any', text: v.value }];
}

/**
 * Every source of unknown value among `vars`, with the values to try for it (at most `perSource`).
 * `uses`: a variable the command line expands as the value of a flag, and the env variable that
 * flag stands for (its values are tried too).
 */
export function unknownSources(
  vars: ReadonlyMap<string, EnvVar>,
  perSource = 10,
  uses?: ReadonlyMap<string, string>,
): Map<string, UnknownSource> {
  const out = new Map<string, UnknownSource>();
  const families = new Map<string, Array<readonly Try[]>>();
  for (const v of indexVars(vars).assumed) {
    const parts = partsOfVar(v);
    for (const p of parts) {
      if (typeof p === 'string') continue;
      let s = out.get(p.source);
      if (s === undefined) out.set(p.source, (s = { source: p.source, kind: p.kind, text: p.text, variables: [], tries: [] }));
      if (!s.variables.includes(v.name)) s.variables.push(v.name);
      if (p.kind !== 'any') continue;
      if (parts.length === 1 && /_API_KEYS$/i.test(v.name)) s.keyed = true;
      const list = families.get(p.source) ?? [];
      // the value of a flag: what the flag's env variable takes (alone when the name itself says nothing)
      const flag = uses?.get(v.name);
      if (flag !== undefined) list.push(familyFor(flag, parts.length === 1));
      if (flag === undefined || flagInfo(v.name) !== undefined || isSecretName(v.name)) list.push(familyFor(v.name, parts.length === 1));
      families.set(p.source, list);
    }
  }
  for (const s of out.values()) {
    // round robin over the families of every use: the most telling value of each comes first
    const lists = s.kind === 'any' ? (families.get(s.source) ?? [FAMILIES.any]) : [BY_KIND[s.kind]];
    const seen = new Set<string>([s.text]);
    for (let i = 0; s.tries.length < perSource && lists.some((l) => i < l.length); i++)
      for (const l of lists) {
        const x = l[i];
        if (x !== undefined && !seen.has(x[0]) && s.tries.length < perSource) {
          seen.add(x[0]);
          s.tries.push(x);
        }
      }
  }
  return out;
}

/** `vars` with `source` given `value` wherever it is used (as written and as read). */
export function withValue(vars: ReadonlyMap<string, EnvVar>, s: UnknownSource, value: string): Map<string, EnvVar> {
  return withValues(vars, new Map([[s, value]]));
}

/** `vars` with each source given its value wherever it is used (several sources: tried together). */
export function withValues(vars: ReadonlyMap<string, EnvVar>, values: ReadonlyMap<UnknownSource, string>): Map<string, EnvVar> {
  const out = new Map(vars);
  const byId = new Map<string, string>();
  for (const [s, value] of values) byId.set(s.source, value);
  for (const s of values.keys())
    for (const name of s.variables) {
      const v = vars.get(name)!;
      const text = valueOfParts(partsOfVar(v), (p) => byId.get(p.source) ?? p.text);
      out.set(name, { ...v, value: text, raw: text });
    }
  return out;
}

/** The same findings, in the same order: check, variables, status and message. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.id !== y.id || x.status !== y.status || x.message !== y.message || x.variables.length !== y.variables.length) return false;
    for (let j = 0; j < x.variables.length; j++) if (x.variables[j] !== y.variables[j]) return false;
  }
  return true;
}

/** A finding's identity across runs: its check and the variables it names. */
function keyOf(f: Finding): string {
  return `${f.id}\u0000${f.variables.join('\u0000')}`;
}

/** What decided that a finding depends on values the tool cannot see. */
export interface Dependence {
  /** the sources whose value changes it (or that it reads and that were not tried) */
  sources: UnknownSource[];
  /** its status in the first run */
  base: FindingStatus;
  /** the status each value tried gives, with those values in words; empty: not tried */
  outcomes: Map<FindingStatus, Outcome[]>;
  /** the status is the same for every value tried, but what the message says is not: it keeps the status and says so */
  sameVerdict?: true;
}

/** Values tried, in words: one source's value (`words` without the variable), or several sources' (`words` naming them). */
export interface Outcome {
  sources: readonly UnknownSource[];
  words: string;
}

/** One more run of a check: one source, or several together (`words` then names their variables), given other values. */
export interface VariantRun {
  sources: readonly UnknownSource[];
  words: string;
  findings: readonly Finding[];
}

const SEVERITY: Record<FindingStatus, number> = { pass: 0, waived: 1, skip: 2, warn: 3, fail: 4 };
const worst = (list: readonly FindingStatus[]): FindingStatus | undefined =>
  list.reduce<FindingStatus | undefined>((w, s) => (w === undefined || SEVERITY[s] > SEVERITY[w] ? s : w), undefined);

/**
 * Compares one check's findings in the first run with its findings in the runs where one source
 * has another value: a finding (check and variables) whose status differs (or, not there, whose
 * status is not the check's worst in that run) depends on that source; recorded in `out`. When
 * none of the first run's findings depends, a finding that appears only in other runs and fails or
 * warns is returned as a new finding (recorded in `out` too): the check is not decided for it.
 */
export function compareRuns(base: readonly Finding[], runs: readonly VariantRun[], out: Map<Finding, Dependence>): Finding[] {
  // the usual case, every run saying what the first said: nothing depends, nothing to build
  if (runs.every((run) => sameFindings(base, run.findings))) return [];
  const byKey = (list: readonly Finding[]): Map<string, FindingStatus[]> => {
    const m = new Map<string, FindingStatus[]>();
    for (const f of list) {
      const k = keyOf(f);
      const l = m.get(k);
      if (l) l.push(f.status);
      else m.set(k, [f.status]);
    }
    return m;
  };
  const same = (a: readonly FindingStatus[], b: readonly FindingStatus[]): boolean =>
    a.length === b.length && (a.length === 1 ? a[0] === b[0] : [...a].sort().join() === [...b].sort().join());
  const note = (d: Dependence, sources: readonly UnknownSource[], status: FindingStatus, words: string): void => {
    for (const source of sources) if (!d.sources.includes(source)) d.sources.push(source);
    const list = d.outcomes.get(status);
    if (!list) d.outcomes.set(status, [{ sources, words }]);
    else if (!list.some((x) => x.sources === sources && x.words === words)) list.push({ sources, words });
  };
  const baseKeys = byKey(base);
  const baseKey = base.map(keyOf);
  // every first-run finding's outcome in every run, by the sources changed (one list of them per
  // source or joint try: the runs of one try share it); kept for the tries that change it
  const seen = new Map<Finding, Map<readonly UnknownSource[], Array<[FindingStatus, string]>>>();
  const extra = new Map<string, { f: Finding; dep: Dependence }>();
  const reworded = new Map<Finding, UnknownSource[]>();
  const tryOf = new Map<string, readonly UnknownSource[]>();
  const sourcesOf = (run: VariantRun): readonly UnknownSource[] => {
    const k = run.sources.map((x) => x.source).join('\u0000');
    let l = tryOf.get(k);
    if (l === undefined) tryOf.set(k, (l = run.sources));
    return l;
  };
  for (const run of runs) {
    const runKeys = byKey(run.findings);
    const message = new Map<string, string>();
    for (const x of run.findings) if (!message.has(keyOf(x))) message.set(keyOf(x), x.message);
    const runWorst = worst(run.findings.map((x) => x.status));
    const changed = sourcesOf(run);
    for (let b = 0; b < base.length; b++) {
      const f = base[b]!;
      const k = baseKey[b]!;
      const there = runKeys.get(k);
      // not there: the check says something else for that value. A complaint about variables that
      // is gone passes, unless another finding of the run names one of them (its worst stands for
      // it); a pass (it sums up: "every token is visible ASCII") takes the run's worst
      const status =
        there === undefined
          ? f.status === 'pass' || f.variables.length === 0
            ? runWorst
            : (worst(run.findings.filter((x) => x.variables.some((n) => f.variables.includes(n))).map((x) => x.status)) ?? 'pass')
          : same(baseKeys.get(k)!, there)
            ? f.status
            : (there.find((x) => x !== f.status) ?? f.status);
      if (status === undefined) continue;
      if (status === f.status && there !== undefined && there.length === 1 && message.get(k) !== f.message) {
        const list = reworded.get(f) ?? [];
        for (const source of changed) if (!list.includes(source)) list.push(source);
        reworded.set(f, list);
      }
      let bySource = seen.get(f);
      if (!bySource) seen.set(f, (bySource = new Map()));
      const list = bySource.get(changed);
      if (list) list.push([status, run.words]);
      else bySource.set(changed, [[status, run.words]]);
    }
    for (const f of run.findings) {
      const k = keyOf(f);
      if (baseKeys.has(k) || (f.status !== 'fail' && f.status !== 'warn')) continue;
      let e = extra.get(k);
      if (!e) extra.set(k, (e = { f, dep: { sources: [], base: 'pass', outcomes: new Map() } }));
      note(e.dep, changed, f.status, run.words);
    }
  }
  let anyDependent = false;
  for (const [f, bySource] of seen) {
    const d: Dependence = { sources: [], base: f.status, outcomes: new Map() };
    for (const [source, outcomes] of bySource)
      if (outcomes.some(([status]) => status !== f.status)) for (const [status, words] of outcomes) note(d, source, status, words);
    if (d.sources.length > 0) {
      anyDependent = true;
      out.set(f, d);
    } else if (reworded.has(f)) out.set(f, { sources: reworded.get(f)!, base: f.status, outcomes: new Map(), sameVerdict: true });
  }
  if (anyDependent) return [];
  const added: Finding[] = [];
  for (const { f, dep } of extra.values()) {
    const skip: Finding = {
      id: f.id,
      predicate: f.predicate,
      status: f.status,
      class: f.class,
      message: '',
      remediation: checkInfo(f.id).fix,
      location: f.location,
      variables: f.variables,
    };
    if (f.locations) skip.locations = f.locations;
    out.set(skip, dep);
    added.push(skip);
  }
  return added;
}

// ---------------------------------------------------------------------------------------
// Values the tool cannot see, tried together: verdicts that depend on a relation between them

/** Several sources given values at once, and those values in words (naming the variables). */
export interface JointTry {
  values: Map<UnknownSource, string>;
  words: string;
}

/** A secret value the input gives (a variable's trimmed value, a list entry, a key of a key list), named in words. */
export interface KnownSecret {
  name: string;
  value: string;
}

/** How words name a source: the variable whose value it is (its first use). */
const nameOf = (s: UnknownSource): string => s.variables[0]!;

/** "a and b", "a, b and c" */
function andList(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The value a source holds when it shares `value` with another secret: the value, or a key list's key. */
const sharing = (s: UnknownSource, value: string): string => (s.keyed ? `${value}=svc-a` : value);

/** A source that is (part of) a secret's value: the only values the checks compare with others. */
export const isSecretSource = (s: UnknownSource): boolean => s.variables.some((n) => isSecretName(n) && !/_FILE$/i.test(n));

/** The secret values `vars` gives (not the ones the tool cannot see), as the reuse check splits them. */
export function knownSecrets(vars: ReadonlyMap<string, EnvVar>): KnownSecret[] {
  const out: KnownSecret[] = [];
  const seen = new Set<string>();
  const add = (name: string, value: string): void => {
    if (value === '' || seen.has(value)) return;
    seen.add(value);
    out.push({ name, value });
  };
  for (const v of indexVars(vars).secret) {
    if (v.assumption !== undefined || /_FILE$/i.test(v.name)) continue;
    if (/_API_KEYS$/i.test(v.name)) {
      const parsed = parseApiKeys(v.value);
      if (parsed.state !== 'unset') for (const e of parsed.entries) add(`the key of entry ${e.index + 1} of ${v.name}`, e.key);
    } else if (/_TOKENS$/i.test(v.name)) splitTokenList(v.value).forEach((t, i) => add(`entry ${i + 1} of ${v.name}`, t));
    else add(v.name, rustTrim(v.value));
  }
  return out;
}

/**
 * The runs where values the tool cannot see are equal, to one another or to a secret the input
 * gives. Equality is the one relation between values that the checks read (one secret shared by
 * two roles: ENV-TOKEN-REUSE), and a check that tells two equal values apart from different ones
 * tells so when all of them are equal: one run where every source (of kind `any`: a downward-API
 * value is never a secret) holds the first one's stand-in, which changes nothing but equality; then
 * one run per known secret (at most `most`) where every source of a secret holds it. Each counts
 * only for the checks that read two of the sources it changes (one, with a known secret).
 */
export function sameValueTries(
  sources: readonly UnknownSource[],
  known: readonly KnownSecret[],
  most: number,
): { together?: JointTry; withKnown: JointTry[] } {
  const any = sources.filter((s) => s.kind === 'any');
  const out: { together?: JointTry; withKnown: JointTry[] } = { withKnown: [] };
  if (any.length >= 2) {
    const value = any[0]!.text;
    out.together = { values: new Map(any.map((s) => [s, sharing(s, value)])), words: `${andList(any.map(nameOf))} holding one value` };
  }
  const secret = any.filter(isSecretSource);
  if (secret.length > 0)
    for (const k of known.slice(0, most))
      out.withKnown.push({
        values: new Map(secret.map((s) => [s, sharing(s, k.value)])),
        words: `${andList(secret.map(nameOf))} holding the value of ${k.name}`,
      });
  return out;
}

/**
 * Values of one source that stand for the others: the first of each group of values that gave the
 * same findings when tried alone (`signatures`, one per try; undefined: not compared), at most `most`.
 */
export function representatives(s: UnknownSource, signatures: ReadonlyArray<string | undefined>, most: number): Try[] {
  const out: Try[] = [];
  const seen = new Set<string>();
  s.tries.forEach((t, i) => {
    const sig = signatures[i];
    if (sig === undefined || seen.has(sig) || out.length >= most) return;
    seen.add(sig);
    out.push(t);
  });
  return out;
}

/**
 * Two sources read by one check, tried together: every pair of their representatives. A verdict
 * that needs both values (fails only for KRISHIV_PRODUCTION "1" with a token the engine cannot
 * read, say) passes with each one alone, the other keeping its stand-in.
 */
export function pairTries(s: UnknownSource, t: UnknownSource, sValues: readonly Try[], tValues: readonly Try[]): JointTry[] {
  const out: JointTry[] = [];
  for (const a of sValues)
    for (const b of tValues)
      out.push({
        values: new Map([
          [s, a[0]],
          [t, b[0]],
        ]),
        words: `${nameOf(s)} as ${a[1]} with ${nameOf(t)} as ${b[1]}`,
      });
  return out;
}
