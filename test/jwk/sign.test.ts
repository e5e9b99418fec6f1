import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { buildClaims, parseClaim, parsePrivateJwk, parseRole, signToken, signingAlgorithm } from '../../src/jwk/sign.js';
import { JWK_ALGORITHMS, generateJwk, parseJwkAlgorithm, validateKid } from '../../src/jwk/generate.js';
import { mergePublicKey, type Jwk } from '../../src/jwk/jwks-document.js';
import { KrishivError } from '../../src/errors.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const IAT = Math.floor(NOW.getTime() / 1000);

describe('parseClaim', () => {
  it.each([
    ['team=blue', 'team', 'blue'],
    ['n=5', 'n', 5],
    ['flag=true', 'flag', true],
    ['nothing=null', 'nothing', null],
    ['aud=["a","b"]', 'aud', ['a', 'b']],
    ['obj={"x":1}', 'obj', { x: 1 }],
    ['eq=a=b', 'eq', 'a=b'],
    ['empty=', 'empty', ''],
    ['q="quoted"', 'q', 'quoted'],
    ['t=hello world', 't', 'hello world'],
  ])('%j → %s = %j', (text, name, value) => {
    expect(parseClaim(text)).toEqual({ name, value });
  });

  it.each([['noequals'], ['=x'], [' =x']])('%j is not name=value', (text) => {
    expect(() => parseClaim(text)).toThrow(KrishivError);
  });

  it('never throws anything but KrishivError (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const c = parseClaim(s);
          expect(c.name.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
        }
      }),
    );
  });
});

describe('buildClaims', () => {
  const base = { sub: 'alice', ttlMs: 15 * 60_000, claims: [] as string[], now: NOW };

  it('iat/exp from the clock and --ttl; role → krishiv_role', () => {
    expect(buildClaims({ ...base, aud: 'prod', iss: 'me', role: 'writer' })).toEqual({
      sub: 'alice',
      aud: 'prod',
      iss: 'me',
      krishiv_role: 'writer',
      iat: IAT,
      exp: IAT + 900,
    });
  });

  it('extra claims, including aud / krishiv_role when no flag sets them', () => {
    expect(buildClaims({ ...base, claims: ['aud=["a","b"]', 'krishiv_role=42', 'jti=x'] })).toMatchObject({
      aud: ['a', 'b'],
      krishiv_role: 42,
      jti: 'x',
    });
  });

  it.each([
    [{ sub: undefined }, '--sub is required (the coordinator needs a string sub claim)'],
    [{ claims: ['exp=1'] }, '"exp" cannot be set with --claim; use --ttl'],
    [{ claims: ['iat=1'] }, '"iat" cannot be set with --claim; use --ttl'],
    [{ claims: ['sub=bob'] }, '"sub" cannot be set with --claim; use --sub'],
    [{ aud: 'x', claims: ['aud=y'] }, '"aud" is already set by --aud; give it once'],
    [{ role: 'admin', claims: ['krishiv_role=reader'] }, '"krishiv_role" is already set by --role; give it once'],
    [{ claims: ['a=1', 'a=2'] }, '"a" is given twice'],
    [{ ttlMs: 10 }, 'must be at least 1s'],
  ] as [object, string][])('%j → ERR_USAGE %s', (over, message) => {
    try {
      buildClaims({ ...base, ...over });
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_USAGE');
      expect((error as KrishivError).message).toBe(message);
    }
  });

  it('parseRole', () => {
    expect(parseRole('admin')).toBe('admin');
    expect(parseRole(undefined)).toBeUndefined();
    expect(() => parseRole('Admin')).toThrow('"Admin" is not a role (admin, writer, reader)');
  });
});

describe('generate-key --type jwk + sign, verified by jose directly', () => {
  it.each(JWK_ALGORITHMS)('%s: private/public pair, thumbprint kid, token verifies against the JWKS', async (alg) => {
    const made = await generateJwk(alg, undefined);
    expect(made.kid).toBe(made.thumbprint);
    expect(made.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.privateJwk).toMatchObject({ alg, use: 'sig', kid: made.kid });
    expect(made.privateJwk['d']).toBeTypeOf('string');
    if (alg.startsWith('RS') || alg.startsWith('PS')) {
      expect(Buffer.from(made.publicJwk['n'] as string, 'base64url').length * 8).toBe(3072);
    }
    const { jwks } = mergePublicKey({ keys: [], extra: {} }, made.privateJwk, 'j');
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const claims = buildClaims({ sub: 'svc', role: 'writer', aud: 'krishiv', ttlMs: 3_600_000, claims: [], now: new Date() });
    const signed = await signToken(made.privateJwk, claims, 'k.jwk');
    expect(decodeProtectedHeader(signed.token)).toEqual({ alg, typ: 'JWT', kid: made.kid });
    const set = createLocalJWKSet(jwks as unknown as Parameters<typeof createLocalJWKSet>[0]);
    const { payload } = await jwtVerify(signed.token, set, { audience: 'krishiv' });
    expect(payload).toMatchObject({ sub: 'svc', krishiv_role: 'writer' });
  });

  it('an explicit --kid is used', async () => {
    expect((await generateJwk('ES256', 'my-kid')).kid).toBe('my-kid');
  });

  it.each([
    [undefined, 'ES256'],
    ['es384', 'ES384'],
    ['EdDSA', 'EdDSA'],
  ])('parseJwkAlgorithm(%j) → %s', (text, alg) => {
    expect(parseJwkAlgorithm(text)).toBe(alg);
  });

  it('refuses HS256 and ES512 algorithms and bad kids', () => {
    expect(() => parseJwkAlgorithm('HS256')).toThrow('"HS256" is not supported (ES256, ES384, RS256, PS256, EdDSA)');
    expect(() => validateKid(' x')).toThrow(KrishivError);
    expect(validateKid('k1')).toBe('k1');
  });
});

describe('private key input for sign', () => {
  it.each([
    ['{', 'is not valid JSON (at line 1, column 2) (expected a private JWK)'],
    ['[]', 'is not a JWK (a JSON object with "kty")'],
    ['{"kid":"x"}', 'is not a JWK (a JSON object with "kty")'],
  ])('%j → ERR_JWK_INVALID', (text, message) => {
    expect(() => parsePrivateJwk(text, 'k.jwk')).toThrow(message);
  });

  it.each([
    [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, 'is not a private key (no "d" member)'],
    [{ kty: 'oct', k: 'abc', d: 'x' }, 'symmetric (oct) key'],
    [{ kty: 'OKP', crv: 'X25519', x: 'a', d: 'b' }, 'cannot sign a token the coordinator accepts'],
  ] as [Jwk, string][])('signingAlgorithm refuses %j', (jwk, message) => {
    expect(() => signingAlgorithm(jwk, 'k.jwk')).toThrow(message);
  });

  it('a public-only JWK cannot sign (typed error, not a crash)', async () => {
    const made = await generateJwk('ES256', 'k');
    await expect(signToken(made.publicJwk, { sub: 'a' }, 'k.jwk')).rejects.toMatchObject({ code: 'ERR_JWK_INVALID' });
  });

  it('a corrupted private key is a typed error', async () => {
    const made = await generateJwk('ES256', 'k');
    await expect(signToken({ ...made.privateJwk, d: 'AAAA' }, { sub: 'a' }, 'k.jwk')).rejects.toMatchObject({ code: 'ERR_JWK_INVALID' });
  });
});
