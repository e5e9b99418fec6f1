/**
 * The coordinator doubles the probe and rotate tests run against must answer as the engine does,
 * or they hide bugs. This table is surface §4.6 (Authorization header parsing) and §6.1–6.3 (401
 * bodies, WWW-Authenticate only when the token is missing, gRPC statuses and messages), applied
 * to both doubles: the probe's coordinator double and rotate --confirm's fake coordinator.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcUnaryCall, COORDINATOR_PROBE_METHOD } from '../../src/io/grpc.js';
import { startCoordinatorDouble, DOUBLE_TOKEN, DOUBLE_UI_TOKEN, type CoordinatorDouble } from './coordinator-double.js';
import { startFakeCoordinator, type FakeCoordinator } from './fake-coordinator.js';

interface Answer {
  status: number;
  body: string;
  www: string | undefined;
}

function get(url: string, authorization: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: authorization === undefined ? {} : { authorization }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), www: res.headers['www-authenticate'] as string | undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const T = DOUBLE_TOKEN;
const MISSING = { status: 401, body: 'missing bearer token', www: 'Bearer' };
const INVALID = { status: 401, body: 'invalid bearer token', www: undefined };
const ACCEPTED = { status: 200 };

// http_auth.rs:37-61: length > 7, first 7 bytes `bearer ` in any case, rest trimmed. (Trailing
// whitespace never reaches a server: HTTP/1.1 and HTTP/2 strip or refuse it on the wire.)
const COORDINATOR_HTTP: Array<[string, string | undefined, Partial<Answer>]> = [
  ['no header', undefined, MISSING],
  ['"Bearer" alone', 'Bearer', MISSING],
  ['"Bearer " (7 bytes)', 'Bearer ', MISSING],
  ['Basic credentials', `Basic ${T}`, MISSING],
  ['the token without a scheme', T, MISSING],
  ['the right token', `Bearer ${T}`, ACCEPTED],
  ['any case of the scheme', `BEARER ${T}`, ACCEPTED],
  ['the rest trimmed', `bearer    ${T}`, ACCEPTED],
  ['a wrong token', 'Bearer not-the-token', INVALID],
  ['the token with a different case', `Bearer ${T.toUpperCase()}`, INVALID],
];

// auth_util.rs:20-25: exactly `Bearer ` (case-sensitive), rest trimmed, empty = missing.
const COORDINATOR_GRPC: Array<[string, string | undefined, number, string]> = [
  ['no metadata', undefined, 16, 'missing Bearer token'],
  ['a lower-case scheme', `bearer ${T}`, 16, 'missing Bearer token'],
  ['a tab after the scheme', `Bearer\t${T}`, 16, 'missing Bearer token'],
  ['only spaces after the scheme', 'Bearer    ', 16, 'missing Bearer token'],
  ['a wrong token', 'Bearer not-the-token', 16, 'invalid API key'],
];

async function grpcCall(target: string, authorization: string | undefined) {
  return grpcUnaryCall({
    target,
    path: COORDINATOR_PROBE_METHOD,
    timeoutMs: 5000,
    ...(authorization === undefined ? {} : { metadata: { authorization } }),
  });
}

let double: CoordinatorDouble;
let noTokens: CoordinatorDouble;
let fake: FakeCoordinator;
beforeAll(async () => {
  double = await startCoordinatorDouble();
  noTokens = await startCoordinatorDouble({ tokens: [] });
  fake = await startFakeCoordinator(() => [T], [T]);
});
afterAll(async () => {
  await Promise.all([double.close(), noTokens.close(), fake.close()]);
});

describe.each([
  ['coordinator double', () => `${double.url}/api/v1/jobs`, () => double.grpcTarget!],
  ['rotate fake coordinator', () => `${fake.httpUrl}/api/v1/jobs`, () => fake.grpcTarget],
])('%s follows the engine (surface §4.6, §6.1, §6.3)', (_name, httpUrl, grpcTarget) => {
  it.each(COORDINATOR_HTTP)('coordinator HTTP, %s', async (_case, authorization, expected) => {
    const a = await get(httpUrl(), authorization);
    expect(a.status).toBe(expected.status);
    if (expected.body !== undefined) expect(a.body).toBe(expected.body);
    if ('www' in expected) expect(a.www).toBe(expected.www);
  });

  it.each(COORDINATOR_GRPC)('coordinator gRPC, %s', async (_case, authorization, status, message) => {
    const r = await grpcCall(grpcTarget(), authorization);
    expect([r.status, r.message]).toEqual([status, message]);
  });

  it('coordinator gRPC accepts the token with the rest trimmed', async () => {
    const r = await grpcCall(grpcTarget(), `Bearer   ${T}`);
    expect(r.status).not.toBe(16);
  });
});

describe('coordinator double: the rest of the surface', () => {
  it('no tokens configured: every protected request gets the engine body, without WWW-Authenticate', async () => {
    for (const authorization of [undefined, `Bearer ${T}`]) {
      expect(await get(`${noTokens.url}/api/v1/jobs`, authorization)).toEqual({
        status: 401,
        body: 'coordinator HTTP auth is required but no bearer tokens are configured',
        www: undefined,
      });
    }
  });

  it.each([
    ['no header', undefined, MISSING],
    ['the UI token, any case of the scheme', `bearer ${DOUBLE_UI_TOKEN}`, ACCEPTED],
    ['the UI token after two spaces (the UI does not trim)', `Bearer  ${DOUBLE_UI_TOKEN}`, INVALID],
    ['the coordinator token (the UI has its own)', `Bearer ${T}`, INVALID],
  ] as Array<[string, string | undefined, Partial<Answer>]>)('UI (router.rs:228-264), %s', async (_case, authorization, expected) => {
    const a = await get(`${double.url}/ui`, authorization);
    expect(a.status).toBe(expected.status);
    if (expected.body !== undefined) expect(a.body).toBe(expected.body);
    if ('www' in expected) expect(a.www).toBe(expected.www);
  });

  it.each(['/healthz', '/readyz', '/leaderz', '/metrics'])('%s is anonymous', async (p) => {
    expect((await get(`${double.url}${p}`, undefined)).status).toBe(200);
  });
});
