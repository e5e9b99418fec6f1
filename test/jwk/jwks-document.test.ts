import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertKidFree,
  engineKeyUse,
  jwksWarnings,
  mergePublicKey,
  parseJwks,
  publicJwk,
  serializeJwks,
  type Jwk,
} from '../../src/jwk/jwks-document.js';
import { KrishivError } from '../../src/errors.js';

// Canonical base64url members: the engine's decoder refuses anything else (jwksWarnings reads them as it does).
const EC256: Jwk = { kty: 'EC', crv: 'P-256', x: 'eDEA', y: 'eTEA', kid: 'ec1' };
const EC384: Jwk = { kty: 'EC', crv: 'P-384', x: 'eDIA', y: 'eTIA', kid: 'ec2' };
const RSA: Jwk = { kty: 'RSA', n: 'bm4A', e: 'AQAB', kid: 'rsa1' };
const ED: Jwk = { kty: 'OKP', crv: 'Ed25519', x: 'eHgA', kid: 'ed1' };
const P521: Jwk = { kty: 'EC', crv: 'P-521', x: 'eAAA', y: 'eQAA', kid: 'p521' };
const OCT: Jwk = { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' };

describe('engineKeyUse (surface §5.2)', () => {
  it.each([
    [RSA, { usable: true, family: 'RSA' }],
    [EC256, { usable: true, family: 'EC', algorithms: ['ES256'] }],
    [EC384, { usable: true, family: 'EC', algorithms: ['ES384'] }],
    [ED, { usable: true, family: 'OKP', algorithms: ['EdDSA'] }],
    [P521, { usable: false, why: 'ec_curve_unsupported' }],
    [OCT, { usable: false, why: 'symmetric_refused' }],
    [
      { kty: 'OKP', crv: 'X25519', x: 'a' },
      { usable: false, why: 'set_undecodable' },
    ],
    [
      { kty: 'EC', crv: 'secp256k1', x: 'a', y: 'b' },
      { usable: false, why: 'set_undecodable' },
    ],
    [
      { kty: 'AKP' },
      {
        usable: false,
        why: 'set_undecodable',
        message: 'key type AKP cannot be deserialized by the coordinator, which then drops the whole JWKS',
      },
    ],
  ] as [Jwk, object][])('%j', (jwk, expected) => {
    expect(engineKeyUse(jwk)).toMatchObject(expected);
  });
});

describe('parseJwks', () => {
  it('keeps other top-level members', () => {
    const j = parseJwks('{"keys":[],"x":1}', 'j.json');
    expect(j).toEqual({ keys: [], extra: { x: 1 } });
    expect(JSON.parse(serializeJwks(j))).toEqual({ x: 1, keys: [] });
  });

  it.each([
    ['', 'JWKS is not valid JSON'],
    ['nope', 'JWKS is not valid JSON'],
    ['[]', 'JWKS must be a JSON object with a "keys" array'],
    ['{}', 'JWKS has no "keys" array'],
    ['{"keys":{}}', 'JWKS has no "keys" array'],
    ['{"keys":[1]}', 'keys[0] is not a JSON object'],
    ['{"keys":[{"kid":"a"}]}', 'keys[0] has no "kty"'],
  ])('%j → ERR_JWKS_MALFORMED (exit 2): %s', (text, message) => {
    try {
      parseJwks(text, 'j.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect((error as KrishivError).code).toBe('ERR_JWKS_MALFORMED');
      expect((error as KrishivError).exitCode).toBe(2);
      expect((error as KrishivError).input).toBe('j.json');
      expect((error as KrishivError).message).toContain(message);
    }
  });

  it('never throws anything but KrishivError (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((k) => JSON.stringify({ keys: k }) ?? ''),
        ),
        (text) => {
          try {
            parseJwks(text, 'x');
          } catch (error) {
            expect(error).toBeInstanceOf(KrishivError);
          }
        },
      ),
    );
  });
});

describe('publicJwk', () => {
  it.each([
    [
      { ...EC256, d: 'secret', alg: 'ES256', use: 'sig' },
      { kty: 'EC', crv: 'P-256', x: 'eDEA', y: 'eTEA', kid: 'ec1', alg: 'ES256', use: 'sig' },
    ],
    [
      { ...RSA, d: 'd', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' },
      { kty: 'RSA', n: 'bm4A', e: 'AQAB', kid: 'rsa1' },
    ],
    [
      { ...ED, d: 'd' },
      { kty: 'OKP', crv: 'Ed25519', x: 'eHgA', kid: 'ed1' },
    ],
  ] as [Jwk, Jwk][])('drops private members', (jwk, pub) => {
    expect(publicJwk(jwk)).toEqual(pub);
  });

  it('an oct key has no public form', () => {
    expect(() => publicJwk(OCT)).toThrow(KrishivError);
  });
});

describe('mergePublicKey', () => {
  it('adds the public members only, no warning for one family', () => {
    const r = mergePublicKey({ keys: [EC256], extra: {} }, { ...EC384, d: 'private' }, 'j');
    expect(r.jwks.keys).toEqual([EC256, EC384]);
    expect(JSON.stringify(r.jwks)).not.toContain('private');
    expect(r.warnings).toEqual([]);
  });

  it('a duplicate kid is refused (exit 1) and the input set is unchanged', () => {
    const set = { keys: [EC256], extra: {} };
    try {
      mergePublicKey(set, { ...EC384, kid: 'ec1' }, 'jwks.json');
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_KID_DUPLICATE');
      expect((error as KrishivError).exitCode).toBe(1);
      expect((error as KrishivError).message).toBe('kid "ec1" is already in this JWKS; nothing was changed (pick another --kid)');
    }
    expect(set.keys).toEqual([EC256]);
    expect(() => assertKidFree(set, 'other', 'j')).not.toThrow();
  });

  it.each([
    [[EC256], RSA, 'EC + RSA'],
    [[RSA], ED, 'OKP + RSA'],
    [[EC256, ED], EC384, 'EC + OKP'],
  ])('mixing families warns that EVERY token is rejected', (keys, add, families) => {
    const r = mergePublicKey({ keys, extra: {} }, add, 'j');
    const w = r.warnings.find((x) => x.code === 'mixed_key_families');
    expect(w?.message).toContain(`mixes key families (${families})`);
    expect(w?.message).toContain('rejects EVERY token');
  });

  it('reads existing keys as the engine does: a usable type can still break the set or be skipped', () => {
    const numericKid = { ...RSA, kid: 7 } as unknown as Jwk;
    const noN = { kty: 'RSA', e: 'AQAB', kid: 'half' } as Jwk;
    const padded = { ...RSA, kid: 'padded', n: `${String(RSA.n)}=` } as Jwk;
    const r = mergePublicKey({ keys: [numericKid, noN, padded], extra: {} }, RSA, 'j');
    expect(r.warnings.map((w) => [w.code, w.message])).toEqual([
      ['set_undecodable', 'keys[0]: cannot be deserialized by the engine: "kid" is not a string, so the coordinator drops the whole JWKS'],
      [
        'set_undecodable',
        'keys[1] (kid half): cannot be deserialized by the engine: RSA key without string "n" and "e", so the coordinator drops the whole JWKS',
      ],
      ['key_skipped', 'keys[2] (kid padded): undecodable JWK: "n" or "e" is not base64url without padding: the coordinator skips this key'],
    ]);
  });

  it('warns about P-521 and oct keys already in the set', () => {
    const r = mergePublicKey({ keys: [P521, OCT], extra: {} }, EC256, 'j');
    expect(r.warnings.map((w) => w.code)).toEqual(['ec_curve_unsupported', 'symmetric_refused']);
    expect(r.warnings[0]!.message).toBe('keys[0] (kid p521): EC P-521 keys are skipped by the coordinator (unsupported EC curve)');
    expect(jwksWarnings([EC256, RSA]).map((w) => w.code)).toEqual(['mixed_key_families']);
  });
});

describe('parseJwks bounds (issue 12)', () => {
  it('a private JWK or token given as --jwks is not quoted in the error', () => {
    const secret = 'krishiv_abcdefgh_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
    let message = '';
    try {
      parseJwks(secret, 'j.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('JWKS is not valid JSON');
  });
  it('deep nesting is ERR_JWKS_MALFORMED before anything reads it', () => {
    expect(() => parseJwks(`{"keys":[],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'j.json')).toThrow(
      /JWKS is nested more than 64 levels deep/,
    );
  });
});
