/**
 * Making and checking Flight SQL API keys, as pure steps over a `KeyStore` with the clock,
 * randomness and hashing passed in.
 */
import { rustTrim } from '../engine/text.js';
import type { Argon2Params } from '../io/config.js';
import { KrishivError, isKrishivError } from '../errors.js';
import { displayKey, formatApiKey, generateKeyId, generateKeySecret, parseApiKey, type RandomBytes } from './format.js';
import { dummyPhc, type Hasher } from './hasher.js';
import {
  ROLES,
  addRecord,
  findById,
  keyState,
  publicRecord,
  type KeyLookup,
  type KeyRecord,
  type KeyStore,
  type PublicRecord,
  type Role,
} from './store.js';

/** How many fresh ids to draw before an id collision counts as unresolvable (40-bit ids: never in practice). */
export const MAX_ID_ATTEMPTS = 8;

/**
 * Validates `--name`: it becomes the Flight subject in `KRISHIV_API_KEYS` (`key=subject,…`).
 * A `,` would split the entry, surrounding whitespace is trimmed away by the engine, and control
 * characters cannot live in an environment line. `=` is fine: the engine splits at the first `=`.
 */
export function validateKeyName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') {
    throw new KrishivError('ERR_USAGE', '--name is required: it becomes the Flight SQL subject of the key', { input: '--name' });
  }
  if (name.includes(',')) {
    throw new KrishivError('ERR_USAGE', 'must not contain "," (KRISHIV_API_KEYS splits entries on commas)', { input: '--name' });
  }
  if (name !== rustTrim(name)) {
    throw new KrishivError('ERR_USAGE', 'must not start or end with whitespace (the engine trims the subject)', { input: '--name' });
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new KrishivError('ERR_USAGE', 'must not contain control characters or newlines', { input: '--name' });
  }
  if (name.length > 256) throw new KrishivError('ERR_USAGE', 'is longer than 256 characters', { input: '--name' });
  return name;
}

export function validateTenant(tenant: string | undefined): string | null {
  if (tenant === undefined) return null;
  if (tenant.trim() === '' || /[\u0000-\u001f\u007f]/.test(tenant) || tenant.length > 256) {
    throw new KrishivError('ERR_USAGE', 'must be non-empty text without control characters (at most 256 characters)', {
      input: '--tenant',
    });
  }
  return tenant;
}

/** Parses `--roles admin,reader` into a de-duplicated list in canonical order. */
export function parseRoles(text: string | undefined): Role[] {
  if (text === undefined) return [];
  const parts = text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new KrishivError('ERR_USAGE', 'give one or more of admin, writer, reader', { input: '--roles' });
  for (const p of parts) {
    if (!(ROLES as readonly string[]).includes(p)) {
      throw new KrishivError('ERR_USAGE', `"${p.slice(0, 30)}" is not a role (admin, writer, reader)`, { input: '--roles' });
    }
  }
  return ROLES.filter((r) => parts.includes(r));
}

export interface NewKeyMeta {
  name: string;
  tenant: string | null;
  roles: Role[];
  expiresAt: Date | null;
}

/** A key whose secret is drawn and hashed but whose id is chosen only under the store lock. */
export interface PreparedKey {
  secret: string;
  hash: string;
  meta: NewKeyMeta;
  createdAt: Date;
}

/** Draws the secret and hashes it (the slow part, done before taking the store lock). */
export async function prepareApiKey(
  meta: NewKeyMeta,
  now: Date,
  random: RandomBytes,
  hasher: Hasher,
  params: Argon2Params,
): Promise<PreparedKey> {
  if (meta.expiresAt !== null && meta.expiresAt.getTime() <= now.getTime()) {
    throw new KrishivError('ERR_USAGE', `is in the past (${meta.expiresAt.toISOString()})`, { input: '--expires' });
  }
  const secret = generateKeySecret(random);
  // Only the secret part is hashed: the id is public and is how the record is found.
  const hash = await hasher.hash(secret, params);
  return { secret, hash, meta, createdAt: now };
}

export interface NewApiKey {
  /** The plaintext key `krishiv_<id>_<secret>`: shown once, never stored. */
  key: string;
  /** The `KRISHIV_API_KEYS` entry to add: `<key>=<name>`. */
  entry: string;
  record: KeyRecord;
  /** Ids that were drawn but already taken. */
  collisions: string[];
}

/**
 * Adds a prepared key to `store` under a fresh id (to be called with the store lock held, on a
 * store read inside the lock). A taken id is never overwritten: a new one is drawn.
 */
export function insertApiKey(store: KeyStore, prepared: PreparedKey, random: RandomBytes): NewApiKey {
  const collisions: string[] = [];
  for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
    const id = generateKeyId(random);
    if (findById(store, id)) {
      collisions.push(id);
      continue;
    }
    const record: KeyRecord = {
      id,
      name: prepared.meta.name,
      tenant: prepared.meta.tenant,
      roles: prepared.meta.roles,
      createdAt: prepared.createdAt.toISOString(),
      expiresAt: prepared.meta.expiresAt?.toISOString() ?? null,
      revokedAt: null,
      revokeReason: null,
      hash: prepared.hash,
    };
    addRecord(store, record);
    const key = formatApiKey(id, prepared.secret);
    return { key, entry: `${key}=${record.name}`, record, collisions };
  }
  throw new KrishivError(
    'ERR_KEY_ID_COLLISION',
    `${MAX_ID_ATTEMPTS} fresh ids in a row were already taken; the key store was not changed`,
    {
      exitCode: 1,
      details: { ids: collisions },
    },
  );
}

export type VerifyReason = 'unknown' | 'mismatch' | 'revoked' | 'expired' | 'malformed' | 'subject';

export interface KeyVerdict {
  ok: boolean;
  /** `krishiv_<id>_…`, or null for input that is not a key at all. */
  key: string | null;
  state: 'active' | 'expired' | 'revoked' | null;
  reason: VerifyReason | null;
  message: string;
  record: PublicRecord | null;
}

export interface VerifySeams {
  now: Date;
  hasher: Hasher;
  /** Parameters of the dummy verification for an unknown id (the configured ones). */
  dummyParams: Argon2Params;
}

/**
 * Which record a key belongs to. Exactly one Argon2id verification whatever the store holds:
 * against the record found by id, or against a dummy hash when the id is unknown, so timing
 * does not tell which ids exist. The record's state is reported only to a caller whose secret
 * matched it. `subject`: the entry's subject when the key came as a `KRISHIV_API_KEYS` entry
 * (`key=subject`); the Flight server authenticates the key as that subject, whatever the store
 * recorded, so an active key issued to another name is refused here (reason `subject`).
 */
export async function verifyApiKey(store: KeyLookup, text: string, seams: VerifySeams, subject?: string): Promise<KeyVerdict> {
  let parsed: { id: string; secret: string };
  try {
    parsed = parseApiKey(text);
  } catch (error) {
    if (!isKrishivError(error)) throw error;
    return { ok: false, key: null, state: null, reason: 'malformed', message: error.message, record: null };
  }
  const shown = displayKey(parsed.id);
  const record = store.find(parsed.id);
  if (!record) {
    await seams.hasher.verify(dummyPhc(seams.dummyParams), parsed.secret);
    return { ok: false, key: shown, state: null, reason: 'unknown', message: 'no key with this id in the key store', record: null };
  }
  const matches = await seams.hasher.verify(record.hash, parsed.secret);
  if (!matches) {
    return {
      ok: false,
      key: shown,
      state: null,
      reason: 'mismatch',
      message: `the id belongs to "${record.name}" but the secret does not match`,
      record: null,
    };
  }
  const state = keyState(record, seams.now);
  const pub = publicRecord(record);
  if (state === 'revoked') {
    return {
      ok: false,
      key: shown,
      state,
      reason: 'revoked',
      message: `revoked at ${record.revokedAt}${record.revokeReason ? ` (${record.revokeReason})` : ''}`,
      record: pub,
    };
  }
  if (state === 'expired') {
    return { ok: false, key: shown, state, reason: 'expired', message: `expired at ${record.expiresAt}`, record: pub };
  }
  if (subject !== undefined && subject !== record.name) {
    return {
      ok: false,
      key: shown,
      state,
      reason: 'subject',
      message: `issued to ${JSON.stringify(record.name)}, but its entry names ${JSON.stringify(subject)}, and the Flight server authenticates the key as the entry's subject (crates/krishiv-flight-sql/src/service.rs:1376-1385)`,
      record: pub,
    };
  }
  return { ok: true, key: shown, state, reason: null, message: `active: belongs to "${record.name}"`, record: pub };
}
