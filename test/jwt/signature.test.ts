/**
 * src/jwt/signature.ts checks JWS signatures on node:crypto. jose is the oracle: for every
 * algorithm the engine accepts, good, tampered and foreign signatures must get the same
 * answer from both, including under random mutation (fast-check).
 */
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkSignature, importVerificationKey } from '../../src/jwt/signature.js';
import { makeKey, type TestKey } from './tokens.js';

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
    return sign(hash, data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: saltLength ?? Number(alg.slice(2)) / 8 });
  }
  if (alg.startsWith('ES')) return sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return sign(hash, data, privateKey);
}

function token(alg: string, kind: Kind, payload: unknown = { sub: 'svc', exp: 2_000_000_000 }): { input: string; sig: Buffer; jwk: Record<string, unknown> } {
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

describe('checkSignature agrees with jose', () => {
  it.each(CASES)('$alg: a good signature verifies', async ({ alg, kind }) => {
    const t = token(alg, kind);
    expect([ours(alg, t.jwk, t.input, t.sig), await oracle(alg, t.jwk, t.input, t.sig)]).toEqual([true, true]);
  });

  it.each(CASES)('$alg: a changed payload, a flipped signature bit, a foreign key and a cut signature all fail', async ({ alg, kind }) => {
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
  });

  it.each(CASES.filter((c) => c.alg !== 'EdDSA'))('$alg: a signature made for another algorithm of the family fails', async ({ alg, kind }) => {
    const t = token(alg, kind);
    const sibling = CASES.find((c) => c.kind === kind && c.alg !== alg);
    if (!sibling) return;
    const sig = rawSign(sibling.alg, pair(kind).privateKey, t.input);
    expect([ours(alg, t.jwk, t.input, sig), await oracle(alg, t.jwk, t.input, sig)]).toEqual([false, false]);
  });

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

  it.each(CASES)('$alg: any mutation of the signature or the signing input gets jose\'s answer', async ({ alg, kind }) => {
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

  it('refuses to check with an RSA key under 2048 bits, and says why', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const input = `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}`;
    const vk = importVerificationKey(small.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, 'RS256')!;
    expect(checkSignature(vk, input, rawSign('RS256', small.privateKey, input))).toEqual({
      valid: false,
      problem: 'RS256 requires key modulusLength to be 2048 bits or larger',
    });
  });

  it('checks over the segments as given: b64:false in crit changes nothing (the engine has no RFC 7797)', () => {
    const p = pair('P-256');
    const input = `${b64({ alg: 'ES256', b64: false, crit: ['b64'] })}.${b64({ sub: 'x' })}`;
    const vk = importVerificationKey(p.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, 'ES256')!;
    expect(checkSignature(vk, input, rawSign('ES256', p.privateKey, input))).toEqual({ valid: true });
  });
});
