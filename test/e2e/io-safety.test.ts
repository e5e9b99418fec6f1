// Issue 12 (part A) through the built CLI, with real pipes, FIFOs, links, locks and streams:
// inputs read whole within their caps, writes through links that never widen, locks that fail
// in time, answers that must reach stdout, --out/--output that never clobber.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('kio-e2e-');
const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' };

/** Runs a bash command line with the CLI as `K` (node started with --, as the bin's shebang does). */
function sh(script: string, input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `K() { "$KNODE" -- "$KBIN" "$@"; }\n${script}`], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...ENV, KNODE: process.execPath, KBIN: BIN },
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('inputs from pipes, FIFOs and process substitutions are read whole (item 1)', () => {
  const production = readFileSync(path.resolve('examples/production.env'), 'utf8');
  // 130 KB: the setting that fails comes after the first 64 KiB
  const padded = `${production}${'# padding .......................................................\n'.repeat(2000)}KRISHIV_ALLOW_ANONYMOUS=1\n`;
  const envFile = path.join(dir, 'big.env');
  writeFileSync(envFile, padded);

  it('check-production gives the same verdict for a file, <(…), /dev/stdin and a FIFO', () => {
    expect(padded.length).toBeGreaterThan(2 * 65536);
    const fromFile = sh('K check-production --env-file big.env --json');
    expect(fromFile.code).toBe(1);
    const failing = (out: string): string[] =>
      (JSON.parse(out) as { findings: { id: string; status: string }[] }).findings.filter((c) => c.status === 'fail').map((c) => c.id);
    const expected = failing(fromFile.stdout);
    expect(expected.length).toBeGreaterThan(0);
    expect(failing(sh('K check-production --env-file <(cat big.env) --json').stdout)).toEqual(expected);
    expect(failing(sh('cat big.env | K check-production --env-file /dev/stdin --json').stdout)).toEqual(expected);
    expect(
      failing(sh('rm -f env.fifo; mkfifo env.fifo; (cat big.env > env.fifo &) ; K check-production --env-file env.fifo --json').stdout),
    ).toEqual(expected);
  });

  it('fingerprint --file <(…) reads every token of a 150 KB pipe', () => {
    const tokens = Array.from({ length: 15_000 }, (_, i) => `token-${i}-abcdef`);
    writeFileSync(path.join(dir, 'many.tokens'), `${tokens.join('\n')}\n`);
    const r = sh('K fingerprint --file <(cat many.tokens)');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(15_000);
    expect(lines[14_999]).toBe(engineFingerprint('token-14999-abcdef'));
  });

  it('more than the cap through a pipe is a typed error naming the input and the cap, exit 2', () => {
    // fingerprint --file reads at most 1 MiB
    const r = sh('K fingerprint --json --file <(head -c 1200000 /dev/zero | tr "\\0" "a")');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_TOO_LARGE', input: '/dev/fd/63' } });
    expect(r.stderr).toContain('more than the 1048576-byte limit');
  });
});

/** A fresh working directory for one test. */
function work(): string {
  return tempDir('w-');
}
const modeOf = (p: string): number => statSync(p).mode & 0o777;
const run = (args: string[], cwd: string, input?: string) => runCli(args, { cwd, ...(input === undefined ? {} : { input }) });

describe('symlinked store, JWKS and --output (item 2): written through to the target, mode kept, link kept', () => {
  it('keys revoke through a symlinked store revokes the key in the real store', async () => {
    const cwd = work();
    mkdirSync(path.join(cwd, 'real'));
    const made = await run(['generate-key', '--name', 'ci-bot', '--store', 'real/keys.json', '--json'], cwd);
    expect(made.code).toBe(0);
    const id = (JSON.parse(made.stdout) as { record: { id: string } }).record.id;
    chmodSync(path.join(cwd, 'real/keys.json'), 0o640);
    symlinkSync('real/keys.json', path.join(cwd, 'keys.json'));
    const r = await run(['keys', 'revoke', id, '--store', 'keys.json'], cwd);
    expect(r.code).toBe(0);
    expect(lstatSync(path.join(cwd, 'keys.json')).isSymbolicLink()).toBe(true);
    expect(modeOf(path.join(cwd, 'real/keys.json'))).toBe(0o640);
    const list = await run(['keys', 'list', '--all', '--json', '--store', 'real/keys.json'], cwd);
    expect(JSON.parse(list.stdout)).toMatchObject({ keys: [{ id, state: 'revoked' }] });
  });

  it('generate-key --jwks through a symlink adds the key to the target, keeping its mode', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'real-jwks.json'), '{"keys":[]}\n');
    chmodSync(path.join(cwd, 'real-jwks.json'), 0o644);
    symlinkSync('real-jwks.json', path.join(cwd, 'jwks.json'));
    const r = await run(['generate-key', '--type', 'jwk', '--out', 'k.jwk', '--jwks', 'jwks.json'], cwd);
    expect(r.code).toBe(0);
    expect(lstatSync(path.join(cwd, 'jwks.json')).isSymbolicLink()).toBe(true);
    expect(modeOf(path.join(cwd, 'real-jwks.json'))).toBe(0o644);
    expect((JSON.parse(readFileSync(path.join(cwd, 'real-jwks.json'), 'utf8')) as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it('check-production --output through a symlink writes the target and never makes it 0777', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'report.json'), '{}');
    chmodSync(path.join(cwd, 'report.json'), 0o640);
    symlinkSync('report.json', path.join(cwd, 'out.json'));
    const r = await run(
      ['check-production', '--env-file', path.resolve('examples/production.env'), '--format', 'json', '--output', 'out.json'],
      cwd,
    );
    expect(r.code).toBe(0);
    expect(lstatSync(path.join(cwd, 'out.json')).isSymbolicLink()).toBe(true);
    expect(modeOf(path.join(cwd, 'report.json'))).toBe(0o640);
    expect(JSON.parse(readFileSync(path.join(cwd, 'report.json'), 'utf8'))).toMatchObject({ ok: true });
  });

  it('a symlink to a missing file is refused (exit 1), nothing created where it points', async () => {
    const cwd = work();
    symlinkSync(path.join(cwd, 'elsewhere', 'x.json'), path.join(cwd, 'keys.json'));
    mkdirSync(path.join(cwd, 'elsewhere'));
    const r = await run(['generate-key', '--name', 'a', '--store', 'keys.json', '--json'], cwd);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_UNSAFE', input: 'keys.json' } });
    expect(readdirSync(path.join(cwd, 'elsewhere'))).toEqual([]);
  });
});

describe('locks that cannot be removed (item 3): a typed error within the wait limit, nothing deleted', () => {
  it('a symlinked lock: generate-key, keys revoke and rotate refuse it and delete nothing where it points', async () => {
    const cwd = work();
    const elsewhere = path.join(cwd, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'owner'), '1@nowhere');
    symlinkSync(elsewhere, path.join(cwd, 'keys.json.lock'));
    symlinkSync(elsewhere, path.join(cwd, 'tokens.lock'));
    const g = await run(['generate-key', '--name', 'a', '--store', 'keys.json', '--json'], cwd);
    expect(g.code).toBe(2);
    expect(JSON.parse(g.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_STORE_LOCKED' } });
    expect(g.stderr).toContain('keys.json.lock is a symlink, not a krishiv-auth lock');
    const k = await run(['keys', 'revoke', 'a', '--store', 'keys.json'], cwd);
    expect(k.code).toBe(2);
    const r = await run(['rotate', 'begin', 'tokens', '--json'], cwd);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_ROTATE_LOCKED' } });
    expect(readdirSync(elsewhere)).toEqual(['owner']);
    expect(existsSync(path.join(cwd, 'tokens'))).toBe(false);
  });

  it('a stale lock directory holding a stray file, or a plain file as the lock: refused, left as it is', async () => {
    const cwd = work();
    mkdirSync(path.join(cwd, 'tokens.lock'));
    writeFileSync(path.join(cwd, 'tokens.lock', 'owner'), '1@nowhere');
    writeFileSync(path.join(cwd, 'tokens.lock', 'stray'), 'x');
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(cwd, 'tokens.lock'), past, past);
    const r = await run(['rotate', 'begin', 'tokens'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot be removed (it holds a file krishiv-auth did not put there (stray))');
    expect(readdirSync(path.join(cwd, 'tokens.lock')).sort()).toEqual(['owner', 'stray']);
    writeFileSync(path.join(cwd, 'keys.json.lock'), '');
    const g = await run(['generate-key', '--name', 'a', '--store', 'keys.json'], cwd);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('keys.json.lock is not a directory, not a krishiv-auth lock');
    expect(existsSync(path.join(cwd, 'keys.json'))).toBe(false);
  });

  it('a run stopped by SIGTERM while holding the lock removes it', async () => {
    const cwd = work();
    const child = spawn(process.execPath, ['--', BIN, 'rotate', 'begin', 'tokens', '--out', 'new.token'], {
      cwd,
      env: { ...ENV, KRISHIV_AUTH_TEST_PAUSE: 'after-lock=20000' },
      stdio: 'ignore',
    });
    await waitFor(() => existsSync(path.join(cwd, 'tokens.lock', 'owner')));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(existsSync(path.join(cwd, 'tokens.lock'))).toBe(false);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error('condition not reached in 10 s');
}

describe('the answer must reach stdout (item 4)', () => {
  it('generate-key to /dev/full: exit 2, and the key is not kept in the store', () => {
    const cwd = work();
    const r = sh(`cd ${JSON.stringify(cwd)} && K generate-key --name ci-bot --store keys.json > /dev/full`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /<stdout>: cannot write the answer: no space left on device; the new key was not kept \(keys\.json, created by this run, was removed\)/,
    );
    expect(existsSync(path.join(cwd, 'keys.json'))).toBe(false);
  });

  it('generate-key into a pipe whose reader is gone (EPIPE): exit 2, the record is removed from an existing store', async () => {
    const cwd = work();
    expect((await run(['generate-key', '--name', 'first', '--store', 'keys.json'], cwd)).code).toBe(0);
    // the reader exits at once; Argon2 takes far longer, so the write meets a closed pipe
    const r = sh(`cd ${JSON.stringify(cwd)} && K generate-key --name second --store keys.json | true; echo "status \${PIPESTATUS[0]}" >&2`);
    expect(r.stderr).toContain('status 2');
    expect(r.stderr).toContain('broken pipe');
    const list = await run(['keys', 'list', '--json', '--store', 'keys.json'], cwd);
    expect((JSON.parse(list.stdout) as { keys: { name: string }[] }).keys.map((k) => k.name)).toEqual(['first']);
  });

  it('generate-key and rotate begin with stdout closed: refused before anything is created', () => {
    const cwd = work();
    const g = sh(`cd ${JSON.stringify(cwd)} && K generate-key --name ci-bot --store keys.json >&-`);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('standard output is /dev/null or closed');
    expect(existsSync(path.join(cwd, 'keys.json'))).toBe(false);
    const r = sh(`cd ${JSON.stringify(cwd)} && K rotate begin tokens >&-`);
    expect(r.code).toBe(2);
    expect(existsSync(path.join(cwd, 'tokens'))).toBe(false);
    expect(existsSync(path.join(cwd, 'tokens.rotation.json'))).toBe(false);
  });

  it('rotate begin to /dev/full: exit 2, the tokens file and the sidecar are put back', async () => {
    const cwd = work();
    const first = await run(['rotate', 'begin', 'tokens', '--out', 'first.token'], cwd);
    expect(first.code).toBe(0);
    const before = readFileSync(path.join(cwd, 'tokens'), 'utf8');
    const sidecar = readFileSync(path.join(cwd, 'tokens.rotation.json'), 'utf8');
    const r = sh(`cd ${JSON.stringify(cwd)} && K rotate begin tokens > /dev/full`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the new token was not kept: the tokens file and its sidecar were put back as they were');
    expect(readFileSync(path.join(cwd, 'tokens'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(cwd, 'tokens.rotation.json'), 'utf8')).toBe(sidecar);
    expect(existsSync(path.join(cwd, 'tokens.lock'))).toBe(false);
  });

  it('a change that stays made (keys revoke, a key written to --out) exits 2 on /dev/full and says what was done', async () => {
    const cwd = work();
    const made = await run(['generate-key', '--name', 'ci-bot', '--store', 'keys.json', '--json'], cwd);
    const id = (JSON.parse(made.stdout) as { record: { id: string } }).record.id;
    const r = sh(`cd ${JSON.stringify(cwd)} && K keys revoke ${id} --store keys.json > /dev/full`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no space left on device; ${id} was revoked all the same (ERR_OUTPUT_WRITE)`);
    const list = await run(['keys', 'list', '--all', '--json', '--store', 'keys.json'], cwd);
    expect(JSON.parse(list.stdout)).toMatchObject({ keys: [{ id, state: 'revoked' }] });
    const j = sh(`cd ${JSON.stringify(cwd)} && K generate-key --type jwk --out k.jwk --jwks jwks.json > /dev/full`);
    expect(j.code).toBe(2);
    expect(j.stderr).toContain('the private key was written to k.jwk and its public key added to jwks.json all the same');
    expect(modeOf(path.join(cwd, 'k.jwk'))).toBe(0o600);
  });

  it('reports: check-production to /dev/full exits 2 with an error, not 0', () => {
    const r = sh(`K check-production --env-file ${JSON.stringify(path.resolve('examples/production.env'))} > /dev/full`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('<stdout>: cannot write the answer: no space left on device (ERR_OUTPUT_WRITE)');
    // the bin's own fast path (--version, --help) too
    const v = sh('K --version > /dev/full');
    expect(v.code).toBe(2);
    expect(v.stderr).toBe('krishiv-auth: <stdout>: cannot write the answer: ENOSPC (ERR_OUTPUT_WRITE)\n');
  });
});

describe('--out and --output never clobber (item 5)', () => {
  it('rotate begin --out refuses an existing file without --force, changing nothing', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'new.token'), 'someone-elses-token\n');
    const r = await run(['rotate', 'begin', 'tokens', '--out', 'new.token', '--json'], cwd);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_EXISTS', input: 'new.token' } });
    expect(readFileSync(path.join(cwd, 'new.token'), 'utf8')).toBe('someone-elses-token\n');
    expect(existsSync(path.join(cwd, 'tokens'))).toBe(false);
    const forced = await run(['rotate', 'begin', 'tokens', '--out', 'new.token', '--force'], cwd);
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'new.token'), 'utf8')).toBe(readFileSync(path.join(cwd, 'tokens'), 'utf8'));
  });

  it('check-production --output refuses to overwrite an input: the env file by name, by symlink, by hard link; the config', async () => {
    const cwd = work();
    const env = readFileSync(path.resolve('examples/production.env'), 'utf8');
    writeFileSync(path.join(cwd, 'prod.env'), env);
    symlinkSync('prod.env', path.join(cwd, 'link.env'));
    linkSync(path.join(cwd, 'prod.env'), path.join(cwd, 'hard.env'));
    for (const out of ['prod.env', 'link.env', 'hard.env', './prod.env']) {
      const r = await run(['check-production', '--env-file', 'prod.env', '--format', 'sarif', '--output', out, '--json'], cwd);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_USAGE', input: '--output' } });
      expect(readFileSync(path.join(cwd, 'prod.env'), 'utf8')).toBe(env);
    }
    writeFileSync(path.join(cwd, 'krishiv-auth.config.json'), '{"checkProduction": {"strict": false}}\n');
    const c = await run(['check-production', '--env-file', 'prod.env', '--output', 'krishiv-auth.config.json'], cwd);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('is the same file as the config file');
    expect(readFileSync(path.join(cwd, 'krishiv-auth.config.json'), 'utf8')).toBe('{"checkProduction": {"strict": false}}\n');
  });
});

describe("rotate and the token file's directory (item 9)", () => {
  it('a hard-linked token file is refused (exit 1): both names keep their tokens, no sidecar, no --out', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'tokens'), 'old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', { mode: 0o600 });
    linkSync(path.join(cwd, 'tokens'), path.join(cwd, 'mounted-copy'));
    const r = await run(['rotate', 'begin', 'tokens', '--out', 'new.token', '--json'], cwd);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_FILE_UNSAFE', input: 'tokens' } });
    expect(r.stderr).toContain('has 2 hard links');
    expect(readFileSync(path.join(cwd, 'mounted-copy'), 'utf8')).toBe('old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    expect(existsSync(path.join(cwd, 'tokens.rotation.json'))).toBe(false);
    expect(existsSync(path.join(cwd, 'new.token'))).toBe(false);
  });

  // a private mount namespace (unshare -m) lets root make a single-file bind mount without touching the machine's
  const bindMounts = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
  it.runIf(bindMounts)('a token file bind-mounted as a single file (either end) is refused (exit 1), nothing written', () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'tokens'), 'old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', { mode: 0o600 });
    writeFileSync(path.join(cwd, 'container-view'), '');
    const r = sh(
      `cd ${JSON.stringify(cwd)} && unshare -m bash -c 'K() { "$KNODE" -- "$KBIN" "$@"; }; mount --bind tokens container-view && K rotate begin tokens --out a.token; echo "rc=$?"; K rotate begin container-view --out b.token; echo "rc=$?"'`,
    );
    expect(r.stdout).toBe('rc=1\nrc=1\n');
    expect(r.stderr).toContain('tokens: is bind-mounted at');
    expect(r.stderr).toContain('container-view: is a mount point (a single-file bind mount)');
    expect(readFileSync(path.join(cwd, 'tokens'), 'utf8')).toBe('old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    expect(existsSync(path.join(cwd, 'a.token')) || existsSync(path.join(cwd, 'b.token'))).toBe(false);
    expect(existsSync(path.join(cwd, 'tokens.rotation.json'))).toBe(false);
  });

  it.runIf(process.getuid?.() === 0)('a sidecar or token-file symlink planted by another user is not followed', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'victim'), 'precious\n');
    writeFileSync(path.join(cwd, 'tokens'), 'old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', { mode: 0o600 });
    symlinkSync(path.join(cwd, 'victim'), path.join(cwd, 'tokens.rotation.json'));
    lchownSync(path.join(cwd, 'tokens.rotation.json'), 65534, 65534);
    const r = await run(['rotate', 'begin', 'tokens', '--out', 'new.token'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tokens.rotation.json: is a symlink owned by uid 65534, neither you nor root: not followed');
    expect(readFileSync(path.join(cwd, 'victim'), 'utf8')).toBe('precious\n');
    expect(readFileSync(path.join(cwd, 'tokens'), 'utf8')).toBe('old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    expect(existsSync(path.join(cwd, 'new.token'))).toBe(false);

    const cwd2 = work();
    writeFileSync(path.join(cwd2, 'victim'), 'precious\n');
    symlinkSync(path.join(cwd2, 'victim'), path.join(cwd2, 'tokens'));
    lchownSync(path.join(cwd2, 'tokens'), 65534, 65534);
    const t = await run(['rotate', 'begin', 'tokens', '--out', 'new.token'], cwd2);
    expect(t.code).toBe(1);
    expect(readFileSync(path.join(cwd2, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('a run whose lock was taken over writes neither the sidecar nor --out, and says nothing changed', async () => {
    const cwd = work();
    writeFileSync(path.join(cwd, 'tokens'), 'old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n', { mode: 0o600 });
    const child = spawn(process.execPath, ['--', BIN, 'rotate', 'begin', 'tokens', '--out', 'new.token'], {
      cwd,
      env: { ...ENV, KRISHIV_AUTH_TEST_PAUSE: 'after-lock=1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const lock = path.join(cwd, 'tokens.lock');
    await waitFor(() => existsSync(path.join(lock, 'owner')));
    // another run takes the lock over (as a stale takeover does)
    rmSync(lock, { recursive: true });
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'owner'), `${process.pid}@elsewhere other`);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('lost the lock (the lock was taken over by another run); nothing changed (ERR_ROTATE_LOCKED)');
    expect(existsSync(path.join(cwd, 'tokens.rotation.json'))).toBe(false);
    expect(existsSync(path.join(cwd, 'new.token'))).toBe(false);
    expect(readFileSync(path.join(cwd, 'tokens'), 'utf8')).toBe('old-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    expect(readdirSync(lock)).toEqual(['owner']); // the other run's lock is left alone
  });
});
