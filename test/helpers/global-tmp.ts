/**
 * vitest globalSetup: every temporary file of a test run goes under one directory made for the
 * run, removed when the run ends. Tests create theirs with `tempDir` (test/helpers/temp-dir.ts), and the CLI
 * processes they spawn inherit TMPDIR too, so nothing is left behind in the machine's /tmp, even
 * when a worker is torn down before its own cleanup runs.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const root = mkdtempSync(path.join(tmpdir(), 'krishiv-auth-test-'));
  // Tests that run the CLI as another user need to reach what they create under it.
  chmodSync(root, 0o755);
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
