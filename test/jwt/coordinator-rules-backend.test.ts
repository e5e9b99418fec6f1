/**
 * Verdicts that depend on the engine's libraries below jsonwebtoken: aws-lc-rs's RSA key
 * rules (the e = 1 forgery), serde's integers and nesting, the HTTP/2 header-list limit.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import {
  MAX_DELIVERABLE_TOKEN_BYTES,
  prepareKeySet,
  verifyToken,
  type EngineOptions,
  type Verdict,
} from '../../src/jwt/coordinator-rules.js';
import { parseCompactJws } from '../../src/jwt/input.js';
import { analyzeJwks } from '../../src/jwt/coordinator-jwks.js';
import { makeKey, signRawRs256, signToken, type TestKey } from './tokens.js';
import { loadNodeCrypto } from '../../src/jwt/signature.js';

beforeAll(loadNodeCrypto);

const NOW = new Date('2026-11-24T13:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const opts = (over: Partial<EngineOptions> = {}): EngineOptions => ({
  now: NOW,
  leewaySec: 60,
  audience: undefined,
  production: false,
  strict: false,
  ...over,
});
function verify(token: string, jwks: { keys: unknown[] }, over: Partial<EngineOptions> = {}): Verdict {
  return verifyToken(token, parseCompactJws(token, 'test'), prepareKeySet(jwks, analyzeJwks(jwks)), opts(over));
}
const codes = (v: Verdict): string[] => v.findings.map((f) => `${f.severity}:${f.code}`).sort();
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

let rsa: TestKey;
beforeAll(() => {
  rsa = makeKey('RSA', 'rsa-1');
});

describe('RSA keys the backend refuses', () => {
  it('exponent 1: the forged token (signature = PKCS#1 v1.5 encoding of the digest) is REJECTED', () => {
    const n = Buffer.from(String(rsa.jwk['n']), 'base64url');
    const jwks = { keys: [{ kty: 'RSA', kid: 'e1', n: rsa.jwk['n'], e: 'AQ' }] };
    const input = `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(JSON.stringify({ sub: 'mallory', krishiv_role: 'admin', exp: NOW_S + 600 }))}`;
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      createHash('sha256').update(input).digest(),
    ]);
    const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(n.length - digestInfo.length - 3, 0xff), Buffer.from([0]), digestInfo]);
    const v = verify(`${input}.${b64(em)}`, jwks);
    expect([v.accepted, codes(v)]).toEqual([false, ['error:signature_invalid']]);
    expect(v.findings[0]!.message).toContain('the RSA exponent e is 1 (signatures would be forgeable; AWS-LC refuses it)');
    // the analysis says the key is installed but useless
    expect(analyzeJwks(jwks).problems.join('\n')).toContain('is installed but every signature check with it fails');
  });
  it('a leading zero byte in n: the genuine signature is still rejected', async () => {
    const n = Buffer.concat([Buffer.from([0]), Buffer.from(String(rsa.jwk['n']), 'base64url')]);
    const t = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600 });
    const v = verify(t, { keys: [{ kty: 'RSA', n: n.toString('base64url'), e: rsa.jwk['e'] }] });
    expect([v.accepted, codes(v)]).toEqual([false, ['error:signature_invalid']]);
  });
  it('a huge exponent is refused from its length alone (no modular arithmetic)', async () => {
    const t = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600 });
    const e = Buffer.alloc(512 * 1024, 0xff).toString('base64url');
    const v = verify(t, { keys: [{ kty: 'RSA', n: rsa.jwk['n'], e }] });
    expect(v.findings[0]!.message).toContain('the RSA exponent e has 4194304 bits; AWS-LC refuses more than 33');
  });
  it('the genuine key still verifies (control)', async () => {
    const v = verify(await signToken(rsa, { sub: 'alice', exp: NOW_S + 600 }), { keys: [rsa.jwk] });
    expect([v.accepted, codes(v)]).toEqual([true, []]);
  });
});

describe('integers read exactly as serde reads them', () => {
  const at = async (exp: string): Promise<Verdict> =>
    verify(await signRawRs256(rsa, '{"alg":"RS256"}', `{"sub":"alice","exp":${exp}}`), { keys: [rsa.jwk] });
  it('exp 18446744073709551615 (u64::MAX) never expires; 18446744073709551616 does not parse and counts as missing', async () => {
    const max = await at('18446744073709551615');
    expect([max.accepted, codes(max)]).toEqual([true, ['warning:long_lifetime']]);
    const over = await at('18446744073709551616');
    expect([over.accepted, codes(over)]).toEqual([false, ['error:missing_exp']]);
    // as a float the same value is 2^64: refused too (value < u64::MAX as f64)
    expect((await at('18446744073709551615.0')).accepted).toBe(false);
  });
  it('an exp one second short of the boundary, beyond 2^53, is compared exactly', async () => {
    const v = await at(String(BigInt(NOW_S - 61)));
    expect(codes(v)).toEqual(['error:expired']);
    expect((await at(String(BigInt(NOW_S - 60)))).accepted).toBe(true);
  });
  it('exp 1e400 does not parse (out of f64 range): missing; nbf 1e400 is skipped: accepted', async () => {
    expect(codes(await at('1e400'))).toEqual(['error:missing_exp']);
    const v = verify(await signRawRs256(rsa, '{"alg":"RS256"}', `{"sub":"alice","exp":${NOW_S + 600},"nbf":1e400}`), { keys: [rsa.jwk] });
    expect([v.accepted, codes(v)]).toEqual([true, []]);
  });
  it('nbf [] is skipped, nbf [1] leaves serde mid-array and the whole claims set fails', async () => {
    const mk = async (nbf: string): Promise<Verdict> =>
      verify(await signRawRs256(rsa, '{"alg":"RS256"}', `{"sub":"alice","exp":${NOW_S + 600},"nbf":${nbf}}`), { keys: [rsa.jwk] });
    expect((await mk('[]')).accepted).toBe(true);
    expect((await mk('{}')).accepted).toBe(true);
    expect((await mk('[1]')).accepted).toBe(false);
    expect((await mk('{"a":1}')).accepted).toBe(false);
  });
});

describe('nesting and strings', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  it("a claim the engine skips may nest without limit; aud nested past serde's limit fails the claims set", async () => {
    const skipped = verify(await signRawRs256(rsa, '{"alg":"RS256"}', `{"sub":"alice","exp":${NOW_S + 600},"ctx":${deep(5000)}}`), {
      keys: [rsa.jwk],
    });
    expect(skipped.accepted).toBe(true);
    const aud = verify(await signRawRs256(rsa, '{"alg":"RS256"}', `{"sub":"alice","exp":${NOW_S + 600},"aud":${deep(200)}}`), {
      keys: [rsa.jwk],
    });
    expect(aud.accepted).toBe(false);
  });
  it('a header member nested 127 deep is read (and must then be a string: rejected); 126 arrays inside the header object are the limit', async () => {
    const inHeader = (n: number): string => `{"alg":"RS256","x":${deep(n)}}`;
    const r126 = verify(await signRawRs256(rsa, inHeader(126), JSON.stringify({ sub: 'a', exp: NOW_S + 600 })), { keys: [rsa.jwk] });
    expect(r126.findings.find((f) => f.code === 'malformed')!.message).toContain('is not a string');
    const r127 = verify(await signRawRs256(rsa, inHeader(127), JSON.stringify({ sub: 'a', exp: NOW_S + 600 })), { keys: [rsa.jwk] });
    expect(r127.findings.find((f) => f.code === 'malformed')!.message).toContain('recursion limit exceeded');
  });
  it('aud "\\ud800" (a lone surrogate closing the string) fails to parse: the audience check is skipped, accepted', async () => {
    const t = await signRawRs256(
      rsa,
      '{"alg":"RS256"}',
      String.raw`{"sub":"alice","exp":EXP,"aud":"\ud800"}`.replace('EXP', String(NOW_S + 600)),
    );
    const v = verify(t, { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect([v.accepted, codes(v)]).toEqual([true, ['warning:audience_missing']]);
    // but "\ud800x": serde stops after the x, mid-string, and the claims set fails
    const t2 = await signRawRs256(
      rsa,
      '{"alg":"RS256"}',
      String.raw`{"sub":"alice","exp":EXP,"aud":"\ud800x"}`.replace('EXP', String(NOW_S + 600)),
    );
    expect(verify(t2, { keys: [rsa.jwk] }, { audience: 'krishiv' }).accepted).toBe(false);
  });
});

describe('transport', () => {
  it(`a token over ${MAX_DELIVERABLE_TOKEN_BYTES} bytes cannot be delivered over the coordinator's HTTP/2: REJECTED, and says why`, async () => {
    const big = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600, pad: 'x'.repeat(12_500) });
    expect(big.length).toBeGreaterThan(MAX_DELIVERABLE_TOKEN_BYTES);
    const v = verify(big, { keys: [rsa.jwk] });
    expect([v.accepted, codes(v)]).toEqual([false, ['error:not_deliverable']]);
    expect(v.findings[0]!.message).toContain("the coordinator's HTTP/2 limit of 16384 bytes");
    const ok = await signToken(rsa, { sub: 'alice', exp: NOW_S + 600, pad: 'x'.repeat(11_000) });
    expect(ok.length).toBeLessThanOrEqual(MAX_DELIVERABLE_TOKEN_BYTES);
    expect(verify(ok, { keys: [rsa.jwk] }).accepted).toBe(true);
  });
});

describe('robustness', () => {
  it('any header and payload text, any JWKS of JSON values: verify answers or refuses with a typed error, never throws otherwise', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constantFrom('{"alg":"RS256"}', '{"alg":"ES256","b64":false}', '{"sub":"a","exp":1e400}', '{"alg":"RS256","kid":"\\ud800"}'),
    );
    fc.assert(
      fc.property(jsonish, jsonish, fc.uint8Array({ maxLength: 300 }), fc.array(fc.jsonValue(), { maxLength: 3 }), (h, p, sig, keys) => {
        const token = `${b64(h)}.${b64(p)}.${Buffer.from(sig).toString('base64url')}`;
        const jwks = { keys: [...keys, rsa.jwk] };
        let parsed;
        try {
          parsed = parseCompactJws(token, 'fc');
        } catch (e) {
          if (!(e instanceof KrishivError)) throw e;
          return;
        }
        let analysis;
        try {
          analysis = analyzeJwks(jwks);
        } catch (e) {
          if (!(e instanceof KrishivError)) throw e;
          return;
        }
        const v = verifyToken(token, parsed, prepareKeySet(jwks, analysis), opts());
        expect(typeof v.accepted).toBe('boolean');
        expect(() => JSON.stringify(v)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
