import { describe, expect, it } from 'vitest';
import { mutuallyExclusive, positiveDuration } from '../../src/util/validators.js';

describe('positiveDuration', () => {
  it.each([
    ['5s', 5000],
    ['250ms', 250],
    ['2', 2000],
  ])('%s → %d ms', (text, ms) => {
    expect(positiveDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['0', '0s', '0ms'])('%s is refused with one code and message', (text) => {
    expect(() => positiveDuration(text, '--timeout')).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_DURATION', message: 'must be more than 0', input: '--timeout' }),
    );
  });

  it('a value that is not a duration keeps the duration parser error', () => {
    expect(() => positiveDuration('soon', '--timeout')).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_DURATION', input: '--timeout' }),
    );
  });
});

describe('mutuallyExclusive', () => {
  it.each([
    [{ '--jwks': undefined, '--oidc-issuer': undefined }],
    [{ '--jwks': 'a.json', '--oidc-issuer': undefined }],
    [{ '--single': true, '--multi': false }],
  ])('accepts %o', (given) => {
    expect(() => mutuallyExclusive(given)).not.toThrow();
  });

  it('names the first two flags given, the second as the input', () => {
    expect(() => mutuallyExclusive({ '--jwks': 'a.json', '--oidc-issuer': 'https://issuer' })).toThrowError(
      expect.objectContaining({ code: 'ERR_USAGE', message: 'give --jwks or --oidc-issuer, not both', input: '--oidc-issuer' }),
    );
  });
});
