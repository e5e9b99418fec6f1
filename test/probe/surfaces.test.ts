/**
 * The other authenticated surfaces, probed for real (node:http2 / node:http on 127.0.0.1) against the
 * coordinator double in each of the engine's modes: the verdicts, the causes they name, and where each
 * credential went.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/io/http.js';
import { grpcUnaryCall } from '../../src/io/grpc.js';
import { runProbe, type ProbeIo } from '../../src/probe/run.js';
import type { CheckResult, ProbeCredentials, ProbeTarget, TargetResult } from '../../src/probe/types.js';
import { Secret } from '../../src/util/secret.js';
import {
  DOUBLE_TOKEN,
  closedPort,
  startCoordinatorDouble,
  type CoordinatorDouble,
  type SurfaceOptions,
} from '../helpers/coordinator-double.js';

const KEY = 'krishiv_abcdefgh_0123456789ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvut';
const SHUFFLE = 'shuffle-secret-5f1e2d3c4b5a6978';
const TASK = 'task-secret-0a1b2c3d4e5f6789';
const SECRETS = [KEY, SHUFFLE, TASK, DOUBLE_TOKEN];

const io: ProbeIo = {
  http: (url, o) => httpRequest(url, o),
  grpc: (o) => grpcUnaryCall(o),
  now: () => new Date(),
  randomToken: () => 'random-invalid-token-0123456789',
};

const doubles: CoordinatorDouble[] = [];
afterAll(async () => {
  await Promise.all(doubles.map((d) => d.close()));
});
async function double(surfaces: SurfaceOptions): Promise<CoordinatorDouble> {
  const d = await startCoordinatorDouble({ surfaces });
  doubles.push(d);
  return d;
}

function targetOf(d: CoordinatorDouble): ProbeTarget {
  const t: ProbeTarget = { url: new URL(d.url), grpc: d.grpcTarget! };
  const s = d.surfaces;
  if (s.flight) t.flight = s.flight;
  if (s.shuffle) t.shuffle = s.shuffle;
  if (s.executor) t.executor = s.executor;
  if (s.barrier) t.barrier = s.barrier;
  if (s.shuffleSvc) t.shuffleSvc = new URL(s.shuffleSvc);
  return t;
}

const ALL_CREDS: ProbeCredentials = {
  token: new Secret(DOUBLE_TOKEN),
  apiKey: new Secret(KEY, 'krishiv_abcdefgh_…'),
  shuffleToken: new Secret(SHUFFLE),
  taskToken: new Secret(TASK),
};

async function probe(targets: ProbeTarget[], credentials: ProbeCredentials = ALL_CREDS): Promise<TargetResult[]> {
  const r = await runProbe({ targets, credentials, jwks: {}, timeoutMs: 2000, concurrency: 4, retries: 0, tlsWarnDays: 30 }, io);
  const text = JSON.stringify(r);
  for (const s of SECRETS) expect(text).not.toContain(s);
  return r.targets;
}
const byId = (t: TargetResult): Record<string, CheckResult> => Object.fromEntries(t.checks.map((c) => [c.id, c]));

const GOOD: SurfaceOptions = {
  flight: { keys: [KEY], policy: true },
  shuffle: { token: SHUFFLE },
  shuffleSvc: { token: SHUFFLE },
  executor: { token: TASK },
  barrier: { token: TASK },
};

describe('every surface correctly configured', () => {
  it('passes, each credential sent only to its own surface, no barrier and no query sent', async () => {
    const d = await double(GOOD);
    const [t] = await probe([targetOf(d)]);
    const c = byId(t!);
    for (const id of [
      'flight_requires_auth',
      'flight_accepts_key',
      'shuffle_requires_auth',
      'shuffle_accepts_token',
      'executor_requires_auth',
      'executor_accepts_token',
    ]) {
      expect([id, c[id]!.status]).toEqual([id, 'pass']);
    }
    expect(c['flight_accepts_key']!.message).toContain('krishiv_abcdefgh_…');
    expect(c['flight_accepts_key']!.evidence).toMatchObject({
      path: '/arrow.flight.protocol.FlightService/Handshake',
      status: 0,
      authorization: 'Bearer krishiv_abcdefgh_…',
    });
    expect(c['executor_accepts_token']!.evidence!.more).toHaveLength(1);
    // Where each credential went.
    const sentTo = (secret: string) =>
      [...new Set(d.surfaceCalls.filter((x) => x.authorization === `Bearer ${secret}`).map((x) => x.surface))].sort();
    expect(sentTo(KEY)).toEqual(['flight']);
    expect(sentTo(SHUFFLE)).toEqual(['shuffle', 'shuffleSvc']);
    expect(sentTo(TASK)).toEqual(['barrier', 'executor']);
    expect(d.requests.filter((x) => [KEY, SHUFFLE, TASK].some((s) => x.authorization?.includes(s)))).toEqual([]);
    expect(d.surfaceCalls.filter((x) => x.authorization?.includes(DOUBLE_TOKEN))).toEqual([]);
    // Barrier and Flight calls carry no message; the executor call one empty message.
    for (const x of d.surfaceCalls) {
      if (x.surface === 'barrier' || x.surface === 'flight' || x.surface === 'shuffle') expect(x.bytes).toBe(0);
      if (x.surface === 'executor') expect(x.bytes).toBe(5);
    }
    expect(d.surfaceCalls.filter((x) => x.surface === 'shuffleSvc').map((x) => x.path)).toEqual([
      '/ess/krishiv-auth-probe/probe/0',
      '/ess/krishiv-auth-probe/probe/0',
    ]);
  });
});

describe('each mode of the engine, told apart', () => {
  it.each([
    [
      'Flight SQL open (no KRISHIV_API_KEYS)',
      { flight: {} },
      'flight_requires_auth',
      'fail',
      /open: a call without credentials ended OK.*KRISHIV_API_KEYS is not set/,
      'flight_accepts_key',
      'skip',
    ],
    [
      'Flight SQL keys without a policy',
      { flight: { keys: [KEY] } },
      'flight_requires_auth',
      'fail',
      /every call is denied.*no policy engine.*service\.rs:304-309.*KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED/,
      'flight_accepts_key',
      'skip',
    ],
    [
      'Flight SQL durable without keys',
      { flight: { durable: true } },
      'flight_requires_auth',
      'fail',
      /demands API keys under a durable profile but none are configured/,
      'flight_accepts_key',
      'skip',
    ],
    [
      'Flight SQL, a wrong key',
      { flight: { keys: ['krishiv_zzzzzzzz_other'], policy: true } },
      'flight_accepts_key',
      'fail',
      /wrong credential: the API key krishiv_abcdefgh_… was rejected, UNAUTHENTICATED \(invalid API key\)/,
      'flight_requires_auth',
      'pass',
    ],
    [
      'shuffle Flight open',
      { shuffle: {} },
      'shuffle_requires_auth',
      'fail',
      /shuffle Flight service .*open.*no KRISHIV_SHUFFLE_TOKEN/,
      'shuffle_accepts_token',
      'skip',
    ],
    [
      'shuffle Flight, a wrong token',
      { shuffle: { token: 'other' } },
      'shuffle_accepts_token',
      'fail',
      /wrong credential: the shuffle token bearer:[0-9a-f]{16} was rejected/,
      'shuffle_requires_auth',
      'pass',
    ],
    [
      'shuffle service with an empty token',
      { shuffleSvc: { token: '' } },
      'shuffle_requires_auth',
      'fail',
      /open: anonymous GET \/ess\/krishiv-auth-probe\/probe\/0 answered 404.*set but empty.*reads it raw/,
      'shuffle_accepts_token',
      'fail',
    ],
    [
      'shuffle service, raw token with a trailing newline',
      { shuffleSvc: { token: `${SHUFFLE}\n` } },
      'shuffle_accepts_token',
      'fail',
      /rejected \(401\).*raw, untrimmed/,
      'shuffle_requires_auth',
      'pass',
    ],
    [
      'executor task open',
      { executor: {} },
      'executor_requires_auth',
      'fail',
      /executor task gRPC .*open: a call without credentials ended INVALID_ARGUMENT.*assign and cancel tasks/,
      'executor_accepts_token',
      'skip',
    ],
    [
      'executor required without a token',
      { executor: { requireAuth: true } },
      'executor_requires_auth',
      'fail',
      /KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true but the executor has no KRISHIV_EXECUTOR_TASK_BEARER_TOKEN/,
      'executor_accepts_token',
      'skip',
    ],
    [
      'executor, a wrong token',
      { executor: { token: 'other' } },
      'executor_accepts_token',
      'fail',
      /wrong credential.*invalid executor task bearer token/,
      'executor_requires_auth',
      'pass',
    ],
    [
      'barrier open',
      { barrier: {} },
      'executor_requires_auth',
      'fail',
      /barrier gRPC .*open.*inject checkpoint barriers/,
      'executor_accepts_token',
      'skip',
    ],
    [
      'barrier required without a token',
      { barrier: { requireAuth: true } },
      'executor_requires_auth',
      'fail',
      /every barrier call is refused/,
      'executor_accepts_token',
      'skip',
    ],
  ] as const)('%s', async (_name, surfaces, id, status, message, otherId, otherStatus) => {
    const d = await double(surfaces as SurfaceOptions);
    const [t] = await probe([targetOf(d)]);
    const c = byId(t!);
    expect(c[id]!.status).toBe(status);
    expect(c[id]!.message).toMatch(message);
    expect(c[otherId]!.status).toBe(otherStatus);
    expect(t!.ok).toBe(false);
  });

  it('a shuffle service with an empty token refuses the real token while letting anonymous requests through', async () => {
    const d = await double({ shuffleSvc: { token: '' } });
    const [t] = await probe([targetOf(d)]);
    expect(byId(t!)['shuffle_accepts_token']!.message).toMatch(/rejected \(401\) while requests without one pass: .* set but empty/);
  });

  it('an unreachable surface is unreachable, not rejected', async () => {
    const port = await closedPort();
    const d = await double({});
    const [t] = await probe([
      { url: new URL(d.url), flight: `127.0.0.1:${port}`, executor: `127.0.0.1:${port}`, shuffleSvc: new URL(`http://127.0.0.1:${port}`) },
    ]);
    const c = byId(t!);
    expect(c['flight_requires_auth']!.message).toMatch(/unreachable: connection refused/);
    expect(c['flight_requires_auth']!.evidence!.outcome).toBe('unreachable');
    expect(c['flight_accepts_key']!.status).toBe('skip');
    expect(c['executor_requires_auth']!.message).toMatch(/unreachable/);
    expect(c['shuffle_requires_auth']!.message).toMatch(/unreachable/);
    expect(c['shuffle_accepts_token']!.status).toBe('skip');
  });

  it('a surface not given is skip; a credential without its surface is never sent anywhere', async () => {
    const d = await double({ flight: { keys: [KEY], policy: true } });
    const [t] = await probe([{ url: new URL(d.url), flight: d.surfaces.flight! }]);
    const c = byId(t!);
    expect(c['shuffle_requires_auth']).toMatchObject({ status: 'skip', evidence: null });
    expect(c['executor_accepts_token']).toMatchObject({ status: 'skip', evidence: null });
    expect(
      d.requests.some((x) => x.authorization?.includes(SHUFFLE) || x.authorization?.includes(TASK) || x.authorization?.includes(KEY)),
    ).toBe(false);
  });

  it('a port serving another gRPC service is named as such (UNIMPLEMENTED), not as rejected', async () => {
    const d = await double({ barrier: { token: TASK } });
    const [t] = await probe([{ url: new URL(d.url), flight: d.surfaces.barrier! }]);
    expect(byId(t!)['flight_requires_auth']!.message).toMatch(/does not serve .*Handshake \(UNIMPLEMENTED\): another service on this port/);
  });
});

describe('per-target credentials', () => {
  it('each target gets its own key; the global one fills only what a target lacks', async () => {
    const other = 'krishiv_qrstuvwx_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvu';
    const a = await double({ flight: { keys: [KEY], policy: true }, executor: { token: TASK } });
    const b = await double({ flight: { keys: [other], policy: true }, executor: { token: TASK } });
    const ta = targetOf(a);
    const tb = { ...targetOf(b), credentials: { apiKey: new Secret(other) } };
    const [ra, rb] = await probe([ta, tb]);
    expect(byId(ra!)['flight_accepts_key']!.status).toBe('pass');
    expect(byId(rb!)['flight_accepts_key']!.status).toBe('pass');
    expect(byId(rb!)['executor_accepts_token']!.status).toBe('pass');
    expect(a.surfaceCalls.some((x) => x.authorization?.includes(other))).toBe(false);
    expect(b.surfaceCalls.some((x) => x.authorization?.includes(KEY))).toBe(false);
  });
});

describe('streamed targets', () => {
  it('an async iterable of targets with keep: false keeps nothing and reports each as it completes', async () => {
    const d = await double(GOOD);
    async function* gen() {
      for (let i = 0; i < 6; i++) yield targetOf(d);
    }
    const seen: TargetResult[] = [];
    const r = await runProbe(
      { targets: gen(), credentials: ALL_CREDS, jwks: {}, timeoutMs: 2000, concurrency: 3, retries: 0, tlsWarnDays: 30 },
      io,
      {
        keep: false,
        onTarget: (_d, total, t) => {
          expect(total).toBeUndefined();
          seen.push(t);
        },
      },
    );
    expect(r.targets).toEqual([]);
    expect(r.summary).toEqual({ targets: 6, ok: 6, failing: 0 });
    expect(seen).toHaveLength(6);
  });
});
