import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrishivError, isKrishivError } from '../../src/errors.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import {
  decodeTokenFile,
  engineReloadInterval,
  generateToken,
  nameLooksSingle,
  parseTokenFile,
  rustTrim,
  serializeTokenFile,
  validateNewToken,
} from '../../src/rotate/tokens-file.js';

describe('rustTrim (Rust str::trim: Unicode White_Space)', () => {
  it.each([
    ['  abc  ', 'abc'],
    ['\t\r\nabc\r\n', 'abc'],
    ['\u0085abc\u0085', 'abc'], // NEL: Rust trims it, JS trim does not
    ['\u00a0abc\u3000', 'abc'],
    ['\uFEFFabc', '\uFEFFabc'], // BOM: JS trim removes it, Rust keeps it
    ['a b', 'a b'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(rustTrim(input)).toBe(expected);
  });
});

describe('parseTokenFile (the engine split of a _TOKENS_FILE)', () => {
  it.each([
    ['one per line', 'a\nb\n', ['a', 'b'], []],
    ['commas split too', 'a,b\nc', ['a', 'b', 'c'], ['several_per_line']],
    ['CRLF and blanks trimmed', ' a \r\n\r\n b\r\n', ['a', 'b'], []],
    ['duplicates: first kept', 'a\nb\na\n', ['a', 'b'], ['duplicate']],
    ['a comment line is a token', '# old token\na\n', ['# old token', 'a'], ['whitespace_inside', 'comment_like']],
    ['a byte-order mark stays in the first token', '\uFEFFa\nb', ['\uFEFFa', 'b'], ['byte_order_mark']],
    ['non-ASCII', 'tökén\n', ['tökén'], ['not_visible_ascii']],
    ['a tab inside is not visible ASCII', 'a\tb\n', ['a\tb'], ['not_visible_ascii']],
    ['a space inside', 'a b\n', ['a b'], ['whitespace_inside']],
    ['empty file', '', [], []],
    ['only separators', ',,\n \n,', [], []],
  ])('%s', (_name, text, tokens, codes) => {
    const parsed = parseTokenFile(text);
    expect(parsed.tokens).toEqual(tokens);
    expect(parsed.issues.map((i) => i.code)).toEqual(codes);
  });

  it('names lines and fingerprints in issues, never the token', () => {
    const parsed = parseTokenFile('good\n# disabled secret-value\n');
    const comment = parsed.issues.find((i) => i.code === 'comment_like')!;
    expect(comment.line).toBe(2);
    expect(comment.fingerprint).toBe(engineFingerprint('# disabled secret-value'));
    expect(comment.message).toContain('the engine has no comment syntax');
    expect(JSON.stringify(parsed.issues)).not.toContain('secret-value');
    expect(parsed.lines).toEqual([1, 2]);
  });

  it.each([
    ['one token, trimmed', '  tok \n', ['tok'], []],
    ['several lines are ONE token with a newline', 'a\nb\n', ['a\nb'], ['multiline_single']],
    ['commas are not split', 'a,b', ['a,b'], []],
    ['empty → reject-all', ' \n', [], ['empty']],
  ])('single-token file: %s', (_name, text, tokens, codes) => {
    const parsed = parseTokenFile(text, 'token');
    expect(parsed.tokens).toEqual(tokens);
    expect(parsed.issues.map((i) => i.code)).toEqual(codes);
  });
});

describe('serializeTokenFile', () => {
  it.each([
    [[], ''],
    [['a'], 'a\n'],
    [['new', 'old'], 'new\nold\n'],
  ])('%j → %j', (tokens, text) => {
    expect(serializeTokenFile(tokens)).toBe(text);
  });
});

describe('decodeTokenFile', () => {
  it('keeps a BOM (the engine does) and refuses invalid UTF-8 with a typed error', () => {
    expect(decodeTokenFile(Buffer.from('\uFEFFa\n'), 'f')).toBe('\uFEFFa\n');
    try {
      decodeTokenFile(Buffer.from([0x61, 0xff, 0x0a]), 'tokens');
      expect.unreachable();
    } catch (error) {
      expect(isKrishivError(error)).toBe(true);
      expect((error as KrishivError).code).toBe('ERR_TOKENS_FILE_INVALID');
      expect((error as KrishivError).message).toMatch(/^is not valid UTF-8/);
      expect((error as KrishivError).exitCode).toBe(2);
    }
  });
});

describe('engineReloadInterval (KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS)', () => {
  it.each([
    [undefined, null, /unset: the coordinator never reloads/],
    ['', null, /empty/],
    ['   ', null, /empty/],
    [' 30 ', 30, undefined],
    ['+5', 5, undefined], // Rust's u64 parse accepts a leading +
    ['0', null, /is 0/],
    ['000', null, /is 0/],
    ['-1', null, /not a whole number/],
    ['1.5', null, /not a whole number/],
    ['30s', null, /invalid coordinator auth reload interval/],
    ['18446744073709551616', null, /not a whole number/],
    ['31536000000', 31536000000, undefined], // 1000 years
    ['31536000001', null, /longer than 1000 years: after its start-up read the coordinator never reloads/],
    ['18446744073709551615', null, /longer than 1000 years/],
  ])('%j → %j', (raw, seconds, note) => {
    const r = engineReloadInterval(raw, 'env');
    expect(r.seconds).toBe(seconds);
    if (note) expect(r.note).toMatch(note);
    else expect(r.note).toBeUndefined();
  });
});

describe('validateNewToken', () => {
  it.each([
    ['', 'the new token is empty'],
    ['a\nb', 'the new token spans several lines: give exactly one token'],
    ['a,b', 'the new token contains a comma: the engine would split it into two tokens'],
    [
      'tökén',
      'the new token holds characters outside visible ASCII: clients cannot send it in a header (crates/krishiv-executor/src/grpc_client.rs:111)',
    ],
    ['a b', 'the new token contains whitespace: clients and shuffle Flight handle it differently; use 32 random bytes (base64url)'],
  ])('%j is refused', (text, message) => {
    try {
      validateNewToken(text, 'new.token');
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_TOKEN_MALFORMED');
      expect((error as KrishivError).message).toBe(message);
      expect((error as KrishivError).input).toBe('new.token');
    }
  });

  it('trims like the engine', () => {
    expect(validateNewToken('  abc-DEF_123  \r\n', 'f')).toBe('abc-DEF_123');
  });
});

describe('generateToken', () => {
  it('is 32 bytes as unpadded base64url (43 characters)', () => {
    const token = generateToken((n) => new Uint8Array(n).fill(0xfb));
    expect(token).toHaveLength(43);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).toBe(Buffer.alloc(32, 0xfb).toString('base64url'));
  });
});

describe('nameLooksSingle', () => {
  it.each([
    ['coordinator.token', true],
    ['token', true],
    ['bearer-token.txt', true],
    ['tokens', false],
    ['coordinator.tokens', false],
    ['tokens.txt', false],
    ['auth', false],
  ])('%s → %s', (name, single) => {
    expect(nameLooksSingle(name)).toBe(single);
  });
});

describe('properties', () => {
  const text = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.constantFrom('a', 'b', ',', '\n', '\r', ' ', '#', '\t', '\uFEFF', '\u0085', 'é') }),
  );

  it('parseTokenFile never throws, and the normalised file parses to the same token set', () => {
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseTokenFile(t);
        const normalised = serializeTokenFile(parsed.tokens);
        const again = parseTokenFile(normalised);
        expect(again.tokens).toEqual(parsed.tokens);
        expect(again.duplicates).toBe(0);
        expect(serializeTokenFile(again.tokens)).toBe(normalised);
        expect(normalised === '' || normalised.endsWith('\n')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the single-token parse never throws', () => {
    fc.assert(fc.property(text, (t) => void parseTokenFile(t, 'token')));
  });

  it('decodeTokenFile and validateNewToken throw nothing but KrishivError; accepted tokens survive the engine split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), text, (bytes, t) => {
        for (const run of [() => decodeTokenFile(bytes, 'f'), () => validateNewToken(t, 'f')]) {
          try {
            run();
          } catch (error) {
            expect(isKrishivError(error)).toBe(true);
          }
        }
        let token: string | undefined;
        try {
          token = validateNewToken(t, 'f');
        } catch {
          return;
        }
        expect(parseTokenFile(serializeTokenFile([token])).tokens).toEqual([token]);
        expect(parseTokenFile(serializeTokenFile([token])).issues).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('engineReloadInterval never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => void engineReloadInterval(s, 'x')));
  });
});
