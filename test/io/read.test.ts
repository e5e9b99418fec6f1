import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readToEndRaw, readToEndSync, utf8Text } from '../../src/io/read.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('kread-');
function withFd<T>(bytes: number, f: (fd: number) => T): T {
  const file = path.join(dir, `f${bytes}`);
  writeFileSync(file, Buffer.alloc(bytes, 0x61));
  const fd = openSync(file, 'r');
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}

describe('readToEndSync', () => {
  it('reads far past its first buffer when the size is not known (a pipe reports 0)', () => {
    expect(withFd(300_000, (fd) => readToEndSync(fd, 1_000_000, 0)).length).toBe(300_000);
  });
  it('keeps exactly limit + 1 bytes of a longer input, so the caller can tell it is over the cap', () => {
    expect(withFd(5000, (fd) => readToEndSync(fd, 1000, 0)).length).toBe(1001);
    expect(withFd(1000, (fd) => readToEndSync(fd, 1000, 1000)).length).toBe(1000);
  });
  it('reads an empty input as empty', () => {
    expect(withFd(0, (fd) => readToEndSync(fd, 10, 0)).length).toBe(0);
  });
});

describe('readToEndRaw', () => {
  it('reads what readToEndSync reads, as the first `length` bytes of a buffer', () => {
    const raw = withFd(5000, (fd) => readToEndRaw(fd, 1000, 0));
    expect(raw.length).toBe(1001);
    expect(raw.bytes.length).toBeGreaterThanOrEqual(raw.length);
  });
});

describe('utf8Text: Buffer#toString(utf8) over the first `length` bytes', () => {
  it('decodes any bytes as toString does, invalid sequences as U+FFFD, only up to `length`', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(80), (bytes, cut) => {
        const buf = Buffer.from(bytes);
        const length = Math.min(cut, buf.length);
        expect(utf8Text(buf, length)).toBe(buf.toString('utf8', 0, length));
        expect(utf8Text(buf)).toBe(buf.toString('utf8'));
      }),
    );
  });
});
