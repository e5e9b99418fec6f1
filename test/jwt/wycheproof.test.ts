/**
 * Wycheproof's JOSE vectors (C2SP/wycheproof testvectors_v1, kept as data in
 * test/fixtures/wycheproof) through verify's model of the coordinator. Each vector's group key
 * is the JWKS (the engine reads a private JWK's public members and ignores the rest).
 *
 * Two verdicts per vector:
 * - the signature layer (jsonwebtoken decode_header + algorithm allow-list + aws-lc-rs): the
 *   expected value is Wycheproof's `result`, except where the engine's rules differ; every
 *   such vector is listed in ENGINE_DIFFERS with the reason;
 * - the whole token: never accepted, because no Wycheproof payload is a claims set with
 *   `sub` and `exp` (the engine's JwtClaims and required exp, auth.rs:643-651 and
 *   jsonwebtoken Validation::new).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareKeySet, verifyToken } from '../../src/jwt/coordinator-rules.js';
import { parseCompactJws } from '../../src/jwt/input.js';
import { analyzeJwks } from '../../src/jwt/coordinator-jwks.js';
import { loadNodeCrypto, setNativeRsa } from '../../src/jwt/signature.js';

beforeAll(loadNodeCrypto);

type File = 'json_web_signature_test' | 'json_web_key_test' | 'json_web_crypto_test';
interface Test {
  tcId: number;
  comment: string;
  jws?: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags?: string[];
}
interface Group {
  comment: string;
  public?: Record<string, unknown>;
  private?: Record<string, unknown>;
  tests: Test[];
}

const HMAC = 'the engine never accepts HMAC: it refuses oct keys and HS* (crates/krishiv-scheduler/src/auth.rs:743-775)';
const P521 = 'the engine skips P-521 keys and jsonwebtoken has no ES512 (auth.rs:743-775)';
const KEY_META =
  "the engine ignores a JWK's use, key_ops and alg: the key type alone decides the algorithms (auth.rs:743-775), so a mathematically valid signature is accepted";
const ROCA = 'neither jsonwebtoken nor aws-lc-rs tests RSA moduli for the ROCA weakness: the signature verifies';

/** Vectors where the engine's signature verdict differs from Wycheproof's, and why. */
const ENGINE_DIFFERS: Record<File, Record<number, string>> = {
  json_web_signature_test: {
    1: HMAC,
    347: P521,
    348: HMAC,
    351: P521,
    352: HMAC,
    357: HMAC,
    358: HMAC,
    359: HMAC,
    372: HMAC,
    373: HMAC,
    376: HMAC,
    377: HMAC,
    332: KEY_META,
    334: KEY_META,
    336: KEY_META,
    338: KEY_META,
    340: KEY_META,
    353: KEY_META,
    354: KEY_META,
    355: KEY_META,
    356: KEY_META,
  },
  json_web_key_test: { 2: HMAC, 13: HMAC, 14: HMAC, 15: HMAC, 6: KEY_META, 19: KEY_META, 20: KEY_META, 21: KEY_META, 7: ROCA },
  json_web_crypto_test: { 1: HMAC, 48: HMAC, 46: ROCA },
};

/** Findings that stop the engine before or at the signature check. */
const BEFORE_OR_AT_SIGNATURE = new Set([
  'malformed',
  'alg_none',
  'alg_not_allowed',
  'mixed_key_families',
  'no_usable_keys',
  'not_deliverable',
  'signature_invalid',
]);

function engine(jws: string, jwks: { keys: unknown[] }): { signature: boolean; accepted: boolean } {
  let parsed;
  try {
    parsed = parseCompactJws(jws, 'wycheproof');
  } catch {
    return { signature: false, accepted: false }; // not a compact JWS: jsonwebtoken's split or base64 fails
  }
  const v = verifyToken(jws, parsed, prepareKeySet(jwks, analyzeJwks(jwks)), {
    now: new Date('2026-01-01T00:00:00Z'),
    leewaySec: 60,
    audience: undefined,
    production: false,
    strict: false,
  });
  return { signature: v.key !== null && !v.findings.some((f) => BEFORE_OR_AT_SIGNATURE.has(f.code)), accepted: v.accepted };
}

for (const native of [false, true])
  for (const file of ['json_web_signature_test', 'json_web_key_test', 'json_web_crypto_test'] as const) {
    const doc = JSON.parse(readFileSync(path.join(__dirname, `../fixtures/wycheproof/${file}.json`), 'utf8')) as { testGroups: Group[] };
    const cases = doc.testGroups.flatMap((g) =>
      g.tests.filter((t) => typeof t.jws === 'string').map((t) => ({ g, t, key: (g.public ?? g.private)! })),
    );
    describe(`Wycheproof ${file} (${cases.length} JWS vectors), RSA checked ${native ? 'by OpenSSL' : 'in JavaScript'}`, () => {
      beforeAll(() => setNativeRsa(native));
      afterAll(() => setNativeRsa(false));
      it("signature layer: Wycheproof's verdict, except the listed engine differences", () => {
        const wrong: string[] = [];
        const verdicts = new Set<boolean>();
        for (const { g, t, key } of cases) {
          const jwks = (Array.isArray(key['keys']) ? key : { keys: [key] }) as { keys: unknown[] };
          const why = ENGINE_DIFFERS[file][t.tcId];
          const expected = why !== undefined ? t.result !== 'valid' : t.result === 'valid';
          verdicts.add(expected);
          const got = engine(t.jws!, jwks).signature;
          if (got !== expected)
            wrong.push(`${g.comment} #${t.tcId} ${t.comment}: expected ${expected}${why ? ` (${why})` : ''}, got ${got}`);
        }
        expect(wrong).toEqual([]);
        // the file holds vectors of both verdicts, so neither a verifier that says yes nor one that says no passes
        expect([...verdicts].sort()).toEqual([false, true]);
      });
      it('whole token: never accepted (no vector carries a claims set with sub and exp)', () => {
        for (const { t, key } of cases) {
          const jwks = (Array.isArray(key['keys']) ? key : { keys: [key] }) as { keys: unknown[] };
          expect(engine(t.jws!, jwks).accepted, `#${t.tcId}`).toBe(false);
        }
      });
      it('every listed difference is a vector of this file', () => {
        const ids = new Set(cases.map((c) => c.t.tcId));
        for (const id of Object.keys(ENGINE_DIFFERS[file])) expect(ids.has(Number(id)), `tcId ${id}`).toBe(true);
      });
    });
  }
