import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  emptyStore,
  findById,
  findRecordSpan,
  isCanonicalStoreText,
  lookupFromText,
  keyState,
  listedRecord,
  parseStore,
  resolveRevokeTarget,
  serializeStore,
  addRecord,
  type KeyRecord,
} from '../../src/keys/store.js';
import { KrishivError } from '../../src/errors.js';
import { HASH, record } from './fixtures.js';

function storeOf(...records: KeyRecord[]) {
  const s = emptyStore();
  for (const r of records) addRecord(s, r);
  return s;
}

function expectError(fn: () => unknown, code: string, message: string | RegExp, exitCode?: number): KrishivError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KrishivError);
    const e = error as KrishivError;
    expect(e.code).toBe(code);
    if (typeof message === 'string') expect(e.message).toContain(message);
    else expect(e.message).toMatch(message);
    if (exitCode !== undefined) expect(e.exitCode).toBe(exitCode);
    return e;
  }
  return expect.unreachable() as never;
}

describe('parseStore / serializeStore', () => {
  it('round-trips, one record per line, stable field order', () => {
    const s = storeOf(
      record('aaaaaaaa', { tenant: 't1', roles: ['admin', 'reader'], expiresAt: '2027-01-01T00:00:00.000Z' }),
      record('bbbbbbbb'),
    );
    const text = serializeStore(s);
    expect(text.split('\n').filter((l) => l.includes('"id"'))).toHaveLength(2);
    expect(text).toMatch(/^\{\n {2}"format": "krishiv-auth\/key-store",\n {2}"version": 1,\n {2}"records": \[\n/);
    expect(text.indexOf('"id"')).toBeLessThan(text.indexOf('"hash"'));
    const back = parseStore(text, 'k.json');
    expect(back.records).toEqual(s.records);
    expect(findById(back, 'bbbbbbbb')?.name).toBe('name-bbbbbbbb');
    expect(serializeStore(back)).toBe(text);
  });

  it('an empty store serializes to an empty list', () => {
    expect(parseStore(serializeStore(emptyStore()), 'x').records).toEqual([]);
  });

  it('keeps fields a later minor version adds', () => {
    const text = JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), lastUsed: 'x' }] });
    const s = parseStore(text, 'k');
    expect(serializeStore(s)).toContain('"lastUsed":"x"');
  });

  it.each([
    ['', 'ERR_STORE_CORRUPT', 'not valid JSON'],
    ['{', 'ERR_STORE_CORRUPT', 'not valid JSON'],
    ['[]', 'ERR_STORE_CORRUPT', 'the top level must be an object'],
    ['{"records":[]}', 'ERR_STORE_CORRUPT', 'no "version" field'],
    ['{"version":2,"records":[]}', 'ERR_STORE_VERSION', 'key store version 2 is not supported (this krishiv-auth reads version 1)'],
    ['{"version":"1","records":[]}', 'ERR_STORE_VERSION', 'key store version "1" is not supported'],
    ['{"version":1,"format":"other","records":[]}', 'ERR_STORE_CORRUPT', '"format" is not "krishiv-auth/key-store"'],
    ['{"version":1}', 'ERR_STORE_CORRUPT', '"records" must be a list'],
    ['{"version":1,"records":[1]}', 'ERR_STORE_CORRUPT', 'records[0] must be an object'],
    [
      JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), id: 'AAAAAAAA' }] }),
      'ERR_STORE_CORRUPT',
      'records[0].id must be 8 characters',
    ],
    [
      JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), name: 5 }] }),
      'ERR_STORE_CORRUPT',
      'records[0].name must be a string',
    ],
    [
      JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), roles: ['root'] }] }),
      'ERR_STORE_CORRUPT',
      'records[0].roles must be a list',
    ],
    [
      JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), hash: 'plain' }] }),
      'ERR_STORE_CORRUPT',
      'records[0].hash is not an Argon2id PHC string',
    ],
    [
      JSON.stringify({ version: 1, records: [{ ...record('aaaaaaaa'), createdAt: 'yesterday' }] }),
      'ERR_STORE_CORRUPT',
      'records[0].createdAt is not an ISO 8601 UTC time',
    ],
    [
      JSON.stringify({ version: 1, records: [record('aaaaaaaa'), record('aaaaaaaa')] }),
      'ERR_STORE_CORRUPT',
      'records[1]: duplicate id aaaaaaaa',
    ],
  ])('%j → %s', (text, code, message) => {
    const e = expectError(() => parseStore(text, 'keys.json'), code, message, 2);
    expect(e.input).toBe('keys.json');
    expect(e.message).toContain('left unchanged');
  });

  it('never throws anything but KrishivError (fast-check)', () => {
    const recordArb = fc.record({
      id: fc.oneof(fc.constant('aaaaaaaa'), fc.string()),
      name: fc.oneof(fc.string(), fc.integer()),
      tenant: fc.oneof(fc.constant(null), fc.string(), fc.boolean()),
      roles: fc.oneof(fc.constant([]), fc.array(fc.constantFrom('admin', 'writer', 'reader', 'x'))),
      createdAt: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), fc.string()),
      hash: fc.oneof(fc.constant(HASH), fc.string()),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(recordArb).map((records) => JSON.stringify({ version: 1, records })),
          fc.anything().map((v) => JSON.stringify({ version: 1, records: v }) ?? ''),
        ),
        (text) => {
          try {
            parseStore(text, 'x');
          } catch (error) {
            expect(error).toBeInstanceOf(KrishivError);
          }
        },
      ),
    );
  });
});

describe('keyState', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it.each([
    [{}, 'active'],
    [{ expiresAt: '2026-06-01T00:00:01.000Z' }, 'active'],
    [{ expiresAt: '2026-06-01T00:00:00.000Z' }, 'expired'],
    [{ expiresAt: '2026-01-01T00:00:00.000Z' }, 'expired'],
    [{ revokedAt: '2026-02-01T00:00:00.000Z' }, 'revoked'],
    [{ revokedAt: '2026-02-01T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z' }, 'revoked'],
  ] as [Partial<KeyRecord>, string][])('%j → %s', (over, state) => {
    expect(keyState(record('aaaaaaaa', over), now)).toBe(state);
  });

  it('listedRecord has no hash', () => {
    const l = listedRecord(record('aaaaaaaa'), now);
    expect(l).not.toHaveProperty('hash');
    expect(l.key).toBe('krishiv_aaaaaaaa_…');
    expect(l.state).toBe('active');
  });
});

describe('resolveRevokeTarget', () => {
  const s = storeOf(
    record('aaaaaaaa', { name: 'ci' }),
    record('bbbbbbbb', { name: 'dup' }),
    record('cccccccc', { name: 'dup' }),
    record('dddddddd', { name: 'old', revokedAt: '2026-01-02T00:00:00.000Z' }),
    record('eeeeeeee', { name: 'rot', revokedAt: '2026-01-02T00:00:00.000Z' }),
    record('ffffffff', { name: 'rot' }),
  );

  it.each([
    ['aaaaaaaa', 'aaaaaaaa'],
    ['ci', 'aaaaaaaa'],
    ['rot', 'ffffffff'], // the one live key with that name
    [`krishiv_aaaaaaaa_${'x'.repeat(43)}`, 'aaaaaaaa'],
    ['krishiv_aaaaaaaa_…', 'aaaaaaaa'],
  ])('%j → %s', (target, id) => {
    expect(resolveRevokeTarget(s, target).id).toBe(id);
  });

  it('an unknown id or name is a refusal (exit 1)', () => {
    expectError(
      () => resolveRevokeTarget(s, 'nobody'),
      'ERR_KEY_UNKNOWN',
      'no key with this id or name in the key store; nothing changed',
      1,
    );
  });

  it('an ambiguous name lists the ids (exit 1)', () => {
    const e = expectError(
      () => resolveRevokeTarget(s, 'dup'),
      'ERR_KEY_AMBIGUOUS',
      '2 keys have this name (bbbbbbbb, cccccccc); revoke one by id',
      1,
    );
    expect(e.details).toEqual({ ids: ['bbbbbbbb', 'cccccccc'] });
  });

  it('an already revoked key is a refusal (exit 1)', () => {
    expectError(
      () => resolveRevokeTarget(s, 'dddddddd'),
      'ERR_KEY_ALREADY_REVOKED',
      'was already revoked at 2026-01-02T00:00:00.000Z; nothing changed',
      1,
    );
    expectError(() => resolveRevokeTarget(s, 'old'), 'ERR_KEY_ALREADY_REVOKED', 'every key named this is already revoked (dddddddd)', 1);
  });

  it('a whole key given as the target is never echoed', () => {
    const e = expectError(() => resolveRevokeTarget(s, `krishiv_zzzzzzzz_${'S'.repeat(43)}`), 'ERR_KEY_UNKNOWN', 'no key', 1);
    expect(JSON.stringify(e.toJSON())).not.toContain('SSSS');
  });
});

describe('lookup by id prefix in a canonical store (keys verify)', () => {
  const big = storeOf(
    ...Array.from({ length: 50 }, (_, i) =>
      record(`aaaa${'abcdefghijklmnopqrstuvwxyz234567'[i % 32]}${'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(i / 32)]}aa`, {
        name: `n${i}`,
      }),
    ),
  );
  const text = serializeStore(big);

  it('finds every record exactly as the full parse does, and nothing else', () => {
    const lookup = lookupFromText(text, 'k.json');
    expect(lookup.mode).toBe('line-index');
    expect(isCanonicalStoreText(text)).toBe(true);
    for (const r of big.records) expect(lookup.find(r.id)).toEqual(r);
    expect(lookup.find('zzzzzzzz')).toBeUndefined();
    expect(findRecordSpan(text, 'zzzzzzzz')).toBeNull();
  });

  it('agrees with the full parse on any store, whatever the names contain (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z2-7]{8}$/), { minLength: 0, maxLength: 20 }),
        fc.array(fc.oneof(fc.string(), fc.constant('\n    {"id":"aaaaaaaa",'), fc.constant('x",\n')), { minLength: 20, maxLength: 20 }),
        fc.stringMatching(/^[a-z2-7]{8}$/),
        (ids, names, probe) => {
          const s = storeOf(...ids.map((id, i) => record(id, { name: names[i]!, revokeReason: names[i]! })));
          const t = serializeStore(s);
          const lookup = lookupFromText(t, 'x');
          for (const id of [...ids, probe, 'aaaaaaaa']) expect(lookup.find(id)).toEqual(findById(s, id));
        },
      ),
    );
  });

  it.each([
    ['pretty-printed by hand', () => JSON.stringify(JSON.parse(text), null, 2)],
    ['empty', () => serializeStore(emptyStore())],
  ])('%s → parsed whole', (_what, make) => {
    expect(lookupFromText(make(), 'k').mode).toBe('parsed');
  });

  it.each([
    ['truncated', () => text.slice(0, text.length - 10), 'ERR_STORE_CORRUPT'],
    ['another version', () => text.replace('"version": 1', '"version": 2'), 'ERR_STORE_VERSION'],
  ])('%s → not canonical, and the full parse reports it', (_what, make, code) => {
    expect(isCanonicalStoreText(make())).toBe(false);
    expect(() => lookupFromText(make(), 'k')).toThrow(expect.objectContaining({ code }));
  });

  it('a duplicate of the id asked for → the full parse reports it', () => {
    const dup = text.replace('"id":"aaaabaaa"', '"id":"aaaaaaaa"');
    const lookup = lookupFromText(dup, 'k');
    expect(findRecordSpan(dup, 'aaaaaaaa')).toBe('duplicate');
    expect(() => lookup.find('aaaaaaaa')).toThrow('key store is corrupt: records[1]: duplicate id aaaaaaaa');
  });

  it('a broken found record is ERR_STORE_CORRUPT', () => {
    const broken = text.replace(/("id":"aaaacaaa".*?)"hash":"[^"]*"/, '$1"hash":"plain"');
    const lookup = lookupFromText(broken, 'k');
    expect(lookup.mode).toBe('line-index');
    expect(() => lookup.find('aaaacaaa')).toThrow('key store is corrupt: record aaaacaaa.hash is not an Argon2id PHC string');
    expect(lookup.find('aaaaaaaa')?.name).toBe('n0');
    const unparsable = text.replace(/("id":"aaaadaaa",)/, '$1 oops ');
    expect(() => lookupFromText(unparsable, 'k').find('aaaadaaa')).toThrow(
      'key store is corrupt: the record of id aaaadaaa is not valid JSON',
    );
  });
});

describe('store parse errors hold no byte of the file (issue 12)', () => {
  const TOKEN = 'krishiv_abcdefgh_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
  it.each([TOKEN, `${TOKEN}\n`, `{"version":1,"records":[${TOKEN}]}`])('a token file given as --store (%#)', (text) => {
    const error = expectError(() => parseStore(text, 'keys.json'), 'ERR_STORE_CORRUPT', /^key store is not valid JSON/);
    expect(error.message).not.toMatch(/krishiv_|abcdefgh|Zm9v/);
    expect(error.cause).toBeUndefined();
  });
  it('deep nesting in an extra field is ERR_STORE_CORRUPT, not a stack overflow on the next write', () => {
    const rec = `{"id":"aaaaaaaa","name":"n","createdAt":"2026-01-01T00:00:00Z","hash":"${HASH}","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expectError(() => parseStore(`{"version":1,"records":[${rec}]}`, 'keys.json'), 'ERR_STORE_CORRUPT', /nested more than 64 levels deep/);
  });
});

describe('store times are real calendar times (issue 12)', () => {
  it('createdAt 2026-02-30 is corrupt, not March 2nd', () => {
    const rec = { id: 'aaaaaaaa', name: 'n', createdAt: '2026-02-30T00:00:00Z', hash: HASH };
    expectError(
      () => parseStore(JSON.stringify({ version: 1, records: [rec] }), 'k.json'),
      'ERR_STORE_CORRUPT',
      /records\[0\]\.createdAt is not an ISO 8601 UTC time/,
    );
  });
});
