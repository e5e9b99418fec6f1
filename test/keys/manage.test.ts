import { describe, expect, it } from 'vitest';
import { EMPTY_CONFIG, type Config } from '../../src/io/config.js';
import { keysFromText, resolveKeysOptions, type KeysFlags, type KeysSubcommand } from '../../src/keys/manage.js';

const config: Config = { ...EMPTY_CONFIG, store: 'cfg-keys.json' };
const resolve = (
  sub: KeysSubcommand,
  arg: string | undefined,
  flags: KeysFlags = {},
  env: Record<string, string> = {},
  cfg: Config = EMPTY_CONFIG,
) => resolveKeysOptions(sub, arg, flags, env, cfg, '/w');

describe('resolveKeysOptions: argv and flags → Options', () => {
  it.each([
    [
      'list',
      undefined,
      {},
      {},
      EMPTY_CONFIG,
      { sub: 'list', all: false, store: { path: '/w/krishiv-keys.json', label: 'krishiv-keys.json' } },
    ],
    ['list', undefined, { all: true }, {}, config, { all: true, store: { path: '/w/cfg-keys.json', label: 'cfg-keys.json' } }],
    ['list', undefined, {}, { KRISHIV_AUTH_STORE: '/srv/k.json' }, config, { store: { path: '/srv/k.json', label: '/srv/k.json' } }],
    [
      'list',
      undefined,
      { store: 'flag.json' },
      { KRISHIV_AUTH_STORE: '/srv/k.json' },
      config,
      { store: { path: '/w/flag.json', label: 'flag.json' } },
    ],
    ['verify', undefined, {}, {}, EMPTY_CONFIG, { sub: 'verify', key: { from: 'stdin', explicit: false } }],
    ['verify', '-', {}, {}, EMPTY_CONFIG, { key: { from: 'stdin', explicit: true } }],
    [
      'verify',
      'krishiv_abcdefgh_secret=ci-bot',
      {},
      {},
      EMPTY_CONFIG,
      { key: { from: 'argument', text: 'krishiv_abcdefgh_secret', subject: 'ci-bot' } },
    ],
    ['revoke', 'ci-bot', { reason: 'laptop lost' }, {}, EMPTY_CONFIG, { sub: 'revoke', target: 'ci-bot', reason: 'laptop lost' }],
    ['revoke', 'ci-bot', {}, {}, EMPTY_CONFIG, { reason: null }],
    ['import', undefined, {}, {}, EMPTY_CONFIG, { sub: 'import', source: { from: 'stdin', explicit: false }, dryRun: false }],
    ['import', '-', { dryRun: true }, {}, EMPTY_CONFIG, { source: { from: 'stdin', explicit: true }, dryRun: true }],
    ['import', undefined, { envFile: 'flight.env' }, {}, EMPTY_CONFIG, { source: { from: 'env-file', file: 'flight.env' } }],
  ] as const)('keys %s %j %j (env %j) → %j', (sub, arg, flags, env, cfg, expected) => {
    expect(resolve(sub, arg, flags, env, cfg)).toMatchObject(expected);
  });

  it.each([
    ['revoke', 'x', { reason: ' ' }, '--reason'],
    ['revoke', 'x', { reason: 'a\u001b[2Jb' }, '--reason'],
    ['revoke', 'x', { reason: 'r'.repeat(501) }, '--reason'],
    ['import', 'krishiv_abcdefgh_secret=x', {}, '<argument>'],
    ['import', '-', { envFile: 'a.env' }, '--env-file'],
  ] as const)('keys %s %j %j is a usage error naming %s', (sub, arg, flags, input) => {
    expect(() => resolve(sub, arg, flags)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', input }));
  });

  it('keysFromText: one key per line or KRISHIV_API_KEYS entries (with their subjects), numbered by line', () => {
    expect(keysFromText('\uFEFFk1=alice,k2= bob \n\nk3\n')).toEqual([
      { line: 1, text: 'k1', subject: 'alice' },
      { line: 1, text: 'k2', subject: 'bob' },
      { line: 3, text: 'k3' },
    ]);
  });
});
