/**
 * Hygiene checks: secrets that are
 * placeholders, weak, reused or committed; templates never rendered; token-file modes;
 * quoting that changes a boolean; the engine's own env validation (ENV-*); and the engine
 * traps of the ENG-* family. Class HYGIENE; status per the contract table. Secret values are
 * looked at here and never leave: messages name variables and entry numbers only.
 */
import { rustTrim } from '../../engine/text.js';
import { fileWhy, finding, type CheckContext } from './context.js';
import { COORDINATOR_TOKEN_SOURCES } from '../../engine/readers.js';
import {
  asciiLower,
  clientFlightKey,
  colocatedFlight,
  executorShuffleToken,
  resolveUiAuth,
  shuffleSvcToken,
  uiEnabled,
  filePathOf,
  headerSafe,
  isFalsy,
  isTruthy,
  parseApiKeys,
  parseU64,
  splitTokenList,
  trimmed,
  type FileState,
} from '../model.js';
import { envIssues, flagInfo, isPrintEnvSecret, KIND_EXCEPTIONS, suggestFlag } from '../registry.js';
import type { Finding } from '../types.js';
import { operatorServes, type Check } from './common.js';
import { ALL, COORD, TASK } from './constants.js';
import { group, type CheckDef } from './define.js';
import { runKeyChecks } from './keys.js';
import { TOKEN_PURPOSE as GROUPS } from '../token-purpose.js';
import { indexVars } from '../var-index.js';
import { logsPrinted } from './printed.js';
import { engineLog } from '../engine-sources.js';

/**
 * What the engine logs for an environment issue: one warning whose message is `environment flag issue`, the issue's
 * Display in its `issue` field (crates/krishiv-common/src/env_registry.rs:1571-1574), written as engineLog writes a log line.
 */
const envIssueLog = (issue: string): string => engineLog('environment flag issue', { issue });
/**
 * The processes that log environment issues: the coordinator, clusterd, the executor, the Flight SQL server and the
 * operator call log_env_issues at start (crates/krishiv-scheduler/src/coordinator_daemon.rs:1534, 1625;
 * crates/krishiv-executor/src/cli.rs:51; crates/krishiv-flight-sql/src/service.rs:1418; crates/krishiv-operator/src/main.rs:123);
 * the shuffle service and the clients never do. Whether the log is printed at all is printed.ts's logsPrinted.
 */
const LOGS_ENV_ISSUES: ReadonlySet<string> = new Set(['cluster', 'coordinator', 'executor', 'flight-server', 'operator']);
const envIssue = (ctx: CheckContext, issue: string): { engineMessage?: string } =>
  LOGS_ENV_ISSUES.has(ctx.role) && logsPrinted(ctx.role) ? { engineMessage: envIssueLog(issue) } : {};

// ---- secret values --------------------------------------------------------------------

/** One secret value to judge: where it lives (variable, optional entry number) and the value. */
interface SecretItem {
  variable: string;
  /** "entry 2" of a list, "file content" of a token file */
  part?: string;
  value: string;
  /** role group for ENV-TOKEN-REUSE */
  group?: string;
}

const TOKEN_FILE_VARS = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
  'KRISHIV_UI_TOKEN_FILE',
  'KRISHIV_SHUFFLE_TOKEN_FILE',
];

function probeVar(ctx: CheckContext, name: string): { path: string; state: FileState } | undefined {
  const path = filePathOf(name, ctx.env.get(name));
  if (path === undefined) return undefined;
  return { path, state: ctx.files.probe(path) };
}

/** Every secret value in the env (and in token files read here), split into the items the engine uses. */
function secretItems(ctx: CheckContext): SecretItem[] {
  const items: SecretItem[] = [];
  for (const v of indexVars(ctx.vars).secret) {
    const name = v.name;
    const group = GROUPS[name];
    if (name === 'KRISHIV_API_KEYS') {
      const parsed = parseApiKeys(v.value);
      if (parsed.state !== 'unset') {
        for (const e of parsed.entries)
          if (e.key !== '') items.push({ variable: name, part: `entry ${e.index + 1}`, value: e.key, group: 'API key' });
      }
      continue;
    }
    if (name === 'KRISHIV_COORDINATOR_BEARER_TOKENS') {
      splitTokenList(v.value).forEach((t, i) => items.push({ variable: name, part: `entry ${i + 1}`, value: t, group: 'coordinator' }));
      continue;
    }
    const t = rustTrim(v.value);
    if (t === '') continue;
    const item: SecretItem = { variable: name, value: t };
    if (group !== undefined) item.group = group;
    items.push(item);
  }
  for (const name of TOKEN_FILE_VARS) {
    const p = probeVar(ctx, name);
    // a file that is not UTF-8 gives the engine no token at all (read_to_string fails: COORD-TOKEN-FILE-UNREADABLE)
    if (p?.state.state !== 'ok' || p.state.invalidUtf8) continue;
    const group = GROUPS[name]!;
    const values =
      name === 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE'
        ? splitTokenList(p.state.content)
        : [rustTrim(p.state.content)].filter((s) => s !== '');
    // A list file is split at commas as well as newlines, and knows no comments: `# rotated 2026, old`
    // is two accepted tokens (crates/krishiv-scheduler/src/auth.rs:216-220).
    values.forEach((value, i) => {
      const part =
        values.length === 1
          ? 'file content'
          : `file entry ${i + 1}${value.startsWith('#') ? ', a # line, which the engine reads as a token, not a comment' : ''}`;
      items.push({ variable: name, part, value, group });
    });
  }
  return items;
}

const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'password',
  'passwd',
  'token',
  'todo',
  'tbd',
  'fixme',
  'example',
  'placeholder',
  'replaceme',
  'replace-me',
  'replace_me',
  'dummy',
  'test',
  'testing',
  'default',
  'admin',
  'none',
  'null',
  'undefined',
  'key',
  'apikey',
  'api-key',
  'mysecret',
  'my-secret',
  'secret123',
  'password123',
]);
/** values from the product docs and the engine's own dev manifests */
const DOCS_VALUES = new Set(['key1', 'key2', 'key3', 'krishiv-dev-token', 'krishiv-prod', 'super-secret-token-value', 'coord-secret']);
const PLACEHOLDER_PARTS = [
  'changeme',
  'change-me',
  'change_me',
  'replace-me',
  'replace_me',
  'replaceme',
  'placeholder',
  'example',
  'todo',
  'fixme',
  'your-',
  'your_',
  'insert-',
  'dummy',
];

/** A line terminator: what a regular expression's `.` does not match. */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * Two or more of one character (what `/^(.)\1+$/` says, in a loop: that regex's backtracking
 * overflowed the stack on a 4 MB value).
 */
function isOneRepeatedChar(v: string): boolean {
  if (v.length < 2) return false;
  const first = v.charCodeAt(0);
  if (isLineTerminator(first)) return false;
  for (let i = 1; i < v.length; i++) if (v.charCodeAt(i) !== first) return false;
  return true;
}

/** No line terminator in `v` between `from` and `to`. */
function noLineBreak(v: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isLineTerminator(v.charCodeAt(i))) return false;
  return true;
}

/** `/^<.*>$/` or `/^\{\{.*\}\}$/`: a template marker. */
function isTemplateMarker(v: string): boolean {
  const n = v.length;
  if (n >= 2 && v[0] === '<' && v[n - 1] === '>') return noLineBreak(v, 1, n - 1);
  if (n >= 4 && v.startsWith('{{') && v.endsWith('}}')) return noLineBreak(v, 2, n - 2);
  return false;
}

/** `/^x{3,}$/i`: three or more of x or X. */
function isXs(v: string): boolean {
  if (v.length < 3) return false;
  for (let i = 0; i < v.length; i++) if ((v.charCodeAt(i) | 0x20) !== 0x78) return false;
  return true;
}

/**
 * Why a secret value looks like a placeholder, or undefined. (Loops, not regular expressions:
 * these run on every secret at every start, and each expression is compiled at its first use.)
 */
export function placeholderReason(value: string): string | undefined {
  const v = rustTrim(value);
  const lower = asciiLower(v);
  if (isTemplateMarker(v)) return 'a <…> / {{…}} template marker';
  if (v.includes('...') || v.includes('…')) return 'an ellipsis (…)';
  if (isXs(v) || isOneRepeatedChar(v)) return 'one repeated character';
  // the value itself is never quoted (contract: secret values never appear)
  if (DOCS_VALUES.has(lower)) return "a value copied from the product docs or the engine's dev manifests";
  if (PLACEHOLDER_WORDS.has(lower)) return 'a common placeholder word';
  const part = PLACEHOLDER_PARTS.find((p) => lower.includes(p));
  if (part !== undefined) return `it contains "${part}"`;
  return undefined;
}

/**
 * Estimated entropy in bits: the smaller of length × log2(alphabet of the character classes
 * used) and length × the empirical Shannon entropy per character. The second term catches
 * repetition (`abababab…`); the first caps short strings drawn from a small alphabet.
 */
export function estimateEntropyBits(value: string): number {
  const ascii = isAscii(value);
  // code points: a non-ASCII value is split into them (an ASCII one is its code units)
  const chars = ascii ? undefined : [...value];
  const n = chars === undefined ? value.length : chars.length;
  if (n === 0) return 0;
  // the character classes used, in one pass: lower, upper, digit, other; letters past f / F
  let lower = false;
  let upper = false;
  let digit = false;
  let other = false;
  let pastF = false;
  let pastUpperF = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) {
      lower = true;
      if (c > 0x66) pastF = true;
    } else if (c >= 0x41 && c <= 0x5a) {
      upper = true;
      if (c > 0x46) pastUpperF = true;
    } else if (c >= 0x30 && c <= 0x39) digit = true;
    else other = true;
  }
  let alphabet = 0;
  // all hexadecimal in one case (`/^[0-9a-f]+$/` or `/^[0-9A-F]+$/`)
  if (!other && ((!upper && !pastF) || (!lower && !pastUpperF))) alphabet = 16;
  else alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
  let shannon = 0;
  if (chars === undefined) {
    // an ASCII value counted in a table, summed in the order the characters first appear (as the
    // Map below iterates: the same sum, bit for bit); no array or Map per value (a manifest run
    // weighs every secret-named value of every container)
    const counts = ASCII_COUNTS;
    const order = ASCII_ORDER;
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      const k = counts[c]!;
      if (k === 0) order[distinct++] = c;
      counts[c] = k + 1;
    }
    for (let j = 0; j < distinct; j++) {
      const c = order[j]!;
      const p = counts[c]! / n;
      counts[c] = 0;
      shannon -= p * Math.log2(p);
    }
  } else {
    const counts = new Map<string, number>();
    for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
    for (const k of counts.values()) {
      const p = k / n;
      shannon -= p * Math.log2(p);
    }
  }
  return Math.min(n * Math.log2(Math.max(alphabet, 2)), n * shannon);
}

/** estimateEntropyBits' tables for an ASCII value (left all zero after each use). */
const ASCII_COUNTS = new Int32Array(128);
const ASCII_ORDER = new Uint8Array(128);

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Length in code points (`[...value].length`) without the array. */
function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** What check-production's HYG-PLACEHOLDER-SECRET and HYG-WEAK-SECRET say about one secret value. */
export interface SecretWeakness {
  check: 'HYG-PLACEHOLDER-SECRET' | 'HYG-WEAK-SECRET';
  status: 'fail' | 'warn';
  /** says why without quoting the value: `is a placeholder: a common placeholder word` */
  reason: string;
}

/**
 * The placeholder and weak-secret rules for one value (used by check-production and by
 * `rotate begin --new-token-file`): a placeholder fails; under 16 characters or 64 bits of
 * estimated entropy fails; under 32 characters warns. Undefined for a strong value.
 */
export function secretWeakness(value: string): SecretWeakness | undefined {
  const placeholder = placeholderReason(value);
  if (placeholder !== undefined) return { check: 'HYG-PLACEHOLDER-SECRET', status: 'fail', reason: `is a placeholder: ${placeholder}` };
  const len = codePointLength(value);
  const bits = Math.round(estimateEntropyBits(value));
  if (len < 16 || bits < 64) {
    return {
      check: 'HYG-WEAK-SECRET',
      status: 'fail',
      reason: `is weak: ${len} character${len === 1 ? '' : 's'}, about ${bits} bits of estimated entropy (need ≥ 16 characters and ≥ 64 bits)`,
    };
  }
  if (len < 32)
    return {
      check: 'HYG-WEAK-SECRET',
      status: 'warn',
      reason: `is short: ${len} character${len === 1 ? '' : 's'} (about ${bits} bits); 32 or more is recommended`,
    };
  return undefined;
}

function label(item: SecretItem): string {
  return item.part ? `${item.variable} (${item.part})` : item.variable;
}

function secretChecks(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const items = secretItems(ctx);
  const placeholders: Finding[] = [];
  const weak: Finding[] = [];
  for (const item of items) {
    const weakness = secretWeakness(item.value);
    if (weakness === undefined) continue;
    (weakness.check === 'HYG-PLACEHOLDER-SECRET' ? placeholders : weak).push(
      finding(ctx, weakness.check, weakness.status, `${label(item)} ${weakness.reason}`, [item.variable]),
    );
  }
  out.push(
    ...(placeholders.length
      ? placeholders
      : [
          finding(
            ctx,
            'HYG-PLACEHOLDER-SECRET',
            'pass',
            items.length ? `${items.length} secret value(s) checked: none is a placeholder` : 'no secret values set',
            [],
          ),
        ]),
  );
  out.push(
    ...(weak.length
      ? weak
      : [
          finding(
            ctx,
            'HYG-WEAK-SECRET',
            'pass',
            items.length ? `${items.length} secret value(s) checked: all ≥ 32 characters and ≥ 64 bits` : 'no secret values set',
            [],
          ),
        ]),
  );

  // ENV-TOKEN-REUSE: the same value in two role groups.
  const byValue = new Map<string, SecretItem[]>();
  for (const item of items) {
    if (item.group === undefined) continue;
    const list = byValue.get(item.value) ?? [];
    list.push(item);
    byValue.set(item.value, list);
  }
  const reuse: Finding[] = [];
  for (const list of byValue.values()) {
    const groups = [...new Set(list.map((i) => i.group!))];
    if (groups.length < 2) continue;
    const vars = [...new Set(list.map((i) => i.variable))];
    reuse.push(
      finding(ctx, 'ENV-TOKEN-REUSE', 'warn', `one secret value is used for ${groups.join(' and ')} (${list.map(label).join(', ')})`, vars),
    );
  }
  out.push(...(reuse.length ? reuse : [finding(ctx, 'ENV-TOKEN-REUSE', 'pass', 'no secret value is shared between roles', [])]));

  // ENV-SECRET-IN-MANIFEST: a literal secret written in an env file.
  const literal: Finding[] = [];
  for (const v of indexVars(ctx.vars).secret) {
    const name = v.name;
    if (v.origin.source !== 'file' || rustTrim(v.value) === '') continue;
    const fromRefs = v.references.length > 0 && v.references.every((r) => ctx.vars.get(r)?.origin.source === 'process-env');
    if (fromRefs) continue;
    literal.push(
      finding(
        ctx,
        'ENV-SECRET-IN-MANIFEST',
        'warn',
        `${name} is written literally in ${v.origin.file}: anyone who can read the file (or the repository) has it`,
        [name],
      ),
    );
  }
  out.push(
    ...(literal.length ? literal : [finding(ctx, 'ENV-SECRET-IN-MANIFEST', 'pass', 'no secret is written literally in an env file', [])]),
  );
  return out;
}

// ---- templates, quoting, files --------------------------------------------------------

function unexpanded(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  // Only the winning declarations: what the engine sees.
  for (const v of indexVars(ctx.vars).unresolved) {
    // A name declared only after the reference (later in the file, or in a later file) is not
    // "defined nowhere", but the engine substitutes "" all the same: say which case it is.
    const nowhere = v.unresolved.filter((r) => !ctx.vars.has(r));
    const later = v.unresolved.filter((r) => ctx.vars.has(r));
    const parts: string[] = [];
    // In a secret's value a `$` reference is most often part of the secret itself (a generated
    // password with a `$` in it, unquoted): its name is not shown, unless it is a template's
    // (`${NAME}`, or the whole value `$NAME`) with a name in one case (`UI_TOKEN`, `ui_token`),
    // which a random secret's letters are not.
    const bare = rustTrim(v.raw).replace(/^(["'])(.*)\1$/, '$2');
    const partOfSecret = (r: string): boolean =>
      isPrintEnvSecret(v.name) &&
      (v.raw.includes(`$${r}`) || v.raw.includes(`\${${r}`)) &&
      !((v.raw.includes(`\${${r}}`) || bare === `$${r}`) && (/^[A-Z_][A-Z0-9_]*$/.test(r) || /^[a-z_][a-z0-9_]*$/.test(r)));
    const hidden = nowhere.filter(partOfSecret);
    const named = nowhere.filter((r) => !partOfSecret(r)).map((r) => `$${r}`);
    if (hidden.length > 0)
      named.push(
        `${hidden.length === 1 ? 'a $ reference' : `${hidden.length} $ references`} (name not shown: in a secret's value it may be part of the secret; single-quote a value whose $ is literal)`,
      );
    if (nowhere.length > 0)
      parts.push(
        `${named.join(', ')}, defined nowhere${ctx.processEnv ? '' : ' (without --process-env the files are the whole environment)'}`,
      );
    if (later.length > 0) {
      const where = (r: string): string => {
        const d = ctx.vars.get(r);
        return d?.origin.file !== undefined ? ` (${d.origin.file}${d.line !== undefined ? `:${d.line}` : ''})` : '';
      };
      parts.push(
        `${later.map((r) => `$${r}${where(r)}`).join(', ')}, declared only after this line is read (dotenv substitutes what is defined so far)`,
      );
    }
    out.push(
      finding(ctx, 'HYG-UNEXPANDED-VAR', 'fail', `${v.name} refers to ${parts.join('; and to ')}: the engine substitutes an empty string`, [
        v.name,
      ]),
    );
  }
  return out.length ? out : [finding(ctx, 'HYG-UNEXPANDED-VAR', 'pass', 'every $VAR reference is defined', [])];
}

function quotedBooleans(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const v of indexVars(ctx.vars).krishiv) {
    const name = v.name;
    if (v.quoting === 'none' || v.origin.source !== 'file') continue;
    const kind = flagInfo(name)?.kind;
    if (kind !== 'bool' && name !== 'KRISHIV_MCP_ALLOW_WRITE_SQL') continue;
    // Only when the two readings differ: `"0"` and `"false"` mean false either way.
    // (`docker run --env-file` keeps the text as written, v.raw; dotenv/Compose give v.value.)
    const means = (text: string): boolean => (name === 'KRISHIV_UI' ? asciiLower(text) === 'off' : isTruthy(text));
    if (means(v.value) === means(v.raw)) continue;
    out.push(
      finding(
        ctx,
        'HYG-QUOTED-BOOLEAN',
        'warn',
        `${name} is ${v.quoting}-quoted: dotenv and Compose strip the quotes, \`docker run --env-file\` keeps them and the engine then reads ${name === 'KRISHIV_UI' ? 'a value that is not "off"' : 'false'}`,
        [name],
      ),
    );
  }
  return out.length ? out : [finding(ctx, 'HYG-QUOTED-BOOLEAN', 'pass', 'no boolean flag is quoted', [])];
}

const SECRET_FILE_VARS = [...TOKEN_FILE_VARS, 'KRISHIV_TLS_KEY'];

function fileModes(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  let any = false;
  for (const name of SECRET_FILE_VARS) {
    const p = probeVar(ctx, name);
    if (!p) continue;
    any = true;
    const s = p.state;
    if (s.state === 'unchecked') {
      out.push(
        finding(
          ctx,
          'HYG-TOKEN-FILE-MODE',
          'skip',
          `not checked here: ${fileWhy(name, s, `the file of ${name} does not exist on this machine`)}`,
          [name],
        ),
      );
      continue;
    }
    if (s.state === 'missing') {
      // --require-files: this is the target host; what a missing file does is the engine checks' finding
      const gone = fileWhy(name, s, `the file of ${name} does not exist (--require-files)`);
      out.push(finding(ctx, 'HYG-TOKEN-FILE-MODE', 'skip', `${gone}: no mode to check`, [name]));
      continue;
    }
    const mode = s.state === 'ok' ? s.mode : s.mode;
    if (mode === undefined) {
      out.push(finding(ctx, 'HYG-TOKEN-FILE-MODE', 'skip', `the path of ${name} cannot be read as a file: no file mode to check`, [name]));
      continue;
    }
    const m = `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
    const fix = s.state === 'ok' && s.remedy !== undefined ? { remediation: s.remedy } : {};
    if (mode & 0o004)
      out.push(finding(ctx, 'HYG-TOKEN-FILE-MODE', 'fail', `the file of ${name} is world-readable (mode ${m})`, [name], fix));
    else if (mode & 0o040)
      out.push(finding(ctx, 'HYG-TOKEN-FILE-MODE', 'warn', `the file of ${name} is group-readable (mode ${m})`, [name], fix));
    else out.push(finding(ctx, 'HYG-TOKEN-FILE-MODE', 'pass', `the file of ${name} is private (mode ${m})`, [name]));
  }
  return any ? out : [finding(ctx, 'HYG-TOKEN-FILE-MODE', 'pass', 'no token or key file is configured', [])];
}

// ---- engine env validation (ENV-UNKNOWN-FLAG, ENV-DEPRECATED-ALIAS, ENV-INVALID-VALUE) --

/** Names whose value problems other checks report with the code's own rule. */
const REPORTED_ELSEWHERE = new Set(['KRISHIV_UI', 'KRISHIV_DURABILITY_PROFILE']);
const DEAD_FLAGS: Record<string, string> = {
  KRISHIV_OIDC_JWKS_REFRESH_SECS: 'the JWKS is fetched once at start; IdP key rotation needs a coordinator restart',
  KRISHIV_OIDC_ISSUER: 'the engine never checks the issuer',
  KRISHIV_OTLP_ENDPOINT: 'the engine exports traces only to OTEL_EXPORTER_OTLP_ENDPOINT',
  KRISHIV_SERVICE_NAME: 'the engine never reads it',
};

function envValidation(ctx: CheckContext): Finding[] {
  const unknown: Finding[] = [];
  const deprecated: Finding[] = [];
  const invalid: Finding[] = [];
  for (const v of indexVars(ctx.vars).krishiv) {
    const name = v.name;
    for (const issue of envIssues(name, v.value)) {
      if (issue.kind === 'unknown') {
        if (Object.hasOwn(DEAD_FLAGS, name)) continue; // ENG-DEAD-FLAG explains these
        const s = suggestFlag(name);
        unknown.push(
          finding(
            ctx,
            'ENV-UNKNOWN-FLAG',
            'warn',
            `${name} is not a Krishiv flag${s ? `; did you mean ${s}?` : ''} (the engine ignores it)`,
            [name],
            {
              ...envIssue(ctx, issue.message),
              remediation: s
                ? `Rename it to ${s}.`
                : 'No Krishiv flag has a similar name: remove it, or check its spelling against the flags the engine knows.',
            },
          ),
        );
      } else if (issue.kind === 'deprecated') {
        deprecated.push(
          finding(
            ctx,
            'ENV-DEPRECATED-ALIAS',
            'warn',
            `${name} is a deprecated alias of ${issue.canonical}${ctx.vars.has(issue.canonical ?? '') ? ' (the canonical name is also set and wins when non-blank)' : ''}`,
            [name],
            envIssue(ctx, issue.message),
          ),
        );
      } else if (issue.kind === 'invalid' && !REPORTED_ELSEWHERE.has(name) && !Object.hasOwn(KIND_EXCEPTIONS, name)) {
        invalid.push(finding(ctx, 'ENV-INVALID-VALUE', 'warn', issue.message, [name], envIssue(ctx, issue.message)));
      }
    }
    // Where the registry's kind is wrong, the code's real rule decides (contract).
    if (Object.hasOwn(KIND_EXCEPTIONS, name) && !REPORTED_ELSEWHERE.has(name)) {
      const problem = KIND_EXCEPTIONS[name]!.check(v.value);
      if (problem !== undefined) invalid.push(finding(ctx, 'ENV-INVALID-VALUE', 'warn', problem, [name]));
    }
  }
  return [
    ...(unknown.length ? unknown : [finding(ctx, 'ENV-UNKNOWN-FLAG', 'pass', 'every KRISHIV_* name is in the engine registry', [])]),
    ...(deprecated.length ? deprecated : [finding(ctx, 'ENV-DEPRECATED-ALIAS', 'pass', 'no deprecated alias is set', [])]),
    ...(invalid.length ? invalid : [finding(ctx, 'ENV-INVALID-VALUE', 'pass', 'every value parses as its kind', [])]),
  ];
}

// ---- ENG-* ------------------------------------------------------------------------------

function apiKeyEntries(ctx: CheckContext): Finding[] {
  const K = 'KRISHIV_API_KEYS';
  const parsed = parseApiKeys(ctx.env.get(K));
  if (parsed.state === 'unset') return [finding(ctx, 'ENG-API-KEY-ENTRY', 'pass', `${K} is unset`, [K])];
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  // Every key empty: the Flight server installs auth that no bearer can pass (an empty bearer
  // counts as missing, crates/krishiv-common/src/auth_util.rs:20-25; service.rs:320-329), so a
  // Flight SQL server this process runs rejects every call.
  const flightRuns = ctx.role === 'flight-server' || (ctx.hasCoordinator && colocatedFlight(ctx.env, ctx.cli));
  const noUsableKey = parsed.state === 'ok' && parsed.entries.every((e) => e.key === '');
  for (const e of parsed.entries) {
    const n = e.index + 1;
    if (e.key === '')
      out.push(
        finding(
          ctx,
          'ENG-API-KEY-ENTRY',
          'fail',
          `${K} entry ${n} has an empty key: it can never match (an empty bearer counts as missing)${noUsableKey && flightRuns ? '; no entry has a key, so Flight SQL rejects every call (UNAUTHENTICATED)' : ''}`,
          [K],
          noUsableKey && flightRuns ? { class: 'DENY', engineMessage: 'missing Bearer token' } : {},
        ),
      );
    else if (e.subject.startsWith('='))
      out.push(
        finding(
          ctx,
          'ENG-API-KEY-ENTRY',
          'fail',
          `${K} entry ${n}: the key contains "=" (base64 padding?): the engine splits at the first "=", so the key it stores is cut short and the subject starts with "="`,
          [K],
        ),
      );
    else if (e.subject === '')
      out.push(
        finding(
          ctx,
          'ENG-API-KEY-ENTRY',
          'fail',
          `${K} entry ${n} has an empty subject (like the product docs' "key3="; a key ending in "=" padding reads the same way): the Flight principal is ""`,
          [K],
        ),
      );
    const prev = seen.get(e.key);
    if (prev !== undefined && e.key !== '')
      out.push(
        finding(ctx, 'ENG-API-KEY-ENTRY', 'fail', `${K} entries ${prev} and ${n} have the same key: the last one wins silently`, [K]),
      );
    seen.set(e.key, n);
  }
  return out.length ? out : [finding(ctx, 'ENG-API-KEY-ENTRY', 'pass', `${K}: every entry has a key and a subject, no duplicates`, [K])];
}

function engTraps(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const coord = ctx.hasCoordinator;
  // ENG-CA-CERT-SERVER
  if (coord) {
    const ca = ctx.env.get('KRISHIV_CA_CERT');
    if (ca === undefined || ca === '')
      out.push(finding(ctx, 'ENG-CA-CERT-SERVER', 'pass', 'KRISHIV_CA_CERT is not set on the coordinator', ['KRISHIV_CA_CERT']));
    else {
      const tls = ctx.env.has('KRISHIV_TLS_CERT') && ctx.env.has('KRISHIV_TLS_KEY');
      if (tls) {
        out.push(
          finding(
            ctx,
            'ENG-CA-CERT-SERVER',
            'fail',
            'KRISHIV_CA_CERT with server TLS on the coordinator: client certificates become mandatory, and executors present none, so they fail at the TLS handshake',
            ['KRISHIV_CA_CERT', 'KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY'],
          ),
        );
      } else if (ctx.role === 'cluster') {
        out.push(
          finding(
            ctx,
            'ENG-CA-CERT-SERVER',
            'fail',
            'KRISHIV_CA_CERT in a cluster env without server TLS: executors of this env switch to TLS toward a coordinator that serves plaintext (and with TLS on, the coordinator would demand client certificates they do not have)',
            ['KRISHIV_CA_CERT', 'KRISHIV_TLS_CERT'],
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'ENG-CA-CERT-SERVER',
            'pass',
            'KRISHIV_CA_CERT is ignored by a coordinator without server TLS (it would make client certificates mandatory once TLS is on)',
            ['KRISHIV_CA_CERT'],
          ),
        );
      }
    }
  }
  // ENG-TOKEN-FILE-MULTILINE
  if (coord || ctx.role === 'operator') {
    const F = 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE';
    const p = probeVar(ctx, F);
    if (!p) out.push(finding(ctx, 'ENG-TOKEN-FILE-MULTILINE', 'pass', `${F} is not set`, [F]));
    else if (p.state.state === 'ok' && p.state.invalidUtf8) {
      // read_to_string refuses the file before any token is read (crates/krishiv-scheduler/src/auth.rs:243-245): no lines to count
      out.push(
        finding(
          ctx,
          'ENG-TOKEN-FILE-MULTILINE',
          'skip',
          `the file of ${F} is not UTF-8: the engine cannot read it at all (COORD-TOKEN-FILE-UNREADABLE), so it holds no token to check`,
          [F],
        ),
      );
    } else if (p.state.state === 'ok') {
      const lines = rustTrim(p.state.content).split('\n').length;
      out.push(
        lines > 1
          ? finding(
              ctx,
              'ENG-TOKEN-FILE-MULTILINE',
              'fail',
              `the file of ${F} holds ${lines} lines: the engine reads them as one token containing newlines, which never matches`,
              [F],
            )
          : finding(ctx, 'ENG-TOKEN-FILE-MULTILINE', 'pass', `the file of ${F} holds one line`, [F]),
      );
    } else if (p.state.state === 'missing') {
      out.push(
        finding(
          ctx,
          'ENG-TOKEN-FILE-MULTILINE',
          'skip',
          `${fileWhy(F, p.state, `the file of ${F} does not exist (--require-files)`)}: no content to check`,
          [F],
        ),
      );
    } else
      out.push(
        finding(
          ctx,
          'ENG-TOKEN-FILE-MULTILINE',
          'skip',
          `not checked here: ${fileWhy(F, p.state, `the file of ${F} ${p.state.state === 'unchecked' ? 'does not exist on this machine' : 'cannot be read'}`)}`,
          [F],
        ),
      );
  }
  // ENG-SHUFFLE-RELOAD-ZERO
  if (ctx.role === 'shuffle-svc') {
    const R = 'KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS';
    const raw = ctx.env.get(R);
    const zero = raw !== undefined && parseU64(raw) === 0n;
    // the reload task is spawned whenever the variable is set, even to "" (crates/krishiv-shuffle/src/shuffle_svc.rs:159-183)
    const fileSet = ctx.env.has('KRISHIV_SHUFFLE_TOKEN_FILE');
    if (!zero)
      out.push(
        finding(
          ctx,
          'ENG-SHUFFLE-RELOAD-ZERO',
          'pass',
          raw === undefined ? `${R} unset (the code default is 60, not the documented 30)` : `${R} is not 0`,
          [R],
        ),
      );
    else
      out.push(
        finding(
          ctx,
          'ENG-SHUFFLE-RELOAD-ZERO',
          fileSet ? 'fail' : 'warn',
          fileSet
            ? `${R}=0 with KRISHIV_SHUFFLE_TOKEN_FILE set: the token reload task panics (zero tokio interval), so the file is never re-read`
            : `${R}=0: the reload task would panic as soon as KRISHIV_SHUFFLE_TOKEN_FILE is set`,
          [R, 'KRISHIV_SHUFFLE_TOKEN_FILE'],
        ),
      );
  }
  // ENG-UI-OFF-SPELLING
  if (coord) {
    const ui = ctx.env.get('KRISHIV_UI');
    if (ui !== undefined && asciiLower(ui) !== 'off' && isFalsy(ui)) {
      out.push(
        finding(
          ctx,
          'ENG-UI-OFF-SPELLING',
          'warn',
          `KRISHIV_UI=${JSON.stringify(ui)} does not disable the UI: only the exact value "off" (any case, no spaces) does`,
          ['KRISHIV_UI'],
        ),
      );
    } else
      out.push(
        finding(
          ctx,
          'ENG-UI-OFF-SPELLING',
          'pass',
          ui === undefined ? 'KRISHIV_UI unset (UI on)' : `KRISHIV_UI means ${asciiLower(ui) === 'off' ? 'off' : 'on'}`,
          ['KRISHIV_UI'],
        ),
      );
  }
  // ENG-DEAD-FLAG
  const dead = Object.keys(DEAD_FLAGS).filter((n) => ctx.vars.has(n));
  if (dead.length === 0) out.push(finding(ctx, 'ENG-DEAD-FLAG', 'pass', 'no dead documented flag is set', []));
  for (const n of dead)
    out.push(
      finding(
        ctx,
        'ENG-DEAD-FLAG',
        'warn',
        `${n} is documented but never read: ${DEAD_FLAGS[n]}`,
        [n],
        envIssue(ctx, `unrecognized environment flag ${n} (not in the KRISHIV_* registry; typo?)`),
      ),
    );
  // ENG-MCP-HTTP
  const mcp = trimmed(ctx.env.get('KRISHIV_MCP_TRANSPORT'));
  if (mcp !== undefined && /http|sse/.test(asciiLower(mcp))) {
    out.push(
      finding(
        ctx,
        'ENG-MCP-HTTP',
        'warn',
        `KRISHIV_MCP_TRANSPORT=${mcp}: the MCP HTTP transport has no authentication${ctx.env.get('KRISHIV_MCP_ALLOW_WRITE_SQL') !== undefined && /^(1|true|yes|on)$/i.test(rustTrim(ctx.env.get('KRISHIV_MCP_ALLOW_WRITE_SQL')!)) ? ', and KRISHIV_MCP_ALLOW_WRITE_SQL lets it write' : ''}`,
        ['KRISHIV_MCP_TRANSPORT', 'KRISHIV_MCP_ADDR'],
      ),
    );
  } else out.push(finding(ctx, 'ENG-MCP-HTTP', 'pass', 'MCP does not use the HTTP transport', ['KRISHIV_MCP_TRANSPORT']));
  // ENG-DOTENV-IN-CWD
  if (ctx.processEnv) {
    // krishiv-operator is a binary of its own, which never loads a .env; only the krishiv binary does
    // (crates/krishiv/src/main.rs:31-36 and 145-158; crates/krishiv-operator/src/main.rs:103-125)
    if (ctx.role === 'operator')
      out.push(finding(ctx, 'ENG-DOTENV-IN-CWD', 'pass', 'krishiv-operator is a binary of its own and loads no .env', []));
    else if (ctx.dotenvInCwd !== undefined) {
      const f = finding(
        ctx,
        'ENG-DOTENV-IN-CWD',
        'warn',
        `${ctx.dotenvInCwd} would also be loaded by the krishiv binary started here (it fills in every variable the environment does not set)`,
        [],
      );
      f.location = { file: ctx.dotenvInCwd };
      out.push(f);
    } else out.push(finding(ctx, 'ENG-DOTENV-IN-CWD', 'pass', 'no .env in the working directory or its parents', []));
  }
  return out;
}

/** The text of a token file the engine reads whole, when it was read here (undefined: not read, or not UTF-8). */
function tokenFileText(ctx: CheckContext, name: string): string | undefined {
  const path = filePathOf(name, ctx.env.get(name));
  const f = path === undefined ? undefined : ctx.files.probe(path);
  return f?.state === 'ok' && !f.invalidUtf8 ? f.content : undefined;
}

/**
 * Every token a role's processes accept or send in an authorization header, by the variable it
 * comes from, read as the engine reads it and only where the engine reads it:
 * - coordinator gRPC and HTTP (the operator's too, when it serves): every static source, trimmed,
 *   lists split, unless reading one fails, when none is used (crates/krishiv-scheduler/src/auth.rs:236-291);
 * - what executors and clients send the coordinator: KRISHIV_COORDINATOR_BEARER_TOKEN, trimmed
 *   (crates/krishiv-executor/src/grpc_client.rs:101-118, crates/krishiv/src/remote_client.rs:194-212);
 * - the task token the coordinator and the operator's coordinator send and executors accept and send
 *   each other, trimmed (crates/krishiv-scheduler/src/coordinator/task_assignment.rs:52-71,
 *   crates/krishiv-executor/src/grpc.rs:151-158, crates/krishiv-executor/src/stream_exchange.rs:162-169);
 * - the UI token in use, KRISHIV_UI_TOKEN before the file (crates/krishiv-ui/src/router.rs:24-62), on the
 *   coordinator unless KRISHIV_UI=off and on the operator's --status-addr UI
 *   (crates/krishiv-operator/src/main.rs:227-233);
 * - the keys a Flight SQL server accepts, when KRISHIV_API_KEYS parses (crates/krishiv-flight-sql/src/service.rs:1363-1391),
 *   standalone or co-located, and the one key a Flight client sends (crates/krishiv-runtime/src/flight_client.rs:103-127);
 * - the shuffle token the executor sends and its Flight server checks, trimmed, the variable before the
 *   file (crates/krishiv-shuffle/src/token_auth.rs:25-41), and shuffle-svc's own, the variable raw
 *   before the file trimmed (crates/krishiv-shuffle/src/shuffle_svc.rs:110-124, 159-183).
 */
function headerTokens(ctx: CheckContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, tokens: Array<string | undefined>): void => {
    const list = tokens.filter((t): t is string => t !== undefined && t !== '');
    if (list.length > 0 && !out.has(name)) out.set(name, list);
  };
  const { env, role } = ctx;
  const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
  if ((ctx.hasCoordinator || (role === 'operator' && operatorServes(ctx))) && ctx.tokens.error === undefined) {
    for (const source of COORDINATOR_TOKEN_SOURCES) {
      const value = trimmed(env.get(source.name));
      if (value === undefined) continue;
      const text = source.file ? tokenFileText(ctx, source.name) : value;
      if (text !== undefined) add(source.name, source.list ? splitTokenList(text) : [rustTrim(text)]);
    }
  }
  if (ctx.hasExecutor || role === 'client' || role === 'client-http') add(C, [trimmed(env.get(C))]);
  if (ctx.hasCoordinator || ctx.hasExecutor || role === 'operator') add(TASK, [trimmed(env.get(TASK))]);
  const ui =
    (ctx.hasCoordinator && uiEnabled(env)) || (role === 'operator' && (ctx.cli.refusals === undefined || ctx.cli.statusAddr !== undefined));
  if (ui) {
    const auth = resolveUiAuth(env, ctx.files, ctx.pEnv.profile);
    if (auth.mode === 'token' && auth.assumed !== true) {
      const text = auth.source === 'KRISHIV_UI_TOKEN' ? env.get(auth.source) : tokenFileText(ctx, auth.source);
      add(auth.source, [text === undefined ? undefined : rustTrim(text)]);
    }
  }
  if (role === 'flight-server' || (ctx.hasCoordinator && colocatedFlight(env, ctx.cli))) {
    const keys = parseApiKeys(env.get('KRISHIV_API_KEYS'));
    if (keys.state === 'ok')
      add(
        'KRISHIV_API_KEYS',
        keys.entries.map((e) => e.key),
      );
  }
  if (role === 'client' || role === 'client-flight') {
    const key = clientFlightKey(env);
    if (key !== undefined) add(key.variable, [key.key]);
  }
  const shuffle = ctx.hasExecutor
    ? executorShuffleToken(env, ctx.files)
    : role === 'shuffle-svc'
      ? shuffleSvcToken(env, ctx.files)
      : undefined;
  if (shuffle?.source !== undefined && shuffle.assumed !== true) {
    const S = 'KRISHIV_SHUFFLE_TOKEN';
    const file = shuffle.source !== S ? tokenFileText(ctx, shuffle.source) : undefined;
    // shuffle-svc keeps its variable's value as it is; every other reading trims it
    const raw = shuffle.source === S ? env.get(S) : file;
    add(shuffle.source, [raw === undefined ? undefined : role === 'shuffle-svc' && shuffle.source === S ? raw : rustTrim(raw)]);
  }
  return out;
}

const tokenNotAscii: Check = (ctx) => {
  const tokens = headerTokens(ctx);
  const bad: string[] = [];
  for (const [name, list] of tokens) if (list.some((t) => !headerSafe(t))) bad.push(name);
  if (bad.length === 0) {
    const read = [...tokens.keys()];
    return [
      finding(
        ctx,
        'ENG-TOKEN-NOT-ASCII',
        'pass',
        read.length === 0 ? 'no token the processes of this role send or accept is set (or readable here)' : 'every token is visible ASCII',
        read.length === 0 ? ['KRISHIV_COORDINATOR_BEARER_TOKEN'] : read,
      ),
    ];
  }
  return [
    finding(
      ctx,
      'ENG-TOKEN-NOT-ASCII',
      'fail',
      `${bad.join(', ')} hold${bad.length === 1 ? 's' : ''} a token with characters outside visible ASCII (accented letters, control characters, …): HTTP and gRPC servers read the authorization header only as visible ASCII and clients cannot send it, so that token never authenticates`,
      bad,
    ),
  ];
};

// One pass over the secret values (placeholder, weak, reused, written in a file), one over the KRISHIV_*
// names (the engine's own validation), one over the engine traps: each check takes its findings from its pass.
const secretsPass = group(secretChecks);
const validationPass = group(envValidation);
const trapsPass = group(engTraps);
const keysGroup = group((ctx) => runKeyChecks(ctx, ctx.keyLookup));

export const HYGIENE_CHECKS = [
  {
    id: 'ENV-UNKNOWN-FLAG',
    class: 'HYGIENE',
    roles: ALL,
    predicate: 'log_env_issues',
    rule: 'a KRISHIV_* name the engine registry does not know (likely a typo)',
    source: 'crates/krishiv-common/src/env_registry.rs:1487-1575',
    fix: 'Fix the name (see the suggestion) or remove it.',
    engineMessage: envIssueLog('unrecognized environment flag NAME (not in the KRISHIV_* registry; typo?)'),
    severity: 'warn',
    evaluate: validationPass.of('ENV-UNKNOWN-FLAG'),
  },
  {
    id: 'ENV-DEPRECATED-ALIAS',
    class: 'HYGIENE',
    roles: ALL,
    predicate: 'log_env_issues',
    rule: 'a deprecated alias (KRISHIV_COORDINATOR, KRISHIV_COORDINATOR_ENDPOINT) is set',
    source: 'crates/krishiv-common/src/env_registry.rs:1404-1441',
    fix: 'Use KRISHIV_COORDINATOR_URL.',
    engineMessage: envIssueLog('NAME is deprecated; use KRISHIV_COORDINATOR_URL'),
    severity: 'warn',
    evaluate: validationPass.of('ENV-DEPRECATED-ALIAS'),
  },
  {
    id: 'ENV-INVALID-VALUE',
    class: 'HYGIENE',
    roles: ALL,
    predicate: 'log_env_issues',
    rule: "a value that does not parse as its kind (the code's real rule where the registry is known to be wrong)",
    source: 'crates/krishiv-common/src/env_registry.rs:1487-1542',
    fix: 'Use a value of the declared kind; for booleans 1/true/yes/on or 0/false/no/off.',
    engineMessage: envIssueLog('NAME does not parse as KIND: HINT'),
    severity: 'warn',
    evaluate: validationPass.of('ENV-INVALID-VALUE'),
  },
  {
    id: 'ENV-TOKEN-REUSE',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'one secret value used for two roles (coordinator, executor-task, UI, shuffle, API key)',
    source:
      'crates/krishiv-scheduler/src/auth.rs:186-197 (every coordinator token is admin); crates/krishiv-executor/src/grpc.rs:99-150 (task token); crates/krishiv-shuffle/src/token_auth.rs:25-41 (shuffle token)',
    fix: 'Generate a separate value for each role (`krishiv-auth generate-key --type bearer --for …`).',
    severity: 'warn',
    evaluate: secretsPass.of('ENV-TOKEN-REUSE'),
  },
  {
    id: 'ENV-SECRET-IN-MANIFEST',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a secret is written literally in an env file (a committed manifest) instead of coming from the deploy environment or a token file',
    source:
      "the tool's own hygiene rule; the engine ships its secrets as Kubernetes Secrets (deploy/k8s/operator/auth-secrets.yaml:20-35) and reads files through crates/krishiv-scheduler/src/auth.rs:243-253",
    fix: 'Move the value to a secret store: a …_FILE variable, a Kubernetes secretKeyRef, or the CI secret environment (check with --process-env).',
    severity: 'warn',
    evaluate: secretsPass.of('ENV-SECRET-IN-MANIFEST'),
  },
  {
    id: 'HYG-PLACEHOLDER-SECRET',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a secret-kind value is a placeholder (changeme, secret, token, xxx, ..., <…>, TODO, example, or a value from the product docs)',
    source: "the tool's own hygiene rule: the engine takes any non-empty token as it is (crates/krishiv-scheduler/src/auth.rs:200-213)",
    fix: 'Generate a real value: `krishiv-auth generate-key --type bearer` (or --type api-key).',
    evaluate: secretsPass.of('HYG-PLACEHOLDER-SECRET'),
  },
  {
    id: 'HYG-WEAK-SECRET',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a secret-kind value shorter than 16 characters or under 64 bits of estimated entropy (warns below 32 characters); the engine itself has no strength rule',
    source:
      "the tool's own hygiene rule: the engine has no strength rule (crates/krishiv-scheduler/src/auth.rs:200-213, crates/krishiv-flight-sql/src/service.rs:1363-1391)",
    fix: 'Use 32 random bytes: `krishiv-auth generate-key --type bearer`.',
    evaluate: secretsPass.of('HYG-WEAK-SECRET'),
  },
  {
    id: 'HYG-UNEXPANDED-VAR',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a value refers to $NAME / ${NAME} defined nowhere: the engine substitutes "" (a template never rendered)',
    source:
      'the tool\'s own hygiene rule; the krishiv binary loads a .env with dotenvy, which substitutes "" for an undefined $NAME (crates/krishiv/src/main.rs:31-36)',
    fix: 'Render the template, define the variable earlier, or check with --process-env where the deploy environment provides it.',
    evaluate: unexpanded,
  },
  {
    id: 'HYG-TOKEN-FILE-MODE',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a token or key file that exists here is world-readable (fails) or group-readable (warns)',
    source:
      "the tool's own hygiene rule: the engine reads token files whatever their mode (crates/krishiv-scheduler/src/auth.rs:243-253, crates/krishiv-ui/src/router.rs:32-38)",
    fix: 'chmod 600 the file (owned by the engine user).',
    evaluate: fileModes,
  },
  {
    id: 'HYG-QUOTED-BOOLEAN',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a boolean flag is quoted: `docker run --env-file` keeps the quotes (the engine then reads false), dotenv and Compose strip them',
    source:
      "the tool's own hygiene rule; booleans are read by crates/krishiv-common/src/env_registry.rs:1347-1352 (a quote is part of the value there)",
    fix: 'Write booleans unquoted: KRISHIV_PRODUCTION=1.',
    severity: 'warn',
    evaluate: quotedBooleans,
  },
  {
    id: 'KEYS-REVOKED',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a KRISHIV_API_KEYS key is revoked in the key store (--store)',
    source:
      "the tool's key store; the Flight server accepts every listed key with no revocation (crates/krishiv-flight-sql/src/service.rs:1363-1391)",
    fix: 'Remove the key from KRISHIV_API_KEYS and restart the Flight server.',
    evaluate: keysGroup.of('KEYS-REVOKED'),
  },
  {
    id: 'KEYS-EXPIRED',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a KRISHIV_API_KEYS key is expired in the key store (--store); the engine has no expiry and still accepts it',
    source:
      "the tool's key store; the Flight server accepts every listed key with no expiry (crates/krishiv-flight-sql/src/service.rs:1363-1391)",
    fix: 'Remove the key, or issue a new one with `krishiv-auth generate-key`.',
    evaluate: keysGroup.of('KEYS-EXPIRED'),
  },
  {
    id: 'KEYS-UNKNOWN',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: "a KRISHIV_API_KEYS key is not in the key store (--store): its id is unknown, or its secret is not the issued key's",
    source:
      "the tool's key store; the Flight server accepts any key listed in KRISHIV_API_KEYS (crates/krishiv-flight-sql/src/service.rs:1363-1391)",
    fix: 'Issue keys with `krishiv-auth generate-key --store …` so they can be audited and revoked; replace a changed copy with the key as issued (`krishiv-auth keys verify` tells which).',
    severity: 'warn',
    evaluate: keysGroup.of('KEYS-UNKNOWN'),
  },
  {
    id: 'KEYS-SUBJECT-MISMATCH',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: "a KRISHIV_API_KEYS entry gives a key a subject other than the name the key store issued it to: the Flight server authenticates the key as the entry's subject",
    source: 'crates/krishiv-flight-sql/src/service.rs:1376-1385 (the subject is the text after the first "=", trimmed)',
    fix: 'Write the entry as `generate-key` printed it (`<key>=<name>`), or issue a new key for the other subject.',
    evaluate: keysGroup.of('KEYS-SUBJECT-MISMATCH'),
  },
  {
    id: 'ENG-API-KEY-ENTRY',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a KRISHIV_API_KEYS entry the engine mis-parses: a key with "=" (base64 padding), an empty key or subject, or a duplicate key (last wins); when no entry has a key, a Flight SQL server of the process rejects every call (class DENY)',
    source:
      'crates/krishiv-flight-sql/src/service.rs:1377-1386 (split on "," then at the first "=", keys and subjects trimmed, a later key overwrites) and 320-329 (an empty bearer is a missing one)',
    fix: 'Use keys without "=" or "," (`krishiv-auth generate-key` makes such keys) and one entry per key with a subject.',
    evaluate: apiKeyEntries,
  },
  {
    id: 'ENG-TOKEN-NOT-ASCII',
    class: 'DENY',
    roles: ALL,
    predicate: null,
    rule: "a token or API key the role's processes send or accept, read as the engine reads it and only where it reads it, holds characters outside visible ASCII: the coordinator's (and a serving operator's) static tokens, the task token the coordinator, the operator and executors exchange, the UI token in use (KRISHIV_UI_TOKEN before the file; the coordinator's unless KRISHIV_UI=off, the operator's --status-addr UI), the keys a running Flight SQL server accepts and the one key a Flight client sends, the shuffle token in use (shuffle-svc keeps its variable untrimmed); servers read the authorization header only when it is visible ASCII, and clients cannot build such a header, so the token never authenticates",
    source:
      'servers: crates/krishiv-scheduler/src/auth.rs:619-627, crates/krishiv-scheduler/src/http_auth.rs:38-40, crates/krishiv-executor/src/grpc.rs:151-158, crates/krishiv-ui/src/router.rs:24-62 and 234-236, crates/krishiv-flight-sql/src/service.rs:320-323, crates/krishiv-shuffle/src/shuffle_svc.rs:515-533, crates/krishiv-shuffle/src/flight.rs:690-694; clients: crates/krishiv-executor/src/grpc_client.rs:107-118, crates/krishiv-scheduler/src/coordinator/task_assignment.rs:52-71, crates/krishiv-runtime/src/flight_client.rs:103-127; the operator: crates/krishiv-operator/src/main.rs:227-233',
    fix: 'Use tokens of visible ASCII only: `krishiv-auth generate-key` makes such tokens.',
    evaluate: tokenNotAscii,
  },
  {
    id: 'ENG-CA-CERT-SERVER',
    class: 'HYGIENE',
    roles: COORD,
    predicate: null,
    rule: 'KRISHIV_CA_CERT on a TLS coordinator makes client certificates mandatory; executors present none and cannot connect',
    source: 'crates/krishiv-scheduler/src/grpc.rs:926-930; crates/krishiv-executor/src/grpc_client.rs:80-98',
    fix: 'Do not set KRISHIV_CA_CERT on the coordinator; set it only on executors/clients.',
    evaluate: trapsPass.of('ENG-CA-CERT-SERVER'),
  },
  {
    id: 'ENG-TOKEN-FILE-MULTILINE',
    class: 'HYGIENE',
    roles: [...COORD, 'operator'],
    predicate: null,
    rule: 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE holds several lines: the engine reads one token containing a newline, which never matches',
    source: 'crates/krishiv-scheduler/src/auth.rs:222-234 and 276-279 (the _TOKEN_FILE content is one token, trimmed)',
    fix: 'Put one token in _TOKEN_FILE, or use KRISHIV_COORDINATOR_BEARER_TOKENS_FILE for a list.',
    evaluate: trapsPass.of('ENG-TOKEN-FILE-MULTILINE'),
  },
  {
    id: 'ENG-SHUFFLE-RELOAD-ZERO',
    class: 'HYGIENE',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS=0 on shuffle-svc: the reload task panics (zero tokio interval)',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:159-183',
    fix: 'Use a positive interval (the code default is 60).',
    evaluate: trapsPass.of('ENG-SHUFFLE-RELOAD-ZERO'),
  },
  {
    id: 'ENG-UI-OFF-SPELLING',
    class: 'HYGIENE',
    roles: COORD,
    predicate: null,
    rule: 'KRISHIV_UI set to a false-like value other than "off" (0, false, no): the UI stays on',
    source: 'crates/krishiv/src/daemon_cmd.rs:204-215',
    fix: 'Write KRISHIV_UI=off.',
    severity: 'warn',
    evaluate: trapsPass.of('ENG-UI-OFF-SPELLING'),
  },
  {
    id: 'ENG-DEAD-FLAG',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a documented variable the engine never reads: KRISHIV_OIDC_JWKS_REFRESH_SECS, KRISHIV_OIDC_ISSUER, KRISHIV_OTLP_ENDPOINT, KRISHIV_SERVICE_NAME',
    source:
      'crates/krishiv-common/src/env_registry.rs:1487-1575 (none of these names is read by the engine: git grep finds no reader at e8be785f)',
    fix: 'Remove it; see the remediation for what the engine does instead.',
    severity: 'warn',
    evaluate: trapsPass.of('ENG-DEAD-FLAG'),
  },
  {
    id: 'ENG-MCP-HTTP',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'KRISHIV_MCP_TRANSPORT=http: the MCP HTTP transport has no authentication',
    source: 'crates/krishiv-mcp/src/lib.rs:35-37 and 96-141',
    fix: 'Use the stdio transport, or keep KRISHIV_MCP_ADDR on loopback behind an authenticating proxy.',
    severity: 'warn',
    evaluate: trapsPass.of('ENG-MCP-HTTP'),
  },
  {
    id: 'ENG-DOTENV-IN-CWD',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'with --process-env: a .env in the working directory or a parent would also be loaded by the krishiv binary (first declaration wins, the process env is never overridden); krishiv-operator, a binary of its own, loads none',
    source: 'crates/krishiv/src/main.rs:31-36; crates/krishiv-operator/src/main.rs:103-125 (no .env)',
    fix: 'Remove the stray .env, or include it with --env-file so it is checked.',
    severity: 'warn',
    evaluate: trapsPass.of('ENG-DOTENV-IN-CWD'),
  },
  {
    id: 'WAIVER-EXPIRED',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a waiver in the config has passed its expiry date: it no longer waives anything and fails the run',
    source:
      "the tool's own waiver rule (the config file's waivers); the waived finding keeps its engine source, e.g. crates/krishiv-common/src/production.rs:96-98",
    fix: 'Fix the finding, or renew the waiver with a new expiry date, reason and owner.',
  },
  {
    id: 'WAIVER-UNMATCHED',
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a waiver in the config matches no failing or warning finding of this run (stale, or a typo in its id)',
    source:
      "the tool's own waiver rule (the config file's waivers); the waived finding keeps its engine source, e.g. crates/krishiv-common/src/production.rs:96-98",
    fix: 'Remove the waiver, or correct its id/role.',
    severity: 'warn',
  },
] as const satisfies readonly CheckDef[];
