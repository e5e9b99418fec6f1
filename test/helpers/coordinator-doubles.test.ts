/**
 * The coordinator double the probe and rotate tests run against must answer as the engine does, or
 * it hides bugs. These tables are the engine's answers (Authorization header parsing, 401 bodies,
 * WWW-Authenticate only when the token is missing, gRPC statuses and messages), with the source
 * lines they come from, for every surface the double serves.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcUnaryCall, COORDINATOR_PROBE_METHOD } from '../../src/io/grpc.js';
import { startCoordinatorDouble, DOUBLE_TOKEN, DOUBLE_UI_TOKEN, type CoordinatorDouble } from './coordinator-double.js';
import { SURFACE_MESSAGES as M } from './coordinator-double.js';

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
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          www: res.headers['www-authenticate'] as string | undefined,
        }),
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
let reloading: CoordinatorDouble;
let reloadSet = [T];
beforeAll(async () => {
  double = await startCoordinatorDouble();
  noTokens = await startCoordinatorDouble({ tokens: [] });
  reloading = await startCoordinatorDouble({ tokens: [T], grpcTokens: () => reloadSet });
});
afterAll(async () => {
  await Promise.all([double.close(), noTokens.close(), reloading.close()]);
});

describe.each([
  ['static gRPC tokens', () => `${double.url}/api/v1/jobs`, () => double.grpcTarget!],
  ['gRPC tokens asked at each call (rotate)', () => `${reloading.url}/api/v1/jobs`, () => reloading.grpcTarget!],
])('coordinator double, %s, follows the engine (http_auth.rs:37-61, auth_util.rs:20-25)', (_name, httpUrl, grpcTarget) => {
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
    // OK: not UNAUTHENTICATED (16), nor a transport failure
    expect(r.status).toBe(0);
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

describe('coordinator double: gRPC tokens given as a function are asked at every call (the reload model rotate tests choose)', () => {
  it('a token added later is accepted on gRPC, HTTP keeps its start-up set', async () => {
    const neu = 'a-token-added-after-start-0123456789';
    expect((await grpcCall(reloading.grpcTarget!, `Bearer ${neu}`)).status).toBe(16);
    reloadSet = [T, neu];
    expect((await grpcCall(reloading.grpcTarget!, `Bearer ${neu}`)).status).not.toBe(16);
    expect((await get(`${reloading.url}/api/v1/jobs`, `Bearer ${neu}`)).status).toBe(401);
    reloadSet = [T];
    expect(reloading.grpcCalls).toBeGreaterThanOrEqual(2);
  });
});

// ───────────── the other surfaces: each answer as the engine's source gives it ─────────────

async function call(target: string, path: string, authorization: string | undefined, noMessage: boolean) {
  const r = await grpcUnaryCall({
    target,
    path,
    timeoutMs: 5000,
    noMessage,
    ...(authorization === undefined ? {} : { metadata: { authorization } }),
  });
  return [r.status, r.message];
}

const HANDSHAKE = '/arrow.flight.protocol.FlightService/Handshake';
const CANCEL = '/krishiv.transport.v1.ExecutorTask/CancelTask';
const BARRIER = '/krishiv.transport.v1.BarrierService/BarrierStream';
const KEY = 'krishiv_abcdefgh_0123456789ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvut';

describe('surface doubles follow the engine', () => {
  const doubles: CoordinatorDouble[] = [];
  afterAll(async () => {
    await Promise.all(doubles.map((d) => d.close()));
  });
  const start = async (surfaces: Parameters<typeof startCoordinatorDouble>[0]) => {
    const d = await startCoordinatorDouble({ grpc: false, ...surfaces });
    doubles.push(d);
    return d;
  };

  // crates/krishiv-flight-sql/src/service.rs:297-330 (authenticate_request), :407-429 (do_handshake)
  it.each([
    ['keys and a policy, no key', { keys: [KEY], policy: true }, undefined, [16, M.flightMissing]],
    ['keys and a policy, a wrong key', { keys: [KEY], policy: true }, 'Bearer nope', [16, M.flightInvalid]],
    ['keys and a policy, a lower-case scheme', { keys: [KEY], policy: true }, `bearer ${KEY}`, [16, M.flightMissing]],
    ['keys and a policy, the key', { keys: [KEY], policy: true }, `Bearer ${KEY}`, [0, '']],
    ['keys and a policy, the key with spaces after the scheme', { keys: [KEY], policy: true }, `Bearer   ${KEY}`, [0, '']],
    ['keys without a policy, the key', { keys: [KEY] }, `Bearer ${KEY}`, [7, M.flightNoPolicy]],
    ['keys without a policy, no key', { keys: [KEY] }, undefined, [7, M.flightNoPolicy]],
    ['no keys, durable profile', { durable: true }, `Bearer ${KEY}`, [16, M.flightDurable]],
    ['no keys, dev profile', {}, undefined, [0, '']],
  ] as const)('Flight SQL Handshake: %s', async (_c, flight, auth, expected) => {
    const d = await start({ surfaces: { flight: { ...flight, keys: 'keys' in flight ? [...flight.keys] : undefined } as never } });
    expect(await call(d.surfaces.flight!, HANDSHAKE, auth, true)).toEqual(expected);
  });

  // crates/krishiv-shuffle/src/flight.rs:687-701, crates/krishiv-shuffle/src/token_auth.rs:81-89
  it.each([
    ['no header', 'tok', undefined, [16, M.shuffle]],
    ['the token', 'tok', 'Bearer tok', [0, '']],
    ['extra spaces (exact match only)', 'tok', 'Bearer  tok', [16, M.shuffle]],
    ['no token configured', undefined, undefined, [0, '']],
  ] as const)('shuffle Flight service: %s', async (_c, token, auth, expected) => {
    const d = await start({ surfaces: { shuffle: token === undefined ? {} : { token } } });
    expect(await call(d.surfaces.shuffle!, HANDSHAKE, auth, true)).toEqual(expected);
    expect(await call(d.surfaces.shuffle!, '/arrow.flight.protocol.FlightService/DoGet', auth, false)).toEqual(
      expected[0] === 16 ? expected : [12, ''],
    );
  });

  // crates/krishiv-executor/src/grpc.rs:493-513 (validate_auth), :535-541; crates/krishiv-proto/src/wire.rs:822, :1058-1060
  it.each([
    ['no header', { token: 'tt' }, undefined, [16, M.executorMissing]],
    ['a wrong token', { token: 'tt' }, 'Bearer no', [16, M.executorInvalid]],
    ['the token', { token: 'tt' }, 'Bearer tt', [3, M.executorNoVersion]],
    ['required without a token', { requireAuth: true }, 'Bearer tt', [16, M.executorMisconfigured]],
    ['open', {}, undefined, [3, M.executorNoVersion]],
  ] as const)('executor task gRPC CancelTask: %s', async (_c, o, auth, expected) => {
    const d = await start({ surfaces: { executor: o } });
    expect(await call(d.surfaces.executor!, CANCEL, auth, false)).toEqual(expected);
  });

  it('executor task gRPC: a unary call without a message is answered by tonic before the handler (server/grpc.rs)', async () => {
    const d = await start({ surfaces: { executor: { token: 'tt' } } });
    expect(await call(d.surfaces.executor!, CANCEL, undefined, true)).toEqual([13, M.tonicNoMessage]);
  });

  // crates/krishiv-executor/src/barrier_grpc.rs:115-139, :184-198
  it.each([
    ['no header', { token: 'tt' }, undefined, [16, M.barrierMissing]],
    ['a wrong token', { token: 'tt' }, 'Bearer no', [16, M.barrierInvalid]],
    ['the token', { token: 'tt' }, 'Bearer tt', [0, '']],
    ['required without a token', { requireAuth: true }, undefined, [16, M.barrierUnconfigured]],
    ['open', {}, undefined, [0, '']],
  ] as const)('barrier gRPC: %s', async (_c, o, auth, expected) => {
    const d = await start({ surfaces: { barrier: o } });
    expect(await call(d.surfaces.barrier!, BARRIER, auth, true)).toEqual(expected);
  });

  // crates/krishiv-shuffle/src/shuffle_svc.rs:110 (raw token), :289-299, :515-533
  it.each([
    ['no header', 'tok', undefined, 401],
    ['the token', 'tok', 'Bearer tok', 404],
    ['the token, spaces after the scheme (the presented one is trimmed)', 'tok', 'Bearer   tok', 404],
    ['a raw token with a trailing space never matches', 'tok ', 'Bearer tok', 401],
    ['an empty token lets anonymous through', '', undefined, 404],
    ['unset', undefined, undefined, 404],
  ] as const)('standalone shuffle service: %s', async (_c, token, auth, status) => {
    const d = await start({ surfaces: { shuffleSvc: token === undefined ? {} : { token } } });
    expect((await get(`${d.surfaces.shuffleSvc!}/ess/j/s/0`, auth)).status).toBe(status);
    expect((await get(`${d.surfaces.shuffleSvc!}/healthz`, undefined)).status).toBe(200);
  });
});
