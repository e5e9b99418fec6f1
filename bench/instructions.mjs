#!/usr/bin/env node
// Instructions a start-up executes, counted by valgrind (callgrind), against bare `node -e 0`:
// steady to ~0.5 % on a machine too loaded for wall-clock medians (they move by 10-30 % there),
// so a change of 1M instructions (~0.2 ms) shows. Not part of `npm run bench`; needs
// `apt-get install -y valgrind`. Each run takes a few seconds (valgrind is ~50x slower).
//
//   node bench/instructions.mjs -- check-production --env-file examples/production.env
//   BENCH_RUNS=3 node bench/instructions.mjs -- --version
//
// V8 seeds its hash tables with a random prime found by trial (detail::sprp): its instructions
// vary by ±3M from run to run and are left out of every count.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// BENCH_BIN: another entry to count (a variant build being compared with this one)
const bin = process.env.BENCH_BIN ? path.resolve(process.env.BENCH_BIN) : path.join(root, 'bin', 'krishiv-auth.js');
const sep = process.argv.indexOf('--');
const args = sep < 0 ? process.argv.slice(2) : process.argv.slice(sep + 1);
const runs = Number(process.env.BENCH_RUNS ?? 2);

const env = { ...process.env, NO_COLOR: '1' };
delete env.NODE_EXTRA_CA_CERTS; // as bench/run.mjs: it adds ~45 ms to every Node process here

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('bench/instructions: valgrind is not installed (apt-get install -y valgrind)');
  process.exit(2);
}

/** Instructions of one run of `argv`, V8's hash-seed search left out. */
function count(argv) {
  const dir = mkdtempSync(path.join(tmpdir(), 'krishiv-instr-'));
  const out = path.join(dir, 'callgrind.out');
  try {
    const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--smc-check=all-non-file', ...argv], {
      cwd: root,
      env,
      encoding: 'utf8',
      input: process.env.BENCH_INPUT ?? '',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status === null || r.status > 2) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
    const a = spawnSync('callgrind_annotate', [out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
    const num = (line) => Number((line ?? '').trim().split(/\s+/)[0]?.replace(/,/g, '') ?? 0);
    const total = num(a.split('\n').find((l) => l.includes('PROGRAM TOTALS')));
    const seed = num(a.split('\n').find((l) => l.includes('sprp')));
    return total - seed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = [];
const ours = [];
for (let i = 0; i < runs; i++) {
  base.push(count([process.execPath, '-e', '0']));
  ours.push(count([process.execPath, '--', bin, ...args]));
}
const m = (x) => `${(x / 1e6).toFixed(1)}M`;
console.log(`node -e 0            ${base.map(m).join(' ')}`);
console.log(`krishiv-auth ${args.join(' ').slice(0, 60)}  ${ours.map(m).join(' ')}`);
console.log(`ratio ${(median(ours) / median(base)).toFixed(3)} (instructions; over bare node: ${m(median(ours) - median(base))})`);
