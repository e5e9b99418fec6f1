/** src/jwt/sha2.ts against node:crypto's digests, at every length around the block boundaries and on random input. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256, sha384, sha512 } from '../../src/jwt/sha2.js';

const ours = { sha256, sha384, sha512 };

describe('sha2', () => {
  for (const [name, fn] of Object.entries(ours)) {
    it(`${name}: every length 0..300 (block and length-field boundaries)`, () => {
      for (let n = 0; n <= 300; n++) {
        const data = Buffer.alloc(n, n & 0xff);
        expect(Buffer.from(fn(data)).toString('hex'), `length ${n}`).toBe(createHash(name).update(data).digest('hex'));
      }
    });
    it(`${name}: random input`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
          expect(Buffer.from(fn(data)).toString('hex')).toBe(createHash(name).update(data).digest('hex'));
        }),
      );
    });
  }
});
