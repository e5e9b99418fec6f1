import { describe, expect, it } from 'vitest';
import { keyPrefixId, publicKeyLabel, type KeyLookup, type KeyState } from '../../src/production/checks/keys.js';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe } from '../../src/production/model.js';
import { envSetOf } from './helpers.js';

const SECRET = 'Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Pq0W';
const key = (id: string) => `krishiv_${id}_${SECRET}`;
const fake = (table: Record<string, KeyState>): KeyLookup & { calls: string[] } => {
  const calls: string[] = [];
  // keyed by id here; the real lookup checks the whole key (secret included) against the store
  return { calls, lookup: (k) => (calls.push(k), table[keyPrefixId(k)!] ?? 'unknown') };
};

function run(keys: string, lookup?: KeyLookup) {
  return evaluate({
    envSet: envSetOf({ KRISHIV_API_KEYS: keys }),
    role: 'flight-server',
    cli: {},
    files: tableProbe({}),
    ...(lookup ? { keyLookup: lookup } : {}),
  }).findings;
}

describe('KEYS-* over a KeyLookup', () => {
  it('parses the lookup id', () => {
    expect(keyPrefixId(key('abcdefgh'))).toBe('abcdefgh');
    expect(keyPrefixId('krishiv_ABCDEFGH_x')).toBeUndefined();
    expect(publicKeyLabel(key('abcdefgh'), 1)).toBe('krishiv_abcdefgh_…');
    expect(publicKeyLabel('plain', 2)).toBe('entry 2 (not a krishiv_<id>_… key)');
  });
  it('revoked and expired fail, unknown warns, active passes; secrets never appear', () => {
    const lookup = fake({ aaaaaaaa: 'active', bbbbbbbb: 'revoked', cccccccc: 'expired' });
    const f = run(
      `${key('aaaaaaaa')}=alice,${key('bbbbbbbb')}=bob,${key('cccccccc')}=carol,${key('dddddddd')}=dave,legacykey123=eve`,
      lookup,
    );
    const by = (id: string) => f.filter((x) => x.id === id).map((x) => [x.status, x.message]);
    expect(by('KEYS-REVOKED')).toEqual([
      ['fail', 'KRISHIV_API_KEYS: krishiv_bbbbbbbb_… (subject "bob") is revoked in the key store, but the Flight server still accepts it'],
    ]);
    expect(by('KEYS-EXPIRED')).toEqual([
      [
        'fail',
        'KRISHIV_API_KEYS: krishiv_cccccccc_… (subject "carol") is expired in the key store; the engine has no expiry and still accepts it',
      ],
    ]);
    expect(by('KEYS-UNKNOWN').map((x) => x[0])).toEqual(['warn', 'warn']);
    expect(lookup.calls).toEqual([key('aaaaaaaa'), key('bbbbbbbb'), key('cccccccc'), key('dddddddd')]);
    expect(JSON.stringify(f)).not.toContain(SECRET);
    expect(JSON.stringify(f)).not.toContain('legacykey123');
  });
  it('keys left unverified by the work bound turn the passes into warnings that say how many and what to do (never a pass: --strict fails)', () => {
    const f = run(
      `${key('aaaaaaaa')}=alice,${key('bbbbbbbb')}=bob,${key('cccccccc')}=carol`,
      fake({ aaaaaaaa: 'active', bbbbbbbb: 'unchecked', cccccccc: 'unchecked' }),
    );
    const message =
      '2 of 3 key(s) were not verified against the key store, whose hashes would cost more than 4 GiB·pass of Argon2id work in all (about 8 s); check them with keys verify';
    for (const id of ['KEYS-REVOKED', 'KEYS-EXPIRED', 'KEYS-UNKNOWN'])
      expect(f.filter((x) => x.id === id).map((x) => [x.status, x.message])).toEqual([['warn', message]]);
    // a failure found among the verified keys still fails
    const g = run(`${key('aaaaaaaa')}=alice,${key('bbbbbbbb')}=bob`, fake({ aaaaaaaa: 'revoked', bbbbbbbb: 'unchecked' }));
    expect(g.filter((x) => x.id === 'KEYS-REVOKED').map((x) => x.status)).toEqual(['fail']);
    expect(g.filter((x) => x.id === 'KEYS-UNKNOWN').map((x) => x.status)).toEqual(['warn']);
  });
  it('a key whose id is stored but whose secret differs is not in the store (KEYS-UNKNOWN), and says why', () => {
    const f = run(`${key('aaaaaaaa')}=alice`, { lookup: () => 'mismatch' });
    expect(f.filter((x) => x.id === 'KEYS-UNKNOWN').map((x) => [x.status, x.message])).toEqual([
      [
        'warn',
        'KRISHIV_API_KEYS: krishiv_aaaaaaaa_… (subject "alice") is not in the key store: its id is, but the secret differs from the issued key\'s (a changed or mistyped copy, which the engine accepts all the same)',
      ],
    ]);
    expect(JSON.stringify(f)).not.toContain(SECRET);
  });
  it('all active: three passes', () => {
    const f = run(`${key('aaaaaaaa')}=alice`, fake({ aaaaaaaa: 'active' })).filter((x) => x.id.startsWith('KEYS-'));
    expect(f.map((x) => [x.id, x.status])).toEqual([
      ['KEYS-REVOKED', 'pass'],
      ['KEYS-EXPIRED', 'pass'],
      ['KEYS-UNKNOWN', 'pass'],
      ['KEYS-SUBJECT-MISMATCH', 'pass'],
    ]);
  });
  it('no lookup (no --store): no KEYS-* findings at all', () => {
    expect(run(`${key('aaaaaaaa')}=alice`).some((x) => x.id.startsWith('KEYS-'))).toBe(false);
  });
});

describe('KEYS-SUBJECT-MISMATCH (issue 12)', () => {
  const issued = (names: Record<string, string>): KeyLookup => ({
    lookup: (k) => (names[keyPrefixId(k)!] === undefined ? 'unknown' : 'active'),
    issuedName: (k) => names[keyPrefixId(k)!],
  });
  it('an entry whose subject differs from the name the key was issued to fails (the engine uses the entry)', () => {
    const f = run(`${key('aaaaaaaa')}= mallory ,${key('bbbbbbbb')}=bob`, issued({ aaaaaaaa: 'alice', bbbbbbbb: 'bob' }));
    expect(f.filter((x) => x.id === 'KEYS-SUBJECT-MISMATCH').map((x) => [x.status, x.message])).toEqual([
      [
        'fail',
        'KRISHIV_API_KEYS: krishiv_aaaaaaaa_… (subject "mallory") was issued to "alice", but the Flight server authenticates it as "mallory"',
      ],
    ]);
    expect(JSON.stringify(f)).not.toContain(SECRET);
  });
  it('the subject as issued (surrounding blanks trimmed, as the engine trims) passes', () => {
    const f = run(`${key('aaaaaaaa')}= alice `, issued({ aaaaaaaa: 'alice' }));
    expect(f.filter((x) => x.id === 'KEYS-SUBJECT-MISMATCH').map((x) => x.status)).toEqual(['pass']);
  });
});
