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
import { promises as fsp, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { KrishivError, describeSystemError, type ErrorCode } from '../errors.js';

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

export function lockPathFor(file: string): string {
  return `${path.resolve(file)}.lock`;
}

/** Runs `fn` while holding `<file>.lock`. */
export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = lockPathFor(file);
  const label = options.label ?? file;
  const waitMs = options.waitMs ?? 15_000;
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  // pid@host, plus a nonce: a directory re-created by a takeover can reuse the inode number
  const tag = `${process.pid}@${hostname()} ${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex')}`;
  let delay = 5;
  for (;;) {
    try {
      await fsp.mkdir(lockPath);
      await fsp.writeFile(path.join(lockPath, 'owner'), tag).catch(() => undefined);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KrishivError('ERR_FILE_WRITE', `cannot lock: ${describeSystemError(error)}`, { input: label, cause: error });
      }
    }
    const seen = await fsp.stat(lockPath).catch(() => undefined);
    const dead = seen !== undefined && (await ownerIsGone(lockPath));
    if (seen && (dead || Date.now() - seen.mtimeMs > staleMs)) {
      const again = await fsp.stat(lockPath).catch(() => undefined);
      if (again && again.ino === seen.ino && again.mtimeMs === seen.mtimeMs) {
        await removeLockDir(lockPath);
        continue;
      }
    }
    if (Date.now() >= deadline) {
      throw new KrishivError(
        options.lockedCode ?? 'ERR_STORE_LOCKED',
        `another krishiv-auth run holds the lock (${path.basename(lockPath)}) and kept it for more than ${Math.max(1, Math.round(waitMs / 1000))} s; nothing changed (remove the lock if no run is active)`,
        { input: label },
      );
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 1.5, 100);
  }

  let lostReason: string | null = null;
  const stillMine = async (): Promise<boolean> =>
    (await fsp.readFile(path.join(lockPath, 'owner'), 'utf8').catch(() => undefined)) === tag;
  const refresh = setInterval(() => {
    void (async () => {
      if (!(await stillMine())) {
        lostReason ??= 'the lock was taken over by another run';
        return;
      }
      const t = new Date();
      await fsp.utimes(lockPath, t, t).catch(() => undefined);
    })();
  }, Math.max(100, Math.floor(staleMs / 3)));
  refresh.unref();
  const held: HeldLock = {
    // checked on the spot (a paused holder's timer may not have run yet)
    lost: () => {
      if (lostReason) return lostReason;
      let owner: string | undefined;
      try {
        owner = readFileSync(path.join(lockPath, 'owner'), 'utf8');
      } catch {
        owner = undefined;
      }
      if (owner !== tag) lostReason = 'the lock was taken over by another run';
      return lostReason;
    },
  };
  try {
    return await fn(held);
  } finally {
    clearInterval(refresh);
    // Remove only our own lock directory, never one a later run took over.
    if (await stillMine()) await removeLockDir(lockPath);
  }
}

/** True when the lock's owner file names a process of this host that no longer exists. */
async function ownerIsGone(lockPath: string): Promise<boolean> {
  const text = await fsp.readFile(path.join(lockPath, 'owner'), 'utf8').catch(() => undefined);
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

async function removeLockDir(lockPath: string): Promise<void> {
  await fsp.rm(path.join(lockPath, 'owner'), { force: true }).catch(() => undefined);
  await fsp.rmdir(lockPath).catch(() => undefined);
}
