// Start-up: `--version` and `--help` against bare `node -e 0`, same run, interleaved.
export async function cases(ctx, filter) {
  if (filter && !'startup'.includes(filter) && !filter.startsWith('startup')) return [];
  const m = ctx.measureInterleaved({
    node: { argv: ctx.baseline },
    version: { argv: ctx.cli('--version') },
    help: { argv: ctx.cli('--help') },
  });
  const base = m.node.medianMs;
  return [
    {
      id: 'startup.version',
      title: '`krishiv-auth --version`',
      value: m.version.medianMs,
      unit: 'ms',
      baselineName: 'node -e 0',
      baselineValue: base,
      ratio: m.version.medianMs / base,
      target: 1.15,
    },
    {
      id: 'startup.help',
      title: '`krishiv-auth --help`',
      value: m.help.medianMs,
      unit: 'ms',
      baselineName: 'node -e 0',
      baselineValue: base,
      ratio: m.help.medianMs / base,
      target: 1.3,
    },
  ];
}
