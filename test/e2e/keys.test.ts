import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { parseStore, serializeStore } from '../../src/keys/store.js';

let cwd: string;
const keys: Record<string, string> = {};

async function gen(name: string, ...extra: string[]): Promise<string> {
  const r = await runCli(['generate-key', '--name', name, ...extra, '--json'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { key: string }).key;
}

beforeAll(async () => {
  cwd = tempDir('krishiv-keys-');
  writeFileSync(path.join(cwd, '.krishiv-authrc.json'), JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 } }));
  keys['live'] = await gen('live-bot', '--roles', 'writer', '--tenant', 'acme');
  keys['gone'] = await gen('gone-bot');
  keys['short'] = await gen('short-bot', '--expires', '2s');
  keys['dup1'] = await gen('twin');
  keys['dup2'] = await gen('twin');
  // Let short-bot expire without waiting out the 2 s on the real clock: its record now expires
  // when it was created (the store as the spawned CLI will read it, written back canonically).
  const file = path.join(cwd, 'krishiv-keys.json');
  const store = parseStore(readFileSync(file, 'utf8'), file);
  const short = store.records.find((r) => r.name === 'short-bot')!;
  // --expires 2s: two seconds from the options' clock, read a moment before createdAt
  expect(Date.parse(short.expiresAt!) - Date.parse(short.createdAt)).toBeGreaterThan(1900);
  short.expiresAt = short.createdAt;
  writeFileSync(file, serializeStore(store));
});

const id = (key: string): string => key.slice(8, 16);

describe('keys revoke', () => {
  it('marks revoked with a reason and keeps the record', async () => {
    const r = await runCli(['keys', 'revoke', 'gone-bot', '--reason', 'laptop lost', '--json'], { cwd });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { record: Record<string, unknown> };
    expect(doc.record).toMatchObject({ id: id(keys['gone']!), name: 'gone-bot', revokeReason: 'laptop lost' });
    expect(doc.record['revokedAt']).toMatch(/^\d{4}-/);
    expect(doc.record).not.toHaveProperty('hash');
    const store = JSON.parse(readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8')) as { records: { id: string }[] };
    expect(store.records.map((x) => x.id)).toContain(id(keys['gone']!));
  });

  it('already revoked → exit 1, store unchanged', async () => {
    const before = readFileSync(path.join(cwd, 'krishiv-keys.json'));
    const r = await runCli(['keys', 'revoke', id(keys['gone']!)], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was already revoked at');
    expect(r.stderr).toContain('ERR_KEY_ALREADY_REVOKED');
    expect(readFileSync(path.join(cwd, 'krishiv-keys.json')).equals(before)).toBe(true);
  });

  it('an ambiguous name → exit 1 listing the ids', async () => {
    const r = await runCli(['keys', 'revoke', 'twin', '--json'], { cwd });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; details: { ids: string[] } } };
    expect(doc.error.code).toBe('ERR_KEY_AMBIGUOUS');
    expect(doc.error.details.ids.sort()).toEqual([id(keys['dup1']!), id(keys['dup2']!)].sort());
    expect(doc.error.message).toContain('revoke one by id');
  });

  it('an unknown target → exit 1', async () => {
    const r = await runCli(['keys', 'revoke', 'nobody'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'krishiv-auth keys revoke: nobody: no key with this id or name in the key store; nothing changed (ERR_KEY_UNKNOWN)\n',
    );
  });
});

describe('keys verify', () => {
  it('a fresh key from stdin → exit 0 naming the record', async () => {
    const r = await runCli(['keys', 'verify'], { cwd, input: `${keys['live']}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`active    krishiv_${id(keys['live']!)}_…  live-bot (id ${id(keys['live']!)}, tenant acme, roles writer)\n`);
    expect(r.stdout + r.stderr).not.toContain(keys['live']!);
  });

  it('--json single: one document naming the record', async () => {
    const r = await runCli(['keys', 'verify', '-', '--json'], { cwd, input: keys['live'] });
    const doc = JSON.parse(r.stdout) as { ok: boolean; state: string; record: { name: string } };
    expect(doc).toMatchObject({ ok: true, state: 'active', record: { name: 'live-bot' } });
  });

  it('a key on argv works, with a warning', async () => {
    const r = await runCli(['keys', 'verify', keys['live']!], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: a key argument puts a secret on the command line');
  });

  it.each([
    ['revoked', () => keys['gone']!, 'revoked', 'revoked at'],
    ['expired', () => keys['short']!, 'expired', 'expired at'],
    ['wrong secret, valid id', () => `${keys['live']!.slice(0, 17)}${'A'.repeat(43)}`, 'mismatch', 'the secret does not match'],
    ['unknown id', () => `krishiv_zzzzzzzz_${'A'.repeat(43)}`, 'unknown', 'no key with this id'],
  ])('%s → exit 1 with the reason', async (_what, key, reason, message) => {
    const r = await runCli(['keys', 'verify', '--json'], { cwd, input: key() });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; reason: string; message: string };
    expect(doc.ok).toBe(false);
    expect(doc.reason).toBe(reason);
    expect(doc.message).toContain(message);
    const human = await runCli(['keys', 'verify'], { cwd, input: key() });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`rejected  `);
    expect(human.stdout).toContain(`${reason}: `);
  });

  it('a revoked key names the reason', async () => {
    const r = await runCli(['keys', 'verify'], { cwd, input: keys['gone'] });
    expect(r.stdout).toContain('(laptop lost)');
  });

  it('a malformed single key → exit 2', async () => {
    const r = await runCli(['keys', 'verify'], { cwd, input: 'hello\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERR_KEY_MALFORMED');
    expect(r.stderr).not.toContain('hello');
  });

  it('batch on stdin --json: ONE document with a result per key in order (numbered by input line), exit 1 when any fails', async () => {
    const input = [keys['live'], keys['gone'], '', 'garbage', keys['dup1']].join('\n');
    const r = await runCli(['keys', 'verify', '--json'], { cwd, input });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      total: number;
      active: number;
      tool: { engine: string };
      results: { line: number; ok: boolean; reason: string | null }[];
    };
    expect([doc.ok, doc.total, doc.active, doc.tool.engine]).toEqual([false, 4, 2, 'e8be785f']);
    const lines = doc.results;
    expect(lines.map((l) => [l.line, l.ok, l.reason])).toEqual([
      [1, true, null],
      [2, false, 'revoked'],
      [4, false, 'malformed'],
      [5, true, null],
    ]);
    expect(r.stdout).not.toContain(keys['live']!);
  });

  it('a KRISHIV_API_KEYS value on stdin: every key=subject entry is checked', async () => {
    const value = `${keys['live']}=live-bot, ${keys['dup1']}=twin,${keys['gone']}=gone-bot\n`;
    const r = await runCli(['keys', 'verify', '--json'], { cwd, input: value });
    expect(r.code).toBe(1);
    const lines = (JSON.parse(r.stdout) as { results: { line: number; ok: boolean; reason: string | null }[] }).results;
    expect(lines.map((l) => [l.line, l.ok, l.reason])).toEqual([
      [1, true, null],
      [1, true, null],
      [1, false, 'revoked'],
    ]);
  });

  it('an entry whose subject is not the name the key was issued to → exit 1, reason subject (the engine authenticates it as the subject)', async () => {
    const value = `${keys['live']}=live-bot,${keys['dup1']}=intruder\n`;
    const r = await runCli(['keys', 'verify', '--json'], { cwd, input: value });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      active: number;
      results: { ok: boolean; reason: string | null; message: string; state: string }[];
    };
    expect(doc.active).toBe(1);
    expect(doc.results.map((l) => [l.ok, l.reason, l.state])).toEqual([
      [true, null, 'active'],
      [false, 'subject', 'active'],
    ]);
    expect(doc.results[1]!.message).toBe(
      'issued to "twin", but its entry names "intruder", and the Flight server authenticates the key as the entry\'s subject (crates/krishiv-flight-sql/src/service.rs:1376-1385)',
    );
    expect(r.stdout).not.toContain(keys['dup1']!);
    // one entry, on stdin and as an argument; the subject is trimmed as the engine trims it
    const single = await runCli(['keys', 'verify'], { cwd, input: `${keys['live']}= someone-else \n` });
    expect(single.code).toBe(1);
    expect(single.stdout).toContain('rejected  ');
    expect(single.stdout).toContain('subject: issued to "live-bot", but its entry names "someone-else"');
    const arg = await runCli(['keys', 'verify', `${keys['live']}=live-bot`], { cwd });
    expect(arg.code).toBe(0);
    expect(arg.stdout).toContain('active    ');
  });

  it('batch where every key is active → exit 0, one human line each', async () => {
    const r = await runCli(['keys', 'verify'], { cwd, input: `${keys['live']}\n${keys['dup2']}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain('2 of 2 key(s) active');
  });

  it('a missing store → exit 2', async () => {
    const r = await runCli(['keys', 'verify', '--store', 'nope.json'], { cwd, input: keys['live'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json: no key store here');
  });
});

describe('keys list', () => {
  it('active keys by default, no hashes', async () => {
    const r = await runCli(['keys', 'list'], { cwd });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+TENANT\s+ROLES\s+CREATED\s+EXPIRES\s+STATE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(['live-bot', 'twin', 'twin']);
    expect(r.stdout).not.toContain('argon2');
    expect(r.stderr).toContain('2 revoked or expired key(s) hidden; --all shows them');
  });

  it('--all --json: every record with its state', async () => {
    const r = await runCli(['keys', 'list', '--all', '--json'], { cwd });
    const doc = JSON.parse(r.stdout) as { keys: { name: string; state: string }[] };
    expect(doc.keys.map((k) => [k.name, k.state])).toEqual([
      ['live-bot', 'active'],
      ['gone-bot', 'revoked'],
      ['short-bot', 'expired'],
      ['twin', 'active'],
      ['twin', 'active'],
    ]);
    expect(r.stdout).not.toContain('argon2');
  });

  it('a corrupt store → exit 2 and is left alone', async () => {
    const d = tempDir('krishiv-keys-bad-');
    writeFileSync(path.join(d, 'krishiv-keys.json'), '{"version":1,"records":[{"id":"x"}]}');
    const r = await runCli(['keys', 'list'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERR_STORE_CORRUPT');
    const rv = await runCli(['keys', 'revoke', 'x'], { cwd: d });
    expect(rv.code).toBe(2);
    expect(readFileSync(path.join(d, 'krishiv-keys.json'), 'utf8')).toBe('{"version":1,"records":[{"id":"x"}]}');
  });

  it('bare `keys` is a usage error (exit 2)', async () => {
    const r = await runCli(['keys'], { cwd });
    expect(r.code).toBe(2);
  });
});
