/**
 * Standard streams without Node's stream machinery. Creating process.stdout / process.stderr
 * loads the stream and net modules (about 3 ms of a ~25 ms process, bench/README.md), so the
 * CLI writes with fs.writeSync on the file descriptors and asks whether a descriptor is a
 * terminal with one fstat (only a character device can be one; `node:tty` is loaded just
 * for those). stdin is created only when a command actually reads it.
 */
import { fstatSync, readlinkSync, writeSync } from 'node:fs';
import { readToEndSync } from './read.js';
import type { InputStream } from './stdin.js';
import { KrishivError } from '../errors.js';

/** A place to write text: a standard stream, or a test's buffer. */
export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  /** the Node stream behind it, for libraries that need one (the TTY spinner) */
  stream?: () => NodeJS.WriteStream;
  /** the error of a write that failed (EPIPE, ENOSPC, EBADF); output stops after it */
  readonly writeError?: NodeJS.ErrnoException | undefined;
  /** true when output goes nowhere (/dev/null, or a descriptor closed at start) */
  discards?: () => boolean;
}

/**
 * node:tty, loaded synchronously only when a descriptor may be a terminal. In the CommonJS
 * bundle `require` is there; under vitest (ESM) process.getBuiltinModule is (Node ≥ 20.16).
 * Not createRequire: loading node:module pulls in the ESM loader at every start.
 */
function loadTty(): typeof import('node:tty') {
  return typeof require === 'function' ? (require('node:tty') as typeof import('node:tty')) : process.getBuiltinModule('node:tty');
}

/**
 * True when `fd` is a terminal. On Linux the descriptor's target says it for the descriptors a
 * CLI meets most (a pipe, a socket, /dev/null) without an fstat (whose Stats object, dates
 * included, Node builds in JavaScript) or node:tty (and net, and streams). Anything else (a
 * file, a pty, a console), or no /proc, is asked of fstat and, for a character device, node:tty.
 */
export function isTerminal(fd: number): boolean {
  const target = fdTarget(fd);
  if (target !== undefined && !mayBeTerminal(target)) return false;
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return loadTty().isatty(fd);
}

/**
 * Whether a descriptor's /proc target may be a terminal: not a pipe, a socket, an anonymous inode
 * (eventfd, …), /dev/null, /dev/zero or /dev/full. A path is not judged by its name: a pty
 * from another mount namespace may show as any path.
 */
export function mayBeTerminal(target: string): boolean {
  return !(
    target.startsWith('pipe:') ||
    target.startsWith('socket:') ||
    target.startsWith('anon_inode:') ||
    target === '/dev/null' ||
    target === '/dev/zero' ||
    target === '/dev/full'
  );
}

/** Where `/proc/self/fd/<fd>` points (Linux); undefined without /proc or for a closed descriptor. */
function fdTarget(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/**
 * Reads all of stdin synchronously when it is a file or a pipe (no stream machinery);
 * returns undefined when that is not possible (a terminal), and
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
  // at most limit + 1 bytes: the caller (io/stdin.ts) reports more than the limit, naming <stdin>
  return readToEndSync(0, limit, st.isFile() ? st.size : 0);
}

/**
 * A synchronous writer on a file descriptor. A failed write (EPIPE: the reader went away;
 * ENOSPC: /dev/full or a full disk; EBADF) stops further output and is kept in `writeError`,
 * so the frame can report it (the answer did not reach anyone) instead of exiting 0.
 */
export function fdWriter(fd: 1 | 2): WritableLike {
  let tty: boolean | undefined;
  let failure: NodeJS.ErrnoException | undefined;
  return {
    write(chunk: string): boolean {
      if (failure) return false;
      const buf = Buffer.from(chunk);
      let off = 0;
      while (off < buf.length) {
        try {
          off += writeSync(fd, buf, off, buf.length - off);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            // a non-blocking pipe that is full: wait for the reader instead of spinning
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
            continue;
          }
          failure = error as NodeJS.ErrnoException;
          return false;
        }
      }
      return true;
    },
    get writeError(): NodeJS.ErrnoException | undefined {
      return failure;
    },
    discards(): boolean {
      return discardsOutput(fd);
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

/**
 * True when what is written to `fd` reaches no one: /dev/null, which is also what Node puts on a
 * descriptor that was closed when it started (`krishiv-auth … >&-`). Linux only (/proc); elsewhere
 * false.
 */
function discardsOutput(fd: number): boolean {
  return fdTarget(fd) === '/dev/null';
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

/**
 * Reads one line typed on the terminal without echoing it (a secret: `keys verify -` at a
 * prompt). The prompt goes to stderr; the terminal mode is restored whatever happens. Ctrl-C
 * or Ctrl-D on an empty line cancels (a typed error); more than `limit` characters is one too.
 */
export function promptHidden(prompt: string, limit: number): Promise<string> {
  loadTty(); // process.stdin is a tty.ReadStream on a terminal
  const input = process.stdin;
  // echo off before the prompt shows: a key typed (or pasted) right away is never echoed
  input.setRawMode(true);
  writeSync(2, prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      writeSync(2, '\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && line === ''))
          return finish(new KrishivError('ERR_USAGE', 'cancelled at the prompt', { input: '<terminal>' }));
        if (ch === '\u0004') return finish();
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else if (ch === '\u0015')
          line = ''; // Ctrl-U
        else if (ch >= ' ') line += ch;
        if (line.length > limit)
          return finish(new KrishivError('ERR_FILE_TOO_LARGE', `more than ${limit} characters typed`, { input: '<terminal>' }));
      }
    };
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
