/**
 * Acceptance (issue 7): a rotation killed with SIGKILL at random points leaves either the old
 * or the new file, never a mix, and the next run recovers (stale lock taken over, the dead
 * run's temp file removed). The env seam KRISHIV_AUTH_TEST_PAUSE holds a run at a named point
 * (after-lock, before-rename) so kills land inside the critical section, not only at start-up.
 * KRISHIV_AUTH_SOAK=full runs 100 kills.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { BIN, runCli, tempHome } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const FULL = process.env['KRISHIV_AUTH_SOAK'] === 'full';
const KILLS = FULL ? 100 : 4;

function spawnRotate(
  dir: string,
  args: string[],
  pause: string | undefined,
): { exited: Promise<number | null>; kill(): void; output(): string } {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tempHome(), NO_COLOR: '1' };
  if (pause) env['KRISHIV_AUTH_TEST_PAUSE'] = pause;
  const child = spawn(process.execPath, [BIN, 'rotate', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { exited, kill: () => child.kill('SIGKILL'), output: () => out };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(10);
  }
  return cond();
}

it(`${KILLS} SIGKILLed rotations leave the old or the new file, and the next run recovers`, async () => {
  const dir = tempDir('krishiv-rotate-soak-kill-');
  const file = path.join(dir, 'tokens');
  const lock = `${file}.lock`;
  const temps = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  expect((await runCli(['rotate', 'begin', 'tokens'], { cwd: dir })).code).toBe(0);
  const started = Date.now();
  const outcomes = { old: 0, new: 0, heldTemp: 0, heldLock: 0, cleaned: 0 };

  for (let i = 0; i < KILLS; i++) {
    const before = readFileSync(file, 'utf8');
    const beforeLines = before.trim().split('\n');
    const finish = i % 3 === 2 && beforeLines.length > 1;
    const args = finish ? ['finish', 'tokens', '--reload-interval', '0'] : ['begin', 'tokens'];
    // Deterministic points first (they are what the small run must cover), then random ones.
    const point = i % 4 === 0 ? 'before-rename' : i % 4 === 1 ? 'after-lock' : Math.random() < 0.5 ? 'before-rename' : 'none';
    const run = spawnRotate(dir, args, point === 'none' ? undefined : `${point}=5000`);
    if (point === 'before-rename') {
      // The token file's temp written and fsynced, its rename not done yet: the critical moment. (Not any
      // temp: a `begin` writes the sidecar's first, renamed at once, and a kill between the two held none.)
      expect(await waitFor(() => temps().some((n) => /^\.tokens\.\d+\.[0-9a-f]{12}\.tmp$/.test(n)), 10_000), run.output()).toBe(true);
    } else if (point === 'after-lock') {
      expect(await waitFor(() => existsSync(lock), 10_000), run.output()).toBe(true);
    } else {
      await sleep(Math.floor(Math.random() * 250));
    }
    if (point !== 'none') await sleep(Math.floor(Math.random() * 50));
    run.kill();
    await run.exited;

    const after = readFileSync(file, 'utf8');
    const afterLines = after.trim().split('\n');
    expect(after.endsWith('\n')).toBe(true);
    if (after === before) outcomes.old++;
    else {
      outcomes.new++;
      if (finish) expect(afterLines).toEqual([beforeLines[0]]);
      else expect(afterLines.slice(1)).toEqual(beforeLines);
    }
    if (temps().length > 0) outcomes.heldTemp++;
    if (existsSync(lock)) outcomes.heldLock++;

    // The next run recovers: it takes over the stale lock and removes the leftover temp file.
    const next = await runCli(['rotate', 'begin', 'tokens', '--json'], { cwd: dir, timeoutMs: 60_000 });
    expect(next.code, next.stderr).toBe(0);
    const doc = JSON.parse(next.stdout) as { cleaned: string[]; tokens: string[] };
    outcomes.cleaned += doc.cleaned.length;
    expect(temps()).toEqual([]);
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(file, 'utf8').trim().split('\n').slice(1)).toEqual(after.trim().split('\n'));
  }
  const elapsed = Date.now() - started;
  process.stderr.write(
    `soak rotate-kill: ${KILLS} kills in ${(elapsed / 1000).toFixed(1)} s; old ${outcomes.old}, new ${outcomes.new}; left a temp ${outcomes.heldTemp}, a lock ${outcomes.heldLock}; temps cleaned ${outcomes.cleaned}\n`,
  );
  expect(outcomes.heldTemp).toBeGreaterThan(0);
  expect(outcomes.cleaned).toBeGreaterThanOrEqual(outcomes.heldTemp);
  expect(outcomes.heldLock).toBeGreaterThan(0);
});
