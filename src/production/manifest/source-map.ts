/**
 * Where a kustomization's rendered objects come from: the source file and line a user edits.
 *
 * The loader renders the directory twice: as it is (the stream the checks read, and the lines
 * a finding falls back to), and through a wrapper kustomization that asks kustomize to record
 * origins (`buildMetadata: [originAnnotations, transformerAnnotations]`). The two streams must
 * hold the same objects, equal once those two annotations are set aside; an object that differs
 * keeps its rendered-stream lines. For each rendered object:
 *
 * - `config.kubernetes.io/origin` names its resource file (`path:`); one from a generator, a
 *   remote base or a Helm chart has no file, and keeps its rendered-stream lines;
 * - the source object is found in that file by kind and name (the name before `namePrefix`,
 *   `nameSuffix` and hash suffixes: the longest source name the rendered name contains);
 * - `alpha.config.kubernetes.io/transformations` names the kustomization files whose patch
 *   transformers ran over it: their patches (strategic merge or JSON 6902, in a file or inline)
 *   that target the object are read as layers over the source object, in order;
 * - the rendered tree is walked beside the layers: containers, env and volume entries by their
 *   names (mount path, item path), argument words in order by value. A whole entry (an env
 *   entry, an argument, a mount, a volume item) is located at the last patch that wrote it as
 *   rendered, else at the source file when it is there as rendered, else nowhere (another
 *   transformer changed it: the rendered line stays); a container, volume or object at the
 *   first layer that has it.
 *
 * Pure but for `readFile` (each file read and parsed once). Never throws: what cannot be mapped
 * keeps its rendered-stream line.
 */
import path from 'node:path';
import { RELEVANT_KINDS, forEachObject, isObj, str, type Obj } from './k8s.js';
import { itemLine, lineOf, parseYamlStream, type YamlDoc } from './yaml.js';

export interface SourceLoc {
  file: string;
  line: number;
}

/** Rendered-stream line → source location (null: that node's source is not known). */
export type LineMap = Map<number, SourceLoc | null>;

export const ORIGIN = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS = 'alpha.config.kubernetes.io/transformations';

export interface SourceMapContext {
  /** the wrapper kustomization's directory (real path): origins are relative to it */
  wrapperRoot: string;
  /** the user's kustomization directory (real path) */
  userRoot: string;
  /** how the user named that directory (locations are given under it) */
  label: string;
  /** a file's text, or undefined when it cannot be read */
  readFile: (abs: string) => string | undefined;
}

/** kustomize's `buildMetadata: [managedByLabel]`, which only the root of a build honours. */
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * The object without what only one of the two renders has (a copy; the object is untouched): the
 * two annotations the wrapper asks for, and the managed-by label the user's own kustomization may
 * ask for (the wrapper is the root of its build, so it has none). None of them reaches a check.
 */
function withoutAdded(value: unknown): unknown {
  if (!isObj(value) || !isObj(value['metadata'])) return value;
  const meta: Obj = { ...value['metadata'] };
  if (isObj(meta['annotations'])) {
    const ann = { ...meta['annotations'] };
    delete ann[ORIGIN];
    delete ann[TRANSFORMATIONS];
    if (Object.keys(ann).length === 0) delete meta['annotations'];
    else meta['annotations'] = ann;
  }
  if (isObj(meta['labels']) && typeof meta['labels'][MANAGED_BY] === 'string' && meta['labels'][MANAGED_BY].startsWith('kustomize-')) {
    const labels = { ...meta['labels'] };
    delete labels[MANAGED_BY];
    if (Object.keys(labels).length === 0) delete meta['labels'];
    else meta['labels'] = labels;
  }
  return { ...value, metadata: meta };
}

function annotation(value: unknown, key: string): string | undefined {
  if (!isObj(value) || !isObj(value['metadata']) || !isObj(value['metadata']['annotations'])) return undefined;
  return str(value['metadata']['annotations'][key]);
}

/** An object's identity in a render: apiVersion, kind, namespace, name. */
function identityOf(value: unknown): string | undefined {
  if (!isObj(value)) return undefined;
  const meta = isObj(value['metadata']) ? value['metadata'] : {};
  return JSON.stringify([value['apiVersion'] ?? null, value['kind'] ?? null, meta['namespace'] ?? null, meta['name'] ?? null]);
}

/**
 * For each object of the plain render, its copy in the wrapped one (undefined: none): the same
 * object, equal once the two annotations are set aside on both sides (the user's own
 * kustomization may record origins too). Paired by position, else by identity: the wrapper is the
 * root of its build, so the user's `sortOptions` (honoured only at the root) may order the plain
 * render otherwise. Objects that differ, or a render with other objects, are left unmapped.
 */
export function pairObjects(plain: readonly YamlDoc[], wrapped: readonly YamlDoc[]): Array<YamlDoc | undefined> {
  // the same objects, whatever their order
  const ids = (docs: readonly YamlDoc[]): string => JSON.stringify(docs.map((d) => identityOf(d.value) ?? '').sort());
  if (plain.length !== wrapped.length || ids(plain) !== ids(wrapped)) return plain.map(() => undefined);
  let byIdentity: Map<string, YamlDoc | null> | undefined;
  return plain.map((p, i) => {
    const id = identityOf(p.value);
    let w: YamlDoc | null | undefined = wrapped[i];
    if (w === undefined || identityOf(w.value) !== id) {
      if (byIdentity === undefined) {
        byIdentity = new Map();
        for (const d of wrapped) {
          const k = identityOf(d.value);
          if (k !== undefined) byIdentity.set(k, byIdentity.has(k) ? null : d); // twice: not paired
        }
      }
      w = id === undefined ? undefined : byIdentity.get(id);
    }
    if (!w) return undefined;
    return JSON.stringify(withoutAdded(p.value)) === JSON.stringify(withoutAdded(w.value)) ? w : undefined;
  });
}

// ---------------------------------------------------------------------------------------
// Files, read once

interface ParsedFile {
  /** the file as locations name it */
  file: string;
  text: string;
  docs: YamlDoc[];
  /** its objects (`List` items flattened), worked out once */
  objects?: Obj[];
}

class Files {
  readonly #cache = new Map<string, ParsedFile | undefined>();
  constructor(private readonly ctx: SourceMapContext) {}

  /** A path written in an annotation (relative to the wrapper) as an absolute path. */
  abs(fromWrapper: string): string {
    return path.resolve(this.ctx.wrapperRoot, fromWrapper);
  }

  /** How a location names an absolute path: under the directory as the user named it. */
  label(abs: string): string {
    return path.normalize(path.join(this.ctx.label, path.relative(this.ctx.userRoot, abs)));
  }

  get(abs: string): ParsedFile | undefined {
    if (this.#cache.has(abs)) return this.#cache.get(abs);
    let parsed: ParsedFile | undefined;
    const text = this.ctx.readFile(abs);
    if (text !== undefined) {
      try {
        parsed = { file: this.label(abs), text, docs: parseYamlStream(text, abs) };
      } catch {
        parsed = undefined; // kustomize read it; a file this reader refuses keeps rendered lines
      }
    }
    this.#cache.set(abs, parsed);
    return parsed;
  }
}

// ---------------------------------------------------------------------------------------
// Layers: the source object and the patches over it

interface Layer {
  file: string;
  /** the layer's tree, aligned with the object's root */
  node: unknown;
  /** added to the lines stamped on the layer's nodes (an inline patch: where its text starts) */
  offset: number;
  /** the line of a node without one of its own (a JSON 6902 value's parents; an inline patch that is not a literal block) */
  fallback: number;
  /** every node at `fallback` (an inline patch whose lines cannot be followed) */
  coarse: boolean;
  patch: boolean;
}

function nodeLine(layer: Layer, node: unknown): number {
  if (layer.coarse) return layer.fallback;
  const l = lineOf(node);
  return l === undefined ? layer.fallback : l + layer.offset;
}

function itemLineOf(layer: Layer, seq: unknown, index: number): number {
  if (layer.coarse) return layer.fallback;
  const l = itemLine(seq, index);
  return l === undefined ? layer.fallback : l + layer.offset;
}

/** Flattens `List` documents. */
function objectsOf(docs: readonly YamlDoc[]): Obj[] {
  const out: Obj[] = [];
  forEachObject(docs, (value) => out.push(value));
  return out;
}

const nameOf = (o: Obj): string => (isObj(o['metadata']) ? (str(o['metadata']['name']) ?? '') : '');

/** The source object a rendered one was made from: same kind, the longest name the rendered name contains. */
function findSource(objects: readonly Obj[], kind: string, renderedName: string): Obj | undefined {
  let best: Obj | undefined;
  let bestLen = -1;
  let ties = 0;
  for (const o of objects) {
    if (o['kind'] !== kind) continue;
    const n = nameOf(o);
    if (n === '' || !renderedName.includes(n)) continue;
    if (n.length > bestLen) {
      best = o;
      bestLen = n.length;
      ties = 0;
    } else if (n.length === bestLen) ties++;
  }
  return ties === 0 ? best : undefined;
}

interface PatchSpec {
  /** the patch's documents (parsed), with the line they start at in `file` */
  docs: YamlDoc[];
  file: string;
  offset: number;
  fallback: number;
  coarse: boolean;
  target?: Obj;
  /** JSON 6902 (a list of operations) rather than a strategic merge patch */
  json6902: boolean;
}

/** The patches a kustomization file declares, in the order kustomize applies them. */
function patchesOf(k: ParsedFile, files: Files, dir: string): PatchSpec[] {
  const root = k.docs[0]?.value;
  if (!isObj(root)) return [];
  const out: PatchSpec[] = [];
  const lines = k.text.split('\n');
  const fromFile = (rel: string, target: Obj | undefined, json6902: boolean | undefined): void => {
    const f = files.get(path.resolve(dir, rel));
    if (!f) return;
    const isJson = json6902 ?? Array.isArray(f.docs[0]?.value);
    const spec: PatchSpec = { docs: f.docs, file: f.file, offset: 0, fallback: f.docs[0]?.line ?? 1, coarse: false, json6902: isJson };
    if (target) spec.target = target;
    out.push(spec);
  };
  /**
   * An inline patch: `header` finds the line that holds its scalar (`patch: |-`, `- |-`), searched
   * from line index `from`. A literal block (`|`, `|-`) whose lines are the file's lines from the
   * next one on is located line by line; anything else (folded, quoted, plain) at that line.
   */
  const inline = (text: string, from: number, header: RegExp, at: number, target: Obj | undefined, json6902: boolean | undefined): void => {
    let keyLine = -1;
    let indicator = '';
    for (let i = Math.max(0, from); i < lines.length && i < from + 50; i++) {
      const m = header.exec(lines[i]!);
      if (m) {
        keyLine = i + 1;
        indicator = m[1]!.replace(/\s+#.*$/, '').trim();
        break;
      }
    }
    const fallback = keyLine > 0 ? keyLine : at;
    let docs: YamlDoc[];
    try {
      docs = parseYamlStream(text, k.file);
    } catch {
      return;
    }
    let coarse = true;
    if (keyLine > 0 && /^\|[-+0-9]*$/.test(indicator)) {
      const textLines = text.replace(/\n$/, '').split('\n');
      coarse = textLines.some((t, n) => (lines[keyLine + n] ?? '\u0000').trim() !== t.trim());
    }
    const isJson = json6902 ?? Array.isArray(docs[0]?.value);
    const spec: PatchSpec = { docs, file: k.file, offset: Math.max(keyLine, 0), fallback, coarse, json6902: isJson };
    if (target) spec.target = target;
    out.push(spec);
  };
  const PATCH_KEY = /^(?:\s*-\s+|\s*)patch:\s*(.*)$/;
  for (const p of Array.isArray(root['patches']) ? root['patches'] : []) {
    if (!isObj(p)) continue;
    const target = isObj(p['target']) ? p['target'] : undefined;
    if (typeof p['path'] === 'string') fromFile(p['path'], target, undefined);
    else if (typeof p['patch'] === 'string') inline(p['patch'], (lineOf(p) ?? 1) - 1, PATCH_KEY, lineOf(p) ?? 1, target, undefined);
  }
  // the deprecated fields kustomize v5 still applies
  const smp = root['patchesStrategicMerge'];
  if (Array.isArray(smp)) {
    smp.forEach((p, i) => {
      if (typeof p !== 'string') return;
      if (/\n/.test(p) || /^\s*(apiVersion|kind):/m.test(p)) {
        // the item's scalar starts on its `- |` line (or the line after it)
        const item = itemLine(smp, i) ?? lineOf(smp) ?? 1;
        inline(p, item - 2, /^\s*-\s+([|>][-+0-9]*)\s*(?:#.*)?$/, item, undefined, false);
      } else fromFile(p, undefined, false);
    });
  }
  for (const p of Array.isArray(root['patchesJson6902']) ? root['patchesJson6902'] : []) {
    if (!isObj(p)) continue;
    const target = isObj(p['target']) ? p['target'] : undefined;
    if (typeof p['path'] === 'string') fromFile(p['path'], target, true);
    else if (typeof p['patch'] === 'string') inline(p['patch'], (lineOf(p) ?? 1) - 1, PATCH_KEY, lineOf(p) ?? 1, target, true);
  }
  return out;
}

/** A kustomize target selector against the object (its source name or rendered name). */
function targetMatches(t: Obj, rendered: Obj, sourceName: string): boolean {
  const meta = isObj(rendered['metadata']) ? rendered['metadata'] : {};
  const full = (re: string, v: string): boolean => {
    try {
      return new RegExp(`^(?:${re})$`).test(v);
    } catch {
      return false;
    }
  };
  if (typeof t['kind'] === 'string' && !full(t['kind'], str(rendered['kind']) ?? '')) return false;
  if (typeof t['name'] === 'string' && !full(t['name'], sourceName) && !full(t['name'], str(meta['name']) ?? '')) return false;
  const selects = (sel: unknown, have: unknown): boolean => {
    if (typeof sel !== 'string') return true;
    const map = isObj(have) ? have : {};
    return sel.split(',').every((term) => {
      const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(term);
      return m !== null && String(map[m[1]!]) === m[2];
    });
  };
  return selects(t['labelSelector'], meta['labels']) && selects(t['annotationSelector'], meta['annotations']);
}

/** A JSON pointer's segments (`~1` is `/`, `~0` is `~`). */
function pointer(p: string): string[] | undefined {
  if (!p.startsWith('/')) return undefined;
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A JSON 6902 `add`/`replace` as a sparse tree aligned with the object, built along the rendered
 * object (an index into a list of named entries becomes that entry's name).
 */
function opTree(op: Obj, rendered: unknown): unknown {
  const kind = op['op'];
  if ((kind !== 'add' && kind !== 'replace') || typeof op['path'] !== 'string' || !('value' in op)) return undefined;
  const segs = pointer(op['path']);
  if (!segs || segs.length === 0) return undefined;
  const build = (cur: unknown, i: number): unknown => {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (Array.isArray(cur)) {
      if (last) return [op['value']];
      if (!/^\d+$/.test(seg)) return undefined;
      const item = cur[Number(seg)];
      if (!isObj(item)) return undefined;
      const id = identity(item, segs[i - 1]);
      if (id === undefined) return undefined;
      const inner = build(item, i + 1);
      if (inner === undefined) return undefined;
      return [{ ...(isObj(inner) ? inner : {}), [id.key]: id.value }];
    }
    if (last) return { [seg]: op['value'] };
    const inner = build(isObj(cur) ? cur[seg] : undefined, i + 1);
    return inner === undefined ? undefined : { [seg]: inner };
  };
  return build(rendered, 0);
}

// ---------------------------------------------------------------------------------------
// The walk

/** Lists whose items are whole entries, located where they were last written as rendered. */
const ENTRY_LISTS = new Set(['env', 'envFrom', 'volumeMounts', 'items', 'ports', 'volumeDevices']);
/** Keys whose values are names kustomize rewrites (namePrefix, nameSuffix, generator hashes). */
const REFERENCE_PARENTS = new Set(['secretKeyRef', 'configMapKeyRef', 'secretRef', 'configMapRef', 'configMap', 'secret']);

/** How an entry of a list is told apart from its siblings (strategic merge keys). */
function identity(item: Obj, list: string | undefined): { key: string; value: unknown } | undefined {
  if (list === 'volumeMounts' || list === 'volumeDevices') {
    const k = list === 'volumeMounts' ? 'mountPath' : 'devicePath';
    return typeof item[k] === 'string' ? { key: k, value: item[k] } : undefined;
  }
  if (list === 'items' && typeof item['path'] === 'string') return { key: 'path', value: item['path'] };
  if (list === 'ports' && item['containerPort'] !== undefined) return { key: 'containerPort', value: item['containerPort'] };
  if (typeof item['name'] === 'string') return { key: 'name', value: item['name'] };
  return undefined;
}

/**
 * `part` is in `whole`: every value `part` sets is `whole`'s (a name kustomize rewrites may have
 * gained a prefix or suffix); `exact` also wants no more keys in `whole`. Keys of strategic-merge
 * directives (`$patch`) are not values.
 */
function covers(whole: unknown, part: unknown, exact: boolean, parent?: string, key?: string): boolean {
  if (Array.isArray(part)) {
    if (!Array.isArray(whole) || (exact && whole.length !== part.length)) return false;
    if (exact) return part.every((p, i) => covers(whole[i], p, true, parent, key));
    let from = 0;
    for (const p of part) {
      let found = false;
      for (; from < whole.length && !found; from++) found = covers(whole[from], p, false, parent, key);
      if (!found) return false;
    }
    return true;
  }
  if (isObj(part)) {
    if (!isObj(whole)) return false;
    const keys = Object.keys(part).filter((k) => !k.startsWith('$'));
    if (exact && Object.keys(whole).length !== keys.length) return false;
    return keys.every((k) => covers(whole[k], part[k], exact, key, k));
  }
  if (typeof part === 'string' && typeof whole === 'string') {
    if ((key === 'name' && parent !== undefined && REFERENCE_PARENTS.has(parent)) || key === 'secretName' || key === 'claimName')
      return whole.includes(part);
  }
  return whole === part;
}

interface Found {
  layer: Layer;
  node: unknown;
}

/** Where a scalar list's items are in one layer's list: in order, by value. */
function matchScalars(rendered: readonly unknown[], other: readonly unknown[]): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  let from = 0;
  for (const r of rendered) {
    let at: number | undefined;
    for (let j = from; j < other.length; j++) {
      if (other[j] === r) {
        at = j;
        break;
      }
    }
    out.push(at);
    if (at !== undefined) from = at + 1;
  }
  return out;
}

class Walker {
  constructor(readonly map: LineMap) {}

  private set(line: number | undefined, loc: SourceLoc | null): void {
    if (line !== undefined) this.map.set(line, loc);
  }

  /** A whole entry: the last patch that wrote it as rendered, else the source object when it is as rendered. */
  private entry(rendered: unknown, found: readonly Found[], list: string | undefined): SourceLoc | null {
    for (let i = found.length - 1; i >= 0; i--) {
      const f = found[i]!;
      if (!f.layer.patch) continue;
      // a patch that only names the entry (its merge key) did not write it
      const meaningful = isObj(f.node)
        ? Object.keys(f.node).some((k) => !k.startsWith('$') && k !== identity(f.node as Obj, list)?.key)
        : true;
      if (meaningful && covers(rendered, f.node, false)) return { file: f.layer.file, line: nodeLine(f.layer, f.node) };
    }
    const base = found.find((f) => !f.layer.patch);
    if (base && covers(rendered, base.node, true)) return { file: base.layer.file, line: nodeLine(base.layer, base.node) };
    return null;
  }

  walk(rendered: unknown, found: readonly Found[], key: string | undefined): void {
    if (Array.isArray(rendered)) {
      const first = found[0];
      this.set(lineOf(rendered), first ? { file: first.layer.file, line: nodeLine(first.layer, first.node) } : null);
      this.list(rendered, found, key);
      return;
    }
    if (!isObj(rendered)) return;
    const first = found[0];
    this.set(lineOf(rendered), first ? { file: first.layer.file, line: nodeLine(first.layer, first.node) } : null);
    for (const [k, v] of Object.entries(rendered)) {
      if (typeof v !== 'object' || v === null) continue;
      const inner: Found[] = [];
      for (const f of found) if (isObj(f.node) && f.node[k] !== undefined) inner.push({ layer: f.layer, node: f.node[k] });
      this.walk(v, inner, k);
    }
  }

  private list(rendered: readonly unknown[], found: readonly Found[], key: string | undefined): void {
    const lists = found.filter((f) => Array.isArray(f.node)) as Array<{ layer: Layer; node: unknown[] }>;
    // argument words, and other lists of scalars: in order, by value
    const scalarMatches = lists.map((f) => matchScalars(rendered, f.node));
    const used = lists.map(() => new Set<number>());
    rendered.forEach((r, i) => {
      if (typeof r !== 'object' || r === null) {
        let loc: SourceLoc | null = null;
        let base: SourceLoc | null = null;
        lists.forEach((f, n) => {
          const at = scalarMatches[n]![i];
          if (at === undefined) return;
          const l = { file: f.layer.file, line: itemLineOf(f.layer, f.node, at) };
          if (f.layer.patch) loc = l;
          else base ??= l;
        });
        this.set(itemLine(rendered, i), loc ?? base);
        return;
      }
      // an entry: the same entry in each layer (by its merge key, else the first unused equal one)
      const id = isObj(r) ? identity(r, key) : undefined;
      const inner: Found[] = [];
      lists.forEach((f, n) => {
        let at = -1;
        if (id !== undefined) at = f.node.findIndex((x) => isObj(x) && x[id.key] === id.value);
        else at = f.node.findIndex((x, j) => !used[n]!.has(j) && covers(r, x, !f.layer.patch));
        if (at < 0) return;
        used[n]!.add(at);
        inner.push({ layer: f.layer, node: f.node[at] });
      });
      if (key !== undefined && ENTRY_LISTS.has(key)) {
        const loc = this.entry(r, inner, key);
        this.set(lineOf(r), loc);
        // its inner lines (a `valueFrom:` block) at the entry too
        this.fill(r, loc);
      } else this.walk(r, inner, key);
    });
  }

  private fill(node: unknown, loc: SourceLoc | null): void {
    if (typeof node !== 'object' || node === null) return;
    for (const v of Object.values(node)) {
      if (typeof v !== 'object' || v === null) continue;
      const l = lineOf(v);
      if (l !== undefined && !this.map.has(l)) this.map.set(l, loc);
      this.fill(v, loc);
    }
  }
}

/** Parses the origin annotation: the resource file, or undefined (a generator, a remote base, a chart). */
function originPath(value: unknown): string | undefined {
  const text = annotation(value, ORIGIN);
  if (text === undefined) return undefined;
  try {
    const doc = parseYamlStream(text, ORIGIN)[0]?.value;
    if (!isObj(doc) || doc['repo'] !== undefined || doc['configuredIn'] !== undefined) return undefined;
    return str(doc['path']);
  } catch {
    return undefined;
  }
}

/** The kustomization files whose patch transformers ran over an object, in order. */
function patchKustomizations(value: unknown): string[] {
  const text = annotation(value, TRANSFORMATIONS);
  if (text === undefined) return [];
  const out: string[] = [];
  try {
    const list = parseYamlStream(text, TRANSFORMATIONS)[0]?.value;
    for (const t of Array.isArray(list) ? list : []) {
      if (!isObj(t) || !isObj(t['configuredBy'])) continue;
      const kind = str(t['configuredBy']['kind']) ?? '';
      const file = str(t['configuredIn']);
      if (file !== undefined && /^Patch/.test(kind) && !out.includes(file)) out.push(file);
    }
  } catch {
    return [];
  }
  return out;
}

/**
 * The line map of one rendered kustomization: `plain` is the stream the checks read (its lines
 * are the keys), `wrapped` the same render with origins recorded.
 */
export function kustomizeLineMap(plain: readonly YamlDoc[], wrapped: readonly YamlDoc[], ctx: SourceMapContext): LineMap {
  const map: LineMap = new Map();
  const files = new Files(ctx);
  const pairs = pairObjects(plain, wrapped);
  const patchCache = new Map<string, PatchSpec[]>();
  const walker = new Walker(map);
  plain.forEach((doc, i) => {
    const w = pairs[i]?.value;
    if (w === undefined) return;
    const rendered = doc.value;
    // only the objects a finding can be located at (a CRD's schema is walked for nothing)
    if (!isObj(rendered) || !RELEVANT_KINDS.has(str(rendered['kind']) ?? '')) return;
    const rel = originPath(w);
    if (rel === undefined) return;
    const src = files.get(files.abs(rel));
    if (!src) return;
    const kind = str(rendered['kind']) ?? '';
    src.objects ??= objectsOf(src.docs);
    const source = findSource(src.objects, kind, nameOf(rendered));
    if (!source) return;
    const sourceName = nameOf(source);
    const layers: Found[] = [
      { layer: { file: src.file, node: source, offset: 0, fallback: lineOf(source) ?? 1, coarse: false, patch: false }, node: source },
    ];
    for (const kRel of patchKustomizations(w)) {
      const kAbs = files.abs(kRel);
      let specs = patchCache.get(kAbs);
      if (specs === undefined) {
        const k = files.get(kAbs);
        specs = k ? patchesOf(k, files, path.dirname(kAbs)) : [];
        patchCache.set(kAbs, specs);
      }
      for (const spec of specs) {
        if (spec.target && !targetMatches(spec.target, rendered, sourceName)) continue;
        const base = { file: spec.file, offset: spec.offset, coarse: spec.coarse, patch: true };
        if (spec.json6902) {
          const ops = spec.docs[0]?.value;
          if (!spec.target || !Array.isArray(ops)) continue;
          ops.forEach((op, n) => {
            if (!isObj(op)) return;
            const tree = opTree(op, rendered);
            if (tree === undefined) return;
            const fallback = spec.coarse ? spec.fallback : (itemLine(ops, n) ?? lineOf(op) ?? 1) + spec.offset;
            layers.push({ layer: { ...base, node: tree, fallback }, node: tree });
          });
          continue;
        }
        for (const d of objectsOf(spec.docs)) {
          if (d['kind'] !== undefined && d['kind'] !== kind) continue;
          if (!spec.target) {
            const n = nameOf(d);
            if (n === '' || !(n === sourceName || n === nameOf(rendered) || (nameOf(rendered).includes(n) && n.includes(sourceName))))
              continue;
          }
          const fallback = spec.coarse ? spec.fallback : (lineOf(d) ?? 1) + spec.offset;
          layers.push({ layer: { ...base, node: d, fallback }, node: d });
        }
      }
    }
    walker.walk(rendered, layers, undefined);
    // a Service is reported for what its type publishes (K8S-OPEN-EXPOSED, at the object's line):
    // a patch that set the type is where it was made so
    const spec = rendered['spec'];
    const type = isObj(spec) ? spec['type'] : undefined;
    if (kind === 'Service' && typeof type === 'string') {
      for (let n = layers.length - 1; n > 0; n--) {
        const l = layers[n]!;
        const ps = isObj(l.node) ? l.node['spec'] : undefined;
        if (isObj(ps) && ps['type'] === type) {
          map.set(lineOf(rendered) ?? doc.line, { file: l.layer.file, line: nodeLine(l.layer, ps) });
          break;
        }
      }
    }
  });
  return map;
}
