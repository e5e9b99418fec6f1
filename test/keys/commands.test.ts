/**
 * The commands in-process through the frame's `main()`, with the clock and the random source
 * injected (the seams the spawned e2e tests cannot reach): exact keys, exact times.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/temp-dir.js';

function workdir(): string {
  const d = tempDir('krishiv-cmd-');
  writeFileSync(path.join(d, '.krishiv-authrc.json'), JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 } }));
  return d;
}
afterEach(() => {
  process.exitCode = 0;
});

/** Bytes 0,1,2,… continuing across calls (deterministic "CSPRNG"). */
function counter(start = 0): (n: number) => Uint8Array {
  let next = start;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

async function run(args: string[], cwd: string, opts: { now?: Date; random?: (n: number) => Uint8Array; input?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const input = opts.input;
  const stdin = Object.assign(
    (async function* () {
      if (input !== undefined) yield Buffer.from(input);
    })(),
    { isTTY: input === undefined },
  );
  const code = await main(args, {
    env: {},
    cwd,
    stdin,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    now: () => opts.now ?? new Date('2026-06-01T12:00:00.000Z'),
    randomBytes: opts.random ?? counter(),
  });
  return { code, stdout, stderr };
}

describe('generate-key (in-process, injected randomness and clock)', () => {
  it('draws 32 secret bytes, then 5 id bytes, from the seam', async () => {
    const cwd = workdir();
    const r = await run(['generate-key', '--name', 'ci-bot', '--expires', '30d'], cwd);
    expect(r.code).toBe(0);
    const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64url');
    // bytes 32..36 (0x2021222324) in base32
    expect(r.stdout).toBe(`krishiv_eaqseize_${secret}\nkrishiv_eaqseize_${secret}=ci-bot\n`);
    const store = JSON.parse(readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8')) as { records: Record<string, unknown>[] };
    expect(store.records[0]).toMatchObject({
      id: 'eaqseize',
      createdAt: '2026-06-01T12:00:00.000Z',
      expiresAt: '2026-07-01T12:00:00.000Z',
    });
  });

  it('an id collision draws a new id and keeps the old record', async () => {
    const cwd = workdir();
    await run(['generate-key', '--name', 'first'], cwd, { random: counter(0) });
    // same bytes again: the secret differs from nothing, but the id bytes repeat → collision, then fresh bytes
    const r = await run(['generate-key', '--name', 'second', '--json', '--debug'], cwd, { random: counter(0) });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { record: { id: string } };
    expect(doc.record.id).not.toBe('eaqseize');
    expect(r.stderr).toContain('id eaqseize was taken; drew another');
    const store = JSON.parse(readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8')) as { records: { id: string; name: string }[] };
    expect(store.records.map((x) => [x.id, x.name])).toEqual([
      ['eaqseize', 'first'],
      [doc.record.id, 'second'],
    ]);
  });

  it('bearer: the token is the seam bytes; --json carries the fingerprint', async () => {
    const r = await run(['generate-key', '--type', 'bearer', '--encoding', 'hex', '--bytes', '16', '--json'], workdir());
    const doc = JSON.parse(r.stdout) as { token: string; fingerprint: string };
    expect(doc.token).toBe('000102030405060708090a0b0c0d0e0f');
    expect(doc.fingerprint).toMatch(/^bearer:[0-9a-f]{16}$/);
  });
});

describe('keys (in-process, injected clock)', () => {
  it('list and verify compute expiry with ctx.now()', async () => {
    const cwd = workdir();
    const made = await run(['generate-key', '--name', 'short', '--expires', '1h', '--json'], cwd);
    const key = (JSON.parse(made.stdout) as { key: string }).key;
    const before = await run(['keys', 'verify', '--json'], cwd, { input: key, now: new Date('2026-06-01T12:59:59.000Z') });
    expect(before.code).toBe(0);
    const after = await run(['keys', 'verify', '--json'], cwd, { input: key, now: new Date('2026-06-01T13:00:00.000Z') });
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ reason: 'expired', message: 'expired at 2026-06-01T13:00:00.000Z' });
    const list = await run(['keys', 'list', '--all', '--json'], cwd, { now: new Date('2026-06-02T00:00:00.000Z') });
    expect((JSON.parse(list.stdout) as { keys: { state: string }[] }).keys.map((k) => k.state)).toEqual(['expired']);
  });

  it('revoke stamps ctx.now()', async () => {
    const cwd = workdir();
    await run(['generate-key', '--name', 'x'], cwd);
    const r = await run(['keys', 'revoke', 'x', '--json'], cwd, { now: new Date('2026-06-03T00:00:00.000Z') });
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      record: { name: 'x', revokedAt: '2026-06-03T00:00:00.000Z', revokeReason: null },
    });
  });

  it('keys verify with no stdin on a terminal is a usage error', async () => {
    const r = await run(['keys', 'verify'], workdir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no key: give it on stdin');
  });
});

describe('sign (in-process, injected clock)', () => {
  it('iat/exp come from ctx.now()', async () => {
    const cwd = workdir();
    await run(['generate-key', '--type', 'jwk', '--out', 'k.jwk'], cwd);
    const r = await run(['sign', '--key', 'k.jwk', '--sub', 'a', '--ttl', '90s', '--json'], cwd, {
      now: new Date('2026-06-01T00:00:00.000Z'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { claims: object }).claims).toEqual({ sub: 'a', iat: 1780272000, exp: 1780272090 });
  });
});
