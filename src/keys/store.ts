/**
 * The API key store, as data: parse (strict, every failure a KrishivError naming the file),
 * index by id, serialize. Holds no secret: each record keeps an Argon2id PHC hash of the key's
 * secret part, so the file can live in git.
 *
 * Format (version 1):
 *   {
 *     "format": "krishiv-auth/key-store",
 *     "version": 1,
 *     "records": [
 *       {"id": "…", "name": "…", "tenant": null, "roles": [], "createdAt": "…", "expiresAt": null,
 *        "revokedAt": null, "revokeReason": null, "hash": "$argon2id$…"},
 *       …
 *     ]
 *   }
 * One record per line, so a store kept in git diffs one line per change.
 */
import { KrishivError } from '../errors.js';
import { JsonTextError, parseJsonText } from '../util/json.js';
import { calendarProblem } from '../util/time.js';
import { ID_PATTERN, displayKey } from './format.js';
import { argon2CostProblem, parsePhcParams } from './hasher.js';

const STORE_FORMAT = 'krishiv-auth/key-store';
const STORE_VERSION = 1;
export const ROLES = ['admin', 'writer', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export interface KeyRecord {
  id: string;
  name: string;
  tenant: string | null;
  roles: Role[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  hash: string;
}

export type PublicRecord = Omit<KeyRecord, 'hash'>;
export type KeyState = 'active' | 'expired' | 'revoked';

export interface KeyStore {
  records: KeyRecord[];
  /** id → position in `records`: lookup by id is O(1) after parsing. */
  index: Map<string, number>;
  /**
   * Top-level members other than format, version and records (a comment, an owner field another
   * tool added), in file order: kept as they are on every rewrite, never dropped.
   */
  extra?: [string, unknown][];
}

export function emptyStore(): KeyStore {
  return { records: [], index: new Map() };
}

const RECORD_KEYS = ['id', 'name', 'tenant', 'roles', 'createdAt', 'expiresAt', 'revokedAt', 'revokeReason', 'hash'] as const;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Parses store text; `label` names the file in errors. Never throws anything but KrishivError. */
export function parseStore(text: string, label: string): KeyStore {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (error) {
    // The message never quotes the file: a token file given as --store must not leak into it.
    const what = error instanceof JsonTextError ? error.message : 'is not valid JSON';
    throw new KrishivError('ERR_STORE_CORRUPT', `key store ${what}; it was left unchanged`, { input: label });
  }
  const corrupt = (what: string): never => {
    throw new KrishivError('ERR_STORE_CORRUPT', `key store is corrupt: ${what}; it was left unchanged`, { input: label });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return corrupt('the top level must be an object');
  const doc = raw as Record<string, unknown>;
  if (!('version' in doc)) return corrupt('no "version" field');
  if (doc['version'] !== STORE_VERSION) {
    throw new KrishivError(
      'ERR_STORE_VERSION',
      `key store version ${JSON.stringify(doc['version'])?.slice(0, 20)} is not supported (this krishiv-auth reads version ${STORE_VERSION}); it was left unchanged`,
      { input: label },
    );
  }
  if (doc['format'] !== undefined && doc['format'] !== STORE_FORMAT) return corrupt(`"format" is not "${STORE_FORMAT}"`);
  if (!Array.isArray(doc['records'])) return corrupt('"records" must be a list');
  const store = emptyStore();
  const extra = Object.entries(doc).filter(([k]) => k !== 'format' && k !== 'version' && k !== 'records');
  if (extra.length > 0) store.extra = extra;
  (doc['records'] as unknown[]).forEach((item, i) => {
    const record = validateRecord(item, `records[${i}]`, corrupt);
    if (store.index.has(record.id)) corrupt(`records[${i}]: duplicate id ${record.id}`);
    store.index.set(record.id, store.records.length);
    store.records.push(record);
  });
  return store;
}

function validateRecord(item: unknown, at: string, corrupt: (what: string) => never): KeyRecord {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return corrupt(`${at} must be an object`);
  const r = item as Record<string, unknown>;
  const str = (k: string): string => {
    const v = r[k];
    if (typeof v !== 'string') return corrupt(`${at}.${k} must be a string`);
    return v;
  };
  const optStr = (k: string): string | null => {
    const v = r[k];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') return corrupt(`${at}.${k} must be a string or null`);
    return v;
  };
  const time = (k: string, v: string | null): string | null => {
    if (v !== null && (!ISO.test(v) || Number.isNaN(Date.parse(v)) || calendarProblem(v) !== undefined))
      corrupt(`${at}.${k} is not an ISO 8601 UTC time`);
    return v;
  };
  const id = str('id');
  if (!ID_PATTERN.test(id)) corrupt(`${at}.id must be 8 characters a-z, 2-7`);
  const roles = r['roles'] ?? [];
  if (!Array.isArray(roles) || !roles.every((x) => typeof x === 'string' && (ROLES as readonly string[]).includes(x))) {
    corrupt(`${at}.roles must be a list of admin, writer, reader`);
  }
  const hash = str('hash');
  const costs = parsePhcParams(hash);
  if (costs === undefined) corrupt(`${at}.hash is not an Argon2id PHC string`);
  const costProblem = argon2CostProblem(costs!);
  if (costProblem !== undefined)
    corrupt(
      `${at}.hash has Argon2id costs m=${costs!.memoryCost},t=${costs!.timeCost},p=${costs!.parallelism} outside this tool's bounds (${costProblem}); refused without hashing`,
    );
  const record: KeyRecord = {
    id,
    name: str('name'),
    tenant: optStr('tenant'),
    roles: [...(roles as Role[])],
    createdAt: time('createdAt', str('createdAt'))!,
    expiresAt: time('expiresAt', optStr('expiresAt')),
    revokedAt: time('revokedAt', optStr('revokedAt')),
    revokeReason: optStr('revokeReason'),
    hash,
  };
  // Fields a later minor version may add are kept as they are.
  for (const [k, v] of Object.entries(r)) {
    if (!(RECORD_KEYS as readonly string[]).includes(k)) (record as unknown as Record<string, unknown>)[k] = v;
  }
  return record;
}

/** The file text for a store: stable field order, one record per line. */
export function serializeStore(store: KeyStore): string {
  const lines = store.records.map((r) => `    ${JSON.stringify(orderRecord(r))}`);
  return [
    '{',
    `  "format": ${JSON.stringify(STORE_FORMAT)},`,
    `  "version": ${STORE_VERSION},`,
    (lines.length === 0 ? '  "records": []' : `  "records": [\n${lines.join(',\n')}\n  ]`) + (store.extra?.length ? ',' : ''),
    ...(store.extra ?? []).map(([k, v], i, all) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < all.length - 1 ? ',' : ''}`),
    '}',
    '',
  ].join('\n');
}

function orderRecord(r: KeyRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of RECORD_KEYS) out[k] = r[k];
  for (const [k, v] of Object.entries(r)) if (!(k in out)) out[k] = v;
  return out;
}

/** Lookup by id: what `keys verify` needs from a store. */
export interface KeyLookup {
  find(id: string): KeyRecord | undefined;
  /** How the lookup was built: the whole store parsed, or the line index of a canonical file. */
  readonly mode: 'parsed' | 'line-index';
}

export function storeLookup(store: KeyStore): KeyLookup {
  return { find: (id) => findById(store, id), mode: 'parsed' };
}

const CANONICAL_HEAD = `{\n  "format": "${STORE_FORMAT}",\n  "version": ${STORE_VERSION},\n  "records": [\n`;
const CANONICAL_TAIL = '\n  ]\n}\n';

/** True when `text` has the layout `serializeStore` writes (head and tail byte for byte). */
export function isCanonicalStoreText(text: string): boolean {
  return text.startsWith(CANONICAL_HEAD) && text.endsWith(CANONICAL_TAIL);
}

/**
 * Where the record of `id` sits in a canonical store: every record is one line that starts with
 * `    {"id":"<id>",` (JSON escapes newlines inside strings, so the pattern can only match at a line
 * start). One native substring search — the id prefix is the index — instead of parsing 10,000
 * records. Returns null when absent, 'duplicate' when the id occurs twice.
 */
export function findRecordSpan(text: string, id: string): [number, number] | null | 'duplicate' {
  const needle = `\n    {"id":"${id}",`;
  const at = text.indexOf(needle);
  if (at === -1) return null;
  if (text.indexOf(needle, at + needle.length) !== -1) return 'duplicate';
  const start = at + 5;
  const nl = text.indexOf('\n', start);
  let end = nl === -1 ? text.length : nl;
  if (text.charCodeAt(end - 1) === 44 /* , */) end--;
  return [start, end];
}

/**
 * A lookup over store text. A store in the canonical layout is searched by id prefix and only the
 * record found is parsed and fully validated (so `keys verify` costs about the same for 10 or
 * 10,000 records); any other layout, or a duplicate id, is parsed and validated whole, which
 * reports what is wrong. A canonical store that is corrupt in a record other than the one asked
 * for is not noticed here (`keys list`, `generate-key` and `keys revoke` validate every record).
 */
export function lookupFromText(text: string, label: string): KeyLookup {
  if (!isCanonicalStoreText(text)) return storeLookup(parseStore(text, label));
  const corrupt = (what: string): never => {
    throw new KrishivError('ERR_STORE_CORRUPT', `key store is corrupt: ${what}; it was left unchanged`, { input: label });
  };
  return {
    mode: 'line-index',
    find(id) {
      const span = findRecordSpan(text, id);
      if (span === null) return undefined;
      if (span === 'duplicate') return findById(parseStore(text, label), id); // throws: duplicate id
      let raw: unknown;
      try {
        raw = parseJsonText(text.slice(span[0], span[1]));
      } catch {
        return corrupt(`the record of id ${id} is not valid JSON`);
      }
      const record = validateRecord(raw, `record ${id}`, corrupt);
      if (record.id !== id) corrupt(`record ${id} is not valid`);
      return record;
    },
  };
}

export function findById(store: KeyStore, id: string): KeyRecord | undefined {
  const i = store.index.get(id);
  return i === undefined ? undefined : store.records[i];
}

export function addRecord(store: KeyStore, record: KeyRecord): void {
  if (store.index.has(record.id)) {
    throw new KrishivError('ERR_KEY_ID_COLLISION', `id ${record.id} is already in the key store`, { exitCode: 1 });
  }
  store.index.set(record.id, store.records.length);
  store.records.push(record);
}

export function keyState(record: KeyRecord, now: Date): KeyState {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

export function publicRecord(record: KeyRecord): PublicRecord {
  const { hash: _hash, ...rest } = record;
  return rest;
}

/** A record as listed: no hash, plus its state and display prefix. */
export function listedRecord(record: KeyRecord, now: Date): PublicRecord & { key: string; state: KeyState } {
  return { ...publicRecord(record), key: displayKey(record.id), state: keyState(record, now) };
}

/**
 * Which record `target` (an id or a name) means, for `keys revoke`. An exact id wins; a name
 * must match exactly one record that is not revoked yet. Unknown, ambiguous and already revoked
 * are refusals (exit 1, nothing changed).
 */
export function resolveRevokeTarget(store: KeyStore, target: string): KeyRecord {
  // A whole key (or its shown prefix `krishiv_<id>_…`) means its id; never echo the rest.
  const keyForm = /^krishiv_([a-z2-7]{8})_/.exec(target.trim());
  if (keyForm) target = keyForm[1]!;
  const byId = findById(store, target.trim());
  if (byId) {
    if (byId.revokedAt !== null) {
      throw new KrishivError(
        'ERR_KEY_ALREADY_REVOKED',
        `${displayKey(byId.id)} (${byId.name}) was already revoked at ${byId.revokedAt}; nothing changed`,
        {
          exitCode: 1,
          details: { id: byId.id, revokedAt: byId.revokedAt },
        },
      );
    }
    return byId;
  }
  const named = store.records.filter((r) => r.name === target);
  if (named.length === 0) {
    throw new KrishivError('ERR_KEY_UNKNOWN', 'no key with this id or name in the key store; nothing changed', {
      input: target,
      exitCode: 1,
    });
  }
  const live = named.filter((r) => r.revokedAt === null);
  if (live.length === 0) {
    throw new KrishivError(
      'ERR_KEY_ALREADY_REVOKED',
      `every key named this is already revoked (${named.map((r) => r.id).join(', ')}); nothing changed`,
      { input: target, exitCode: 1, details: { ids: named.map((r) => r.id) } },
    );
  }
  if (live.length > 1) {
    throw new KrishivError(
      'ERR_KEY_AMBIGUOUS',
      `${live.length} keys have this name (${live.map((r) => r.id).join(', ')}); revoke one by id; nothing changed`,
      { input: target, exitCode: 1, details: { ids: live.map((r) => r.id) } },
    );
  }
  return live[0]!;
}
