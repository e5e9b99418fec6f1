import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SURFACE_VARIABLES, generateBearerToken, parseByteCount, parseEncoding, parseSurface } from '../../src/keys/bearer.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { KrishivError } from '../../src/errors.js';

const fixed = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

describe('bearer tokens', () => {
  it('32 bytes base64url by default: 43 characters, fingerprint matches the engine function', () => {
    const t = generateBearerToken(32, 'base64url', fixed);
    expect(t.token).toBe(Buffer.from(fixed(32)).toString('base64url'));
    expect(t.token).toHaveLength(43);
    expect(t.fingerprint).toBe(engineFingerprint(t.token));
    expect(t.fingerprint).toMatch(/^bearer:[0-9a-f]{16}$/);
  });

  it('hex: 2 characters per byte', () => {
    expect(generateBearerToken(16, 'hex', fixed).token).toBe(Buffer.from(fixed(16)).toString('hex'));
  });

  it('any bytes give a token every surface and list accepts (surface §8.4)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.constantFrom('base64url', 'hex') as fc.Arbitrary<'base64url' | 'hex'>,
        (bytes, enc) => {
          const t = generateBearerToken(bytes.length, enc, () => bytes).token;
          expect(t).toMatch(/^[\x21-\x7e]+$/);
          expect(t).not.toMatch(/[=,\s]/);
        },
      ),
    );
  });

  it.each([
    ['coordinator', 'KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'],
    ['executor-task', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', null],
    ['ui', 'KRISHIV_UI_TOKEN', 'KRISHIV_UI_TOKEN_FILE'],
    ['shuffle', 'KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE'],
  ] as const)('--for %s → %s / %s', (surface, value, file) => {
    expect(parseSurface(surface)).toBe(surface);
    expect(SURFACE_VARIABLES[surface]).toEqual({ value, file });
  });

  it.each([
    [undefined, 32],
    ['16', 16],
    [' 64 ', 64],
    ['1024', 1024],
  ])('--bytes %j → %d', (text, n) => {
    expect(parseByteCount(text)).toBe(n);
  });

  it.each([
    ['15', '15 bytes is too few: at least 16 (128 bits)'],
    ['0', '0 bytes is too few'],
    ['1025', '1025 bytes is too many: at most 1024'],
    ['-1', '"-1" is not a whole number of bytes'],
    ['1e3', '"1e3" is not a whole number of bytes'],
    ['', '"" is not a whole number of bytes'],
  ])('--bytes %j is refused: %s', (text, message) => {
    try {
      parseByteCount(text);
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_USAGE');
      expect((error as KrishivError).input).toBe('--bytes');
      expect((error as KrishivError).message).toContain(message);
    }
  });

  it('--for / --encoding refuse unknown values', () => {
    expect(() => parseSurface('flight')).toThrow('"flight" is not a surface (coordinator, executor-task, ui, shuffle)');
    expect(() => parseEncoding('base64')).toThrow('"base64" is not an encoding (base64url, hex)');
    expect(parseEncoding(undefined)).toBe('base64url');
  });

  it('the parsers never throw anything but KrishivError (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        for (const fn of [parseByteCount, parseEncoding, parseSurface]) {
          try {
            fn(s);
          } catch (error) {
            expect(error).toBeInstanceOf(KrishivError);
          }
        }
      }),
    );
  });
});
