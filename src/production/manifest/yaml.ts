/**
 * Kubernetes YAML as kubectl reads it, with the line of every mapping and sequence.
 *
 * - YAML 1.1, as kubectl's sigs.k8s.io/yaml (go-yaml v2) resolves plain scalars: `yes`/`no`/
 *   `on`/`off`/`y`/`n` are booleans, `0644` is octal, `<<` merge keys apply, `~` is null.
 *   A duplicate key is an error, as in go-yaml v2.
 * - Multi-document streams (`---`); an empty or `null` document is dropped.
 * - Bounded: aliases are never expanded (an alias is the anchored object itself, so an alias
 *   bomb costs what its text costs), nesting deeper than the parser's stack is refused, and
 *   the reader's callers cap the size of every file.
 * - Errors are ERR_MANIFEST_PARSE naming `file:line`.
 *
 * Two readers, one answer: yaml-plain.ts reads the plain layout most manifests are written in,
 * line by line; js-yaml with a YAML 1.1 schema reads anything else (and words every error), its
 * node listener giving each mapping's and sequence's first line. The tests hold the first to the
 * second on generated streams and every fixture. (The `yaml` package gives the same lines and
 * values — the tests use it as the oracle — but reads a large GitOps tree five to seven times
 * slower: bench/README.md.)
 * `lineOf(value)` gives a mapping's or sequence's first line, `keyLine(object, key)` the line
 * of a key's value when it is a mapping or sequence, else the object's own line.
 */
import * as jsYaml from 'js-yaml';
import { FAILSAFE_SCHEMA, type Schema, Type, YAMLException, loadAll } from 'js-yaml';
import { KrishivError } from '../../errors.js';
import { type PlainYamlHooks, UNDECIDED, readPlainYaml } from './yaml-plain.js';

/**
 * Every mapping and sequence carries its line in a private field, stamped onto the object
 * js-yaml built (the base constructor returns the object it is given, so `new Lines(o)` adds
 * the field to `o`). A private field is invisible to keys, JSON, spreads and equality; a
 * `WeakMap` of the 100,000s of collections in a large tree cost a third of the parse
 * (bench/README.md).
 */
class Stamped {
  constructor(o: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point: subclasses add their private fields to `o`
    return o;
  }
}
class Lines extends Stamped {
  #line: number;
  constructor(o: object, line: number) {
    super(o);
    this.#line = line;
  }
  static line(o: object): number | undefined {
    return #line in o ? o.#line : undefined;
  }
}
/** A sequence's lines: its own, and each item's (a mapping carries only its own: one field fewer). */
class ItemLines extends Lines {
  #items: number[];
  constructor(o: object, line: number, items: number[]) {
    super(o, line);
    this.#items = items;
  }
  static items(o: object): number[] | undefined {
    return #items in o ? o.#items : undefined;
  }
}

/** Line of item `index` of a sequence read from YAML (its scalars included), when known. */
export function itemLine(seq: unknown, index: number): number | undefined {
  return typeof seq === 'object' && seq !== null ? ItemLines.items(seq)?.[index] : undefined;
}

/** First line (1-based) of a mapping or sequence read from YAML, when known. */
export function lineOf(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? Lines.line(value) : undefined;
}

/** Line of `key`'s value inside a mapping (a mapping/sequence value's own line; else the mapping's). */
export function keyLine(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return lineOf(v) ?? Lines.line(value);
}

export interface YamlDoc {
  value: unknown;
  /** line of the document's first node */
  line: number;
}

// ---- YAML 1.1 scalars as go-yaml v2 resolves them (resolve.go): each rule once, for both readers
// (plainScalar11 for yaml-plain.ts, the types of yaml11Schema() for js-yaml). No regular
// expression runs on a word or a decimal: V8 compiles each one at its first use (~20-50 µs), in
// every run.

const NULLS = new Set(['~', 'null', 'Null', 'NULL']);
const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
// (js-yaml hands a type's resolve null for an empty node)
const isNull11 = (data: string | null): boolean => data === null || NULLS.has(data);
const isBool11 = (data: string | null): boolean => data !== null && (BOOL_TRUE.has(data) || BOOL_FALSE.has(data));

/**
 * A number is written in `[0-9A-Za-z_+.-]` only (INT, FLOAT, SPECIAL_FLOAT below) and starts with
 * a digit, a sign or a dot: most plain scalars (names, images, addresses) are decided here.
 */
function mayBeNumber(data: string): boolean {
  const c = data.charCodeAt(0);
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e)) return false;
  for (let i = 1; i < data.length; i++) {
    const d = data.charCodeAt(i);
    const alnum = (d >= 0x30 && d <= 0x39) || (d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a);
    if (!alnum && d !== 0x5f && d !== 0x2b && d !== 0x2d && d !== 0x2e) return false;
  }
  return true;
}

/**
 * What INT and FLOAT make of a text of decimal digits only: an integer ('dec', or 'oct' after a
 * leading zero: 0644), or, a leading zero then an 8 or a 9, a float (089 is 89.0); undefined when
 * the text is not all digits.
 */
function digitsKind(data: string): 'dec' | 'oct' | 'float' | undefined {
  const n = data.length;
  if (n === 0) return undefined;
  let octal = true;
  for (let i = 0; i < n; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    if (c > 0x37) octal = false;
  }
  if (data.charCodeAt(0) !== 0x30 || n === 1) return 'dec';
  return octal ? 'oct' : 'float';
}

const INT = /^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$/;
function isInt11(data: string | null): boolean {
  if (data === null) return false;
  const digits = digitsKind(data);
  if (digits !== undefined) return digits !== 'float';
  return mayBeNumber(data) && INT.test(data) && /[0-9]/.test(data) && !/^[-+]?0[0-7_]*[89]/.test(data);
}
function parseInt11(data: string): number {
  let s = data.replaceAll('_', '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0o')) return sign * parseInt(s.slice(2), 8);
  if (s.length > 1 && s[0] === '0') return sign * parseInt(s.slice(1), 8);
  return sign * parseInt(s, 10);
}

const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
function isFloat11(data: string | null): boolean {
  if (data === null) return false;
  const digits = digitsKind(data);
  if (digits !== undefined) return digits === 'float';
  return mayBeNumber(data) && !INT.test(data) && (FLOAT.test(data) || SPECIAL_FLOAT.test(data));
}
function parseFloat11(data: string): number {
  if (digitsKind(data) !== undefined) return parseFloat(data);
  if (/nan/i.test(data)) return NaN;
  if (/inf/i.test(data)) return data.startsWith('-') ? -Infinity : Infinity;
  return parseFloat(data.replaceAll('_', ''));
}

/** A plain (unquoted) scalar's value: null, a boolean, an integer, a float, or the text itself (js-yaml's order of the types). */
function plainScalar11(text: string): unknown {
  if (isNull11(text)) return null;
  if (isBool11(text)) return BOOL_TRUE.has(text);
  if (isInt11(text)) return parseInt11(text);
  if (isFloat11(text)) return parseFloat11(text);
  return text;
}

/** yaml-plain.ts reads plain scalars by the same rules, and stamps the same lines, as js-yaml with the listener below. */
const PLAIN_HOOKS: PlainYamlHooks = {
  // `<<` is a merge key (js-yaml's merge type): left to js-yaml
  scalar: (text) => (text === '<<' ? UNDECIDED : plainScalar11(text)),
  stamp(value, line, items) {
    if (items === undefined) new Lines(value, line);
    else new ItemLines(value, line, items);
  },
};

let schema11: Schema | undefined;
/** js-yaml's schema of these rules, built when js-yaml first reads a text (a plain one needs none of js-yaml). */
function yaml11Schema(): Schema {
  if (schema11 === undefined) {
    const scalar = (name: string, resolve: (data: string | null) => boolean, construct: (data: string) => unknown) =>
      new Type(`tag:yaml.org,2002:${name}`, { kind: 'scalar', resolve, construct });
    // js-yaml's own merge type (exported at run time; @types/js-yaml does not declare it): its loader merges `<<` by that tag
    const { merge } = (jsYaml as unknown as { types: { merge: Type } }).types;
    schema11 = FAILSAFE_SCHEMA.extend({
      implicit: [
        scalar('null', isNull11, () => null),
        scalar('bool', isBool11, (data) => BOOL_TRUE.has(data)),
        scalar('int', isInt11, parseInt11),
        scalar('float', isFloat11, parseFloat11),
        merge,
      ],
    });
  }
  return schema11;
}

function parseError(file: string, line: number, message: string): KrishivError {
  return new KrishivError('ERR_MANIFEST_PARSE', message, { input: `${file}:${line}` });
}

/**
 * Parses a YAML (or JSON: a YAML subset) stream into its documents, with lines: the plain layout
 * most manifests use by yaml-plain.ts, anything else by js-yaml (the same values and lines).
 */
export function parseYamlStream(text: string, file: string): YamlDoc[] {
  return parseYamlStreamPlain(text) ?? parseYamlStreamJs(text, file);
}

/** parseYamlStream by yaml-plain.ts alone: undefined when it leaves the text to js-yaml. */
export function parseYamlStreamPlain(text: string): YamlDoc[] | undefined {
  return readPlainYaml(text, PLAIN_HOOKS);
}

/** parseYamlStream by js-yaml alone (exported for the tests that hold yaml-plain.ts to it). */
export function parseYamlStreamJs(text: string, file: string): YamlDoc[] {
  const out: YamlDoc[] = [];
  // the listener sees every node open and close; a mapping/sequence is the result at its close
  let firstLine = 0;
  // (position, line) at each open; the line of a mapping/sequence is worked out at its close
  const openPos: number[] = [];
  const openLine: number[] = [];
  // the lines of the open nodes' children, one run per open node (where it starts in openFrom): a
  // sequence takes its run as its item lines (`args`); a mapping's (keys and values) is dropped,
  // so no array per mapping
  const childLines: number[] = [];
  const openFrom: number[] = [];
  const listener = (event: 'open' | 'close', state: { line: number; position: number; input: string; result: unknown }): void => {
    if (event === 'open') {
      openPos.push(state.position);
      openLine.push(state.line);
      openFrom.push(childLines.length);
      return;
    }
    const pos = openPos.pop()!;
    let line = openLine.pop()!;
    const from = openFrom.pop()!;
    const r = state.result;
    if (typeof r !== 'object' || r === null || Lines.line(r) !== undefined) {
      childLines.length = from;
      if (openPos.length === 0) firstLine = line + 1;
      else childLines.push(line + 1);
      return;
    }
    const mine = Array.isArray(r) && childLines.length > from ? childLines.slice(from) : undefined;
    childLines.length = from;
    // a value that starts on a later line (`env:` then `- name: …`) opens at the key's line
    // end: its line is that of its first content character
    const input = state.input;
    for (let p = pos; p < input.length; p++) {
      const c = input.charCodeAt(p);
      if (c === 0x0a) line++;
      else if (c === 0x23) {
        const nl = input.indexOf('\n', p);
        if (nl < 0) break;
        p = nl - 1;
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
    if (openPos.length === 0) firstLine = line + 1;
    else childLines.push(line + 1);
    if (mine !== undefined) new ItemLines(r, line + 1, mine);
    else new Lines(r, line + 1);
  };
  try {
    loadAll(
      text,
      (doc: unknown) => {
        if (doc !== null && doc !== undefined) out.push({ value: doc, line: lineOf(doc) ?? firstLine });
      },
      { schema: yaml11Schema(), filename: file, json: false, listener } as Parameters<typeof loadAll>[2],
    );
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line?: number } }).mark;
      // a chart's template given as a manifest: say what to run instead
      const template = /\{\{-?\s*[.$a-zA-Z(/]/.test(text)
        ? ' (it holds Helm template directives: render the chart first, helm template <release> <chart> | krishiv-auth check-production --manifest -)'
        : '';
      throw parseError(file, (mark?.line ?? 0) + 1, `malformed YAML: ${error.reason}${template}`);
    }
    if (error instanceof RangeError) throw parseError(file, 1, 'nesting too deep to read');
    throw error;
  }
  return out;
}
