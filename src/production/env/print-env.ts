/**
 * `--print-env`: the environment the engine would see after reading and merging the files
 * (and --process-env), like `docker compose config`. Pure rendering.
 * - Order: `EnvSet.vars` order (first declaration across the files, then --process-env names).
 * - Secret values (`hidesValue`: the contract's rule, and every name the registry does not
 *   know) are shown as their engine fingerprint; an empty one stays empty (nothing to hide,
 *   and an empty secret is worth seeing). URL passwords in the values shown are masked.
 * - Text form: `NAME=value` (contract), double-quoted with dotenvy's escapes (`\\`, `\"`, `\$`,
 *   `\n`) only when a bare value would not read back the same, so the output reads back
 *   through the same parser to the same values. Names that a
 *   dotenv file cannot declare (possible only from --process-env) become a comment.
 */
import { engineFingerprint } from '../../util/fingerprint.js';
import { redactUrlPasswords } from '../../util/secret.js';
import { maskSwallowedSecrets } from '../assumptions.js';
import { flagInfo, isPrintEnvSecret } from '../registry.js';
import type { EnvSet, EnvVar } from '../types.js';

export interface PrintedVar {
  name: string;
  /** the value the engine sees, or its fingerprint for a secret */
  value: string;
  /** true when `value` is a fingerprint */
  secret: boolean;
  /** null for --process-env values */
  file: string | null;
  line: number | null;
}

export interface PrintEnvJson {
  vars: PrintedVar[];
}

const DOTENV_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Process-environment names that never hold a secret, shown although the registry does not know them. */
const PLAIN_PROCESS_NAMES = new Set([
  'HOME',
  'PATH',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'TZ',
  'TERM',
  'HOSTNAME',
  'NO_COLOR',
  'RUST_LOG',
  'RUST_BACKTRACE',
]);

/**
 * Whether --print-env hides a value behind its fingerprint. The contract's rule (a secret-kind
 * flag, or a name ending in _TOKEN, _TOKENS, _KEY, _KEYS, _SECRET, _PASSWORD), and, erring on
 * the side of hiding, every name the registry does not declare: `DB_PASS`, `PGPASSWORD`,
 * `SECRET_KEY_BASE`, a misspelt `KRISHIV_COORDNATOR_BEARER_TOKEN` or a pass-through
 * `KRISHIV_ICEBERG_REST_CREDENTIAL` may each hold a secret that no suffix rule catches. A
 * short list of standard process names stays visible.
 */
export function hidesValue(name: string): boolean {
  if (isPrintEnvSecret(name)) return true;
  const info = flagInfo(name);
  if (info !== undefined && info.passThrough !== true) return false;
  return !PLAIN_PROCESS_NAMES.has(name);
}

function shown(v: EnvVar): PrintedVar {
  const secret = hidesValue(v.name) && v.value !== '';
  return {
    name: v.name,
    // A value shown in plain still loses a URL password (`https://user:pw@host`).
    // … and a secret another value swallowed after a misplaced quote (`KRISHIV_UI="off\nKRISHIV_UI_TOKEN=…`).
    value: secret ? engineFingerprint(v.value) : maskSwallowedSecrets(redactUrlPasswords(v.value)),
    secret,
    file: v.origin.file ?? null,
    line: v.line ?? null,
  };
}

/** The JSON form: `{vars: [{name, value, secret, file, line}]}`. */
export function printEnvJson(env: EnvSet): PrintEnvJson {
  return { vars: [...env.vars.values()].map(shown) };
}

/** Quotes a value so dotenvy 0.15.7 reads it back unchanged. */
export function quoteDotenvValue(value: string): string {
  let out = '"';
  for (const c of value) {
    if (c === '\\' || c === '"' || c === '$') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else out += c;
  }
  return `${out}"`;
}

/**
 * A value dotenvy reads back exactly as written, unquoted: printable ASCII without blanks,
 * quotes, backslashes or `$`, not starting with `#` (the shape of dotenv.ts's SIMPLE_LINE).
 */
const PLAIN_VALUE = /^(?:[!%&(-[\]-~][!#%&(-[\]-~]*)?$/;

/** `value` as written after `NAME=`: bare when that reads back unchanged, else double-quoted. */
export function dotenvValue(value: string): string {
  return PLAIN_VALUE.test(value) ? value : quoteDotenvValue(value);
}

/** The text form: one `NAME=value` line per variable (quoted only where dotenv needs it), ending in a newline. */
export function printEnvText(env: EnvSet): string {
  const lines: string[] = [];
  for (const v of printEnvJson(env).vars) {
    if (!DOTENV_NAME.test(v.name)) {
      lines.push(`# ${JSON.stringify(v.name)} cannot be written as a dotenv name (from the process environment)`);
      continue;
    }
    lines.push(`${v.name}=${dotenvValue(v.value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
