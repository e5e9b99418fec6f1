// check-production: start-up against bare node, a typical 40-line env against a 5,000-line
// one (same run, interleaved), and peak RSS against bare node.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function envOfLines(base, lines) {
  const out = [...base];
  let i = 0;
  while (out.length < lines) {
    i++;
    out.push(i % 10 === 0 ? `# --- application settings block ${i / 10}` : `APP_SETTING_${i}=value-${i}-${(i * 7919) % 100000}`);
  }
  return `${out.join('\n')}\n`;
}

export async function cases(ctx, filter) {
  if (filter && !'check-production'.includes(filter) && !filter.startsWith('check-production')) return [];
  const example = path.join(ctx.root, 'examples', 'production.env');
  const base = readFileSync(example, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const small = path.join(ctx.tmp, 'typical-40.env');
  const large = path.join(ctx.tmp, 'large-5000.env');
  writeFileSync(small, envOfLines(base, 40));
  writeFileSync(large, envOfLines(base, 5000));

  const m = ctx.measureInterleaved({
    node: { argv: ctx.baseline, opts: { rss: true } },
    example: { argv: ctx.cli('check-production', '--env-file', example), opts: { rss: true } },
    small: { argv: ctx.cli('check-production', '--env-file', small) },
    large: { argv: ctx.cli('check-production', '--env-file', large) },
  });
  const base0 = m.node.medianMs;
  const results = [
    {
      id: 'check-production.startup',
      title: '`check-production --env-file examples/production.env`',
      value: m.example.medianMs,
      unit: 'ms',
      baselineName: 'node -e 0',
      baselineValue: base0,
      ratio: m.example.medianMs / base0,
      target: 1.3, // issue 13
    },
    {
      id: 'check-production.5000-lines',
      title: 'check-production on a 5,000-line env vs a 40-line env',
      value: m.large.medianMs,
      unit: 'ms',
      baselineName: '40-line env',
      baselineValue: m.small.medianMs,
      ratio: m.large.medianMs / m.small.medianMs,
      target: 1.3,
    },
  ];
  if (m.example.medianRssKiB !== undefined && m.node.medianRssKiB !== undefined) {
    results.push({
      id: 'check-production.rss',
      title: 'peak RSS of check-production on examples/production.env',
      value: m.example.medianRssKiB,
      unit: 'KiB',
      baselineName: 'node -e 0',
      baselineValue: m.node.medianRssKiB,
      ratio: m.example.medianRssKiB / m.node.medianRssKiB,
      target: 1.5,
    });
  } else {
    results.push({ id: 'check-production.rss', skipped: '/usr/bin/time is not installed' });
  }
  return results;
}
