/**
 * The coordinator's verdict on claims sets, from vectors produced by its own structs and
 * jsonwebtoken's validate() at the pinned versions (test/fixtures/jwt/claims-verdicts.json;
 * how they were made is in its `about`). Each payload is signed with a good RSA key here, so
 * only the claims decide: accepted or not, and as whom.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareKeySet, verifyToken } from '../../src/jwt/coordinator-rules.js';
import { parseCompactJws } from '../../src/jwt/input.js';
import { analyzeJwks } from '../../src/jwt/coordinator-jwks.js';

interface Case {
  payload: string;
  audience: string | null;
  expect: { accepted: boolean; subject?: string };
}
const doc = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/jwt/claims-verdicts.json'), 'utf8')) as {
  now: number;
  cases: Case[];
};

describe('claims verdicts (engine structs and jsonwebtoken validate() at e8be785f)', () => {
  it(`agrees on all ${doc.cases.length} cases, accepted ones with the same subject`, () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = { keys: [publicKey.export({ format: 'jwk' })] };
    const keys = prepareKeySet(jwks, analyzeJwks(jwks));
    const b64 = (s: string): string => Buffer.from(s).toString('base64url');
    const wrong: string[] = [];
    for (const c of doc.cases) {
      const input = `${b64('{"alg":"RS256"}')}.${b64(c.payload)}`;
      const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
      const v = verifyToken(token, parseCompactJws(token, 'case'), keys, {
        now: new Date(doc.now * 1000),
        leewaySec: 60,
        audience: c.audience ?? undefined,
        production: false,
        strict: false,
      });
      const got = v.accepted ? { accepted: true, subject: v.subject } : { accepted: false };
      if (JSON.stringify(got) !== JSON.stringify(c.expect))
        wrong.push(`${c.payload} (audience ${String(c.audience)}): expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
    expect(doc.cases.filter((c) => c.expect.accepted).length).toBeGreaterThan(100);
    expect(doc.cases.filter((c) => !c.expect.accepted).length).toBeGreaterThan(100);
  });
});
