/**
 * Acceptance (issue 7): a reader re-reads and parses the tokens file in a tight loop while
 * `rotate begin` / `rotate finish` cycles run through the built bin; it must never see an
 * empty, partial or unparsable file. KRISHIV_AUTH_SOAK=full runs the 500 cycles.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const FULL = process.env['KRISHIV_AUTH_SOAK'] === 'full';
const CYCLES = FULL ? 500 : 8;
const READER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'token-reader.mjs');

it(`a tight-loop reader never sees a torn file during ${CYCLES} begin/finish cycles`, async () => {
  const dir = tempDir('krishiv-rotate-soak-reader-');
  const file = path.join(dir, 'tokens');
  const stop = path.join(dir, 'stop');
  const first = await runCli(['rotate', 'begin', 'tokens', '--json'], { cwd: dir });
  expect(first.code).toBe(0);

  const reader = spawn(process.execPath, [READER, file, stop, String(FULL ? 1_800_000 : 120_000)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let readerOut = '';
  reader.stdout.setEncoding('utf8').on('data', (d: string) => (readerOut += d));
  const readerDone = new Promise<void>((resolve) => reader.on('close', () => resolve()));

  const started = Date.now();
  const seen: string[] = [];
  try {
    for (let i = 0; i < CYCLES; i++) {
      const b = await runCli(['rotate', 'begin', 'tokens', '--json'], { cwd: dir });
      expect(b.code, b.stderr).toBe(0);
      seen.push((JSON.parse(b.stdout) as { fingerprint: string }).fingerprint);
      const f = await runCli(['rotate', 'finish', 'tokens', '--reload-interval', '0', '--json'], { cwd: dir });
      expect(f.code, f.stderr).toBe(0);
      expect((JSON.parse(f.stdout) as { kept: string }).kept).toBe(seen[seen.length - 1]);
    }
  } finally {
    writeFileSync(stop, '');
    await readerDone;
  }
  const elapsed = Date.now() - started;
  const result = JSON.parse(readerOut) as { reads: number; bad: number; samples: string[]; distinctContents: number };
  // Reported for the final report: cycles, wall time, reads.
  process.stderr.write(
    `soak rotate-reader: ${CYCLES} cycles in ${(elapsed / 1000).toFixed(1)} s; reader ${result.reads} reads, ${result.distinctContents} distinct contents, ${result.bad} bad\n`,
  );
  expect(result.samples).toEqual([]);
  expect(result.bad).toBe(0);
  expect(result.reads).toBeGreaterThan(CYCLES);
  expect(result.distinctContents).toBeGreaterThan(1);
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
});
