// probe: 50 coordinator doubles that each answer every request after 200 ms, probed by the
// built CLI with --concurrency 16. Value: whole-process wall time (median); budget 1.5 s, so
// ratio = value / 1500 with target 1.0. The doubles run in this process; the CLI runs as an
// asynchronous child (spawnSync would block the doubles' event loop).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const TARGETS = 50;
const DELAY_MS = 200;
const CONCURRENCY = 16;
const BUDGET_MS = 1500;

function runCli(ctx, args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(ctx.node, [ctx.bin, ...args], { env: ctx.cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`probe exited ${code}: ${stderr.slice(0, 400)}`));
      else resolve({ ms, stdout });
    });
  });
}

export async function cases(ctx, filter) {
  if (filter && !'probe'.includes(filter) && !filter.startsWith('probe')) return [];
  const { build } = await import('esbuild');
  const doubleFile = path.join(ctx.tmp, 'coordinator-double.mjs');
  await build({
    entryPoints: [path.join(ctx.root, 'test', 'helpers', 'coordinator-double.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: doubleFile,
    logLevel: 'warning',
  });
  const { startCoordinatorDouble } = await import(doubleFile);
  const doubles = [];
  try {
    for (let i = 0; i < TARGETS; i++) doubles.push(await startCoordinatorDouble({ delayMs: DELAY_MS, grpc: false }));
    const list = path.join(ctx.tmp, 'probe-targets.txt');
    writeFileSync(list, `${doubles.map((d) => d.url).join('\n')}\n`);
    const args = ['probe', '--targets', list, '--concurrency', String(CONCURRENCY), '--json'];

    const first = await runCli(ctx, args); // warm-up, and a correctness check
    const doc = JSON.parse(first.stdout);
    if (!doc.ok || doc.targets.length !== TARGETS) throw new Error('probe bench: unexpected result from the doubles');

    const n = Math.min(ctx.runs, 11);
    const samples = [];
    for (let i = 0; i < n; i++) samples.push((await runCli(ctx, args)).ms);
    const value = ctx.round(ctx.median(samples));
    return [
      {
        id: 'probe.fleet50',
        title: `probe ${TARGETS} targets answering after ${DELAY_MS} ms, --concurrency ${CONCURRENCY} (min ${ctx.round(Math.min(...samples))} ms, ${n} runs)`,
        value,
        unit: 'ms',
        baselineName: 'budget 1.5 s',
        baselineValue: BUDGET_MS,
        ratio: value / BUDGET_MS,
        target: 1.0,
      },
    ];
  } finally {
    await Promise.all(doubles.map((d) => d.close()));
  }
}
