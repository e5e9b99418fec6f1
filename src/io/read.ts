/**
 * The one loop that reads an input to its end: regular files, pipes, FIFOs, `/dev/stdin`,
 * process substitutions and standard input all go through it (io/fs.ts readFileBoundedSync,
 * io/terminal.ts readStdinSync), so none is cut at a pipe's 64 KiB or read without a cap.
 */
import { readSync } from 'node:fs';

/**
 * Reads `fd` until EOF, keeping at most `limit + 1` bytes: a result longer than `limit` means the
 * input is over the cap (the caller names the input and the cap in its error). `sizeHint` sizes the
 * first buffer (a regular file's size); without one it is 256 KiB (memory the kernel maps only
 * where it is written: a small file costs no more than with a smaller buffer, and a 170 KB env
 * file is read without growing it twice), grown by doubling. EAGAIN (a non-blocking descriptor
 * with nothing yet) waits 5 ms rather than spinning.
 */
export function readToEndSync(fd: number, limit: number, sizeHint = 0): Buffer {
  const read = readToEndRaw(fd, limit, sizeHint);
  return read.bytes.subarray(0, read.length);
}

/** What readToEndRaw read: the first `length` bytes of `bytes`. */
export interface ReadBytes {
  bytes: Buffer;
  length: number;
}

/** readToEndSync without making the view: for a caller that decodes the bytes at once (utf8Text). */
export function readToEndRaw(fd: number, limit: number, sizeHint = 0): ReadBytes {
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(sizeHint + 1, 1 << 18)));
  let total = 0;
  while (total <= limit) {
    if (total === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(bigger, 0, 0, total);
      buffer = bigger;
    }
    let n: number;
    try {
      n = readSync(fd, buffer, total, buffer.length - total, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    total += n;
  }
  return { bytes: buffer, length: total };
}

/**
 * The first `length` bytes of `bytes` as UTF-8 text, decoded as Buffer#toString('utf8') decodes
 * them (a sequence that is not UTF-8 becomes U+FFFD), through Buffer's own utf8Slice where Node has
 * it (20 to 26 do). A one-shot run compiles the JavaScript of every Node function it calls once:
 * toString's (its encoding lookup and range checks) and subarray's were ~0.1 ms of a
 * check-production start (bench/README.md).
 */
export function utf8Text(bytes: Buffer, length = bytes.length): string {
  const slice = (bytes as Buffer & { utf8Slice?: (start: number, end: number) => string }).utf8Slice;
  return typeof slice === 'function' ? slice.call(bytes, 0, length) : bytes.toString('utf8', 0, length);
}
