import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, tempDir } from './temp-dir.js';

describe('tempDir / copyFixture', () => {
  let fromBeforeAll = '';
  let fromTest = '';
  let kept = '';
  beforeAll(() => {
    fromBeforeAll = tempDir('outside-');
  });

  it('makes an empty directory under TMPDIR, also outside a test', () => {
    fromTest = tempDir('inside-');
    expect(statSync(fromTest).isDirectory()).toBe(true);
    expect(readdirSync(fromTest)).toEqual([]);
    expect(path.basename(fromTest)).toMatch(/^inside-/);
    expect(path.relative(tmpdir(), fromTest).startsWith('..')).toBe(false);
    expect(existsSync(fromBeforeAll)).toBe(true);
  });

  it('removes a directory made inside a test when that test finishes', () => {
    expect(fromTest).not.toBe('');
    expect(existsSync(fromTest)).toBe(false);
    expect(existsSync(fromBeforeAll)).toBe(true);
  });

  it('gives the directory a mode, and keeps it for the run when asked', () => {
    const open = tempDir('open-', { mode: 0o755 });
    expect(statSync(open).mode & 0o777).toBe(0o755);
    expect(statSync(tempDir('private-')).mode & 0o777).toBe(0o700);
    kept = tempDir('kept-', { run: true });
  });

  it('a directory kept for the run outlives the test that made it', () => {
    expect(kept).not.toBe('');
    expect(existsSync(kept)).toBe(true);
  });

  it('copies a fixture folder', () => {
    const copy = copyFixture('env');
    expect(path.basename(copy)).toBe('env');
    expect(readdirSync(copy).length).toBeGreaterThan(0);
  });
});
