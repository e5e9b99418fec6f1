import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ARGON2,
  argon2CostProblem,
  createArgon2Hasher,
  dummyPhc,
  parsePhcParams,
  resolveArgon2Params,
} from '../../src/keys/hasher.js';
import { parseStore } from '../../src/keys/store.js';

// The real native Argon2id, not a fake.
describe('Argon2id hasher (argon2 0.44)', () => {
  const hasher = createArgon2Hasher();

  it('at the defaults (m=19456 KiB, t=2, p=1) writes a standard-order PHC string that verifies', async () => {
    const phc = await hasher.hash('s3cret', resolveArgon2Params(undefined));
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(parsePhcParams(phc)).toEqual(DEFAULT_ARGON2);
    expect(await hasher.verify(phc, 's3cret')).toBe(true);
    expect(await hasher.verify(phc, 's3creT')).toBe(false);
  });

  it('config parameters override the defaults one by one', async () => {
    const params = resolveArgon2Params({ memoryCost: 1024, timeCost: 1 });
    expect(params).toEqual({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const phc = await hasher.hash('x', params);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it('two hashes of one secret differ (random salt)', async () => {
    const p = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    expect(await hasher.hash('x', p)).not.toBe(await hasher.hash('x', p));
  });

  it('the dummy PHC string is well formed and matches nothing', async () => {
    const p = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    const phc = dummyPhc(p);
    expect(parsePhcParams(phc)).toEqual(p);
    expect(await hasher.verify(phc, 'anything')).toBe(false);
    expect(await hasher.verify(phc, '')).toBe(false);
    // and a store would accept it as a hash (a record holding it parses, hash kept as written)
    const store = JSON.stringify({ version: 1, records: [{ id: 'aaaaaaaa', name: 'n', createdAt: '2026-01-01T00:00:00Z', hash: phc }] });
    expect(parseStore(store, 'keys.json').records.map((r) => r.hash)).toEqual([phc]);
  });

  it('libargon2 refusals are typed errors, not crashes', async () => {
    expect(() => resolveArgon2Params({ memoryCost: 8, parallelism: 2 })).toThrow(
      'argon2.memoryCost must be at least 8 × parallelism (16 KiB)',
    );
    await expect(hasher.verify('$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA', 'x')).rejects.toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      message: 'a stored hash is refused without checking: memoryCost must be a whole number from 8 to 1048576',
    });
  });

  it.each([
    ['$argon2id$v=19$m=19456,t=9999,p=1', 'timeCost must be a whole number from 1 to 64'],
    ['$argon2id$v=19$m=99999999,t=1,p=1', 'memoryCost must be a whole number from 8 to 1048576'],
    [
      '$argon2id$v=19$m=1048576,t=2,p=1',
      'memoryCost × timeCost is 2097152, over the bound of 1048576 (about 2 s of work per verification)',
    ],
    ['$argon2id$v=19$m=19456,t=2,p=999', 'parallelism must be a whole number from 1 to 64'],
  ])('a stored hash with costs past the bound (%s) is refused before any hashing', async (head, problem) => {
    const phc = `${head}$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA`;
    await expect(hasher.verify(phc, 'x')).rejects.toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      message: `a stored hash is refused without checking: ${problem}`,
    });
    const store = JSON.stringify({ version: 1, records: [{ id: 'aaaaaaaa', name: 'n', createdAt: '2026-01-01T00:00:00Z', hash: phc }] });
    expect(() => parseStore(store, 'keys.json')).toThrow(`outside this tool's bounds (${problem}); refused without hashing`);
  });

  it('config costs use the same bounds', () => {
    expect(() => resolveArgon2Params({ timeCost: 65 })).toThrow('argon2.timeCost must be a whole number from 1 to 64');
    expect(() => resolveArgon2Params({ memoryCost: 1048576, timeCost: 2 })).toThrow('argon2.memoryCost × timeCost is 2097152');
    expect(argon2CostProblem({ memoryCost: 1048576, timeCost: 1, parallelism: 4 })).toBeUndefined();
    expect(argon2CostProblem(DEFAULT_ARGON2)).toBeUndefined();
  });

  it.each([
    ['$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', undefined],
    ['$argon2id$v=19$m=1024,p=1,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', undefined], // argon2 0.45 order: refused
    ['$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', { memoryCost: 1024, timeCost: 1, parallelism: 1 }],
  ])('parsePhcParams(%j)', (phc, params) => {
    expect(parsePhcParams(phc)).toEqual(params);
  });
});
