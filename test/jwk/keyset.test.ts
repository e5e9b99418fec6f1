import { describe, expect, it } from 'vitest';
import { addToSet, describeSet, publicHalf, removeFromSet } from '../../src/jwk/keyset.js';
import type { Jwks } from '../../src/jwk/jwks-document.js';

const EC = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'PRIVATE', kid: 'ec-1', alg: 'ES256' };
const set = (keys: Jwks['keys']): Jwks => ({ keys, extra: { note: 'kept' } });

describe('keyset', () => {
  it('publicHalf drops private members and can rename the kid', () => {
    expect(publicHalf(EC)).toEqual({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'ec-1', alg: 'ES256' });
    expect(publicHalf(EC, 'other').kid).toBe('other');
    expect(() => publicHalf({ kty: 'oct', k: 'secret' })).toThrow(/no public form/);
  });
  it('addToSet refuses a kid already there and keeps other members', () => {
    const r = addToSet(set([]), EC, 'set.json');
    expect(r.jwks.keys).toHaveLength(1);
    expect(r.jwks.extra).toEqual({ note: 'kept' });
    expect(() => addToSet(r.jwks, EC, 'set.json')).toThrow(/already in this JWKS/);
  });
  it('removeFromSet: by kid; unknown kid and the last key are refusals with exit 1', () => {
    const two = set([publicHalf(EC), publicHalf(EC, 'ec-2')]);
    expect(removeFromSet(two, 'ec-2', 's', false)).toMatchObject({ removed: 1 });
    expect(() => removeFromSet(two, 'zz', 's', false)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNKNOWN', exitCode: 1 }));
    const one = set([publicHalf(EC)]);
    expect(() => removeFromSet(one, 'ec-1', 's', false)).toThrow(expect.objectContaining({ exitCode: 1 }));
    expect(removeFromSet(one, 'ec-1', 's', true).jwks.keys).toEqual([]);
  });
  it('describeSet says what the coordinator does with each key', () => {
    const d = describeSet(
      set([publicHalf(EC), { kty: 'EC', crv: 'P-521', x: 'a', y: 'b', kid: 'big' }, { kty: 'oct', k: 'c2VjcmV0', kid: 's' }]),
    );
    expect(d.rows.map((r) => [r.kid, r.usable])).toEqual([
      ['ec-1', true],
      ['big', false],
      ['s', false],
    ]);
    expect(d.rows[0]!.engine).toBe('ES256');
    expect(d.rows[2]!.engine).toMatch(/symmetric/);
    expect(d.warnings.length).toBeGreaterThan(0);
  });
});
