import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { asciiLower, isFalsy, isRustWhitespace, isTruthy, rustDebugString, rustTrim, splitTokenList } from '../../src/engine/text.js';

// Rust char::is_whitespace, listed from the Unicode White_Space property.
const RUST_WHITESPACE = [
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x20,
  0x85,
  0xa0,
  0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
];

describe('engine text primitives', () => {
  it.each([
    ['  a b  ', 'a b'],
    ['\u0085tok\u0085', 'tok'], // NEL is Rust whitespace (JS trim keeps it)
    ['\uFEFFtok', '\uFEFFtok'], // a BOM is not (JS trim removes it)
    ['\u3000x\t\r\n', 'x'],
    ['', ''],
  ])('rustTrim(%j) = %j', (input, expected) => {
    expect(rustTrim(input)).toBe(expected);
  });

  it('isRustWhitespace is exactly Unicode White_Space', () => {
    for (let cp = 0; cp < 0x3100; cp++) {
      expect(isRustWhitespace(String.fromCodePoint(cp)), cp.toString(16)).toBe(RUST_WHITESPACE.includes(cp));
    }
  });

  it('rustTrim agrees with trimming by the White_Space list', () => {
    const ws = fc.constantFrom(...RUST_WHITESPACE.map((c) => String.fromCodePoint(c)), '\uFEFF', 'a', 'b', ',');
    fc.assert(
      fc.property(fc.array(ws, { maxLength: 12 }), (chars) => {
        const s = chars.join('');
        let a = 0;
        let b = chars.length;
        while (a < b && RUST_WHITESPACE.includes(chars[a]!.codePointAt(0)!)) a++;
        while (b > a && RUST_WHITESPACE.includes(chars[b - 1]!.codePointAt(0)!)) b--;
        expect(rustTrim(s)).toBe(chars.slice(a, b).join(''));
      }),
    );
  });

  it('splitTokenList splits on , and \\n, trims, drops empties, keeps duplicates (de-duplication is the caller’s)', () => {
    expect(splitTokenList(' a, b\nc,,a \n')).toEqual(['a', 'b', 'c', 'a']);
    expect(splitTokenList('# not a comment\r\n')).toEqual(['# not a comment']);
  });

  it.each([
    ['1', true, false],
    [' TRUE ', true, false],
    ['Yes', true, false],
    ['on', true, false],
    ['enabled', false, false],
    ['off', false, true],
    ['', false, true],
    ['0', false, true],
  ])('truthy/falsy(%j) = %j / %j (surface §2.1)', (raw, truthy, falsy) => {
    expect(isTruthy(raw)).toBe(truthy);
    expect(isFalsy(raw)).toBe(falsy);
  });
});

describe('asciiLower (Rust to_ascii_lowercase)', () => {
  it('changes exactly A-Z, whatever else the text holds', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('A', 'Z', 'a', 'É', 'İ', 'K', 'ẞ', '1') })),
        (s) => {
          expect(asciiLower(s)).toBe(s.replace(/[A-Z]/g, (m) => m.toLowerCase()));
        },
      ),
      { numRuns: 3000 },
    );
    expect(asciiLower('KRISHIV_ÉTÉ')).toBe('krishiv_ÉtÉ');
    expect(asciiLower('İK\u212a')).toBe('İk\u212a'); // U+0130 and the Kelvin sign stay: not ASCII
  });
});

describe("rustDebugString (Rust's {:?} of a str)", () => {
  // [input, what `format!("{:?}", input)` prints], from Rust 1.95's std (test/fixtures/engine/printed.json)
  const V = JSON.parse(readFileSync(new URL('../fixtures/engine/printed.json', import.meta.url), 'utf8')) as {
    strDebug: Array<[string, string]>;
  };
  it.each(V.strDebug)('%j', (input, debug) => expect(rustDebugString(input)).toBe(debug));
  it('keeps every printable ASCII character but the quote and the backslash as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..." !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~".split('')) }), (s) => {
        expect(rustDebugString(s)).toBe(`"${s}"`);
      }),
    );
  });
});
