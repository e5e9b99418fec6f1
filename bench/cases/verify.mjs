// verify: one token against a file JWKS vs bare `node -e 0`, and 100 tokens through batch
// verify vs a shell loop of latchset `jose jws ver` over the same tokens (Debian `jose`).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function makeFixtures(dir) {
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench-1' };
  writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  writeFileSync(path.join(dir, 'key.jwk'), JSON.stringify(jwk));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  const tokenDir = path.join(dir, 'tokens');
  mkdirSync(tokenDir, { recursive: true });
  for (let i = 0; i < 100; i++) {
    const h = b64({ alg: 'RS256', typ: 'JWT', kid: 'bench-1' });
    const p = b64({ sub: `svc-${i}`, krishiv_role: i % 2 ? 'writer' : 'reader', aud: 'krishiv', iat: now, exp: now + 3600 });
    const t = `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url')}`;
    tokens.push(t);
    writeFileSync(path.join(tokenDir, `${String(i).padStart(3, '0')}.jws`), t);
  }
  writeFileSync(path.join(dir, 'one.jwt'), tokens[0]);
  writeFileSync(path.join(dir, 'tokens.txt'), `${tokens.join('\n')}\n`);
  return {
    jwks: path.join(dir, 'jwks.json'),
    key: path.join(dir, 'key.jwk'),
    tokenDir,
    one: tokens[0],
    batch: path.join(dir, 'tokens.txt'),
  };
}

export async function cases(ctx, filter) {
  if (filter && !'verify'.includes(filter) && !filter.startsWith('verify')) return [];
  const f = makeFixtures(path.join(ctx.tmp, 'verify'));
  const out = [];

  const single = ctx.measureInterleaved({
    node: { argv: ctx.baseline },
    verify: { argv: ctx.cli('verify', '-', '--jwks', f.jwks, '--audience', 'krishiv'), opts: { input: f.one } },
  });
  out.push({
    id: 'verify.single',
    title: '`verify - --jwks file` (one RS256 token)',
    value: single.verify.medianMs,
    unit: 'ms',
    baselineName: 'node -e 0',
    baselineValue: single.node.medianMs,
    ratio: single.verify.medianMs / single.node.medianMs,
    target: 1.4,
  });

  const probe = spawnSync('jose', ['alg'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    out.push({ id: 'verify.batch100', skipped: 'latchset `jose` not installed (apt-get install -y jose)' });
    return out;
  }
  const loop = `for t in "${f.tokenDir}"/*.jws; do jose jws ver -i "$t" -k "${f.key}" || exit 1; done`;
  const n = Math.max(5, Math.min(ctx.runs, 9));
  const batch = ctx.measureInterleaved(
    {
      jose: { argv: ['sh', '-c', loop] },
      batch: { argv: ctx.cli('verify', '--batch', f.batch, '--jwks', f.jwks, '--audience', 'krishiv', '--json') },
    },
    n,
  );
  out.push({
    id: 'verify.batch100',
    title: '100 tokens: `verify --batch` vs a shell loop of `jose jws ver`',
    value: batch.batch.medianMs,
    unit: 'ms',
    baselineName: 'sh loop of latchset jose jws ver ×100',
    baselineValue: batch.jose.medianMs,
    ratio: batch.batch.medianMs / batch.jose.medianMs,
    target: 0.25,
  });
  return out;
}
