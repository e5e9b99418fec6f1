import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret, redactUrlPasswords, wordForMessage } from '../../src/util/secret.js';

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

describe('redactUrlPasswords (issue 12)', () => {
  it.each([
    ['https://alice:s3cr3t@idp.example/x', 'https://alice:***@idp.example/x'],
    ['asked for "http://u:p@h:1/" and "https://v:q@k/"', 'asked for "http://u:***@h:1/" and "https://v:***@k/"'],
    ['https://user@h/', 'https://user@h/'],
    ['https://h/a:b@c', 'https://h/a:b@c'],
    ['no url', 'no url'],
    // leak audit: the userinfo ends at the authority's last `@`, as a URL parser reads it
    ['s3://u:ab@Pw9Gh4Jk7Lm2@bucket/x', 's3://u:***@bucket/x'],
    ['https://a@b:Pw9Gh4Jk7Lm2@h/', 'https://a@b:***@h/'],
    // a pasted password with `/`, `?` or `#` (not a valid URL) is masked to the `@` after it
    ['https://u:p/Pw9Gh4Jk7Lm2@idp/jwks', 'https://u:***@idp/jwks'],
    ['postgres://u:a?Pw9Gh4Jk7Lm2@db', 'postgres://u:***@db'],
    // … but a port stays, and so does an `@` further on in the path
    ['https://host:8080/users/@alice', 'https://host:8080/users/@alice'],
    ['https://host:/x@y', 'https://host:/x@y'],
    // two URLs in one value, and JSON text keeps its structure
    ['http://u:p@h:1/,https://v:q@r@k/', 'http://u:***@h:1/,https://v:***@k/'],
    ['{"a":"https://u:p@h","b":"x@y"}', '{"a":"https://u:***@h","b":"x@y"}'],
    ['https://u:@h/', 'https://u:@h/'],
  ])('%s', (text, shown) => {
    expect(redactUrlPasswords(text)).toBe(shown);
  });
  it('a long run of URL heads without an @ (3 MB of one value) is read once, not once per URL', () => {
    const text = 'h://u:x/'.repeat(400_000);
    expect(redactUrlPasswords(text)).toBe(text);
    expect(redactUrlPasswords(`${text}@h`)).toBe(`h://u:***@h`);
  });
  it('no password of any generated URL survives', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,10}$/),
        fc.stringMatching(/^[A-Za-z0-9!$&'()*+,;=%-]{6,30}$/),
        fc.string({ maxLength: 20 }),
        (user, pw, rest) => {
          const out = redactUrlPasswords(`x https://${user}:${pw}@host.example/${rest}`);
          expect(out).not.toContain(`:${pw}@`);
          expect(out).toContain(`x https://${user}:***@host.example/`);
        },
      ),
    );
  });
});

describe('wordForMessage', () => {
  it('quotes names, flags and variable references; anything else is not shown', () => {
    for (const shown of ['executor', 'krishiv-executor', '--connect', '-h', '$(MODE)', '${MODE}', '$MODE', 'MODE=on', '--x=abc', ''])
      expect(wordForMessage(shown)).toBe(shown);
    for (const hidden of ['QxLk7Vb2Nm9Pz4Rt8Wc3Hy6Jd1Fg5Ks0Ae2Uo7Ib', 'tok-SECRET', '$(A B)', '$(X)y', 'a=b=c+d/'])
      expect(wordForMessage(hidden)).not.toContain(hidden.slice(-4));
    expect(wordForMessage('--token=QxLk7Vb2Nm9Pz4Rt8Wc3')).toBe('--token=<value not shown>');
  });
});
