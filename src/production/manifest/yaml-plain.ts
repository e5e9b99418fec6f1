/**
 * The plain layout most manifests are written in, read in one pass over their lines: block
 * mappings and sequences (a sequence may sit at its key's indentation, as kubectl writes it),
 * single-line plain and quoted scalars, single-line flow collections (`{app: x}`, `["a", "b"]`),
 * comments, blank lines and `---` between documents, in printable ASCII.
 *
 * It gives what js-yaml with the YAML 1.1 schema and the line listener gives (yaml.ts), or
 * nothing: anything else (a block scalar, an anchor or alias, a tag, a merge key, a quoted key,
 * an escape, a multi-line scalar or flow collection, a key that reads as a boolean, a number or
 * null, a duplicate key, a tab, bytes outside printable ASCII, nesting past MAX_DEPTH, every
 * error) returns undefined, and yaml.ts reads the text with js-yaml, which also words every error.
 * test/production/manifest/yaml-plain.test.ts holds the two readers to the same values and lines
 * on generated streams and on every fixture.
 *
 * Why: js-yaml reads one character at a time through a general grammar; a one-shot
 * `check-production --manifest` runs that code in V8's interpreter, where it was the largest
 * single part of the run (issue 15's start-up bench, bench/README.md). Here each line is taken
 * apart by a few regular expressions, which V8 runs as native code.
 */

/** What a plain scalar reads as when this reader must not decide it (a merge key). */
export const UNDECIDED: unique symbol = Symbol('undecided');

/** What the reader needs from yaml.ts: a plain scalar's value, and the line stamps. */
export interface PlainYamlHooks {
  /** a plain scalar's value by the schema's implicit types, or UNDECIDED */
  scalar(text: string): unknown;
  /** stamps a mapping or sequence with its first line and, for a sequence, its items' lines */
  stamp(value: object, line: number, items: number[] | undefined): void;
}

export interface PlainDoc {
  value: object;
  line: number;
}

/** Deeper collections are left to js-yaml (its own limit words the error). */
const MAX_DEPTH = 100;

/** A content line: its indentation, its text after that, its 1-based line number; or a `---`. */
interface Line {
  indent: number;
  text: string;
  line: number;
  separator: boolean;
}

/** Thrown inside the reader only, caught at its top: "not for this reader". */
const NOT_PLAIN = Symbol('not plain YAML');

// printable ASCII and line feeds only: no tab, CR, BOM, control or non-ASCII character
const OUTSIDE_PLAIN = /[^\n\x20-\x7e]/;
// `key:` then nothing, a comment, or a value after a space; a plain key of the usual characters
const KEY_LINE = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?:$| +(#.*)?$| +(.*)$)/;
// a block plain scalar up to a comment or its end; a `: ` or a final `:` inside makes it something else
const BLOCK_PLAIN = /^(?:[^#:]|:(?! |$)|(?<! )#)*/;
const TRAILING_SPACE = / +$/;
// what may follow a value on its line: spaces, then a comment after at least one space
const LINE_REST = /^(?: *| +#.*)$/;
// the first character of a plain scalar this reader decides (js-yaml's indicators excluded, `-` handled apart)
const PLAIN_START = /^[A-Za-z0-9_./(~$+=^;<]|^-[^ \-?:,[\]{}#&*!|>'"%@`]|^--[^ ]/;
// a flow plain scalar: up to a flow indicator, `: ` or a comment
const FLOW_PLAIN = /^(?:[^,[\]{}#:]|:(?![ ,[\]{}]|$)|(?<! )#)*/;
const DOUBLE_QUOTED = /^"([^"\\]*)"/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'/;

/** The documents of `text`, each a mapping or sequence with its line; undefined when this reader does not decide the text. */
export function readPlainYaml(text: string, hooks: PlainYamlHooks): PlainDoc[] | undefined {
  if (OUTSIDE_PLAIN.test(text)) return undefined;
  const lines = contentLines(text);
  if (lines === undefined) return undefined;
  try {
    return new Reader(lines, hooks).stream();
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

/** The lines that carry content, and `---` markers; undefined for a directive, `...` or a marker with content. */
function contentLines(text: string): Line[] | undefined {
  const out: Line[] = [];
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === 0x20) indent++;
    if (indent < end && text.charCodeAt(indent) !== 0x23) {
      const body = text.slice(indent, end);
      if (indent === start) {
        const c = body.charCodeAt(0);
        if (c === 0x25) return undefined; // a directive
        if (body.startsWith('---') || body.startsWith('...')) {
          if (body !== '---') return undefined;
          out.push({ indent: 0, text: body, line: n, separator: true });
          start = end + 1;
          continue;
        }
      }
      out.push({ indent: indent - start, text: body, line: n, separator: false });
    }
    start = end + 1;
  }
  return out;
}

class Reader {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly lines: Line[],
    private readonly hooks: PlainYamlHooks,
  ) {}

  stream(): PlainDoc[] {
    const docs: PlainDoc[] = [];
    const lines = this.lines;
    while (this.i < lines.length) {
      const first = lines[this.i]!;
      if (first.separator) {
        this.i++;
        continue;
      }
      const value = this.block(first);
      // a document ends at a marker or the end
      if (this.i < lines.length && !lines[this.i]!.separator) throw NOT_PLAIN;
      docs.push({ value, line: first.line });
    }
    return docs;
  }

  /**
   * The mapping or sequence whose first line is `at`: a block one, or a flow one alone on its line
   * (a scalar alone on its line is not decided here).
   */
  private block(at: Line): object {
    if (++this.depth > MAX_DEPTH) throw NOT_PLAIN;
    let value: object;
    const c = at.text.charCodeAt(0);
    if (c === 0x5b || c === 0x7b) {
      value = this.inline(at.text, at.line) as object;
      this.i++;
      this.endOfValue(at.indent - 1);
    } else value = at.text.startsWith('- ') ? this.sequence(at.indent) : this.mapping(at.indent);
    this.depth--;
    return value;
  }

  private sequence(col: number): unknown[] {
    const lines = this.lines;
    const seq: unknown[] = [];
    const items: number[] = [];
    const line = lines[this.i]!.line;
    while (this.i < lines.length) {
      const at = lines[this.i]!;
      if (at.separator || at.indent < col) break;
      if (at.indent > col) throw NOT_PLAIN;
      if (!at.text.startsWith('- ')) break; // the next key of the mapping this sequence is a value of
      let skip = 2;
      while (at.text.charCodeAt(skip) === 0x20) skip++;
      const rest = at.text.slice(skip);
      if (rest === '' || rest.startsWith('- ')) throw NOT_PLAIN; // `- ` alone, `- - x`
      items.push(at.line);
      if (KEY_LINE.test(rest)) {
        // `- key: value`: a mapping whose column is the key's
        lines[this.i] = { indent: col + skip, text: rest, line: at.line, separator: false };
        seq.push(this.block(lines[this.i]!));
      } else {
        seq.push(this.inline(rest, at.line));
        this.i++;
        this.endOfValue(col);
      }
    }
    this.hooks.stamp(seq, line, items);
    return seq;
  }

  private mapping(col: number): Record<string, unknown> {
    const lines = this.lines;
    const map: Record<string, unknown> = {};
    const line = lines[this.i]!.line;
    while (this.i < lines.length) {
      const at = lines[this.i]!;
      if (at.separator || at.indent < col) break;
      if (at.indent > col) throw NOT_PLAIN;
      const m = KEY_LINE.exec(at.text);
      if (m === null) throw NOT_PLAIN;
      const key = m[1]!;
      if (!isPlainKey(key, map, this.hooks)) throw NOT_PLAIN;
      const value = m[3];
      this.i++;
      if (value !== undefined) {
        map[key] = this.inline(value, at.line);
        this.endOfValue(col);
        continue;
      }
      // `key:` alone: a nested block, a sequence at the key's indentation, or null
      const next = lines[this.i];
      if (next !== undefined && !next.separator && (next.indent > col || (next.indent === col && next.text.startsWith('- ')))) {
        map[key] = this.block(next);
      } else map[key] = null;
    }
    this.hooks.stamp(map, line, undefined);
    return map;
  }

  /** After a value on its line: a more indented line next would continue it (js-yaml's multi-line scalars). */
  private endOfValue(col: number): void {
    const next = this.lines[this.i];
    if (next !== undefined && !next.separator && next.indent > col) throw NOT_PLAIN;
  }

  /** A value that starts and ends on line `line`: a scalar or a flow collection, then at most a comment. */
  private inline(text: string, line: number): unknown {
    const c = text.charCodeAt(0);
    if (c === 0x5b || c === 0x7b || c === 0x22 || c === 0x27) {
      const flow = new Flow(text, line, this.hooks);
      const value = flow.value(this.depth);
      if (!LINE_REST.test(text.slice(flow.pos))) throw NOT_PLAIN;
      return value;
    }
    if (!PLAIN_START.test(text)) throw NOT_PLAIN;
    const m = BLOCK_PLAIN.exec(text)!;
    const rest = text.slice(m[0].length);
    // it stopped at a `: ` or a final `:` (a mapping where a value stands), not a comment
    if (rest !== '' && rest.charCodeAt(0) !== 0x23) throw NOT_PLAIN;
    return plainValue(m[0].replace(TRAILING_SPACE, ''), this.hooks);
  }
}

function plainValue(text: string, hooks: PlainYamlHooks): unknown {
  const value = hooks.scalar(text);
  if (value === UNDECIDED) throw NOT_PLAIN;
  return value;
}

/** A key this reader stores: a new one, read as the string it is written as (not `true`, `1` or null), and not `__proto__`. */
function isPlainKey(key: string, map: object, hooks: PlainYamlHooks): boolean {
  return hooks.scalar(key) === key && key !== '__proto__' && !Object.hasOwn(map, key);
}

/** A flow collection or quoted scalar on one line. */
class Flow {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly hooks: PlainYamlHooks,
  ) {}

  value(depth: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 0x22 || c === 0x27) {
      const m = (c === 0x22 ? DOUBLE_QUOTED : SINGLE_QUOTED).exec(t.slice(this.pos));
      if (m === null) throw NOT_PLAIN;
      this.pos += m[0].length;
      return c === 0x22 ? m[1]! : m[1]!.replaceAll("''", "'");
    }
    if (c === 0x5b || c === 0x7b) {
      if (depth + 1 > MAX_DEPTH) throw NOT_PLAIN;
      return c === 0x5b ? this.sequence(depth + 1) : this.mapping(depth + 1);
    }
    const rest = t.slice(this.pos);
    if (!PLAIN_START.test(rest)) throw NOT_PLAIN;
    const m = FLOW_PLAIN.exec(rest)!;
    const next = rest.charCodeAt(m[0].length);
    if (next === 0x23 || next === 0x3a) throw NOT_PLAIN; // a comment or a key inside the collection
    this.pos += m[0].length;
    return plainValue(m[0].replace(TRAILING_SPACE, ''), this.hooks);
  }

  private spaces(): void {
    while (this.text.charCodeAt(this.pos) === 0x20) this.pos++;
  }

  private sequence(depth: number): unknown[] {
    const seq: unknown[] = [];
    const items: number[] = [];
    this.pos++;
    this.spaces();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.hooks.stamp(seq, this.line, undefined);
      return seq;
    }
    for (;;) {
      items.push(this.line);
      seq.push(this.value(depth));
      this.spaces();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) break;
      if (c !== 0x2c) throw NOT_PLAIN;
      this.spaces();
    }
    this.hooks.stamp(seq, this.line, items);
    return seq;
  }

  private mapping(depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.pos++;
    this.spaces();
    if (this.text.charCodeAt(this.pos) !== 0x7d) {
      for (;;) {
        const m = FLOW_KEY.exec(this.text.slice(this.pos));
        if (m === null) throw NOT_PLAIN;
        const key = m[1]!;
        if (!isPlainKey(key, map, this.hooks)) throw NOT_PLAIN;
        this.pos += m[0].length;
        map[key] = this.value(depth);
        this.spaces();
        const c = this.text.charCodeAt(this.pos++);
        if (c === 0x7d) break;
        if (c !== 0x2c) throw NOT_PLAIN;
        this.spaces();
      }
    } else this.pos++;
    this.hooks.stamp(map, this.line, undefined);
    return map;
  }
}

// `key: ` inside a flow mapping
const FLOW_KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*): +/;
