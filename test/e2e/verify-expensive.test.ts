/**
 * Inputs crafted to be expensive: each is refused or answered (exit 1 or 2), never a hang and
 * never exit 70. No timing assertion: a hang would hit the test timeout.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';
import { makeKey, signToken, type TestKey } from '../jwt/tokens.js';

const NOW = '2026-11-24T13:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
let dir: string;
let rsa: TestKey;
let jwks: string;
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const file = (name: string, content: string): string => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};

beforeAll(() => {
  dir = tempDir('verify-expensive-');
  rsa = makeKey('RSA', 'rsa-1');
  jwks = file('jwks.json', JSON.stringify({ keys: [rsa.jwk] }));
});

describe('expensive inputs', () => {
  it('a payload nested 24,000 levels deep (in a claim the engine skips): answered, printable, --json and decode too', async () => {
    const n = 24_000;
    const token = `${b64('{"alg":"RS256"}')}.${b64(`{"sub":"a","exp":${NOW_S + 600},"x":${'['.repeat(n)}${']'.repeat(n)}}`)}.AAAA`;
    for (const args of [
      ['verify', '-', '--jwks', jwks],
      ['verify', '--json', '-', '--jwks', jwks],
      ['decode', '-'],
      ['decode', '--json', '-'],
    ]) {
      const r = await runCli([...args, '--now', NOW], { input: token });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), args[0] === 'decode' ? 0 : 1]);
      if (args.includes('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
      else if (args[0] === 'verify')
        expect(r.stdout).toContain(
          "REJECTED: the token is too long for the coordinator's HTTP/2 headers; the request is refused before authentication",
        );
      expect(r.stderr).not.toContain('internal error');
    }
  });
  it('a header nested 20,000 levels deep: rejected (serde stops at 127)', async () => {
    const n = 20_000;
    const token = `${b64(`{"alg":"RS256","x":${'['.repeat(n)}${']'.repeat(n)}}`)}.${b64(`{"sub":"a","exp":${NOW_S + 600}}`)}.AAAA`;
    const r = await runCli(['verify', '--json', '-', '--jwks', jwks, '--now', NOW], { input: token });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.find((f: { code: string }) => f.code === 'malformed').message).toContain(
      'recursion limit exceeded',
    );
  });
  it('a JWKS with a 700 KB exponent, or a 700 KB modulus: refused from their length, the token REJECTED', async () => {
    const token = await signToken(rsa, { sub: 'a', exp: NOW_S + 600 });
    for (const key of [
      { kty: 'RSA', n: rsa.jwk['n'], e: Buffer.alloc(512 * 1024, 0xff).toString('base64url') },
      { kty: 'RSA', n: Buffer.alloc(512 * 1024, 0xff).toString('base64url'), e: 'AQAB' },
    ]) {
      const r = await runCli(['verify', '--json', '-', '--jwks', file('big.json', JSON.stringify({ keys: [key] })), '--now', NOW], {
        input: token,
      });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ code: 'signature_invalid' })]);
      expect(JSON.parse(r.stdout).jwks.neverVerify).toBe(1);
    }
    const people = await runCli(
      ['verify', '-', '--jwks', file('e1.json', JSON.stringify({ keys: [{ kty: 'RSA', n: rsa.jwk['n'], e: 'AQ' }] })), '--now', NOW],
      { input: token },
    );
    expect(people.stdout).toContain("1/1 usable key(s), RSA; 1 of them never verify (the engine's crypto backend refuses them)");
  });
  it('a JWKS key with a member nested 300,000 levels deep: the engine drops the set (exit 1); generate-key --jwks reads it without crashing', async () => {
    const n = 300_000;
    const deep = file(
      'deep.json',
      `{"keys":[{"kty":"RSA","n":"${String(rsa.jwk['n'])}","e":"AQAB","x":${'['.repeat(n)}${']'.repeat(n)}}]}`,
    );
    const token = await signToken(rsa, { sub: 'a', exp: NOW_S + 600 });
    const r = await runCli(['verify', '--json', '-', '--jwks', deep, '--now', NOW], { input: token });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ code: 'no_usable_keys' })]);
    // generate-key --jwks refuses to merge into it before writing anything
    const cwd = tempDir('gk-');
    writeFileSync(path.join(cwd, 'jwks.json'), `{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","x":${'['.repeat(n)}${']'.repeat(n)}}]}`);
    const g = await runCli(['generate-key', '--type', 'jwk', '--out', 'k.jwk', '--jwks', 'jwks.json'], { cwd });
    expect([g.code, g.stderr]).toEqual([2, expect.stringContaining('JWKS is nested more than 64 levels deep')]);
    expect(readdirSync(cwd)).toEqual(['jwks.json']);
  });
  it('a JWKS over 1 MiB is refused: exit 2', async () => {
    const big = file('huge.json', JSON.stringify({ keys: [rsa.jwk], pad: 'x'.repeat(1024 * 1024) }));
    const r = await runCli(['verify', '-', '--jwks', big, '--now', NOW], { input: await signToken(rsa, { sub: 'a', exp: NOW_S + 600 }) });
    expect(r.code).toBe(2);
  });
});
