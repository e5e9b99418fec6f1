import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  lchownSync,
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  mkdirSync,
} from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { assertNotAnInput, fileMounts, formatMode, readTextFile, removeIfUnchanged, statPath, writeFileAtomic } from '../../src/io/fs.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('krishiv-fs-');
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
    ).rejects.toThrow('simulated crash');
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

// Issue 12 item 1: pipes, FIFOs and process substitutions are read to the end within the cap.
describe('readTextFile from pipes and FIFOs', () => {
  const fifoWithWriter = (bytes: number): { fifo: string; done: Promise<void> } => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // a real writer process: the reader sees the data in pipe-sized pieces
    const child = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(fifo)}, 'a'.repeat(${bytes - 1}) + 'Z')`], {
      stdio: 'ignore',
    });
    const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
    return { fifo, done };
  };

  it('reads a FIFO far larger than 64 KiB whole', async () => {
    const { fifo, done } = fifoWithWriter(300_000);
    const text = await readTextFile(fifo, { label: 'prod.env' });
    await done;
    expect(text.length).toBe(300_000);
    expect(text.endsWith('aZ')).toBe(true);
  });

  it('says so, naming the input and the cap, when a FIFO brings more than the cap', async () => {
    const { fifo, done } = fifoWithWriter(200_000);
    const error = await readTextFile(fifo, { limit: 100_000, label: 'prod.env' }).catch((e: unknown) => e);
    // drain the writer so it does not block on a closed reader
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    expect(error).toMatchObject({ code: 'ERR_FILE_TOO_LARGE', input: 'prod.env', message: expect.stringContaining('100000-byte limit') });
  });
});

// Issue 12 items 2, 5 and 9: links, hard links, bind mounts, no-clobber, outputs over inputs.
describe('writeFileAtomic and links', () => {
  it('writes through a symlink to its target, atomically, keeping the target mode and the link', async () => {
    const real = path.join(dir, 'real.json');
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    const link = path.join(dir, 'link.json');
    symlinkSync(real, link);
    const result = await writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(mode(real)).toBe(0o640);
    expect(result.target).toBe(real);
  });

  it('never widens: a secret through a link to a 0644 file is 0600', async () => {
    const real = path.join(dir, 'tok');
    writeFileSync(real, 'old');
    chmodSync(real, 0o644);
    symlinkSync('tok', path.join(dir, 'tok-link'));
    const result = await writeFileAtomic(path.join(dir, 'tok-link'), 'new', { secret: true });
    expect(mode(real)).toBe(0o600);
    expect(result.tightenedFrom).toBe(0o644);
  });

  it('refuses a symlink to a missing file', async () => {
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    await expect(writeFileAtomic(path.join(dir, 'dangling'), 'x')).rejects.toMatchObject({ code: 'ERR_FILE_UNSAFE', exitCode: 1 });
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it.runIf(process.getuid?.() === 0)('refuses a symlink owned by another user (a link planted in a shared directory)', async () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const link = path.join(dir, 'planted');
    symlinkSync(victim, link);
    lchownSync(link, 65534, 65534);
    await expect(writeFileAtomic(link, 'x')).rejects.toMatchObject({
      code: 'ERR_FILE_UNSAFE',
      message: expect.stringContaining('owned by uid 65534'),
    });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('refuses a hard-linked file (a rename would leave the other name with the old content)', async () => {
    const file = path.join(dir, 'a');
    writeFileSync(file, 'old');
    linkSync(file, path.join(dir, 'b'));
    await expect(writeFileAtomic(file, 'new')).rejects.toMatchObject({
      code: 'ERR_FILE_UNSAFE',
      message: expect.stringContaining('has 2 hard links'),
    });
    expect(readFileSync(path.join(dir, 'b'), 'utf8')).toBe('old');
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('noClobber refuses an existing file and keeps it; creates a new one', async () => {
    const file = path.join(dir, 'out');
    writeFileSync(file, 'keep');
    await expect(writeFileAtomic(file, 'new', { noClobber: true, label: 'out' })).rejects.toMatchObject({
      code: 'ERR_FILE_EXISTS',
      exitCode: 1,
      input: 'out',
    });
    expect(readFileSync(file, 'utf8')).toBe('keep');
    await writeFileAtomic(path.join(dir, 'fresh'), 'x', { noClobber: true, secret: true });
    expect(mode(path.join(dir, 'fresh'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['fresh', 'out']);
  });

  it('noClobber loses the race to a file created after the check, keeping it', async () => {
    const file = path.join(dir, 'out');
    await expect(
      writeFileAtomic(file, 'mine', { noClobber: true, beforeRename: () => writeFileSync(file, 'theirs') }),
    ).rejects.toMatchObject({ code: 'ERR_FILE_EXISTS' });
    expect(readFileSync(file, 'utf8')).toBe('theirs');
  });

  it('assertNotAnInput catches the same file through a symlink and a hard link', () => {
    const input = path.join(dir, 'prod.env');
    writeFileSync(input, 'A=1\n');
    symlinkSync(input, path.join(dir, 'via-link'));
    linkSync(input, path.join(dir, 'via-hardlink'));
    for (const out of ['via-link', 'via-hardlink', 'prod.env']) {
      expect(() => assertNotAnInput(path.join(dir, out), out, [{ path: input, label: 'prod.env' }])).toThrow(/same file as prod\.env/);
    }
    expect(() => assertNotAnInput(path.join(dir, 'report.sarif'), 'report.sarif', [{ path: input, label: 'prod.env' }])).not.toThrow();
  });

  it('finds single-file bind mounts in the mount table', () => {
    const info = [
      '22 1 0:21 / / rw,relatime - overlay overlay rw',
      '30 22 8:1 / /srv rw,relatime - ext4 /dev/sda1 rw',
      '31 22 8:1 /krishiv/tokens /etc/coord\\040tokens rw,relatime - ext4 /dev/sda1 rw',
    ].join('\n');
    expect(fileMounts('/srv/krishiv/tokens', info)).toEqual({ self: false, elsewhere: ['/etc/coord tokens'] });
    expect(fileMounts('/etc/coord tokens', info).self).toBe(true);
    expect(fileMounts('/srv/krishiv/other', info)).toEqual({ self: false, elsewhere: [] });
  });
});

// The rollback of a file this run wrote (generate-key's private JWK, rotate's --out token):
// it must never delete what someone else put there since.
describe('removeIfUnchanged', () => {
  it('removes the file while it holds exactly what was written, and nothing once it changed or is gone', () => {
    const file = path.join(dir, 'private.jwk');
    writeFileSync(file, 'written');
    expect(removeIfUnchanged(file, 'written')).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(removeIfUnchanged(file, 'written')).toBe(false);
    writeFileSync(file, 'written, then changed');
    expect(removeIfUnchanged(file, 'written')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('written, then changed');
    writeFileSync(file, Buffer.from([1, 2, 3]));
    expect(removeIfUnchanged(file, Uint8Array.from([1, 2, 4]))).toBe(false);
    expect(removeIfUnchanged(file, Uint8Array.from([1, 2, 3]))).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('statPath', () => {
  it('answers undefined for a missing path, and the link itself for a symlink', async () => {
    expect(await statPath(path.join(dir, 'missing'))).toBeUndefined();
    const file = path.join(dir, 'f');
    writeFileSync(file, 'x', { mode: 0o640 });
    symlinkSync(file, path.join(dir, 'l'));
    expect(await statPath(file)).toMatchObject({ isFile: true, isSymlink: false, mode: 0o640, size: 1 });
    expect(await statPath(path.join(dir, 'l'))).toMatchObject({ isFile: false, isSymlink: true });
  });
  it('is a typed error naming the path when a parent is not a directory (ENOTDIR is not "missing")', async () => {
    const file = path.join(dir, 'f');
    writeFileSync(file, 'x');
    await expect(statPath(path.join(file, 'child'))).rejects.toMatchObject({ code: 'ERR_FILE_READ', input: path.join(file, 'child') });
  });
});
