/**
 * An env-file parser with the semantics of dotenvy 0.15.7, the crate the `krishiv` binary
 * loads `.env` files with (surface §8.2). It is a port of two state machines, kept apart
 * as in the crate because they disagree in places and the disagreements are observable:
 *
 * 1. `readLogicalLine` (dotenvy `iter.rs`, `QuotedLines`): splits the text into logical
 *    lines. A physical line ends at `\n` only. A line whose text (after leading whitespace)
 *    starts with `#` is a comment. A `#` right after ONE whitespace character outside
 *    quotes starts a trailing comment (after two whitespace characters it does not: the
 *    scanner's whitespace state falls back to "complete"). An open quote or a trailing
 *    backslash continues the logical line onto the next physical line; at end of file in
 *    any state but "complete" the file is refused — including a last line that ends in
 *    whitespace with no final newline. Inside single quotes the scanner treats `\` as an
 *    escape although the value parser does not.
 * 2. `parseLine` / `parseValue` (dotenvy `parse.rs`, `LineParser`): `[export] KEY = value`.
 *    Keys are `[A-Za-z_][A-Za-z0-9_.]*`; whitespace (Unicode) around `=` is allowed;
 *    `export` is a prefix only when no `=` follows it. Values: single quotes are literal;
 *    double quotes allow the escapes `\\ \' \" \$ \ ` (space) and `\n`, and span lines;
 *    unquoted values allow the same escapes and end at a space or tab, after which only
 *    more blanks or a `#` comment may follow (anything else refuses the line). `$NAME`
 *    (NAME = Unicode letters and digits only: `_` ENDS the name, so `$A_B` is `$A` + `_B`)
 *    and `${NAME}` substitute in double quotes and unquoted text, never in single quotes.
 *    A `$NAME` directly before the closing `"` swallows that quote, so `"…$A"` is refused.
 *    A lone `$` vanishes. An unterminated `${` is refused.
 *
 * Substitution lookup (dotenvy `apply_substitution`): the process environment first, then
 * the values parsed so far. Because `load()` sets each variable in the process environment
 * as soon as its line is parsed (unless already set), an earlier declaration of the same
 * file is found through the process environment, so `$VAR` sees the FIRST declaration of a
 * duplicated name, although the crate's own substitution map is updated by later
 * duplicates (`mode: 'iter'` reproduces the map for `dotenv_iter` users). Undefined names
 * become "".
 *
 * The BOM is dropped (dotenvy's `load` does). A NUL character is refused: the engine's
 * `env::set_var` would panic on it. Errors never quote the value (it may be a secret).
 */
import { KrishivError } from '../../errors.js';
import type { EnvVar, Quoting } from '../types.js';

/** Where a file's declarations come from: one object for all of them (parseDotenv). */
export type FileOrigin = Readonly<{ source: 'file'; file: string }>;

/**
 * One declaration as parsed, before merging. It is already the `EnvVar` the merged set
 * holds (origin included), so merging thousands of lines copies nothing.
 */
export interface Declaration extends EnvVar {
  origin: FileOrigin;
  /** 1-based first line of the declaration */
  line: number;
  // Every other field is EnvVar's. Its optional endLine, exported, strayDollar and splitReferences
  // are absent on a plain `NAME=value` line (the fast path), where they would be `line`, false,
  // false and []: a 5,000-line file is mostly such lines, and four fewer fields per line measured
  // ~3 ms less in a fresh process (fewer young-generation collections).
}

export interface ParseOptions {
  /** how to name the file in errors (`file:line`) */
  file: string;
  /**
   * The outer environment `$NAME` sees before the file's own earlier lines (the process
   * environment, then earlier files). Return undefined for "not defined".
   */
  lookup?: (name: string) => string | undefined;
  /**
   * 'load' (default, what the engine does): own earlier lines resolve to the first
   * declaration. 'iter': to the latest, as dotenvy's substitution map holds them.
   */
  mode?: 'load' | 'iter';
  /**
   * Receives every declaration not read as a plain `NAME=value` line (LineReader.readSimple):
   * the only ones that can have references, a multi-line value or another quoting.
   */
  others?: EnvVar[];
}

const enum ScanState {
  Complete,
  Escape,
  StrongOpen,
  StrongOpenEscape,
  WeakOpen,
  WeakOpenEscape,
  Comment,
  WhiteSpace,
}

// Rust's char::is_whitespace is the Unicode White_Space property (JS `\s` differs: it
// includes U+FEFF and lacks U+0085).
// Unicode-property regexes cost up to ~1 ms each to create: built on first use (non-ASCII input only).
let WHITE_RE: RegExp | undefined;
let TRAILING_WHITE_RE: RegExp | undefined;
let ALNUM_RE: RegExp | undefined;
const WHITE = { test: (c: string): boolean => (WHITE_RE ??= /^\p{White_Space}$/u).test(c) };
const TRAILING_WHITE = (): RegExp => (TRAILING_WHITE_RE ??= /\p{White_Space}+$/u);
// Rust's char::is_alphanumeric: Alphabetic or Numeric (Nd, Nl, No).
const ALNUM = { test: (c: string): boolean => (ALNUM_RE ??= /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u).test(c) };
const KEY_START = /^[A-Za-z_]/;
const KEY_BODY = /^[A-Za-z0-9_.]*/;

function isWhite(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return WHITE.test(c);
}

function isAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return ALNUM.test(c);
}

/** Index of the first character that is not Rust whitespace (s.length when none). */
function firstNonWhite(s: string): number {
  let i = 0;
  while (i < s.length) {
    const code = s.charCodeAt(i);
    if (code < 0x80) {
      if (!(code === 0x20 || (code >= 0x09 && code <= 0x0d))) return i;
      i += 1;
    } else {
      const c = String.fromCodePoint(s.codePointAt(i) ?? 0);
      if (!WHITE.test(c)) return i;
      i += c.length;
    }
  }
  return i;
}

function trimStartRust(s: string): string {
  const i = firstNonWhite(s);
  return i === 0 ? s : i >= s.length ? '' : s.slice(i);
}

function trimEndRust(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  // fast path: the common line does not end in whitespace
  if (s.length === 0 || (last < 0x80 && !(last === 0x20 || (last >= 0x09 && last <= 0x0d)))) return s;
  return s.replace(TRAILING_WHITE(), '');
}

/** dotenvy `eval_end_state`: the scanner state after `text`, and where a comment starts. */
function evalEndState(prev: ScanState, text: string): { pos: number; state: ScanState } {
  // Fast path for the common line: ASCII with no blank, backslash or quote keeps Complete.
  if (prev === ScanState.Complete && PLAIN_LINE.test(text)) return { pos: Math.max(0, text.length - 1), state: ScanState.Complete };
  let state = prev;
  let pos = 0;
  let i = 0;
  for (const c of text) {
    pos = i;
    i += c.length;
    switch (state) {
      case ScanState.WhiteSpace:
        if (c === '#') return { pos, state: ScanState.Comment };
        state = c === '\\' ? ScanState.Escape : c === '"' ? ScanState.WeakOpen : c === "'" ? ScanState.StrongOpen : ScanState.Complete;
        break;
      case ScanState.Escape:
        state = ScanState.Complete;
        break;
      case ScanState.Complete:
        if (c !== '\n' && c !== '\r' && isWhite(c)) state = ScanState.WhiteSpace;
        else state = c === '\\' ? ScanState.Escape : c === '"' ? ScanState.WeakOpen : c === "'" ? ScanState.StrongOpen : ScanState.Complete;
        break;
      case ScanState.WeakOpen:
        state = c === '\\' ? ScanState.WeakOpenEscape : c === '"' ? ScanState.Complete : ScanState.WeakOpen;
        break;
      case ScanState.WeakOpenEscape:
        state = ScanState.WeakOpen;
        break;
      case ScanState.StrongOpen:
        state = c === '\\' ? ScanState.StrongOpenEscape : c === "'" ? ScanState.Complete : ScanState.StrongOpen;
        break;
      case ScanState.StrongOpenEscape:
        state = ScanState.StrongOpen;
        break;
      case ScanState.Comment:
        // unreachable: a comment returns early
        break;
    }
  }
  return { pos, state };
}

function describeOpenState(state: ScanState): string {
  switch (state) {
    case ScanState.WeakOpen:
    case ScanState.WeakOpenEscape:
      return 'a double-quoted value is never closed before the end of the file';
    case ScanState.StrongOpen:
    case ScanState.StrongOpenEscape:
      return "a single-quoted value is never closed before the end of the file (inside single quotes dotenv's line reader still treats \\ as an escape)";
    case ScanState.Escape:
      return 'the file ends in a backslash with no newline after it';
    case ScanState.WhiteSpace:
      return 'the last line ends in a space or tab with no newline after it, which dotenvy 0.15.7 refuses (remove the trailing blank or end the file with a newline)';
    default:
      return 'unexpected end of the file';
  }
}

interface LogicalLine {
  text: string;
  firstLine: number;
  lastLine: number;
}

/** Iterates dotenvy's logical lines over the text (`QuotedLines::next`). */
class LineReader {
  #text: string;
  #offset = 0;
  #line = 0;
  readonly #file: string;

  constructor(text: string, file: string) {
    this.#text = text;
    this.#file = file;
  }

  /**
   * The common lines without the general machinery, in one tight loop: `#` comment lines at
   * column 0 are skipped, and `NAME=value` lines of SIMPLE_LINE's shape ending in a newline
   * are appended to `out` as declarations. Stops at the first other line (or the end); take
   * `next()` then. A 5,000-line file is mostly such lines, and in a one-shot process this
   * loop runs in V8's interpreter: no call, match array or intermediate object per line.
   */
  readSimple(out: Declaration[], origin: FileOrigin): void {
    const text = this.#text;
    const n = text.length;
    let at = this.#offset;
    let line = this.#line;
    while (at < n) {
      if (text.charCodeAt(at) === 0x23) {
        const nl = text.indexOf('\n', at);
        if (nl === -1) break;
        at = nl + 1;
        line += 1;
        continue;
      }
      SIMPLE_AT.lastIndex = at;
      if (!SIMPLE_AT.test(text)) break;
      const end = SIMPLE_AT.lastIndex; // just after the \n
      const eq = text.indexOf('=', at);
      const value = text.slice(eq + 1, text.charCodeAt(end - 2) === 0x0d ? end - 2 : end - 1);
      line += 1;
      // one flat object per line (the file's origin is shared): a literal nested in another is
      // copied by V8's runtime instead of its fast path, and an object more per line measured
      // ~1.3 ms more for 5,000 lines in a fresh process (young-generation collections)
      out.push({
        name: text.slice(at, eq),
        value,
        raw: value,
        quoting: 'none',
        origin,
        line,
        references: NONE,
        unresolved: NONE,
      });
      at = end;
    }
    this.#offset = at;
    this.#line = line;
  }

  /** Reads one physical line including its `\n` (BufRead::read_line); '' at end of file. */
  #readPhysical(): string {
    if (this.#offset >= this.#text.length) return '';
    const nl = this.#text.indexOf('\n', this.#offset);
    const end = nl === -1 ? this.#text.length : nl + 1;
    const piece = this.#text.slice(this.#offset, end);
    this.#offset = end;
    this.#line += 1;
    return piece;
  }

  next(): LogicalLine | undefined {
    // The physical lines of one logical line are kept as a list and joined once: appending to one
    // string and reading it back per line flattened the whole buffer each time (quadratic: 23.6 s
    // for a 100,000-line quoted value).
    const parts: string[] = [];
    let state = ScanState.Complete;
    /** whether the buffered text starts with '#' after leading whitespace: undefined while all blank */
    let comment: boolean | undefined;
    const firstLine = this.#line + 1;
    for (;;) {
      const piece = this.#readPhysical();
      if (piece === '') {
        if (state === ScanState.Complete) return undefined;
        throw new KrishivError('ERR_ENV_PARSE', describeOpenState(state), { input: `${this.#file}:${firstLine}` });
      }
      // dotenvy skips a line whose buffered text starts with '#' (checked on the whole buffer:
      // whitespace never spans two physical lines, so the first piece with a non-blank decides).
      if (comment === undefined) {
        const at = firstNonWhite(piece);
        if (at < piece.length) comment = piece.charCodeAt(at) === 0x23;
      }
      if (comment === true) return { text: '', firstLine, lastLine: this.#line };
      const result = evalEndState(state, piece);
      state = result.state;
      if (state === ScanState.Complete) {
        let last = piece;
        if (last.endsWith('\n')) {
          last = last.slice(0, -1);
          if (last.endsWith('\r')) last = last.slice(0, -1);
        }
        parts.push(last);
        return { text: parts.length === 1 ? last : parts.join(''), firstLine, lastLine: this.#line };
      }
      if (state === ScanState.Comment) {
        parts.push(piece.slice(0, result.pos));
        return { text: parts.join(''), firstLine, lastLine: this.#line };
      }
      parts.push(piece);
    }
  }
}

/**
 * Substitution context of one file: the outer environment, then the file's own earlier
 * declarations. The own-name index is built on the first lookup that needs it, from the
 * declarations parsed so far (most files never substitute, and a map entry per line was a
 * good part of a large file's reading time).
 */
class Substitutions {
  readonly #outer: ((name: string) => string | undefined) | undefined;
  readonly #mode: 'load' | 'iter';
  /** the file's declarations so far, in order (parseDotenv's output array) */
  readonly #decls: readonly Declaration[];
  readonly #own = new Map<string, string>();
  #indexed = 0;
  #spent = 0;

  constructor(outer: ((name: string) => string | undefined) | undefined, mode: 'load' | 'iter', decls: readonly Declaration[]) {
    this.#outer = outer;
    this.#mode = mode;
    this.#decls = decls;
  }

  /**
   * Accounts for `added` characters of substituted text, making a value `valueLength` long.
   * dotenvy would build any size; a `$VAR` doubling chain of a few hundred bytes reaches
   * gigabytes, so a value over MAX_VALUE_LENGTH, or a file whose substitutions add more than
   * MAX_SUBSTITUTED in all, is refused instead.
   */
  spend(added: number, valueLength: number): void {
    this.#spent += added;
    if (valueLength > MAX_VALUE_LENGTH) {
      throw new LineError(
        `$VAR substitution makes this value longer than ${MAX_VALUE_LENGTH} characters (a chain of substitutions that keeps doubling?); refused`,
      );
    }
    if (this.#spent > MAX_SUBSTITUTED) {
      throw new LineError(`$VAR substitutions in this file add up to more than ${MAX_SUBSTITUTED} characters; refused`);
    }
  }

  lookup(name: string): string | undefined {
    // env::var("") is never set; an empty name substitutes "".
    if (name === '') return undefined;
    const outer = this.#outer?.(name);
    if (outer !== undefined) return outer;
    for (; this.#indexed < this.#decls.length; this.#indexed++) {
      const d = this.#decls[this.#indexed]!;
      // 'load': the first declaration of a name is the one set in the environment; 'iter': the latest.
      if (this.#mode === 'iter' || !this.#own.has(d.name)) this.#own.set(d.name, d.value);
    }
    return this.#own.get(name);
  }
}

/** The longest value substitution may build: the env-file size cap (no real value comes near it). */
const MAX_VALUE_LENGTH = 4 * 1024 * 1024;
/** What all the substitutions of one file may add together. */
const MAX_SUBSTITUTED = 16 * 1024 * 1024;

class LineError extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

interface ValueResult {
  value: string;
  raw: string;
  quoting: Quoting;
  references: string[];
  unresolved: string[];
  strayDollar: boolean;
  splitReferences: string[];
}

const enum SubstMode {
  None,
  Block,
  EscapedBlock,
}

/** Shared, frozen empty list for the (many) values without references: fewer allocations. */
const NONE: string[] = Object.freeze([]) as unknown as string[];
/** ASCII without \t \v \f space " ' \ : nothing in it changes the line scanner's state. */
const PLAIN_LINE = /^[\x00-\x08\x0a\x0d-\x1f\x21\x23-\x26\x28-\x5b\x5d-\x7f]*$/;
/** No quote, backslash, $, space or tab: an unquoted value that is taken as written. */
const PLAIN_VALUE = /^[^ \t\\'"$]*$/;

/** dotenvy `parse_value`. */
function parseValue(input: string, subst: Substitutions): ValueResult {
  if (PLAIN_VALUE.test(input)) {
    return {
      value: input,
      raw: trimEndRust(input),
      quoting: 'none',
      references: NONE,
      unresolved: NONE,
      strayDollar: false,
      splitReferences: NONE,
    };
  }
  let strong = false;
  let weak = false;
  let escaped = false;
  let expectingEnd = false;
  let out = '';
  let mode = SubstMode.None;
  let name = '';
  let quoting: Quoting = 'none';
  let rawEnd = input.length;
  const references: string[] = [];
  const unresolved: string[] = [];
  let strayDollar = false;
  const splitReferences: string[] = [];

  // Sets beside the lists: a value with thousands of distinct $NAMEs stays linear.
  const seen = new Set<string>();
  const seenUnresolved = new Set<string>();
  const seenSplit = new Set<string>();
  const apply = (n: string): void => {
    if (n === '') {
      strayDollar = true;
      return;
    }
    if (!seen.has(n)) {
      seen.add(n);
      references.push(n);
    }
    const v = subst.lookup(n);
    if (v === undefined) {
      if (!seenUnresolved.has(n)) {
        seenUnresolved.add(n);
        unresolved.push(n);
      }
    } else if (v !== '') {
      subst.spend(v.length, out.length + v.length);
      out += v;
    }
  };

  let index = 0;
  for (const c of input) {
    const at = index;
    index += c.length;
    if (expectingEnd) {
      if (c === ' ' || c === '\t') continue;
      if (c === '#') {
        rawEnd = at;
        break;
      }
      throw new LineError('an unquoted value contains a space or tab followed by more text (quote the value, or put a # before a comment)');
    } else if (escaped) {
      if (c === '\\' || c === "'" || c === '"' || c === '$' || c === ' ') out += c;
      else if (c === 'n') out += '\n';
      // The character is described, not shown: it is part of a value that may be a secret.
      else
        throw new LineError(
          `unsupported escape sequence: a backslash before ${charClass(c)} (dotenvy accepts \\\\ \\' \\" \\$ \\n and backslash-space)`,
        );
      escaped = false;
    } else if (strong) {
      if (c === "'") strong = false;
      else out += c;
    } else if (mode !== SubstMode.None) {
      if (isAlnum(c)) {
        name += c;
      } else if (mode === SubstMode.Block) {
        if (c === '{' && name === '') {
          mode = SubstMode.EscapedBlock;
        } else {
          if (c === '_' && name !== '') {
            const intended = name + (/^[\p{Alphabetic}\p{N}_]*/u.exec(input.slice(at))?.[0] ?? '');
            if (!seenSplit.has(intended)) {
              seenSplit.add(intended);
              splitReferences.push(intended);
            }
          }
          apply(name);
          name = '';
          if (c === '$') {
            mode = SubstMode.Block;
          } else {
            mode = SubstMode.None;
            out += c;
          }
        }
      } else if (c === '}') {
        mode = SubstMode.None;
        apply(name);
        name = '';
      } else {
        name += c;
      }
    } else if (c === '$') {
      mode = SubstMode.Block;
    } else if (weak) {
      if (c === '"') weak = false;
      else if (c === '\\') escaped = true;
      else out += c;
    } else if (c === "'") {
      strong = true;
      if (quoting === 'none') quoting = 'single';
    } else if (c === '"') {
      weak = true;
      if (quoting === 'none') quoting = 'double';
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ' ' || c === '\t') {
      expectingEnd = true;
      rawEnd = at;
    } else {
      out += c;
    }
  }

  if (mode === SubstMode.EscapedBlock) throw new LineError('a ${ is never closed with }');
  if (strong) throw new LineError('a single quote is never closed');
  if (weak) {
    throw new LineError(
      'a double quote is never closed (note: in dotenvy 0.15.7 a $NAME right before the closing quote swallows the quote; write ${NAME})',
    );
  }
  if (name !== '') apply(name);
  // dotenvy applies the (possibly empty) pending name at the end; an empty one adds nothing
  // and is not a stray dollar unless a `$` opened it.
  else if (mode === SubstMode.Block) strayDollar = true;
  return { value: out, raw: trimEndRust(input.slice(0, rawEnd)), quoting, references, unresolved, strayDollar, splitReferences };
}

function charClass(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (/[A-Za-z]/.test(c)) return 'a letter';
  if (/[0-9]/.test(c)) return 'a digit';
  if (code < 0x80) return 'a punctuation character';
  return 'a non-ASCII character';
}

/** A declaration whose value is its text: no quotes, escapes or substitutions (the plain-line shape). */
function simpleDeclaration(name: string, value: string, origin: FileOrigin, line: number): Declaration {
  return { name, value, raw: value, quoting: 'none', origin, line, references: NONE, unresolved: NONE };
}

/**
 * `NAME=value` with printable ASCII, no blank, quote, backslash or `$`, and a value not
 * starting with `#`: what parse_line yields for it is the text itself. Most lines of a
 * real env file have this shape; they skip the general state machine.
 */
const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_.]*)=([!%&(-[\]-~][!#%&(-[\]-~]*)?$/;
/** SIMPLE_LINE as a whole physical line at a position (sticky), newline included. */
const SIMPLE_AT = /([A-Za-z_][A-Za-z0-9_.]*)=([!%&(-[\]-~][!#%&(-[\]-~]*)?\r?\n/y;

/** dotenvy `LineParser::parse_line`: a declaration, or undefined for a blank/comment line. */
function parseLine(text: string, subst: Substitutions, origin: FileOrigin, firstLine: number, endLine: number): Declaration | undefined {
  const simple = SIMPLE_LINE.exec(text);
  if (simple) {
    const name = simple[1]!;
    const value = simple[2] ?? '';
    return simpleDeclaration(name, value, origin, firstLine);
  }
  let line = trimEndRust(text);
  const skip = (): void => {
    line = trimStartRust(line);
  };
  const parseKey = (): string => {
    if (!KEY_START.test(line)) {
      throw new LineError(
        line === ''
          ? 'a variable name is missing'
          : 'not a KEY=VALUE line (a name starts with a letter or _, then letters, digits, _ or .)',
      );
    }
    const key = KEY_BODY.exec(line)?.[0] ?? '';
    line = line.slice(key.length);
    return key;
  };
  const expectEqual = (key: string): void => {
    // The name is not repeated: after an unclosed quote on an earlier line, what reads as a name
    // here can be a piece of a secret value (a fuzz run printed one this way).
    if (!line.startsWith('='))
      throw new LineError(
        `no = after the name at the start of the line (${key.length} character${key.length === 1 ? '' : 's'}); is a quote on an earlier line left open?`,
      );
    line = line.slice(1);
  };

  skip();
  if (line === '' || line.startsWith('#')) return undefined;
  let key = parseKey();
  let exported = false;
  skip();
  if (key === 'export' && !line.startsWith('=')) {
    key = parseKey();
    exported = true;
    skip();
    expectEqual(key);
  } else {
    expectEqual(key);
  }
  skip();
  if (line === '' || line.startsWith('#')) {
    return {
      name: key,
      value: '',
      raw: '',
      quoting: 'none',
      origin,
      line: firstLine,
      endLine,
      exported,
      references: [],
      unresolved: [],
      strayDollar: false,
      splitReferences: [],
    };
  }
  const parsed = parseValue(line, subst);
  // explicit fields: object spread here made parsing several times slower (V8 dictionary mode)
  return {
    name: key,
    value: parsed.value,
    raw: parsed.raw,
    quoting: parsed.quoting,
    origin,
    line: firstLine,
    endLine,
    exported,
    references: parsed.references,
    unresolved: parsed.unresolved,
    strayDollar: parsed.strayDollar,
    splitReferences: parsed.splitReferences,
  };
}

/**
 * Parses one env file's text into its declarations in file order (duplicates included;
 * merging decides who wins). Throws KrishivError ERR_ENV_PARSE (`input: file:line`) for
 * everything dotenvy refuses.
 */
export function parseDotenv(text: string, options: ParseOptions): Declaration[] {
  const file = options.file;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const out: Declaration[] = [];
  const subst = new Substitutions(options.lookup, options.mode ?? 'load', out);
  const reader = new LineReader(body, file);
  const origin: FileOrigin = Object.freeze({ source: 'file', file });
  for (;;) {
    reader.readSimple(out, origin);
    const logical = reader.next();
    if (logical === undefined) break;
    let decl: Declaration | undefined;
    try {
      decl = parseLine(logical.text, subst, origin, logical.firstLine, logical.lastLine);
    } catch (error) {
      if (error instanceof LineError) {
        throw new KrishivError('ERR_ENV_PARSE', error.what, { input: `${file}:${logical.firstLine}` });
      }
      throw error;
    }
    if (decl === undefined) continue;
    options.others?.push(decl);
    if (decl.value.includes('\0')) {
      throw new KrishivError(
        'ERR_ENV_PARSE',
        `the value of ${decl.name} contains a NUL character (the engine's env::set_var panics on it)`,
        {
          input: `${file}:${logical.firstLine}`,
        },
      );
    }
    out.push(decl);
  }
  return out;
}
