import { describe, expect, it } from 'vitest';
import { resolveRotateOptions, type RotateFlags } from '../../src/rotate/options.js';
import { EMPTY_CONFIG, type Config } from '../../src/io/config.js';
import type { Step } from '../../src/rotate/steps.js';

const cfg30: Config = { ...EMPTY_CONFIG, rotate: { reloadIntervalSecs: 30 } };
const resolve = (step: Step, flags: RotateFlags = {}, config: Config = EMPTY_CONFIG, file = 'tokens') =>
  resolveRotateOptions(step, file, flags, config, '/w');

describe('resolveRotateOptions: step, file, flags and config → Options', () => {
  it.each([
    [
      'status',
      {},
      EMPTY_CONFIG,
      {
        step: 'status',
        file: 'tokens',
        absolute: '/w/tokens',
        single: false,
        multi: false,
        envFile: undefined,
        reloadFlag: null,
        reloadConfig: null,
        state: { path: '/w/tokens.rotation.json', label: 'tokens.rotation.json', given: false },
      },
    ],
    [
      'status',
      { single: true, state: 's.json' },
      EMPTY_CONFIG,
      { single: true, state: { path: '/w/s.json', label: 's.json', given: true } },
    ],
    [
      'finish',
      { reloadInterval: '1m' },
      cfg30,
      { reloadFlag: { seconds: 60, source: '--reload-interval' }, reloadConfig: { seconds: 30 }, confirm: undefined, dryRun: false },
    ],
    ['finish', { reloadInterval: '0' }, EMPTY_CONFIG, { reloadFlag: { seconds: null, source: '--reload-interval 0' } }],
    [
      'finish',
      { confirm: 'grpc://127.0.0.1:2001', timeout: '2s' },
      EMPTY_CONFIG,
      { confirm: { url: 'grpc://127.0.0.1:2001', grpc: undefined, timeoutMs: 2000 } },
    ],
    [
      'finish',
      { confirm: 'http://127.0.0.1:2002', grpc: '127.0.0.1:2001' },
      EMPTY_CONFIG,
      { confirm: { url: 'http://127.0.0.1:2002', grpc: '127.0.0.1:2001', timeoutMs: 5000 } },
    ],
    [
      'revoke',
      { fingerprint: ' bearer:0a984251ab8665e8 ', allowEmpty: true },
      EMPTY_CONFIG,
      { step: 'revoke', fingerprint: 'bearer:0a984251ab8665e8', allowEmpty: true },
    ],
    [
      'begin',
      {},
      EMPTY_CONFIG,
      {
        step: 'begin',
        newToken: { from: 'generate' },
        out: undefined,
        force: false,
        replace: false,
        allowWeakToken: false,
        emit: undefined,
      },
    ],
    [
      'begin',
      { newTokenFile: '-', out: 'new.token', force: true },
      EMPTY_CONFIG,
      { newToken: { from: 'stdin' }, out: { path: '/w/new.token', label: 'new.token' }, force: true },
    ],
    [
      'begin',
      { newTokenFile: 'n.txt', envFile: 'c.env' },
      EMPTY_CONFIG,
      { newToken: { from: 'file', path: '/w/n.txt', label: 'n.txt' }, envFile: { path: '/w/c.env', label: 'c.env' } },
    ],
    [
      'begin',
      { emit: 'k8s-secret', name: 'krishiv-tokens', namespace: 'krishiv' },
      EMPTY_CONFIG,
      { emit: { name: 'krishiv-tokens', namespace: 'krishiv', key: 'tokens' } },
    ],
  ] as const)('rotate %s %j (config %j) → %j', (step, flags, config, expected) => {
    expect(resolve(step, flags as RotateFlags, config)).toMatchObject(expected);
  });

  it.each([
    ['begin', { single: true, multi: true }, 'ERR_USAGE', '--multi'],
    ['begin', { out: './tokens' }, 'ERR_USAGE', '--out'],
    ['begin', { force: true }, 'ERR_USAGE', '--force'],
    ['begin', { emit: 'helm' }, 'ERR_USAGE', '--emit'],
    ['begin', { emit: 'k8s-secret' }, 'ERR_USAGE', '--name'],
    ['revoke', {}, 'ERR_USAGE', '--fingerprint'],
    ['finish', { grpc: '127.0.0.1:2001' }, 'ERR_USAGE', '--grpc'],
    ['finish', { confirm: 'http://127.0.0.1:2002' }, 'ERR_USAGE', '--confirm'],
    ['finish', { confirm: 'grpc://127.0.0.1:2001', timeout: '0' }, 'ERR_INVALID_DURATION', '--timeout'],
    ['finish', { reloadInterval: 'soon' }, 'ERR_INVALID_DURATION', '--reload-interval'],
  ] as const)('rotate %s %j is refused: %s naming %s', (step, flags, code, input) => {
    expect(() => resolve(step, flags as RotateFlags)).toThrow(expect.objectContaining({ code, input }));
  });
});
