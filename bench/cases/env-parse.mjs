// The env reader must be linear: per-line parse time of a 50,000-line env file against a
// 5,000-line one (mixed: comments, quotes, multi-line values, $VAR substitution). In-process:
// the parser is bundled from src/ with esbuild into the bench temp dir.
import { build } from 'esbuild';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function envText(lines) {
  const parts = [];
  for (let i = 0; i < lines; i += 1) {
    if (i % 10 === 0) parts.push(`# section ${i}`);
    else if (i % 10 === 1) parts.push(`M${i}="first\nsecond \${V${i - 2}}"`);
    else if (i % 10 === 2) parts.push(`export Q${i}='single $quoted' # note`);
    else parts.push(`V${i}=value_${i}-$V${i - 1}x`);
  }
  return `${parts.join('\n')}\n`;
}

function timeIt(fn, minMs = 300) {
  const samples = [];
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < 5) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export async function cases(ctx, filter) {
  if (filter && !'env-parse'.includes(filter) && !filter.startsWith('env')) return [];
  const out = path.join(ctx.tmp, 'env-merge.mjs');
  await build({
    entryPoints: ['src/production/env/merge.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
  });
  const { mergeEnv } = await import(pathToFileURL(out).href);
  const small = envText(5_000);
  const large = envText(50_000);
  for (let i = 0; i < 3; i += 1) mergeEnv([{ file: 'warm.env', text: small }]);
  const smallMs = timeIt(() => mergeEnv([{ file: 'small.env', text: small }]));
  // Linearity: small and large runs alternate, so both are measured in the same JIT and heap
  // state (timing all the small runs first let them alone profit from a warm, roomy young
  // generation, which read as non-linearity).
  const pairs = { small: [], large: [] };
  for (let i = 0; i < 9; i += 1) {
    let t0 = performance.now();
    mergeEnv([{ file: 'small.env', text: small }]);
    pairs.small.push(performance.now() - t0);
    t0 = performance.now();
    mergeEnv([{ file: 'large.env', text: large }]);
    pairs.large.push(performance.now() - t0);
  }
  const mid = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const smallPairedMs = mid(pairs.small);
  const largeMs = mid(pairs.large);
  const perK = (ms, lines) => Math.round((ms / (lines / 1000)) * 1000) / 1000;
  return [
    {
      id: 'env-parse.5k-lines',
      title: 'parse + merge a 5,000-line env file (in-process)',
      value: Math.round(smallMs * 100) / 100,
      unit: 'ms',
      baselineName: 'target budget',
      baselineValue: 50,
      ratio: smallMs / 50,
      target: 1,
    },
    {
      id: 'env-parse.linearity',
      title: 'per-1k-line time at 50,000 lines vs at 5,000 lines',
      value: perK(largeMs, 50_000),
      unit: 'ms',
      baselineName: 'per 1k lines at 5,000',
      baselineValue: perK(smallPairedMs, 5_000),
      ratio: largeMs / 10 / smallPairedMs,
      // linear ≈ 1 (GC makes the larger file somewhat dearer per line); quadratic would be ≈ 10
      target: 2,
    },
  ];
}
