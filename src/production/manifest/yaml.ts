/**
 * Kubernetes YAML as kubectl reads it, with the line of every object and entry.
 *
 * - YAML 1.1 (kubectl's sigs.k8s.io/yaml sits on go-yaml v2): `yes`/`no`/`on`/`off`/`y`/`n`
 *   are booleans, `0644` is octal, `<<` merge keys apply. A duplicate key is an error, as in
 *   go-yaml v2.
 * - Multi-document streams (`---`); a document that is empty or `null` is dropped.
 * - Bounded: aliases are expanded with a budget (an alias bomb is refused, not expanded), and
 *   every document's node count and nesting depth are capped.
 * - Errors are ERR_MANIFEST_PARSE naming `file:line`.
 *
 * Each mapping and sequence produced is a plain object/array; `lineOf(value)` gives its first
 * line and `keyLine(object, key)` the line of one key (for locations).
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { KrishivError } from '../../errors.js';

const LINES = new WeakMap<object, number>();
const KEY_LINES = new WeakMap<object, Record<string, number>>();

/** First line (1-based) of a mapping or sequence read from YAML, when known. */
export function lineOf(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? LINES.get(value) : undefined;
}

/** Line of `key` inside a mapping read from YAML (falls back to the mapping's line). */
export function keyLine(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return KEY_LINES.get(value)?.[key] ?? LINES.get(value);
}

/** Records a line for a value built by another reader (JSON input). */
export function setLine(value: object, line: number): void {
  LINES.set(value, line);
}

export interface YamlDoc {
  value: unknown;
  /** line of the document's first node */
  line: number;
}

export const LIMITS = {
  /** alias expansions per document (an alias bomb needs millions) */
  aliases: 1000,
  /** nodes per document after alias expansion */
  nodes: 2_000_000,
  /** nesting depth */
  depth: 200,
};

function parseError(file: string, line: number, message: string): KrishivError {
  return new KrishivError('ERR_MANIFEST_PARSE', message, { input: `${file}:${line}` });
}

interface Walk {
  doc: Document.Parsed;
  lc: LineCounter;
  file: string;
  nodes: number;
  aliases: number;
}

function lineAt(w: Walk, offset: number | undefined): number {
  return offset === undefined ? 1 : w.lc.linePos(offset).line;
}

function toPlain(w: Walk, node: unknown, depth: number): unknown {
  if (++w.nodes > LIMITS.nodes) throw parseError(w.file, 1, `a document has more than ${LIMITS.nodes} nodes; refusing to read it`);
  if (depth > LIMITS.depth) {
    const at = (node as { range?: [number] } | null)?.range?.[0];
    throw parseError(w.file, lineAt(w, at), `nesting deeper than ${LIMITS.depth} levels; refusing to read it`);
  }
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    if (++w.aliases > LIMITS.aliases) {
      throw parseError(w.file, lineAt(w, node.range?.[0]), `more than ${LIMITS.aliases} alias expansions (an alias bomb?); refusing to read it`);
    }
    const target = node.resolve(w.doc);
    if (target === undefined) throw parseError(w.file, lineAt(w, node.range?.[0]), `unknown alias *${node.source}`);
    return toPlain(w, target, depth + 1);
  }
  if (isScalar(node)) return node.value === undefined ? null : node.value;
  if (isSeq(node)) {
    const out: unknown[] = [];
    LINES.set(out, lineAt(w, node.range?.[0]));
    for (const item of node.items) out.push(toPlain(w, item, depth + 1));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const keyLines: Record<string, number> = Object.create(null) as Record<string, number>;
    LINES.set(out, lineAt(w, node.range?.[0]));
    KEY_LINES.set(out, keyLines);
    const merges: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const rawKey = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : toPlain(w, keyNode, depth + 1);
      const key = rawKey === null ? 'null' : typeof rawKey === 'symbol' ? '<<' : typeof rawKey === 'object' ? JSON.stringify(rawKey) : String(rawKey);
      if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        merges.push(toPlain(w, pair.value, depth + 1));
        continue;
      }
      out[key] = toPlain(w, pair.value, depth + 1);
      keyLines[key] = lineAt(w, (keyNode as { range?: [number] } | null)?.range?.[0]);
    }
    // `<<` merge keys (YAML 1.1, honoured by go-yaml v2): explicit keys win, earlier merges win.
    for (const m of merges) {
      for (const src of Array.isArray(m) ? m : [m]) {
        if (typeof src !== 'object' || src === null || Array.isArray(src)) continue;
        for (const [k, v] of Object.entries(src)) {
          if (!(k in out)) {
            out[k] = v;
            const l = keyLine(src, k);
            if (l !== undefined) keyLines[k] = l;
          }
        }
      }
    }
    return out;
  }
  return null;
}

/** Parses a YAML (or JSON: a YAML subset) stream into its documents, with lines. */
export function parseYamlStream(text: string, file: string): YamlDoc[] {
  const lc = new LineCounter();
  let docs: Array<Document.Parsed>;
  try {
    docs = parseAllDocuments(text, {
      version: '1.1',
      lineCounter: lc,
      uniqueKeys: true,
      merge: false,
      prettyErrors: false,
      intAsBigInt: false,
      strict: true,
    }) as Array<Document.Parsed>;
  } catch (error) {
    if (error instanceof RangeError) throw parseError(file, 1, 'nesting too deep to read');
    throw error;
  }
  if (!Array.isArray(docs)) docs = [docs as Document.Parsed];
  const out: YamlDoc[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineAt({ lc } as Walk, err.pos[0]);
      throw parseError(file, line, `malformed YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    const w: Walk = { doc, lc, file, nodes: 0, aliases: 0 };
    let value: unknown;
    try {
      value = toPlain(w, doc.contents, 0);
    } catch (error) {
      if (error instanceof RangeError) throw parseError(file, lineAt(w, doc.range?.[0]), 'nesting too deep to read');
      throw error;
    }
    if (value === null) continue;
    out.push({ value, line: lineAt(w, (doc.contents as { range?: [number] } | null)?.range?.[0]) });
  }
  return out;
}
