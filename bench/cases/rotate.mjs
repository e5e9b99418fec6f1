// Rotation: a whole `rotate status` and a whole `rotate begin` (lock, re-read, fsynced atomic
// write of the file and the sidecar, directory fsync) against bare `node -e 0`, interleaved.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export async function cases(ctx, filter) {
  if (filter && !'rotate'.includes(filter) && !filter.startsWith('rotate')) return [];
  const file = path.join(ctx.tmp, 'rotate-tokens');
  writeFileSync(file, 'bench-old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', { mode: 0o600 });
  const m = ctx.measureInterleaved({
    node: { argv: ctx.baseline },
    status: { argv: ctx.cli('rotate', 'status', file, '--reload-interval', '30') },
    // --force: every round replaces the last round's new token (without it the second round is refused)
    begin: { argv: ctx.cli('rotate', 'begin', file, '--out', path.join(ctx.tmp, 'rotate-new.token'), '--force', '--json') },
  });
  const base = m.node.medianMs;
  const one = (id, title, r, target) => ({
    id,
    title,
    value: r.medianMs,
    unit: 'ms',
    baselineName: 'node -e 0',
    baselineValue: base,
    ratio: r.medianMs / base,
    target,
  });
  return [
    one('rotate.status', '`krishiv-auth rotate status <file>`', m.status, 2.0),
    one('rotate.begin', '`krishiv-auth rotate begin <file> --out f` (config lookup, lock, 3 fsynced atomic writes)', m.begin, 3.0),
  ];
}
