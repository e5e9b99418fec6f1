import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { isTruthy, jwtSettingsFromEnv, readEnvAssignments } from '../../src/jwt/env-file.js';

describe('readEnvAssignments (minimal seam)', () => {
  it('reads KEY=VALUE, export, quotes, comments; later wins', () => {
    const env = readEnvAssignments(
      '# c\nexport KRISHIV_OIDC_JWKS_URI="https://idp/jwks"\nKRISHIV_OIDC_AUDIENCE= krishiv # note\nKRISHIV_PRODUCTION=0\nKRISHIV_PRODUCTION=yes\nEMPTY=\n',
      'f.env',
    );
    expect(jwtSettingsFromEnv(env)).toEqual({ jwksUri: 'https://idp/jwks', audience: 'krishiv', production: true });
    expect(env.get('EMPTY')).toBe('');
  });
  it('a line that is not KEY=VALUE is ERR_ENV_PARSE naming the line', () => {
    expect(() => readEnvAssignments('A=1\nnot an assignment\n', 'f.env')).toThrow(
      expect.objectContaining({ code: 'ERR_ENV_PARSE', message: 'line 2 is not KEY=VALUE', input: 'f.env:2' }),
    );
  });
  it.each([
    ['1', true],
    [' TRUE ', true],
    ['on', true],
    ['Yes', true],
    ['enabled', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('truthy(%j) = %j (surface §2.1)', (raw, expected) => {
    expect(isTruthy(raw)).toBe(expected);
  });
  it('never throws anything but KrishivError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          readEnvAssignments(text, 'f');
        } catch (e) {
          if (!(e instanceof KrishivError)) throw e;
        }
      }),
    );
  });
});
