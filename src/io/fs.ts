/**
 * File-system edge of the tool: bounded reads and crash-safe writes. Every write goes to a
 * temp file in the same directory, is fsynced, renamed over the target and the directory is
 * fsynced, so a reader (the coordinator's reload task, a concurrent rotation) sees either
 * the old bytes or the new bytes, never a mix, and a crash leaves at most a stray temp file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import path from 'node:path';
import { KrishivError, describeSystemError, isKrishivError } from '../errors.js';

export const SECRET_MODE = 0o600;
/** Default size cap for user-supplied files (env files, JWKS, key stores, tokens). */
export const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

export interface ReadOptions {
  /** Bytes; larger files are refused with ERR_FILE_TOO_LARGE. */
  limit?: number;
  /** How to name the file in errors (defaults to the path). */
  label?: string;
}

/**
 * Reads a whole text file with a size cap; every failure is a KrishivError naming the file.
 * Synchronous underneath: for a CLI reading a few small files, the first use of fs.promises
 * costs more start-up (~3 ms) than the reads themselves.
 */
export async function readTextFile(file: string, options: ReadOptions = {}): Promise<string> {
  return readTextFileSync(file, options);
}

export function readTextFileSync(file: string, options: ReadOptions = {}): string {
  const label = options.label ?? file;
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      throw new KrishivError('ERR_FILE_READ', 'is a directory, not a file', { input: label });
    }
    if (stat.size > limit) {
      throw new KrishivError('ERR_FILE_TOO_LARGE', `is ${stat.size} bytes, more than the ${limit}-byte limit`, {
        input: label,
      });
    }
    // Read up to limit+1 bytes so a growing or special file cannot exceed the cap.
    const buffer = Buffer.alloc(Math.min(limit + 1, Math.max(stat.size, 0) + 65536));
    let total = 0;
    while (total < buffer.length) {
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > limit) {
      throw new KrishivError('ERR_FILE_TOO_LARGE', `is more than the ${limit}-byte limit`, { input: label });
    }
    return buffer.subarray(0, total).toString('utf8');
  } catch (error) {
    if (isKrishivError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new KrishivError(code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_FILE_READ', `cannot read: ${describeSystemError(error)}`, {
      input: label,
      cause: error,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface FileInfo {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  isFile: boolean;
  isSymlink: boolean;
}

/** lstat-based info, or undefined when the path does not exist. Other errors are typed. */
export async function statPath(file: string): Promise<FileInfo | undefined> {
  try {
    const st = lstatSync(file);
    return {
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: st.size,
      isFile: st.isFile(),
      isSymlink: st.isSymbolicLink(),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KrishivError('ERR_FILE_READ', `cannot stat: ${describeSystemError(error)}`, { input: file, cause: error });
  }
}

export interface AtomicWriteOptions {
  /**
   * Mode for the file. For a new file this is the mode; for an existing file see `secret`.
   * Defaults to 0600 for secrets, else the existing file's mode, else 0644.
   */
  mode?: number;
  /** A secret: the result is 0600 whatever the previous mode was. */
  secret?: boolean;
  /** Keep the previous owner when running as root (the default). */
  keepOwner?: boolean;
  /** Test seam: called after the temp file is written and fsynced, before the rename. */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

export interface AtomicWriteResult {
  path: string;
  mode: number;
  created: boolean;
  /** The previous mode when the write tightened it (for a warning). */
  tightenedFrom?: number;
}

/** Writes `data` to `file` atomically: temp file, fsync, rename, directory fsync. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  const previous = await statPath(file);
  if (previous && !previous.isFile && !previous.isSymlink) {
    throw new KrishivError('ERR_FILE_WRITE', 'exists and is not a regular file', { input: file });
  }
  let mode: number;
  let tightenedFrom: number | undefined;
  if (options.secret) {
    mode = options.mode ?? SECRET_MODE;
    if (previous && (previous.mode & 0o077) !== 0 && (mode & 0o077) === 0) tightenedFrom = previous.mode;
  } else {
    mode = options.mode ?? previous?.mode ?? 0o644;
    if (previous && options.mode !== undefined && (previous.mode & ~options.mode & 0o777) !== 0) {
      tightenedFrom = previous.mode;
    }
  }

  const temp = path.join(dir, `.${base}.${process.pid}.${randomHex(6)}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    await handle.writeFile(data);
    await handle.chmod(mode); // umask may have narrowed or the caller asked for exactly this
    if (previous && (options.keepOwner ?? true)) {
      if (process.getuid?.() === 0) await handle.chown(previous.uid, previous.gid);
      else if ((await handle.stat()).gid !== previous.gid) {
        // Not root: the group can still be kept when this user is a member of it (a reader such as
        // the coordinator may read the file through its group). Otherwise the caller reports it.
        await handle.chown(-1, previous.gid).catch(() => undefined);
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await options.beforeRename?.(temp);
    await fsp.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    if (isKrishivError(error)) throw error;
    throw new KrishivError('ERR_FILE_WRITE', `cannot write: ${describeSystemError(error)}`, { input: file, cause: error });
  }
  await syncDirectory(dir);
  const result: AtomicWriteResult = { path: file, mode, created: previous === undefined };
  if (tightenedFrom !== undefined) result.tightenedFrom = tightenedFrom;
  return result;
}

function randomHex(bytes: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** fsync a directory so a rename in it survives a crash. Best effort on platforms that refuse. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') {
      throw new KrishivError('ERR_FILE_WRITE', `cannot sync directory: ${describeSystemError(error)}`, {
        input: dir,
        cause: error,
      });
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Formats a mode as `0644`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
