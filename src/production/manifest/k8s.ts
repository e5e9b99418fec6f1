/**
 * Kubernetes objects → the containers that run Krishiv processes, each with the environment
 * the kubelet would give it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
 *
 * - `envFrom` first, in order (ConfigMap/Secret, `prefix` prepended, keys that are not valid
 *   env names skipped), then `env` over it; a later duplicate wins;
 * - `env[].value` expands `$(VAR)` from the variables defined before it (envFrom included),
 *   `$$` is a literal `$`, an unknown `$(VAR)` stays as written; `command`/`args` expand
 *   from the whole container env;
 * - `valueFrom.secretKeyRef`/`configMapKeyRef` resolve from an object in the same input
 *   (Secret `data` base64-decoded, `stringData` over it); an object not in the input makes
 *   the variable "set, value unknown" (`optional: true`: "maybe unset"); an object in the
 *   input without the key leaves the variable unset (and is reported when not optional);
 *   `fieldRef`/`resourceFieldRef` are set, value known only by kind (the namespace is known).
 *
 * Pure: objects in, containers out.
 */
import { KrishivError } from '../../errors.js';
import type { EnvVar, UnknownPiece } from '../types.js';
import type { LineMap } from './source-map.js';
import { marker, partsOf, standIn } from './stand-in.js';
import { keyLine, lineOf } from './yaml.js';

export { standIn };

export type Obj = Record<string, unknown>;

export interface K8sObject {
  kind: string;
  name: string;
  namespace: string;
  /** namespace written in the object (absent: the namespace of the apply) */
  explicitNamespace: boolean;
  file: string;
  line: number;
  value: Obj;
  /** a rendered kustomization: its lines in the kustomization's own files (src/production/manifest/source-map.ts) */
  sourceLines?: LineMap;
}

export interface KeyedObject {
  obj: K8sObject;
  /** decoded values by key */
  data: Map<string, string>;
}

export interface Inventory {
  secrets: Map<string, KeyedObject>;
  configMaps: Map<string, KeyedObject>;
  services: K8sObject[];
  ingresses: K8sObject[];
  workloads: K8sObject[];
}

export const WORKLOAD_KINDS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);

/** Objects a manifest run reads: the workloads and what they refer to or are exposed by. */
export const RELEVANT_KINDS = new Set(['Secret', 'ConfigMap', 'Service', 'Ingress', ...WORKLOAD_KINDS]);

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const refKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Flattens documents (and `List` kinds) into objects with kind and name. */
/**
 * Each object of a YAML stream with its first line, a `List`'s items in the List's place (nested at
 * most 4 deep, as kubectl reads them).
 */
export function forEachObject(docs: ReadonlyArray<{ value: unknown; line: number }>, visit: (value: Obj, line: number) => void): void {
  const walk = (value: unknown, line: number, depth: number): void => {
    if (!isObj(value)) return;
    if (str(value['kind'])?.endsWith('List') && Array.isArray(value['items']) && depth < 4) {
      for (const item of value['items']) walk(item, lineOf(item) ?? line, depth + 1);
      return;
    }
    visit(value, line);
  };
  for (const d of docs) walk(d.value, d.line, 0);
}

export function collectObjects(docs: ReadonlyArray<{ value: unknown; line: number }>, file: string, out: K8sObject[]): void {
  forEachObject(docs, (value, line) => {
    const kind = str(value['kind']);
    // only what the checks use is kept (a tree's RBAC, CRDs and the like are dropped here)
    if (kind === undefined || !RELEVANT_KINDS.has(kind)) return;
    const meta = isObj(value['metadata']) ? value['metadata'] : {};
    const ns = str(meta['namespace']);
    out.push({
      kind,
      name: str(meta['name']) ?? '',
      namespace: ns ?? 'default',
      explicitNamespace: ns !== undefined,
      file,
      line: lineOf(value) ?? line,
      value,
    });
  });
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `file:line` of a line of an object's file (a rendered kustomization's: in its own files, when known). */
export function whereIn(o: K8sObject, line: number): string {
  const loc = o.sourceLines?.get(line);
  return loc ? `${loc.file}:${loc.line}` : `${o.file}:${line}`;
}

export function buildInventory(objects: readonly K8sObject[]): Inventory {
  const inv: Inventory = { secrets: new Map(), configMaps: new Map(), services: [], ingresses: [], workloads: [] };
  for (const o of objects) {
    if (o.kind === 'Secret') {
      const data = new Map<string, string>();
      const d = o.value['data'];
      if (isObj(d)) {
        for (const [k, v] of Object.entries(d)) {
          const text = typeof v === 'string' ? v.replace(/\s+/g, '') : '';
          if (typeof v !== 'string' || text.length % 4 !== 0 || !B64.test(text)) {
            throw new KrishivError('ERR_MANIFEST_PARSE', `Secret ${o.name}: data.${k} is not valid base64 (the API server refuses it)`, {
              input: whereIn(o, keyLine(d, k) ?? o.line),
            });
          }
          data.set(k, Buffer.from(text, 'base64').toString('utf8'));
        }
      }
      const sd = o.value['stringData'];
      if (isObj(sd)) for (const [k, v] of Object.entries(sd)) data.set(k, scalarString(v));
      inv.secrets.set(refKey(o.namespace, o.name), { obj: o, data });
    } else if (o.kind === 'ConfigMap') {
      const data = new Map<string, string>();
      const d = o.value['data'];
      if (isObj(d)) for (const [k, v] of Object.entries(d)) data.set(k, scalarString(v));
      const bd = o.value['binaryData'];
      if (isObj(bd)) for (const [k, v] of Object.entries(bd)) data.set(k, Buffer.from(String(v), 'base64').toString('utf8'));
      inv.configMaps.set(refKey(o.namespace, o.name), { obj: o, data });
    } else if (o.kind === 'Service') inv.services.push(o);
    else if (o.kind === 'Ingress') inv.ingresses.push(o);
    else if (WORKLOAD_KINDS.has(o.kind)) inv.workloads.push(o);
  }
  return inv;
}

function scalarString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return String(v);
}

/** The pod spec and pod labels of a workload object. */
export function podSpecOf(o: K8sObject): { spec: Obj; labels: Obj } | undefined {
  const v = o.value;
  const spec = isObj(v['spec']) ? v['spec'] : undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod') return { spec, labels: isObj(v['metadata']) && isObj(v['metadata']['labels']) ? v['metadata']['labels'] : {} };
  let tmpl: unknown = spec['template'];
  if (o.kind === 'CronJob') {
    const jt = spec['jobTemplate'];
    tmpl = isObj(jt) && isObj(jt['spec']) ? jt['spec']['template'] : undefined;
  }
  if (!isObj(tmpl) || !isObj(tmpl['spec'])) return undefined;
  const meta = isObj(tmpl['metadata']) ? tmpl['metadata'] : {};
  return { spec: tmpl['spec'], labels: isObj(meta['labels']) ? meta['labels'] : {} };
}

// ---------------------------------------------------------------------------------------
// $(VAR) expansion: k8s.io/kubernetes third_party/forked/golang/expansion/expand.go

/**
 * What one container's `$(VAR)` expansions may add up to. Variables that expand each other twice
 * over double at each step (forty of them make terabytes); no real container comes near this.
 */
export const EXPANSION_LIMIT = 4 * 1024 * 1024;

function expansionBomb(where: string): KrishivError {
  return new KrishivError(
    'ERR_MANIFEST_PARSE',
    `$(VAR) expansions grow past ${EXPANSION_LIMIT / 1024 / 1024} MiB (variables that expand each other over and over): refused, not read`,
    { input: where },
  );
}

export function expandK8s(input: string, lookup: (name: string) => string | undefined, used?: string[]): string {
  let out = '';
  let checkpoint = 0;
  let noClose = Number.POSITIVE_INFINITY;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (out.length > EXPANSION_LIMIT) break; // the caller refuses it
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const next = input[cursor + 1]!;
      let advance = 1;
      if (next === '$') out += '$';
      else if (next === '(') {
        // no `)` at or after `noClose`: known once, so `$($($(…` stays linear
        const close = cursor + 2 >= noClose ? -1 : input.indexOf(')', cursor + 2);
        if (close < 0) {
          noClose = Math.min(noClose, cursor + 2);
          out += '$(';
        } else {
          const name = input.slice(cursor + 2, close);
          const v = lookup(name);
          used?.push(name);
          out += v === undefined ? `$(${name})` : v;
          advance = close - cursor;
        }
      } else out += `$${next}`;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

/** A container's command and args expanded once from its environment, as the kubelet does; bounded. */
export function expandCommandLine(words: readonly string[], lookup: (name: string) => string | undefined, where: string): string[] {
  let total = 0;
  return words.map((w) => {
    const x = expandK8s(w, lookup);
    total += x.length;
    if (total > EXPANSION_LIMIT) throw expansionBomb(where);
    return x;
  });
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

// ---------------------------------------------------------------------------------------
// Container environment

/** Where a variable's value came from (for the cross-object checks). */
export interface ValueRef {
  kind: 'Secret' | 'ConfigMap';
  namespace: string;
  name: string;
  key: string;
  optional: boolean;
}

export interface ResolvedVar {
  v: EnvVar;
  ref?: ValueRef;
  /** set by the envFrom source at this index (and not by `env`) */
  envFrom?: number;
}

/** A reference to a Secret/ConfigMap key the input's object lacks (non-optional): the pod would not start. */
export interface MissingRef {
  ref: ValueRef;
  file: string;
  line: number;
  variable?: string;
}

export interface NotStringValue {
  name: string;
  file: string;
  line: number;
  type: string;
}

export interface ContainerEnv {
  vars: Map<string, ResolvedVar>;
  missing: MissingRef[];
  notString: NotStringValue[];
  /** envFrom sources whose object is not in the input (their variables are unknown) */
  unknownSources: UnknownSource[];
}

/** An envFrom source whose object is not in the input: any variable under its prefix may come from it. */
export interface UnknownSource extends ValueRef {
  prefix: string;
  /** its index in envFrom (it overrides the sources before it) */
  index: number;
}

/**
 * Whether an envFrom source that is not in the input may set `name`, or give it another value than
 * the one worked out here (a variable `env` does not set, under that source's prefix).
 */
export function mayComeFromUnknownSource(env: ContainerEnv, name: string): UnknownSource | undefined {
  const r = env.vars.get(name);
  if (r !== undefined && r.envFrom === undefined) return undefined; // env wins over envFrom
  return env.unknownSources.find((u) => name.startsWith(u.prefix) && (r === undefined || r.envFrom! < u.index));
}

// stand-ins that name no program (a pod name with "krishiv" in it would make any wrapper's
// `--name=$(POD_NAME)` look like a Krishiv command line)
const DOWNWARD: Readonly<Record<string, string>> = {
  'metadata.name': 'pod-0',
  'metadata.uid': '00000000-0000-4000-8000-000000000000',
  'spec.nodeName': 'node-0',
  'spec.serviceAccountName': 'default',
  'status.hostIP': '10.0.0.1',
  'status.podIP': '10.0.0.2',
  'status.podIPs': '10.0.0.2',
  'status.hostIPs': '10.0.0.1',
};

/** What a downward-API field is known to be (the values other runs of the checks try stay within it). */
const DOWNWARD_KIND: Readonly<Record<string, UnknownPiece['kind']>> = {
  'metadata.name': 'name',
  'metadata.uid': 'uid',
  'spec.nodeName': 'name',
  'spec.serviceAccountName': 'name',
  'status.hostIP': 'ip',
  'status.podIP': 'ip',
  'status.podIPs': 'ips',
  'status.hostIPs': 'ips',
};

export function resolveContainerEnv(container: Obj, inv: Inventory, namespace: string, file: string): ContainerEnv {
  const vars = new Map<string, ResolvedVar>();
  const missing: MissingRef[] = [];
  const notString: NotStringValue[] = [];
  const unknownSources: UnknownSource[] = [];
  let expanded = 0;
  const set = (name: string, r: ResolvedVar): void => {
    vars.delete(name); // a later duplicate wins, and moves to its own position
    vars.set(name, r);
  };
  const mk = (name: string, value: string, line: number, extra: Partial<EnvVar> = {}): EnvVar => ({
    name,
    value,
    raw: value,
    quoting: 'none',
    origin: { source: 'file', file },
    line,
    references: [],
    unresolved: [],
    ...extra,
  });

  const envFrom = arr(container['envFrom']);
  for (let index = 0; index < envFrom.length; index++) {
    const src = envFrom[index];
    if (!isObj(src)) continue;
    const line = lineOf(src) ?? 0;
    const prefix = str(src['prefix']) ?? '';
    const secretRef = isObj(src['secretRef']) ? src['secretRef'] : undefined;
    const cmRef = isObj(src['configMapRef']) ? src['configMapRef'] : undefined;
    const r = secretRef ?? cmRef;
    if (!r) continue;
    const kind = secretRef ? 'Secret' : 'ConfigMap';
    const ref: ValueRef = { kind, namespace, name: str(r['name']) ?? '', key: '*', optional: r['optional'] === true };
    const found = (kind === 'Secret' ? inv.secrets : inv.configMaps).get(refKey(namespace, ref.name));
    if (!found) {
      unknownSources.push({ ...ref, prefix, index });
      continue;
    }
    for (const [k, value] of found.data) {
      const name = prefix + k;
      if (!ENV_NAME.test(name)) continue;
      set(name, { v: mk(name, value, line, kind === 'Secret' ? { fromSecret: true } : {}), ref: { ...ref, key: k }, envFrom: index });
    }
  }

  for (const entry of arr(container['env'])) {
    if (!isObj(entry)) continue;
    const line = lineOf(entry) ?? 0;
    const rawName = entry['name'];
    if (rawName !== undefined && rawName !== null && typeof rawName !== 'string') {
      // `name: N` or `name: yes` is a YAML 1.1 boolean: kubectl refuses the object
      notString.push({ name: `the env name ${JSON.stringify(rawName)}`, file, line, type: typeof rawName });
      continue;
    }
    const name = str(rawName);
    if (name === undefined || name === '') continue;
    const vf = isObj(entry['valueFrom']) ? entry['valueFrom'] : undefined;
    if (!vf) {
      const raw = entry['value'];
      if (raw !== undefined && raw !== null && typeof raw !== 'string') {
        notString.push({ name, file, line: keyLine(entry, 'value') ?? line, type: typeof raw });
        continue;
      }
      const text = raw ?? '';
      const used: string[] = [];
      const value = expandK8s(text, (n) => vars.get(n)?.v.value, used);
      expanded += value.length;
      if (expanded > EXPANSION_LIMIT) throw expansionBomb(`${file}:${line}`);
      const extra: Partial<EnvVar> = {};
      const from = used.map((n) => vars.get(n)).filter((x): x is ResolvedVar => x !== undefined);
      if (used.length > 0) extra.references = used;
      const unresolved = used.filter((n) => !vars.has(n));
      if (unresolved.length > 0) extra.unresolved = unresolved;
      // a value that expands one the tool cannot see (or that may be unset) is not known either
      const assumedFrom = from.find((x) => x.v.assumption !== undefined);
      if (assumedFrom) {
        extra.assumption = { kind: 'unknown', reason: `expands $(${assumedFrom.v.name}), ${assumedFrom.v.assumption!.reason}` };
        const values: Array<ReadonlyArray<string | UnknownPiece>> = [];
        const template = expandK8s(text, (n) => {
          const r = vars.get(n);
          if (r === undefined || r.v.assumption === undefined) return r?.v.value;
          values.push(r.v.parts ?? [{ source: `value/${n}`, kind: 'any', text: r.v.value }]);
          return marker(values.length - 1);
        });
        extra.parts = partsOf(template, values) ?? [{ source: `value/${name}`, kind: 'any', text: value }];
      }
      if (from.some((x) => x.v.fromSecret)) extra.fromSecret = true;
      set(name, { v: mk(name, value, line, extra) });
      continue;
    }
    const secretRef = isObj(vf['secretKeyRef']) ? vf['secretKeyRef'] : undefined;
    const cmRef = isObj(vf['configMapKeyRef']) ? vf['configMapKeyRef'] : undefined;
    if (secretRef || cmRef) {
      const r = (secretRef ?? cmRef)!;
      const kind = secretRef ? 'Secret' : 'ConfigMap';
      const ref: ValueRef = { kind, namespace, name: str(r['name']) ?? '', key: str(r['key']) ?? '', optional: r['optional'] === true };
      const found = (kind === 'Secret' ? inv.secrets : inv.configMaps).get(refKey(namespace, ref.name));
      const what = `${kind} ${ref.name} key ${ref.key}`;
      if (found) {
        const value = found.data.get(ref.key);
        if (value === undefined) {
          // the kubelet leaves it unset when optional; otherwise the container never starts
          if (!ref.optional) missing.push({ ref, file, line, variable: name });
          vars.delete(name);
          continue;
        }
        set(name, { v: mk(name, value, line, kind === 'Secret' ? { fromSecret: true } : {}), ref });
      } else {
        const assumption = ref.optional
          ? { kind: 'maybe-unset' as const, reason: `optional ${what}, not in the input` }
          : { kind: 'unknown' as const, reason: `from ${what}, not in the input` };
        const source = `${kind}/${namespace}/${ref.name}/${ref.key}`;
        const text = standIn(source);
        set(name, { v: mk(name, text, line, { assumption, parts: [{ source, kind: 'any', text }] }), ref });
      }
      continue;
    }
    const fieldRef = isObj(vf['fieldRef']) ? vf['fieldRef'] : undefined;
    if (fieldRef) {
      const path = str(fieldRef['fieldPath']) ?? '';
      if (path === 'metadata.namespace') {
        set(name, { v: mk(name, namespace, line) });
        continue;
      }
      const value = DOWNWARD[path] ?? standIn(`fieldRef/${path}`);
      const parts = [{ source: `fieldRef/${path}`, kind: DOWNWARD_KIND[path] ?? 'any', text: value }];
      set(name, {
        v: mk(name, value, line, { assumption: { kind: 'by-kind', reason: `downward API ${path}, known only by kind` }, parts }),
      });
      continue;
    }
    const resRef = isObj(vf['resourceFieldRef']) ? vf['resourceFieldRef'] : undefined;
    if (resRef) {
      const res = str(resRef['resource']) ?? 'resource';
      const parts = [{ source: `resourceFieldRef/${res}`, kind: 'number' as const, text: '1' }];
      set(name, { v: mk(name, '1', line, { assumption: { kind: 'by-kind', reason: `downward API ${res}, known only by kind` }, parts }) });
    }
  }
  return { vars, missing, notString, unknownSources };
}

// ---------------------------------------------------------------------------------------
// Secret volumes: which Secret key a file path inside the container is

export interface MountedFile {
  secret: string;
  key: string;
  /** file mode Kubernetes gives it (items[].mode, else defaultMode, else 0644) */
  mode: number;
  subPath: boolean;
  optional: boolean;
  /** the key was named in the volume's items[] (a missing key stops the pod) */
  item: boolean;
  mountLine: number;
  /** line of that items[] entry */
  itemLine?: number;
}

interface SecretVolume {
  secret: string;
  defaultMode: number;
  items?: Array<{ key: string; path: string; mode?: number; line?: number }>;
  optional: boolean;
}

function secretVolumes(spec: Obj): Map<string, SecretVolume[]> {
  const out = new Map<string, SecretVolume[]>();
  for (const vol of arr(spec['volumes'])) {
    if (!isObj(vol)) continue;
    const name = str(vol['name']);
    if (name === undefined) continue;
    const list: SecretVolume[] = [];
    const items = (v: unknown): SecretVolume['items'] =>
      Array.isArray(v)
        ? v.filter(isObj).map((i) => {
            const it: { key: string; path: string; mode?: number; line?: number } = {
              key: str(i['key']) ?? '',
              path: str(i['path']) ?? '',
            };
            if (typeof i['mode'] === 'number') it.mode = i['mode'];
            const line = lineOf(i);
            if (line !== undefined) it.line = line;
            return it;
          })
        : undefined;
    const s = vol['secret'];
    if (isObj(s)) {
      const sv: SecretVolume = {
        secret: str(s['secretName']) ?? '',
        defaultMode: typeof s['defaultMode'] === 'number' ? s['defaultMode'] : 0o644,
        optional: s['optional'] === true,
      };
      const it = items(s['items']);
      if (it) sv.items = it;
      list.push(sv);
    }
    const p = vol['projected'];
    if (isObj(p)) {
      const dm = typeof p['defaultMode'] === 'number' ? p['defaultMode'] : 0o644;
      for (const src of arr(p['sources'])) {
        if (!isObj(src) || !isObj(src['secret'])) continue;
        const s2 = src['secret'];
        const sv: SecretVolume = { secret: str(s2['name']) ?? '', defaultMode: dm, optional: s2['optional'] === true };
        const it = items(s2['items']);
        if (it) sv.items = it;
        list.push(sv);
      }
    }
    if (list.length > 0) out.set(name, list);
  }
  return out;
}

/** Resolves `path` through the container's Secret volume mounts (undefined: not inside one). */
export function mountedSecretFile(path: string, container: Obj, spec: Obj, inv: Inventory, namespace: string): MountedFile | undefined {
  const vols = secretVolumes(spec);
  let best: { mf: MountedFile; len: number } | undefined;
  for (const m of arr(container['volumeMounts'])) {
    if (!isObj(m)) continue;
    const list = vols.get(str(m['name']) ?? '');
    const mountPath = (str(m['mountPath']) ?? '').replace(/\/+$/, '');
    if (!list || mountPath === '') continue;
    const subPath = str(m['subPath']);
    let rel: string | undefined;
    if (subPath !== undefined && subPath !== '') {
      if (path === mountPath) rel = subPath;
    } else if (path.startsWith(`${mountPath}/`)) rel = path.slice(mountPath.length + 1);
    if (rel === undefined || (best && best.len >= mountPath.length)) continue;
    const mountLine = lineOf(m) ?? 0;
    // several sources (projected): the first that knows the path
    let chosen: MountedFile | undefined;
    for (const sv of list) {
      let key: string | undefined;
      let mode = sv.defaultMode;
      let item = false;
      let itemLine: number | undefined;
      if (sv.items) {
        const it = sv.items.find((i) => i.path === rel);
        if (it) {
          key = it.key;
          item = true;
          itemLine = it.line;
          if (it.mode !== undefined) mode = it.mode;
        }
      } else {
        const secret = inv.secrets.get(refKey(namespace, sv.secret));
        if (!secret || secret.data.has(rel) || list.length === 1) key = rel;
      }
      if (key !== undefined) {
        chosen = { secret: sv.secret, key, mode, subPath: subPath !== undefined && subPath !== '', optional: sv.optional, item, mountLine };
        if (itemLine !== undefined) chosen.itemLine = itemLine;
        break;
      }
    }
    if (chosen) best = { mf: chosen, len: mountPath.length };
  }
  return best?.mf;
}
