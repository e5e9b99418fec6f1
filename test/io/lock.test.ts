import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/io/lock.js';

let file: string;
beforeEach(() => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'klock-')), 'store.json');
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
    const started = Date.now();
    expect(await withFileLock(file, async () => 'mine', { staleMs: 60_000, waitMs: 2_000 })).toBe('mine');
    expect(Date.now() - started).toBeLessThan(1_500);
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
});
