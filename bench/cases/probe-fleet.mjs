// probe of a whole deployment (issue 17): 500 loopback targets with every authenticated surface
// (coordinator HTTP and gRPC, Flight SQL, shuffle Flight, the standalone shuffle service, executor
// task and barrier gRPC), each with its credentials, --concurrency 32. Budget 5 s (ratio = value / 5000).
// Second case: memory with --jsonl and the targets streamed from standard input stays flat in the
// number of targets: peak RSS for 2,000 targets over peak RSS for 500 (target ≤ 1.15; below ~500 the heap is still growing to its working size).
// 50 doubles serve the targets (10 target lines each, so 500 targets = 500 full probes); they run in
// this process, the CLI as an asynchronous child.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const DOUBLES = 50;
const TARGETS = 500;
const CONCURRENCY = 32;
const BUDGET_MS = 5000;
const KEY = 'krishiv_abcdefgh_0123456789ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvut';
const SHUFFLE = 'bench-shuffle-token-0123456789abcdef';
const TASK = 'bench-task-token-0123456789abcdef';
const COORD = 'coord-secret-3b1f0c9e7d2a4b68';
const MAXRSS = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))";

function runCli(ctx, args, input) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', MAXRSS, ctx.bin, ...args], {
      env: ctx.cleanEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: ctx.tmp,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
      if (code !== 0) {
        const failing = stdout.match(/"status":\s*"fail",\s*"message":\s*"[^"]{0,300}/g) ?? [];
        reject(new Error(`probe exited ${code}: ${stderr.slice(0, 400)} ${failing.slice(0, 3).join(' | ')}`));
      } else resolve({ ms, stdout, rss });
    });
    if (input !== undefined) {
      // write as the child reads (a stream: the targets never sit whole in the child)
      const write = (i) => {
        while (i < input.length) {
          if (!child.stdin.write(input[i++])) return child.stdin.once('drain', () => write(i));
        }
        child.stdin.end();
      };
      write(0);
    } else child.stdin.end();
  });
}

export async function cases(ctx, filter) {
  if (filter && !'probe.fleet500.surfaces probe.jsonl.memory'.includes(filter)) return [];
  const { build } = await import('esbuild');
  const doubleFile = path.join(ctx.tmp, 'coordinator-double-fleet.mjs');
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
    for (let i = 0; i < DOUBLES; i++) {
      doubles.push(
        await startCoordinatorDouble({
          tokens: [COORD],
          surfaces: {
            flight: { keys: [KEY], policy: true },
            shuffle: { token: SHUFFLE },
            shuffleSvc: { token: SHUFFLE },
            executor: { token: TASK },
            barrier: { token: TASK },
          },
        }),
      );
    }
    writeFileSync(path.join(ctx.tmp, 'api.key'), `${KEY}\n`, { mode: 0o600 });
    writeFileSync(path.join(ctx.tmp, 'shuffle.token'), `${SHUFFLE}\n`, { mode: 0o600 });
    writeFileSync(path.join(ctx.tmp, 'task.token'), `${TASK}\n`, { mode: 0o600 });
    writeFileSync(path.join(ctx.tmp, 'coord.token'), `${COORD}\n`, { mode: 0o600 });
    const line = (d) =>
      `${d.url} grpc=${d.grpcTarget} flight=${d.surfaces.flight} shuffle=${d.surfaces.shuffle} shuffle-svc=${d.surfaces.shuffleSvc} executor=${d.surfaces.executor} barrier=${d.surfaces.barrier} api-key-file=api.key shuffle-token-file=shuffle.token task-token-file=task.token token-file=coord.token`;
    const lines = (n) => Array.from({ length: n }, (_, i) => `${line(doubles[i % DOUBLES])}\n`);
    const list = path.join(ctx.tmp, 'probe-fleet.txt');
    writeFileSync(list, lines(TARGETS).join(''));
    const args = ['probe', '--targets', list, '--concurrency', String(CONCURRENCY), '--timeout', '20s', '--json'];

    const first = await runCli(ctx, args); // warm-up, and a correctness check
    const doc = JSON.parse(first.stdout);
    const bad = doc.targets.flatMap((t) => t.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`));
    if (!doc.ok || doc.targets.length !== TARGETS) throw new Error(`probe fleet bench: unexpected result: ${bad.slice(0, 3).join('; ')}`);
    const passes = doc.targets[0].checks.filter((c) => c.status === 'pass').length;

    const n = Math.min(ctx.runs, 5);
    const samples = [];
    for (let i = 0; i < n; i++) samples.push((await runCli(ctx, args)).ms);
    const value = ctx.round(ctx.median(samples));

    const streamArgs = ['probe', '--targets', '-', '--concurrency', String(CONCURRENCY), '--timeout', '20s', '--jsonl'];
    const small = await runCli(ctx, streamArgs, lines(500));
    const large = await runCli(ctx, streamArgs, lines(2000));
    if (large.stdout.trim().split('\n').length !== 2001)
      throw new Error('probe fleet bench: --jsonl did not print 2,000 lines and a summary');
    return [
      {
        id: 'probe.fleet500.surfaces',
        title: `probe ${TARGETS} targets × every surface (${passes} checks passing each), --concurrency ${CONCURRENCY} (min ${ctx.round(Math.min(...samples))} ms, ${n} runs)`,
        value,
        unit: 'ms',
        baselineName: 'budget 5 s',
        baselineValue: BUDGET_MS,
        ratio: value / BUDGET_MS,
        target: 1.0,
      },
      {
        id: 'probe.jsonl.memory',
        title: `peak RSS, --targets - --jsonl: 2,000 targets ${ctx.round(large.rss)} MiB (${ctx.round(large.ms)} ms) vs 500 targets ${ctx.round(small.rss)} MiB`,
        value: ctx.round(large.rss),
        unit: 'MiB',
        baselineName: '500 targets',
        baselineValue: ctx.round(small.rss),
        ratio: large.rss / small.rss,
        target: 1.15,
      },
    ];
  } finally {
    await Promise.all(doubles.map((d) => d.close()));
  }
}
