/**
 * src/jwt/structs.ts (our port of serde's reading of the engine's structs) against vectors
 * produced by the real serde/serde_json at the engine's pinned versions
 * (test/fixtures/jwt/serde-vectors.json; how they were made is in its `about`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerdeError } from '../../src/jwt/serde.js';
import { readClaims, readHeader, readJwkSet, type Audience, type TryParse } from '../../src/jwt/structs.js';

interface Vector {
  kind: 'header' | 'claims' | 'jwks';
  hex: string;
  expect: Record<string, unknown>;
}
const doc = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/jwt/serde-vectors.json'), 'utf8')) as { vectors: Vector[] };

const sortKeys = (o: unknown): unknown =>
  Array.isArray(o)
    ? o.map(sortKeys)
    : o !== null && typeof o === 'object'
      ? Object.fromEntries(
          Object.keys(o)
            .sort()
            .map((k) => [k, sortKeys((o as Record<string, unknown>)[k])]),
        )
      : o;

function tp(x: TryParse<bigint> | TryParse<Audience>): unknown {
  if (x.t !== 'parsed') return x.t;
  if (typeof x.v === 'bigint') return x.v.toString();
  return 'single' in x.v ? { single: x.v.single } : { multiple: [...new Set(x.v.multiple)].sort() };
}

function ours(v: Vector): unknown {
  const bytes = Buffer.from(v.hex, 'hex');
  if (v.kind === 'header') {
    const r = readHeader(bytes);
    return r.ok ? { ok: true, alg: r.value.alg, kid: r.value.kid, crit: r.value.crit } : { ok: false };
  }
  if (v.kind === 'claims') {
    const r = readClaims(bytes);
    return r.ok
      ? {
          ok: true,
          sub: r.value.sub,
          role: r.value.krishivRole,
          exp: tp(r.value.exp),
          nbf: tp(r.value.nbf),
          iss: tp(r.value.iss),
          aud: tp(r.value.aud),
        }
      : { ok: false };
  }
  const r = readJwkSet(Buffer.from(bytes.toString('utf8'), 'utf8'));
  return r.ok
    ? {
        ok: true,
        keys: r.value.map((k) => {
          const o: Record<string, unknown> = { kty: k.kty, crv: k.crv };
          for (const f of ['n', 'e', 'x', 'y', 'k'] as const) if (k[f] !== undefined) o[f] = k[f];
          o['kid'] = k.kid;
          return o;
        }),
      }
    : { ok: false };
}

describe('serde vectors (engine libraries at e8be785f)', () => {
  it(`agrees on all ${doc.vectors.length} vectors`, () => {
    expect(doc.vectors.length).toBeGreaterThan(3000);
    const disagreements = doc.vectors.filter((v) => JSON.stringify(sortKeys(ours(v))) !== JSON.stringify(sortKeys(v.expect)));
    expect(disagreements.map((v) => `${v.kind} ${Buffer.from(v.hex, 'hex').toString('utf8').slice(0, 120)}`)).toEqual([]);
  });
  it('covers accepted and refused inputs of every kind', () => {
    for (const kind of ['header', 'claims', 'jwks'] as const) {
      for (const ok of [true, false])
        expect(doc.vectors.filter((v) => v.kind === kind && v.expect['ok'] === ok).length).toBeGreaterThan(100);
    }
  });
  it('the readers never throw anything but their own outcome, on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }), (bytes, text) => {
        for (const input of [bytes, Buffer.from(text, 'utf8')]) {
          for (const read of [readHeader, readClaims, readJwkSet]) {
            try {
              expect(typeof read(input).ok).toBe('boolean');
            } catch (e) {
              if (!(e instanceof SerdeError)) throw e;
              throw new Error('a SerdeError escaped');
            }
          }
        }
      }),
    );
  });
  it('deep nesting is bounded: 100 000 brackets are refused or skipped quickly, never a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(readHeader(Buffer.from(`{"alg":"RS256","x":${deep}}`)).ok).toBe(false);
    expect(readClaims(Buffer.from(`{"sub":"a","exp":1,"x":${deep}}`)).ok).toBe(true);
    expect(readClaims(Buffer.from(`{"sub":"a","exp":1,"aud":${deep}}`)).ok).toBe(false);
    expect(readJwkSet(Buffer.from(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","x":${deep}}]}`)).ok).toBe(false);
  });
});
