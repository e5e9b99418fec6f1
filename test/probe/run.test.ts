import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { httpRequest, type HttpResponse } from '../../src/io/http.js';
import { grpcUnaryCall } from '../../src/io/grpc.js';
import { runProbe, type ProbeIo } from '../../src/probe/run.js';
import type { CheckResult, ProbeOptions, ProbeReport, TargetResult } from '../../src/probe/types.js';
import { Secret } from '../../src/util/secret.js';
import {
  DOUBLE_TOKEN,
  DOUBLE_UI_TOKEN,
  MISCONFIGURATIONS,
  closedPort,
  startCoordinatorDouble,
  type CoordinatorDouble,
  type CoordinatorDoubleOptions,
} from '../helpers/coordinator-double.js';

const RANDOM = 'random-invalid-token-0123456789';
const realIo: ProbeIo = {
  http: (url, o) => httpRequest(url, o),
  grpc: (o) => grpcUnaryCall(o),
  now: () => new Date(),
  randomToken: () => RANDOM,
};

function options(url: string, grpc: string | undefined, extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    targets: [{ url: new URL(url), ...(grpc ? { grpc } : {}) }],
    credentials: { token: new Secret(DOUBLE_TOKEN), uiToken: new Secret(DOUBLE_UI_TOKEN) },
    jwks: {},
    timeoutMs: 2000,
    concurrency: 8,
    retries: 0,
    tlsWarnDays: 30,
    ...extra,
  };
}

function byId(t: TargetResult): Record<string, CheckResult> {
  return Object.fromEntries(t.checks.map((c) => [c.id, c]));
}
const failing = (r: ProbeReport): string[] => r.targets[0]!.checks.filter((c) => c.status === 'fail').map((c) => c.id);

const doubles: CoordinatorDouble[] = [];
async function double(o: CoordinatorDoubleOptions = {}): Promise<CoordinatorDouble> {
  const d = await startCoordinatorDouble(o);
  doubles.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(doubles.map((d) => d.close()));
});

function assertNoSecret(r: ProbeReport): void {
  const text = JSON.stringify(r);
  expect(text).not.toContain(DOUBLE_TOKEN);
  expect(text).not.toContain(DOUBLE_UI_TOKEN);
  expect(text).not.toContain(RANDOM);
}

describe('probe against a correctly configured coordinator double', () => {
  let d: CoordinatorDouble;
  let report: ProbeReport;
  beforeAll(async () => {
    d = await double();
    report = await runProbe(options(d.url, d.grpcTarget), realIo);
  });

  it('passes every check (tls, jwks and oidc_discovery are skipped: plain http, not configured)', () => {
    const t = report.targets[0]!;
    expect(report.ok).toBe(true);
    expect(t.url).toBe(d.url);
    expect(t.checks.map((c) => [c.id, c.status])).toEqual([
      ['health', 'pass'],
      ['readiness', 'pass'],
      ['tls', 'skip'],
      ['api_requires_auth', 'pass'],
      ['api_rejects_invalid', 'pass'],
      ['api_accepts_token', 'pass'],
      ['ui_requires_token', 'pass'],
      ['ui_accepts_token', 'pass'],
      ['grpc_requires_auth', 'pass'],
      ['flight_requires_auth', 'skip'],
      ['flight_accepts_key', 'skip'],
      ['shuffle_requires_auth', 'skip'],
      ['shuffle_accepts_token', 'skip'],
      ['executor_requires_auth', 'skip'],
      ['executor_accepts_token', 'skip'],
      ['jwks', 'skip'],
      ['oidc_discovery', 'skip'],
    ]);
  });

  it('records evidence: method, path, status, latency, header, fingerprint of what was sent', () => {
    const c = byId(report.targets[0]!);
    expect(c['health']!.evidence).toMatchObject({ method: 'GET', path: '/healthz', status: 200, outcome: 'answered' });
    expect(c['health']!.evidence!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(c['api_requires_auth']!.evidence).toMatchObject({
      method: 'GET',
      path: '/api/v1/jobs',
      status: 401,
      header: 'WWW-Authenticate: Bearer',
      body: 'missing bearer token',
    });
    expect(c['api_rejects_invalid']!.evidence).toMatchObject({
      status: 401,
      body: 'invalid bearer token',
      authorization: `Bearer ${new Secret(RANDOM).fingerprint}`,
    });
    expect(c['api_rejects_invalid']!.evidence!.header).toBeUndefined();
    expect(c['api_accepts_token']!.evidence).toMatchObject({
      status: 200,
      authorization: `Bearer ${new Secret(DOUBLE_TOKEN).fingerprint}`,
    });
    expect(c['ui_requires_token']!.evidence).toMatchObject({
      method: 'GET',
      path: '/ui',
      status: 401,
      more: [{ method: 'POST', path: '/api/v1/sql', status: 401 }],
    });
    expect(c['grpc_requires_auth']!.evidence).toMatchObject({
      method: 'POST',
      path: '/krishiv.transport.v1.CoordinatorManagement/ListCheckpoints',
      status: 16,
      grpcMessage: 'missing Bearer token',
      more: [{ status: 0, authorization: `Bearer ${new Secret(DOUBLE_TOKEN).fingerprint}` }],
    });
  });

  it('never sends SQL: the POST to /api/v1/sql is empty', () => {
    const posts = d.requests.filter((r) => r.path === '/api/v1/sql');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: 'POST', body: '' });
    expect(posts[0]!.authorization).toBeUndefined();
  });

  it('keeps credentials out of the report (the UI page embeds its token; 2xx bodies are never kept)', () => {
    assertNoSecret(report);
  });
});

describe('each misconfiguration fails exactly the check that names it', () => {
  it.each(Object.entries(MISCONFIGURATIONS))('%s', async (_name, { options: o, failing: expected }) => {
    const d = await double(o);
    const report = await runProbe(options(d.url, d.grpcTarget), realIo);
    expect(failing(report)).toEqual(expected);
    expect(report.ok).toBe(false);
    assertNoSecret(report);
  });

  it.each([
    ['anonymous_control_plane', 'api_requires_auth', /control plane is open: anonymous GET \/api\/v1\/jobs answered 200/, { status: 200 }],
    [
      'no_tokens_configured',
      'api_requires_auth',
      /no bearer tokens are configured/,
      { status: 401, body: 'coordinator HTTP auth is required but no bearer tokens are configured' },
    ],
    ['open_ui', 'ui_requires_token', /the UI is open: anonymous GET \/ui answered 200.*the SQL endpoint is open/, { status: 200 }],
    [
      'open_sql_endpoint',
      'ui_requires_token',
      /^the SQL endpoint is open: an empty anonymous POST \/api\/v1\/sql answered 415/,
      { status: 401 },
    ],
    [
      'ui_token_missing_fail_closed',
      'ui_requires_token',
      /no UI token is configured.*authentication not configured/,
      { status: 401, body: 'authentication not configured' },
    ],
    ['grpc_open', 'grpc_requires_auth', /coordinator gRPC is open: a call without credentials ended with OK/, { status: 0 }],
  ] as const)('%s: %s says why, with evidence', async (name, id, message, evidence) => {
    const d = await double(MISCONFIGURATIONS[name]!.options);
    const report = await runProbe(options(d.url, d.grpcTarget), realIo);
    const c = byId(report.targets[0]!)[id]!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(message);
    expect(c.evidence).toMatchObject(evidence);
  });

  it('points dependent checks at the root cause instead of failing them twice', async () => {
    const d = await double(MISCONFIGURATIONS['no_tokens_configured']!.options);
    const c = byId((await runProbe(options(d.url, d.grpcTarget), realIo)).targets[0]!);
    expect(c['api_accepts_token']).toMatchObject({ status: 'skip' });
    expect(c['api_accepts_token']!.message).toMatch(/no bearer tokens configured \(see api_requires_auth\)/);
    const open = await double(MISCONFIGURATIONS['anonymous_control_plane']!.options);
    const o = byId((await runProbe(options(open.url, open.grpcTarget), realIo)).targets[0]!);
    expect(o['api_rejects_invalid']!.message).toMatch(/random token was accepted.*see api_requires_auth/);
    const fc = await double(MISCONFIGURATIONS['ui_token_missing_fail_closed']!.options);
    const u = byId((await runProbe(options(fc.url, fc.grpcTarget), realIo)).targets[0]!);
    expect(u['ui_accepts_token']).toMatchObject({ status: 'skip' });
  });
});

describe('rejections, unreachable targets and timeouts are different outcomes', () => {
  it('a rejected token fails api_accepts_token and says HTTP needs a restart to pick up new tokens', async () => {
    const d = await double({ tokens: ['some-other-token'], grpcTokens: ['some-other-token'] });
    const c = byId((await runProbe(options(d.url, d.grpcTarget), realIo)).targets[0]!);
    expect(c['api_accepts_token']!.status).toBe('fail');
    expect(c['api_accepts_token']!.message).toMatch(
      /rejected \(401 "invalid bearer token"\).*only after a restart \(crates\/krishiv-scheduler\/src\/coordinator_daemon\.rs:647\)/,
    );
    expect(c['api_accepts_token']!.evidence).toMatchObject({ status: 401, outcome: 'answered' });
    expect(c['grpc_requires_auth']!.status).toBe('fail');
    expect(c['grpc_requires_auth']!.message).toMatch(/the token was rejected too \(invalid API key\)/);
  });

  it('a refused connection is "unreachable", reported once under health', async () => {
    const port = await closedPort();
    const grpcPort = await closedPort();
    const r = await runProbe(options(`http://127.0.0.1:${port}`, `127.0.0.1:${grpcPort}`), realIo);
    const c = byId(r.targets[0]!);
    expect(c['health']).toMatchObject({ status: 'fail', message: 'GET /healthz: unreachable: connection refused' });
    expect(c['health']!.evidence).toMatchObject({ status: null, outcome: 'unreachable', error: { code: 'ERR_NETWORK' } });
    expect(failing(r)).toEqual(['health', 'grpc_requires_auth']);
    expect(c['grpc_requires_auth']!.message).toMatch(/unreachable: connection refused/);
    for (const id of ['readiness', 'api_requires_auth', 'ui_requires_token']) {
      expect(c[id]!.status).toBe('skip');
      expect(c[id]!.message).toMatch(/^not checked: the target did not answer \(see health\)/);
    }
  });

  it('a target that never answers is a timeout after --timeout', async () => {
    const d = await double({ hang: true });
    const r = await runProbe(options(d.url, d.grpcTarget, { timeoutMs: 300 }), realIo);
    const c = byId(r.targets[0]!);
    expect(c['health']).toMatchObject({ status: 'fail', message: 'GET /healthz: no answer, timed out after 300 ms' });
    expect(c['health']!.evidence).toMatchObject({ outcome: 'timeout', error: { code: 'ERR_TIMEOUT' } });
    expect(c['grpc_requires_auth']).toMatchObject({ status: 'fail' });
    expect(c['grpc_requires_auth']!.message).toMatch(/no answer: gRPC call timed out after 300 ms/);
    expect(failing(r)).toEqual(['health', 'grpc_requires_auth']);
  });

  it('a gRPC address that does not speak gRPC is reported as such', async () => {
    const d = await double();
    const h1 = byId((await runProbe(options(d.url, `127.0.0.1:${d.port}`), realIo)).targets[0]!);
    expect(h1['grpc_requires_auth']!.status).toBe('fail');
    expect(h1['grpc_requires_auth']!.message).toMatch(/no gRPC answer \(not an HTTP\/2 gRPC endpoint\?\)/);
    const h2 = await import('node:http2');
    const plain = h2.createServer();
    plain.on('stream', (st) => {
      st.respond({ ':status': 404, 'content-type': 'text/plain' });
      st.end('nope');
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const target = `127.0.0.1:${(plain.address() as import('node:net').AddressInfo).port}`;
      const c = byId((await runProbe(options(d.url, target), realIo)).targets[0]!);
      expect(c['grpc_requires_auth']!.message).toBe(`${target} is not a gRPC server: HTTP/2 status 404 without grpc-status`);
    } finally {
      await new Promise<void>((r) => plain.close(() => r()));
    }
  });

  it('a slow target within the timeout passes', async () => {
    const d = await double({ delayMs: 150 });
    const r = await runProbe(options(d.url, d.grpcTarget, { timeoutMs: 2000 }), realIo);
    expect(r.ok).toBe(true);
  });

  it('readiness is informational: 503 warns with the reason', async () => {
    const d = await double({ notReady: 'no healthy executors registered' });
    const r = await runProbe(options(d.url, d.grpcTarget), realIo);
    expect(r.ok).toBe(true);
    expect(byId(r.targets[0]!)['readiness']).toMatchObject({ status: 'warn', message: 'not ready (503): no healthy executors registered' });
  });

  it('a UI that is off is skipped, not failed', async () => {
    const d = await double({ uiOff: true });
    const c = byId((await runProbe(options(d.url, d.grpcTarget), realIo)).targets[0]!);
    expect(c['ui_requires_token']!.status).toBe('skip');
    expect(c['ui_accepts_token']!.status).toBe('skip');
  });

  it('without credentials the token checks are skipped', async () => {
    const d = await double();
    const r = await runProbe(options(d.url, d.grpcTarget, { credentials: {} }), realIo);
    const c = byId(r.targets[0]!);
    expect(r.ok).toBe(true);
    expect(c['api_accepts_token']!.status).toBe('skip');
    expect(c['ui_accepts_token']!.status).toBe('skip');
    expect(c['grpc_requires_auth']).toMatchObject({
      status: 'pass',
      message: 'a call without credentials ended UNAUTHENTICATED (missing Bearer token)',
    });
  });
});

describe('tls for https targets', () => {
  const fixtures = new URL('./fixtures/', import.meta.url);
  let d: CoordinatorDouble;
  let cert: string;
  beforeAll(async () => {
    const { readFileSync } = await import('node:fs');
    cert = readFileSync(new URL('localhost-cert.pem', fixtures), 'utf8');
    d = await double({ tls: { key: readFileSync(new URL('localhost-key.pem', fixtures), 'utf8'), cert } });
  });

  it('an untrusted certificate is a TLS failure, distinct from unreachable and timeout, and nothing is sent', async () => {
    const r = await runProbe(options(d.url, d.grpcTarget), realIo);
    const c = byId(r.targets[0]!);
    expect(c['health']!.evidence).toMatchObject({ outcome: 'tls', status: null, error: { code: 'ERR_TLS' } });
    expect(c['health']!.message).toMatch(/^GET \/healthz: TLS failure: .*self-signed certificate/);
    expect(c['tls']!.status).toBe('fail');
    expect(c['tls']!.message).toMatch(/not trusted: DEPTH_ZERO_SELF_SIGNED_CERT .*subject CN=krishiv-probe-test.*--ca/);
    expect(failing(r)).toEqual(['health', 'tls']);
    expect(c['api_accepts_token']!.status).toBe('skip');
    // the certificate was inspected without credentials; no request carried a token
    expect(d.requests.filter((q) => q.authorization !== undefined)).toEqual([]);
  });

  it('with --ca the certificate is trusted and the days to expiry are reported', async () => {
    const r = await runProbe(options(d.url, d.grpcTarget, { ca: cert }), realIo);
    const c = byId(r.targets[0]!);
    expect(r.ok).toBe(true);
    expect(c['tls']!.status).toBe('pass');
    expect(c['tls']!.message).toMatch(/^valid TLSv1\.3, \d+ day\(s\) to expiry \(subject CN=krishiv-probe-test/);
  });

  it.each([
    ['2126-10-20T00:00:00Z', 'warn', /expires in 11 day\(s\), under 30/],
    ['2127-01-01T00:00:00Z', 'fail', /expired 61 day\(s\) ago/],
  ])('at %s the tls check is %s', async (now, status, message) => {
    const r = await runProbe(options(d.url, d.grpcTarget, { ca: cert }), { ...realIo, now: () => new Date(now) });
    const c = byId(r.targets[0]!);
    expect(c['tls']!.status).toBe(status);
    expect(c['tls']!.message).toMatch(message);
  });
});

describe('retries and concurrency (injected network)', () => {
  const answer = (status: number, body = ''): HttpResponse => ({
    url: 'x',
    status,
    headers: status === 401 ? { 'www-authenticate': 'Bearer' } : {},
    body: Buffer.from(body),
    latencyMs: 1,
  });

  it('retries network errors only, never an answer', async () => {
    const calls = new Map<string, number>();
    const io: ProbeIo = {
      ...realIo,
      http: async (url) => {
        const n = (calls.get(url.pathname) ?? 0) + 1;
        calls.set(url.pathname, n);
        if (url.pathname === '/healthz' && n < 3) {
          throw new KrishivError('ERR_NETWORK', 'unreachable: connection reset by peer (ECONNRESET)');
        }
        if (url.pathname === '/healthz') return answer(200, 'ok\n');
        return answer(401, 'missing bearer token');
      },
    };
    const r = await runProbe({ ...options('http://h.example:2002', undefined, { retries: 2 }), credentials: {} }, io);
    expect(byId(r.targets[0]!)['health']!.status).toBe('pass');
    expect(calls.get('/healthz')).toBe(3);
    expect(calls.get('/readyz')).toBe(1);
  });

  it('never retries a TLS failure', async () => {
    let n = 0;
    const io: ProbeIo = {
      ...realIo,
      http: async () => {
        n++;
        throw new KrishivError('ERR_TLS', 'TLS failure: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
      },
    };
    const r = await runProbe({ ...options('http://h.example:2002', undefined, { retries: 3 }), credentials: {} }, io);
    expect(n).toBe(6); // one per request, no retries
    expect(byId(r.targets[0]!)['health']!.evidence).toMatchObject({ outcome: 'tls' });
  });

  it('probes at most --concurrency targets at once, in order', async () => {
    let inFlight = new Set<string>();
    let max = 0;
    const io: ProbeIo = {
      ...realIo,
      http: async (url) => {
        inFlight.add(url.host);
        max = Math.max(max, inFlight.size);
        await new Promise((r) => setTimeout(r, 20));
        inFlight.delete(url.host);
        inFlight = new Set(inFlight);
        return url.pathname === '/healthz' ? answer(200, 'ok\n') : answer(401, 'missing bearer token');
      },
    };
    const targets = Array.from({ length: 10 }, (_, i) => ({ url: new URL(`http://h${i}.example:2002`) }));
    const r = await runProbe({ ...options('http://x', undefined), targets, concurrency: 3, credentials: {} }, io);
    expect(max).toBe(3);
    expect(r.targets.map((t) => t.url)).toEqual(targets.map((t) => t.url.toString().replace(/\/$/, '')));
  });
});
