/**
 * src/jwt/signature.ts checks JWS signatures on node:crypto. jose is the oracle: for every
 * algorithm the engine accepts, good, tampered and foreign signatures must get the same
 * answer from both, including under random mutation (fast-check).
 */
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKeyProblem, checkSignature, importVerificationKey, type KeyMaterial } from '../../src/jwt/signature.js';
import { makeKey, type TestKey } from './tokens.js';
import { loadNodeCrypto, setNativeRsa } from '../../src/jwt/signature.js';

beforeAll(loadNodeCrypto);

type Kind = 'RSA' | 'P-256' | 'P-384' | 'Ed25519';
const CASES: Array<{ alg: string; kind: Kind }> = [
  { alg: 'RS256', kind: 'RSA' },
  { alg: 'RS384', kind: 'RSA' },
  { alg: 'RS512', kind: 'RSA' },
  { alg: 'PS256', kind: 'RSA' },
  { alg: 'PS384', kind: 'RSA' },
  { alg: 'PS512', kind: 'RSA' },
  { alg: 'ES256', kind: 'P-256' },
  { alg: 'ES384', kind: 'P-384' },
  { alg: 'EdDSA', kind: 'Ed25519' },
];

const pairs = new Map<Kind, TestKey>();
function pair(kind: Kind, fresh = false): TestKey {
  if (!fresh && pairs.has(kind)) return pairs.get(kind)!;
  const p = makeKey(kind);
  if (!fresh) pairs.set(kind, p);
  return p;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function rawSign(alg: string, privateKey: KeyObject, input: string, saltLength?: number): Buffer {
  const data = Buffer.from(input);
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) {
    return sign(hash, data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: saltLength ?? Number(alg.slice(2)) / 8,
    });
  }
  if (alg.startsWith('ES')) return sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return sign(hash, data, privateKey);
}

function token(
  alg: string,
  kind: Kind,
  payload: unknown = { sub: 'svc', exp: 2_000_000_000 },
): { input: string; sig: Buffer; jwk: Record<string, unknown> } {
  const p = pair(kind);
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  return { input, sig: rawSign(alg, p.privateKey, input), jwk: p.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

function ours(alg: string, jwk: Record<string, unknown>, input: string, sig: Uint8Array): boolean {
  const vk = importVerificationKey(jwk, alg);
  if (!vk) throw new Error('import failed');
  return checkSignature(vk, input, sig).valid;
}

async function oracle(alg: string, jwk: Record<string, unknown>, input: string, sig: Uint8Array): Promise<boolean> {
  const key = await importJWK(jwk, alg);
  try {
    await compactVerify(`${input}.${Buffer.from(sig).toString('base64url')}`, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

for (const native of [false, true]) {
  describe(`checkSignature agrees with jose (RSA ${native ? 'by OpenSSL' : 'in JavaScript'})`, () => {
    beforeAll(() => setNativeRsa(native));
    afterAll(() => setNativeRsa(false));
    it.each(CASES)('$alg: a good signature verifies', async ({ alg, kind }) => {
      const t = token(alg, kind);
      expect([ours(alg, t.jwk, t.input, t.sig), await oracle(alg, t.jwk, t.input, t.sig)]).toEqual([true, true]);
    });

    it.each(CASES)(
      '$alg: a changed payload, a flipped signature bit, a foreign key and a cut signature all fail',
      async ({ alg, kind }) => {
        const t = token(alg, kind);
        const other = token(alg, kind, { sub: 'attacker', exp: 2_000_000_000 });
        const flipped = Buffer.from(t.sig);
        flipped[flipped.length >> 1]! ^= 0x01;
        const foreign = pair(kind, true);
        const variants: Array<[string, Uint8Array]> = [
          [other.input, t.sig],
          [t.input, flipped],
          [t.input, rawSign(alg, foreign.privateKey, t.input)],
          [t.input, t.sig.subarray(0, t.sig.length - 1)],
          [t.input, Buffer.concat([t.sig, Buffer.from([0])])],
          [t.input, Buffer.alloc(0)],
        ];
        for (const [input, sig] of variants) {
          expect([ours(alg, t.jwk, input, sig), await oracle(alg, t.jwk, input, sig)]).toEqual([false, false]);
        }
      },
    );

    it.each(CASES.filter((c) => c.alg !== 'EdDSA'))(
      '$alg: a signature made for another algorithm of the family fails',
      async ({ alg, kind }) => {
        const t = token(alg, kind);
        const sibling = CASES.find((c) => c.kind === kind && c.alg !== alg);
        if (!sibling) return;
        const sig = rawSign(sibling.alg, pair(kind).privateKey, t.input);
        expect([ours(alg, t.jwk, t.input, sig), await oracle(alg, t.jwk, t.input, sig)]).toEqual([false, false]);
      },
    );

    it('PS256 with a salt shorter than the digest fails, as in jose (salt length = digest length)', async () => {
      const t = token('PS256', 'RSA');
      const sig = rawSign('PS256', pair('RSA').privateKey, t.input, 0);
      expect([ours('PS256', t.jwk, t.input, sig), await oracle('PS256', t.jwk, t.input, sig)]).toEqual([false, false]);
    });

    it('ES256 with a DER-encoded signature fails (JWS uses the raw r||s form)', async () => {
      const t = token('ES256', 'P-256');
      const der = sign('sha256', Buffer.from(t.input), pair('P-256').privateKey);
      expect([ours('ES256', t.jwk, t.input, der), await oracle('ES256', t.jwk, t.input, der)]).toEqual([false, false]);
    });

    it.each(CASES)("$alg: any mutation of the signature or the signing input gets jose's answer", async ({ alg, kind }) => {
      const t = token(alg, kind);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: t.sig.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          fc.nat({ max: t.input.length - 1 }),
          fc.boolean(),
          async (at, xor, inputAt, mutateInput) => {
            const sig = Buffer.from(t.sig);
            let input = t.input;
            if (mutateInput) input = `${input.slice(0, inputAt)}${input[inputAt] === 'A' ? 'B' : 'A'}${input.slice(inputAt + 1)}`;
            else sig[at]! ^= xor;
            const expected = await oracle(alg, t.jwk, input, sig);
            expect(ours(alg, t.jwk, input, sig)).toBe(expected);
          },
        ),
        { numRuns: alg.startsWith('RS') || alg.startsWith('PS') ? 15 : 40 },
      );
    });
  });
}

describe('importVerificationKey', () => {
  const rsa = pair('RSA').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const p256 = pair('P-256').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const p384 = pair('P-384').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const ed = pair('Ed25519').publicKey.export({ format: 'jwk' }) as Record<string, unknown>;

  it.each([
    ['an EC P-384 key for ES256', p384, 'ES256'],
    ['an EC P-256 key for ES384', p256, 'ES384'],
    ['an RSA key for ES256', rsa, 'ES256'],
    ['an Ed25519 key for RS256', ed, 'RS256'],
    ['a point that is not on the curve', { ...p256, y: p256['x'] }, 'ES256'],
    ['RSA material without e', { kty: 'RSA', n: rsa['n'] }, 'RS256'],
    ['an Ed25519 x of the wrong length', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }, 'EdDSA'],
    ['an HMAC algorithm', { kty: 'oct', k: 'c2VjcmV0' }, 'HS256'],
    ['an algorithm the engine does not know', p256, 'ES512'],
  ])('refuses %s', (_what, jwk, alg) => {
    expect(importVerificationKey(jwk as Record<string, unknown>, alg)).toBeUndefined();
  });

  const bytes = (b: string): Buffer => Buffer.from(b, 'base64url');
  const u = (buf: Uint8Array): string => Buffer.from(buf).toString('base64url');
  const n = bytes(String(rsa['n']));
  it.each([
    [
      'an RSA key under 2048 bits',
      {
        kty: 'RSA',
        n: u(bytes(String(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }).n))),
        e: 'AQAB',
      },
      "the RSA modulus has 1024 bits; the engine's backend verifies only 2048 to 8192",
    ],
    [
      'an RSA key over 8192 bits',
      { kty: 'RSA', n: u(Buffer.concat([Buffer.from([0x80]), Buffer.alloc(1024, 0xff)])), e: 'AQAB' },
      "the RSA modulus has 8200 bits; the engine's backend verifies only 2048 to 8192",
    ],
    [
      'a leading zero byte in n',
      { kty: 'RSA', n: u(Buffer.concat([Buffer.from([0]), n])), e: 'AQAB' },
      'the RSA modulus n starts with a zero byte (aws-lc-rs refuses a leading zero)',
    ],
    [
      'a leading zero byte in e',
      { kty: 'RSA', n: rsa['n'], e: 'AAEAAQ' },
      'the RSA exponent e starts with a zero byte (aws-lc-rs refuses a leading zero)',
    ],
    [
      'e = 1 (anyone can forge: the signature is the padded digest itself)',
      { kty: 'RSA', n: rsa['n'], e: 'AQ' },
      'the RSA exponent e is 1 (signatures would be forgeable; AWS-LC refuses it)',
    ],
    ['an even e', { kty: 'RSA', n: rsa['n'], e: 'BA' }, 'the RSA exponent e is even (AWS-LC refuses it)'],
    [
      'a 34-bit e',
      { kty: 'RSA', n: rsa['n'], e: u(Buffer.from([2, 0, 0, 0, 1])) },
      'the RSA exponent e has 34 bits; AWS-LC refuses more than 33',
    ],
    [
      'an even modulus',
      { kty: 'RSA', n: u(Buffer.concat([n.subarray(0, -1), Buffer.from([n[n.length - 1]! & 0xfe])])), e: 'AQAB' },
      'the RSA modulus n is even (not an RSA modulus)',
    ],
    ['an empty n', { kty: 'RSA', n: '', e: 'AQAB' }, 'the RSA modulus n is empty'],
    [
      'EC coordinates of the wrong total length',
      { ...p256, x: u(bytes(String(p256['x'])).subarray(1)) },
      "x and y are 31 + 32 bytes; the engine's backend needs 32 + 32 for P-256",
    ],
    [
      'an EC coordinate at or above the field prime',
      { kty: 'EC', crv: 'P-256', x: u(Buffer.alloc(32, 0xff)), y: p256['y'] },
      'a coordinate is not below the P-256 field prime',
    ],
    [
      'an Ed25519 key that is not 32 bytes',
      { kty: 'OKP', crv: 'Ed25519', x: u(Buffer.alloc(33, 1)) },
      'the Ed25519 key is 33 bytes; it must be 32',
    ],
  ])("the engine's backend refuses %s: never imported", (_what, jwk, problem) => {
    expect(backendKeyProblem(jwk as KeyMaterial)).toBe(problem);
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'])
      expect(importVerificationKey(jwk as Record<string, unknown>, alg)).toBeUndefined();
  });
  it('accepts real keys, and an exponent of 3 or 2^32 + 1 (odd, at most 33 bits)', () => {
    for (const jwk of [
      rsa,
      p256,
      p384,
      ed,
      { kty: 'RSA', n: rsa['n'], e: 'Aw' },
      { kty: 'RSA', n: rsa['n'], e: u(Buffer.from([1, 0, 0, 0, 1])) },
    ]) {
      expect(backendKeyProblem(jwk as unknown as KeyMaterial)).toBeUndefined();
    }
  });
  it('EC x and y are cut as the engine cuts x ‖ y: a 31-byte x with a 33-byte y is the same point', () => {
    const p = pair('P-256');
    const x = bytes(String(p256['x']));
    const y = bytes(String(p256['y']));
    const shifted = { kty: 'EC', crv: 'P-256', x: u(x.subarray(0, 31)), y: u(Buffer.concat([x.subarray(31), y])) };
    const input = `${b64({ alg: 'ES256' })}.${b64({ sub: 'x' })}`;
    const vk = importVerificationKey(shifted, 'ES256')!;
    expect(checkSignature(vk, input, rawSign('ES256', p.privateKey, input))).toEqual({ valid: true });
  });
  it('an RSA signature must be exactly as long as the modulus (OpenSSL would accept it without its leading zero)', () => {
    const p = pair('RSA');
    const vk = importVerificationKey(rsa, 'RS256')!;
    for (let i = 0; ; i++) {
      const input = `${b64({ alg: 'RS256', i })}.${b64({ sub: 'x' })}`;
      const sig = rawSign('RS256', p.privateKey, input);
      if (sig[0] !== 0) continue;
      expect(checkSignature(vk, input, sig)).toEqual({ valid: true });
      expect(checkSignature(vk, input, sig.subarray(1))).toEqual({
        valid: false,
        problem: `the signature is ${sig.length - 1} bytes; the engine's backend requires exactly the modulus length, ${sig.length}`,
      });
      break;
    }
  });

  it('checks over the segments as given: b64:false in crit changes nothing (the engine has no RFC 7797)', () => {
    const p = pair('P-256');
    const input = `${b64({ alg: 'ES256', b64: false, crit: ['b64'] })}.${b64({ sub: 'x' })}`;
    const vk = importVerificationKey(p.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, 'ES256')!;
    expect(checkSignature(vk, input, rawSign('ES256', p.privateKey, input))).toEqual({ valid: true });
  });
});
