import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { engineFingerprint, isEngineFingerprint, sipHash13, sipHash13ZeroHex } from '../../src/util/fingerprint.js';

describe('engineFingerprint (surface §4.7 vectors)', () => {
  it.each([
    ['', 'bearer:30406ea523c53def'],
    ['abc', 'bearer:ef09e0f4895a251d'],
    ['krishiv-dev-token', 'bearer:87c72c38d1d3900b'],
    ['super-secret-token-value', 'bearer:7e985eb1f7f36e2b'],
    ['coord-secret', 'bearer:0a984251ab8665e8'],
  ])('%j → %s', (token, expected) => {
    expect(engineFingerprint(token)).toBe(expected);
  });

  it('always has the engine shape and never contains the token', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8 }), (token) => {
        const fp = engineFingerprint(token);
        expect(isEngineFingerprint(fp)).toBe(true);
        expect(fp.includes(token)).toBe(false);
      }),
    );
  });
});

describe('sipHash13', () => {
  it('differs from SipHash-2-4: the reference 2-4 vector for the empty input with key 0..15 does not match', () => {
    // SipHash-2-4 of "" with key 00..0f is 0x726fdb47dd0e0e31 (paper appendix); 1-3 must differ.
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    expect(sipHash13(new Uint8Array(0), k0, k1)).not.toBe(0x726fdb47dd0e0e31n);
  });

  it('handles every tail length 0..16', () => {
    const seen = new Set<bigint>();
    for (let n = 0; n <= 16; n++) seen.add(sipHash13(new Uint8Array(n).fill(0x61)));
    expect(seen.size).toBe(17);
  });

  it('the 32-bit implementation equals the BigInt one (zero key), every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        expect(sipHash13ZeroHex(data)).toBe(sipHash13(data).toString(16).padStart(16, '0'));
      }),
      { numRuns: 500 },
    );
  });
});
