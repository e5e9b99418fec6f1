import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { formatMode, readTextFile, writeFileAtomic } from '../../src/io/fs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'krishiv-fs-'));
});

const mode = (p: string): number => statSync(p).mode & 0o777;

describe('writeFileAtomic', () => {
  it('creates a secret file 0600 whatever the umask', async () => {
    const file = path.join(dir, 'token');
    const result = await writeFileAtomic(file, 'abc\n', { secret: true });
    expect(readFileSync(file, 'utf8')).toBe('abc\n');
    expect(mode(file)).toBe(0o600);
    expect(result.created).toBe(true);
    expect(result.tightenedFrom).toBeUndefined();
  });

  it('tightens an existing group/world-readable file to 0600 and reports the old mode', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    const result = await writeFileAtomic(file, 'new', { secret: true });
    expect(mode(file)).toBe(0o600);
    expect(result.tightenedFrom).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('keeps the mode of an existing non-secret file', async () => {
    const file = path.join(dir, 'store.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o640);
    await writeFileAtomic(file, '{"a":1}');
    expect(mode(file)).toBe(0o640);
  });

  it('leaves no temp file behind, on success and on failure', async () => {
    const file = path.join(dir, 'x');
    await writeFileAtomic(file, 'one');
    await expect(
      writeFileAtomic(file, 'two', {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('fails with a typed error naming the file when the directory is missing', async () => {
    const file = path.join(dir, 'missing', 'x');
    const error = await writeFileAtomic(file, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KrishivError);
    expect((error as KrishivError).code).toBe('ERR_FILE_WRITE');
    expect((error as KrishivError).input).toBe(file);
  });

  it('refuses to replace a directory', async () => {
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    await expect(writeFileAtomic(sub, 'x')).rejects.toMatchObject({ code: 'ERR_FILE_WRITE' });
  });
});

describe('readTextFile', () => {
  it('reads a file', async () => {
    const file = path.join(dir, 'a');
    writeFileSync(file, 'héllo');
    expect(await readTextFile(file)).toBe('héllo');
  });
  it('names a missing file', async () => {
    await expect(readTextFile(path.join(dir, 'nope'))).rejects.toMatchObject({
      code: 'ERR_FILE_NOT_FOUND',
      input: path.join(dir, 'nope'),
    });
  });
  it('refuses files over the limit', async () => {
    const file = path.join(dir, 'big');
    writeFileSync(file, 'x'.repeat(100));
    await expect(readTextFile(file, { limit: 10 })).rejects.toMatchObject({ code: 'ERR_FILE_TOO_LARGE' });
  });
  it('refuses a directory', async () => {
    await expect(readTextFile(dir)).rejects.toMatchObject({ code: 'ERR_FILE_READ' });
  });
  it('formats modes', () => {
    expect(formatMode(0o100600)).toBe('0600');
    expect(formatMode(0o644)).toBe('0644');
  });
});
