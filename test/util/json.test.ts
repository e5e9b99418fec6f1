import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonTextError, MAX_JSON_DEPTH, jsonDepthExceeds, parseJsonText } from '../../src/util/json.js';

const TOKEN = 'krishiv_abcdefgh_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';

function failure(text: string): JsonTextError {
  try {
    parseJsonText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonTextError);
    return error as JsonTextError;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonText', () => {
  it.each([
    ['{"a":[1,{"b":null}]}', { a: [1, { b: null }] }],
    ['\uFEFF[]', []],
    ['"[[[["', '[[[['],
    ['{"s":"\\\\\\"[{"}', { s: '\\"[{' }],
  ])('parses %j as JSON.parse does', (text, value) => {
    expect(parseJsonText(text)).toEqual(value);
  });

  it.each([TOKEN, `${TOKEN}\n`, `{"x": ${TOKEN}}`, `{\n  "records": [\n ${TOKEN}`, `"${TOKEN}`])(
    'a syntax error never quotes the text (%j)',
    (text) => {
      const error = failure(text);
      expect(error.kind).toBe('syntax');
      for (let i = 0; i + 4 <= TOKEN.length; i++) expect(error.message).not.toContain(TOKEN.slice(i, i + 4));
      expect(error.message).toMatch(/^is not valid JSON/);
    },
  );

  it('names the line and column when the parser gives a position', () => {
    expect(failure('{\n  "a": 1,\n  x\n}').message).toBe('is not valid JSON (at line 3, column 3)');
    expect(failure('').message).toBe('is not valid JSON (it is empty)');
  });

  it('refuses nesting past the bound before parsing (100,000 levels were a stack overflow downstream)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const error = failure(deep);
    expect(error.kind).toBe('depth');
    expect(error.message).toBe(`is nested more than ${MAX_JSON_DEPTH} levels deep (at line 1, column ${MAX_JSON_DEPTH + 1}); refused`);
    expect(parseJsonText(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBeDefined();
  });

  it('brackets inside strings do not count', () => {
    expect(jsonDepthExceeds(`["${'['.repeat(1000)}"]`, 2)).toBeUndefined();
    expect(jsonDepthExceeds(`["\\"${'{'.repeat(10)}"]`, 2)).toBeUndefined();
  });

  it('never throws anything but JsonTextError, and agrees with JSON.parse on shallow input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          let ours: unknown;
          let oursFailed = false;
          try {
            ours = parseJsonText(text);
          } catch (error) {
            expect(error).toBeInstanceOf(JsonTextError);
            oursFailed = true;
          }
          if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return;
          let theirs: unknown;
          let theirsFailed = false;
          try {
            theirs = JSON.parse(text.replace(/^\uFEFF/, ''));
          } catch {
            theirsFailed = true;
          }
          expect(oursFailed).toBe(theirsFailed);
          if (!oursFailed) expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
