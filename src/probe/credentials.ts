/**
 * Where the probe's credentials come from: token files, an env file (the variables the
 * coordinator itself reads, in its order, surface §4.1), or --token. Returns Secrets, so a
 * token can only ever be shown by its engine fingerprint.
 */
import { COORDINATOR_TOKEN_SOURCES } from '../engine/readers.js';
import { rustTrim, splitTokenList } from '../engine/text.js';
import { KrishivError } from '../errors.js';
import { displayKey, parseApiKey } from '../keys/format.js';
import { Secret } from '../util/secret.js';
import type { EnvVars } from './env-source.js';

/**
 * Splits the way the engine splits `_TOKENS` / `_TOKENS_FILE`. A leading BOM is dropped first:
 * the engine would keep it in the first token, but no HTTP client can send it in a header.
 */
export function splitTokens(text: string): string[] {
  return splitTokenList(text.replace(/^\uFEFF/, ''));
}

/**
 * A token file: its trimmed content; for a tokens file (several tokens) the first one,
 * which is the newest after `rotate begin`.
 */
export function tokenFromFile(text: string, file: string): { token: string; count: number } {
  const tokens = splitTokens(text);
  if (tokens.length === 0) throw new KrishivError('ERR_TOKEN_MISSING', 'the token file is empty', { input: file });
  return { token: tokens[0]!, count: tokens.length };
}

/**
 * A token the probe can send: visible ASCII and space only. The engine counts any other header
 * value as missing (surface §4.6) and its own clients refuse to send one (§4.9); node:http throws on
 * control characters. Such a token is malformed input (exit 2), shown by fingerprint only.
 */
function requireSendable(token: string, input: string): Secret {
  const secret = new Secret(token);
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new KrishivError(
        'ERR_TOKEN_MALFORMED',
        `the token ${secret.fingerprint} holds characters outside visible ASCII: no client can send it in an Authorization header (the engine's own clients refuse to, e.g. crates/krishiv-scheduler/src/coordinator/task_assignment.rs:63-68)`,
        { input },
      );
    }
  }
  return secret;
}

/** An API key to send: shown by its public prefix (`krishiv_<id>_…`) when it is one of ours, else by fingerprint. */
function apiKeySecret(key: string, input: string): Secret {
  const checked = requireSendable(key, input);
  try {
    return new Secret(key, displayKey(parseApiKey(key).id));
  } catch {
    return checked;
  }
}

/**
 * A single-token file as the engine reads a `_TOKEN_FILE` (KRISHIV_SHUFFLE_TOKEN_FILE, crates/krishiv-shuffle/src/token_auth.rs:34-41):
 * the whole content, trimmed. Several lines are one token no client can send: refused.
 */
export function singleTokenFromFile(text: string, file: string): string {
  const token = rustTrim(text.replace(/^\uFEFF/, ''));
  if (token === '') throw new KrishivError('ERR_TOKEN_MISSING', 'the token file is empty', { input: file });
  return token;
}

/**
 * The first key of a `KRISHIV_API_KEYS` value as the engine's Flight client takes it
 * (crates/krishiv-runtime/src/flight_client.rs:112-117): split on commas, the first entry holding
 * `=`, its key trimmed; an empty key there means none.
 */
export function firstApiKey(raw: string): string | undefined {
  for (const part of raw.split(',')) {
    const t = rustTrim(part);
    const eq = t.indexOf('=');
    if (eq === -1) continue;
    const key = rustTrim(t.slice(0, eq));
    return key === '' ? undefined : key;
  }
  return undefined;
}

/**
 * An API key file: the key as `generate-key` prints it, or the `KRISHIV_API_KEYS` entry (`key=subject`),
 * or a saved `generate-key` output (the key, then the entry): the first line that holds a key.
 */
export function apiKeyFromFile(text: string, file: string): string {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => rustTrim(l))
    .filter((l) => l !== '');
  const first = lines[0];
  if (first === undefined) throw new KrishivError('ERR_TOKEN_MISSING', 'the API key file is empty', { input: file });
  if (first.includes('=')) {
    const key = firstApiKey(first);
    if (key === undefined)
      throw new KrishivError('ERR_TOKEN_MISSING', 'the first KRISHIV_API_KEYS entry has an empty key', { input: file });
    return key;
  }
  return first;
}

export interface CredentialFlags {
  token?: string;
  tokenFile?: string;
  uiTokenFile?: string;
  apiKeyFile?: string;
  shuffleTokenFile?: string;
  taskTokenFile?: string;
}

export interface CredentialSources {
  readFile(file: string): Promise<string>;
  /** true when the path exists here (token files named in an env file may live on the server only) */
  exists(file: string): Promise<boolean>;
}

export interface ResolvedCredentials {
  token?: Secret;
  tokenSource?: string;
  uiToken?: Secret;
  uiTokenSource?: string;
  apiKey?: Secret;
  shuffleToken?: Secret;
  taskToken?: Secret;
  jwksUri?: string;
  /** KRISHIV_OIDC_JWKS_URI is set but blank: the engine counts it as set (presence check) and fails to fetch it */
  jwksBlank?: boolean;
  /** things the user should know (never a secret) */
  notes: string[];
}

export async function resolveCredentials(
  flags: CredentialFlags,
  env: EnvVars | undefined,
  envFile: string | undefined,
  io: CredentialSources,
): Promise<ResolvedCredentials> {
  const out: ResolvedCredentials = { notes: [] };
  if (flags.token !== undefined && flags.tokenFile !== undefined) {
    throw new KrishivError('ERR_USAGE', 'give --token or --token-file, not both');
  }
  if (flags.token !== undefined) {
    const t = rustTrim(flags.token);
    if (t === '') throw new KrishivError('ERR_TOKEN_MISSING', 'the token is empty', { input: '--token' });
    out.token = requireSendable(t, '--token');
    out.tokenSource = '--token';
  } else if (flags.tokenFile !== undefined) {
    const { token, count } = tokenFromFile(await io.readFile(flags.tokenFile), flags.tokenFile);
    out.token = requireSendable(token, flags.tokenFile);
    out.tokenSource = flags.tokenFile;
    if (count > 1) out.notes.push(`${flags.tokenFile} holds ${count} tokens; probing with the first (${out.token.fingerprint})`);
  }
  if (flags.uiTokenFile !== undefined) {
    const { token, count } = tokenFromFile(await io.readFile(flags.uiTokenFile), flags.uiTokenFile);
    out.uiToken = requireSendable(token, flags.uiTokenFile);
    out.uiTokenSource = flags.uiTokenFile;
    if (count > 1) out.notes.push(`${flags.uiTokenFile} holds ${count} tokens; probing with the first`);
  }
  if (flags.apiKeyFile !== undefined) {
    out.apiKey = apiKeySecret(apiKeyFromFile(await io.readFile(flags.apiKeyFile), flags.apiKeyFile), flags.apiKeyFile);
  }
  if (flags.shuffleTokenFile !== undefined) {
    out.shuffleToken = requireSendable(
      singleTokenFromFile(await io.readFile(flags.shuffleTokenFile), flags.shuffleTokenFile),
      flags.shuffleTokenFile,
    );
  }
  if (flags.taskTokenFile !== undefined) {
    out.taskToken = requireSendable(singleTokenFromFile(await io.readFile(flags.taskTokenFile), flags.taskTokenFile), flags.taskTokenFile);
  }
  if (env) {
    const where = envFile ?? '--env-file';
    if (!out.apiKey) {
      const found = flightKeyFromEnv(env);
      if (found) out.apiKey = apiKeySecret(found.key, `${where}: ${found.variable}`);
    }
    if (!out.shuffleToken) {
      const found = await shuffleTokenFromEnv(env, io, out.notes);
      if (found) out.shuffleToken = requireSendable(found.token, `${where}: ${found.variable}`);
    }
    shuffleSvcNotes(env, where, out.notes);
    if (!out.taskToken) {
      const t = trimmedVar(env, 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN');
      if (t) out.taskToken = requireSendable(t, `${where}: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN`);
    }
    if (!out.token) {
      const found = await coordinatorTokenFromEnv(env, io, out.notes);
      if (found) {
        out.tokenSource = `${where}: ${found.variable}`;
        out.token = requireSendable(found.token, out.tokenSource);
      }
    }
    if (!out.uiToken) {
      const found = await uiTokenFromEnv(env, io, out.notes);
      if (found) {
        out.uiTokenSource = `${where}: ${found.variable}`;
        out.uiToken = requireSendable(found.token, out.uiTokenSource);
      }
    }
    const jwks = env.get('KRISHIV_OIDC_JWKS_URI');
    if (jwks !== undefined) {
      if (rustTrim(jwks) !== '') out.jwksUri = rustTrim(jwks);
      else out.jwksBlank = true;
    }
  }
  return out;
}

async function readIfHere(file: string, variable: string, io: CredentialSources, notes: string[]): Promise<string | undefined> {
  if (!(await io.exists(file))) {
    notes.push(`${variable}=${file} does not exist here; not used`);
    return undefined;
  }
  try {
    return await io.readFile(file);
  } catch (error) {
    notes.push(`${variable}=${file} cannot be read here (${error instanceof Error ? error.message : String(error)}); not used`);
    return undefined;
  }
}

/** A variable trimmed as the engine trims it (Rust `str::trim`), or undefined when unset. */
function trimmedVar(env: EnvVars, name: string): string | undefined {
  const v = env.get(name);
  return v === undefined ? undefined : rustTrim(v);
}

/** The coordinator's own order (surface §4.1): the first token of the first source that yields one. */
async function coordinatorTokenFromEnv(
  env: EnvVars,
  io: CredentialSources,
  notes: string[],
): Promise<{ token: string; variable: string } | undefined> {
  // the coordinator's own source order (crates/krishiv-scheduler/src/auth.rs:222-291), shared with check-production
  for (const source of COORDINATOR_TOKEN_SOURCES) {
    const value = trimmedVar(env, source.name);
    if (!value) continue;
    const text = source.file ? await readIfHere(value, source.name, io, notes) : value;
    if (text === undefined) continue;
    const token = source.list ? splitTokens(text)[0] : rustTrim(text);
    if (token) return { token, variable: source.name };
  }
  return undefined;
}

/** The UI's order (surface §1): KRISHIV_UI_TOKEN trimmed, else the file's trimmed content. */
async function uiTokenFromEnv(
  env: EnvVars,
  io: CredentialSources,
  notes: string[],
): Promise<{ token: string; variable: string } | undefined> {
  const inline = trimmedVar(env, 'KRISHIV_UI_TOKEN');
  if (inline) return { token: inline, variable: 'KRISHIV_UI_TOKEN' };
  const file = trimmedVar(env, 'KRISHIV_UI_TOKEN_FILE');
  if (file) {
    const uiText = await readIfHere(file, 'KRISHIV_UI_TOKEN_FILE', io, notes);
    const t = uiText === undefined ? undefined : rustTrim(uiText);
    if (t) return { token: t, variable: 'KRISHIV_UI_TOKEN_FILE' };
  }
  return undefined;
}

/**
 * The key the engine's own Flight client sends (crates/krishiv-runtime/src/flight_client.rs:103-118):
 * KRISHIV_FLIGHT_API_KEY, else KRISHIV_API_KEY (each trimmed, if not empty), else the first key of KRISHIV_API_KEYS.
 */
function flightKeyFromEnv(env: EnvVars): { key: string; variable: string } | undefined {
  for (const variable of ['KRISHIV_FLIGHT_API_KEY', 'KRISHIV_API_KEY']) {
    const t = trimmedVar(env, variable);
    if (t) return { key: t, variable };
  }
  const raw = env.get('KRISHIV_API_KEYS');
  const key = raw === undefined ? undefined : firstApiKey(raw);
  return key === undefined ? undefined : { key, variable: 'KRISHIV_API_KEYS' };
}

/**
 * The shuffle token as executors resolve it, for their clients and the shuffle Flight service
 * (crates/krishiv-shuffle/src/token_auth.rs:25-43): KRISHIV_SHUFFLE_TOKEN trimmed if not empty, else the
 * trimmed content of KRISHIV_SHUFFLE_TOKEN_FILE.
 */
async function shuffleTokenFromEnv(
  env: EnvVars,
  io: CredentialSources,
  notes: string[],
): Promise<{ token: string; variable: string } | undefined> {
  const inline = trimmedVar(env, 'KRISHIV_SHUFFLE_TOKEN');
  if (inline) return { token: inline, variable: 'KRISHIV_SHUFFLE_TOKEN' };
  const file = env.get('KRISHIV_SHUFFLE_TOKEN_FILE');
  if (file) {
    const text = await readIfHere(file, 'KRISHIV_SHUFFLE_TOKEN_FILE', io, notes);
    const t = text === undefined ? undefined : rustTrim(text);
    if (t) return { token: t, variable: 'KRISHIV_SHUFFLE_TOKEN_FILE' };
  }
  return undefined;
}

/**
 * The standalone shuffle service reads KRISHIV_SHUFFLE_TOKEN raw, untrimmed, and its file only when the
 * variable is unset (crates/krishiv-shuffle/src/shuffle_svc.rs:110-123): say when that differs from
 * what the clients send.
 */
function shuffleSvcNotes(env: EnvVars, where: string, notes: string[]): void {
  const raw = env.get('KRISHIV_SHUFFLE_TOKEN');
  if (raw === undefined) return;
  if (raw === '') {
    notes.push(
      `${where}: KRISHIV_SHUFFLE_TOKEN is set but empty: the standalone shuffle service reads it raw, so it lets anonymous requests through (crates/krishiv-shuffle/src/shuffle_svc.rs:110, :523-530)`,
    );
  } else if (rustTrim(raw) !== raw) {
    notes.push(
      `${where}: KRISHIV_SHUFFLE_TOKEN has surrounding whitespace: clients send it trimmed but the standalone shuffle service compares it raw, so it accepts no request (crates/krishiv-shuffle/src/shuffle_svc.rs:110, :528)`,
    );
  }
}
