/**
 * The one fixture helper for temporary directories. `tempDir` makes a fresh directory under the
 * run's TMPDIR (test/helpers/global-tmp.ts) and, when called inside a test (or its beforeEach),
 * removes it when that test finishes. Called from beforeAll, a describe body or a module's top
 * level, or with `{ run: true }`, it lives until the run's TMPDIR is removed. `copyFixture`
 * copies a folder of test/fixtures into such a directory.
 */
import { chmodSync, cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface TempDirOptions {
  /** The directory's mode (mkdtemp makes it 0700), e.g. 0o755 for one another user must enter. */
  mode?: number;
  /** Keep it for the rest of the run even when made inside a test: a directory cached across tests. */
  run?: boolean;
}

/** A new empty directory (real path, symlinks resolved) named `<prefix>XXXXXX`. */
export function tempDir(prefix = 'krishiv-auth-', options: TempDirOptions = {}): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  if (options.mode !== undefined) chmodSync(dir, options.mode);
  if (options.run !== true) {
    try {
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    } catch {
      // Not inside a test (beforeAll, describe): removed with the run's TMPDIR.
    }
  }
  return dir;
}

/** A temporary copy of test/fixtures/<name> (a folder or a file); returns the copy's path. */
export function copyFixture(name: string): string {
  const target = path.join(tempDir('fixture-'), path.basename(name));
  cpSync(path.join(FIXTURES, name), target, { recursive: true });
  return target;
}
