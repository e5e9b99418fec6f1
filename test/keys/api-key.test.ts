import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_ID_ATTEMPTS,
  insertApiKey,
  parseRoles,
  prepareApiKey,
  validateKeyName,
  validateTenant,
  verifyApiKey,
  type NewKeyMeta,
} from '../../src/keys/api-key.js';
import { dummyPhc, type Hasher } from '../../src/keys/hasher.js';
import { emptyStore, lookupFromText, parseStore, serializeStore, storeLookup } from '../../src/keys/store.js';
import { KrishivError } from '../../src/errors.js';

const PARAMS = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const NOW = new Date('2026-06-01T12:00:00.000Z');

/** A fake Argon2 that records every call: `fake$<secret>` as the "hash". */
function countingHasher(): Hasher & { hashes: number; verifies: { phc: string; secret: string }[] } {
  const h = {
    hashes: 0,
    verifies: [] as { phc: string; secret: string }[],
    async hash(secret: string, params: typeof PARAMS) {
      h.hashes++;
      return `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$c2FsdHNhbHRzYWx0$${Buffer.from(secret).toString('base64').replace(/=+$/, '')}`;
    },
    async verify(phc: string, secret: string) {
      h.verifies.push({ phc, secret });
      return phc.endsWith(`$${Buffer.from(secret).toString('base64').replace(/=+$/, '')}`);
    },
  };
  return h;
}

/** Random source from a list of byte arrays, then counting bytes. */
function sequence(...chunks: number[][]): (n: number) => Uint8Array {
  let i = 0;
  let counter = 1;
  return (n) => {
    const c = chunks[i++];
    if (c) {
      expect(c.length).toBe(n);
      return Uint8Array.from(c);
    }
    return Uint8Array.from({ length: n }, () => counter++ & 0xff);
  };
}

const META: NewKeyMeta = { name: 'ci-bot', tenant: null, roles: ['reader'], expiresAt: null };

async function makeKey(store = emptyStore(), meta: NewKeyMeta = META, random = sequence(), hasher = countingHasher(), now = NOW) {
  const prepared = await prepareApiKey(meta, now, random, hasher, PARAMS);
  return { store, made: insertApiKey(store, prepared, random), hasher };
}

describe('generate + verify (fake hasher)', () => {
  it('a fresh key verifies as active and names its record', async () => {
    const { store, made, hasher } = await makeKey();
    expect(made.key).toMatch(/^krishiv_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(made.entry).toBe(`${made.key}=ci-bot`);
    hasher.verifies.length = 0;
    const v = await verifyApiKey(storeLookup(store), made.key, { now: NOW, hasher, dummyParams: PARAMS });
    expect(v).toMatchObject({
      ok: true,
      state: 'active',
      reason: null,
      key: `krishiv_${made.record.id}_…`,
      message: 'active: belongs to "ci-bot"',
    });
    expect(v.record).toMatchObject({ id: made.record.id, name: 'ci-bot', roles: ['reader'] });
    expect(v.record).not.toHaveProperty('hash');
    expect(hasher.verifies).toHaveLength(1);
  });

  it('the store never contains the plaintext key or secret', async () => {
    const { store, made } = await makeKey();
    const text = serializeStore(store);
    expect(text).not.toContain(made.key);
    expect(text).not.toContain(made.key.slice(17));
    expect(text).toContain(made.record.id);
  });

  it('only the secret part is hashed, once', async () => {
    const { made, hasher } = await makeKey();
    expect(hasher.hashes).toBe(1);
    expect(made.record.hash).toContain(Buffer.from(made.key.slice(17)).toString('base64').replace(/=+$/, ''));
  });

  it('wrong secret with a valid id → mismatch, exactly one verification against that record', async () => {
    const { store, made, hasher } = await makeKey();
    hasher.verifies.length = 0;
    const wrong = `${made.key.slice(0, 17)}${'A'.repeat(43)}`;
    const v = await verifyApiKey(storeLookup(store), wrong, { now: NOW, hasher, dummyParams: PARAMS });
    expect(v).toMatchObject({ ok: false, reason: 'mismatch', record: null });
    expect(v.message).toBe('the id belongs to "ci-bot" but the secret does not match');
    expect(hasher.verifies).toEqual([{ phc: made.record.hash, secret: 'A'.repeat(43) }]);
  });

  it('unknown id → unknown, after exactly one dummy verification at the given parameters', async () => {
    const { store, hasher } = await makeKey();
    hasher.verifies.length = 0;
    const dummyParams = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
    const v = await verifyApiKey(storeLookup(store), `krishiv_zzzzzzzz_${'B'.repeat(43)}`, { now: NOW, hasher, dummyParams });
    expect(v).toMatchObject({ ok: false, reason: 'unknown', key: 'krishiv_zzzzzzzz_…', message: 'no key with this id in the key store' });
    expect(hasher.verifies).toEqual([{ phc: dummyPhc(dummyParams), secret: 'B'.repeat(43) }]);
    expect(dummyPhc(dummyParams)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('one verification whatever the store size', async () => {
    const store = emptyStore();
    const random = sequence();
    const hasher = countingHasher();
    let last = '';
    for (let i = 0; i < 200; i++) last = (await makeKey(store, { ...META, name: `k${i}` }, random, hasher)).made.key;
    hasher.verifies.length = 0;
    const lookup = lookupFromText(serializeStore(store), 'k.json');
    expect(lookup.mode).toBe('line-index');
    expect((await verifyApiKey(lookup, last, { now: NOW, hasher, dummyParams: PARAMS })).ok).toBe(true);
    await verifyApiKey(lookup, `krishiv_zzzzzzzz_${'B'.repeat(43)}`, { now: NOW, hasher, dummyParams: PARAMS });
    expect(hasher.verifies).toHaveLength(2);
  });

  it('revoked → revoked with the reason; expired → expired', async () => {
    const { store, made, hasher } = await makeKey(emptyStore(), { ...META, expiresAt: new Date('2026-07-01T00:00:00Z') });
    const seams = { now: NOW, hasher, dummyParams: PARAMS };
    expect((await verifyApiKey(storeLookup(store), made.key, { ...seams, now: new Date('2026-07-01T00:00:00Z') })).reason).toBe('expired');
    const exp = await verifyApiKey(storeLookup(store), made.key, { ...seams, now: new Date('2026-08-01T00:00:00Z') });
    expect(exp).toMatchObject({ ok: false, state: 'expired', reason: 'expired', message: 'expired at 2026-07-01T00:00:00.000Z' });
    made.record.revokedAt = '2026-06-02T00:00:00.000Z';
    made.record.revokeReason = 'laptop lost';
    const rev = await verifyApiKey(storeLookup(store), made.key, seams);
    expect(rev).toMatchObject({
      ok: false,
      state: 'revoked',
      reason: 'revoked',
      message: 'revoked at 2026-06-02T00:00:00.000Z (laptop lost)',
    });
    expect(rev.record?.name).toBe('ci-bot');
  });

  it('a revoked key with a wrong secret says mismatch, not revoked', async () => {
    const { store, made, hasher } = await makeKey();
    made.record.revokedAt = '2026-06-02T00:00:00.000Z';
    const v = await verifyApiKey(storeLookup(store), `${made.key.slice(0, 17)}${'A'.repeat(43)}`, {
      now: NOW,
      hasher,
      dummyParams: PARAMS,
    });
    expect(v.reason).toBe('mismatch');
  });

  it('malformed input is a verdict (batch lines), with no verification', async () => {
    const { store, hasher } = await makeKey();
    hasher.verifies.length = 0;
    const v = await verifyApiKey(storeLookup(store), 'hello', { now: NOW, hasher, dummyParams: PARAMS });
    expect(v).toMatchObject({ ok: false, reason: 'malformed', key: null });
    expect(hasher.verifies).toHaveLength(0);
  });

  it('expiry in the past is refused before anything is drawn', async () => {
    await expect(
      prepareApiKey({ ...META, expiresAt: new Date('2026-01-01T00:00:00Z') }, NOW, sequence(), countingHasher(), PARAMS),
    ).rejects.toMatchObject({
      code: 'ERR_USAGE',
      input: '--expires',
      message: 'is in the past (2026-01-01T00:00:00.000Z)',
    });
  });
});

describe('id collisions', () => {
  it('a taken id is never overwritten: a new id is drawn', async () => {
    const store = emptyStore();
    const first = await makeKey(store, META, sequence(new Array(32).fill(7), [1, 2, 3, 4, 5]));
    // second key: secret bytes, then the same id bytes again, then a fresh id
    const random = sequence(new Array(32).fill(9), [1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    const second = await makeKey(store, { ...META, name: 'other' }, random);
    expect(second.made.collisions).toEqual([first.made.record.id]);
    expect(second.made.record.id).not.toBe(first.made.record.id);
    expect(store.records).toHaveLength(2);
    expect(store.records[0]!.name).toBe('ci-bot');
    expect(store.records[0]!.hash).toBe(first.made.record.hash);
  });

  it('gives up (exit 1, store unchanged) when every drawn id is taken', async () => {
    const store = emptyStore();
    await makeKey(store, META, sequence(new Array(32).fill(7), [1, 2, 3, 4, 5]));
    const before = serializeStore(store);
    const same = Array.from({ length: MAX_ID_ATTEMPTS }, () => [1, 2, 3, 4, 5]);
    const prepared = await prepareApiKey(META, NOW, sequence(new Array(32).fill(9)), countingHasher(), PARAMS);
    try {
      insertApiKey(store, prepared, sequence(...same));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect((error as KrishivError).code).toBe('ERR_KEY_ID_COLLISION');
      expect((error as KrishivError).exitCode).toBe(1);
      expect((error as KrishivError).message).toBe(
        `${MAX_ID_ATTEMPTS} fresh ids in a row were already taken; the key store was not changed`,
      );
    }
    expect(serializeStore(store)).toBe(before);
    expect(parseStore(before, 'x').records).toHaveLength(1);
  });
});

describe('flag validation', () => {
  it.each([
    ['ci-bot', 'ci-bot'],
    ['svc=etl', 'svc=etl'], // `=` is fine in a subject (surface §8.1)
    ['admin:ops', 'admin:ops'],
  ])('--name %j is accepted', (name, out) => {
    expect(validateKeyName(name)).toBe(out);
  });

  it.each([
    [undefined, '--name is required: it becomes the Flight SQL subject of the key'],
    ['', '--name is required: it becomes the Flight SQL subject of the key'],
    ['  ', '--name is required: it becomes the Flight SQL subject of the key'],
    ['a,b', 'must not contain "," (KRISHIV_API_KEYS splits entries on commas)'],
    [' x', 'must not start or end with whitespace (the engine trims the subject)'],
    ['a\nb', 'must not contain control characters or newlines'],
    ['x'.repeat(257), 'is longer than 256 characters'],
  ])('--name %j is refused: %s', (name, message) => {
    try {
      validateKeyName(name);
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_USAGE');
      expect((error as KrishivError).input).toBe('--name');
      expect((error as KrishivError).message).toBe(message);
    }
  });

  it.each([
    [undefined, []],
    ['reader', ['reader']],
    ['reader, ADMIN,reader', ['admin', 'reader']],
    ['writer,admin,reader', ['admin', 'writer', 'reader']],
  ])('--roles %j → %j', (text, roles) => {
    expect(parseRoles(text)).toEqual(roles);
  });

  it.each([
    ['', 'give one or more of admin, writer, reader'],
    ['root', '"root" is not a role (admin, writer, reader)'],
  ])('--roles %j is refused', (text, message) => {
    expect(() => parseRoles(text)).toThrow(message);
  });

  it('--tenant', () => {
    expect(validateTenant(undefined)).toBeNull();
    expect(validateTenant('acme')).toBe('acme');
    expect(() => validateTenant('')).toThrow(/non-empty/);
  });

  it('the flag parsers never throw anything but KrishivError (fast-check)', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), (s) => {
        for (const fn of [validateKeyName, validateTenant, parseRoles]) {
          try {
            fn(s ?? undefined);
          } catch (error) {
            expect(error).toBeInstanceOf(KrishivError);
          }
        }
      }),
    );
  });

  it('an accepted name never breaks a KRISHIV_API_KEYS entry (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        let ok: string;
        try {
          ok = validateKeyName(name);
        } catch {
          return;
        }
        const entry = `krishiv_aaaaaaaa_${'A'.repeat(43)}=${ok}`;
        // the engine: split on ',', trim, split at the first '='
        const parts = entry
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        expect(parts).toHaveLength(1);
        const eq = parts[0]!.indexOf('=');
        expect(parts[0]!.slice(eq + 1).trim()).toBe(ok);
      }),
    );
  });
});
