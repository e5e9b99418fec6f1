import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { decodeToken } from '../../src/jwt/decode.js';
import { clampDepth, cleanToken, parseCompactJws, resolveTokenSource, splitTokenLines } from '../../src/jwt/input.js';

const T = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

describe('cleanToken', () => {
  it.each([
    [T],
    [`  ${T}\n`],
    [`Bearer ${T}`],
    [`bearer\t${T}`],
    [`BEARER   ${T}`],
    [`Authorization: Bearer ${T}`],
    [`authorization:bearer ${T}`],
    [`AUTHORIZATION :  Bearer  ${T}\r\n`],
  ])('%j → the bare token', (raw) => {
    expect(cleanToken(raw, 'x')).toBe(T);
  });
  it.each([
    ['', 'ERR_TOKEN_MISSING', 'no token given (empty input)'],
    ['Bearer ', 'ERR_TOKEN_MISSING', 'no token given (empty input)'],
    [
      `${T} ${T}`,
      'ERR_TOKEN_MALFORMED',
      'malformed token: whitespace inside the token (several tokens? use --batch or one per line on stdin) at offset 41 of 83',
    ],
    [`${T}é`, 'ERR_TOKEN_MALFORMED', 'malformed token: non-ASCII characters at offset 41 of 42'],
    [`a\u0000b`, 'ERR_TOKEN_MALFORMED', 'malformed token: control characters (binary input?) at offset 1 of 3'],
    [
      'x'.repeat(70_000),
      'ERR_TOKEN_TOO_LARGE',
      "token input is 70000 bytes, more than the 64 KiB a JWT can reasonably be; refused (the coordinator's HTTP/2 transport could not deliver it either: its 16 KiB header-list limit stops any token over 16207 bytes)",
    ],
  ])('%#: refused with %s', (raw, code, message) => {
    expect(() => cleanToken(raw, 'in')).toThrow(expect.objectContaining({ code, message, input: 'in' }));
  });
});

describe('resolveTokenSource', () => {
  it.each([
    [undefined, false, { kind: 'stdin' }],
    [undefined, true, { kind: 'missing' }],
    ['-', true, { kind: 'stdin' }],
    ['abc', false, { kind: 'argv', value: 'abc' }],
  ])('(%j, tty=%j)', (arg, tty, expected) => {
    expect(resolveTokenSource(arg, tty)).toEqual(expected);
  });
});

describe('parseCompactJws', () => {
  it('splits and decodes', () => {
    const j = parseCompactJws(T, 'x');
    expect(j.header).toEqual({ alg: 'RS256' });
    expect(j.payloadJson).toEqual({ sub: 'a' });
    expect(j.signature.length).toBe(3);
  });
  it.each([
    ['abc', 'malformed token: a JWS compact serialization has 3 dot-separated segments, this has 1'],
    [
      'a.b.c.d.e',
      'malformed token: a JWS compact serialization has 3 dot-separated segments, this has 5 (5 segments: an encrypted JWE, not a signed JWT)',
    ],
    ['.e30.', 'malformed token: the header segment is empty'],
    ['e30=.e30.', 'malformed token: the header is not base64url'],
    ['e30.e3+.', 'malformed token: the payload is not base64url'],
    ['bm90IGpzb24.e30.', 'malformed token: the header is not JSON'],
    ['WzFd.e30.', 'malformed token: the header is not a JSON object'],
    // serde_json reads the bytes as they are: a byte-order mark is not JSON (a TextDecoder would drop it)
    ['77u_eyJhbGciOiJSUzI1NiJ9.e30.', 'malformed token: the header is not JSON'],
    ['e_99.e30.', 'malformed token: the header is not UTF-8'],
  ])('%s → ERR_TOKEN_MALFORMED', (token, message) => {
    expect(() => parseCompactJws(token, 'x')).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED', message }));
  });
  it('a payload that is not JSON is not an error', () => {
    const j = parseCompactJws(`e30.${Buffer.from('hello').toString('base64url')}.`, 'x');
    expect([j.payloadIsJson, j.payloadText]).toEqual([false, 'hello']);
  });
});

describe('splitTokenLines', () => {
  it('one token per line; blank and # lines skipped; bad lines carry their error', () => {
    const lines = splitTokenLines(`${T}\n\n# comment\nBearer ${T}\nnot a token\n`, 'f');
    expect(lines.map((l) => [l.line, l.token, l.error?.code])).toEqual([
      [1, T, undefined],
      [4, T, undefined],
      [5, undefined, 'ERR_TOKEN_MALFORMED'],
    ]);
    expect(lines[2]!.error!.input).toBe('f:5');
  });
});

describe('properties: only KrishivError, never the token in a message', () => {
  const inputs = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.').replace(/=/g, '')),
    fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array())
      .map(([h, p, s]) =>
        [JSON.stringify(h), JSON.stringify(p) ?? '', s].map((x) => Buffer.from(x as string | Uint8Array).toString('base64url')).join('.'),
      ),
  );
  it('cleanToken → parseCompactJws → decodeToken', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        try {
          const t = cleanToken(raw, 'in');
          const jws = parseCompactJws(t, 'in');
          decodeToken(t, jws, new Date(0));
        } catch (e) {
          if (!(e instanceof KrishivError)) throw e;
          if (raw.trim().length >= 8) expect(e.message).not.toContain(raw.trim());
        }
      }),
      { numRuns: 500 },
    );
  });
  it('splitTokenLines', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        try {
          splitTokenLines(raw, 'in');
        } catch (e) {
          if (!(e instanceof KrishivError)) throw e;
        }
      }),
    );
  });
});

describe('clampDepth', () => {
  it('cuts the JSON view below 64 levels with a marker, keeps shallow values and __proto__ members as data', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100)}1${']'.repeat(100)},"__proto__":{"x":1},"b":"s"}`) as unknown;
    const v = clampDepth(deep) as Record<string, unknown>;
    expect(JSON.stringify(v)).toContain('… (nested deeper than 64 levels)');
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['a', '__proto__', 'b']);
    expect(clampDepth({ a: [1, { b: 2 }] })).toEqual({ a: [1, { b: 2 }] });
  });
  it('any depth, without recursion', () => {
    const n = 200_000;
    const v = JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;
    expect(() => JSON.stringify(clampDepth(v))).not.toThrow();
  });
});
