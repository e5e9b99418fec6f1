/**
 * Standard streams without Node's stream machinery. Creating process.stdout / process.stderr
 * loads the stream and net modules (about 3 ms of a ~25 ms process, bench/README.md), so the
 * CLI writes with fs.writeSync on the file descriptors and asks whether a descriptor is a
 * terminal with one fstat (only a character device can be one; `node:tty` is loaded just
 * for those). stdin is created only when a command actually reads it.
 */
import { fstatSync, readSync, readlinkSync, writeSync } from 'node:fs';
import type { InputStream } from './stdin.js';

/** A place to write text: a standard stream, or a test's buffer. */
export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  /** the Node stream behind it, for libraries that need one (the TTY spinner) */
  stream?: () => NodeJS.WriteStream;
}

/**
 * node:tty, loaded synchronously only when a descriptor may be a terminal. In the CommonJS
 * bundle `require` is there; under vitest (ESM) process.getBuiltinModule is (Node ≥ 20.16).
 * Not createRequire: loading node:module pulls in the ESM loader at every start.
 */
function loadTty(): typeof import('node:tty') {
  return typeof require === 'function' ? (require('node:tty') as typeof import('node:tty')) : process.getBuiltinModule('node:tty');
}

/** True when `fd` is a terminal. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  // Most character devices a CLI meets are /dev/null (CI runners' stdin) or a tty; on Linux
  // the descriptor's target says which without loading node:tty (and net, and streams).
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    if (target === '/dev/null' || target === '/dev/zero' || target === '/dev/full') return false;
  } catch {
    // not Linux, or no /proc: ask node:tty
  }
  return loadTty().isatty(fd);
}

/**
 * Reads all of stdin synchronously when it is a file or a pipe (no stream machinery);
 * returns undefined when that is not possible (a terminal, a non-blocking descriptor), and
 * the caller falls back to the stream.
 */
export function readStdinSync(limit: number): Buffer | undefined {
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return undefined;
  }
  if (!st.isFIFO() && !st.isFile() && !st.isSocket() && !(st.isCharacterDevice() && !isTerminal(0))) return undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && total === 0) return undefined; // non-blocking: use the stream
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    total += n;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    if (total > limit) break; // the caller reports the overflow
  }
  return Buffer.concat(chunks);
}

/** A synchronous writer on a file descriptor; an EPIPE (reader went away) ends output quietly. */
export function fdWriter(fd: 1 | 2): WritableLike {
  let tty: boolean | undefined;
  let closed = false;
  return {
    write(chunk: string): boolean {
      if (closed) return false;
      const buf = Buffer.from(chunk);
      let off = 0;
      while (off < buf.length) {
        try {
          off += writeSync(fd, buf, off, buf.length - off);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue; // a non-blocking pipe that is full
          closed = true; // EPIPE and friends: nobody is reading
          return false;
        }
      }
      return true;
    },
    get isTTY(): boolean {
      tty ??= isTerminal(fd);
      return tty;
    },
    get columns(): number | undefined {
      if (!this.isTTY) return undefined;
      return (fd === 1 ? process.stdout : process.stderr).columns;
    },
    stream: () => (fd === 1 ? process.stdout : process.stderr),
  };
}

/** stdin, created on first use; read without streams when it is a file or a pipe. */
export function lazyStdin(): InputStream {
  let tty: boolean | undefined;
  return {
    get isTTY(): boolean {
      tty ??= isTerminal(0);
      return tty;
    },
    readAllSync: (limit: number) => readStdinSync(limit),
    [Symbol.asyncIterator]() {
      return (process.stdin as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    },
  };
}
