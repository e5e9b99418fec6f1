/**
 * The file seam's real side: what check-production records for each file an env var names,
 * from real files, modes and links; and the `.env` the engine would load from a directory.
 */
import { execFileSync } from 'node:child_process';
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
    // a directory has no file mode to judge (HYG-TOKEN-FILE-MODE skips it; the read error is the engine checks' finding)
    expect(files.probe('a-dir')).not.toHaveProperty('mode');
    expect((await probeEnvFiles(env, { cwd: dir, requireFiles: true })).probe('mounted.token')).toEqual({ state: 'missing' });
  });

  it('a token file reached through symlinks (a Kubernetes Secret volume: key -> ..data/key) has the mode of the file they lead to, not 0777', async () => {
    const dir = tempDir('token-files-');
    mkdirSync(path.join(dir, '..2026_12_04'));
    writeFileSync(path.join(dir, '..2026_12_04', 'token'), `${TOK.coord}\n`);
    chmodSync(path.join(dir, '..2026_12_04', 'token'), 0o600);
    symlinkSync('..2026_12_04', path.join(dir, '..data'));
    symlinkSync('..data/token', path.join(dir, 'token'));
    writeFileSync(path.join(dir, 'shared'), `${TOK.ui}\n`);
    chmodSync(path.join(dir, 'shared'), 0o644);
    symlinkSync('shared', path.join(dir, 'ui.token'));
    const envSet = envSetOf({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: 'token', KRISHIV_UI_TOKEN_FILE: 'ui.token' });
    const files = await probeEnvFiles(envSet, { cwd: dir, requireFiles: true });
    expect(files.probe('token')).toEqual({ state: 'ok', content: `${TOK.coord}\n`, mode: 0o600 });
    expect(files.probe('ui.token')).toMatchObject({ state: 'ok', mode: 0o644 });
    const modes = evaluate({ envSet, role: 'coordinator', cli: {}, files, requireFiles: true })
      .findings.filter((f) => f.id === 'HYG-TOKEN-FILE-MODE')
      .map((f) => [f.status, f.message]);
    expect(modes).toEqual([
      ['pass', 'the file of KRISHIV_COORDINATOR_BEARER_TOKEN_FILE is private (mode 0600)'],
      ['fail', 'the file of KRISHIV_UI_TOKEN_FILE is world-readable (mode 0644)'],
    ]);
  });

  it('a pipe named as a token file is not read (a FIFO no one writes to would block the run), only reported as not checked; a device is read without waiting', async () => {
    const dir = tempDir('token-files-');
    execFileSync('mkfifo', [path.join(dir, 'token.fifo')]);
    symlinkSync('token.fifo', path.join(dir, 'via-link'));
    const envSet = envSetOf({
      KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
      KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: 'token.fifo',
      KRISHIV_UI_TOKEN_FILE: 'via-link',
      KRISHIV_SHUFFLE_TOKEN_FILE: '/dev/null',
    });
    const files = await probeEnvFiles(envSet, { cwd: dir, requireFiles: true });
    const why = 'is not a regular file (a pipe, socket or device), so its content is not read here';
    expect(files.probe('token.fifo')).toEqual({ state: 'unchecked', why });
    expect(files.probe('via-link')).toEqual({ state: 'unchecked', why });
    // a device is read without waiting: /dev/null holds nothing, as the engine's read_to_string finds
    expect(files.probe('/dev/null')).toEqual({ state: 'ok', content: '', mode: expect.any(Number) });
    const unreadable = evaluate({ envSet, role: 'coordinator', cli: {}, files, requireFiles: true }).findings.find(
      (f) => f.id === 'COORD-TOKEN-FILE-UNREADABLE',
    );
    expect(unreadable?.status).toBe('skip');
    expect(unreadable?.message).toContain(`KRISHIV_COORDINATOR_BEARER_TOKEN_FILE ${why}`);
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
