/**
 * JSON from files the user names (key store, JWKS, private JWK, sidecar), parsed with two
 * guarantees the built-in parser lacks:
 * - nesting is bounded before parsing: every later step (validation, JSON.stringify on the next
 *   write, freezing) recurses, and 100,000 nested `[` overflowed the stack there (exit 70);
 * - the error never quotes the text. V8's messages carry the first characters of the input
 *   (`Unexpected token 'k', "krishiv_ab"... is not valid JSON`): a token file given in the wrong
 *   place would leak 10-40 characters of its secret. Only a line and column are kept.
 */

/** Deeper than any file this tool reads (a key store record is 3 levels, a JWKS 4). */
export const MAX_JSON_DEPTH = 64;

/** Why a text is not JSON this tool reads; `message` holds no byte of the text. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly kind: 'syntax' | 'depth',
  ) {
    super(message);
  }
}

/** Depth of `[`/`{` nesting outside strings, stopping as soon as it passes `max` (linear, no allocation). */
export function jsonDepthExceeds(text: string, max: number): { line: number; column: number } | undefined {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    }
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return { line, column: i - lineStart + 1 };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/**
 * Parses `text` (a leading BOM dropped) as JSON nested at most `maxDepth` deep. Throws
 * JsonTextError whose message is safe to show: `is not valid JSON (at line 1, column 1)`.
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = jsonDepthExceeds(body, maxDepth);
  if (deep) {
    throw new JsonTextError(`is nested more than ${maxDepth} levels deep (at line ${deep.line}, column ${deep.column}); refused`, 'depth');
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // V8 names a position in most syntax errors; the quoted-snippet form has none.
    const at = /at position (\d+)/.exec(message);
    const where = at
      ? ` (at ${lineColumn(body, Number(at[1]))})`
      : body.trim() === ''
        ? ' (it is empty)'
        : /end of JSON input/.test(message)
          ? ' (it ends too early)'
          : '';
    throw new JsonTextError(`is not valid JSON${where}`, 'syntax');
  }
}
