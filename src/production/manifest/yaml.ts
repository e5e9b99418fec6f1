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
 * The parser is js-yaml with a YAML 1.1 schema; its node listener gives each mapping's and
 * sequence's first line. (The `yaml` package gives the same lines and values — the tests use
 * it as the oracle — but reads a large GitOps tree five to seven times slower: bench/README.md.)
 * `lineOf(value)` gives a mapping's or sequence's first line, `keyLine(object, key)` the line
 * of a key's value when it is a mapping or sequence, else the object's own line.
 */
import * as jsYaml from 'js-yaml';
import { FAILSAFE_SCHEMA, Type, YAMLException, loadAll } from 'js-yaml';
import { KrishivError } from '../../errors.js';

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

// ---- YAML 1.1 scalars as go-yaml v2 resolves them (resolve.go)

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const bool11 = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (BOOL_TRUE.has(data) || BOOL_FALSE.has(data)),
  construct: (data: string) => BOOL_TRUE.has(data),
  predicate: (o: unknown) => typeof o === 'boolean',
  represent: { lowercase: (o: unknown) => (o ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});

/** A number starts with a digit, a sign or a dot: most plain scalars (names, images) are decided without a regex. */
function mayBeNumber(data: string): boolean {
  const c = data.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e;
}

const INT = /^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$/;
function parseInt11(data: string): number {
  let s = data.replace(/_/g, '');
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
const int11 = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && mayBeNumber(data) && INT.test(data) && /[0-9]/.test(data) && !/^[-+]?0[0-7_]*[89]/.test(data),
  construct: parseInt11,
  predicate: (o: unknown) => typeof o === 'number' && Number.isInteger(o),
  represent: { decimal: (o: unknown) => String(o) },
  defaultStyle: 'decimal',
});

const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const float11 = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && mayBeNumber(data) && !INT.test(data) && (FLOAT.test(data) || SPECIAL_FLOAT.test(data)),
  construct: (data: string) => {
    if (/nan/i.test(data)) return NaN;
    if (/inf/i.test(data)) return data.startsWith('-') ? -Infinity : Infinity;
    return parseFloat(data.replace(/_/g, ''));
  },
  predicate: (o: unknown) => typeof o === 'number' && !Number.isInteger(o),
  represent: { decimal: (o: unknown) => String(o) },
  defaultStyle: 'decimal',
});

// js-yaml's own null and merge types (exported at run time; @types/js-yaml does not declare them)
const types = (jsYaml as unknown as { types: { null: Type; merge: Type } }).types;
const SCHEMA_11 = FAILSAFE_SCHEMA.extend({ implicit: [types.null, bool11, int11, float11, types.merge] });

function parseError(file: string, line: number, message: string): KrishivError {
  return new KrishivError('ERR_MANIFEST_PARSE', message, { input: `${file}:${line}` });
}

/** Parses a YAML (or JSON: a YAML subset) stream into its documents, with lines. */
export function parseYamlStream(text: string, file: string): YamlDoc[] {
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
      { schema: SCHEMA_11, filename: file, json: false, listener } as Parameters<typeof loadAll>[2],
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
