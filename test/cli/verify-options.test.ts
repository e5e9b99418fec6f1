/** resolveVerifyOptions: flags > the engine's environment (--env-file, else the process) > config > defaults. */
import { describe, expect, it } from 'vitest';
import { resolveVerifyOptions, type EngineEnv, type VerifyConfig, type VerifyFlags } from '../../src/cli/verify-options.js';

const env = (s: Partial<EngineEnv['settings']>, file?: string): EngineEnv => ({
  settings: { jwksUri: undefined, audience: undefined, production: false, ...s },
  file,
});
const cfg = (verify: VerifyConfig['verify'], file = '/etc/krishiv/krishiv-auth.config.json'): VerifyConfig => ({ file, verify });

describe('resolveVerifyOptions', () => {
  it.each<[string, VerifyFlags, EngineEnv | undefined, VerifyConfig, Partial<ReturnType<typeof resolveVerifyOptions>>]>([
    [
      'defaults',
      { jwks: 'j.json' },
      undefined,
      cfg(undefined),
      { source: { kind: 'jwks', location: 'j.json' }, audience: undefined, leewaySec: 60, timeoutMs: 10_000, production: false, notes: [] },
    ],
    [
      'config audience, jwks relative to the config file, leeway, timeout',
      {},
      undefined,
      cfg({ jwks: 'keys/j.json', audience: 'krishiv-prod', leewayMs: 30_000, timeoutMs: 5_000 }),
      { source: { kind: 'jwks', location: '/etc/krishiv/keys/j.json' }, audience: 'krishiv-prod', leewaySec: 30, timeoutMs: 5_000 },
    ],
    [
      'config oidcIssuer',
      {},
      undefined,
      cfg({ oidcIssuer: 'https://idp.example' }),
      { source: { kind: 'oidc', issuer: 'https://idp.example' } },
    ],
    [
      'a config URL stays a URL',
      {},
      undefined,
      cfg({ jwks: 'https://idp.example/jwks' }),
      { source: { kind: 'jwks', location: 'https://idp.example/jwks' } },
    ],
    [
      'the env file beats the config',
      {},
      env({ jwksUri: 'https://idp/jwks', audience: 'a', production: true }, 'prod.env'),
      cfg({ jwks: 'j.json', audience: 'c' }),
      { source: { kind: 'jwks', location: 'https://idp/jwks' }, audience: 'a', production: true, notes: [] },
    ],
    [
      'the process environment beats the config, with a note',
      {},
      env({ audience: 'a' }),
      cfg({ jwks: 'j.json', audience: 'c' }),
      {
        source: { kind: 'jwks', location: '/etc/krishiv/j.json' },
        audience: 'a',
        notes: ['note: KRISHIV_OIDC_AUDIENCE taken from the environment (flags beat it; it beats the config file)'],
      },
    ],
    [
      'flags beat both',
      { audience: 'f', leeway: '10s', timeout: '2s', oidcIssuer: 'https://i' },
      env({ jwksUri: 'https://idp/jwks', audience: 'a' }),
      cfg({ audience: 'c', leewayMs: 1000 }),
      { source: { kind: 'oidc', issuer: 'https://i' }, audience: 'f', leewaySec: 10, timeoutMs: 2000 },
    ],
    [
      'an empty audience in the environment counts as set (std::env::var is Ok(""))',
      { jwks: 'j' },
      env({ audience: '' }, 'e.env'),
      cfg({ audience: 'c' }),
      { audience: '' },
    ],
  ])('%s', (_name, flags, e, config, expected) => {
    expect(resolveVerifyOptions(flags, e, config)).toMatchObject(expected);
  });
  it.each<[string, VerifyFlags, EngineEnv | undefined, VerifyConfig, string]>([
    ['--jwks with --oidc-issuer', { jwks: 'a', oidcIssuer: 'b' }, undefined, cfg(undefined), 'give --jwks or --oidc-issuer, not both'],
    [
      'no key set anywhere',
      {},
      undefined,
      cfg({ audience: 'x' }),
      'no key set: give --jwks <file|url>, --oidc-issuer <url>, --env-file <file>, or verify.jwks in the config file',
    ],
    [
      'config sets both sources',
      {},
      undefined,
      cfg({ jwks: 'j', oidcIssuer: 'https://i' }),
      'the config file sets both verify.jwks and verify.oidcIssuer; keep one, or give --jwks / --oidc-issuer',
    ],
    [
      'an env file without KRISHIV_OIDC_JWKS_URI',
      {},
      env({}, 'x.env'),
      cfg(undefined),
      'does not set KRISHIV_OIDC_JWKS_URI, so the engine does not enable JWT; give --jwks or --oidc-issuer',
    ],
    [
      'a relative KRISHIV_OIDC_JWKS_URI',
      {},
      env({ jwksUri: 'jwks.json' }),
      cfg(undefined),
      'KRISHIV_OIDC_JWKS_URI is not an http(s) URL ("jwks.json"): the engine cannot fetch it and would not install JWT auth',
    ],
    [
      'a role that is not one',
      { jwks: 'j', requireRole: 'root' },
      undefined,
      cfg(undefined),
      '"root" is not a role (reader, writer, admin)',
    ],
    ['--timeout 0', { jwks: 'j', timeout: '0s' }, undefined, cfg(undefined), 'must be more than 0'],
  ])('refuses %s', (_name, flags, e, config, message) => {
    expect(() => resolveVerifyOptions(flags, e, config)).toThrow(expect.objectContaining({ message }));
  });
});
