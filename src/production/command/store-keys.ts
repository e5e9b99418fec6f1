/**
 * The KEYS-* lookup: each `krishiv_<id>_<secret>` key of KRISHIV_API_KEYS checked against the
 * store once, up front (one Argon2id verification per key whose id is stored; none for the rest),
 * as long as the verifications stay within `work` in all (STORE_CHECK_WORK): a key whose hash
 * would pass it is `unchecked`, and the KEYS-* checks say so.
 */
import { verifyApiKey, type VerifySeams } from '../../keys/api-key.js';
import { ARGON2_LIMITS, parsePhcParams } from '../../keys/hasher.js';
import type { KeyLookup as StoreLookup } from '../../keys/store.js';
import { type KeyLookup, type KeyState, keyPrefixId, STORE_CHECK_WORK } from '../checks/keys.js';
import { parseApiKeys } from '../model.js';

export async function checkStoreKeys(
  stored: StoreLookup,
  apiKeys: string | undefined,
  seams: VerifySeams,
  work: number = STORE_CHECK_WORK,
): Promise<KeyLookup> {
  const parsed = parseApiKeys(apiKeys);
  const states = new Map<string, KeyState>();
  const names = new Map<string, string>();
  let spent = 0;
  for (const entry of parsed.state === 'unset' ? [] : parsed.entries) {
    const id = keyPrefixId(entry.key);
    if (id === undefined || states.has(entry.key)) continue;
    const record = stored.find(id);
    if (!record) {
      states.set(entry.key, 'unknown');
      continue;
    }
    const params = parsePhcParams(record.hash);
    const cost = params ? params.memoryCost * params.timeCost : ARGON2_LIMITS.work;
    if (spent + cost > work) {
      states.set(entry.key, 'unchecked');
      continue;
    }
    spent += cost;
    const verdict = await verifyApiKey(stored, entry.key, seams);
    states.set(
      entry.key,
      verdict.reason === 'mismatch'
        ? 'mismatch'
        : verdict.reason === 'revoked' || verdict.reason === 'expired'
          ? verdict.reason
          : verdict.ok
            ? 'active'
            : 'unknown',
    );
    if (verdict.record) names.set(entry.key, verdict.record.name);
  }
  return { lookup: (key) => states.get(key) ?? 'unknown', issuedName: (key) => names.get(key) };
}
