import { describe, expect, it } from 'vitest';
import type { Hasher } from '../../../src/keys/hasher.js';
import { addRecord, emptyStore, type KeyRecord, storeLookup } from '../../../src/keys/store.js';
import { record as fixtureRecord } from '../../keys/fixtures.js';
import { STORE_CHECK_WORK } from '../../../src/production/checks/keys.js';
import { checkStoreKeys } from '../../../src/production/command/store-keys.js';

const SALT = 'c2FsdHNhbHRzYWx0c2FsdA';
const DIGEST = 'ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGk';
const phc = (m: number, t: number): string => `$argon2id$v=19$m=${m},t=${t},p=1$${SALT}$${DIGEST}`;
const ids = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd', 'eeeeeeee', 'ffffffff'];
const key = (id: string): string => `krishiv_${id}_${'A'.repeat(43)}`;

const record = (id: string, m: number, t: number): KeyRecord => fixtureRecord(id, { name: `svc-${id.slice(0, 1)}`, hash: phc(m, t) });

/** Every secret matches; counts verifications and the work they would cost. */
function countingHasher(): Hasher & { calls: number } {
  const h = {
    calls: 0,
    hash: async () => '',
    verify: async () => {
      h.calls++;
      return true;
    },
  };
  return h;
}

function lookupOf(records: KeyRecord[]) {
  const store = emptyStore();
  for (const r of records) addRecord(store, r);
  return storeLookup(store);
}

const seams = (hasher: Hasher) => ({
  now: new Date('2026-12-04T00:00:00Z'),
  hasher,
  dummyParams: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
});

describe('checkStoreKeys: the Argon2id work of one check-production run is bounded in all', () => {
  it('keys whose hashes would pass the bound are unchecked, and are never verified', async () => {
    // 1 GiB·pass each (the most one record may cost): four fit in 4 GiB·pass, the fifth and sixth do not
    const store = lookupOf(ids.map((id) => record(id, 1024 * 1024, 1)));
    const hasher = countingHasher();
    const lookup = await checkStoreKeys(store, ids.map((id) => `${key(id)}=svc-${id.slice(0, 1)}`).join(','), seams(hasher));
    expect(ids.map((id) => lookup.lookup(key(id)))).toEqual(['active', 'active', 'active', 'active', 'unchecked', 'unchecked']);
    expect(hasher.calls).toBe(4);
    expect(STORE_CHECK_WORK).toBe(4 * 1024 * 1024);
  });

  it('a cheaper key after a costly one is still checked while it fits', async () => {
    const store = lookupOf([record(ids[0]!, 1024 * 1024, 3), record(ids[1]!, 1024 * 1024, 2), record(ids[2]!, 19456, 2)]);
    const hasher = countingHasher();
    const lookup = await checkStoreKeys(
      store,
      ids
        .slice(0, 3)
        .map((id) => `${key(id)}=x`)
        .join(','),
      seams(hasher),
    );
    expect(ids.slice(0, 3).map((id) => lookup.lookup(key(id)))).toEqual(['active', 'unchecked', 'active']);
    expect(hasher.calls).toBe(2);
  });

  it('default-cost keys: 107 are verified, the rest unchecked', async () => {
    // 120 distinct ids of 8 characters a-z, 2-7
    const uniq = Array.from(
      { length: 120 },
      (_, i) => `keys${'abcdefghijklmnopqrstuvwxyz234567'[i >> 5]}${'abcdefghijklmnopqrstuvwxyz234567'[i & 31]}aa`,
    );
    const store = lookupOf(uniq.map((id) => record(id, 19456, 2)));
    const hasher = countingHasher();
    const lookup = await checkStoreKeys(store, uniq.map((id) => `${key(id)}=x`).join(','), seams(hasher));
    expect(hasher.calls).toBe(Math.floor(STORE_CHECK_WORK / (19456 * 2)));
    expect(uniq.filter((id) => lookup.lookup(key(id)) === 'unchecked')).toHaveLength(uniq.length - hasher.calls);
  });
});
