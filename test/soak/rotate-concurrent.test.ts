/**
 * Acceptance (issue 7): two processes each run M `rotate begin` at the same time; afterwards
 * every new token is in the file (the advisory lock serialises the read-modify-write).
 * KRISHIV_AUTH_SOAK=full runs the 100 each.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const FULL = process.env['KRISHIV_AUTH_SOAK'] === 'full';
const M = FULL ? 100 : 10;

it(`two concurrent streams of ${M} rotate begin lose no token`, async () => {
  const dir = tempDir('krishiv-rotate-soak-concurrent-');
  const started = Date.now();
  const stream = async (): Promise<string[]> => {
    const fps: string[] = [];
    for (let i = 0; i < M; i++) {
      const r = await runCli(['rotate', 'begin', 'tokens', '--json'], { cwd: dir, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      fps.push((JSON.parse(r.stdout) as { fingerprint: string }).fingerprint);
    }
    return fps;
  };
  const [a, b] = await Promise.all([stream(), stream()]);
  const elapsed = Date.now() - started;
  const inFile = readFileSync(path.join(dir, 'tokens'), 'utf8').trim().split('\n').map(engineFingerprint);
  process.stderr.write(`soak rotate-concurrent: 2 x ${M} begins in ${(elapsed / 1000).toFixed(1)} s; file holds ${inFile.length} tokens\n`);
  const all = [...a, ...b];
  expect(new Set(all).size).toBe(2 * M);
  expect(inFile).toHaveLength(2 * M);
  expect(new Set(inFile)).toEqual(new Set(all));
  const status = await runCli(['rotate', 'status', 'tokens', '--json'], { cwd: dir });
  const doc = JSON.parse(status.stdout) as { count: number; pending: { fingerprints: string[] } };
  expect(doc.count).toBe(2 * M);
  expect(new Set(doc.pending.fingerprints)).toEqual(new Set(all));
  // Every begin stacked on the previous one: the file order is the begin order, newest first.
  expect(doc.pending.fingerprints).toEqual(inFile);
});
