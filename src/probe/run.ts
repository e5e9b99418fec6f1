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
import type { CheckResult, ProbeOptions, ProbeReport, ProbeTarget, TargetResult } from './types.js';

/** The coordinator method for the gRPC check (surface §6.3). */
export const GRPC_PROBE_PATH = '/krishiv.transport.v1.CoordinatorManagement/ListCheckpoints';

export interface ProbeIo {
  http(url: URL, options: HttpRequestOptions): Promise<HttpResponse>;
  grpc(options: GrpcCallOptions): Promise<GrpcCallResult>;
  now(): Date;
  /** a fresh random token for api_rejects_invalid */
  randomToken(): string;
  /** jwks / oidc_discovery (absent: those checks are skipped as not configured) */
  jwks?: JwksProbe;
}

export interface ProbeHooks {
  /** after each target */
  onTarget?(done: number, total: number, target: TargetResult): void;
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
  return `Bearer ${secret.fingerprint}`;
}

export async function probeTarget(target: ProbeTarget, options: ProbeOptions, io: ProbeIo): Promise<TargetResult> {
  const base = target.url;
  const { token, uiToken } = options.credentials;
  const secrets = [token?.reveal(), uiToken?.reveal()].filter((s): s is string => s !== undefined);
  const common: HttpRequestOptions = { timeoutMs: options.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) };

  const http = async (method: string, path: string, credential?: Secret, extra: Partial<HttpRequestOptions> = {}): Promise<HttpExchange> => {
    const url = endpoint(base, path);
    if (url.origin !== base.origin) throw new KrishivError('ERR_INTERNAL', 'a probe request left the target origin');
    const headers: Record<string, string> = {};
    if (credential) headers['authorization'] = `Bearer ${credential.reveal()}`;
    const r = await withRetries(options.retries, () => io.http(url, { ...common, ...extra, method, headers }));
    const x: HttpExchange = { method, path };
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
  const random = new Secret(io.randomToken());

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

  const judged: Judged[] = [
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
  const checks: CheckResult[] = attributeRootCauses(judged).map(publicCheck);
  checks.push(...(io.jwks ? await io.jwks.results() : notConfiguredJwksResults()));
  return { url: displayUrl(base), ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** The target as shown: no credentials, no trailing slash. */
export function displayUrl(url: URL): string {
  const u = new URL(url.toString());
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/$/, '');
}

/** Probes every target, at most `concurrency` at once; results in the order given. */
export async function runProbe(options: ProbeOptions, io: ProbeIo, hooks: ProbeHooks = {}): Promise<ProbeReport> {
  const results: TargetResult[] = new Array(options.targets.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= options.targets.length) return;
      const r = await probeTarget(options.targets[i]!, options, io);
      results[i] = r;
      done++;
      hooks.onTarget?.(done, options.targets.length, r);
    }
  };
  // The JWKS checks do not depend on a target: start their fetch now, alongside the first targets.
  io.jwks?.results().catch(() => undefined);
  const n = Math.max(1, Math.min(options.concurrency, options.targets.length));
  await Promise.all(Array.from({ length: n }, worker));
  return { ok: results.every((t) => t.ok), targets: results };
}
