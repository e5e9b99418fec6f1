/**
 * KEYS-* checks: `KRISHIV_API_KEYS` keys against the key store, through a pure `KeyLookup`
 * so the checks need no store code (the command wires the store and the Argon2id check).
 * A key is in the store only when its id is there AND its secret matches the stored hash:
 * a changed or mistyped copy of an issued key is still accepted by the engine (the env line
 * is the key list), but it is not the key the store records. A key not in the
 * `krishiv_<id>_<secret>` format cannot be in the store and counts as unknown.
 */
import { displayKey, parseApiKey } from '../../keys/format.js';
import { parseApiKeys } from '../model.js';
import type { Finding } from '../types.js';
import { finding, type CheckContext } from './context.js';

/**
 * `mismatch`: the id is in the store, the secret is not the one it records. `unchecked`: the id
 * is in the store, but verifying it would take the whole check past STORE_CHECK_WORK.
 */
export type KeyState = 'active' | 'revoked' | 'expired' | 'unknown' | 'mismatch' | 'unchecked';

/**
 * The Argon2id work one check-production run spends on the key store, in KiB-passes (memoryCost ×
 * timeCost summed over the verifications): 4 GiB·pass, about 8 s here, or 107 keys at the default
 * m=19456,t=2. Each record's costs are bounded on their own (src/keys/hasher.ts); this bounds
 * their sum, so a long KRISHIV_API_KEYS against a store of costly hashes cannot hold a CI job.
 */
export const STORE_CHECK_WORK = 4 * 1024 * 1024;

export interface KeyLookup {
  /** State of a whole `krishiv_<id>_<secret>` key in the store (only ever called with such keys). */
  lookup(key: string): KeyState;
  /** The name the store issued a matching key to (the subject `generate-key` printed), when known. */
  issuedName?(key: string): string | undefined;
}

/** The lookup id of a `krishiv_<id>_<secret>` key (the format generate-key makes), or undefined. */
export function keyPrefixId(key: string): string | undefined {
  try {
    return parseApiKey(key).id;
  } catch {
    return undefined;
  }
}

/** The public form of a key: `krishiv_<id>_…`, or `entry N` for keys in another format. */
export function publicKeyLabel(key: string, entry: number): string {
  const id = keyPrefixId(key);
  return id ? displayKey(id) : `entry ${entry} (not a krishiv_<id>_… key)`;
}

export function runKeyChecks(ctx: CheckContext, lookup: KeyLookup | undefined): Finding[] {
  if (!lookup) return [];
  const K = 'KRISHIV_API_KEYS';
  const parsed = parseApiKeys(ctx.env.get(K));
  const entries = parsed.state === 'unset' ? [] : parsed.entries.filter((e) => e.key !== '');
  const out: Finding[] = [];
  let active = 0;
  let unchecked = 0;
  for (const e of entries) {
    const id = keyPrefixId(e.key);
    const state: KeyState = id === undefined ? 'unknown' : lookup.lookup(e.key);
    const who = `${publicKeyLabel(e.key, e.index + 1)} (subject ${JSON.stringify(e.subject)})`;
    if (state === 'revoked')
      out.push(
        finding(ctx, 'KEYS-REVOKED', 'fail', `${K}: ${who} is revoked in the key store, but the Flight server still accepts it`, [K]),
      );
    else if (state === 'expired')
      out.push(
        finding(ctx, 'KEYS-EXPIRED', 'fail', `${K}: ${who} is expired in the key store; the engine has no expiry and still accepts it`, [
          K,
        ]),
      );
    else if (state === 'unknown') out.push(finding(ctx, 'KEYS-UNKNOWN', 'warn', `${K}: ${who} is not in the key store`, [K]));
    else if (state === 'unchecked') unchecked++;
    else if (state === 'mismatch') {
      out.push(
        finding(
          ctx,
          'KEYS-UNKNOWN',
          'warn',
          `${K}: ${who} is not in the key store: its id is, but the secret differs from the issued key's (a changed or mistyped copy, which the engine accepts all the same)`,
          [K],
        ),
      );
    } else active++;
    // The engine maps the key to the entry's subject (trimmed), whatever the store recorded.
    const issued = state === 'unknown' || state === 'mismatch' ? undefined : lookup.issuedName?.(e.key);
    if (issued !== undefined && issued !== e.subject) {
      out.push(
        finding(
          ctx,
          'KEYS-SUBJECT-MISMATCH',
          'fail',
          `${K}: ${who} was issued to ${JSON.stringify(issued)}, but the Flight server authenticates it as ${JSON.stringify(e.subject)}`,
          [K],
        ),
      );
    }
  }
  const ids = new Set(out.map((f) => f.id));
  const summary = entries.length === 0 ? `${K} lists no key` : `${active} of ${entries.length} key(s) active in the key store`;
  const notChecked =
    unchecked === 0
      ? undefined
      : `${unchecked} of ${entries.length} key(s) were not verified against the key store, whose hashes would cost more than ${STORE_CHECK_WORK / 1024 / 1024} GiB·pass of Argon2id work in all (about 8 s); check them with keys verify`;
  for (const id of ['KEYS-REVOKED', 'KEYS-EXPIRED', 'KEYS-UNKNOWN'] as const)
    if (!ids.has(id)) out.push(notChecked ? finding(ctx, id, 'warn', notChecked, [K]) : finding(ctx, id, 'pass', summary, [K]));
  if (!ids.has('KEYS-SUBJECT-MISMATCH')) {
    out.push(
      finding(
        ctx,
        'KEYS-SUBJECT-MISMATCH',
        'pass',
        entries.length === 0 ? `${K} lists no key` : 'every key in the key store has the subject it was issued to',
        [K],
      ),
    );
  }
  return out;
}
