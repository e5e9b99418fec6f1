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
  // Keyed SipHash-1-3 of the bytes 00, 01, … (n of them) with the key 00..0f, from Rust's
  // std::hash::SipHasher13 (rustc 1.95; the same harness gives SipHash-2-4's reference
  // 0x726fdb47dd0e0e31 for the empty input). The engine vectors above use the zero key only;
  // these reach the key halves and every tail length. (The test here before only said the
  // result is not the 2-4 value, which any wrong hash passes.)
  it.each([
    [0, 0xabac0158050fc4dcn],
    [1, 0xc9f49bf37d57ca93n],
    [2, 0x82cb9b024dc7d44dn],
    [3, 0x8bf80ab8e7ddf7fbn],
    [4, 0xcf75576088d38328n],
    [5, 0xdef9d52f49533b67n],
    [6, 0xc50d2b50c59f22a7n],
    [7, 0xd3927d989bb11140n],
    [8, 0x369095118d299a8en],
    [9, 0x25a48eb36c063de4n],
    [10, 0x79de85ee92ff097fn],
    [11, 0x70c118c1f94dc352n],
    [12, 0x78a384b157b4d9a2n],
    [13, 0x306f760c1229ffa7n],
    [14, 0x605aa111c0f95d34n],
    [15, 0xd320d86d2a519956n],
    [16, 0xcc4fdd1a7d908b66n],
  ])('keyed, %i bytes → %s', (n, expected) => {
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    expect(
      sipHash13(
        Uint8Array.from({ length: n }, (_, i) => i),
        k0,
        k1,
      ),
    ).toBe(expected);
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
