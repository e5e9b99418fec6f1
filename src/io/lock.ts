/**
 * One advisory lock for every read-modify-write of a shared file (key store, JWKS, token files):
 * `<file>.lock`, a directory, because `mkdir` either creates it or fails with EEXIST atomically on
 * every local file system. It holds an `owner` file (`<pid>@<host>`): a lock whose owner is a
 * process of this host that no longer exists belongs to a killed run and is taken over at once.
 * Otherwise, while held, its mtime is refreshed, and a lock whose mtime is older than `staleMs`
 * belongs to a crashed run and is taken over (after checking it is still the same directory,
 * so two runs that both saw it stale do not remove a fresh one). A holder whose lock
 * was taken over meanwhile (it was paused for longer than `staleMs`) learns it through
 * `lost()` and must not write.
 *
 * Written here rather than with proper-lockfile, which loads graceful-fs (~10 ms per process)
 * and patches the global fs module, for the same mkdir-and-mtime protocol.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  promises as fsp,
  readSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { KrishivError, describeSystemError, isKrishivError, type ErrorCode } from '../errors.js';

export interface LockOptions {
  /** How long to keep retrying for the lock, in ms (default 15 s). */
  waitMs?: number;
  /** A lock not refreshed for this long is stale (default 10 s). */
  staleMs?: number;
  /** How to name the file in errors (default: the path). */
  label?: string;
  /** The error when the lock stays taken (default ERR_STORE_LOCKED). */
  lockedCode?: ErrorCode;
}

export interface HeldLock {
  /** The reason when the lock was lost (taken over as stale, or removed) since it was taken; else null. */
  lost(): string | null;
}

function lockPathFor(file: string): string {
  return `${path.resolve(file)}.lock`;
}

/** Runs `fn` while holding `<file>.lock`. */
export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = lockPathFor(file);
  const label = options.label ?? file;
  const waitMs = options.waitMs ?? 15_000;
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  const name = path.basename(lockPath);
  const lockedError = (why: string): KrishivError => new KrishivError(options.lockedCode ?? 'ERR_STORE_LOCKED', why, { input: label });
  // pid@host, plus a nonce: a directory re-created by a takeover can reuse the inode number
  const tag = `${process.pid}@${hostname()} ${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex')}`;
  const stillMine = (): boolean => readOwner(lockPath) === tag;
  let refresh: NodeJS.Timeout | undefined;
  // A run stopped by a signal (Ctrl-C, kill) removes its lock before it dies, so no lock
  // directory is left behind for the next run to wait on. Installed before the lock is taken:
  // a signal between writing the owner file and installing the handler met the default action
  // (exit at once, lock left behind; a flaky test under load).
  const onSignal = (signal: NodeJS.Signals): void => {
    release();
    process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    if (refresh !== undefined) clearInterval(refresh);
    for (const s of signals) process.removeListener(s, onSignal);
    // Remove only our own lock directory, never one a later run took over (or one never taken).
    if (stillMine()) removeLockDir(lockPath);
  };
  for (const s of signals) process.once(s, onSignal);
  let delay = 5;
  try {
    for (;;) {
      try {
        await fsp.mkdir(lockPath, 0o700);
        try {
          writeFileSync(path.join(lockPath, 'owner'), tag, { flag: 'wx', mode: 0o644 });
        } catch (error) {
          // never leave an ownerless lock directory behind
          await fsp.rmdir(lockPath).catch(() => undefined);
          throw new KrishivError('ERR_FILE_WRITE', `cannot lock (writing ${name}/owner): ${describeSystemError(error)}`, {
            input: label,
            cause: error,
          });
        }
        break;
      } catch (error) {
        if (isKrishivError(error)) throw error;
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          // not a locking problem: the file's directory is not there (a mistyped --store path)
          throw new KrishivError(
            'ERR_FILE_NOT_FOUND',
            `the directory ${path.dirname(lockPath)} does not exist; create it first or check the path`,
            { input: label, cause: error },
          );
        }
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new KrishivError('ERR_FILE_WRITE', `cannot lock: ${describeSystemError(error)}`, { input: label, cause: error });
        }
      }
      // lstat: a lock path is never followed; a symlink or a plain file there is not a lock this tool made
      const seen = await fsp.lstat(lockPath).catch(() => undefined);
      if (seen && !seen.isDirectory()) {
        throw lockedError(
          `${name} is ${seen.isSymbolicLink() ? 'a symlink' : 'not a directory'}, not a krishiv-auth lock: not followed and not removed; nothing changed (remove it by hand if no run is active)`,
        );
      }
      let tookOver = false;
      if (seen && (Date.now() - seen.mtimeMs > staleMs || ownerIsGone(lockPath))) {
        const again = await fsp.lstat(lockPath).catch(() => undefined);
        if (again?.isDirectory() && again.ino === seen.ino && again.mtimeMs === seen.mtimeMs) {
          const failure = removeLockDir(lockPath);
          if (failure !== null) {
            throw lockedError(
              `${name} was left by a run that is gone, but cannot be removed (${failure}); nothing changed: remove it by hand if no run is active`,
            );
          }
          tookOver = true;
        }
      }
      if (Date.now() >= deadline) {
        throw lockedError(
          `another krishiv-auth run holds the lock (${name}) and kept it for more than ${Math.max(1, Math.round(waitMs / 1000))} s; nothing changed (remove the lock if no run is active)`,
        );
      }
      if (tookOver) continue;
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 1.5, 100);
    }
  } catch (error) {
    release(); // the handlers go; a lock directory that is not ours stays
    throw error;
  }

  let lostReason: string | null = null;
  refresh = setInterval(
    () => {
      if (!stillMine()) {
        lostReason ??= 'the lock was taken over by another run';
        return;
      }
      const t = new Date();
      void fsp.lutimes(lockPath, t, t).catch(() => undefined);
    },
    Math.max(100, Math.floor(staleMs / 3)),
  );
  refresh.unref();
  const held: HeldLock = {
    // checked on the spot (a paused holder's timer may not have run yet)
    lost: () => {
      if (lostReason) return lostReason;
      if (!stillMine()) lostReason = 'the lock was taken over by another run';
      return lostReason;
    },
  };
  try {
    return await fn(held);
  } finally {
    release();
  }
}

/** The lock's owner text, read without following a symlink or blocking on a FIFO; undefined when unreadable. */
function readOwner(lockPath: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path.join(lockPath, 'owner'), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when the lock's owner file names a process of this host that no longer exists. */
function ownerIsGone(lockPath: string): boolean {
  const text = readOwner(lockPath);
  const m = text === undefined ? null : /^(\d+)@(\S*)/.exec(text);
  if (!m || m[2] !== hostname()) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a lock directory: only a real directory (never through a symlink) holding nothing but
 * its `owner` file (a regular file). Returns null when removed (or already gone), else why not;
 * nothing is deleted then.
 */
function removeLockDir(lockPath: string): string | null {
  try {
    const st = lstatSync(lockPath);
    if (!st.isDirectory()) return 'it is not a directory';
    const names = readdirSync(lockPath);
    const stray = names.filter((n) => n !== 'owner');
    if (stray.length > 0)
      return `it holds ${stray.length === 1 ? 'a file' : `${stray.length} files`} krishiv-auth did not put there (${stray.slice(0, 3).join(', ')})`;
    if (names.includes('owner')) {
      const owner = lstatSync(path.join(lockPath, 'owner'));
      if (!owner.isFile()) return 'its owner entry is not a regular file';
      unlinkSync(path.join(lockPath, 'owner'));
    }
    rmdirSync(lockPath);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return describeSystemError(error);
  }
}
