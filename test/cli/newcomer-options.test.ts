/**
 * Flags → Options, one row per case, for the commands decode, sign and fingerprint (issue 18:
 * each command builds its Options in one pure function).
 */
import { describe, expect, it } from 'vitest';
import { resolveDecodeOptions } from '../../src/cli/commands/decode.js';
import { resolveFingerprintOptions } from '../../src/cli/commands/fingerprint.js';
import { resolveSignOptions } from '../../src/cli/commands/sign.js';

describe('resolveDecodeOptions', () => {
  it.each([
    [undefined, {}, { token: undefined }],
    ['-', {}, { token: '-' }],
    ['a.b.c', { now: '1700000000' }, { token: 'a.b.c', now: new Date(1_700_000_000_000) }],
    [undefined, { now: '2026-01-02' }, { token: undefined, now: new Date('2026-01-02T00:00:00Z') }],
  ])('%s %j → %j', (arg, flags, expected) => {
    expect(resolveDecodeOptions(arg, flags)).toEqual(expected);
  });
  it('a bad --now is ERR_INVALID_TIME naming the flag', () => {
    expect(() => resolveDecodeOptions(undefined, { now: 'soon' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_TIME', input: '--now' }),
    );
  });
});

describe('resolveSignOptions', () => {
  it.each([
    [
      { key: 'k.jwk', sub: 'alice' },
      {
        keyFile: { label: 'k.jwk', path: '/w/k.jwk' },
        claims: { sub: 'alice', aud: undefined, iss: undefined, role: undefined, ttlMs: 900_000, claims: [] },
      },
    ],
    [
      { key: '/abs/k.jwk', sub: 'ci', role: 'writer', ttl: '1h', claim: ['a=1'], now: '1700000000', aud: 'krishiv' },
      {
        keyFile: { label: '/abs/k.jwk', path: '/abs/k.jwk' },
        claims: {
          sub: 'ci',
          aud: 'krishiv',
          iss: undefined,
          role: 'writer',
          ttlMs: 3_600_000,
          claims: ['a=1'],
          now: new Date(1_700_000_000_000),
        },
      },
    ],
  ])('%j', (flags, expected) => {
    expect(resolveSignOptions(flags, '/w')).toEqual(expected);
  });
  it.each([
    [{ sub: 'x' }, 'ERR_USAGE', '--key'],
    [{ key: ' ', sub: 'x' }, 'ERR_USAGE', '--key'],
    [{ key: 'k', ttl: 'forever' }, 'ERR_INVALID_DURATION', '--ttl'],
    [{ key: 'k', role: 'root' }, 'ERR_USAGE', '--role'],
  ])('%j → %s', (flags, code, input) => {
    expect(() => resolveSignOptions(flags, '/w')).toThrow(expect.objectContaining({ code, input }));
  });
});

describe('resolveFingerprintOptions', () => {
  it.each([
    ['tok', {}, false, { source: { kind: 'argument', token: 'tok' }, single: false }],
    ['-', {}, true, { source: { kind: 'stdin' }, single: false }],
    [undefined, {}, false, { source: { kind: 'stdin' }, single: false }],
    [undefined, { file: 't.txt', single: true }, true, { source: { kind: 'file', file: 't.txt' }, single: true }],
  ] as const)('%s %j tty=%s', (token, flags, tty, expected) => {
    expect(resolveFingerprintOptions(token, flags, tty)).toEqual(expected);
  });
  it.each([
    ['tok', { file: 'f' }, false, 'ERR_USAGE'],
    [undefined, {}, true, 'ERR_TOKEN_MISSING'],
    ['tok', { single: true }, false, 'ERR_USAGE'],
  ] as const)('%s %j tty=%s → %s', (token, flags, tty, code) => {
    expect(() => resolveFingerprintOptions(token, flags, tty)).toThrow(expect.objectContaining({ code }));
  });
});

import { resolveJwksOptions } from '../../src/jwk/options.js';

describe('resolveJwksOptions', () => {
  it.each([
    [
      'add',
      { set: 'set.json', key: 'k.jwk' },
      {},
      { set: { label: 'set.json', path: '/w/set.json' }, key: { label: 'k.jwk', path: '/w/k.jwk' }, kid: undefined, allowEmpty: false },
    ],
    [
      'add',
      { set: 'set.json', key: '-' },
      { kid: 'k1' },
      { set: { label: 'set.json', path: '/w/set.json' }, key: { label: '<stdin>', path: undefined }, kid: 'k1', allowEmpty: false },
    ],
    ['list', { set: '-' }, {}, { set: { label: '<stdin>', path: undefined }, kid: undefined, allowEmpty: false }],
    [
      'list',
      { set: '/etc/jwks.json' },
      {},
      { set: { label: '/etc/jwks.json', path: '/etc/jwks.json' }, kid: undefined, allowEmpty: false },
    ],
    [
      'remove',
      { set: 'set.json', kid: 'old' },
      { allowEmpty: true },
      { set: { label: 'set.json', path: '/w/set.json' }, kid: 'old', allowEmpty: true },
    ],
  ] as const)('%s %j %j', (step, args, flags, expected) => {
    expect(resolveJwksOptions(step, args, flags, '/w')).toEqual(expected);
  });
  it.each([
    ['add', { set: '-', key: 'k' }, {}],
    ['remove', { set: '-', kid: 'x' }, {}],
    ['add', { set: 's', key: 'k' }, { kid: '' }],
    ['public', { key: 'k' }, { kid: 'a\u0007b' }],
  ] as const)('%s %j %j → ERR_USAGE', (step, args, flags) => {
    expect(() => resolveJwksOptions(step, args, flags, '/w')).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });
});
