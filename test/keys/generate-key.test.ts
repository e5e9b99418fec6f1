import { describe, expect, it } from 'vitest';
import { EMPTY_CONFIG, type Config } from '../../src/io/config.js';
import { resolveGenerateKeyOptions, type GenerateKeyFlags } from '../../src/keys/generate-key.js';

const NOW = new Date('2026-12-04T10:00:00.000Z');
const where = { cwd: '/w', now: NOW };
const resolve = (flags: Partial<GenerateKeyFlags>, env: Record<string, string> = {}, config: Config = EMPTY_CONFIG) =>
  resolveGenerateKeyOptions({ type: 'api-key', ...flags }, env, config, where);

describe('resolveGenerateKeyOptions: flags, env and config → Options', () => {
  it.each([
    [
      { name: 'ci-bot' },
      {},
      {
        type: 'api-key',
        meta: { name: 'ci-bot', tenant: null, roles: [], expiresAt: null },
        store: { path: '/w/krishiv-keys.json', label: 'krishiv-keys.json' },
      },
    ],
    [
      { name: 'a', roles: 'reader,writer', tenant: 't1', expires: '1d' },
      {},
      { meta: { name: 'a', tenant: 't1', roles: ['writer', 'reader'], expiresAt: new Date('2026-12-05T10:00:00.000Z') } },
    ],
    [{ name: 'a' }, { KRISHIV_AUTH_STORE: '/srv/keys.json' }, { store: { path: '/srv/keys.json', label: '/srv/keys.json' } }],
    [
      { name: 'a', store: 'ops/k.json' },
      { KRISHIV_AUTH_STORE: '/srv/keys.json' },
      { store: { path: '/w/ops/k.json', label: 'ops/k.json' } },
    ],
    [{ type: 'bearer' }, {}, { type: 'bearer', surface: undefined, encoding: 'base64url', bytes: 32, out: undefined, force: false }],
    [
      { type: 'bearer', for: 'ui', bytes: '16', encoding: 'hex', out: 'ui.token', force: true },
      {},
      { type: 'bearer', surface: 'ui', encoding: 'hex', bytes: 16, out: { path: '/w/ui.token', label: 'ui.token' }, force: true },
    ],
    [
      { type: 'jwk', out: 'k.jwk' },
      {},
      { type: 'jwk', alg: 'ES256', kid: undefined, out: { path: '/w/k.jwk', label: 'k.jwk' }, jwks: undefined, force: false },
    ],
    [
      { type: 'jwk', alg: 'EdDSA', kid: 'one', out: '/keys/k.jwk', jwks: 'jwks.json' },
      {},
      { alg: 'EdDSA', kid: 'one', out: { path: '/keys/k.jwk', label: '/keys/k.jwk' }, jwks: { path: '/w/jwks.json', label: 'jwks.json' } },
    ],
  ] as const)('%j with env %j → %j', (flags, env, expected) => {
    expect(resolve(flags as Partial<GenerateKeyFlags>, env)).toMatchObject(expected);
  });

  it('argon2 parameters come from the config file', () => {
    const config: Config = { ...EMPTY_CONFIG, argon2: { memoryCost: 1024, timeCost: 1 } };
    expect(resolve({ name: 'a' }, {}, config)).toMatchObject({ argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  });

  it.each([
    [{ type: 'rsa' }, 'ERR_USAGE', '--type'],
    [{ name: 'a', out: 'x' }, 'ERR_USAGE', '--out'],
    [{ type: 'bearer', name: 'a' }, 'ERR_USAGE', '--name'],
    [{ type: 'bearer', jwks: 'j.json' }, 'ERR_USAGE', '--jwks'],
    [{ type: 'bearer', out: ' ' }, 'ERR_USAGE', '--out'],
    [{ type: 'jwk' }, 'ERR_USAGE', '--out'],
    [{ type: 'jwk', out: 'a.json', jwks: './a.json' }, 'ERR_USAGE', '--jwks'],
    [{ type: 'api-key' }, 'ERR_USAGE', '--name'],
    [{ name: 'a', expires: 'soon' }, 'ERR_INVALID_TIME', '--expires'],
  ] as const)('%j is refused: %s naming %s', (flags, code, input) => {
    expect(() => resolve(flags as Partial<GenerateKeyFlags>)).toThrow(expect.objectContaining({ code, input }));
  });
});
