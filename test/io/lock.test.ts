import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/io/lock.js';
import { tempDir } from '../helpers/temp-dir.js';

let file: string;
beforeEach(() => {
  file = path.join(tempDir('klock-'), 'store.json');
});

describe('withFileLock', () => {
  it('serialises two holders and removes the lock afterwards', async () => {
    const order: string[] = [];
    const hold = (name: string) =>
      withFileLock(file, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order.join(' ')).toMatch(/^(a\+ a- b\+ b-|b\+ b- a\+ a-)$/);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over at once a fresh lock whose owner process is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(`${file}.lock`);
    writeFileSync(path.join(`${file}.lock`, 'owner'), `${dead}@${hostname()}`);
    // "At once" without a clock: a run that waited for the lock to go stale (60 s) would give up at
    // the 10 s wait limit with ERR_STORE_LOCKED (the timing assertion here failed under load).
    expect(await withFileLock(file, async () => 'mine', { staleMs: 60_000, waitMs: 10_000 })).toBe('mine');
  });

  it('waits for a fresh lock of a live process, then gives up with a typed error that changes nothing', async () => {
    mkdirSync(`${file}.lock`);
    writeFileSync(path.join(`${file}.lock`, 'owner'), `${process.ppid}@${hostname()}`);
    await expect(withFileLock(file, async () => 'never', { staleMs: 60_000, waitMs: 300, label: 'store.json' })).rejects.toMatchObject({
      code: 'ERR_STORE_LOCKED',
      input: 'store.json',
      message: expect.stringMatching(/^another krishiv-auth run holds the lock \(store\.json\.lock\)/),
    });
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it('tells the holder when its lock was taken over', async () => {
    const lost = await withFileLock(
      file,
      async (held) => {
        // another run removes and re-creates the lock, as a stale takeover does
        const { rmSync } = await import('node:fs');
        rmSync(`${file}.lock`, { recursive: true });
        mkdirSync(`${file}.lock`);
        return held.lost(); // at once, before any refresh tick
      },
      { staleMs: 300 },
    );
    expect(lost).toBe('the lock was taken over by another run');
    expect(existsSync(`${file}.lock`)).toBe(true); // the other run's lock is left alone
  });

  // Issue 12 item 3: a lock that cannot be removed fails within the wait limit with a typed
  // error; a symlinked lock is never followed (nothing is deleted where it points).
  const stale = (dir: string): void => {
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(dir, past, past);
  };

  it('refuses a symlinked lock without following it or deleting anything where it points', async () => {
    const elsewhere = tempDir('klock-elsewhere-');
    writeFileSync(path.join(elsewhere, 'owner'), `999999999@${hostname()}`);
    symlinkSync(elsewhere, `${file}.lock`);
    await expect(withFileLock(file, async () => 'never', { staleMs: 100, waitMs: 2_000, label: 'store.json' })).rejects.toMatchObject({
      code: 'ERR_STORE_LOCKED',
      input: 'store.json',
      message: expect.stringContaining('is a symlink, not a krishiv-auth lock: not followed and not removed'),
    });
    expect(readdirSync(elsewhere)).toEqual(['owner']);
    expect(lstatSync(`${file}.lock`).isSymbolicLink()).toBe(true);
  });

  it('refuses a plain file where the lock directory goes', async () => {
    writeFileSync(`${file}.lock`, 'not a lock');
    await expect(withFileLock(file, async () => 'never', { staleMs: 100, waitMs: 2_000 })).rejects.toMatchObject({
      code: 'ERR_STORE_LOCKED',
      message: expect.stringContaining('is not a directory, not a krishiv-auth lock'),
    });
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe('not a lock');
  });

  it('fails with a typed error, deleting nothing, on a stale lock that holds a stray file', async () => {
    mkdirSync(`${file}.lock`);
    writeFileSync(path.join(`${file}.lock`, 'owner'), `1@elsewhere`);
    writeFileSync(path.join(`${file}.lock`, 'notes.txt'), 'keep me');
    stale(`${file}.lock`);
    let calls = 0;
    await expect(
      withFileLock(
        file,
        async () => {
          calls++;
        },
        { staleMs: 100, waitMs: 2_000, label: 'store.json' },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_STORE_LOCKED',
      message: expect.stringContaining('cannot be removed (it holds a file krishiv-auth did not put there (notes.txt))'),
    });
    expect(calls).toBe(0);
    expect(readdirSync(`${file}.lock`).sort()).toEqual(['notes.txt', 'owner']);
  });

  it('never leaves its lock directory behind, and creates it private (0700)', async () => {
    let seenMode = 0;
    await withFileLock(file, async () => {
      seenMode = lstatSync(`${file}.lock`).mode & 0o777;
      expect(readFileSync(path.join(`${file}.lock`, 'owner'), 'utf8')).toMatch(new RegExp(`^${process.pid}@`));
    });
    expect(seenMode).toBe(0o700);
    expect(existsSync(`${file}.lock`)).toBe(false);
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
