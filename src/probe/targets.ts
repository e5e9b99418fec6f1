/**
 * The probe's targets: URLs from argv and from a `--targets` file (one per line, `#`
 * comments, blank lines skipped, optionally followed by `grpc=host:port`).
 */
import { KrishivError, isKrishivError } from '../errors.js';
import { parseUrl } from '../io/http.js';
import { wordForMessage } from '../util/secret.js';
import { parseGrpcTarget } from '../io/grpc.js';
import type { ProbeTarget } from './types.js';

/** The engine's default coordinator HTTP address (surface §6.4). */
export const DEFAULT_TARGET = 'http://127.0.0.1:2002';

/** A service URL; user:password, query and fragment dropped (the probe sends only the credentials it was given). */
export function parseServiceUrl(text: string, what: string): URL {
  const url = parseUrl(text.trim(), what);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url;
}

/** Paths the coordinator serves at its root (crates/krishiv-scheduler/src/coordinator_daemon.rs:550-651, the UI router). */
const COORDINATOR_ROUTE = /^\/(ui|api|healthz|readyz|leaderz|metrics|assets)(\/|$)/i;

/**
 * A coordinator URL. A base path (a proxy prefix such as `/krishiv`) is kept: every request goes
 * under it. A path that is one of the coordinator's own routes (`/ui`, `/api/v1/…`) is refused, not
 * silently dropped: the probe would otherwise request `/ui/healthz`.
 */
export function parseTargetUrl(text: string, what: string): URL {
  const url = parseServiceUrl(text, what);
  const m = COORDINATOR_ROUTE.exec(url.pathname);
  if (m) {
    throw new KrishivError(
      'ERR_URL_INVALID',
      `${url.pathname} is a coordinator route, not a base path: give the coordinator's root URL (${url.origin}); the probe requests /healthz, /api/v1/jobs and /ui under it`,
      { input: what },
    );
  }
  return url;
}

/** A JWKS or issuer URL, validated (http or https) and kept as given. */
export function parseDocumentUrl(text: string, what: string): string {
  parseUrl(text.trim(), what);
  return text.trim();
}

export function parseGrpcAddress(text: string, what: string): string {
  try {
    const u = parseGrpcTarget(text.trim());
    return u.protocol === 'https:' ? `https://${u.host}` : u.host;
  } catch (error) {
    if (isKrishivError(error)) throw new KrishivError(error.code, error.message, { input: what });
    throw error;
  }
}

/** The per-target credential files of a `--targets` line, resolved against the targets file's directory. */
export interface TargetFiles {
  tokenFile?: string;
  uiTokenFile?: string;
  apiKeyFile?: string;
  shuffleTokenFile?: string;
  taskTokenFile?: string;
  envFile?: string;
}

export interface TargetLine {
  target: ProbeTarget;
  files: TargetFiles;
}

const ADDRESS_KEYS = { grpc: 'grpc', flight: 'flight', shuffle: 'shuffle', executor: 'executor', barrier: 'barrier' } as const;
const FILE_KEYS = {
  'token-file': 'tokenFile',
  'ui-token-file': 'uiTokenFile',
  'api-key-file': 'apiKeyFile',
  'shuffle-token-file': 'shuffleTokenFile',
  'task-token-file': 'taskTokenFile',
  'env-file': 'envFile',
} as const;
const KNOWN = [...Object.keys(ADDRESS_KEYS), 'shuffle-svc', ...Object.keys(FILE_KEYS)].map((k) => `${k}=`).join(', ');

/**
 * One line of a targets file: the coordinator URL, then `key=value` options: the addresses of the
 * other surfaces (grpc=, flight=, shuffle=, shuffle-svc=, executor=, barrier=) and this target's own
 * credential files (token-file=, ui-token-file=, api-key-file=, shuffle-token-file=, task-token-file=,
 * env-file=), relative to `baseDir`. Returns undefined for a blank or comment line.
 */
export function parseTargetLine(raw: string, where: string, resolvePath: (file: string) => string): TargetLine | undefined {
  const line = raw
    .replace(/^\uFEFF/, '')
    .replace(/(^|\s)#.*$/, '')
    .trim();
  if (line === '') return undefined;
  const words = line.split(/\s+/);
  // A line may start with a surface instead of a coordinator URL: only the surfaces it names are probed.
  const noCoordinator = /^[a-z-]+=/.test(words[0]!);
  const [url, ...rest] = noCoordinator ? [DEFAULT_TARGET, ...words] : words;
  let target: ProbeTarget;
  try {
    target = { url: parseTargetUrl(url!, where) };
  } catch (error) {
    if (isKrishivError(error)) throw new KrishivError(error.code, error.message, { input: where });
    throw error;
  }
  const files: TargetFiles = {};
  const seen = new Set<string>();
  for (const option of rest) {
    const eq = option.indexOf('=');
    const key = eq === -1 ? option : option.slice(0, eq);
    const value = eq === -1 ? '' : option.slice(eq + 1);
    if (eq === -1 || value === '' || !(key in ADDRESS_KEYS || key in FILE_KEYS || key === 'shuffle-svc')) {
      // a value or a bare word is echoed only when name-shaped: `token=<the token>` is a likely slip
      const shown = wordForMessage(option);
      throw new KrishivError('ERR_USAGE', `unknown "${shown}" after the URL (known: ${KNOWN})`, { input: where });
    }
    if (seen.has(key)) throw new KrishivError('ERR_USAGE', `${key}= given twice`, { input: where });
    seen.add(key);
    if (key in ADDRESS_KEYS) target[ADDRESS_KEYS[key as keyof typeof ADDRESS_KEYS]] = parseGrpcAddress(value, where);
    else if (key === 'shuffle-svc') target.shuffleSvc = parseServiceUrl(value, where);
    else files[FILE_KEYS[key as keyof typeof FILE_KEYS]] = resolvePath(value);
  }
  if (noCoordinator) {
    const first = target.flight ?? target.shuffle ?? target.executor ?? target.barrier ?? target.shuffleSvc?.toString() ?? target.grpc;
    if (first === undefined)
      throw new KrishivError('ERR_USAGE', 'no coordinator URL and no surface address on this line', { input: where });
    target.label = first;
    if (target.grpc === undefined) target.coordinatorHttp = false;
    else delete target.label;
  }
  return { target, files };
}

export function parseTargetsFile(text: string, file: string, resolvePath: (file: string) => string = (f) => f): TargetLine[] {
  const out: TargetLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = parseTargetLine(raw, `${file}:${i + 1}`, resolvePath);
    if (t) out.push(t);
  });
  return out;
}

/** A positive integer flag. */
export function parseCount(text: string, what: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new KrishivError('ERR_USAGE', `"${t.slice(0, 20)}" is not a whole number from ${min} to ${max}`, { input: what });
  }
  return Number(t);
}
