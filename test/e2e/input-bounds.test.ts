/**
 * Issue 12, items 6-8 end to end: inputs whose cost or shape once hung the tool, crashed it with
 * exit 70 or leaked a secret fragment are now typed errors (exit 2, one JSON document under
 * --json), bounded, and change nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const work = (): string => tempDir('krishiv-bounds-');
const HASH_T = (t: number, m = 19456): string => `$argon2id$v=19$m=${m},t=${t},p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA`;
const TOKEN = 'krishiv_abcdefgh_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';

function errorDoc(stdout: string): { code: string; message: string; input?: string } {
  const doc = JSON.parse(stdout) as { ok: boolean; error: { code: string; message: string; input?: string } };
  expect(doc.ok).toBe(false);
  return doc.error;
}

describe('env files: linear, bounded, typed', () => {
  it('a 748-byte $VAR doubling chain is ERR_ENV_PARSE (exit 2, one JSON document), not exit 70', async () => {
    const cwd = work();
    const lines = ['V0=xxxxxxxxxxxxxxxx', ...Array.from({ length: 40 }, (_, i) => `V${i + 1}=\${V${i}}\${V${i}}`)];
    writeFileSync(path.join(cwd, 'chain.env'), `${lines.join('\n')}\n`);
    const r = await runCli(['check-production', '--env-file', 'chain.env', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect(errorDoc(r.stdout)).toMatchObject({ code: 'ERR_ENV_PARSE', input: expect.stringMatching(/^chain\.env:\d+$/) });
  });

  it('a 4 MB value of one repeated character in a secret is a placeholder finding, not a stack overflow', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'r.env'), `KRISHIV_COORDINATOR_BEARER_TOKEN="${'a'.repeat(4 * 1024 * 1024 - 100)}"\n`);
    const r = await runCli(['check-production', '--env-file', 'r.env', '--role', 'coordinator', '--json'], { cwd });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; status: string; message: string }[] };
    expect(doc.findings.find((f) => f.id === 'HYG-PLACEHOLDER-SECRET')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('one repeated character'),
    });
  });

  it('a 100,000-line quoted value is read (it was quadratic: 23.6 s)', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'm.env'), `A="${'x\n'.repeat(100_000)}"\nKRISHIV_PRODUCTION=1\n`);
    const r = await runCli(['check-production', '--env-file', 'm.env', '--print-env', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { vars: { name: string; line: number }[] }).vars.map((v) => [v.name, v.line])).toEqual([
      ['A', 1],
      ['KRISHIV_PRODUCTION', 100_002],
    ]);
  });
});

describe('key stores and JWKS: bounded costs and nesting, no quoted secret', () => {
  it('a stored hash with t=9999 is refused before any hashing (keys verify, check-production --store)', async () => {
    const cwd = work();
    const store = { version: 1, records: [{ id: 'abcdefgh', name: 'svc', createdAt: '2026-01-01T00:00:00Z', hash: HASH_T(9999) }] };
    writeFileSync(path.join(cwd, 'k.json'), JSON.stringify(store));
    const before = readFileSync(path.join(cwd, 'k.json'), 'utf8');
    const v = await runCli(['keys', 'verify', '-', '--store', 'k.json', '--json'], { cwd, input: `${TOKEN}\n` });
    expect(v.code).toBe(2);
    expect(errorDoc(v.stdout).message).toContain('t=9999');
    writeFileSync(path.join(cwd, 'f.env'), `KRISHIV_API_KEYS=${TOKEN}=svc\n`);
    const c = await runCli(['check-production', '--env-file', 'f.env', '--store', 'k.json', '--json'], { cwd });
    expect(c.code).toBe(2);
    expect(errorDoc(c.stdout).code).toBe('ERR_STORE_CORRUPT');
    expect(readFileSync(path.join(cwd, 'k.json'), 'utf8')).toBe(before);
  });

  it('a token file given as --store is not quoted in the error (it was: 10-40 characters)', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'token.txt'), `${TOKEN}\n`);
    const r = await runCli(['keys', 'list', '--store', 'token.txt', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(/krishiv_ab|Zm9vYmFy/);
    const g = await runCli(['generate-key', '--type', 'jwk', '--out', 'p.jwk', '--jwks', 'token.txt'], { cwd });
    expect(g.code).toBe(2);
    expect(g.stdout + g.stderr).not.toMatch(/krishiv_ab|Zm9vYmFy/);
    expect(existsSync(path.join(cwd, 'p.jwk'))).toBe(false);
  });

  it('a deeply nested store or JWKS is exit 2 with nothing written (the JWKS case left a private key)', async () => {
    const cwd = work();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    writeFileSync(
      path.join(cwd, 'k.json'),
      `{"version":1,"records":[{"id":"abcdefgh","name":"n","createdAt":"2026-01-01T00:00:00Z","hash":"${HASH_T(1, 1024)}","x":${deep}}]}`,
    );
    const g = await runCli(['generate-key', '--name', 'b', '--store', 'k.json', '--json'], { cwd });
    expect(g.code).toBe(2);
    expect(errorDoc(g.stdout).message).toContain('nested more than 64 levels deep');
    writeFileSync(path.join(cwd, 'set.json'), `{"keys":[],"x":${deep}}`);
    const j = await runCli(['generate-key', '--type', 'jwk', '--out', 'p.jwk', '--jwks', 'set.json', '--json'], { cwd });
    expect(j.code).toBe(2);
    expect(errorDoc(j.stdout).code).toBe('ERR_JWKS_MALFORMED');
    expect(existsSync(path.join(cwd, 'p.jwk'))).toBe(false);
  });
});

describe('times and durations', () => {
  it('--now 2026-02-30 and --expires 2026-04-31 are refused, never rolled over', async () => {
    const cwd = work();
    const d = await runCli(['decode', '-', '--now', '2026-02-30', '--json'], { cwd, input: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
    expect(d.code).toBe(2);
    expect(errorDoc(d.stdout)).toMatchObject({ code: 'ERR_INVALID_TIME', input: '--now' });
    const g = await runCli(['generate-key', '--name', 'a', '--store', 'k.json', '--expires', '2026-04-31', '--json'], { cwd });
    expect(g.code).toBe(2);
    expect(errorDoc(g.stdout).message).toContain('month 4 of 2026 has 30 days');
    expect(existsSync(path.join(cwd, 'k.json'))).toBe(false);
  });
});
