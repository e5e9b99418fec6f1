import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import type { HttpResponse } from '../../src/io/http.js';
import {
  attributeRootCauses,
  judgeApiAcceptsToken,
  judgeApiRejectsInvalid,
  judgeApiRequiresAuth,
  judgeGrpc,
  judgeHealth,
  judgeReadiness,
  judgeTls,
  judgeUiAcceptsToken,
  judgeUiRequiresToken,
  type HttpExchange,
} from '../../src/probe/checks.js';

function res(status: number, body = '', headers: Record<string, string> = {}, location?: string): HttpResponse {
  const r: HttpResponse = { url: 'u', status, headers, body: Buffer.from(body), latencyMs: 2 };
  if (location) r.location = location;
  return r;
}
const x = (method: string, path: string, r: HttpResponse | KrishivError, authorization?: string): HttpExchange => ({
  method,
  path,
  ...(r instanceof KrishivError ? { error: r } : { response: r }),
  ...(authorization ? { authorization } : {}),
});
const get = (path: string, r: HttpResponse | KrishivError, auth?: string) => x('GET', path, r, auth);
const refused = new KrishivError('ERR_NETWORK', 'unreachable: connection refused');
const timeout = new KrishivError('ERR_TIMEOUT', 'timed out after 5 s');

describe('health', () => {
  it.each([
    [res(200, 'ok\n'), 'pass', 'GET /healthz answered 200 ok'],
    [res(200, '<html>'), 'warn', 'GET /healthz answered 200 but not "ok" (another service on this port?)'],
    [res(503, 'down'), 'fail', 'GET /healthz answered 503, expected 200'],
    [res(401, 'no'), 'fail', 'GET /healthz answered 401: the engine serves it anonymously, so something in front requires auth'],
    [
      res(302, '', {}, 'https://sso.example/login'),
      'fail',
      'GET /healthz answered 302 redirecting to https://sso.example/login (redirects are reported, not followed)',
    ],
    [refused, 'fail', 'GET /healthz: unreachable: connection refused'],
    [timeout, 'fail', 'GET /healthz: no answer, timed out after 5 s'],
  ] as const)('%#: %s', (r, status, message) => {
    expect(judgeHealth(get('/healthz', r))).toMatchObject({ id: 'health', status, message });
  });
});

describe('readiness is informational', () => {
  it.each([
    [res(200, 'ready\n'), 'pass', 'GET /readyz answered 200 ready'],
    [res(503, 'coordinator is not active\n'), 'warn', 'not ready (503): coordinator is not active'],
    [res(404), 'warn', 'GET /readyz answered 404, expected 200 or 503'],
    [refused, 'warn', 'GET /readyz: unreachable: connection refused'],
  ] as const)('%#: %s', (r, status, message) => {
    expect(judgeReadiness(get('/readyz', r))).toMatchObject({ status, message });
  });
});

describe('api_requires_auth', () => {
  it.each([
    [
      res(401, 'missing bearer token', { 'www-authenticate': 'Bearer' }),
      'pass',
      /^anonymous GET \/api\/v1\/jobs answered 401 "missing bearer token" with WWW-Authenticate: Bearer$/,
    ],
    [res(401, 'missing bearer token'), 'warn', /without WWW-Authenticate: Bearer/],
    [res(200, '[]'), 'fail', /^the control plane is open/],
    [res(401, 'coordinator HTTP auth is required but no bearer tokens are configured'), 'fail', /^no bearer tokens are configured/],
    [res(404), 'fail', /is this the coordinator HTTP port \(default 2002\)\?/],
    [res(307, '', {}, '/login'), 'fail', /redirecting to \/login \(redirects are reported, not followed\)/],
    [res(500, 'boom'), 'fail', /answered 500, expected 401/],
  ] as const)('%#: %s', (r, status, message) => {
    const c = judgeApiRequiresAuth(get('/api/v1/jobs', r));
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });
});

describe('api_rejects_invalid and api_accepts_token', () => {
  it.each([
    [res(401, 'invalid bearer token'), 'pass', 'a random token was rejected: 401 "invalid bearer token"'],
    [
      res(401, 'coordinator HTTP auth is required but no bearer tokens are configured'),
      'pass',
      'a random token was rejected: 401 "coordinator HTTP auth is required but no bearer tokens are configured"',
    ],
    [res(200, '[]'), 'fail', 'a random token was accepted: GET /api/v1/jobs answered 200'],
  ] as const)('rejects_invalid %#: %s', (r, status, message) => {
    expect(judgeApiRejectsInvalid(get('/api/v1/jobs', r))).toMatchObject({ status, message });
  });

  it.each([
    [res(200, '[]'), 'pass', /^the token was accepted: GET \/api\/v1\/jobs answered 200$/],
    [
      res(401, 'invalid bearer token'),
      'fail',
      /rejected \(401 "invalid bearer token"\); .*HTTP only after a restart \(crates\/krishiv-scheduler\/src\/coordinator_daemon\.rs:647\)/,
    ],
    [res(401, 'missing bearer token'), 'fail', /strips the Authorization header/],
    [res(401, 'coordinator HTTP auth is required but no bearer tokens are configured'), 'fail', /no bearer tokens configured/],
  ] as const)('accepts_token %#: %s', (r, status, message) => {
    const c = judgeApiAcceptsToken(get('/api/v1/jobs', r, 'Bearer bearer:0123456789abcdef'));
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
    expect(c.evidence?.authorization).toBe('Bearer bearer:0123456789abcdef');
  });

  it('accepts_token skips without a token', () => {
    expect(judgeApiAcceptsToken(undefined)).toMatchObject({ status: 'skip', evidence: null });
  });
});

describe('ui_requires_token (GET /ui and an empty POST /api/v1/sql)', () => {
  const ui401 = res(401, 'missing bearer token', { 'www-authenticate': 'Bearer' });
  const deny = res(401, 'authentication not configured');
  it.each([
    [ui401, ui401, 'pass', /^anonymous GET \/ui and an empty POST \/api\/v1\/sql answered 401/],
    [res(200, '<html>'), ui401, 'fail', /^the UI is open: anonymous GET \/ui answered 200/],
    [res(302, '', {}, '/ui/jobs'), ui401, 'fail', /^the UI did not ask for a token: anonymous GET \/ui answered 302 to \/ui\/jobs/],
    [ui401, res(415, 'Expected request with `Content-Type: application/json`'), 'fail', /^the SQL endpoint is open: .*answered 415/],
    [ui401, res(200, '{}'), 'fail', /^the SQL endpoint is open/],
    [deny, deny, 'fail', /^no UI token is configured: .*"authentication not configured"/],
    [res(404), res(404), 'skip', /^the UI is not served here/],
    [res(404), res(405), 'skip', /^the UI is not served here/],
    [ui401, res(404), 'pass', /^GET \/ui answered 401; POST \/api\/v1\/sql is not served/],
    [ui401, res(502, 'bad gateway'), 'fail', /^POST \/api\/v1\/sql answered 502, expected 401$/],
    [refused, ui401, 'fail', /^GET \/ui: unreachable/],
  ] as const)('%#: %s', (u, s, status, message) => {
    const c = judgeUiRequiresToken(get('/ui', u), x('POST', '/api/v1/sql', s));
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });

  it('never keeps a 2xx body (the UI page embeds its token) and redacts secrets from others', () => {
    const page = res(200, '<meta name="krishiv-ui-token" content="ui-secret-value">');
    const c = judgeUiRequiresToken(get('/ui', page), x('POST', '/api/v1/sql', res(400, 'bad ui-secret-value')), ['ui-secret-value']);
    expect(JSON.stringify(c)).not.toContain('ui-secret-value');
    expect(c.evidence?.body).toBeUndefined();
    expect(c.evidence?.more?.[0]?.body).toBe('bad <redacted>');
  });
});

describe('ui_accepts_token', () => {
  it.each([
    [res(200, '<html>'), 'pass', /^the UI token was accepted/],
    [res(401, 'invalid bearer token'), 'fail', /rejected .*needs a restart/],
    [res(401, 'authentication not configured'), 'fail', /no UI token configured/],
    [res(404), 'skip', /not served/],
  ] as const)('%#: %s', (r, status, message) => {
    const c = judgeUiAcceptsToken(get('/ui', r, 'Bearer bearer:0000000000000000'));
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });
});

describe('grpc_requires_auth', () => {
  const call = (status: number | null, message = '', httpStatus = 200) => ({
    path: '/p',
    result: {
      status,
      statusName:
        status === null
          ? null
          : (({ 0: 'OK', 7: 'PERMISSION_DENIED', 12: 'UNIMPLEMENTED', 16: 'UNAUTHENTICATED' } as Record<number, string>)[status] ?? 'X'),
      message,
      httpStatus,
      latencyMs: 1,
    },
  });
  it.each([
    [
      call(16, 'missing Bearer token'),
      call(0),
      'pass',
      /^a call without credentials ended UNAUTHENTICATED \(missing Bearer token\); with the token: OK/,
    ],
    [call(16, 'missing Bearer token'), call(7, 'role reader may not'), 'pass', /with the token: PERMISSION_DENIED/],
    [call(16, 'missing Bearer token'), call(16, 'invalid API key'), 'fail', /the token was rejected too \(invalid API key\)/],
    [call(0), call(0), 'fail', /^coordinator gRPC is open: .*ended with OK/],
    [call(12), undefined, 'fail', /^coordinator gRPC is open: .*ended with UNIMPLEMENTED/],
    [call(null, '', 404), undefined, 'fail', /^h:1 is not a gRPC server: HTTP\/2 status 404 without grpc-status$/],
    [{ path: '/p', error: refused }, undefined, 'fail', /^h:1: unreachable: connection refused/],
    [
      { path: '/p', error: new KrishivError('ERR_NETWORK', 'gRPC stream failed: ERR_HTTP2_ERROR') },
      undefined,
      'fail',
      /not an HTTP\/2 gRPC endpoint/,
    ],
  ] as const)('%#: %s', (anon, tok, status, message) => {
    const c = judgeGrpc('h:1', anon, tok);
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });
  it('skips without --grpc', () => {
    expect(judgeGrpc(undefined, undefined, undefined).status).toBe('skip');
  });
});

describe('tls', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const https = new URL('https://c.example:2002');
  const info = (validTo: string, authorized = true, authorizationError?: string) => ({
    authorized,
    ...(authorizationError ? { authorizationError } : {}),
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo,
    subject: 'CN=c.example',
    protocol: 'TLSv1.3',
  });
  it.each([
    [info('2027-11-24T00:00:00.000Z'), 'pass', /^valid TLSv1\.3, 365 day\(s\) to expiry/],
    [info('2026-12-10T00:00:00.000Z'), 'warn', /expires in 16 day\(s\), under 30/],
    [info('2026-11-20T00:00:00.000Z'), 'fail', /expired 4 day\(s\) ago/],
    [info('2027-11-24T00:00:00.000Z', false, 'ERR_TLS_CERT_ALTNAME_INVALID'), 'fail', /not trusted: ERR_TLS_CERT_ALTNAME_INVALID/],
  ] as const)('%#: %s', (tls, status, message) => {
    const c = judgeTls(https, tls, now, 30);
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });
  it('skips plain http', () => {
    expect(judgeTls(new URL('http://c.example:2002'), undefined, now, 30).status).toBe('skip');
  });
});

describe('one cause, one failure', () => {
  it('an unreachable target fails health only', () => {
    const checks = attributeRootCauses([
      judgeHealth(get('/healthz', refused)),
      judgeReadiness(get('/readyz', refused)),
      judgeApiRequiresAuth(get('/api/v1/jobs', refused)),
      judgeUiRequiresToken(get('/ui', refused), x('POST', '/api/v1/sql', refused)),
    ]);
    expect(checks.map((c) => c.status)).toEqual(['fail', 'skip', 'skip', 'skip']);
    expect(checks[2]!.message).toBe(
      'not checked: the target did not answer (see health): GET /api/v1/jobs: unreachable: connection refused',
    );
  });
  it('a timeout elsewhere is still reported when health answered', () => {
    const checks = attributeRootCauses([judgeHealth(get('/healthz', res(200, 'ok'))), judgeApiRequiresAuth(get('/api/v1/jobs', timeout))]);
    expect(checks.map((c) => c.status)).toEqual(['pass', 'fail']);
  });
});
