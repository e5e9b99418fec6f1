import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { runCli } from '../helpers/run-cli.js';

const dir = tempDir('kfp-');
const file = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

describe('fingerprint (built bin)', () => {
  it('--file reads a tokens file as the engine does: split on commas and newlines, trimmed, empties dropped', async () => {
    const r = await runCli(['fingerprint', '--file', file('tokens', ' alpha-token ,beta-token\n\ngamma-token\r\n')]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['alpha-token', 'beta-token', 'gamma-token'].map(engineFingerprint));
  });

  it('--single reads the whole content as one token, as the engine reads a _TOKEN_FILE (a comma is part of it)', async () => {
    const r = await runCli(['fingerprint', '--file', file('single', '  tok,en-with-comma \n'), '--single', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, fingerprints: [engineFingerprint('tok,en-with-comma')] });
    expect(r.stderr).toBe('');
  });

  it('--single on a multi-line file: one token with a line break, and a warning that no client can send it', async () => {
    const r = await runCli(['fingerprint', '--single', '-'], { input: 'line-one\nline-two\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(engineFingerprint('line-one\nline-two'));
    expect(r.stderr).toContain('<stdin>: the content spans several lines; the engine reads it as ONE token');
  });

  it('--single with a token argument is a usage error', async () => {
    const r = await runCli(['fingerprint', '--single', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--single reads a file or stdin, not a token argument');
  });
});
