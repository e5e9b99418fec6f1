/**
 * The file seam's real side: before the pure checks run, look at every file an env var names
 * (token files, TLS/CA files) and record what the engine would find. A path that does not
 * exist on this machine is `unchecked` ("not checked here"), unless --require-files says this
 * is the target host, in which case it is `missing` as the engine would see it. Contents are
 * kept in memory for the checks only (secrets: never printed).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { isKrishivError } from '../errors.js';
import { readTextFile, statPath } from '../io/fs.js';
import { osErrorText } from './engine-sources.js';
import { FILE_VARIABLES, filePathOf, tableProbe, type FileProbe, type FileState } from './model.js';
import type { EnvSet } from './types.js';

const TOKEN_FILE_LIMIT = 1024 * 1024;

export interface ProbeOptions {
  cwd: string;
  requireFiles?: boolean;
}

async function probeOne(file: string, options: ProbeOptions): Promise<FileState> {
  const abs = path.resolve(options.cwd, file);
  let info;
  try {
    info = await statPath(abs);
  } catch (error) {
    return unreadable(isKrishivError(error) ? error.message : String(error), error);
  }
  if (!info) return options.requireFiles ? { state: 'missing' } : { state: 'unchecked' };
  // Who can read a token file is decided by the file a link points to, not by the link (whose own
  // mode is always 0777): a Kubernetes Secret volume presents every key as `name -> ..data/name`.
  const target = info.isFile ? undefined : followed(abs);
  const mode = info.isSymlink ? target?.mode : info.mode;
  // A pipe (a FIFO no one writes to, `/dev/stdin` from a pipe) would block this run: its content is
  // not read here. A device is read without waiting: `/dev/null` holds nothing, as the engine finds,
  // while a terminal with no input (`/dev/stdin`, `/dev/tty`) is not read either.
  if (target !== undefined && target.kind === 'device') {
    const content = readDeviceNow(abs);
    if (content !== undefined) return { state: 'ok', content, mode: mode ?? info.mode };
  }
  if (target !== undefined && target.kind !== 'file' && target.kind !== 'directory') {
    return { state: 'unchecked', why: 'is not a regular file (a pipe, socket or device), so its content is not read here' };
  }
  try {
    const content = await readTextFile(abs, { limit: TOKEN_FILE_LIMIT, label: file });
    // The engine reads token files with read_to_string, which fails on bytes that are not UTF-8;
    // the text read replaced them with U+FFFD, so only then are the bytes looked at again.
    if (content.includes('\uFFFD') && !isUtf8(readFileSync(abs)))
      return { state: 'ok', content, mode: mode ?? info.mode, invalidUtf8: true };
    return { state: 'ok', content, mode: mode ?? info.mode };
  } catch (error) {
    const message = isKrishivError(error) ? error.message.replace(/^cannot read: /, '') : String(error);
    // A dangling symlink (a Kubernetes secret mount seen from elsewhere) is "not here".
    if (isKrishivError(error) && error.code === 'ERR_FILE_NOT_FOUND') {
      return options.requireFiles ? { state: 'missing' } : { state: 'unchecked' };
    }
    // The engine reads these files whole with read_to_string, whatever their size
    // (crates/krishiv-scheduler/src/auth.rs:243-253, crates/krishiv-scheduler/src/grpc.rs:920-928): a file
    // past this tool's read limit is not unreadable to it, only not looked at here.
    if (isKrishivError(error) && error.code === 'ERR_FILE_TOO_LARGE') {
      return {
        state: 'unchecked',
        why: `is larger than the ${TOKEN_FILE_LIMIT / (1024 * 1024)} MiB this tool reads, so its content is not checked (the engine reads it whole)`,
      };
    }
    // (a directory has no file mode to judge: who may list it says nothing about a token)
    const fileMode = target?.kind === 'directory' ? undefined : mode;
    return unreadable(message, error, fileMode);
  }
}

/** What a path leads to, every symlink followed (permission bits in `mode`), or undefined when it cannot be reached. */
function followed(abs: string): { mode: number; kind: 'file' | 'directory' | 'device' | 'other' } | undefined {
  try {
    const st = statSync(abs);
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'other';
    return { mode: st.mode & 0o7777, kind };
  } catch {
    return undefined;
  }
}

/** A device's content when it is there at once and within the limit (`/dev/null`: ""), else undefined. */
function readDeviceNow(abs: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const buf = Buffer.alloc(TOKEN_FILE_LIMIT + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > TOKEN_FILE_LIMIT) return undefined;
    }
    const bytes = buf.subarray(0, n);
    return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
  } catch {
    // EAGAIN: a terminal or a device with nothing to give now; any other error: not read here either
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * An unreadable file, with the failure as the engine's io error prints it where the OS error is
 * known (a directory opens but cannot be read: EISDIR, as `read_to_string` and `fs::read` meet it).
 */
function unreadable(error: string, thrown: unknown, mode?: number): FileState {
  const cause = isKrishivError(thrown) ? (thrown.cause as NodeJS.ErrnoException | undefined) : (thrown as NodeJS.ErrnoException);
  const code = cause?.code ?? (isKrishivError(thrown) && /is a directory/.test(thrown.message) ? 'EISDIR' : undefined);
  const engineError = osErrorText(code);
  const state: FileState = mode === undefined ? { state: 'unreadable', error } : { state: 'unreadable', error, mode };
  if (engineError !== undefined) state.engineError = engineError;
  return state;
}

/** Probes every file named by the env's file variables and returns a FileProbe over the results. */
export async function probeEnvFiles(env: EnvSet, options: ProbeOptions): Promise<FileProbe> {
  const table = new Map<string, FileState>();
  for (const name of FILE_VARIABLES) {
    const p = filePathOf(name, env.vars.get(name)?.value);
    if (p === undefined || table.has(p)) continue;
    table.set(p, await probeOne(p, options));
  }
  return tableProbe(table);
}

/** The `.env` the krishiv binary would load when started in `cwd`: the first one in cwd or a parent. */
export async function findDotenv(cwd: string): Promise<string | undefined> {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, '.env');
    try {
      const info = await statPath(candidate);
      if (info && (info.isFile || info.isSymlink)) return candidate;
    } catch {
      // unreadable directory: dotenvy would stop too
      return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
