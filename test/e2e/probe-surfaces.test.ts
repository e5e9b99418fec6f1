/**
 * `probe` on the other authenticated surfaces, through the built bin against the coordinator double:
 * flags, env files read as the engine's clients read them, a fleet with per-target credentials
 * streamed from standard input with --jsonl, and no credential ever printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type RunResult } from '../helpers/run-cli.js';
import { DOUBLE_TOKEN, startCoordinatorDouble, type CoordinatorDouble } from '../helpers/coordinator-double.js';
import { tempDir } from '../helpers/temp-dir.js';

const KEY_A = 'krishiv_abcdefgh_0123456789ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvut';
const KEY_B = 'krishiv_qrstuvwx_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvu';
const SHUFFLE = 'shuffle-secret-5f1e2d3c4b5a6978';
const TASK_A = 'task-secret-a-0a1b2c3d4e5f6789';
const TASK_B = 'task-secret-b-9f8e7d6c5b4a3210';
const SECRETS = [KEY_A, KEY_B, SHUFFLE, TASK_A, TASK_B, DOUBLE_TOKEN];

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown> | null;
}
const dir = tempDir('krishiv-probe-surfaces-');
const outputs: RunResult[] = [];
async function probe(args: string[], input?: string): Promise<RunResult> {
  const r = await runCli(['probe', ...args], { cwd: dir, ...(input !== undefined ? { input } : {}) });
  outputs.push(r);
  return r;
}
const statusOf = (checks: Check[], id: string): string => checks.find((c) => c.id === id)!.status;

let a: CoordinatorDouble;
let b: CoordinatorDouble;
let plain: Server;
let plainPort: number;
beforeAll(async () => {
  a = await startCoordinatorDouble({
    surfaces: {
      flight: { keys: [KEY_A], policy: true },
      shuffle: { token: SHUFFLE },
      shuffleSvc: { token: SHUFFLE },
      executor: { token: TASK_A },
      barrier: { token: TASK_A },
    },
  });
  b = await startCoordinatorDouble({
    surfaces: { flight: { keys: [KEY_B], policy: true }, executor: { token: TASK_B }, barrier: { token: TASK_B } },
  });
  plain = createServer((_q, s) => s.end('plain'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainPort = (plain.address() as AddressInfo).port;
  writeFileSync(path.join(dir, 'a.key'), `${KEY_A}\n${KEY_A}=analyst\n`, { mode: 0o600 });
  writeFileSync(path.join(dir, 'shuffle.token'), `${SHUFFLE}\n`, { mode: 0o600 });
  writeFileSync(path.join(dir, 'task.token'), `${TASK_A}\n`, { mode: 0o600 });
  writeFileSync(
    path.join(dir, 'prod.env'),
    `KRISHIV_API_KEYS=${KEY_A}=analyst,other=x\nKRISHIV_SHUFFLE_TOKEN=${SHUFFLE}\nKRISHIV_EXECUTOR_TASK_BEARER_TOKEN=" ${TASK_A} "\n`,
    { mode: 0o600 },
  );
  mkdirSync(path.join(dir, 'b'));
  writeFileSync(path.join(dir, 'b', 'b.env'), `KRISHIV_FLIGHT_API_KEY=${KEY_B}\nKRISHIV_EXECUTOR_TASK_BEARER_TOKEN=${TASK_B}\n`, {
    mode: 0o600,
  });
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), new Promise<void>((r) => plain.close(() => r()))]);
});

const surfaceFlags = (d: CoordinatorDouble): string[] => [
  d.url,
  '--flight',
  d.surfaces.flight!,
  ...(d.surfaces.shuffle ? ['--shuffle', d.surfaces.shuffle] : []),
  ...(d.surfaces.shuffleSvc ? ['--shuffle-svc', d.surfaces.shuffleSvc] : []),
  '--executor',
  d.surfaces.executor!,
  '--barrier',
  d.surfaces.barrier!,
];
const NEW = [
  'flight_requires_auth',
  'flight_accepts_key',
  'shuffle_requires_auth',
  'shuffle_accepts_token',
  'executor_requires_auth',
  'executor_accepts_token',
];

describe('probe the other surfaces (built bin)', () => {
  it('with credential files: every new check passes, exit 0', async () => {
    const r = await probe([
      ...surfaceFlags(a),
      '--api-key-file',
      'a.key',
      '--shuffle-token-file',
      'shuffle.token',
      '--task-token-file',
      'task.token',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { targets: { checks: Check[] }[] };
    for (const id of NEW) expect([id, statusOf(doc.targets[0]!.checks, id)]).toEqual([id, 'pass']);
    expect(r.code).toBe(0);
  });

  it('checking an API key live (the README line): only Flight SQL is probed, the coordinator HTTP checks skip, exit 0', async () => {
    const r = await probe(['--flight', a.surfaces.flight!, '--api-key-file', 'a.key', '--json']);
    expect(r.code).toBe(0);
    const t = (JSON.parse(r.stdout) as { targets: { url: string; checks: Check[] }[] }).targets[0]!;
    expect(t.url).toBe(a.surfaces.flight);
    expect(statusOf(t.checks, 'flight_accepts_key')).toBe('pass');
    expect(statusOf(t.checks, 'health')).toBe('skip');
    const wrong = await probe(['--flight', b.surfaces.flight!, '--api-key-file', 'a.key']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(
      /flight_accepts_key +fail .*wrong credential: the API key krishiv_abcdefgh_… was rejected, UNAUTHENTICATED \(invalid API key\)/,
    );
  });

  it("from --env-file, exactly as the engine's clients pick their credentials", async () => {
    const r = await probe([...surfaceFlags(a), '--env-file', 'prod.env', '--json']);
    const doc = JSON.parse(r.stdout) as { targets: { checks: Check[] }[] };
    for (const id of NEW) expect([id, statusOf(doc.targets[0]!.checks, id)]).toEqual([id, 'pass']);
  });

  it('without credentials: the requires checks pass, the accepts checks skip, naming where a credential comes from', async () => {
    const r = await probe([...surfaceFlags(a), '--json']);
    const checks = (JSON.parse(r.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks;
    expect(statusOf(checks, 'flight_requires_auth')).toBe('pass');
    const skip = checks.find((c) => c.id === 'flight_accepts_key')!;
    expect(skip).toMatchObject({ status: 'skip', message: expect.stringMatching(/no API key given \(--api-key-file/) });
  });

  it('a fleet streamed from standard input with per-target credentials, --jsonl: one line per target, then the summary', async () => {
    const lines = [
      '# cluster a: credentials from flags-like files',
      `${a.url} flight=${a.surfaces.flight} executor=${a.surfaces.executor} barrier=${a.surfaces.barrier} api-key-file=a.key task-token-file=task.token`,
      `${b.url} flight=${b.surfaces.flight} executor=${b.surfaces.executor} barrier=${b.surfaces.barrier} env-file=b/b.env`,
      `${b.url} flight=${b.surfaces.flight} api-key-file=a.key`,
    ].join('\n');
    const r = await probe(['--targets', '-', '--jsonl', '--concurrency', '2'], `${lines}\n`);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    const targets = out.slice(0, 3).map((o) => o['target'] as { url: string; checks: Check[] });
    const summary = out[3]!;
    expect(summary).toMatchObject({ ok: false, summary: { targets: 3, ok: 2, failing: 1 } });
    const flightA = targets.filter((t) => t.url === a.url).map((t) => statusOf(t.checks, 'flight_accepts_key'));
    const flightB = targets
      .filter((t) => t.url === b.url)
      .map((t) => statusOf(t.checks, 'flight_accepts_key'))
      .sort();
    expect(flightA).toEqual(['pass']);
    expect(flightB).toEqual(['fail', 'pass']); // b's own env file passes; a's key sent to b (as that line asked) is wrong
    for (const t of targets.filter((x) => x.checks.find((c) => c.id === 'executor_accepts_token')!.evidence)) {
      expect(statusOf(t.checks, 'executor_accepts_token')).toBe('pass');
    }
    expect(b.surfaceCalls.some((c) => c.authorization?.includes(TASK_A))).toBe(false);
    expect(a.surfaceCalls.some((c) => c.authorization?.includes(KEY_B) || c.authorization?.includes(TASK_B))).toBe(false);
    expect(r.code).toBe(1);
  });

  it('a bad targets line is a one-line error naming the line, exit 2', async () => {
    const r = await probe(['--targets', '-', '--jsonl'], `${a.url}\n${a.url} flight=nope\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^krishiv-auth probe: <stdin>:2: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('several targets with a surface flag is refused: addresses go on each targets line', async () => {
    const r = await probe([a.url, b.url, '--flight', a.surfaces.flight!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--flight: with several targets, give each its addresses on its --targets line/);
  });

  it('https on a plain-HTTP port says so in one line, with no OpenSSL record-layer text and no Node warning', async () => {
    const r = await probe([`https://127.0.0.1:${plainPort}`, '--json', '--timeout', '2s']);
    const checks = (JSON.parse(r.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks;
    const health = checks.find((c) => c.id === 'health')!;
    expect(health.message).toMatch(/the server answered in plain text, not TLS \(an https URL on a plain-HTTP port\? try http:\/\/\)/);
    expect(JSON.stringify(checks)).not.toMatch(/ssl3_get_record|wrong version number|SSL routines/);
    expect(r.stderr).not.toMatch(/Warning/);
  });

  it('a base path is kept in the evidence; a coordinator route as base path is refused', async () => {
    const kept = await probe([`${a.url}/krishiv`, '--json']);
    const checks = (JSON.parse(kept.stdout) as { targets: { checks: Check[] }[] }).targets[0]!.checks;
    expect(checks.find((c) => c.id === 'health')!.evidence).toMatchObject({ path: '/krishiv/healthz' });
    const refused = await probe([`${a.url}/ui`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\/ui is a coordinator route, not a base path/);
  });

  it('no run printed a credential, and none wrote a Node runtime warning', () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const r of outputs) {
      for (const s of SECRETS) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
      expect(r.stderr).not.toMatch(/\(node:\d+\)|Warning:/);
    }
  });
});
