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
  return buffer.subarray(0, total);
}
