import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import {
  API_KEY_PATTERN,
  base32Lower,
  base64Url,
  displayKey,
  formatApiKey,
  generateKeyId,
  generateKeySecret,
  parseKeyEntry,
  parseApiKey,
} from '../../src/keys/format.js';
import { KrishivError } from '../../src/errors.js';

/** A deterministic random source: returns the given byte sequences in order. */
function scripted(...chunks: number[][]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const c = chunks[i++];
    if (!c || c.length !== n) throw new Error(`unexpected request for ${n} bytes`);
    return Uint8Array.from(c);
  };
}

describe('base32Lower (RFC 4648 alphabet, lowercased)', () => {
  it.each([
    // RFC 4648 §10 test vectors, lowercased and unpadded
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ])('%j → %j', (input, expected) => {
    expect(base32Lower(Buffer.from(input))).toBe(expected);
  });

  it('matches Node-independent reference for every 5-byte value drawn', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (bytes) => {
        const s = base32Lower(bytes);
        expect(s).toMatch(/^[a-z2-7]{8}$/);
        // decode back: 8 chars × 5 bits = 40 bits
        let n = 0n;
        for (const ch of s) n = (n << 5n) | BigInt('abcdefghijklmnopqrstuvwxyz234567'.indexOf(ch));
        expect(n).toBe(BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`));
      }),
    );
  });
});

describe('generated API keys', () => {
  it('id from 5 bytes, secret from 32 bytes, in that order of use', () => {
    const random = scripted(
      [0, 0, 0, 0, 0],
      Array.from({ length: 32 }, (_, i) => i),
    );
    const id = generateKeyId(random);
    const secret = generateKeySecret(random);
    expect(id).toBe('aaaaaaaa');
    expect(secret).toBe(Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64url'));
    expect(formatApiKey(id, secret)).toBe(`krishiv_aaaaaaaa_${secret}`);
  });

  it('all-ones bytes give the top of both alphabets and no padding', () => {
    const random = scripted([255, 255, 255, 255, 255], new Array(32).fill(255));
    const key = formatApiKey(generateKeyId(random), generateKeySecret(random));
    expect(key).toBe(`krishiv_77777777_${'_'.repeat(42)}8`);
  });

  it('never contains = or , and always matches the format (any random bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        const random = scripted([...a], [...b]);
        const key = formatApiKey(generateKeyId(random), generateKeySecret(random));
        expect(key).toMatch(API_KEY_PATTERN);
        expect(key).not.toMatch(/[=,\s+/]/);
        expect(key).toHaveLength(8 + 8 + 1 + 43);
        expect(parseApiKey(key)).toEqual({ id: key.slice(8, 16), secret: key.slice(17) });
      }),
    );
  });

  it('a short random source is a bug, not a silent short key', () => {
    expect(() => generateKeySecret(() => new Uint8Array(31))).toThrow(/wrong number of bytes/);
  });

  it('base64Url is unpadded', () => {
    expect(base64Url(new Uint8Array([1]))).toBe('AQ');
    expect(base64Url(randomBytes(32))).toHaveLength(43);
  });

  it('displayKey shows only the public prefix', () => {
    expect(displayKey('abcdefgh')).toBe('krishiv_abcdefgh_…');
  });
});

describe('parseApiKey', () => {
  const good = `krishiv_abcdefgh_${'A'.repeat(43)}`;

  it('accepts a key with surrounding whitespace (the engine trims)', () => {
    expect(parseApiKey(`  ${good}\n`)).toEqual({ id: 'abcdefgh', secret: 'A'.repeat(43) });
  });

  it.each([
    ['', 'must start with krishiv_'],
    ['Bearer x', 'must start with krishiv_'],
    ['krishiv_ABCDEFGH_' + 'A'.repeat(43), 'the id must be 8 characters a-z, 2-7'],
    ['krishiv_abcdefg1_' + 'A'.repeat(43), 'the id must be 8 characters a-z, 2-7'],
    ['krishiv_abcdefgh-' + 'A'.repeat(43), 'expected _ after the 8-character id'],
    ['krishiv_abcdefgh_' + 'A'.repeat(42), 'the secret must be 43 base64url characters (got 42)'],
    ['krishiv_abcdefgh_' + 'A'.repeat(42) + '=', 'the secret must be 43 base64url characters (got 43)'],
    ['krishiv_abcdefgh_' + 'A'.repeat(44), 'the secret must be 43 base64url characters (got 44)'],
  ])('rejects %j: %s', (text, message) => {
    try {
      parseApiKey(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect((error as KrishivError).code).toBe('ERR_KEY_MALFORMED');
      expect((error as KrishivError).message).toContain(message);
    }
  });

  it('never echoes the secret in its error', () => {
    const secretish = 'S3cr3tS3cr3tS3cr3t';
    try {
      parseApiKey(`krishiv_abcdefgh_${secretish}`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect(JSON.stringify((error as KrishivError).toJSON())).not.toContain(secretish);
      expect((error as KrishivError).message).not.toContain(secretish);
    }
  });

  it('never throws anything but KrishivError (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `krishiv_${s}`),
          fc.string().map((s) => `krishiv_abcdefgh_${s}`),
        ),
        (s) => {
          try {
            const r = parseApiKey(s);
            expect(formatApiKey(r.id, r.secret)).toMatch(API_KEY_PATTERN);
          } catch (error) {
            expect(error).toBeInstanceOf(KrishivError);
          }
        },
      ),
    );
  });
});

describe('parseKeyEntry (a key, or a KRISHIV_API_KEYS entry → key and subject, as the Flight server splits it)', () => {
  it.each([
    ['krishiv_abcdefgh_x', { key: 'krishiv_abcdefgh_x' }],
    [' krishiv_abcdefgh_x = ci-bot ', { key: 'krishiv_abcdefgh_x', subject: 'ci-bot' }],
    ['k=svc=etl', { key: 'k', subject: 'svc=etl' }],
    ['=bob', { key: '', subject: 'bob' }],
    ['k=', { key: 'k', subject: '' }],
    ['', { key: '' }],
  ])('%j → %j', (entry, parsed) => {
    expect(parseKeyEntry(entry)).toEqual(parsed);
  });
});
