import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { runCli } from '../helpers/run-cli.js';

let cwd: string;
beforeAll(async () => {
  cwd = tempDir('krishiv-sign-');
  for (const [alg, name] of [
    ['ES256', 'es'],
    ['RS256', 'rs'],
    ['PS256', 'ps'],
    ['EdDSA', 'ed'],
    ['ES384', 'es384'],
  ]) {
    const r = await runCli(['generate-key', '--type', 'jwk', '--alg', alg!, '--out', `${name}.jwk`, '--jwks', `${name}.jwks.json`], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
  }
});

const jwks = (name: string) => createLocalJWKSet(JSON.parse(readFileSync(path.join(cwd, `${name}.jwks.json`), 'utf8')));

describe('sign', () => {
  it.each(['es', 'rs', 'ps', 'ed', 'es384'])('%s: the token verifies with jose over the --jwks file', async (name) => {
    const r = await runCli(['sign', '--key', `${name}.jwk`, '--sub', 'svc', '--role', 'reader'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const { payload } = await jwtVerify(r.stdout.trim(), jwks(name));
    expect(payload).toMatchObject({ sub: 'svc', krishiv_role: 'reader' });
    expect(payload.exp! - payload.iat!).toBe(900); // default --ttl 15m
  });

  it('--json: {token, header, claims}; --claim values as JSON or text', async () => {
    const r = await runCli(
      [
        'sign',
        '--key',
        'es.jwk',
        '--sub',
        'alice',
        '--aud',
        'krishiv',
        '--iss',
        'https://idp.test',
        '--ttl',
        '2h',
        '--claim',
        'n=5',
        '--claim',
        'team=blue',
        '--claim',
        'groups=["a","b"]',
        '--json',
      ],
      { cwd },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; token: string; header: Record<string, unknown>; claims: Record<string, unknown> };
    expect(doc.ok).toBe(true);
    expect(doc.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(doc.claims).toMatchObject({ sub: 'alice', aud: 'krishiv', iss: 'https://idp.test', n: 5, team: 'blue', groups: ['a', 'b'] });
    expect(decodeJwt(doc.token)).toEqual(doc.claims);
    expect((doc.claims['exp'] as number) - (doc.claims['iat'] as number)).toBe(7200);
    const { payload } = await jwtVerify(doc.token, jwks('es'), { audience: 'krishiv', issuer: 'https://idp.test' });
    expect(payload.sub).toBe('alice');
  });

  it.each([
    [['sign', '--key', 'es.jwk'], '--sub is required'],
    [['sign', '--sub', 'a'], '--key <private.jwk> is required'],
    [['sign', '--key', 'es.jwk', '--sub', 'a', '--claim', 'exp=1'], '"exp" cannot be set with --claim; use --ttl'],
    [['sign', '--key', 'es.jwk', '--sub', 'a', '--role', 'root'], '"root" is not a role'],
    [['sign', '--key', 'es.jwk', '--sub', 'a', '--ttl', 'forever'], 'is not a duration'],
    [['sign', '--key', 'es.jwks.json', '--sub', 'a'], 'is not a JWK'],
    [['sign', '--key', 'missing.jwk', '--sub', 'a'], 'missing.jwk: cannot read'],
  ])('%j → exit 2: %s', async (args, message) => {
    const r = await runCli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('--now mints as of another time (an expired test token)', async () => {
    const r = await runCli(['sign', '--key', 'es.jwk', '--sub', 'old', '--now', '2026-01-01T00:00:00Z', '--ttl', '60', '--json'], { cwd });
    expect(r.code).toBe(0);
    const claims = (JSON.parse(r.stdout) as { claims: { iat: number; exp: number } }).claims;
    expect(claims).toMatchObject({ iat: 1767225600, exp: 1767225660 });
    await expect(jwtVerify((JSON.parse(r.stdout) as { token: string }).token, jwks('es'))).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    });
  });

  it('a public key cannot sign', async () => {
    const pub = (JSON.parse(readFileSync(path.join(cwd, 'es.jwks.json'), 'utf8')) as { keys: unknown[] }).keys[0];
    writeFileSync(path.join(cwd, 'pub.jwk'), JSON.stringify(pub));
    const r = await runCli(['sign', '--key', 'pub.jwk', '--sub', 'a', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'ERR_JWK_INVALID',
      message: expect.stringContaining('is not a private key'),
    });
  });
});
