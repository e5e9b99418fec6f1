/**
 * Runs the probe: targets a few at a time, each target's requests in parallel, then the
 * pure verdicts of checks.ts. The network comes in through `ProbeIo` (the real one wraps
 * src/io/http.ts and src/io/grpc.ts), so tests can drive it.
 *
 * Credentials only ever go to URLs built from the target's own origin and a fixed path;
 * redirects are never followed.
 */
import { KrishivError, isKrishivError } from '../errors.js';
import type { HttpRequestOptions, HttpResponse } from '../io/http.js';
import type { GrpcCallOptions, GrpcCallResult } from '../io/grpc.js';
import { Secret } from '../util/secret.js';
import {
  attributeRootCauses,
  describeNoAnswer,
  judgeApiAcceptsToken,
  judgeApiRejectsInvalid,
  judgeApiRequiresAuth,
  judgeGrpc,
  judgeHealth,
  judgeReadiness,
  judgeTls,
  judgeUiAcceptsToken,
  judgeUiRequiresToken,
  publicCheck,
  type GrpcExchange,
  type HttpExchange,
  type Judged,
} from './checks.js';
import { notConfiguredJwksResults, type JwksProbe } from './jwks-check.js';
import { redactInPlace } from './render.js';
import {
  SHUFFLE_SVC_PATH,
  SURFACES,
  combine,
  judgeAccepts,
  judgeRequiresAuth,
  judgeShuffleSvcAccepts,
  judgeShuffleSvcRequiresAuth,
  type GrpcSurfaceId,
  type SurfaceVerdict,
} from './surfaces.js';
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type ProbeCredentials,
  type ProbeOptions,
  type ProbeReport,
  type ProbeTarget,
  type TargetResult,
} from './types.js';

/** The coordinator's HTTP checks: those reported before its gRPC one. */
const HTTP_CHECKS: readonly CheckId[] = CHECK_IDS.slice(0, CHECK_IDS.indexOf('grpc_requires_auth'));
/** The coordinator method for the gRPC check (surface §6.3). */
const GRPC_PROBE_PATH = '/krishiv.transport.v1.CoordinatorManagement/ListCheckpoints';

export interface ProbeIo {
  http(url: URL, options: HttpRequestOptions): Promise<HttpResponse>;
  grpc(options: GrpcCallOptions): Promise<GrpcCallResult>;
  /**
   * Connections for one target, reused by its requests (fewer connections to set up), closed when the
   * target is done. Absent: every request its own connection.
   */
  forTarget?(): { http: ProbeIo['http']; grpc: ProbeIo['grpc']; close(): void };
  now(): Date;
  /** a fresh random token for api_rejects_invalid */
  randomToken(): string;
  /** jwks / oidc_discovery (absent: those checks are skipped as not configured) */
  jwks?: JwksProbe;
}

export interface ProbeHooks {
  /** after each target, in the order they complete (`total` unknown for a stream) */
  onTarget?(done: number, total: number | undefined, target: TargetResult): void;
}

/** The URL for a fixed path under the target (keeps a base path such as `/krishiv`). */
export function endpoint(base: URL, path: string): URL {
  const u = new URL(base.origin);
  u.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  return u;
}

function isRetryable(error: KrishivError): boolean {
  if (error.code === 'ERR_TIMEOUT') return true;
  // A refused or reset connection may be a restart in progress; a protocol error or a TLS
  // failure will not change on a second try, and an answer (any status) is never retried.
  return error.code === 'ERR_NETWORK' && error.message.startsWith('unreachable');
}

async function withRetries<T>(retries: number, fn: () => Promise<T>): Promise<{ value?: T; error?: KrishivError }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await fn() };
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      if (attempt >= retries || !isRetryable(error)) return { error };
    }
  }
}

function authHeader(secret: Secret): string {
  return `Bearer ${secret.display}`;
}

/**
 * What of an API key must never be shown: for one of ours (`krishiv_<id>_<secret>`, shown as `krishiv_<id>_…`)
 * the part after its public prefix, so masking reflected text leaves the prefix the report itself shows.
 */
function secretPart(key: Secret | undefined): Secret | undefined {
  if (!key?.display.endsWith('_…')) return key;
  const prefix = key.display.slice(0, -1);
  const plain = key.reveal();
  return plain.startsWith(prefix) ? new Secret(plain.slice(prefix.length)) : key;
}

let lastRandom: Secret | undefined;
/** The random token as a Secret, made once while the token stays the same (its fingerprint is computed once). */
function randomSecret(text: string): Secret {
  if (lastRandom?.reveal() !== text) lastRandom = new Secret(text);
  return lastRandom;
}

/** The credentials for one target: each kind its `--targets` line gives replaces the global one. */
function effectiveCredentials(target: ProbeTarget, global: ProbeCredentials): ProbeCredentials {
  const own = target.credentials ?? {};
  const out: ProbeCredentials = {};
  for (const k of ['token', 'uiToken', 'apiKey', 'shuffleToken', 'taskToken'] as const) {
    const v = own[k] ?? global[k];
    if (v) out[k] = v;
  }
  return out;
}

async function probeTarget(target: ProbeTarget, options: ProbeOptions, io: ProbeIo): Promise<TargetResult> {
  const scoped = io.forTarget?.();
  if (!scoped) return probeTargetWith(target, options, io);
  try {
    return await probeTargetWith(target, options, { ...io, http: scoped.http, grpc: scoped.grpc });
  } finally {
    scoped.close();
  }
}

async function probeTargetWith(target: ProbeTarget, options: ProbeOptions, io: ProbeIo): Promise<TargetResult> {
  const base = target.url;
  const creds = effectiveCredentials(target, options.credentials);
  const { token, uiToken } = creds;
  const secrets = [token, uiToken, creds.apiKey, creds.shuffleToken, creds.taskToken]
    .filter((s): s is Secret => s !== undefined)
    .map((s) => s.reveal());
  const common: HttpRequestOptions = { timeoutMs: options.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) };

  const http = async (
    method: string,
    path: string,
    credential?: Secret,
    extra: Partial<HttpRequestOptions> = {},
  ): Promise<HttpExchange> => {
    const url = endpoint(base, path);
    if (url.origin !== base.origin) throw new KrishivError('ERR_INTERNAL', 'a probe request left the target origin');
    const headers: Record<string, string> = {};
    if (credential) headers['authorization'] = `Bearer ${credential.reveal()}`;
    const r = await withRetries(options.retries, () => io.http(url, { ...common, ...extra, method, headers }));
    // The evidence shows the path really requested (a base path such as `/krishiv` kept).
    const x: HttpExchange = { method, path: url.pathname };
    if (credential) x.authorization = authHeader(credential);
    if (r.value) x.response = r.value;
    if (r.error) x.error = r.error;
    return x;
  };
  const grpc = async (credential?: Secret): Promise<GrpcExchange> => {
    const metadata: Record<string, string> = {};
    if (credential) metadata['authorization'] = `Bearer ${credential.reveal()}`;
    const r = await withRetries(options.retries, () =>
      io.grpc({
        target: target.grpc!,
        path: GRPC_PROBE_PATH,
        metadata,
        timeoutMs: options.timeoutMs,
        ...(options.ca ? { ca: options.ca } : {}),
      }),
    );
    const x: GrpcExchange = { path: GRPC_PROBE_PATH };
    if (credential) x.authorization = authHeader(credential);
    if (r.value) x.result = r.value;
    if (r.error) x.error = r.error;
    return x;
  };
  const random = randomSecret(io.randomToken());

  // The other surfaces: each gets only its own credential (the API key only to Flight SQL, the
  // shuffle token only to shuffle, the task token only to executor task and barrier gRPC).
  const surfaceCall = async (id: GrpcSurfaceId, address: string, credential?: Secret): Promise<GrpcExchange> => {
    const surface = SURFACES[id];
    const metadata: Record<string, string> = {};
    if (credential) metadata['authorization'] = `Bearer ${credential.reveal()}`;
    const r = await withRetries(options.retries, () =>
      io.grpc({
        target: address,
        path: surface.path,
        metadata,
        noMessage: surface.noMessage,
        timeoutMs: options.timeoutMs,
        ...(options.ca ? { ca: options.ca } : {}),
      }),
    );
    const x: GrpcExchange = { path: surface.path };
    if (credential) x.authorization = authHeader(credential);
    if (r.value) x.result = r.value;
    if (r.error) x.error = r.error;
    return x;
  };
  const surfaceCredential: Record<GrpcSurfaceId, Secret | undefined> = {
    flight: creds.apiKey,
    shuffle: creds.shuffleToken,
    executor: creds.taskToken,
    barrier: creds.taskToken,
  };
  const grpcSurfaces = (['flight', 'shuffle', 'executor', 'barrier'] as const).filter((id) => target[id] !== undefined);
  const surfaceRuns = Promise.all(
    grpcSurfaces.map(async (id) => {
      const address = target[id]!;
      const credential = surfaceCredential[id];
      const [anon, withCred] = await Promise.all([surfaceCall(id, address), credential ? surfaceCall(id, address, credential) : undefined]);
      const requires = judgeRequiresAuth(SURFACES[id], address, anon);
      return { id, requires, accepts: judgeAccepts(SURFACES[id], address, requires.kind, withCred) };
    }),
  );
  const svcRun = (async () => {
    const svc = target.shuffleSvc;
    if (!svc) return undefined;
    const call = async (credential?: Secret): Promise<HttpExchange> => {
      const url = endpoint(svc, SHUFFLE_SVC_PATH);
      if (url.origin !== svc.origin) throw new KrishivError('ERR_INTERNAL', 'a probe request left the shuffle service origin');
      const headers: Record<string, string> = {};
      if (credential) headers['authorization'] = `Bearer ${credential.reveal()}`;
      const r = await withRetries(options.retries, () => io.http(url, { ...common, method: 'GET', headers }));
      const x: HttpExchange = { method: 'GET', path: url.pathname };
      if (credential) x.authorization = authHeader(credential);
      if (r.value) x.response = r.value;
      if (r.error) x.error = r.error;
      return x;
    };
    const [anon, withToken] = await Promise.all([call(), creds.shuffleToken ? call(creds.shuffleToken) : undefined]);
    const origin = displayUrl(svc);
    const requires = judgeShuffleSvcRequiresAuth(origin, anon, secrets);
    return { requires, accepts: judgeShuffleSvcAccepts(origin, requires.kind, withToken, secrets) };
  })();

  const judged: Judged[] = target.coordinatorHttp === false ? noCoordinatorHttp() : await coordinatorChecks();
  async function coordinatorChecks(): Promise<Judged[]> {
    const [health, ready, apiAnon, apiInvalid, apiToken, uiAnon, sqlAnon, uiWithToken, grpcAnon, grpcToken] = await Promise.all([
      http('GET', '/healthz'),
      http('GET', '/readyz'),
      http('GET', '/api/v1/jobs'),
      http('GET', '/api/v1/jobs', random),
      token ? http('GET', '/api/v1/jobs', token) : undefined,
      http('GET', '/ui'),
      // Empty body: the route's auth answers before any handler; no SQL is ever sent.
      http('POST', '/api/v1/sql', undefined, { body: '' }),
      uiToken ? http('GET', '/ui', uiToken) : undefined,
      target.grpc ? grpc() : undefined,
      target.grpc && token ? grpc(token) : undefined,
    ]);

    let tls: Judged;
    if (base.protocol !== 'https:') {
      tls = judgeTls(base, undefined, io.now(), options.tlsWarnDays);
    } else if (health.response) {
      tls = judgeTls(base, health.response.tls, io.now(), options.tlsWarnDays, health);
    } else if (health.error?.code === 'ERR_TLS') {
      // Look at the certificate that failed verification, without sending anything.
      const inspection = await http('GET', '/healthz', undefined, { insecureTls: true });
      tls = judgeTls(base, inspection.response?.tls, io.now(), options.tlsWarnDays, inspection);
      if (tls.status === 'pass' || tls.status === 'warn') {
        tls = { ...tls, status: 'fail', message: `${describeNoAnswer(health)}` };
      }
    } else {
      tls = { id: 'tls', status: 'skip', message: 'not checked: the target did not answer (see health)', evidence: null };
    }

    return [
      judgeHealth(health, secrets),
      judgeReadiness(ready, secrets),
      tls,
      judgeApiRequiresAuth(apiAnon, secrets),
      judgeApiRejectsInvalid(apiInvalid, secrets),
      judgeApiAcceptsToken(apiToken, secrets),
      judgeUiRequiresToken(uiAnon, sqlAnon, secrets),
      judgeUiAcceptsToken(uiWithToken, secrets),
      judgeGrpc(target.grpc, grpcAnon, grpcToken),
    ];
  }
  /** Only other surfaces were given: the coordinator's HTTP checks are not run (its gRPC is, when given). */
  function noCoordinatorHttp(): Judged[] {
    const skip = (id: CheckId): Judged => ({
      id,
      status: 'skip',
      message: 'no coordinator URL given (only other surfaces were asked for)',
      evidence: null,
    });
    return [
      ...HTTP_CHECKS.map(skip),
      { id: 'grpc_requires_auth', status: 'skip', message: 'no coordinator gRPC address given (--grpc host:port)', evidence: null },
    ];
  }
  const runs = await surfaceRuns;
  const svc = await svcRun;
  const of = (ids: GrpcSurfaceId[], which: 'requires' | 'accepts'): SurfaceVerdict[] =>
    runs.filter((r) => ids.includes(r.id)).map((r) => r[which]);
  const svcOf = (which: 'requires' | 'accepts'): SurfaceVerdict[] => (svc ? [svc[which]] : []);
  const surfaceChecks: Judged[] = [
    combine('flight_requires_auth', of(['flight'], 'requires'), 'no Flight SQL address given (--flight host:port)'),
    combine('flight_accepts_key', of(['flight'], 'accepts'), 'no Flight SQL address given (--flight host:port)'),
    combine(
      'shuffle_requires_auth',
      [...of(['shuffle'], 'requires'), ...svcOf('requires')],
      'no shuffle address given (--shuffle host:port, --shuffle-svc URL)',
    ),
    combine(
      'shuffle_accepts_token',
      [...of(['shuffle'], 'accepts'), ...svcOf('accepts')],
      'no shuffle address given (--shuffle host:port, --shuffle-svc URL)',
    ),
    combine(
      'executor_requires_auth',
      of(['executor', 'barrier'], 'requires'),
      'no executor address given (--executor host:port, --barrier host:port)',
    ),
    combine(
      'executor_accepts_token',
      of(['executor', 'barrier'], 'accepts'),
      'no executor address given (--executor host:port, --barrier host:port)',
    ),
  ];
  judged.push(...surfaceChecks);
  const checks: CheckResult[] = attributeRootCauses(judged).map(publicCheck);
  checks.push(...(io.jwks ? await io.jwks.results() : notConfiguredJwksResults()));
  const result: TargetResult = { url: target.label ?? displayUrl(base), ok: checks.every((c) => c.status !== 'fail'), checks };
  // A server may reflect what it was sent (message, Location, WWW-Authenticate, gRPC message): every
  // credential this target used is masked before the result leaves here (text, JSON and --jsonl alike).
  return redactInPlace(result, [creds.token, creds.uiToken, secretPart(creds.apiKey), creds.shuffleToken, creds.taskToken, random]);
}

/** The target as shown: no credentials, no trailing slash. */
function displayUrl(url: URL): string {
  const u = new URL(url.toString());
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/$/, '');
}

/**
 * Probes every target, at most `concurrency` at once; results in the order given. `targets` may be
 * a stream (an async iterable): targets are pulled as workers free up. With `keep: false` no result
 * is kept (the caller streams them from `onTarget`), so memory stays flat in the number of targets.
 */
export async function runProbe(
  options: Omit<ProbeOptions, 'targets'> & { targets: Iterable<ProbeTarget> | AsyncIterable<ProbeTarget> },
  io: ProbeIo,
  hooks: ProbeHooks & { keep?: boolean } = {},
): Promise<ProbeReport & { summary: { targets: number; ok: number; failing: number } }> {
  const keep = hooks.keep ?? true;
  const results: TargetResult[] = [];
  const source = options.targets;
  const iterator: AsyncIterator<ProbeTarget> | Iterator<ProbeTarget> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<ProbeTarget>)[Symbol.iterator]();
  const total = Array.isArray(source) ? source.length : undefined;
  let next = 0;
  let done = 0;
  let failing = 0;
  let finished = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (finished) return;
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        return;
      }
      const i = next++;
      const r = await probeTarget(step.value, options as ProbeOptions, io);
      if (keep) results[i] = r;
      done++;
      if (!r.ok) failing++;
      hooks.onTarget?.(done, total, r);
    }
  };
  // The JWKS checks do not depend on a target: start their fetch now, alongside the first targets.
  io.jwks?.results().catch(() => undefined);
  const n = Math.max(1, Math.min(options.concurrency, total ?? options.concurrency));
  await Promise.all(Array.from({ length: n }, worker));
  return { ok: failing === 0, targets: results, summary: { targets: done, ok: done - failing, failing } };
}
