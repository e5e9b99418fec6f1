/**
 * check-production and explain through the built bin: the examples (exit 0/1), malformed and
 * missing input (exit 2), the contract's JSON fields, every output format, --output, waivers
 * from a config file, real token files and modes, and a grep of every output for the secrets.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EX = (name: string) => path.join(ROOT, 'examples', name);
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'] as const;

interface JsonReport {
  ok: boolean;
  role: string;
  files: string[];
  summary: { fail: number; warn: number; pass: number; skip: number; waived: number };
  findings: Array<{
    id: string;
    predicate: string | null;
    status: string;
    class: string;
    message: string;
    remediation: string;
    location: { file: string; line?: number } | null;
    variables: string[];
  }>;
  tool: { engine: string };
}

const parse = (s: string) => JSON.parse(s) as JsonReport;
const secret = () => randomBytes(32).toString('base64url');

describe('check-production on the examples', () => {
  it('production.env passes for the default role cluster (README quick start)', async () => {
    const r = await runCli(['check-production', '--env-file', 'examples/production.env']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✔ 0 failed, 2 warnings, \d+ passed, \d+ skipped — role cluster, 1 file/);
    expect(r.stderr).toBe('');
  });

  it.each([
    [
      'dev.env',
      [
        'MODE-NOT-FAIL-CLOSED',
        'COORD-GRPC-ANONYMOUS',
        'COORD-HTTP-ANONYMOUS',
        'UI-ANONYMOUS',
        'HYG-PLACEHOLDER-SECRET',
        'ENG-API-KEY-ENTRY',
      ],
    ],
    [
      'durable-no-tokens.env',
      [
        'COORD-GRPC-TOKENS-MISSING',
        'COORD-HTTP-TOKENS-MISSING',
        'COORD-EXEC-TOKEN-MISSING',
        'EXEC-TASK-TOKEN-MISSING',
        'UI-TOKEN-MISSING',
        'PROD-COORDINATOR-AUTH',
      ],
    ],
    ['oidc-no-audience.env', ['PROD-OIDC-AUDIENCE']],
  ])('%s fails for the reasons its name says', async (file, ids) => {
    const r = await runCli(['check-production', '--env-file', `examples/${file}`, '--json']);
    expect(r.code).toBe(1);
    const doc = parse(r.stdout);
    expect(doc.ok).toBe(false);
    const failing = new Set(doc.findings.filter((f) => f.status === 'fail').map((f) => f.id));
    for (const id of ids) expect(failing, id).toContain(id);
    if (file === 'oidc-no-audience.env') {
      expect([...failing]).toEqual(['PROD-OIDC-AUDIENCE']);
      expect(doc.findings.find((f) => f.id === 'COORD-OIDC-NO-AUDIENCE')).toMatchObject({ status: 'warn', class: 'WARN' });
    }
  });

  it('the JSON document has the contract fields', async () => {
    const r = await runCli(['check-production', '--env-file', 'examples/durable-no-tokens.env', '--json']);
    const doc = parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['ok', 'role', 'files', 'strict', 'summary', 'findings', 'tool']);
    expect(doc.role).toBe('cluster');
    expect(doc.files).toEqual(['examples/durable-no-tokens.env']);
    expect(Object.keys(doc.summary).sort()).toEqual(['fail', 'pass', 'skip', 'waived', 'warn']);
    expect(doc.summary.fail).toBe(doc.findings.filter((f) => f.status === 'fail').length);
    expect(doc.tool.engine).toBe('e8be785f');
    for (const f of doc.findings) {
      expect(Object.keys(f).slice(0, 8)).toEqual(['id', 'predicate', 'status', 'class', 'message', 'remediation', 'location', 'variables']);
      expect(['pass', 'fail', 'warn', 'skip', 'waived']).toContain(f.status);
      expect(['MODE', 'REFUSE', 'DENY', 'OPEN', 'WARN', 'CHECKLIST', 'HYGIENE']).toContain(f.class);
    }
    const http = doc.findings.find((f) => f.id === 'COORD-HTTP-TOKENS-MISSING')!;
    expect(http).toMatchObject({
      predicate: 'requires_http_auth',
      class: 'REFUSE',
      status: 'fail',
      location: { file: 'examples/durable-no-tokens.env' },
    });
    expect(http.location).not.toHaveProperty('line'); // the token variable is absent
    const meta = doc.findings.find((f) => f.id === 'COORD-METADATA-PROFILE')!;
    expect(meta.location).toEqual({ file: 'examples/durable-no-tokens.env', line: 7 });
  });

  it('--strict makes the warnings of production.env fail; --require-files makes its missing token files fail', async () => {
    expect((await runCli(['check-production', '--env-file', 'examples/production.env', '--strict'])).code).toBe(1);
    const r = await runCli(['check-production', '--env-file', 'examples/production.env', '--require-files', '--json']);
    expect(r.code).toBe(1);
    expect(parse(r.stdout).findings.find((f) => f.id === 'COORD-TOKEN-FILE-UNREADABLE')).toMatchObject({ status: 'fail', class: 'REFUSE' });
  });

  it('--role and --cli change the verdict (CLI-only profile)', async () => {
    const dir = tempDir('kcp-');
    const env = path.join(dir, 'coord.env');
    writeFileSync(env, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE=/run/secrets/t\n');
    const r = await runCli([
      'check-production',
      '--env-file',
      env,
      '--role',
      'coordinator',
      '--cli',
      '--durability-profile distributed-durable',
      '--json',
    ]);
    const doc = parse(r.stdout);
    const st = (id: string) => doc.findings.filter((f) => f.id === id).map((f) => f.status);
    expect(st('ENV-CLI-ONLY-PROFILE')).toEqual(['warn']);
    expect(st('UI-ANONYMOUS')).toEqual(['fail']);
    expect(doc.findings.find((f) => f.id === 'ENV-CLI-ONLY-PROFILE')!.location).toBeNull();
  });
});

describe('listen addresses (LISTEN-ADDR-COLLISION)', () => {
  it('gRPC on the HTTP port refuses the coordinator; [::] against IPv4 is a skip; explain cites the bind lines', async () => {
    const dir = tempDir('kcp-listen-');
    const env = path.join(dir, 'coord.env');
    writeFileSync(env, 'KRISHIV_HTTP_ADDR=0.0.0.0:8080\nKRISHIV_GRPC_ADDR=127.0.0.1:8080\n');
    const r = await runCli(['check-production', '--env-file', env, '--role', 'coordinator', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const f = parse(r.stdout).findings.find((x) => x.id === 'LISTEN-ADDR-COLLISION')!;
    expect(f).toMatchObject({ status: 'fail', class: 'REFUSE', variables: ['KRISHIV_GRPC_ADDR', 'KRISHIV_HTTP_ADDR'] });
    expect(f.location).toEqual({ file: env, line: 2 });
    expect(f.message).toContain('gRPC on 127.0.0.1:8080 (KRISHIV_GRPC_ADDR)');
    const text = await runCli(['check-production', '--env-file', env, '--role', 'coordinator']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('LISTEN-ADDR-COLLISION');

    const skip = await runCli(['check-production', '--env-file', env, '--role', 'coordinator', '--cli', '--grpc-addr [::]:8080', '--json']);
    expect(
      parse(skip.stdout)
        .findings.filter((x) => x.id === 'LISTEN-ADDR-COLLISION')
        .map((x) => x.status),
    ).toEqual(['skip']);

    const explain = await runCli(['explain', 'LISTEN-ADDR-COLLISION']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('crates/krishiv-scheduler/src/coordinator_daemon.rs:465-467');
  });
});

describe("unreadable token and TLS files: the engine's io error", () => {
  it('a directory named as a token file and as a TLS certificate is reported as the engine reads it (EISDIR)', async () => {
    const dir = tempDir('kcp-unreadable-');
    mkdirSync(path.join(dir, 'token-dir'));
    mkdirSync(path.join(dir, 'cert-dir'));
    writeFileSync(path.join(dir, 'tls.key'), 'key\n');
    const env = path.join(dir, 'coord.env');
    writeFileSync(
      env,
      'KRISHIV_DURABILITY_PROFILE=single-node-durable\nKRISHIV_COORDINATOR_BEARER_TOKEN_FILE=token-dir\nKRISHIV_TLS_CERT=cert-dir\nKRISHIV_TLS_KEY=tls.key\n',
    );
    const r = await runCli(['check-production', '--env-file', env, '--role', 'coordinator', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const byId = (id: string) => parse(r.stdout).findings.find((f) => f.id === id)!;
    expect(byId('COORD-TOKEN-FILE-UNREADABLE')).toMatchObject({ status: 'fail', class: 'REFUSE' });
    expect(byId('COORD-TOKEN-FILE-UNREADABLE').message).toContain('(Is a directory (os error 21))');
    expect(byId('COORD-TLS-PAIR')).toMatchObject({ status: 'fail', class: 'REFUSE' });
    const explain = await runCli(['explain', 'COORD-TOKEN-FILE-UNREADABLE']);
    expect(explain.stdout).toContain('failed to reload coordinator gRPC auth provider error=<io error>');
  });
});

describe('input errors exit 2', () => {
  it('a malformed env file names file:line', async () => {
    const dir = tempDir('kcp-');
    const env = path.join(dir, 'bad.env');
    writeFileSync(env, 'KRISHIV_PRODUCTION=1\nKRISHIV_UI_TOKEN="never closed\n');
    const r = await runCli(['check-production', '--env-file', env]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${env}:2`);
    expect(r.stderr).toContain('ERR_ENV_PARSE');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    const j = await runCli(['check-production', '--env-file', env, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_ENV_PARSE', input: `${env}:2` } });
  });

  it('a missing env file from the config, an unknown role, an unknown format, --store, nothing to check', async () => {
    const dir = tempDir('kcp-');
    writeFileSync(path.join(dir, '.krishiv-authrc.json'), JSON.stringify({ checkProduction: { envFiles: ['missing.env'] } }));
    const missing = await runCli(['check-production'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.env');
    const role = await runCli(['check-production', '--env-file', EX('production.env'), '--role', 'coordinater']);
    expect([role.code, role.stderr]).toEqual([2, expect.stringContaining('did you mean coordinator?')]);
    const fmt = await runCli(['check-production', '--env-file', EX('production.env'), '--format', 'xml']);
    expect(fmt.code).toBe(2);
    const store = await runCli(['check-production', '--env-file', EX('production.env'), '--store', 'no-such-keys.json'], { cwd: dir });
    expect([store.code, store.stderr]).toEqual([2, expect.stringContaining('no-such-keys.json: no key store here')]);
    const none = await runCli(['check-production'], { cwd: tempDir('kcp-') });
    expect(none.code).toBe(2);
  });
});

describe('catalog: --list-checks and explain', () => {
  it('--list-checks lists every id, with --json too', async () => {
    const r = await runCli(['check-production', '--list-checks']);
    expect(r.code).toBe(0);
    for (const id of [
      'MODE-NOT-FAIL-CLOSED',
      'COORD-HTTP-TOKENS-MISSING',
      'PROD-OTLP-ENDPOINT',
      'HYG-WEAK-SECRET',
      'KEYS-REVOKED',
      'ENG-DOTENV-IN-CWD',
    ])
      expect(r.stdout).toContain(id);
    const j = await runCli(['check-production', '--list-checks', '--json']);
    const doc = JSON.parse(j.stdout) as {
      ok: boolean;
      checks: Array<{ id: string; class: string; roles: string[]; rule: string; source: string; fix: string }>;
    };
    expect(doc.ok).toBe(true);
    expect(doc.checks.length).toBeGreaterThan(70);
    const onlyOp = await runCli(['check-production', '--list-checks', '--role', 'operator', '--json']);
    expect((JSON.parse(onlyOp.stdout) as typeof doc).checks.every((c) => c.roles.includes('operator'))).toBe(true);
  });

  it('--list-checks honours --format json and --output; a report format is a usage error', async () => {
    const j = await runCli(['check-production', '--list-checks', '--format', 'json']);
    expect(j.code).toBe(0);
    expect((JSON.parse(j.stdout) as { ok: boolean; checks: unknown[] }).checks.length).toBeGreaterThan(70);
    const dir = tempDir('cp-list-');
    const out = path.join(dir, 'checks.txt');
    const r = await runCli(['check-production', '--list-checks', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^\\d+ checks written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
    expect(readFileSync(out, 'utf8')).toContain('COORD-HTTP-TOKENS-MISSING');
    const bad = await runCli(['check-production', '--list-checks', '--format', 'sarif']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('krishiv-auth check-production: --format: --list-checks prints text or json, not sarif (ERR_USAGE)\n');
  });

  it('explain prints the rule, source, engine message and fix; unknown ids exit 2 with suggestions', async () => {
    const r = await runCli(['explain', 'coord-http-tokens-missing']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('COORD-HTTP-TOKENS-MISSING');
    expect(r.stdout).toContain('coordinator_daemon.rs:1297-1350');
    expect(r.stdout).toContain('coordinator HTTP is enabled but no bearer tokens are configured');
    expect(r.stdout).toMatch(/Fix:/);
    const bad = await runCli(['explain', 'COORD-HTTP-TOKEN-MISSING', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      ok: false,
      error: { code: 'ERR_CHECK_UNKNOWN', details: { suggestions: expect.arrayContaining(['COORD-HTTP-TOKENS-MISSING']) } },
    });
  });
});

describe('files, waivers and secrets', () => {
  let dir: string;
  let envFile: string;
  const secrets = { coord: secret(), task: secret(), ui: secret(), file: secret(), key: `krishiv_abcdefgh_${secret()}`, key2: secret() };

  beforeAll(() => {
    dir = tempDir('kcp-');
    const tokenFile = path.join(dir, 'coord.token');
    writeFileSync(tokenFile, `${secrets.file}\n${secrets.coord}\n`);
    chmodSync(tokenFile, 0o644);
    envFile = path.join(dir, 'leaky.env');
    writeFileSync(
      envFile,
      [
        'KRISHIV_PRODUCTION="1"',
        'KRISHIV_DURABILITY_PROFILE=single-node-durable',
        `KRISHIV_COORDINATOR_BEARER_TOKEN=${secrets.coord}`,
        `KRISHIV_COORDINATOR_BEARER_TOKEN_FILE=${tokenFile}`,
        `KRISHIV_EXECUTOR_TASK_BEARER_TOKEN=${secrets.coord}`,
        `KRISHIV_UI_TOKEN=${secrets.ui}`,
        `KRISHIV_API_KEYS=${secrets.key}=alice,${secrets.key2},${secrets.key}==bob`,
        'KRISHIV_FLIGHT_ADDR=0.0.0.0:2003',
        'KRISHIV_SHUFFLE_TOKEN=${SHUFFLE_FROM_VAULT}',
        '',
      ].join('\n'),
    );
  });

  it('reads real token files: multi-line and world-readable fail', async () => {
    const r = await runCli(['check-production', '--env-file', envFile, '--json']);
    expect(r.code).toBe(1);
    const doc = parse(r.stdout);
    const st = (id: string) => doc.findings.filter((f) => f.id === id).map((f) => f.status);
    expect(st('ENG-TOKEN-FILE-MULTILINE')).toEqual(['fail']);
    expect(st('HYG-TOKEN-FILE-MODE')).toEqual(['fail']);
    expect(st('HYG-UNEXPANDED-VAR')).toEqual(['fail']);
    expect(st('HYG-QUOTED-BOOLEAN')).toEqual(['warn']);
    expect(st('ENV-TOKEN-REUSE')).toContain('warn');
    expect(st('FLIGHT-API-KEYS-MALFORMED')).toEqual(['fail']);
  });

  it.each(FORMATS)('no secret value in --format %s (stdout, stderr, --output file)', async (format) => {
    const r = await runCli(['check-production', '--env-file', envFile, '--format', format]);
    expect(r.code).toBe(1);
    const out = path.join(dir, `report.${format}`);
    const w = await runCli(['check-production', '--env-file', envFile, '--format', format, '--output', out]);
    expect(w.code).toBe(1);
    expect(w.stdout).toBe('');
    expect(w.stderr).toMatch(/✖ \d+ failed/);
    const written = readFileSync(out, 'utf8');
    expect(written.length).toBeGreaterThan(0);
    for (const s of Object.values(secrets)) {
      for (const text of [r.stdout, r.stderr, w.stderr, written]) expect(text).not.toContain(s);
    }
  });

  it('no secret value in --print-env, --json, --debug or --process-env runs', async () => {
    const runs = [
      await runCli(['check-production', '--env-file', envFile, '--print-env']),
      await runCli(['check-production', '--env-file', envFile, '--print-env', '--json']),
      await runCli(['check-production', '--env-file', envFile, '--json', '--debug']),
      await runCli(['check-production', '--env-file', envFile, '--process-env', '--json'], { env: { SHUFFLE_FROM_VAULT: secrets.key2 } }),
    ];
    // every run got as far as its report (a run that stopped early would leak nothing either)
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 1]);
    expect(runs[2]!.stderr).toContain('debug: ');
    for (const r of runs) for (const s of Object.values(secrets)) expect(r.stdout + r.stderr).not.toContain(s);
    expect(runs[0]!.stdout).toMatch(/KRISHIV_COORDINATOR_BEARER_TOKEN="?bearer:[0-9a-f]{16}/);
  });

  it('--output writes the file atomically and --json still prints the JSON document', async () => {
    const out = path.join(dir, 'out.sarif');
    const r = await runCli(['check-production', '--env-file', EX('production.env'), '--format', 'sarif', '--output', out, '--json']);
    expect(r.code).toBe(0);
    expect(parse(r.stdout).ok).toBe(true);
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe('2.1.0');
    expect(statSync(out).isFile()).toBe(true);
  });

  it('waivers from the config: waived, expired fails, unmatched warns', async () => {
    const cwd = tempDir('kcp-');
    writeFileSync(
      path.join(cwd, '.krishiv-authrc.json'),
      JSON.stringify({
        waivers: [
          { id: 'PROD-OIDC-AUDIENCE', reason: 'IdP migration, OPS-42', owner: 'platform', expires: '2999-01-01' },
          { id: 'COORD-TLS-PAIR', reason: 'stale', owner: 'platform', expires: '2999-01-01' },
        ],
      }),
    );
    const r = await runCli(['check-production', '--env-file', EX('oidc-no-audience.env'), '--json'], { cwd });
    const doc = parse(r.stdout);
    expect(r.code).toBe(0);
    expect(doc.findings.find((f) => f.id === 'PROD-OIDC-AUDIENCE')).toMatchObject({ status: 'waived', waiver: { owner: 'platform' } });
    expect(doc.findings.find((f) => f.id === 'WAIVER-UNMATCHED')!.status).toBe('warn');
    writeFileSync(
      path.join(cwd, '.krishiv-authrc.json'),
      JSON.stringify({ waivers: [{ id: 'PROD-OIDC-AUDIENCE', reason: 'x', owner: 'y', expires: '2020-01-01' }] }),
    );
    const e = await runCli(['check-production', '--env-file', EX('oidc-no-audience.env'), '--json'], { cwd });
    expect(e.code).toBe(1);
    expect(parse(e.stdout).findings.find((f) => f.id === 'WAIVER-EXPIRED')!.status).toBe('fail');
  });

  it('--process-env: the environment wins, locations are null, and a stray .env warns', async () => {
    const cwd = tempDir('kcp-');
    writeFileSync(path.join(cwd, '.env'), 'KRISHIV_UI=on\n');
    const r = await runCli(['check-production', '--env-file', EX('durable-no-tokens.env'), '--process-env', '--json'], {
      cwd,
      env: { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: secret() },
    });
    const doc = parse(r.stdout);
    expect(doc.findings.find((f) => f.id === 'COORD-EXEC-TOKEN-MISSING')!.status).toBe('pass');
    expect(doc.findings.find((f) => f.id === 'PROD-EXECUTOR-TASK-TOKEN')!.location).toBeNull();
    expect(doc.findings.find((f) => f.id === 'ENG-DOTENV-IN-CWD')).toMatchObject({
      status: 'warn',
      location: { file: path.join(cwd, '.env') },
    });
  });
});

describe('engine sources in what users read', () => {
  it('--list-checks --json: every check cites crates/…:line and no summary notation', async () => {
    const r = await runCli(['check-production', '--list-checks', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { checks: Array<{ id: string; source: string; rule: string }> };
    expect(doc.checks.length).toBeGreaterThan(80);
    for (const c of doc.checks) expect(`${c.id} ${c.source}`).toMatch(/crates\/[\w-]+\/src\/[\w/.-]+\.rs:\d+/);
    expect(r.stdout).not.toMatch(/surface §|\bP_(cfg|env|exec)\b/);
  });
  it('explain names the engine source line', async () => {
    const r = await runCli(['explain', 'CLI-ARG-REFUSED']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('crates/krishiv-executor/src/cli.rs:1234-1339');
  });
  it('the engine’s shipped executor command line is accepted (deploy/k8s/direct/krishiv-distributed.yaml)', async () => {
    const cli =
      '/usr/local/bin/krishiv executor --connect --coordinator http://coordinator.krishiv-system.svc:2001 --heartbeat-interval-secs 10 --slots 2 --http-addr 0.0.0.0:2002 --task-grpc-addr 0.0.0.0:2005 --barrier-grpc-addr 0.0.0.0:2006 --durability-profile dev-local --shuffle-dir /tmp/krishiv-shuffle --shuffle-flight-addr 0.0.0.0:2004';
    const r = await runCli(['check-production', '--env-file', 'examples/production.env', '--role', 'executor', '--cli', cli, '--json']);
    expect(r.code).not.toBe(2);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ id: string; status: string }> };
    expect(doc.findings.find((f) => f.id === 'CLI-ARG-REFUSED')?.status).toBe('pass');
  });
});

describe('secrets carried into another value', () => {
  it('a token swallowed by a misplaced quote into a non-secret value is masked in every format (fuzz counterexample)', async () => {
    const dir = tempDir('kcp-swallow-');
    const token = 'Cnry7TokQ2wX9vB4nM6zL1kJ8hG3fD5sA0pO';
    const other = 'Cnry3PwdH8gF2dS6aP9oI4uY7tR1eW5qZ0x';
    writeFileSync(
      path.join(dir, 'a.env'),
      `KRISHIV_METADATA_BACKEND=\u0005'\\}\u001f"=$ \nKRISHIV_COORDINATOR_BEARER_TOKENS='${token}'\nB='open\nA=etcd\nC=\\\nKRISHIV_SHUFFLE_TOKEN="${token}\n${other}"\nKRISHIV_COORDINATOR_BEARER_TOKEN=${other}\n`,
    );
    for (const format of FORMATS) {
      const r = await runCli(['check-production', '--env-file', 'a.env', '--format', format], { cwd: dir });
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      expect(r.stdout + r.stderr, format).not.toContain(token.slice(0, 12));
      expect(r.stdout + r.stderr, format).not.toContain(other.slice(0, 12));
    }
  });
});
