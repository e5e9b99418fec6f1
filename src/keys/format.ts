/**
 * Flight SQL API key format: `krishiv_<id>_<secret>`.
 * - `<id>`: 8 lowercase base32 characters (RFC 4648 alphabet, lowercased) from 5 CSPRNG bytes:
 *   the public lookup prefix of the key store.
 * - `<secret>`: 32 CSPRNG bytes as unpadded base64url (43 characters).
 * Neither part can contain `=` or `,`, which the engine's `KRISHIV_API_KEYS` parser would split
 * on (surface §8.1), nor anything that is not a visible ASCII header value (surface §4.9).
 */
import { rustTrim } from '../engine/text.js';
import { KrishivError } from '../errors.js';

const KEY_PREFIX = 'krishiv_';
const ID_LENGTH = 8;
const ID_BYTES = 5; // 40 bits → exactly 8 base32 characters
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43; // ceil(32 * 4 / 3), unpadded

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
export const ID_PATTERN = /^[a-z2-7]{8}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const API_KEY_PATTERN = /^krishiv_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/;

/** RFC 4648 base32 (lowercase, unpadded) of `bytes`. */
export function base32Lower(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Unpadded base64url of `bytes` (no `=`, `+` or `/`). */
export function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export type RandomBytes = (size: number) => Uint8Array;

/** A new lookup id from the CSPRNG seam. */
export function generateKeyId(random: RandomBytes): string {
  const bytes = random(ID_BYTES);
  if (bytes.length !== ID_BYTES) throw new KrishivError('ERR_INTERNAL', 'random source returned the wrong number of bytes');
  return base32Lower(bytes);
}

/** A new secret part from the CSPRNG seam. */
export function generateKeySecret(random: RandomBytes): string {
  const bytes = random(SECRET_BYTES);
  if (bytes.length !== SECRET_BYTES) throw new KrishivError('ERR_INTERNAL', 'random source returned the wrong number of bytes');
  return base64Url(bytes);
}

export function formatApiKey(id: string, secret: string): string {
  return `${KEY_PREFIX}${id}_${secret}`;
}

/** How an API key is shown everywhere except where it is handed over: its public prefix. */
export function displayKey(id: string): string {
  return `${KEY_PREFIX}${id}_…`;
}

export interface ParsedApiKey {
  id: string;
  secret: string;
}

/**
 * Parses an API key as given by a user (surrounding whitespace trimmed, as the engine trims).
 * Throws ERR_KEY_MALFORMED without ever repeating the input (it may be a secret).
 */
export function parseApiKey(text: string): ParsedApiKey {
  const key = rustTrim(text);
  if (!key.startsWith(KEY_PREFIX)) {
    throw new KrishivError('ERR_KEY_MALFORMED', 'not a krishiv API key: it must start with krishiv_');
  }
  const rest = key.slice(KEY_PREFIX.length);
  const id = rest.slice(0, ID_LENGTH);
  if (!ID_PATTERN.test(id)) {
    throw new KrishivError('ERR_KEY_MALFORMED', 'not a krishiv API key: the id must be 8 characters a-z, 2-7');
  }
  if (rest.charAt(ID_LENGTH) !== '_') {
    throw new KrishivError('ERR_KEY_MALFORMED', 'not a krishiv API key: expected _ after the 8-character id');
  }
  const secret = rest.slice(ID_LENGTH + 1);
  if (!SECRET_PATTERN.test(secret)) {
    throw new KrishivError(
      'ERR_KEY_MALFORMED',
      `not a krishiv API key: the secret must be ${SECRET_LENGTH} base64url characters (got ${secret.length})`,
      { details: { id } },
    );
  }
  return { id, secret };
}

/**
 * A key as typed or as one `KRISHIV_API_KEYS` entry, split as the Flight server splits it
 * (crates/krishiv-flight-sql/src/service.rs:1363-1391): the key, trimmed and cut at the first
 * `=`, and for an entry its subject, trimmed. `keys verify` accepts both forms.
 */
export function parseKeyEntry(entry: string): { key: string; subject?: string } {
  const eq = entry.indexOf('=');
  if (eq === -1) return { key: rustTrim(entry) };
  return { key: rustTrim(entry.slice(0, eq)), subject: rustTrim(entry.slice(eq + 1)) };
}
