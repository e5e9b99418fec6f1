import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/util/secret.js';

describe('Secret', () => {
  const secret = new Secret('super-secret-token-value');

  it('renders only as the engine fingerprint everywhere', () => {
    expect(String(secret)).toBe('bearer:7e985eb1f7f36e2b');
    expect(`${secret}`).toBe('bearer:7e985eb1f7f36e2b');
    expect(JSON.stringify({ token: secret })).toBe('{"token":"bearer:7e985eb1f7f36e2b"}');
    expect(inspect(secret)).toBe('Secret(bearer:7e985eb1f7f36e2b)');
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.toContain('super-secret');
  });

  it('reveals the plaintext only on request', () => {
    expect(secret.reveal()).toBe('super-secret-token-value');
  });

  it('can show a public label instead (API key prefix)', () => {
    const key = new Secret('krishiv_abcdefgh_SECRETSECRET', 'krishiv_abcdefgh_…');
    expect(String(key)).toBe('krishiv_abcdefgh_…');
    expect(key.fingerprint).toMatch(/^bearer:[0-9a-f]{16}$/);
  });

  it('compares by value', () => {
    expect(secret.equals(new Secret('super-secret-token-value'))).toBe(true);
    expect(secret.equals(new Secret('super-secret-token-valuf'))).toBe(false);
    expect(secret.equals(new Secret('short'))).toBe(false);
  });
});
