/**
 * The engine model: Krishiv's production/auth rules as pure functions over an env map
 * (surface §2–§4, §8.1). No I/O: token-file contents come in through a `FileProbe` so the
 * checks stay pure and the command decides what may be read on this machine.
 *
 * Every function mirrors one engine reader, including its quirks (which values are trimmed,
 * which count an empty string as "set"); the comments cite the surface section.
 */

/** Name → value as the engine process would see it (after merging files and --process-env). A Map works. */
export interface EnvMap {
  get(name: string): string | undefined;
  has(name: string): boolean;
}

export type Profile = DurabilityProfile;
import type { DurabilityProfile } from '../engine/readers.js';
import type { CliFlags as ParsedCliFlags } from './env/cli-flags.js';
export const DL: Profile = 'dev-local';
export const SN: Profile = 'single-node-durable';
export const DD: Profile = 'distributed-durable';

/**
 * What the checks read of a process's command line: the parser's result (env/cli-flags.ts, from
 * `--cli`, a container's command and args, or a unit's ExecStart=) with every field optional, so
 * a run without one reads `{}`.
 */
export type CliFlags = Partial<ParsedCliFlags>;

// ---------------------------------------------------------------------------------------
// §2.1 truthy / falsy

export { asciiLower, isFalsy, isTruthy, rustTrim, splitTokenList } from '../engine/text.js';
import { asciiLower, isTruthy, rustTrim, splitTokenList } from '../engine/text.js';
import { INVALID_UTF8, NOT_FOUND } from './engine-sources.js';
import { COORDINATOR_TOKEN_SOURCES, parseDurabilityProfile, parseU64, profileParseError, readReloadInterval } from '../engine/readers.js';
import { redactUrlPasswords } from '../util/secret.js';

export function isBlank(raw: string | undefined): boolean {
  return raw === undefined || rustTrim(raw) === '';
}

/** Trimmed value, or undefined when unset or blank. */
export function trimmed(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = rustTrim(raw);
  return t === '' ? undefined : t;
}

// ---------------------------------------------------------------------------------------
// §2.2 durability profile

export type ProfileParse = { ok: true; profile: Profile } | { ok: false; value: string; error: string };

/** `DurabilityProfile::from_str` (crates/krishiv-common/src/durability.rs:78-91), through the shared reader. */
export function parseProfile(raw: string): ProfileParse {
  const profile = parseDurabilityProfile(raw);
  if (profile !== undefined) return { ok: true, profile };
  return { ok: false, value: asciiLower(rustTrim(raw)), error: profileParseError(raw) };
}

export interface ProfileReading {
  profile: Profile;
  /** where the profile came from */
  source: 'cli' | 'env' | 'default';
  /** the reader refuses to start (coordinator with an invalid value; executor with an invalid CLI value) */
  refusal?: string;
  /** the reader logs a warning and falls back (common resolver) */
  warning?: string;
  /** the reader silently fell back to dev-local (executor with an invalid env value) */
  silentFallback?: boolean;
}

/** P_env: `resolve_durability_profile()` — unset → DL; invalid → WARN and DL (production.rs:23-48). */
export function resolveEnvProfile(env: EnvMap): ProfileReading {
  const raw = env.get('KRISHIV_DURABILITY_PROFILE');
  if (raw === undefined) return { profile: DL, source: 'default' };
  const p = parseProfile(raw);
  if (p.ok) return { profile: p.profile, source: 'env' };
  return { profile: DL, source: 'env', warning: 'invalid durability profile; falling back to DevLocal' };
}

/**
 * The coordinator daemon's own profile. The env value is parsed strictly while the config is
 * built, before the argument loop (crates/krishiv-scheduler/src/coordinator_daemon.rs:1132-1136),
 * so an invalid env value refuses even when a valid `--durability-profile` follows; the flag
 * then overrides, parsed as strictly (coordinator_daemon.rs:1178-1181).
 */
export function coordinatorProfile(env: EnvMap, cli: CliFlags): ProfileReading {
  const raw = env.get('KRISHIV_DURABILITY_PROFILE');
  const fromEnv = raw === undefined ? undefined : parseProfile(raw);
  if (fromEnv !== undefined && !fromEnv.ok) return { profile: DL, source: 'env', refusal: fromEnv.error };
  if (cli.durabilityProfile !== undefined) {
    const p = parseProfile(cli.durabilityProfile);
    if (p.ok) return { profile: p.profile, source: 'cli' };
    return { profile: DL, source: 'cli', refusal: p.error };
  }
  if (fromEnv === undefined) return { profile: DL, source: 'default' };
  return { profile: fromEnv.profile, source: 'env' };
}

/** P_exec: `--durability-profile` strict, env lenient and silent (krishiv-executor/src/cli.rs:1222-1225,1320-1331). */
export function executorProfile(env: EnvMap, cli: CliFlags): ProfileReading {
  if (cli.durabilityProfile !== undefined) {
    const p = parseProfile(cli.durabilityProfile);
    if (p.ok) return { profile: p.profile, source: 'cli' };
    return {
      profile: DL,
      source: 'cli',
      refusal: `unknown --durability-profile '${cli.durabilityProfile}'; supported: dev-local, single-node-durable, distributed-durable`,
    };
  }
  const raw = env.get('KRISHIV_DURABILITY_PROFILE');
  if (raw === undefined) return { profile: DL, source: 'default' };
  const p = parseProfile(raw);
  if (p.ok) return { profile: p.profile, source: 'env' };
  return { profile: DL, source: 'env', silentFallback: true };
}

// ---------------------------------------------------------------------------------------
// §3.1 predicates (production.rs). `prod` = truthy(KRISHIV_PRODUCTION).

/** FC: prod, or a durable profile. */
export function isFailClosed(p: Profile, prod: boolean): boolean {
  return prod || p !== DL;
}
export const requiresHttpAuth = (p: Profile, prod: boolean): boolean => p !== DL || prod;
export const requiresAuthenticatedFlight = requiresHttpAuth;
const requiresAuthenticatedUi = requiresHttpAuth;
export const requiresAuthenticatedShuffle = requiresHttpAuth;
const requiresFailClosedMetadata = (p: Profile, prod: boolean): boolean => p !== DL || prod;
/** Ignores prod (production.rs:75-80). */
const requiresDurableWindowState = (p: Profile): boolean => p === SN || p === DD;
export const requiresFileBackedState = (p: Profile, prod: boolean): boolean => requiresDurableWindowState(p) || prod;
const forbidsSimulationConnectors = (p: Profile, prod: boolean): boolean => p === SN || p === DD || prod;
export const requiresManualKafkaCommit = (p: Profile, prod: boolean): boolean => requiresDurableWindowState(p) || prod;
const forbidsNativeScalarUdfs = (p: Profile, prod: boolean, allowFullPrivilege: boolean): boolean =>
  !allowFullPrivilege && (requiresDurableWindowState(p) || prod);
export const allowsMemoryCheckpointUri = (p: Profile, prod: boolean): boolean => p === DL && !prod;
export const allowsUnboundedShuffleStore = (p: Profile, prod: boolean): boolean => p === DL && !prod;
const allowsAlphaApi = (p: Profile, prod: boolean): boolean => p === DL && !prod;
const allowLegacyTaskFragments = (p: Profile, prod: boolean, allowLegacy: boolean): boolean => allowLegacy || (p === DL && !prod);
const allowsRemoteSqlCommentFallback = allowLegacyTaskFragments;
/** `anonymous_allowed_for` (auth.rs:423-470). */
export const anonymousAllowedFor = (p: Profile, prod: boolean): boolean => !prod && p === DL;

/** Every predicate of §3.1 evaluated for one (profile, env) pair: handy for reports and tests. */
export function evaluatePredicates(p: Profile, env: EnvMap): Record<string, boolean> {
  const prod = isTruthy(env.get('KRISHIV_PRODUCTION'));
  return {
    requires_http_auth: requiresHttpAuth(p, prod),
    profile_requires_authenticated_flight: requiresAuthenticatedFlight(p, prod),
    profile_requires_authenticated_ui: requiresAuthenticatedUi(p, prod),
    profile_requires_authenticated_shuffle: requiresAuthenticatedShuffle(p, prod),
    profile_requires_fail_closed_metadata: requiresFailClosedMetadata(p, prod),
    profile_requires_durable_window_state: requiresDurableWindowState(p),
    requires_file_backed_state: requiresFileBackedState(p, prod),
    forbids_simulation_connectors: forbidsSimulationConnectors(p, prod),
    requires_manual_kafka_commit: requiresManualKafkaCommit(p, prod),
    profile_forbids_native_scalar_udfs: forbidsNativeScalarUdfs(p, prod, isTruthy(env.get('KRISHIV_ALLOW_FULL_PRIVILEGE_UDFS'))),
    allows_memory_checkpoint_uri: allowsMemoryCheckpointUri(p, prod),
    allows_unbounded_shuffle_store: allowsUnboundedShuffleStore(p, prod),
    allows_alpha_api: allowsAlphaApi(p, prod),
    allow_legacy_task_fragments: allowLegacyTaskFragments(p, prod, isTruthy(env.get('KRISHIV_ALLOW_LEGACY_FRAGMENTS'))),
    allows_remote_sql_comment_fallback: allowsRemoteSqlCommentFallback(p, prod, isTruthy(env.get('KRISHIV_ALLOW_LEGACY_FRAGMENTS'))),
    allow_anonymous_http_override: isTruthy(env.get('KRISHIV_ALLOW_ANONYMOUS_HTTP')),
    anonymous_allowed_for: anonymousAllowedFor(p, prod),
  };
}

// ---------------------------------------------------------------------------------------
// File seam

/**
 * What the checks know about a file named by a `…_FILE` variable:
 * - `unchecked`: the path does not exist on this machine (and --require-files is off): not checked here;
 *   `why` replaces "does not exist on this machine" where the input says more (a manifest: the Secret
 *   the file is mounted from is not in the input, or no volume of the input holds the path);
 * - `missing`: NotFound as the engine would see it (only with --require-files);
 * - `unreadable`: exists but cannot be read (`error` says why, never the content);
 * - `ok`: read; `content` is the raw bytes as text (a secret: never print it); `invalidUtf8`: the
 *   bytes are not UTF-8, so every `read_to_string` of the engine fails on it (TLS files are read as bytes).
 */
export type FileState =
  | { state: 'unchecked'; why?: string }
  | { state: 'missing'; why?: string }
  /** `engineError`: the same failure as the engine's io error prints it (`Permission denied (os error 13)`), when known */
  | { state: 'unreadable'; error: string; mode?: number; engineError?: string }
  /** `remedy`: how to change the mode where the file comes from (a manifest: the Secret volume's defaultMode) */
  | { state: 'ok'; content: string; mode: number; invalidUtf8?: boolean; remedy?: string };

/**
 * Why the engine's `read_to_string` of a token file fails, in the engine's words (its io error's
 * Display), or undefined when the read succeeds or was not checked here.
 */
export function engineReadError(f: FileState): string | undefined {
  if (f.state === 'missing') return NOT_FOUND;
  if (f.state === 'unreadable') return f.engineError ?? f.error;
  if (f.state === 'ok' && f.invalidUtf8) return INVALID_UTF8;
  return undefined;
}

export interface FileProbe {
  probe(path: string): FileState;
}

/** A probe over a fixed table (tests, and the command after it pre-read the files). */
export function tableProbe(
  table: Record<string, FileState> | Map<string, FileState>,
  fallback: FileState = { state: 'unchecked' },
): FileProbe {
  const map = table instanceof Map ? table : new Map(Object.entries(table));
  return { probe: (p) => map.get(p) ?? fallback };
}

/** Every env var whose value is a path the checks may want to read. */
export const FILE_VARIABLES = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
  'KRISHIV_UI_TOKEN_FILE',
  'KRISHIV_SHUFFLE_TOKEN_FILE',
  'KRISHIV_TLS_CERT',
  'KRISHIV_TLS_KEY',
  'KRISHIV_CA_CERT',
] as const;

/** The path the engine would open for a file variable (coordinator token paths are trimmed; the others raw). */
export function filePathOf(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (name === 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE' || name === 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE') return trimmed(raw);
  if (name === 'KRISHIV_SHUFFLE_TOKEN_FILE') return raw === '' ? undefined : raw;
  return raw === '' ? undefined : raw;
}

// ---------------------------------------------------------------------------------------
// §4.1–4.3 static coordinator tokens

export interface StaticTokens {
  /** any of the four variables is non-blank (auth.rs:271-274) */
  configured: boolean;
  /** resolved, de-duplicated tokens (secrets); may under-count when `assumed` lists unchecked files */
  tokens: string[];
  /** a read error makes the whole read fail: the engine ignores every source then */
  error?: { variable: string; message: string };
  /** file variables whose files were not checked here; they are assumed to hold tokens on the target */
  assumed: string[];
  /** the variables that are non-blank */
  sources: string[];
}

/** The server token set of §4.1, with §4.2's file rules. */
export function resolveStaticTokens(env: EnvMap, files: FileProbe): StaticTokens {
  const sources: string[] = [];
  const assumed: string[] = [];
  const collected: string[] = [];
  let error: StaticTokens['error'];
  for (const source of COORDINATOR_TOKEN_SOURCES) {
    const value = trimmed(env.get(source.name));
    if (value === undefined) continue;
    sources.push(source.name);
    if (!source.file) {
      collected.push(...(source.list ? splitTokenList(value) : [value]));
      continue;
    }
    const f = files.probe(value);
    if (f.state === 'ok' && f.invalidUtf8) error ??= { variable: source.name, message: INVALID_UTF8 };
    else if (f.state === 'ok') {
      if (source.list) collected.push(...splitTokenList(f.content));
      else if (rustTrim(f.content) !== '') collected.push(rustTrim(f.content));
    } else if (f.state === 'unchecked') assumed.push(source.name);
    else if (f.state === 'unreadable') error ??= { variable: source.name, message: engineReadError(f)! };
    // missing: an error for _TOKEN_FILE, no extra tokens for _TOKENS_FILE (auth.rs:243-253)
    else if (source.missingIsError) error ??= { variable: source.name, message: NOT_FOUND };
  }
  const result: StaticTokens = { configured: sources.length > 0, tokens: [...new Set(collected)], assumed, sources };
  if (error) {
    result.error = error;
    result.tokens = [];
  }
  return result;
}

/** The set the engine ends up with: non-empty, empty (reject-all when configured), or unreadable. */
export type TokenSetState = 'non-empty' | 'empty' | 'error';
export function tokenSetState(t: StaticTokens): TokenSetState {
  if (t.error) return 'error';
  if (t.tokens.length > 0 || t.assumed.length > 0) return 'non-empty';
  return 'empty';
}

/** `coordinator_bearer_auth_configured()` / "has static tokens" for HTTP and durable start-up. */
export function hasStaticTokens(t: StaticTokens): boolean {
  return tokenSetState(t) === 'non-empty';
}

// ---------------------------------------------------------------------------------------
// §4.5 reload interval

export interface ReloadInterval {
  /** seconds, or undefined = no reload */
  seconds?: number;
  /** the engine's WARN for a value that is not a u64 */
  warning?: string;
  raw?: string;
}

export { parseU64 } from '../engine/readers.js';

/** KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS through the shared reader (crates/krishiv-scheduler/src/auth.rs:359-383). */
export function parseReloadInterval(raw: string | undefined): ReloadInterval {
  const r = readReloadInterval(raw);
  if (r.state === 'unset') return {};
  if (r.state === 'invalid') return { raw: raw!, warning: 'invalid coordinator auth reload interval' };
  if (r.state === 'seconds') return { raw: raw!, seconds: Number(r.seconds) };
  return { raw: raw! };
}

// ---------------------------------------------------------------------------------------
// §5 JWT activation (what an env-only check can know)

/** `KRISHIV_OIDC_JWKS_URI` presence (untrimmed; "" counts as set). */
export function jwksConfigured(env: EnvMap): boolean {
  return env.has('KRISHIV_OIDC_JWKS_URI');
}

/**
 * Whether the JWKS fetch can even be attempted: reqwest parses the value as a URL (the WHATWG
 * parser, which ignores surrounding spaces and control characters) and sends only http and https
 * requests with a host (crates/krishiv-scheduler/src/auth.rs:663-672). Anything else fails the
 * fetch, the provider is not installed and static tokens apply (auth.rs:801-816).
 */
export function jwksUrlUsable(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/**
 * Whether the coordinator may install the JWT provider: not when anonymous gRPC is asked for
 * (that branch comes first, crates/krishiv-scheduler/src/coordinator_daemon.rs:1363-1376), only
 * with a fetchable JWKS URL, and not under KRISHIV_PRODUCTION without KRISHIV_OIDC_AUDIENCE
 * (auth.rs:725-734). Whether the JWKS loads cannot be known from env files; the checks assume it does.
 */
export function jwtMayBeActive(env: EnvMap, anonymousRequested = false): boolean {
  if (anonymousRequested) return false;
  const uri = env.get('KRISHIV_OIDC_JWKS_URI');
  if (uri === undefined || !jwksUrlUsable(uri)) return false;
  if (isTruthy(env.get('KRISHIV_PRODUCTION')) && !env.has('KRISHIV_OIDC_AUDIENCE')) return false;
  return true;
}

/** A compact JWS whose header is base64url JSON with an `alg`: what the JWT provider can even decode. */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p)) || parts[0] === '' || parts[1] === '') return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// §8.1 Flight API keys

export interface ApiKeyEntry {
  /** the raw part (trimmed): a secret, never print */
  part: string;
  key: string;
  subject: string;
  /** 0-based index among non-empty parts */
  index: number;
}

export type ApiKeysParse =
  | { state: 'unset' }
  | { state: 'error'; error: 'entry-without-equals' | 'no-entries'; message: string; entries: ApiKeyEntry[]; badIndex?: number }
  | { state: 'ok'; entries: ApiKeyEntry[]; map: Map<string, string>; duplicates: string[] };

/** `KRISHIV_API_KEYS` as the Flight server parses it (service.rs:1363-1391). Messages never carry a key. */
export function parseApiKeys(raw: string | undefined): ApiKeysParse {
  if (raw === undefined || rustTrim(raw) === '') return { state: 'unset' };
  const entries: ApiKeyEntry[] = [];
  const parts = raw
    .split(',')
    .map((p) => rustTrim(p))
    .filter((p) => p !== '');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq < 0) {
      return {
        state: 'error',
        error: 'entry-without-equals',
        // The engine prints the raw entry (key included); we never do.
        message: `invalid KRISHIV_API_KEYS entry: <entry ${i + 1}, redacted>`,
        entries,
        badIndex: i,
      };
    }
    entries.push({ part, key: rustTrim(part.slice(0, eq)), subject: rustTrim(part.slice(eq + 1)), index: i });
  }
  if (entries.length === 0) {
    return { state: 'error', error: 'no-entries', message: 'KRISHIV_API_KEYS must list at least one key', entries };
  }
  const map = new Map<string, string>();
  const duplicates: string[] = [];
  for (const e of entries) {
    if (map.has(e.key)) duplicates.push(e.key);
    map.set(e.key, e.subject);
  }
  return { state: 'ok', entries, map, duplicates };
}

/**
 * The key a Flight client sends (crates/krishiv-runtime/src/flight_client.rs:103-118):
 * KRISHIV_FLIGHT_API_KEY, then KRISHIV_API_KEY (trimmed, when not blank), then from
 * KRISHIV_API_KEYS the key of the first comma-separated part that contains `=` (parts without
 * one are skipped); when that key is empty, no key at all (the later parts are not tried).
 */
export function clientFlightKey(env: EnvMap): { variable: string; key: string } | undefined {
  for (const name of ['KRISHIV_FLIGHT_API_KEY', 'KRISHIV_API_KEY']) {
    const v = trimmed(env.get(name));
    if (v !== undefined) return { variable: name, key: v };
  }
  const raw = env.get('KRISHIV_API_KEYS');
  if (raw === undefined) return undefined;
  for (const part of raw.split(',')) {
    const t = rustTrim(part);
    const eq = t.indexOf('=');
    if (eq < 0) continue;
    const key = rustTrim(t.slice(0, eq));
    return key === '' ? undefined : { variable: 'KRISHIV_API_KEYS', key };
  }
  return undefined;
}

/**
 * Whether a token can travel in an `authorization` header at all: the servers read the header
 * with `to_str()`, which fails for anything but visible ASCII and tab
 * (crates/krishiv-scheduler/src/auth.rs:619-627, crates/krishiv-shuffle/src/shuffle_svc.rs:515-533),
 * and the gRPC clients refuse to build such metadata (crates/krishiv-executor/src/grpc_client.rs:107-118).
 */
export function headerSafe(token: string): boolean {
  for (let i = 0; i < token.length; i += 1) {
    const c = token.charCodeAt(i);
    if (c !== 9 && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// §1 / §6.2 UI

/** `KRISHIV_UI`: only a value equal to `off` (ASCII case-insensitive, untrimmed) disables it. */
export function uiEnabled(env: EnvMap): boolean {
  const v = env.get('KRISHIV_UI');
  return v === undefined || asciiLower(v) !== 'off';
}

export type UiAuth =
  | { mode: 'token'; source: 'KRISHIV_UI_TOKEN' | 'KRISHIV_UI_TOKEN_FILE'; assumed?: boolean }
  /** `fileError`: the token file could not be read (the engine warns and falls back to anonymous) */
  | { mode: 'anonymous'; reason: 'empty-file-var' | 'not-required'; fileError?: string }
  | { mode: 'deny'; reason: 'no-token' | 'unreadable-file'; error?: string };

/** UI token resolution (router.rs:24-62) against P_env. */
export function resolveUiAuth(env: EnvMap, files: FileProbe, pEnv: Profile): UiAuth {
  const prod = isTruthy(env.get('KRISHIV_PRODUCTION'));
  const required = requiresAuthenticatedUi(pEnv, prod);
  if (trimmed(env.get('KRISHIV_UI_TOKEN')) !== undefined) return { mode: 'token', source: 'KRISHIV_UI_TOKEN' };
  const file = env.get('KRISHIV_UI_TOKEN_FILE');
  let fileError: string | undefined;
  if (file !== undefined) {
    // `""` returns "no token" before the profile check: anonymous even under FC (router.rs:31-34).
    if (file === '') return { mode: 'anonymous', reason: 'empty-file-var' };
    const f = files.probe(file);
    if (f.state === 'unchecked') return { mode: 'token', source: 'KRISHIV_UI_TOKEN_FILE', assumed: true };
    fileError = engineReadError(f);
    // a read error denies under fail-closed (an error log), else warns and falls back to anonymous (router.rs:42-50);
    // empty content falls through to the profile rule
    if (fileError !== undefined && required) return { mode: 'deny', reason: 'unreadable-file', error: fileError };
    if (fileError === undefined && f.state === 'ok' && rustTrim(f.content) !== '')
      return { mode: 'token', source: 'KRISHIV_UI_TOKEN_FILE' };
  }
  if (required) return { mode: 'deny', reason: 'no-token' };
  return fileError === undefined ? { mode: 'anonymous', reason: 'not-required' } : { mode: 'anonymous', reason: 'not-required', fileError };
}

// ---------------------------------------------------------------------------------------
// §4.8 shuffle tokens

/** The executor's shuffle token: env trimmed non-empty, else the file (IO errors ignored). */
export function executorShuffleToken(env: EnvMap, files: FileProbe): { present: boolean; source?: string; assumed?: boolean } {
  if (trimmed(env.get('KRISHIV_SHUFFLE_TOKEN')) !== undefined) return { present: true, source: 'KRISHIV_SHUFFLE_TOKEN' };
  const path = env.get('KRISHIV_SHUFFLE_TOKEN_FILE');
  if (path !== undefined && path !== '') {
    const f = files.probe(path);
    if (f.state === 'unchecked') return { present: true, source: 'KRISHIV_SHUFFLE_TOKEN_FILE', assumed: true };
    if (f.state === 'ok' && !f.invalidUtf8 && rustTrim(f.content) !== '') return { present: true, source: 'KRISHIV_SHUFFLE_TOKEN_FILE' };
  }
  return { present: false };
}

/**
 * The shuffle service's own token (crates/krishiv-shuffle/src/shuffle_svc.rs:110-124):
 * KRISHIV_SHUFFLE_TOKEN raw when set (an empty string counts as configured), else the file
 * (trimmed; read errors, invalid UTF-8 included, ignored). It compares that token, untrimmed,
 * with the trimmed token a client presents (shuffle_svc.rs:515-533,
 * crates/krishiv-common/src/auth_util.rs:20-25): `untrimmed` means no request can ever match.
 */
export function shuffleSvcToken(
  env: EnvMap,
  files: FileProbe,
): { state: 'token' | 'empty-open' | 'untrimmed' | 'none'; source?: string; assumed?: boolean; fileError?: string; reloaded?: boolean } {
  const raw = env.get('KRISHIV_SHUFFLE_TOKEN');
  const path = env.get('KRISHIV_SHUFFLE_TOKEN_FILE');
  if (raw !== undefined) {
    if (raw !== '' && rustTrim(raw) === raw) return { state: 'token', source: 'KRISHIV_SHUFFLE_TOKEN' };
    // Whenever _FILE is set the reload task is spawned before the listener binds, and a tokio
    // interval's first tick is immediate: a readable file with a non-blank token replaces the
    // empty or untrimmed KRISHIV_SHUFFLE_TOKEN at once (shuffle_svc.rs:159-183). A zero interval
    // panics inside that task (ENG-SHUFFLE-RELOAD-ZERO) and never replaces it.
    if (path !== undefined && path !== '' && shuffleReloadSecs(env.get('KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS')) !== 0) {
      const f = files.probe(path);
      if (f.state === 'unchecked') return { state: 'token', source: 'KRISHIV_SHUFFLE_TOKEN_FILE', assumed: true, reloaded: true };
      if (f.state === 'ok' && !f.invalidUtf8 && rustTrim(f.content) !== '')
        return { state: 'token', source: 'KRISHIV_SHUFFLE_TOKEN_FILE', reloaded: true };
    }
    return { state: raw === '' ? 'empty-open' : 'untrimmed', source: 'KRISHIV_SHUFFLE_TOKEN' };
  }
  if (path !== undefined && path !== '') {
    const f = files.probe(path);
    if (f.state === 'unchecked') return { state: 'token', source: 'KRISHIV_SHUFFLE_TOKEN_FILE', assumed: true };
    const fileError = engineReadError(f);
    if (fileError !== undefined) return { state: 'none', fileError };
    if (f.state === 'ok' && rustTrim(f.content) !== '') return { state: 'token', source: 'KRISHIV_SHUFFLE_TOKEN_FILE' };
  }
  return { state: 'none' };
}

/** `KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS`: untrimmed u64; invalid or unset → 60 (shuffle_svc.rs:165-170). */
export function shuffleReloadSecs(raw: string | undefined): number {
  if (raw === undefined) return 60;
  const n = parseU64(raw);
  return n === undefined ? 60 : Number(n);
}

// ---------------------------------------------------------------------------------------
// Executor storage (surface §3.2 executor steps 2, 4, 6)

export { parseSocketAddr } from '../engine/addr.js';
import { parseSocketAddr } from '../engine/addr.js';

export interface ExecutorStorage {
  /** the explicit checkpoint URI: the flag, else KRISHIV_CHECKPOINT_STORAGE when not blank; untrimmed */
  checkpointUri?: string;
  /** the shuffle dir after the profile default (single-node-durable: /var/lib/krishiv/shuffle); the env value is taken raw, "" included */
  shuffleDir?: string;
  /** the shuffle URI when not blank; untrimmed (prefix tests on it are raw) */
  shuffleUri?: string;
  /** the state dir: the flag, else KRISHIV_STATE_DIR raw ("" included) */
  stateDir?: string;
  stateBackend: 'rocksdb' | 'disaggregated';
  /** KRISHIV_STATE_DFS_ROOT is set (any value, "" included: the engine only asks whether it exists) */
  dfsRootSet: boolean;
  /** which shuffle backend the executor builds after registering */
  shuffleBackend: 'none' | 'memory' | 'object' | 'tiered' | 'local';
  /** the local Flight shuffle server starts (a local backend: a dir without a URI, a file:// or bare-path URI) */
  localShuffleServer: boolean;
  taskGrpcEnabled: boolean;
  barrierGrpcEnabled: boolean;
}

/**
 * The executor's storage settings as it resolves them (crates/krishiv-executor/src/cli.rs):
 * env values at :1190-1208 (the shuffle dir, URI and state dir raw; the checkpoint URI only when
 * not blank), flags override (:1287-1318), then the profile defaults of `apply_shuffle_defaults`
 * (:1501-1541), whose `s3://` test is on the untrimmed URI, and the backend choice after
 * registering (:591-662): tiered only for a raw `s3://` URI with a dir, otherwise
 * `open_shuffle_backend_from_uri` on the trimmed URI (crates/krishiv-shuffle/src/storage_uri.rs:115-152).
 */
export function executorStorage(env: EnvMap, cli: CliFlags, pExec: Profile): ExecutorStorage {
  const envCk = env.get('KRISHIV_CHECKPOINT_STORAGE');
  const checkpointUri = cli.checkpointUri ?? (envCk !== undefined && rustTrim(envCk) !== '' ? envCk : undefined);
  let shuffleDir = cli.shuffleDir ?? env.get('KRISHIV_SHUFFLE_DIR');
  const rawUri = cli.shuffleUri ?? env.get('KRISHIV_SHUFFLE_URI');
  const shuffleUri = rawUri !== undefined && rustTrim(rawUri) !== '' ? rawUri : undefined;
  const stateDir = cli.stateDir ?? env.get('KRISHIV_STATE_DIR');
  const backendRaw = env.get('KRISHIV_STATE_BACKEND');
  const stateBackend = backendRaw !== undefined && asciiLower(rustTrim(backendRaw)) === 'disaggregated' ? 'disaggregated' : 'rocksdb';
  if (shuffleUri === undefined && shuffleDir === undefined && pExec === SN) shuffleDir = '/var/lib/krishiv/shuffle';
  let shuffleBackend: ExecutorStorage['shuffleBackend'] = 'none';
  if (shuffleUri !== undefined) {
    const t = rustTrim(shuffleUri);
    if (shuffleUri.startsWith('s3://') && shuffleDir !== undefined) shuffleBackend = 'tiered';
    else if (t.startsWith('memory://')) shuffleBackend = 'memory';
    else if (t.startsWith('s3://')) shuffleBackend = 'object';
    else shuffleBackend = 'local';
  } else if (shuffleDir !== undefined) shuffleBackend = 'local';
  const storage: ExecutorStorage = {
    stateBackend,
    dfsRootSet: env.has('KRISHIV_STATE_DFS_ROOT'),
    shuffleBackend,
    localShuffleServer: shuffleBackend === 'local',
    taskGrpcEnabled: cli.taskGrpcAddr !== 'off',
    barrierGrpcEnabled: cli.barrierGrpcAddr !== 'off',
  };
  if (checkpointUri !== undefined) storage.checkpointUri = checkpointUri;
  if (shuffleDir !== undefined) storage.shuffleDir = shuffleDir;
  if (shuffleUri !== undefined) storage.shuffleUri = shuffleUri;
  if (stateDir !== undefined) storage.stateDir = stateDir;
  return storage;
}

/** The checkpoint URI after the executor's profile defaults (single-node-durable → file:///var/lib/krishiv/checkpoints, dev-local → memory://). */
export function effectiveCheckpointUri(storage: ExecutorStorage, pExec: Profile): string | undefined {
  if (storage.checkpointUri !== undefined) return storage.checkpointUri;
  if (pExec === SN) return 'file:///var/lib/krishiv/checkpoints';
  if (pExec === DL) return 'memory://';
  return undefined;
}

/**
 * Flight co-located on the coordinator: `--flight-addr` (a bad one refuses the coordinator), else
 * `KRISHIV_FLIGHT_ADDR` when it parses untrimmed; an env value that does not parse is silently
 * no Flight (crates/krishiv-scheduler/src/coordinator_daemon.rs:1149-1151).
 */
export function colocatedFlight(env: EnvMap, cli: CliFlags): boolean {
  const raw = cli.flightAddr ?? env.get('KRISHIV_FLIGHT_ADDR');
  return raw !== undefined && parseSocketAddr(raw);
}

/** Etcd endpoints: split on `,`, trimmed, empties dropped. */
export function etcdEndpoints(env: EnvMap, cli: CliFlags): string[] {
  const raw = cli.etcdEndpoints ?? env.get('KRISHIV_ETCD_ENDPOINTS') ?? '';
  return raw
    .split(',')
    .map((s) => rustTrim(s))
    .filter((s) => s !== '');
}

/**
 * A URI for messages: any `user:password@` part is masked (an s3:// URI may carry credentials),
 * up to the last `@` of the authority (a password may hold an `@`), then URL passwords left
 * in the rest (a malformed URI's `/` in a password) as everywhere else.
 */
export function redactUri(uri: string): string {
  return redactUrlPasswords(uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@'));
}
