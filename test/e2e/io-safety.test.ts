// Issue 12 (part A) through the built CLI, with real pipes, FIFOs, links, locks and streams:
// inputs read whole within their caps, writes through links that never widen, locks that fail
// in time, answers that must reach stdout, --out/--output that never clobber.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kio-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' };

/** Runs a bash command line with the CLI as `K` (node started with --, as the bin's shebang does). */
function sh(script: string, input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `K() { "$KNODE" -- "$KBIN" "$@"; }\n${script}`], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...ENV, KNODE: process.execPath, KBIN: BIN },
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('inputs from pipes, FIFOs and process substitutions are read whole (item 1)', () => {
  const production = readFileSync(path.resolve('examples/production.env'), 'utf8');
  // 130 KB: the setting that fails comes after the first 64 KiB
  const padded = `${production}${'# padding .......................................................\n'.repeat(2000)}KRISHIV_ALLOW_ANONYMOUS=1\n`;
  const envFile = path.join(dir, 'big.env');
  writeFileSync(envFile, padded);

  it('check-production gives the same verdict for a file, <(…), /dev/stdin and a FIFO', () => {
    expect(padded.length).toBeGreaterThan(2 * 65536);
    const fromFile = sh('K check-production --env-file big.env --json');
    expect(fromFile.code).toBe(1);
    const failing = (out: string): string[] =>
      (JSON.parse(out) as { findings: { id: string; status: string }[] }).findings.filter((c) => c.status === 'fail').map((c) => c.id);
    const expected = failing(fromFile.stdout);
    expect(expected.length).toBeGreaterThan(0);
    expect(failing(sh('K check-production --env-file <(cat big.env) --json').stdout)).toEqual(expected);
    expect(failing(sh('cat big.env | K check-production --env-file /dev/stdin --json').stdout)).toEqual(expected);
    expect(failing(sh('rm -f env.fifo; mkfifo env.fifo; (cat big.env > env.fifo &) ; K check-production --env-file env.fifo --json').stdout)).toEqual(expected);
  });

  it('fingerprint --file <(…) reads every token of a 150 KB pipe', () => {
    const tokens = Array.from({ length: 15_000 }, (_, i) => `token-${i}-abcdef`);
    writeFileSync(path.join(dir, 'many.tokens'), `${tokens.join('\n')}\n`);
    const r = sh('K fingerprint --file <(cat many.tokens)');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(15_000);
    expect(lines[14_999]).toBe(engineFingerprint('token-14999-abcdef'));
  });

  it('more than the cap through a pipe is a typed error naming the input and the cap, exit 2', () => {
    // fingerprint --file reads at most 1 MiB
    const r = sh('K fingerprint --json --file <(head -c 1200000 /dev/zero | tr "\\0" "a")');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_TOO_LARGE', input: '/dev/fd/63' } });
    expect(r.stderr).toContain('more than the 1048576-byte limit');
  });
});
