#!/usr/bin/env node
// krishiv-auth benchmarks: whole-process medians of the built CLI against bare `node -e 0`
// measured in the same run, interleaved, so a noisy shared machine moves both alike.
// Each file in bench/cases/ exports `cases(ctx)` returning process cases and/or custom
// measurements. Results: bench/results/latest.json and bench/results/latest.md.
//
//   npm run bench                 all cases
//   npm run bench -- startup      only cases whose id contains "startup"
//   BENCH_RUNS=31 npm run bench   more runs per command (default 21)
//   BENCH_NODE=24 npm run bench   measure on another Node (the npm registry's `node` package through
//                                 npx, cached after the first run; or a path to a node binary): the
//                                 CLI and the `node -e 0` baseline both run on it, with a code cache
//                                 trained for it (`scripts/build.mjs --train-only`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, 'bin', 'krishiv-auth.js');
const node = benchNode(process.env.BENCH_NODE);

/** The node binary to measure: this one, a path, or `node@<version>` from the npm registry (via npx). */
function benchNode(wanted) {
  if (!wanted) return process.execPath;
  if (wanted.includes('/')) return wanted;
  const r = spawnSync('npx', ['-y', `node@${wanted}`, '-p', 'process.execPath'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`bench: cannot get node@${wanted} from the npm registry: ${(r.stderr ?? '').trim().slice(0, 300)}`);
    process.exit(2);
  }
  return r.stdout.trim();
}
const runs = Number(process.env.BENCH_RUNS ?? 21);
const filter = process.argv[2];

// NODE_EXTRA_CA_CERTS adds ~45 ms to every Node process here (toolchain notes): unset it for
// the command and the baseline alike, as users' machines do not have it.
const cleanEnv = { ...process.env };
delete cleanEnv.NODE_EXTRA_CA_CERTS;
cleanEnv.NO_COLOR = '1';

const hasTime = existsSync('/usr/bin/time');

/** Runs argv once; returns wall ms and (when /usr/bin/time exists) peak RSS in KiB. */
function runOnce(argv, opts = {}) {
  const env = { ...cleanEnv, ...(opts.env ?? {}) };
  const useTime = opts.rss && hasTime;
  const full = useTime ? ['/usr/bin/time', '-f', '%M', ...argv] : argv;
  const start = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    cwd: opts.cwd ?? root,
    env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const expectCodes = opts.expectCodes ?? [0];
  if (!expectCodes.includes(r.status)) {
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(0, 400)}`);
  }
  let rssKiB;
  if (useTime) {
    const lines = (r.stderr ?? '').trim().split('\n');
    rssKiB = Number(lines[lines.length - 1]);
  }
  return { ms, rssKiB };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Measures commands interleaved: each round runs every command once, in rotating order.
 * @param commands {name: {argv, opts}}
 */
export function measureInterleaved(commands, n = runs) {
  const names = Object.keys(commands);
  const samples = Object.fromEntries(names.map((k) => [k, { ms: [], rss: [] }]));
  for (const name of names) runOnce(commands[name].argv, commands[name].opts); // warm the page cache
  for (let i = 0; i < n; i++) {
    const order = names.map((_, j) => names[(i + j) % names.length]);
    for (const name of order) {
      const { ms, rssKiB } = runOnce(commands[name].argv, commands[name].opts);
      samples[name].ms.push(ms);
      if (rssKiB !== undefined) samples[name].rss.push(rssKiB);
    }
  }
  return Object.fromEntries(
    names.map((k) => [
      k,
      {
        medianMs: round(median(samples[k].ms)),
        minMs: round(Math.min(...samples[k].ms)),
        runs: samples[k].ms.length,
        ...(samples[k].rss.length ? { medianRssKiB: median(samples[k].rss) } : {}),
      },
    ]),
  );
}

export const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const ctx = {
  root,
  bin,
  runs,
  node,
  cleanEnv,
  hasTime,
  tmp: mkdtempSync(path.join(tmpdir(), 'krishiv-bench-')),
  runOnce,
  measureInterleaved,
  median,
  round,
  /** argv for the CLI */
  cli: (...args) => [node, '--', bin, ...args],
  baseline: [node, '-e', '0'],
};

if (!existsSync(path.join(root, 'dist', 'main.cjs'))) {
  console.error('bench: dist/ is missing; run `npm run build` first (npm run bench does).');
  process.exit(2);
}

const nodeVersion = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
if (node !== process.execPath) {
  // the build trained the cache for the Node that ran it; train one for this Node too
  const t = spawnSync(node, [path.join(root, 'scripts', 'build.mjs'), '--train-only'], { cwd: root, stdio: 'inherit' });
  if (t.status !== 0) process.exit(2);
  console.error(`bench: measuring on node ${nodeVersion} (${node})`);
}

// another Node's results go beside the default run's: latest-node24.{json,md}
const resultName = node === process.execPath ? 'latest' : `latest-node${nodeVersion.replace(/^v(\d+).*/, '$1')}`;
const caseDir = path.join(root, 'bench', 'cases');
const results = [];
const skipped = [];
for (const file of readdirSync(caseDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const mod = await import(pathToFileURL(path.join(caseDir, file)).href);
  const produced = await mod.cases(ctx, filter);
  for (const r of produced) {
    if (filter && !r.id.includes(filter)) continue;
    if (r.skipped) {
      skipped.push(r);
      console.error(`skip  ${r.id}: ${r.skipped}`);
      continue;
    }
    r.pass = r.target === undefined ? null : r.ratio <= r.target;
    results.push(r);
    const verdict = r.pass === null ? '' : r.pass ? ' ok' : ' OVER TARGET';
    console.error(
      `${r.id.padEnd(34)} ${String(r.value).padStart(9)} ${r.unit.padEnd(4)} baseline ${String(r.baselineValue).padStart(9)}  ratio ${r.ratio.toFixed(3)}${r.target !== undefined ? ` (target ≤ ${r.target})` : ''}${verdict}`,
    );
  }
}

const machine = {
  node: nodeVersion,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memGiB: round(totalmem() / 2 ** 30, 1),
  runsPerCommand: runs,
  date: new Date().toISOString(),
  note: 'medians of whole-process wall time, interleaved with the baseline; NODE_EXTRA_CA_CERTS unset for both',
};
const doc = { machine, results, skipped };
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
if (!filter) {
  writeFileSync(path.join(root, 'bench', 'results', `${resultName}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  const lines = [
    '# krishiv-auth benchmark results',
    '',
    `${machine.date} · Node ${machine.node} · ${machine.cpus} · ${machine.memGiB} GiB · ${runs} runs per command`,
    '',
    '| id | what | value | baseline | ratio | target | |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.id} | ${r.title} | ${r.value} ${r.unit} | ${r.baselineValue} ${r.unit} (${r.baselineName}) | ${r.ratio.toFixed(3)} | ${r.target === undefined ? '–' : `≤ ${r.target}`} | ${r.pass === null ? '' : r.pass ? 'ok' : '**over**'} |`,
    ),
    ...(skipped.length ? ['', 'Skipped:', ...skipped.map((s) => `- ${s.id}: ${s.skipped}`)] : []),
    '',
  ];
  writeFileSync(path.join(root, 'bench', 'results', `${resultName}.md`), lines.join('\n'));
  console.error(`\nwrote bench/results/${resultName}.json and bench/results/${resultName}.md`);
}
const over = results.filter((r) => r.pass === false);
process.exitCode = over.length ? 1 : 0;
