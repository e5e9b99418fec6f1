import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/io/terminal.js';
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
