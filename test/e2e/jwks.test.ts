/**
 * `jwks add|list|remove|public`: managing a JWKS file of test keys with the built CLI.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

async function keyPair(dir: string, name: string, alg = 'ES256'): Promise<{ kid: string; d: string }> {
  const r = await runCli(['generate-key', '--type', 'jwk', '--alg', alg, '--out', name, '--json'], { cwd: dir });
  expect(r.code).toBe(0);
  const priv = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { kid: string; d: string };
  return priv;
}

describe('jwks', () => {
  it('add puts the public half of a private JWK into a new set (0644), never a private member; a signed token verifies against it', async () => {
    const dir = tempDir('kjwks-');
    const priv = await keyPair(dir, 'a.jwk');
    const r = await runCli(['jwks', 'add', 'set.json', 'a.jwk', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, created: true, keys: 1, added: { kid: priv.kid, kty: 'EC' } });
    const text = readFileSync(path.join(dir, 'set.json'), 'utf8');
    expect(text).not.toContain(priv.d);
    expect(text).not.toContain('"d"');
    expect(statSync(path.join(dir, 'set.json')).mode & 0o777).toBe(0o644);
    const token = (await runCli(['sign', '--key', 'a.jwk', '--sub', 'tester', '--aud', 'krishiv'], { cwd: dir })).stdout.trim();
    const v = await runCli(['verify', '-', '--jwks', 'set.json', '--audience', 'krishiv'], { cwd: dir, input: token });
    expect(v.code).toBe(0);
  });

  it('a kid already in the set is refused (exit 1, file unchanged); another family warns; --kid names the key', async () => {
    const dir = tempDir('kjwks-');
    await keyPair(dir, 'a.jwk');
    await keyPair(dir, 'r.jwk', 'RS256');
    expect((await runCli(['jwks', 'add', 'set.json', 'a.jwk'], { cwd: dir })).code).toBe(0);
    const before = readFileSync(path.join(dir, 'set.json'), 'utf8');
    const dup = await runCli(['jwks', 'add', 'set.json', 'a.jwk'], { cwd: dir });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('(ERR_KID_DUPLICATE)');
    expect(readFileSync(path.join(dir, 'set.json'), 'utf8')).toBe(before);
    const mixed = await runCli(['jwks', 'add', 'set.json', '-', '--kid', 'rsa-1'], {
      cwd: dir,
      input: readFileSync(path.join(dir, 'r.jwk')),
    });
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain('mixes key families');
    const list = await runCli(['jwks', 'list', 'set.json', '--json'], { cwd: dir });
    const doc = JSON.parse(list.stdout) as { keys: { kid: string; kty: string; usable: boolean; engine: string }[] };
    expect(doc.keys.map((k) => [k.kty, k.usable])).toEqual([
      ['EC', true],
      ['RSA', true],
    ]);
    expect(doc.keys[1]).toMatchObject({ kid: 'rsa-1', engine: 'RS256, RS384, RS512, PS256, PS384, PS512' });
    const text = await runCli(['jwks', 'list', 'set.json'], { cwd: dir });
    expect(text.stdout.split('\n')[0]).toMatch(/^KID\s+KTY\s+CURVE\/SIZE\s+ALG\s+COORDINATOR$/);
  });

  it('remove takes a key out by kid; an unknown kid or the last key (without --allow-empty) changes nothing, exit 1', async () => {
    const dir = tempDir('kjwks-');
    const a = await keyPair(dir, 'a.jwk');
    await runCli(['jwks', 'add', 'set.json', 'a.jwk'], { cwd: dir });
    await runCli(['jwks', 'add', 'set.json', 'a.jwk', '--kid', 'second'], { cwd: dir });
    const unknown = await runCli(['jwks', 'remove', 'set.json', 'nope'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no key with kid "nope"');
    expect((await runCli(['jwks', 'remove', 'set.json', 'second'], { cwd: dir })).code).toBe(0);
    // `--`: a thumbprint kid starts with '-' one time in 64 and would be read as an option
    const last = await runCli(['jwks', 'remove', 'set.json', '--', a.kid], { cwd: dir });
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('--allow-empty');
    expect((JSON.parse(readFileSync(path.join(dir, 'set.json'), 'utf8')) as { keys: unknown[] }).keys).toHaveLength(1);
    expect((await runCli(['jwks', 'remove', 'set.json', '--allow-empty', '--', a.kid], { cwd: dir })).code).toBe(0);
    const missing = await runCli(['jwks', 'remove', 'nothere.json', 'x'], { cwd: dir });
    expect(missing.code).toBe(2);
  });

  it('public prints the public half only; a symmetric key or a broken file is exit 2', async () => {
    const dir = tempDir('kjwks-');
    const a = await keyPair(dir, 'a.jwk');
    const r = await runCli(['jwks', 'public', 'a.jwk'], { cwd: dir });
    expect(r.code).toBe(0);
    const pub = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(pub).toMatchObject({ kty: 'EC', crv: 'P-256', kid: a.kid });
    expect(pub['d']).toBeUndefined();
    writeFileSync(path.join(dir, 'oct.jwk'), '{"kty":"oct","k":"c2VjcmV0"}');
    const oct = await runCli(['jwks', 'add', 'set.json', 'oct.jwk'], { cwd: dir });
    expect(oct.code).toBe(2);
    expect(oct.stderr).not.toContain('c2VjcmV0');
    writeFileSync(path.join(dir, 'broken.json'), '{"keys": 5}');
    expect((await runCli(['jwks', 'list', 'broken.json'], { cwd: dir })).code).toBe(2);
  });
});
