import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminal, mayBeTerminal } from '../../src/io/terminal.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('isTerminal', () => {
  it('is false for a regular file, /dev/null and a bad descriptor', () => {
    const dir = tempDir('krishiv-term-');
    const fd = openSync(path.join(dir, 'f'), 'w');
    try {
      expect(isTerminal(fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
    const nul = openSync('/dev/null', 'w');
    try {
      expect(isTerminal(nul)).toBe(false); // a character device, but not a tty
    } finally {
      closeSync(nul);
    }
    expect(isTerminal(987654)).toBe(false);
    expect(readFileSync(path.join(dir, 'f'), 'utf8')).toBe('');
  });
});

describe('mayBeTerminal (a descriptor known by its /proc target, no fstat)', () => {
  it('rules out pipes, sockets, anonymous inodes and the null, zero and full devices', () => {
    for (const t of ['pipe:[4026]', 'socket:[77]', 'anon_inode:[eventfd]', '/dev/null', '/dev/zero', '/dev/full']) {
      expect(mayBeTerminal(t), t).toBe(false);
    }
  });

  it('leaves everything else to fstat and node:tty: ptys, consoles, files, and paths from another mount namespace', () => {
    for (const t of ['/dev/pts/3', '/dev/tty1', '/dev/console', '/work/out.txt', '/3', '/dev/nullx'])
      expect(mayBeTerminal(t), t).toBe(true);
  });

  it('is false for /dev/zero opened for writing', () => {
    const fd = openSync('/dev/zero', 'w');
    try {
      expect(isTerminal(fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });
});
