import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { runCli } from '../helpers/run-cli.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A temp working dir with fast Argon2 parameters in its config (unless `fast` is false). */
function workdir(fast = true): string {
  const d = tempDir('krishiv-genkey-');
  if (fast) writeFileSync(path.join(d, '.krishiv-authrc.json'), JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 } }));
  return d;
}

const mode = (f: string): number => statSync(f).mode & 0o777;
const KEY = /^krishiv_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/;

describe('generate-key --type api-key', () => {
  it('prints the key then the KRISHIV_API_KEYS entry; the store (0644) holds a hash, never the key', async () => {
    const cwd = workdir();
    const r = await runCli(['generate-key', '--name', 'ci-bot', '--tenant', 'acme', '--roles', 'reader', '--expires', '30d'], { cwd });
    expect(r.code).toBe(0);
    const [key, entry, ...rest] = r.stdout.split('\n');
    expect(rest).toEqual(['']);
    expect(key).toMatch(KEY);
    expect(entry).toBe(`${key}=ci-bot`);
    expect(r.stderr).toContain('created key store krishiv-keys.json');
    expect(r.stderr).not.toContain(key!);
    const file = path.join(cwd, 'krishiv-keys.json');
    expect(mode(file)).toBe(0o644);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key!);
    expect(text).not.toContain(key!.slice(17));
    const doc = JSON.parse(text) as { version: number; records: Record<string, unknown>[] };
    expect(doc.version).toBe(1);
    expect(doc.records).toHaveLength(1);
    expect(doc.records[0]).toMatchObject({ id: key!.slice(8, 16), name: 'ci-bot', tenant: 'acme', roles: ['reader'], revokedAt: null });
    expect(doc.records[0]!['hash']).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(Object.keys(doc.records[0]!)).toEqual([
      'id',
      'name',
      'tenant',
      'roles',
      'createdAt',
      'expiresAt',
      'revokedAt',
      'revokeReason',
      'hash',
    ]);
  });

  it('uses the default Argon2id parameters (m=19456, t=2, p=1) without config', async () => {
    const cwd = workdir(false);
    const r = await runCli(['generate-key', '--name', 'default-params', '--json'], { cwd });
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8');
    expect(text).toMatch(/"hash":"\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const doc = JSON.parse(r.stdout) as { key: string };
    const v = await runCli(['keys', 'verify'], { cwd, input: `${doc.key}\n` });
    expect(v.code).toBe(0);
  });

  it('--json: {key, entry, record} with no hash', async () => {
    const cwd = workdir();
    const r = await runCli(['generate-key', '--name', 'svc=etl', '--json'], { cwd });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; key: string; entry: string; record: Record<string, unknown>; tool: object };
    expect(doc.ok).toBe(true);
    expect(doc.key).toMatch(KEY);
    expect(doc.entry).toBe(`${doc.key}=svc=etl`);
    expect(doc.record).toMatchObject({ name: 'svc=etl', tenant: null, roles: [], expiresAt: null, revokedAt: null });
    expect(doc.record).not.toHaveProperty('hash');
    expect(r.stdout).not.toContain('argon2');
  });

  it('store precedence: --store > KRISHIV_AUTH_STORE > config store', async () => {
    const cwd = workdir();
    writeFileSync(path.join(cwd, '.krishiv-authrc.json'), JSON.stringify({ store: 'cfg.json', argon2: { memoryCost: 1024, timeCost: 1 } }));
    expect((await runCli(['generate-key', '--name', 'a'], { cwd })).code).toBe(0);
    expect(existsSync(path.join(cwd, 'cfg.json'))).toBe(true);
    expect((await runCli(['generate-key', '--name', 'b'], { cwd, env: { KRISHIV_AUTH_STORE: 'env.json' } })).code).toBe(0);
    expect(existsSync(path.join(cwd, 'env.json'))).toBe(true);
    expect(
      (await runCli(['generate-key', '--name', 'c', '--store', 'flag.json'], { cwd, env: { KRISHIV_AUTH_STORE: 'env.json' } })).code,
    ).toBe(0);
    expect(existsSync(path.join(cwd, 'flag.json'))).toBe(true);
    expect(existsSync(path.join(cwd, 'krishiv-keys.json'))).toBe(false);
  });

  it('keeps an existing store mode', async () => {
    const cwd = workdir();
    await runCli(['generate-key', '--name', 'a'], { cwd });
    chmodSync(path.join(cwd, 'krishiv-keys.json'), 0o600);
    await runCli(['generate-key', '--name', 'b'], { cwd });
    expect(mode(path.join(cwd, 'krishiv-keys.json'))).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"version":1,"records":['],
    ['unknown version', '{"format":"krishiv-auth/key-store","version":7,"records":[]}\n'],
  ])('a %s store: exit 2, the bytes are unchanged', async (_what, text) => {
    const cwd = workdir();
    const file = path.join(cwd, 'krishiv-keys.json');
    writeFileSync(file, text);
    const r = await runCli(['generate-key', '--name', 'x', '--json'], { cwd });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; input: string; message: string } };
    expect(doc.ok).toBe(false);
    expect(['ERR_STORE_CORRUPT', 'ERR_STORE_VERSION']).toContain(doc.error.code);
    expect(doc.error.input).toBe('krishiv-keys.json');
    expect(doc.error.message).toContain('left unchanged');
    expect(r.stdout).not.toMatch(/krishiv_[a-z2-7]{8}_/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each([
    [['generate-key'], '--name is required'],
    [['generate-key', '--name', 'a,b'], 'must not contain ","'],
    [['generate-key', '--name', 'a', '--roles', 'root'], '"root" is not a role'],
    [['generate-key', '--name', 'a', '--expires', 'soon'], 'is not a time'],
    [['generate-key', '--name', 'a', '--expires', '2020-01-01'], 'is in the past'],
    [['generate-key', '--name', 'a', '--bytes', '32'], '--bytes applies to --type bearer, not --type api-key'],
    [['generate-key', '--type', 'password'], '"password" is not a key type (api-key, bearer, jwk)'],
  ])('usage errors exit 2 and write nothing: %j', async (args, message) => {
    const cwd = workdir();
    const r = await runCli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(cwd, 'krishiv-keys.json'))).toBe(false);
  });
});

describe('generate-key --type bearer', () => {
  it('prints the token; the fingerprint goes to stderr', async () => {
    const r = await runCli(['generate-key', '--type', 'bearer']);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toContain(`fingerprint ${engineFingerprint(token)}`);
  });

  it('--for ui --encoding hex --bytes 20: the KRISHIV_UI_TOKEN line', async () => {
    const r = await runCli(['generate-key', '--type', 'bearer', '--for', 'ui', '--encoding', 'hex', '--bytes', '20']);
    expect(r.code).toBe(0);
    const [token, line] = r.stdout.trim().split('\n');
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(line).toBe(`KRISHIV_UI_TOKEN=${token}`);
  });

  it('--json: {token, fingerprint, variable}', async () => {
    const r = await runCli(['generate-key', '--type', 'bearer', '--for', 'executor-task', '--json']);
    const doc = JSON.parse(r.stdout) as { token: string; fingerprint: string; variable: string };
    expect(doc.variable).toBe('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN');
    expect(doc.fingerprint).toBe(engineFingerprint(doc.token));
  });

  it('--out: a 0600 file with the token and a newline; stdout has the fingerprint and the _FILE line, never the token', async () => {
    const cwd = workdir();
    const r = await runCli(['generate-key', '--type', 'bearer', '--for', 'coordinator', '--out', 'coord.token'], { cwd });
    expect(r.code).toBe(0);
    const file = path.join(cwd, 'coord.token');
    expect(mode(file)).toBe(0o600);
    const content = readFileSync(file, 'utf8');
    expect(content).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const token = content.trim();
    expect(r.stdout).toBe(`${engineFingerprint(token)}\nKRISHIV_COORDINATOR_BEARER_TOKEN_FILE=${file}\n`);
    expect(r.stdout + r.stderr).not.toContain(token);

    const j = await runCli(['generate-key', '--type', 'bearer', '--for', 'shuffle', '--out', 'coord.token', '--force', '--json'], { cwd });
    const doc = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(doc).not.toHaveProperty('token');
    expect(doc['variable']).toBe('KRISHIV_SHUFFLE_TOKEN_FILE');
    expect(doc['fingerprint']).toBe(engineFingerprint(readFileSync(file, 'utf8').trim()));
  });

  it('--out refuses an existing file without --force (exit 1, file unchanged)', async () => {
    const cwd = workdir();
    const file = path.join(cwd, 'coord.token');
    writeFileSync(file, 'in-use-token\n', { mode: 0o600 });
    const r = await runCli(['generate-key', '--type', 'bearer', '--out', 'coord.token', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_EXISTS', input: 'coord.token' } });
    expect(r.stderr).toContain('pass --force to replace it');
    expect(readFileSync(file, 'utf8')).toBe('in-use-token\n');
    const k = await runCli(['generate-key', '--type', 'jwk', '--out', 'coord.token', '--jwks', 'jwks.json'], { cwd });
    expect(k.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('in-use-token\n');
    expect(existsSync(path.join(cwd, 'jwks.json'))).toBe(false);
  });

  it('--out --force over a 0644 file replaces it and tightens it to 0600 with a warning', async () => {
    const cwd = workdir();
    const file = path.join(cwd, 't');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const r = await runCli(['generate-key', '--type', 'bearer', '--out', 't', '--force'], { cwd });
    expect(r.code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(r.stderr).toContain('t was 0644; it is now 0600');
  });

  it('executor-task has no _FILE variable: warns', async () => {
    const cwd = workdir();
    const r = await runCli(['generate-key', '--type', 'bearer', '--for', 'executor-task', '--out', 'e.token'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('there is no _FILE variable');
  });

  it('--bytes 15 is refused', async () => {
    const r = await runCli(['generate-key', '--type', 'bearer', '--bytes', '15']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at least 16');
  });
});

describe('generate-key --type jwk and sign', () => {
  it('ES256 into a new JWKS; a token from sign verifies with jose over that JWKS', async () => {
    const cwd = workdir();
    const r = await runCli(['generate-key', '--type', 'jwk', '--out', 'signing.jwk', '--jwks', 'jwks.json', '--json'], { cwd });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { kid: string; alg: string; jwks: { keys: number; created: boolean }; warnings: unknown[] };
    expect(doc.alg).toBe('ES256');
    expect(doc.jwks).toMatchObject({ keys: 1, created: true });
    expect(doc.warnings).toEqual([]);
    expect(r.stdout).not.toContain('"d"');
    expect(mode(path.join(cwd, 'signing.jwk'))).toBe(0o600);
    expect(mode(path.join(cwd, 'jwks.json'))).toBe(0o644);
    const priv = JSON.parse(readFileSync(path.join(cwd, 'signing.jwk'), 'utf8')) as Record<string, string>;
    expect(priv).toMatchObject({ kty: 'EC', crv: 'P-256', kid: doc.kid, alg: 'ES256', use: 'sig' });
    expect(priv['d']).toBeTypeOf('string');
    const jwksText = readFileSync(path.join(cwd, 'jwks.json'), 'utf8');
    expect(jwksText).not.toContain('"d"');

    const s = await runCli(
      ['sign', '--key', 'signing.jwk', '--sub', 'alice', '--role', 'admin', '--aud', 'krishiv', '--ttl', '1h', '--claim', 'team=blue'],
      { cwd },
    );
    expect(s.code).toBe(0);
    const token = s.stdout.trim();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(JSON.parse(jwksText)), { audience: 'krishiv' });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: doc.kid });
    expect(payload).toMatchObject({ sub: 'alice', krishiv_role: 'admin', aud: 'krishiv', team: 'blue' });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('a second family warns loudly; a duplicate kid is refused with nothing changed', async () => {
    const cwd = workdir();
    await runCli(['generate-key', '--type', 'jwk', '--out', 'a.jwk', '--jwks', 'jwks.json', '--kid', 'one'], { cwd });
    const mixed = await runCli(['generate-key', '--type', 'jwk', '--alg', 'EdDSA', '--out', 'b.jwk', '--jwks', 'jwks.json'], { cwd });
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain('warning: this JWKS mixes key families (EC + OKP)');
    expect(mixed.stderr).toContain('rejects EVERY token');
    const before = readFileSync(path.join(cwd, 'jwks.json'));
    const dup = await runCli(['generate-key', '--type', 'jwk', '--out', 'c.jwk', '--jwks', 'jwks.json', '--kid', 'one', '--json'], { cwd });
    expect(dup.code).toBe(1);
    expect((JSON.parse(dup.stdout) as { error: { code: string } }).error.code).toBe('ERR_KID_DUPLICATE');
    expect(readFileSync(path.join(cwd, 'jwks.json')).equals(before)).toBe(true);
    expect(existsSync(path.join(cwd, 'c.jwk'))).toBe(false);
  });

  it.each([
    ['not JSON', 'nope'],
    ['no keys array', '{"keys": 1}'],
  ])('a JWKS that is %s: exit 2, nothing written', async (_what, text) => {
    const cwd = workdir();
    writeFileSync(path.join(cwd, 'jwks.json'), text);
    const r = await runCli(['generate-key', '--type', 'jwk', '--out', 'k.jwk', '--jwks', 'jwks.json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERR_JWKS_MALFORMED');
    expect(readFileSync(path.join(cwd, 'jwks.json'), 'utf8')).toBe(text);
    expect(existsSync(path.join(cwd, 'k.jwk'))).toBe(false);
  });

  it('--out is required', async () => {
    const r = await runCli(['generate-key', '--type', 'jwk']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out <private.jwk> is required');
  });
});
