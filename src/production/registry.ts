/**
 * The engine's `KRISHIV_*` flag registry (`env_registry.rs` at e8be785f, shipped as
 * `data/krishiv-env-flags.json`) and the engine's start-up validation over it
 * (`validate_value` / `validate_env` / `log_env_issues`, surface §1, §2.1, §2.2):
 * - `flagInfo`, `deprecatedAliasOf`, pass-through prefixes: the registry's `lookup`;
 * - `envIssues(name, value)`: exactly the warnings the engine logs for one variable;
 * - `validateValue(name, value)`: the `does not parse as KIND: HINT` warning, with the
 *   registry validator's quirks (enum prefixes/underscores, trimmed values, Rust number
 *   and socket-address grammars, Rust `{:?}` quoting in the hint);
 * - `KIND_EXCEPTIONS` / `codeRuleIssue`: where the declared kind is known to be wrong
 *   (surface §8.6), the rule the code really applies, for checks that want the truth;
 * - `isSecretName` (contract "Secrets and fingerprints"), `isPrintEnvSecret` (--print-env);
 * - `suggestFlag`: "did you mean" for close misspellings only.
 * Secrets are never inspected.
 */
import { distance } from '../util/edit-distance.js';
import registryData from './data/krishiv-env-flags.json';

export type FlagKind = 'bool' | 'uint' | 'int' | 'float' | 'text' | 'path' | 'socketaddr' | 'url' | 'list' | 'secret' | 'enum';

export interface FlagInfo {
  name: string;
  kind: FlagKind;
  /** allowed values of an enum flag */
  values?: readonly string[];
  /** the registry's declared default (often not what the code does: surface §1, §8.6) */
  default: string;
  scope: 'runtime' | 'test' | 'bench';
  /** true when the name is known only through a pass-through prefix */
  passThrough?: boolean;
}

interface RegistryFile {
  source: string;
  passThroughPrefixes: string[];
  deprecatedAliases: Record<string, string>;
  flags: Array<{ name: string; kind: string; default: string; scope: string; values?: string[] }>;
}

const data = registryData as RegistryFile;

/**
 * Every declared flag, in registry order: the registry's own parsed entries (they have exactly
 * FlagInfo's fields), used where they are rather than copied, and read-only by type only:
 * freezing each of the ~180 cost every start a runtime call per entry (~0.1 ms).
 */
export const FLAGS: readonly FlagInfo[] = Object.freeze(data.flags as FlagInfo[]);
const BY_NAME = new Map<string, FlagInfo>();
for (const f of FLAGS) BY_NAME.set(f.name, f);

/** Prefixes whose every longer name is a valid (text) flag: `KRISHIV_ICEBERG_REST_<PROP>`. */
const PASS_THROUGH_PREFIXES: readonly string[] = Object.freeze([...data.passThroughPrefixes]);
/** Deprecated alias → canonical name. */
const DEPRECATED_ALIASES: Readonly<Record<string, string>> = Object.freeze({ ...data.deprecatedAliases });

/** The registry's `lookup`: an exact name, else a pass-through prefix (name longer than it). */
export function flagInfo(name: string): FlagInfo | undefined {
  const exact = BY_NAME.get(name);
  if (exact) return exact;
  const prefix = PASS_THROUGH_PREFIXES.find((p) => name.startsWith(p) && name.length > p.length);
  if (prefix === undefined) return undefined;
  return { name, kind: 'text', default: 'unset', scope: 'runtime', passThrough: true };
}

/** The canonical name when `name` is a deprecated alias. */
export function deprecatedAliasOf(name: string): string | undefined {
  return Object.hasOwn(DEPRECATED_ALIASES, name) ? DEPRECATED_ALIASES[name] : undefined;
}

// ── Truthy / falsy (surface §2.1, env_registry.rs is_truthy / is_falsy) ──────────────

export { asciiLower, isFalsy, isTruthy, rustTrim } from '../engine/text.js';
import { parseSocketAddr } from '../engine/addr.js';
import { asciiLower, isFalsy, isTruthy, rustDebugString, rustTrim } from '../engine/text.js';

// ── Rust parsers used by validate_value ──────────────────────────────────────────────

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** `str::parse::<u64>()` succeeds. */
export function parsesAsU64(s: string): boolean {
  return parseU64(s) !== undefined;
}

/** `str::parse::<i64>()` succeeds. */
function parsesAsI64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s.replace(/^\+/, ''));
  return n >= I64_MIN && n <= I64_MAX;
}

/** `str::parse::<f64>()` succeeds (decimal, exponent, inf/infinity/nan, no hex, no `_`). */
export function parsesAsF64(s: string): boolean {
  return /^[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$/i.test(s);
}

/** Rust's `{:?}` for a `str` (quotes and escapes), as the engine prints it in hints: one implementation, in engine/text.ts. */
export { rustDebugString };

// ── validate_value / validate_env ────────────────────────────────────────────────────

export interface ValueIssue {
  name: string;
  /** the engine's kind text, e.g. `unsigned integer` */
  kind: string;
  /** the engine's hint, e.g. `"abc"` */
  hint: string;
  /** the engine's warning: `NAME does not parse as KIND: HINT` */
  message: string;
}

function issue(name: string, kind: string, hint: string): ValueIssue {
  return { name, kind, hint, message: `${name} does not parse as ${kind}: ${hint}` };
}

/**
 * The engine's `validate_value` for a registry flag: the warning it logs at start-up, or
 * undefined. Unknown names and secrets return undefined (secrets are never inspected).
 */
export function validateValue(name: string, value: string): ValueIssue | undefined {
  const spec = flagInfo(name);
  if (!spec) return undefined;
  const trimmed = rustTrim(value);
  // formatted only for values that fail: the Rust-style quoting is costly per character
  const dbg = (): string => rustDebugString(trimmed);
  switch (spec.kind) {
    case 'bool':
      if (!isTruthy(trimmed) && !isFalsy(trimmed)) {
        return issue(name, 'bool (1/true/yes/on or 0/false/no/off)', `${dbg()} will be treated as false`);
      }
      return undefined;
    case 'uint':
      return trimmed !== '' && !parsesAsU64(trimmed) ? issue(name, 'unsigned integer', dbg()) : undefined;
    case 'int':
      return trimmed !== '' && !parsesAsI64(trimmed) ? issue(name, 'integer', dbg()) : undefined;
    case 'float':
      return trimmed !== '' && !parsesAsF64(trimmed) ? issue(name, 'number', dbg()) : undefined;
    case 'socketaddr':
      return trimmed !== '' && !parseSocketAddr(trimmed) ? issue(name, 'host:port socket address', dbg()) : undefined;
    case 'enum': {
      const allowed = spec.values ?? [];
      const norm = asciiLower(trimmed);
      // The registry validator accepts equal, `_`→`-` equal, or any PREFIX of an allowed value.
      const recognized = allowed.some((a) => norm === a || norm.replaceAll('_', '-') === a || a.startsWith(norm));
      if (trimmed !== '' && !recognized) {
        return issue(
          name,
          'one of the documented values',
          `${dbg()} (expected one of [${allowed.map((a) => rustDebugString(a)).join(', ')}])`,
        );
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

export type EnvIssueKind = 'unknown' | 'deprecated' | 'invalid';

export interface EnvIssue {
  kind: EnvIssueKind;
  name: string;
  /** the engine's log text */
  message: string;
  /** for deprecated aliases */
  canonical?: string;
  /** for invalid values */
  value?: ValueIssue;
}

/**
 * What `log_env_issues` logs for one variable (`validate_env`): nothing for names outside
 * `KRISHIV_*`; `unrecognized environment flag …` for unknown names; `… is deprecated; use …`
 * for an alias (and its value is still validated); `… does not parse as …` for bad values.
 */
export function envIssues(name: string, value: string): EnvIssue[] {
  if (!name.startsWith('KRISHIV_')) return [];
  const spec = flagInfo(name);
  if (!spec) {
    return [{ kind: 'unknown', name, message: `unrecognized environment flag ${name} (not in the KRISHIV_* registry; typo?)` }];
  }
  const out: EnvIssue[] = [];
  const canonical = deprecatedAliasOf(name);
  if (canonical !== undefined) {
    out.push({ kind: 'deprecated', name, canonical, message: `${name} is deprecated; use ${canonical}` });
  }
  const invalid = validateValue(name, value);
  if (invalid) out.push({ kind: 'invalid', name, message: invalid.message, value: invalid });
  return out;
}

// ── Where the declared kind is wrong ──────────────────────────────────

export { parseDurabilityProfile, type DurabilityProfile } from '../engine/readers.js';
import { parseDurabilityProfile, parseU64 } from '../engine/readers.js';

export interface KindException {
  /** why the registry's declared kind misleads */
  reason: string;
  /** the engine source line */
  source: string;
  /** the code's real rule: a problem text, or undefined when the code accepts the value */
  check(value: string): string | undefined;
}

const METADATA_BACKENDS = ['memory', 'rocksdb', 'redb', 'etcd'];

/** Flags whose registry kind disagrees with the code; checks use `codeRuleIssue` for them. */
export const KIND_EXCEPTIONS: Readonly<Record<string, KindException>> = Object.freeze({
  KRISHIV_METADATA_BACKEND: {
    reason: 'declared as memory|rocksdb|redb, but the coordinator also needs etcd (the registry validator warns about it)',
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:187-293',
    check: (value: string) =>
      METADATA_BACKENDS.includes(value)
        ? undefined
        : `KRISHIV_METADATA_BACKEND is ${rustDebugString(value)}: the coordinator matches exactly one of memory, rocksdb, redb, etcd`,
  },
  KRISHIV_UI: {
    reason: 'declared bool, but only the value off (ASCII case-insensitive, untrimmed) disables the UI',
    source: 'crates/krishiv/src/daemon_cmd.rs:204-215',
    check: (value: string) =>
      value.toLowerCase() !== 'off' && isFalsy(value) && rustTrim(value) !== ''
        ? `KRISHIV_UI=${rustDebugString(value)} does not turn the UI off: only "off" does`
        : undefined,
  },
  KRISHIV_DURABILITY_PROFILE: {
    reason:
      'the registry validator accepts prefixes and underscores (d, single_node_durable) that the profile parser refuses, and warns about local, which it accepts',
    source: 'crates/krishiv-common/src/durability.rs:78-91',
    check: (value: string) =>
      parseDurabilityProfile(value) === undefined ? `unknown durability profile '${asciiLower(rustTrim(value))}'` : undefined,
  },
});

/**
 * The code's real rule for a value: for `KIND_EXCEPTIONS` names, their check; otherwise the
 * registry validator's warning text. Undefined when the value is fine.
 */
export function codeRuleIssue(name: string, value: string): string | undefined {
  const exception = Object.hasOwn(KIND_EXCEPTIONS, name) ? KIND_EXCEPTIONS[name] : undefined;
  if (exception) return exception.check(value);
  return validateValue(name, value)?.message;
}

// ── Secrets ──────────────────────────────────────────────────────────────────────────

/** `/_(?:TOKEN|TOKENS|SECRET|PASSWORD|API_KEY|API_KEYS)$/i`, as suffixes compared by letters (no expression to compile at every start). */
export const SECRET_SUFFIXES: readonly string[] = ['_TOKEN', '_TOKENS', '_SECRET', '_PASSWORD', '_API_KEY', '_API_KEYS'];

/** `name` ends in `suffix` (upper-case ASCII), ASCII letters in either case (a regular expression's `i` flag without `u`). */
function endsWithAsciiCaseless(name: string, suffix: string): boolean {
  const off = name.length - suffix.length;
  if (off < 0) return false;
  for (let i = 0; i < suffix.length; i++) {
    const c = name.charCodeAt(off + i);
    const want = suffix.charCodeAt(i);
    if (c !== want && !(want >= 0x41 && want <= 0x5a && c === want + 0x20)) return false;
  }
  return true;
}
/**
 * The last letters of every secret suffix and of every name the registry declares a secret
 * (test/production/registry.test.ts derives them from both lists): a name ending otherwise is no
 * secret. A constant rather than a loop over the registry at every start.
 */
export const SECRET_LAST_LETTERS = 'DNSTY';
let secretLastMask = 0;
for (let i = 0; i < SECRET_LAST_LETTERS.length; i++) secretLastMask |= 1 << (SECRET_LAST_LETTERS.charCodeAt(i) - 0x41);

/** Whether `name` ends in one of SECRET_LAST_LETTERS, in either case. */
function endsInSecretLetter(name: string): boolean {
  const c = name.charCodeAt(name.length - 1) & ~0x20; // ASCII letters upper-cased; NaN (no name) is 0
  return c >= 0x41 && c <= 0x5a && ((secretLastMask >>> (c - 0x41)) & 1) === 1;
}
const PRINT_ENV_SUFFIX = /_(?:TOKEN|TOKENS|KEY|KEYS|SECRET|PASSWORD)$/i;

/**
 * Whether a variable holds a secret (contract "Secrets and fingerprints"): the registry's
 * kind `secret` decides for names it declares (so `KRISHIV_TLS_KEY`, a path, is not one);
 * other names (and pass-through names) are secrets when they end in `_TOKEN`, `_TOKENS`,
 * `_SECRET`, `_PASSWORD`, `_API_KEY` or `_API_KEYS`.
 */
export function isSecretName(name: string): boolean {
  // Most names are decided by their last character, before the registry lookup: an env file's
  // thousands of other names take no Map lookup and, in a one-shot process, no optimising
  // compile of the lookup (bench/README.md, issue 13).
  if (!endsInSecretLetter(name)) return false;
  const spec = BY_NAME.get(name);
  if (spec) return spec.kind === 'secret';
  return SECRET_SUFFIXES.some((s) => endsWithAsciiCaseless(name, s));
}

/**
 * The --print-env rule (contract): a secret-kind flag, or any name ending in `_TOKEN`,
 * `_TOKENS`, `_KEY`, `_KEYS`, `_SECRET`, `_PASSWORD` (this errs on the side of hiding:
 * `KRISHIV_TLS_KEY`, a path, is shown as a fingerprint too).
 */
export function isPrintEnvSecret(name: string): boolean {
  return isSecretName(name) || PRINT_ENV_SUFFIX.test(name);
}

// ── Did you mean ─────────────────────────────────────────────────────────────────────

/** The names a suggestion may give (no deprecated alias): built on the first near miss, not at every start. */
let candidates: readonly string[] | undefined;

/**
 * The registry name closest to `name` when it is a likely misspelling (edit distance 1-2,
 * or 3 for names of 24+ characters), else undefined. Known names get no suggestion.
 */
export function suggestFlag(name: string): string | undefined {
  if (BY_NAME.has(name)) return undefined;
  const upper = name.toUpperCase();
  const limit = name.length >= 24 ? 3 : name.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = Infinity;
  candidates ??= [...BY_NAME.keys()].filter((n) => deprecatedAliasOf(n) === undefined);
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const d = distance(upper, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
