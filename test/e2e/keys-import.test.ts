/**
 * `keys import`: an existing KRISHIV_API_KEYS value (env file or stdin) into the key store as
 * Argon2id hashes; the store's own checks then know those keys.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

async function newKey(dir: string, name: string): Promise<string> {
  const r = await runCli(['generate-key', '--name', name, '--store', 'elsewhere.json', '--json'], { cwd: dir });
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { key: string }).key;
}

describe('keys import', () => {
  it('imports krishiv keys from an env file, reports the others, never prints a key; a second run finds them there', async () => {
    const dir = tempDir('kimp-');
    const alice = await newKey(dir, 'alice');
    const bob = await newKey(dir, 'bob');
    writeFileSync(path.join(dir, 'flight.env'), `A=1\nKRISHIV_API_KEYS=${alice}=alice,legacy-secret-value=ops,${bob}=bob\n`);
    const r = await runCli(['keys', 'import', '--env-file', 'flight.env', '--json'], { cwd: dir });
    expect(r.code).toBe(1); // one entry could not be imported
    for (const text of [r.stdout, r.stderr, readFileSync(path.join(dir, 'krishiv-keys.json'), 'utf8')]) {
      expect(text).not.toContain(alice);
      expect(text).not.toContain(bob);
      expect(text).not.toContain('legacy-secret-value');
    }
    const doc = JSON.parse(r.stdout) as {
      imported: number;
      present: number;
      failed: number;
      results: { status: string; subject: string }[];
    };
    expect([doc.imported, doc.present, doc.failed]).toEqual([2, 0, 1]);
    expect(doc.results.map((x) => [x.subject, x.status])).toEqual([
      ['alice', 'imported'],
      ['ops', 'skipped'],
      ['bob', 'imported'],
    ]);
    const v = await runCli(['keys', 'verify', '-'], { cwd: dir, input: `${alice}\n` });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('alice');
    const again = await runCli(['keys', 'import', '--env-file', 'flight.env', '--json'], { cwd: dir });
    expect((JSON.parse(again.stdout) as { present: number; imported: number }).present).toBe(2);
    expect((JSON.parse(again.stdout) as { present: number; imported: number }).imported).toBe(0);
  });

  it('takes the bare value or env lines on stdin; --dry-run writes nothing; an id with another secret is never overwritten', async () => {
    const dir = tempDir('kimp-');
    const carol = await newKey(dir, 'carol');
    const dry = await runCli(['keys', 'import', '--dry-run'], { cwd: dir, input: `${carol}=carol\n` });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('to import');
    expect(() => statSync(path.join(dir, 'krishiv-keys.json'))).toThrow();
    const real = await runCli(['keys', 'import', '-'], { cwd: dir, input: `export KRISHIV_API_KEYS="${carol}=carol"\n` });
    expect(real.code).toBe(0);
    const before = readFileSync(path.join(dir, 'krishiv-keys.json'), 'utf8');
    const forged = `${carol.slice(0, -4)}AAAA`;
    const clash = await runCli(['keys', 'import', '--json'], { cwd: dir, input: `${forged}=mallory` });
    expect(clash.code).toBe(1);
    expect(JSON.parse(clash.stdout)).toMatchObject({ results: [{ status: 'conflict', subject: 'mallory' }] });
    expect(readFileSync(path.join(dir, 'krishiv-keys.json'), 'utf8')).toBe(before);
  });

  it('refuses a value the Flight server refuses, a key on argv, and empty input (exit 2, nothing written)', async () => {
    const dir = tempDir('kimp-');
    const bad = await runCli(['keys', 'import'], { cwd: dir, input: 'no-equals-sign-here' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<entry 1, redacted>');
    expect(bad.stderr).not.toContain('no-equals-sign-here');
    const argv = await runCli(['keys', 'import', 'krishiv_abcdefgh_x=y'], { cwd: dir });
    expect(argv.code).toBe(2);
    expect(argv.stderr).not.toContain('krishiv_abcdefgh_x');
    const empty = await runCli(['keys', 'import'], { cwd: dir, input: '' });
    expect(empty.code).toBe(2);
    expect(() => statSync(path.join(dir, 'krishiv-keys.json'))).toThrow();
  });
});
