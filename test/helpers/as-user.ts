/**
 * Running the built CLI as another user, for tests of ownership and permissions (issue 19).
 *
 * The other user (uid/gid 65534) cannot enter a checkout in a private directory (a `mktemp -d`
 * folder or a home directory, mode 0700), so the CLI it runs is a copy: bin/, dist/,
 * package.json and the runtime modules the bundles load from node_modules (the argon2 addon),
 * in a fresh directory under the run's TMPDIR (mode 0755, test/helpers/global-tmp.ts) that every user can reach. When the machine
 * cannot switch users (not root, no setpriv) or that user cannot reach the copy or the node
 * binary, `switchUsersUnavailable()` says why, and tests skip with that reason in their name.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './run-cli.js';
import { tempDir } from './temp-dir.js';

export const OTHER_UID = 65534;
const SETPRIV = '/usr/bin/setpriv';
/** node_modules entries the bundles require at run time (native addons stay external: scripts/build.mjs). */
const RUNTIME_MODULES = ['argon2', '@phc/format', 'node-gyp-build'];

let copy: string | undefined;

/** A copy of the built CLI that every user can reach; removed at process exit. */
export function reachableBin(): string {
  if (copy === undefined) {
    const base = tempDir('krishiv-auth-cli-', { mode: 0o755, run: true });
    for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, part), path.join(base, part), { recursive: true });
    for (const mod of RUNTIME_MODULES) {
      const from = path.join(ROOT, 'node_modules', mod);
      if (existsSync(from)) cpSync(from, path.join(base, 'node_modules', mod), { recursive: true, dereference: true });
    }
    // cpSync keeps the source modes; the tree must be readable (and its dirs enterable) by others
    spawnSync('chmod', ['-R', 'a+rX', base]);
    process.once('exit', () => rmSync(base, { recursive: true, force: true }));
    copy = base;
  }
  return path.join(copy, 'bin', 'krishiv-auth.js');
}

/** setpriv arguments that run `command` as uid/gid 65534 with the given supplementary groups. */
export function asOtherUser(groups: readonly number[], command: readonly string[]): [string, string[]] {
  return [
    SETPRIV,
    [`--reuid=${OTHER_UID}`, `--regid=${OTHER_UID}`, groups.length ? `--groups=${groups.join(',')}` : '--clear-groups', ...command],
  ];
}

let verdict: string | null | undefined;

/** Why this machine cannot run the CLI as another user here, or null when it can. */
export function switchUsersUnavailable(): string | null {
  if (verdict !== undefined) return verdict;
  if (process.getuid?.() !== 0) verdict = 'not running as root, so cannot switch users';
  else if (!existsSync(SETPRIV)) verdict = `${SETPRIV} is not installed`;
  else {
    const bin = reachableBin();
    const [cmd, args] = asOtherUser([], [process.execPath, '--', bin, '--version']);
    const probe = spawnSync(cmd, args, { encoding: 'utf8', cwd: path.dirname(bin) });
    verdict =
      probe.status === 0
        ? null
        : `uid ${OTHER_UID} cannot run ${process.execPath} on a copy of the CLI in ${path.dirname(path.dirname(bin))} (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0]})`;
  }
  return verdict;
}
