/** runVerify (the domain of `verify`) through its seams: stdin, the JWKS reader, the fetcher. */
import { beforeAll, describe, expect, it } from 'vitest';
import { runVerify, verifyExitCode, type VerifyRunOptions, type VerifySeams } from '../../src/jwt/verify-run.js';
import { makeKey, signToken, type TestKey } from './tokens.js';

const NOW = new Date('2026-11-24T13:00:00Z');
const NOW_S = NOW.getTime() / 1000;
let rsa: TestKey;
let ec: TestKey;
beforeAll(() => {
  rsa = makeKey('RSA', 'rsa-1');
  ec = makeKey('P-256', 'ec-1');
});

const options = (over: Partial<VerifyRunOptions> = {}): VerifyRunOptions => ({
  source: { kind: 'jwks', location: 'jwks.json' },
  audience: undefined,
  production: false,
  leewaySec: 60,
  timeoutMs: 1000,
  now: NOW,
  requireRole: undefined,
  issuer: undefined,
  strict: false,
  allowHttp: false,
  ca: undefined,
  batchFile: undefined,
  ...over,
});

function seams(stdinText: string, jwks: unknown, argv: string[] = []): VerifySeams {
  return {
    stdin: { isTTY: false, readAllSync: () => Buffer.from(stdinText), async *[Symbol.asyncIterator]() {} },
    readFile: async () => JSON.stringify(jwks),
    progress: async () => ({ update: () => undefined, stop: () => undefined }),
    tokenOnArgv: () => argv.push('warned'),
  };
}

describe('runVerify', () => {
  it('one token from stdin: a single verdict, exit 0', async () => {
    const t = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600 });
    const r = await runVerify(options(), undefined, seams(t, { keys: [rsa.jwk] }));
    expect([r.single?.accepted, r.single?.subject, r.batch, verifyExitCode(r)]).toEqual([true, 'alice', [], 0]);
  });
  it('several lines: a batch in input order, a bad line answered as malformed (exit 2), EC keys checked via node:crypto', async () => {
    const good = await signToken(ec, { sub: 'a', exp: NOW_S + 600 });
    const expired = await signToken(ec, { sub: 'b', exp: NOW_S - 600 });
    const r = await runVerify(options(), undefined, seams(`${good}\nnot-a-jws\n${expired}\n`, { keys: [ec.jwk] }));
    expect(r.single).toBeUndefined();
    expect(r.batch.map((b) => ('verdict' in b ? [b.line, b.verdict.accepted] : [b.line, 'malformed']))).toEqual([
      [1, true],
      [2, 'malformed'],
      [3, false],
    ]);
    expect(verifyExitCode(r)).toBe(2);
  });
  it('a token argument is reported at once (before the key set loads), and a leeway other than 60 s warns', async () => {
    const argv: string[] = [];
    const t = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600 });
    const r = await runVerify(options({ leewaySec: 5 }), t, seams('', { keys: [rsa.jwk] }, argv));
    expect(argv).toEqual(['warned']);
    expect(r.warnings).toEqual(["leeway 5 s differs from the engine's fixed 60 s: the verdict may not match the coordinator"]);
  });
});
