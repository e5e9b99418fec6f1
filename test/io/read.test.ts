import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readToEndSync } from '../../src/io/read.js';
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
