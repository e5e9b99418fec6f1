/**
 * File-system edge of the tool: bounded reads and crash-safe writes. Every write goes to a
 * temp file in the same directory, is fsynced, renamed over the target and the directory is
 * fsynced, so a reader (the coordinator's reload task, a concurrent rotation) sees either
 * the old bytes or the new bytes, never a mix, and a crash leaves at most a stray temp file.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  promises as fsp,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { EXIT, KrishivError, describeSystemError, isKrishivError } from '../errors.js';
import { type ReadBytes, readToEndRaw, utf8Text } from './read.js';

const SECRET_MODE = 0o600;
/** Default size cap for user-supplied files (env files, JWKS, key stores, tokens). */
const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;

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
  const read = readFileBoundedRaw(file, options);
  return utf8Text(read.bytes, read.length);
}

/**
 * The one bounded reader for every input the user names: a regular file, a pipe, a FIFO,
 * `/dev/stdin`, a process substitution (`<(sops -d prod.env)`, a `/dev/fd/N` pipe). It reads to
 * the end, growing its buffer as needed, and refuses with ERR_FILE_TOO_LARGE (naming the input
 * and the cap) as soon as more than `limit` bytes arrive: never a silent cut, never more than
 * `limit + 1` bytes held. No fstat on the way (Node builds each Stats object, four dates
 * included, in JavaScript: ~1.3M instructions the first time, bench/README.md): a directory
 * shows itself by EISDIR at the first read, and a regular file's size is looked up only to say
 * it in the error.
 */
export function readFileBoundedSync(file: string, options: ReadOptions = {}): Buffer {
  const read = readFileBoundedRaw(file, options);
  return read.bytes.subarray(0, read.length);
}

/** readFileBoundedSync's bytes without making the view (readToEndRaw). */
function readFileBoundedRaw(file: string, options: ReadOptions): ReadBytes {
  const label = options.label ?? file;
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY);
    const read = readToEndRaw(fd, limit);
    if (read.length > limit) throw tooLarge(label, limit, fd);
    return read;
  } catch (error) {
    if (isKrishivError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new KrishivError('ERR_FILE_READ', 'is a directory, not a file', { input: label });
    throw new KrishivError(code === 'ENOENT' ? 'ERR_FILE_NOT_FOUND' : 'ERR_FILE_READ', `cannot read: ${describeSystemError(error)}`, {
      input: label,
      cause: error,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** ERR_FILE_TOO_LARGE for `label`; with `fd` of a regular file, its size in words. */
function tooLarge(label: string, limit: number, fd?: number): KrishivError {
  let size: number | undefined;
  try {
    const st = fd === undefined ? undefined : fstatSync(fd);
    if (st?.isFile()) size = st.size;
  } catch {
    size = undefined;
  }
  return new KrishivError(
    'ERR_FILE_TOO_LARGE',
    size !== undefined && size > limit
      ? `is ${size} bytes, more than the ${limit}-byte limit`
      : `is more than the ${limit}-byte limit (read stopped there; nothing was used)`,
    { input: label },
  );
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

// ---------------------------------------------------------------------------------------------
// Where a write lands: symlinks, hard links, bind mounts

/**
 * Where a write to `file` lands. The decision (docs/commands/*.md, "Files and links"):
 * - a regular file, or nothing yet: the path itself;
 * - a symlink owned by the running user or by root: followed (every hop), and the write
 *   replaces the file it points to, atomically, in that file's directory, keeping that file's
 *   mode and owner. A link is never replaced by a regular file, and a mode is never widened;
 * - a symlink owned by anyone else (a link planted in a shared directory), a link to a missing
 *   file (a write would create a file wherever it points), or anything not a regular file:
 *   refused (ERR_FILE_UNSAFE, exit 1; ERR_FILE_WRITE for a non-file), nothing written.
 */
export interface WriteTarget {
  /** The absolute path the write replaces (a symlink's final target). */
  path: string;
  /** True when `file` was a symlink that was followed. */
  viaSymlink: boolean;
  /** The existing file (followed), or undefined when it does not exist yet. */
  stat: Stats | undefined;
}

export function resolveWriteTarget(file: string, label = file): WriteTarget {
  let current = path.resolve(file);
  const me = typeof process.geteuid === 'function' ? process.geteuid() : -1;
  for (let hop = 0; hop <= 40; hop++) {
    let st: Stats;
    try {
      st = lstatSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && hop === 0) return { path: current, viaSymlink: false, stat: undefined };
      if (code === 'ENOENT') {
        throw new KrishivError(
          'ERR_FILE_UNSAFE',
          `is a symlink to a missing file (${current}): krishiv-auth does not create files through a symlink; create the target first or remove the link`,
          {
            input: label,
            exitCode: EXIT.FAILED,
          },
        );
      }
      throw new KrishivError('ERR_FILE_READ', `cannot stat: ${describeSystemError(error)}`, { input: label, cause: error });
    }
    if (st.isSymbolicLink()) {
      if (st.uid !== me && st.uid !== 0) {
        throw new KrishivError(
          'ERR_FILE_UNSAFE',
          `${hop === 0 ? 'is' : 'leads through'} a symlink owned by uid ${st.uid}, neither you nor root: not followed (someone else could point it at any file); nothing written`,
          { input: label, exitCode: EXIT.FAILED },
        );
      }
      current = path.resolve(path.dirname(current), readlinkSync(current));
      continue;
    }
    if (!st.isFile())
      throw new KrishivError('ERR_FILE_WRITE', `${hop === 0 ? 'exists and is' : 'is a symlink to'} something other than a regular file`, {
        input: label,
      });
    return { path: hop === 0 ? current : realpathSync(current), viaSymlink: hop > 0, stat: st };
  }
  throw new KrishivError('ERR_FILE_UNSAFE', 'is a chain of more than 40 symlinks; nothing written', {
    input: label,
    exitCode: EXIT.FAILED,
  });
}

/**
 * Why replacing an existing file by rename would not reach every reader of it, or undefined.
 * A file with other hard links keeps its old content under its other names; a file bind-mounted
 * somewhere else (a container's single-file mount) keeps the old inode there; a file that is
 * itself a mount point cannot be renamed over. Rename-based writes refuse these (ERR_FILE_UNSAFE):
 * writing in place would be seen half-written by a concurrent reader.
 */
function replaceHazard(target: WriteTarget): string | undefined {
  const st = target.stat;
  if (!st) return undefined;
  if (st.nlink > 1) {
    return `has ${st.nlink} hard links: an atomic replace would update only this name and leave the other ${st.nlink - 1} with the old content`;
  }
  const mounts = fileMounts(target.path);
  if (mounts.self)
    return 'is a mount point (a single-file bind mount): it cannot be replaced from here; change the file it is mounted from';
  if (mounts.elsewhere.length > 0) {
    return `is bind-mounted at ${mounts.elsewhere.slice(0, 3).join(', ')}: an atomic replace would leave that mount with the old content; change it where it is mounted from, or remount after the change`;
  }
  return undefined;
}

/** Throws ERR_FILE_UNSAFE (exit 1) when a rename-based write would not reach the file's readers. */
export function assertReplaceable(target: WriteTarget, label: string): void {
  const hazard = replaceHazard(target);
  if (hazard) throw new KrishivError('ERR_FILE_UNSAFE', `${hazard}; nothing written`, { input: label, exitCode: EXIT.FAILED });
}

interface MountEntry {
  dev: string;
  root: string;
  mountPoint: string;
}

/** Mount table of this process (Linux `/proc/self/mountinfo`); empty elsewhere. */
function parseMountInfo(text: string): MountEntry[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5 || !/^\d+:\d+$/.test(f[2]!)) continue;
    out.push({ dev: f[2]!, root: unescape(f[3]!), mountPoint: unescape(f[4]!) });
  }
  return out;
}

/** Where a regular file appears as a mount: itself a mount point, or bind-mounted elsewhere. */
export function fileMounts(realPath: string, mountInfo?: string): { self: boolean; elsewhere: string[] } {
  let text = mountInfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return { self: false, elsewhere: [] };
    }
  }
  const entries = parseMountInfo(text);
  const self = entries.some((e) => e.mountPoint === realPath);
  // the mount holding the file: the longest mount point that is a prefix of its path
  let holder: MountEntry | undefined;
  for (const e of entries) {
    const inside = e.mountPoint === '/' || realPath === e.mountPoint || realPath.startsWith(`${e.mountPoint}/`);
    if (inside && (!holder || e.mountPoint.length >= holder.mountPoint.length)) holder = e;
  }
  if (!holder) return { self, elsewhere: [] };
  const rel = path.posix.join(holder.root, path.posix.relative(holder.mountPoint, realPath));
  const elsewhere = entries
    .filter((e) => e !== holder && e.dev === holder!.dev && e.root === rel && e.mountPoint !== realPath)
    .map((e) => e.mountPoint);
  return { self, elsewhere };
}

/**
 * Refuses to write `output` over any of the command's inputs (compared by device and inode,
 * so a symlink, a hard link or another spelling of the same file is caught).
 */
export function assertNotAnInput(output: string, outputLabel: string, inputs: readonly { path: string; label: string }[]): void {
  let out: Stats;
  try {
    out = statSync(output);
  } catch {
    return; // does not exist (yet): it cannot be one of the inputs that were read
  }
  for (const input of inputs) {
    let st: Stats;
    try {
      st = statSync(input.path);
    } catch {
      continue;
    }
    if (st.dev === out.dev && st.ino === out.ino) {
      throw new KrishivError(
        'ERR_USAGE',
        `is the same file as ${input.label}, an input of this run: refusing to overwrite it; write the output elsewhere`,
        {
          input: outputLabel,
        },
      );
    }
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
  /** Refuse (ERR_FILE_EXISTS, exit 1) when the file exists: `--out` without `--force`. Checked atomically (link, not rename). */
  noClobber?: boolean;
  /** How to name the file in errors (defaults to the path). */
  label?: string;
  /** Test seam: called after the temp file is written and fsynced, before the rename. */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

export interface AtomicWriteResult {
  path: string;
  mode: number;
  created: boolean;
  /** The previous mode when the write tightened it (for a warning). */
  tightenedFrom?: number;
  /** The file actually replaced when `path` was a symlink (its target). */
  target?: string;
}

export function existsError(label: string, flag = '--force'): KrishivError {
  return new KrishivError(
    'ERR_FILE_EXISTS',
    `already exists: not replaced (it may hold a secret someone still uses); pass ${flag} to replace it, or choose another file`,
    {
      input: label,
      exitCode: EXIT.FAILED,
    },
  );
}

/**
 * Writes `data` to `file` atomically: temp file in the destination's directory, fsync, rename
 * (or link, for `noClobber`), directory fsync. A symlink is written through (see
 * resolveWriteTarget); a file a rename would not reach everywhere is refused (replaceHazard).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  const label = options.label ?? file;
  const target = resolveWriteTarget(file, label);
  const dest = target.path;
  const dir = path.dirname(dest);
  const base = path.basename(dest);
  const st = target.stat;
  if (st && options.noClobber) throw existsError(label);
  if (st) assertReplaceable(target, label);
  const previous = st ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : undefined;
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
    handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
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
    if (options.noClobber) await linkNoClobber(temp, dest, label);
    else await fsp.rename(temp, dest);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    if (isKrishivError(error)) throw error;
    throw new KrishivError('ERR_FILE_WRITE', `cannot write: ${describeSystemError(error)}`, { input: label, cause: error });
  }
  await syncDirectory(dir);
  const result: AtomicWriteResult = { path: file, mode, created: previous === undefined };
  if (tightenedFrom !== undefined) result.tightenedFrom = tightenedFrom;
  if (target.viaSymlink) result.target = dest;
  return result;
}

/** Puts the finished temp file at `dest` only if nothing is there (link is atomic; rename is not no-clobber). */
async function linkNoClobber(temp: string, dest: string, label: string): Promise<void> {
  try {
    await fsp.link(temp, dest);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw existsError(label);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // a file system without hard links: check, then rename (a narrow race, but never a silent clobber of what was seen)
    if (lstatExists(dest)) throw existsError(label);
    await fsp.rename(temp, dest);
    return;
  }
  await fsp.unlink(temp);
}

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a file this run created (a rollback), but only when it is still the file written:
 * same inode and same bytes. Returns true when removed.
 */
export function removeIfUnchanged(file: string, written: string | Uint8Array): boolean {
  try {
    const now = readFileSync(file);
    if (!now.equals(Buffer.from(written))) return false;
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

function randomHex(bytes: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** fsync a directory so a rename in it survives a crash. Best effort on platforms that refuse. */
async function syncDirectory(dir: string): Promise<void> {
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes temp files a killed run left beside `file` (writeFileAtomic's `.<base>.<pid>.<hex>.tmp`):
 * those whose process is gone, or older than an hour. Runs inside the lock.
 */
export async function cleanLeftoverTemps(file: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(file));
  const re = new RegExp(`^\\.${escapeRe(path.basename(file))}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    const pid = Number(m[1]);
    let old = false;
    try {
      old = (await fsp.lstat(full)).mtimeMs < Date.now() - 3_600_000;
    } catch {
      continue;
    }
    if (pid === process.pid || (pidAlive(pid) && !old)) continue;
    await fsp.unlink(full).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
