import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareKeySet, verifyToken, type EngineOptions, type Verdict } from '../../src/jwt/coordinator-rules.js';
import { parseCompactJws } from '../../src/jwt/input.js';
import { analyzeJwks } from '../../src/jwt/coordinator-jwks.js';
import { hmacToken, makeKey, rfcVectors, signRawRs256, signToken, unsignedToken, type TestKey } from './tokens.js';
import { loadNodeCrypto } from '../../src/jwt/signature.js';

beforeAll(loadNodeCrypto);

const NOW = new Date('2026-11-24T13:00:00Z');
const NOW_S = NOW.getTime() / 1000;

function opts(over: Partial<EngineOptions> = {}): EngineOptions {
  return { now: NOW, leewaySec: 60, audience: undefined, production: false, strict: false, ...over };
}

async function verify(token: string, jwks: { keys: unknown[] }, over: Partial<EngineOptions> = {}): Promise<Verdict> {
  const analysis = analyzeJwks(jwks);
  return verifyToken(token, parseCompactJws(token, 'test'), prepareKeySet(jwks, analysis), opts(over));
}

const codes = (v: Verdict): string[] => v.findings.map((f) => `${f.severity}:${f.code}`).sort();

let rsa: TestKey;
let attacker: TestKey;
let ec: TestKey;
let ed: TestKey;
beforeAll(() => {
  rsa = makeKey('RSA', 'rsa-1');
  attacker = makeKey('RSA', 'evil');
  ec = makeKey('P-256', 'ec-1');
  ed = makeKey('Ed25519', 'ed-1');
});

const good = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'alice',
  exp: NOW_S + 600,
  iat: NOW_S - 10,
  ...over,
});

describe('RFC test vectors (with --now)', () => {
  const [a2, a3, a4] = rfcVectors();
  const before = new Date('2011-03-22T18:00:00Z');
  it.each([
    [a2!, 'RSA', 'RS256'],
    [a3!, 'EC', 'ES256'],
  ])('$name: signature valid, rejected only because there is no sub', async (vector, kty, alg) => {
    const v = await verify(vector.token, { keys: [vector.jwk] }, { now: before });
    expect(v.accepted).toBe(false);
    expect(v.ok).toBe(false);
    expect(v.key).toEqual({ index: 0, kid: null, kty, alg });
    expect(codes(v)).toEqual(['error:missing_sub']);
    expect(v.findings[0]!.message).toBe("sub must be a JSON string (Krishiv's claims struct); found absent");
  });
  it('A.2 at a later time: also expired, message with expected and found', async () => {
    const v = await verify(a2!.token, { keys: [a2!.jwk] }, { now: new Date('2011-03-22T21:43:00Z') });
    expect(codes(v)).toEqual(['error:expired', 'error:missing_sub']);
    expect(v.findings.find((f) => f.code === 'expired')!.message).toBe(
      "exp 2011-03-22T18:43:00Z is 3h in the past, beyond the engine's 60 s leeway",
    );
  });
  it('A.3 against the A.2 key: alg not allowed by an RSA-only set, no signature check', async () => {
    const v = await verify(a3!.token, { keys: [a2!.jwk] }, { now: before });
    expect(codes(v)).toEqual(['error:alg_not_allowed', 'error:missing_sub']);
    expect(v.key).toBeNull();
  });
  it('A.4 (Ed25519 over a non-JSON payload): signature valid, rejected as payload_not_json', async () => {
    const v = await verify(a4!.token, { keys: [a4!.jwk] }, { now: before });
    expect(v.key).toEqual({ index: 0, kid: null, kty: 'OKP', alg: 'EdDSA' });
    expect(v.accepted).toBe(false);
    expect(codes(v)).toEqual(['error:payload_not_json']);
    expect(v.claims).toBeNull();
  });
});

describe('attack tokens', () => {
  interface Row {
    name: string;
    make: () => Promise<{ token: string; jwks: { keys: unknown[] }; over?: Partial<EngineOptions> }>;
    accepted: boolean;
    codes: string[];
  }
  const rows: Row[] = [
    {
      name: 'alg none',
      make: async () => ({ token: unsignedToken(good()), jwks: { keys: [rsa.jwk] } }),
      accepted: false,
      codes: ['error:alg_none'],
    },
    {
      name: 'HS256 signed with the RSA public key bytes (algorithm confusion)',
      make: async () => ({
        token: hmacToken(rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string, good()),
        jwks: { keys: [rsa.jwk] },
      }),
      accepted: false,
      codes: ['error:alg_not_allowed'],
    },
    {
      name: 'jku header injection (signed by the attacker)',
      make: async () => ({
        token: await signToken(attacker, good(), { jku: 'https://evil.example/jwks.json', kid: 'rsa-1' }),
        jwks: { keys: [rsa.jwk] },
      }),
      accepted: false,
      codes: ['error:signature_invalid', 'warning:key_in_header'],
    },
    {
      name: 'jwk header injection (the attacker embeds its own key)',
      make: async () => ({
        token: await signToken(attacker, good(), { jwk: attacker.jwk }),
        jwks: { keys: [rsa.jwk] },
      }),
      accepted: false,
      codes: ['error:signature_invalid', 'warning:key_in_header'],
    },
    {
      name: 'mixed-family JWKS (RSA + EC): even a valid RS256 token is rejected',
      make: async () => ({ token: await signToken(rsa, good()), jwks: { keys: [rsa.jwk, ec.jwk] } }),
      accepted: false,
      codes: ['error:mixed_key_families'],
    },
    {
      name: 'oct-only JWKS with an HS256 token made with that secret',
      make: async () => ({
        token: hmacToken(Buffer.from('sixteen-byte-key'), good()),
        jwks: { keys: [{ kty: 'oct', k: Buffer.from('sixteen-byte-key').toString('base64url') }] },
      }),
      accepted: false,
      codes: ['error:alg_not_allowed', 'error:no_usable_keys', 'warning:symmetric_key_refused'],
    },
    {
      name: 'wrong audience',
      make: async () => ({ token: await signToken(rsa, good({ aud: 'other' })), jwks: { keys: [rsa.jwk] }, over: { audience: 'krishiv' } }),
      accepted: false,
      codes: ['error:audience_mismatch'],
    },
    {
      name: 'missing exp',
      make: async () => ({ token: await signToken(rsa, { sub: 'alice' }), jwks: { keys: [rsa.jwk] } }),
      accepted: false,
      codes: ['error:missing_exp'],
    },
    {
      name: 'expired by 30 s: inside the 60 s leeway, accepted',
      make: async () => ({ token: await signToken(rsa, good({ exp: NOW_S - 30 })), jwks: { keys: [rsa.jwk] } }),
      accepted: true,
      codes: ['warning:expired'],
    },
    {
      name: 'expired by 90 s: rejected',
      make: async () => ({ token: await signToken(rsa, good({ exp: NOW_S - 90 })), jwks: { keys: [rsa.jwk] } }),
      accepted: false,
      codes: ['error:expired'],
    },
    {
      name: 'sub not a string',
      make: async () => ({ token: await signToken(rsa, good({ sub: 42 })), jwks: { keys: [rsa.jwk] } }),
      accepted: false,
      codes: ['error:missing_sub'],
    },
    {
      name: 'role claim not a string',
      make: async () => ({ token: await signToken(rsa, good({ krishiv_role: ['admin'] })), jwks: { keys: [rsa.jwk] } }),
      accepted: false,
      codes: ['error:role_claim_invalid'],
    },
    {
      name: 'admin: subject without a role claim: accepted as Admin, flagged',
      make: async () => ({ token: await signToken(rsa, good({ sub: 'admin:mallory' })), jwks: { keys: [rsa.jwk] } }),
      accepted: true,
      codes: ['warning:admin_subject_prefix'],
    },
  ];
  it.each(rows)('$name', async (row) => {
    const { token, jwks, over } = await row.make();
    const v = await verify(token, jwks, over);
    expect(v.accepted).toBe(row.accepted);
    expect(codes(v)).toEqual([...row.codes].sort());
    for (const f of v.findings) expect(f.message).not.toContain(token);
  });

  it('messages say expected and found', async () => {
    const t = await signToken(rsa, good({ exp: NOW_S - 90, aud: ['a', 'b'] }));
    const v = await verify(t, { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect(v.findings.map((f) => f.message)).toEqual([
      "exp 2026-11-24T12:58:30Z is 1m 30s in the past, beyond the engine's 60 s leeway",
      'aud ["a","b"] does not contain the configured audience "krishiv"',
    ]);
  });
  it('admin: subject is an Admin principal', async () => {
    const v = await verify(await signToken(rsa, good({ sub: 'admin:mallory' })), { keys: [rsa.jwk] });
    expect([v.subject, v.role]).toEqual(['admin:mallory', 'admin']);
  });
});

describe('engine rules', () => {
  it('accepts a good token with the key that verified it', async () => {
    const v = await verify(await signToken(rsa, good({ krishiv_role: 'writer' })), { keys: [rsa.jwk] });
    expect(v).toMatchObject({
      ok: true,
      accepted: true,
      subject: 'writer:alice',
      role: 'writer',
      key: { kid: 'rsa-1', kty: 'RSA', alg: 'RS256' },
    });
    expect(v.findings).toEqual([]);
  });
  it.each([
    ['admin', 'admin:alice', 'admin', []],
    ['writer', 'writer:alice', 'writer', []],
    ['reader', 'reader:alice', 'reader', []],
    ['Admin', 'reader:alice', 'reader', ['info:role_unrecognized']],
    [null, 'alice', 'reader', []],
    [undefined, 'alice', 'reader', []],
  ])('krishiv_role %j → subject %s, role %s', async (roleClaim, subject, role, extra) => {
    const v = await verify(await signToken(rsa, good({ krishiv_role: roleClaim })), { keys: [rsa.jwk] });
    expect([v.subject, v.role]).toEqual([subject, role]);
    expect(codes(v)).toEqual(extra);
  });
  it('a role claim keeps the admin: prefix from counting: writer + sub admin:x → Writer', async () => {
    const v = await verify(await signToken(rsa, good({ sub: 'admin:x', krishiv_role: 'writer' })), { keys: [rsa.jwk] });
    expect([v.subject, v.role]).toEqual(['writer:admin:x', 'writer']);
  });
  it('every key is tried in turn, no kid matching (kid_not_found is only a warning)', async () => {
    const other = makeKey('RSA', 'other');
    const t = await signToken(rsa, good(), { kid: 'not-in-set' });
    const v = await verify(t, { keys: [other.jwk, { ...rsa.jwk, kid: 'rotated' }] });
    expect(v.accepted).toBe(true);
    expect(v.key).toMatchObject({ index: 1, kid: 'rotated' });
    expect(codes(v)).toEqual(['warning:kid_not_found']);
  });
  it('JWK alg/use/key_ops are ignored: an RSA key marked alg HS256, use enc still verifies PS256', async () => {
    const t = await signToken(rsa, good(), { alg: 'PS256' });
    const v = await verify(t, { keys: [{ ...rsa.jwk, alg: 'HS256', use: 'enc', key_ops: ['encrypt'] }] });
    expect(v).toMatchObject({ accepted: true, key: { alg: 'PS256' } });
  });
  it('EC P-256 and P-384 keys are one family; EdDSA alone works', async () => {
    const p384 = makeKey('P-384');
    const v = await verify(await signToken(p384, good()), { keys: [ec.jwk, p384.jwk] });
    expect(v).toMatchObject({ accepted: true, key: { alg: 'ES384', index: 1 } });
    const e = await verify(await signToken(ed, good()), { keys: [ed.jwk] });
    expect(e).toMatchObject({ accepted: true, key: { kty: 'OKP', alg: 'EdDSA' } });
  });
  it('Ed25519 with EC is mixed too', async () => {
    const v = await verify(await signToken(ed, good()), { keys: [ed.jwk, ec.jwk] });
    expect(codes(v)).toEqual(['error:mixed_key_families']);
  });
  it('a P-521 key is skipped, an ES512 token is not an engine algorithm', async () => {
    const p521 = makeKey('P-521');
    const v = await verify(await signToken(p521, good()), { keys: [p521.jwk] });
    expect(codes(v)).toEqual(['error:alg_not_allowed', 'error:no_usable_keys']);
  });
  it('an X25519 key anywhere in the set makes the whole set unusable', async () => {
    const x = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    const v = await verify(await signToken(rsa, good()), { keys: [rsa.jwk, x] });
    expect(v.accepted).toBe(false);
    expect(codes(v)).toEqual(['error:no_usable_keys']);
    expect(v.findings[0]!.message).toContain('OKP curve "X25519"');
  });
  it('exp: floats are rounded; exactly at now − leeway is still accepted', async () => {
    expect((await verify(await signToken(rsa, good({ exp: NOW_S - 60 })), { keys: [rsa.jwk] })).accepted).toBe(true);
    expect((await verify(await signToken(rsa, good({ exp: NOW_S - 60.6 })), { keys: [rsa.jwk] })).accepted).toBe(false);
    expect((await verify(await signToken(rsa, good({ exp: NOW_S - 60.4 })), { keys: [rsa.jwk] })).accepted).toBe(true);
    const v = await verify(await signToken(rsa, good({ exp: String(NOW_S + 60) })), { keys: [rsa.jwk] });
    expect(v.findings).toEqual([
      {
        code: 'missing_exp',
        severity: 'error',
        message:
          'exp must be a NumericDate the engine reads as an unsigned 64-bit number (an integer up to 18446744073709551615, or a float in [0, 2^64)); found the string "' +
          String(NOW_S + 60) +
          '": it treats exp as missing',
      },
    ]);
  });
  it('exp too large for a u64 counts as missing in the engine; the largest double below 2^64 is still accepted', async () => {
    for (const exp of [1e20, 2 ** 64]) {
      const v = await verify(await signToken(rsa, good({ exp, iat: undefined })), { keys: [rsa.jwk] });
      expect([v.accepted, v.findings]).toEqual([
        false,
        [
          {
            code: 'missing_exp',
            severity: 'error',
            message: `exp must be a NumericDate the engine reads as an unsigned 64-bit number (an integer up to 18446744073709551615, or a float in [0, 2^64)); found a number: it treats exp as missing`,
          },
        ],
      ]);
    }
    const max = await verify(await signToken(rsa, good({ exp: 2 ** 64 - 2048 })), { keys: [rsa.jwk] });
    expect([max.accepted, codes(max)]).toEqual([true, ['warning:long_lifetime']]);
  });
  it('--leeway changes the boundary', async () => {
    const t = await signToken(rsa, good({ exp: NOW_S - 30 }));
    const v = await verify(t, { keys: [rsa.jwk] }, { leewaySec: 10 });
    expect(v.findings[0]!.message).toBe("exp 2026-11-24T12:59:30Z is 30s in the past, beyond a 10 s leeway (the engine's is 60 s)");
  });
  it('nbf is not checked by the engine: accepted with not_yet_valid', async () => {
    const v = await verify(await signToken(rsa, good({ nbf: NOW_S + 3600 })), { keys: [rsa.jwk] });
    expect(v.accepted).toBe(true);
    expect(codes(v)).toEqual(['warning:not_yet_valid']);
  });
  it('aud: accepted without aud when an audience is configured; array containing it; any aud when none configured', async () => {
    const none = await verify(await signToken(rsa, good()), { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect([none.accepted, codes(none)]).toEqual([true, ['warning:audience_missing']]);
    const arr = await verify(await signToken(rsa, good({ aud: ['x', 'krishiv'] })), { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect([arr.accepted, codes(arr)]).toEqual([true, []]);
    const any = await verify(await signToken(rsa, good({ aud: 'whatever' })), { keys: [rsa.jwk] });
    expect([any.accepted, codes(any)]).toEqual([true, ['warning:audience_not_configured']]);
  });
  it.each([
    [123, 'a number'],
    [{ a: 'krishiv' }, 'an object'],
    [true, 'a boolean'],
    [['krishiv', 1], 'an array with a member that is not a string'],
    [['other', null], 'an array with a member that is not a string'],
  ])('aud %j that the engine cannot parse: the audience check is skipped, accepted with audience_missing', async (aud, what) => {
    const v = await verify(await signToken(rsa, good({ aud })), { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect([v.ok, v.accepted]).toEqual([true, true]);
    expect(v.findings).toEqual([
      {
        code: 'audience_missing',
        severity: 'warning',
        message: `aud (${what}) cannot be read by the engine as a string or an array of strings: it skips the audience check and accepts the token although the audience "krishiv" is configured`,
      },
    ]);
  });
  it('aud that parses but misses the audience is still rejected: a string, an array of strings, an empty array', async () => {
    for (const aud of ['other', ['a', 'b'], []]) {
      const v = await verify(await signToken(rsa, good({ aud })), { keys: [rsa.jwk] }, { audience: 'krishiv' });
      expect([v.accepted, codes(v)]).toEqual([false, ['error:audience_mismatch']]);
    }
  });
  it('production without an audience: JWT is disabled, the token is not accepted', async () => {
    const v = await verify(await signToken(rsa, good()), { keys: [rsa.jwk] }, { production: true });
    expect(v.accepted).toBe(false);
    expect(v.findings).toEqual([
      {
        code: 'audience_not_configured',
        severity: 'error',
        message:
          'KRISHIV_PRODUCTION is set and no audience is configured (KRISHIV_OIDC_AUDIENCE / --audience): the engine disables JWT auth entirely, so this token is not accepted by JWT',
      },
    ]);
    expect((await verify(await signToken(rsa, good({ aud: 'k' })), { keys: [rsa.jwk] }, { production: true, audience: 'k' })).ok).toBe(
      true,
    );
  });
  it('iss is never checked; --issuer only warns', async () => {
    const v = await verify(await signToken(rsa, good({ iss: 'https://a' })), { keys: [rsa.jwk] }, { issuer: 'https://b' });
    expect([v.accepted, codes(v)]).toEqual([true, ['warning:issuer_mismatch']]);
  });
  it('--require-role: hierarchy, with the engine message', async () => {
    const t = await signToken(rsa, good({ krishiv_role: 'writer' }));
    expect((await verify(t, { keys: [rsa.jwk] }, { requireRole: 'reader' })).ok).toBe(true);
    expect((await verify(t, { keys: [rsa.jwk] }, { requireRole: 'writer' })).ok).toBe(true);
    const v = await verify(t, { keys: [rsa.jwk] }, { requireRole: 'admin' });
    expect([v.ok, v.accepted]).toEqual([false, true]);
    expect(v.findings).toEqual([
      { code: 'insufficient_role', severity: 'error', message: 'principal writer:alice has role Writer; required role Admin' },
    ]);
  });
  it('crit is ignored by the engine (warning), --strict fails it', async () => {
    const t = await signToken(rsa, good(), { crit: ['exp-ext'], 'exp-ext': 'x' });
    const v = await verify(t, { keys: [rsa.jwk] });
    expect([v.ok, v.accepted, codes(v)]).toEqual([true, true, ['warning:crit_unsupported']]);
    const s = await verify(t, { keys: [rsa.jwk] }, { strict: true });
    expect([s.ok, s.accepted]).toEqual([false, true]);
  });
  it.each([
    ['names a member the header lacks', { crit: ['exp-ext'] }],
    ['is an empty array', { crit: [] }],
    ['names b64 with a string b64 (an untyped member: any string is fine)', { crit: ['b64'], b64: 'no' }],
  ])('crit that %s: still ignored by the engine, accepted with the warning only', async (_name, header) => {
    for (const key of [rsa, ec, ed]) {
      const v = await verify(await signToken(key, good(), header), { keys: [key.jwk] });
      expect([v.ok, v.accepted, codes(v)]).toEqual([true, true, ['warning:crit_unsupported']]);
      expect(v.key).toMatchObject({ index: 0, alg: key.alg });
    }
  });
  it.each([
    ['crit is a string (jsonwebtoken types crit as Option<Vec<String>>)', { crit: 'exp-ext' }],
    ['crit holds a non-string', { crit: [7] }],
    ['crit names b64 and b64 is false (an untyped member must be a string)', { crit: ['b64'], b64: false }],
    ['enc is a number (typed Option<Enc>, read as a string)', { enc: 1 }],
    ['an untyped member is a number', { iat: 1700000000 }],
    ['an untyped member is null', { foo: null }],
  ])('%s: the engine cannot read the header and rejects the token', async (_name, header) => {
    for (const key of [rsa, ec, ed]) {
      const v = await verify(await signToken(key, good(), header), { keys: [key.jwk] });
      expect([v.ok, v.accepted]).toEqual([false, false]);
      expect(v.findings.find((f) => f.code === 'malformed')!.message).toMatch(
        /^the engine cannot read this header \(jsonwebtoken's Header, serde\): /,
      );
    }
  });
  it('crit does not weaken the signature check: a wrong key or a small RSA key still fails', async () => {
    const wrong = await verify(await signToken(attacker, good(), { crit: [] }), { keys: [rsa.jwk] });
    expect(codes(wrong)).toEqual(['error:signature_invalid', 'warning:crit_unsupported']);
    expect(wrong.findings.find((f) => f.code === 'signature_invalid')!.message).toBe(
      'the signature does not verify with any of the 1 key(s) that admit RS256 (#0 (kid rsa-1))',
    );
    const ps = await verify(await signToken(rsa, good(), { alg: 'PS384', crit: ['x'] }), { keys: [rsa.jwk] });
    expect([ps.accepted, ps.key?.alg]).toEqual([true, 'PS384']);
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small: TestKey = { ...pair, jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, alg: 'RS256' };
    const v = await verify(await signToken(small, good(), { crit: [] }), { keys: [small.jwk] });
    expect(v.findings.find((f) => f.code === 'signature_invalid')!.message).toBe(
      "the signature does not verify with any of the 1 key(s) that admit RS256 (#0) (the check itself failed: key #0: the RSA modulus has 1024 bits; the engine's backend verifies only 2048 to 8192)",
    );
  });
  it.each([
    ['exp', `{"sub":"alice","exp":${NOW_S - 3600},"exp":${NOW_S + 600}}`],
    ['sub', `{"sub":"admin:x","exp":${NOW_S + 600},"sub":"alice"}`],
    ['krishiv_role', `{"sub":"alice","exp":${NOW_S + 600},"krishiv_role":"reader","krishiv\\u005frole":"admin"}`],
    ['aud', `{"sub":"alice","exp":${NOW_S + 600},"aud":"other","aud":"krishiv"}`],
  ])('a claims set with "%s" twice is rejected (serde refuses duplicate fields; JSON.parse keeps the last)', async (name, payload) => {
    const v = await verify(await signRawRs256(rsa, '{"alg":"RS256","typ":"JWT"}', payload), { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect(v.accepted).toBe(false);
    expect(v.key).toMatchObject({ index: 0, alg: 'RS256' });
    expect(v.findings.filter((f) => f.code === 'malformed')).toEqual([
      {
        code: 'malformed',
        severity: 'error',
        message: `the engine cannot read this claims set (serde, into Krishiv's JwtClaims and jsonwebtoken's ClaimsForValidation): duplicate field "${name}"; it rejects the token`,
      },
    ]);
  });
  it('duplicates the engine does not read are harmless: a custom claim, or a name inside a nested object', async () => {
    const payload = `{"sub":"alice","exp":${NOW_S + 600},"team":"a","team":"b","ctx":{"exp":1,"exp":2}}`;
    const v = await verify(await signRawRs256(rsa, '{"alg":"RS256","typ":"JWT","x-ext":"1","x-ext":"2"}', payload), { keys: [rsa.jwk] });
    expect([v.ok, v.accepted, codes(v)]).toEqual([true, true, []]);
  });
  it.each([
    [2, 'signature'],
    [1, 'payload'],
    [0, 'header'],
  ])('segment %i (%s) with non-zero trailing bits (same bytes for Node and jose) is rejected as the engine does', async (i, name) => {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // pad the segment's JSON until its base64url length leaves trailing bits (length % 4 == 2)
    let t = await signToken(ec, good({ pad: '' }), { pad: '' });
    for (let n = 1; t.split('.')[i]!.length % 4 !== 2; n++)
      t = await signToken(ec, good({ pad: 'x'.repeat(i === 1 ? n : 0) }), { pad: 'x'.repeat(i === 0 ? n : 0) });
    const parts = t.split('.');
    const seg = parts[i]!;
    parts[i] = seg.slice(0, -1) + A[A.indexOf(seg.at(-1)!) | 1]!;
    const loose = parts.join('.');
    expect(Buffer.from(parts[i]!, 'base64url')).toEqual(Buffer.from(seg, 'base64url'));
    expect((await verify(t, { keys: [ec.jwk] })).accepted).toBe(true);
    const v = await verify(loose, { keys: [ec.jwk] });
    expect(v.accepted).toBe(false);
    expect(v.findings.find((f) => f.code === 'malformed')).toEqual({
      code: 'malformed',
      severity: 'error',
      message: `the ${name} segment is not canonical base64url (non-zero trailing bits): the engine's decoder refuses it and rejects the token`,
    });
    // the signing input is the segment text, so a changed header or payload segment also breaks the signature
    expect(v.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(
      name === 'signature' ? ['malformed'] : ['malformed', 'signature_invalid'],
    );
  });
  it.each([
    ['sub', String.raw`{"sub":"al\ud800ice","exp":EXP}`, '"sub"'],
    ['krishiv_role', String.raw`{"sub":"alice","krishiv_role":"\udc00","exp":EXP}`, '"krishiv_role"'],
    ['a claim name', String.raw`{"sub":"alice","x\ud800":1,"exp":EXP}`, 'a member name'],
  ])('a lone surrogate in %s: the engine cannot read the claims and rejects the token', async (_n, payload, where) => {
    const v = await verify(await signRawRs256(rsa, '{"alg":"RS256"}', payload.replace('EXP', String(NOW_S + 600))), { keys: [rsa.jwk] });
    expect(v.accepted).toBe(false);
    void where;
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([
      {
        code: 'malformed',
        severity: 'error',
        message:
          "the engine cannot read this claims set (serde, into Krishiv's JwtClaims and jsonwebtoken's ClaimsForValidation): lone surrogate in a \\u escape (not valid UTF-16); it rejects the token",
      },
    ]);
  });
  it('bytes that are not UTF-8 in sub are rejected; in a claim the engine does not read they are skipped, as serde skips them', async () => {
    const text = (s: string): Buffer => Buffer.from(s.replace('EXP', String(NOW_S + 600)), 'utf8');
    const inSub = Buffer.concat([text('{"sub":"al'), Buffer.from([0xff]), text('ice","exp":EXP}')]);
    const v = await verify(await signRawRs256(rsa, '{"alg":"RS256"}', inSub), { keys: [rsa.jwk] });
    expect([v.accepted, codes(v)]).toEqual([false, ['error:malformed']]);
    const inOther = Buffer.concat([text('{"sub":"alice","team":"'), Buffer.from([0xff]), text('","exp":EXP}')]);
    const w = await verify(await signRawRs256(rsa, '{"alg":"RS256"}', inOther), { keys: [rsa.jwk] });
    expect([w.accepted, codes(w)]).toEqual([true, []]);
  });
  it('paired surrogates (an emoji) are fine, and a lone surrogate in a claim the engine does not read is skipped', async () => {
    const payload = String.raw`{"sub":"\ud83d\ude00","team":"\ud800","exp":EXP}`.replace('EXP', String(NOW_S + 600));
    const v = await verify(await signRawRs256(rsa, '{"alg":"RS256"}', payload), { keys: [rsa.jwk] });
    expect([v.accepted, v.subject, codes(v)]).toEqual([true, '\u{1F600}', []]);
  });
  it('a lone surrogate in a header string the engine reads (kid) is rejected', async () => {
    const v = await verify(await signRawRs256(rsa, String.raw`{"alg":"RS256","kid":"\udfff"}`, JSON.stringify(good())), {
      keys: [rsa.jwk],
    });
    expect(v.accepted).toBe(false);
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([
      {
        code: 'malformed',
        severity: 'error',
        message:
          "the engine cannot read this header (jsonwebtoken's Header, serde): lone surrogate in a \\u escape (not valid UTF-16); it rejects the token",
      },
    ]);
  });
  it('a header with "alg" or "kid" twice is rejected', async () => {
    for (const header of ['{"alg":"RS256","alg":"RS256"}', '{"alg":"RS256","kid":"a","kid":"rsa-1"}']) {
      const v = await verify(await signRawRs256(rsa, header, JSON.stringify(good())), { keys: [rsa.jwk] });
      expect([v.accepted, codes(v)]).toEqual([false, ['error:malformed']]);
      expect(v.findings[0]!.message).toMatch(
        /^the engine cannot read this header \(jsonwebtoken's Header, serde\): duplicate field "(alg|kid)"; it rejects the token$/,
      );
    }
  });
  it('a header the engine cannot decode (kid is a number) is a malformed finding', async () => {
    const v = await verify(await signToken(rsa, good(), { kid: 7 }), { keys: [rsa.jwk] });
    expect(v.accepted).toBe(false);
    expect(codes(v)).toEqual(['error:malformed']);
  });
  it('lists every violation, not only the first', async () => {
    const t = await signToken(attacker, { sub: 5, krishiv_role: 1, aud: 'x' }, { alg: 'RS256' });
    const v = await verify(t, { keys: [rsa.jwk] }, { audience: 'krishiv' });
    expect(codes(v)).toEqual([
      'error:audience_mismatch',
      'error:missing_exp',
      'error:missing_sub',
      'error:role_claim_invalid',
      'error:signature_invalid',
    ]);
  });
  it('a key jose will not use (RSA 1024) says why the check failed', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small: TestKey = { ...pair, jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>, alg: 'RS256' };
    const v = await verify(await signToken(small, good()), { keys: [small.jwk] });
    expect(codes(v)).toEqual(['error:signature_invalid']);
    expect(v.findings[0]!.message).toBe(
      "the signature does not verify with any of the 1 key(s) that admit RS256 (#0) (the check itself failed: key #0: the RSA modulus has 1024 bits; the engine's backend verifies only 2048 to 8192)",
    );
  });
  it('long lifetimes are a warning', async () => {
    const v = await verify(await signToken(rsa, good({ exp: NOW_S + 30 * 86400 })), { keys: [rsa.jwk] });
    expect([v.accepted, codes(v)]).toEqual([true, ['warning:long_lifetime']]);
  });
});

describe('property: findings never contain the token', () => {
  it('arbitrary claims and headers', async () => {
    const fc = (await import('fast-check')).default;
    const claim = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ sub: claim, exp: claim, nbf: claim, aud: claim, krishiv_role: claim, iss: claim }, { requiredKeys: [] }),
        fc.record({ kid: claim, crit: fc.array(fc.string(), { maxLength: 2 }), jku: fc.string() }, { requiredKeys: [] }),
        fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
        async (payload, header, audience) => {
          const t = await signToken(rsa, payload, header);
          const v = await verify(t, { keys: [rsa.jwk] }, { audience, requireRole: 'writer' });
          for (const f of v.findings) expect(f.message).not.toContain(t);
          expect(JSON.stringify(v)).not.toContain(t);
          expect(v.accepted).toBe(!v.findings.some((f) => f.severity === 'error' && f.code !== 'insufficient_role'));
        },
      ),
      { numRuns: 150 },
    );
  });
});
