// API keys: the Argon2id hash against Debian's `argon2` tool at the same parameters, and
// `keys verify` against a 10,000-record store versus a 10-record store (constant work).
//
//   node bench/run.mjs keys.
//
// (a) keys.argon2-hash: one Argon2id hash at m=19456 KiB, t=2, p=1 in-process with the native
//     addon krishiv-auth uses (median of steady-state hashes, after one warm-up hash per process)
//     against the tool's own printed timing (compare the hash, not Node's start-up: toolchain
//     notes). The tool prints clock(), i.e. CPU time, so ours is CPU time too (process.cpuUsage,
//     which counts the libuv worker the hash runs on); wall time is recorded as `wallMs`. The first hash of a process (page faults on 19 MiB) is reported separately, and the
//     whole `generate-key` process against the tool's whole process, for information.
// (b) keys.verify-10k: whole-process `keys verify` of one key (stored at the default parameters)
//     against a 10,000-record store versus a 10-record store; the other records use fast
//     parameters (they are never verified). Plus an unknown id against the same large store, to
//     show the dummy verification costs what a real one does.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const SALT = 'krishivbenchsalt';

function toolAvailable() {
  const probe = spawnSync('argon2', ['-h'], { encoding: 'utf8' });
  if (!probe.error) return true;
  // Try to install it (works in the CI image and as root here); skip with a message otherwise.
  const install = spawnSync('apt-get', ['install', '-y', '-q', 'argon2'], { encoding: 'utf8' });
  if (install.status === 0 && !spawnSync('argon2', ['-h']).error) return true;
  return false;
}

const toolArgs = ['-id', '-t', String(PARAMS.timeCost), '-k', String(PARAMS.memoryCost), '-p', String(PARAMS.parallelism), '-l', '32'];

/** One run of the tool; its own timing in ms (it prints "0.042 seconds"). */
function toolHashMs(env) {
  const r = spawnSync('argon2', [SALT, ...toolArgs], { input: 'pw', encoding: 'utf8', env });
  const m = /([\d.]+) seconds/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) throw new Error(`argon2 tool failed: ${r.stderr}`);
  return Number(m[1]) * 1000;
}

/** A fresh Node process: the first hash, then `n` steady-state hashes, in ms. */
function nodeHashes(ctx, script, n) {
  const r = spawnSync(ctx.node, [script, String(n)], { encoding: 'utf8', env: ctx.cleanEnv });
  if (r.status !== 0) throw new Error(`hash child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const HASH_CHILD = (argon2Path) => `
const argon2 = require(${JSON.stringify(argon2Path)});
const p = { type: argon2.argon2id, memoryCost: ${PARAMS.memoryCost}, timeCost: ${PARAMS.timeCost}, parallelism: ${PARAMS.parallelism} };
(async () => {
  const n = Number(process.argv[2]);
  // CPU time (user + system, all threads: the hash runs on a libuv worker), which is what the
  // tool prints (clock()); wall time too, which a loaded machine inflates.
  const cpuMs = (c) => (c.user + c.system) / 1000;
  const once = async () => {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    await argon2.hash('pw', p);
    return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: cpuMs(process.cpuUsage(c)) };
  };
  const first = await once();
  const steady = [];
  for (let i = 0; i < n; i++) steady.push(await once());
  process.stdout.write(JSON.stringify({ first, steady }));
})();
`;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function idFor(n) {
  let s = '';
  for (let i = 0; i < 8; i++) {
    s = BASE32[n & 31] + s;
    n = Math.floor(n / 32);
  }
  return s;
}

/** Writes a version-1 store with `count` records; the one at `at` is the verified key's. */
function writeStore(file, count, at, verified, fastHashes) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const rec =
      i === at
        ? verified
        : {
            id: idFor(1_000_000 + i * 7919),
            name: `svc-${i}`,
            tenant: i % 3 ? `tenant-${i % 17}` : null,
            roles: i % 2 ? ['reader'] : ['writer', 'reader'],
            createdAt: '2026-01-01T00:00:00.000Z',
            expiresAt: i % 5 ? null : '2030-01-01T00:00:00.000Z',
            revokedAt: i % 11 ? null : '2026-02-01T00:00:00.000Z',
            revokeReason: i % 11 ? null : 'rotated',
            hash: fastHashes[i % fastHashes.length],
          };
    lines.push(`    ${JSON.stringify(rec)}`);
  }
  writeFileSync(file, `{\n  "format": "krishiv-auth/key-store",\n  "version": 1,\n  "records": [\n${lines.join(',\n')}\n  ]\n}\n`);
}

export async function cases(ctx, filter) {
  const ids = ['keys.argon2-hash', 'keys.argon2-first-hash', 'keys.generate-key-process', 'keys.verify-10k', 'keys.verify-unknown-10k'];
  const want = (id) => !filter || id.includes(filter);
  if (!ids.some(want)) return [];
  const results = [];
  const require = createRequire(path.join(ctx.root, 'package.json'));
  const argon2 = require('argon2');

  // (a) the hash itself
  if (want('keys.argon2-hash') || want('keys.argon2-first-hash') || want('keys.generate-key-process')) {
    if (!toolAvailable()) {
      const skipped = 'Debian `argon2` tool not installed and `apt-get install -y argon2` failed; install it to compare';
      for (const id of ['keys.argon2-hash', 'keys.argon2-first-hash', 'keys.generate-key-process']) results.push({ id, skipped });
    } else {
      const script = path.join(ctx.tmp, 'argon2-hash-child.cjs');
      writeFileSync(script, HASH_CHILD(require.resolve('argon2')));
      const processes = Math.max(5, Math.ceil(ctx.runs / 3));
      const firsts = [];
      const steady = [];
      const tool = [];
      toolHashMs(ctx.cleanEnv); // warm the page cache
      for (let i = 0; i < processes; i++) {
        const r = nodeHashes(ctx, script, 4);
        firsts.push(r.first);
        steady.push(...r.steady);
        for (let j = 0; j < 4; j++) tool.push(toolHashMs(ctx.cleanEnv));
      }
      const toolMs = ctx.round(ctx.median(tool));
      const ours = ctx.round(ctx.median(steady.map((x) => x.cpu)));
      const oursWall = ctx.round(ctx.median(steady.map((x) => x.wall)));
      const first = ctx.round(ctx.median(firsts.map((x) => x.cpu)));
      const firstWall = ctx.round(ctx.median(firsts.map((x) => x.wall)));
      results.push({
        id: 'keys.argon2-hash',
        title: 'Argon2id hash m=19456,t=2,p=1, CPU time in-process (steady state) vs `argon2` tool (its own clock() timing)',
        value: ours,
        unit: 'ms',
        baselineName: 'argon2 tool',
        baselineValue: toolMs,
        ratio: ours / toolMs,
        target: 1.2,
        wallMs: oursWall,
        samples: { ours: steady.length, tool: tool.length },
      });
      results.push({
        id: 'keys.argon2-first-hash',
        title: 'first Argon2id hash of a process (19 MiB of page faults), CPU time, vs `argon2` tool (informational)',
        value: first,
        unit: 'ms',
        baselineName: 'argon2 tool',
        baselineValue: toolMs,
        ratio: first / toolMs,
        wallMs: firstWall,
      });

      if (want('keys.generate-key-process')) {
        const dir = path.join(ctx.tmp, 'genkey');
        mkdirSync(dir, { recursive: true });
        const m = ctx.measureInterleaved({
          tool: { argv: ['argon2', SALT, ...toolArgs], opts: { input: 'pw' } },
          genkey: { argv: ctx.cli('generate-key', '--name', 'bench', '--store', path.join(dir, 'store.json')), opts: { cwd: dir } },
        });
        results.push({
          id: 'keys.generate-key-process',
          title:
            'whole `generate-key` process (default parameters) vs whole `argon2` tool process (informational: Node start-up dominates)',
          value: m.genkey.medianMs,
          unit: 'ms',
          baselineName: 'argon2 tool process',
          baselineValue: m.tool.medianMs,
          ratio: m.genkey.medianMs / m.tool.medianMs,
        });
      }
    }
  }

  // (b) keys verify: 10,000 records vs 10
  if (want('keys.verify-10k') || want('keys.verify-unknown-10k')) {
    const dir = path.join(ctx.tmp, 'keys-verify');
    mkdirSync(dir, { recursive: true });
    const fast = [];
    for (let i = 0; i < 64; i++)
      fast.push(await argon2.hash(`other-${i}`, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    const secret = Buffer.alloc(32, 7).toString('base64url');
    const id = 'benchkey';
    const verified = {
      id,
      name: 'bench-verified',
      tenant: null,
      roles: ['reader'],
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: null,
      revokedAt: null,
      revokeReason: null,
      hash: await argon2.hash(secret, { type: argon2.argon2id, ...PARAMS }),
    };
    const small = path.join(dir, 'small.json');
    const large = path.join(dir, 'large.json');
    writeStore(small, 10, 5, verified, fast);
    writeStore(large, 10_000, 5_000, verified, fast);
    const key = `krishiv_${id}_${secret}\n`;
    const unknown = `krishiv_zzzzzzzz_${secret}\n`;
    const m = ctx.measureInterleaved({
      small: { argv: ctx.cli('keys', 'verify', '--store', small), opts: { input: key, cwd: dir } },
      large: { argv: ctx.cli('keys', 'verify', '--store', large), opts: { input: key, cwd: dir } },
      unknown: { argv: ctx.cli('keys', 'verify', '--store', large), opts: { input: unknown, cwd: dir, expectCodes: [1] } },
    });
    results.push({
      id: 'keys.verify-10k',
      title: '`keys verify` of one key, 10,000-record store vs 10-record store',
      value: m.large.medianMs,
      unit: 'ms',
      baselineName: '10-record store',
      baselineValue: m.small.medianMs,
      ratio: m.large.medianMs / m.small.medianMs,
      target: 1.2,
    });
    results.push({
      id: 'keys.verify-unknown-10k',
      title: '`keys verify` of an unknown id (one dummy verification) vs a known one, 10,000 records (informational)',
      value: m.unknown.medianMs,
      unit: 'ms',
      baselineName: 'known id, same store',
      baselineValue: m.large.medianMs,
      ratio: m.unknown.medianMs / m.large.medianMs,
    });
  }
  return results;
}
