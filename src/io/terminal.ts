/**
 * Standard streams without Node's stream machinery. Creating process.stdout / process.stderr
 * loads the stream and net modules (about 3 ms of a ~25 ms process, bench/README.md), so the
 * CLI writes with fs.writeSync on the file descriptors and asks whether a descriptor is a
 * terminal with one fstat (only a character device can be one; `node:tty` is loaded just
 * for those). stdin is created only when a command actually reads it.
 */
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WritableLike } from '../cli/output.js';
import type { InputStream } from './stdin.js';

const requireBuiltin = createRequire(__filename_or_url());

function __filename_or_url(): string {
  // CommonJS bundle: __filename exists; under vitest (ESM) fall back to the cwd.
  return typeof __filename === 'string' ? __filename : `${process.cwd()}/`;
}

/** True when `fd` is a terminal. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const tty = requireBuiltin('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
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

/** stdin, created on first use. */
export function lazyStdin(): InputStream {
  let tty: boolean | undefined;
  return {
    get isTTY(): boolean {
      tty ??= isTerminal(0);
      return tty;
    },
    [Symbol.asyncIterator]() {
      return (process.stdin as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    },
  };
}
