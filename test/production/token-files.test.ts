/**
 * The file seam's real side: what check-production records for each file an env var names,
 * from real files, modes and links; and the `.env` the engine would load from a directory.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDotenv, probeEnvFiles } from '../../src/production/token-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { evaluate } from '../../src/production/evaluate.js';
import { envSetOf, TOK } from './helpers.js';

describe('probeEnvFiles', () => {
  it('records content and mode of a file that is there; a missing one is unchecked, or missing under --require-files', async () => {
    const dir = tempDir('token-files-');
    writeFileSync(path.join(dir, 'coord.tokens'), 'tok-1\ntok-2\n');
    chmodSync(path.join(dir, 'coord.tokens'), 0o640);
    const env = envSetOf({ KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: 'coord.tokens', KRISHIV_UI_TOKEN_FILE: 'ui.token' });
    const here = await probeEnvFiles(env, { cwd: dir });
    expect(here.probe('coord.tokens')).toEqual({ state: 'ok', content: 'tok-1\ntok-2\n', mode: 0o640 });
    expect(here.probe('ui.token')).toEqual({ state: 'unchecked' });
    const onHost = await probeEnvFiles(env, { cwd: dir, requireFiles: true });
    expect(onHost.probe('ui.token')).toEqual({ state: 'missing' });
  });

  it('opens the path the engine opens: coordinator token paths trimmed, the others as written; an empty value names no file', async () => {
    const dir = tempDir('token-files-');
    writeFileSync(path.join(dir, 'coord.token'), 'c\n');
    writeFileSync(path.join(dir, 'ui.token'), 'u\n');
    const files = await probeEnvFiles(
      envSetOf({
        KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '  coord.token ',
        KRISHIV_UI_TOKEN_FILE: ' ui.token',
        KRISHIV_SHUFFLE_TOKEN_FILE: '',
      }),
      { cwd: dir, requireFiles: true },
    );
    expect(files.probe('coord.token')).toMatchObject({ state: 'ok', content: 'c\n' });
    // the UI token path is not trimmed: " ui.token" is not there
    expect(files.probe(' ui.token')).toEqual({ state: 'missing' });
    expect(files.probe('')).toEqual({ state: 'unchecked' }); // never probed: the table's fallback
  });

  it('bytes that are not UTF-8 are flagged (the engine reads token files with read_to_string); a U+FFFD written as text is not', async () => {
    const dir = tempDir('token-files-');
    writeFileSync(path.join(dir, 'latin1.token'), Buffer.from([0x74, 0x6f, 0x6b, 0xe9, 0x0a]));
    writeFileSync(path.join(dir, 'fffd.token'), 'tok\uFFFD\n');
    const files = await probeEnvFiles(envSetOf({ KRISHIV_UI_TOKEN_FILE: 'latin1.token', KRISHIV_SHUFFLE_TOKEN_FILE: 'fffd.token' }), {
      cwd: dir,
    });
    expect(files.probe('latin1.token')).toMatchObject({ state: 'ok', invalidUtf8: true });
    expect(files.probe('fffd.token')).toEqual({ state: 'ok', content: 'tok\uFFFD\n', mode: expect.any(Number) });
  });

  it('a dangling symlink (a secret mount seen from elsewhere) is not here; a directory is unreadable, with the reason', async () => {
    const dir = tempDir('token-files-');
    symlinkSync('..data/token', path.join(dir, 'mounted.token'));
    mkdirSync(path.join(dir, 'a-dir'));
    const env = envSetOf({ KRISHIV_UI_TOKEN_FILE: 'mounted.token', KRISHIV_CA_CERT: 'a-dir' });
    const files = await probeEnvFiles(env, { cwd: dir });
    expect(files.probe('mounted.token')).toEqual({ state: 'unchecked' });
    expect(files.probe('a-dir')).toMatchObject({ state: 'unreadable', error: expect.stringMatching(/director/) });
    expect((await probeEnvFiles(env, { cwd: dir, requireFiles: true })).probe('mounted.token')).toEqual({ state: 'missing' });
  });

  it("an unreadable file carries the engine's own io error text (what read_to_string and fs::read print on Linux)", async () => {
    const dir = tempDir('token-files-');
    mkdirSync(path.join(dir, 'a-dir'));
    writeFileSync(path.join(dir, 'plain'), 'x\n');
    writeFileSync(path.join(dir, 'locked.token'), 'tok\n');
    chmodSync(path.join(dir, 'locked.token'), 0o000);
    const env = envSetOf({
      KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: 'a-dir',
      KRISHIV_UI_TOKEN_FILE: 'plain/token',
      KRISHIV_SHUFFLE_TOKEN_FILE: 'locked.token',
    });
    const files = await probeEnvFiles(env, { cwd: dir, requireFiles: true });
    expect(files.probe('a-dir')).toMatchObject({ state: 'unreadable', engineError: 'Is a directory (os error 21)' });
    expect(files.probe('plain/token')).toMatchObject({ state: 'unreadable', engineError: 'Not a directory (os error 20)' });
    // root reads a file of mode 000, as the engine running as root would; anyone else gets EACCES
    if (process.getuid?.() === 0) expect(files.probe('locked.token')).toMatchObject({ state: 'ok', content: 'tok\n' });
    else expect(files.probe('locked.token')).toMatchObject({ state: 'unreadable', engineError: 'Permission denied (os error 13)' });
  });

  it('a file past the read limit is not checked, never unreadable: the engine reads it whole (crates/krishiv-scheduler/src/auth.rs:243-253)', async () => {
    const dir = tempDir('token-files-');
    const tokens = Array.from({ length: 25_000 }, (_, i) => `tok-${i.toString().padStart(40, '0')}`).join('\n');
    writeFileSync(path.join(dir, 'many.tokens'), tokens);
    const envSet = envSetOf({
      KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
      KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: 'many.tokens',
      KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task,
      KRISHIV_UI_TOKEN: TOK.ui,
    });
    const files = await probeEnvFiles(envSet, { cwd: dir, requireFiles: true });
    expect(files.probe('many.tokens')).toEqual({ state: 'unchecked', why: expect.stringMatching(/larger than the 1 MiB/) });
    const findings = evaluate({ envSet, role: 'coordinator', cli: {}, files, requireFiles: true }).findings;
    expect(findings.filter((f) => f.class === 'REFUSE' && f.status === 'fail').map((f) => f.id)).toEqual([]);
    expect(findings.filter((f) => f.id === 'COORD-TOKEN-FILE-UNREADABLE').map((f) => [f.status, f.message])).toEqual([
      ['skip', expect.stringContaining('larger than the 1 MiB this tool reads')],
    ]);
  });
});

describe('findDotenv', () => {
  it('finds the .env of the directory or of the nearest parent, as the krishiv binary would load it', async () => {
    const dir = tempDir('dotenv-');
    const deep = path.join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(dir, '.env'), 'A=1\n');
    expect(await findDotenv(deep)).toBe(path.join(dir, '.env'));
    writeFileSync(path.join(dir, 'a', '.env'), 'A=2\n');
    expect(await findDotenv(deep)).toBe(path.join(dir, 'a', '.env'));
  });

  it('a directory named .env is not one: the search goes on to the parent', async () => {
    const dir = tempDir('dotenv-');
    mkdirSync(path.join(dir, 'sub', '.env'), { recursive: true });
    writeFileSync(path.join(dir, '.env'), 'A=1\n');
    expect(await findDotenv(path.join(dir, 'sub'))).toBe(path.join(dir, '.env'));
  });
});
