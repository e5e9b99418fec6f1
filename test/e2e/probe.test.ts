import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, runCli, type RunResult } from '../helpers/run-cli.js';
import {
  DOUBLE_TOKEN,
  DOUBLE_UI_TOKEN,
  MISCONFIGURATIONS,
  closedPort,
  startCoordinatorDouble,
  type CoordinatorDouble,
  type CoordinatorDoubleOptions,
} from '../helpers/coordinator-double.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown> | null;
}
interface Doc {
  ok: boolean;
  targets: { url: string; ok: boolean; checks: Check[] }[];
  tool: { name: string };
  error?: { code: string; message: string; input?: string };
}

const dir = tempDir('krishiv-probe-e2e-');
const tokenFile = path.join(dir, 'coord.token');
const uiTokenFile = path.join(dir, 'ui.token');
writeFileSync(tokenFile, `${DOUBLE_TOKEN}\n`, { mode: 0o600 });
writeFileSync(uiTokenFile, `  ${DOUBLE_UI_TOKEN}  \n`, { mode: 0o600 });
const creds = ['--token-file', tokenFile, '--ui-token-file', uiTokenFile];

/** Every output of every run, to check that no credential ever appeared. */
const outputs: RunResult[] = [];
async function probe(args: string[], env?: Record<string, string>): Promise<RunResult> {
  const r = await runCli(['probe', ...args], env ? { env } : {});
  outputs.push(r);
  return r;
}
const doubles: CoordinatorDouble[] = [];
async function double(o: CoordinatorDoubleOptions = {}): Promise<CoordinatorDouble> {
  const d = await startCoordinatorDouble(o);
  doubles.push(d);
  return d;
}
const statuses = (doc: Doc, i = 0): Record<string, string> => Object.fromEntries(doc.targets[i]!.checks.map((c) => [c.id, c.status]));

let good: CoordinatorDouble;
beforeAll(async () => {
  good = await double();
});
afterAll(async () => {
  await Promise.all(doubles.map((d) => d.close()));
});

describe('probe (built bin) against the coordinator double', () => {
  it('passes every check of a correct coordinator: exit 0, one JSON document', async () => {
    const r = await probe([good.url, '--grpc', good.grpcTarget!, ...creds, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.ok).toBe(true);
    expect(doc.tool.name).toBe('krishiv-auth');
    expect(doc.targets).toHaveLength(1);
    expect(doc.targets[0]!.url).toBe(good.url);
    expect(statuses(doc)).toEqual({
      health: 'pass',
      readiness: 'pass',
      tls: 'skip',
      api_requires_auth: 'pass',
      api_rejects_invalid: 'pass',
      api_accepts_token: 'pass',
      ui_requires_token: 'pass',
      ui_accepts_token: 'pass',
      grpc_requires_auth: 'pass',
      flight_requires_auth: 'skip',
      flight_accepts_key: 'skip',
      shuffle_requires_auth: 'skip',
      shuffle_accepts_token: 'skip',
      executor_requires_auth: 'skip',
      executor_accepts_token: 'skip',
      jwks: 'skip',
      oidc_discovery: 'skip',
    });
    const accepts = doc.targets[0]!.checks.find((c) => c.id === 'api_accepts_token')!;
    expect(accepts.evidence).toMatchObject({ method: 'GET', path: '/api/v1/jobs', status: 200 });
    expect(accepts.evidence!['authorization']).toMatch(/^Bearer bearer:[0-9a-f]{16}$/);
  });

  it('prints a table per target for people, without colour when NO_COLOR is set', async () => {
    const r = await probe([good.url, ...creds]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${good.url}  ok\\n`));
    expect(r.stdout).toMatch(/\n {2}health +pass +GET \/healthz 200 \d+ms +GET \/healthz answered 200 ok\n/);
    expect(r.stdout).toMatch(/\n {2}ui_requires_token +pass +GET \/ui 401 \d+ms, POST \/api\/v1\/sql 401/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('colours statuses when FORCE_COLOR is set', async () => {
    const r = await probe([good.url, ...creds], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(r.stdout).toMatch(ANSI);
  });

  it.each(Object.entries(MISCONFIGURATIONS))('%s: exit 1, fails exactly the check that names it', async (_name, m) => {
    const d = await double(m.options);
    const r = await probe([d.url, '--grpc', d.grpcTarget!, ...creds, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.ok).toBe(false);
    const failed = doc.targets[0]!.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(m.failing);
    expect(failed[0]!.evidence).toMatchObject({ method: expect.any(String), path: expect.any(String) });
    expect(failed[0]!.evidence!['latencyMs']).toEqual(expect.any(Number));
  });

  it('reads both tokens from --env-file', async () => {
    const env = path.join(dir, 'coord.env');
    writeFileSync(env, `# coordinator\nexport KRISHIV_COORDINATOR_BEARER_TOKEN="${DOUBLE_TOKEN}"\nKRISHIV_UI_TOKEN=${DOUBLE_UI_TOKEN}\n`);
    const r = await probe([good.url, '--env-file', env, '--json']);
    expect(r.code).toBe(0);
    const s = statuses(JSON.parse(r.stdout) as Doc);
    expect(s['api_accepts_token']).toBe('pass');
    expect(s['ui_accepts_token']).toBe('pass');
  });

  it('an empty KRISHIV_OIDC_JWKS_URI in the env file fails jwks: the engine counts it as set and runs without JWT', async () => {
    const env = path.join(dir, 'blank-jwks.env');
    writeFileSync(env, `KRISHIV_COORDINATOR_BEARER_TOKEN=${DOUBLE_TOKEN}\nKRISHIV_OIDC_JWKS_URI=\n`);
    const r = await probe([good.url, '--env-file', env, '--json']);
    expect(r.code).toBe(1);
    const jwks = (JSON.parse(r.stdout) as Doc).targets[0]!.checks.find((c) => c.id === 'jwks')!;
    expect(jwks).toEqual({
      id: 'jwks',
      status: 'fail',
      message: `${env}: KRISHIV_OIDC_JWKS_URI is set but empty: the coordinator counts it as set, tries to fetch it at start, fails ("failed to load OIDC JWKS") and runs without JWT auth (crates/krishiv-scheduler/src/auth.rs:812); set the JWKS URL or remove the variable`,
      evidence: null,
    });
  });

  it('checks the JWKS named by KRISHIV_OIDC_JWKS_URI in the env file: a mixed-family set fails', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { createServer } = await import('node:http');
    const keys = [
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
    ];
    const idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    try {
      const jwksUri = `http://127.0.0.1:${(idp.address() as import('node:net').AddressInfo).port}/jwks.json`;
      const env = path.join(dir, 'oidc.env');
      writeFileSync(env, `KRISHIV_COORDINATOR_BEARER_TOKEN=${DOUBLE_TOKEN}\nKRISHIV_OIDC_JWKS_URI=${jwksUri}\n`);
      const r = await probe([good.url, '--env-file', env, '--json']);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout) as Doc;
      const jwks = doc.targets[0]!.checks.find((c) => c.id === 'jwks')!;
      expect(jwks.status).toBe('fail');
      expect(jwks.message).toMatch(/mixed key families \(EC, RSA\)/);
      expect(jwks.evidence).toMatchObject({ method: 'GET', path: jwksUri, status: 200 });
      expect(doc.targets[0]!.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['jwks']);
    } finally {
      await new Promise<void>((r) => idp.close(() => r()));
    }
  });

  it('uses the first token of a tokens file', async () => {
    const file = path.join(dir, 'coord.tokens');
    writeFileSync(file, `${DOUBLE_TOKEN}\nold-token-value-1234\n`);
    const r = await probe([good.url, '--token-file', file, '--json']);
    expect(r.code).toBe(0);
    expect(statuses(JSON.parse(r.stdout) as Doc)['api_accepts_token']).toBe('pass');
  });

  it('--token works but warns that argv is visible', async () => {
    const r = await probe([good.url, '--token', DOUBLE_TOKEN, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: --token puts a secret on the command line/);
    expect(statuses(JSON.parse(r.stdout) as Doc)['api_accepts_token']).toBe('pass');
  });

  it.each([
    ['a control character', 'coord\u0001token'],
    ['a non-ASCII character', 'coörd-token'],
  ])('a token file holding %s exits 2 before any request: no client can send it', async (_name, token) => {
    const file = path.join(dir, 'unsendable.token');
    writeFileSync(file, `${token}\n`);
    const before = good.requests.length;
    const r = await probe([good.url, '--token-file', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^krishiv-auth probe: .*unsendable\.token: the token bearer:[0-9a-f]{16} holds characters outside visible ASCII: no client can send it in an Authorization header \(the engine's own clients refuse to, e\.g\. crates\/krishiv-scheduler\/src\/coordinator\/task_assignment\.rs:63-68\) \(ERR_TOKEN_MALFORMED\)\n$/,
    );
    expect(good.requests.length).toBe(before);
  });

  it('a rejected token fails api_accepts_token and explains that HTTP needs a restart', async () => {
    const d = await double({ tokens: ['another-token-entirely'] });
    const r = await probe([d.url, ...creds]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/api_accepts_token +fail .*rejected \(401 "invalid bearer token"\).*only after a restart/);
  });

  it('probes a --targets file, each target on its own, and fails the run when one fails', async () => {
    const bad = await double(MISCONFIGURATIONS['open_ui']!.options);
    const list = path.join(dir, 'fleet.txt');
    writeFileSync(list, `# fleet\n${good.url} grpc=${good.grpcTarget}\n\n${bad.url}   # the open one\n`);
    const r = await probe(['--targets', list, ...creds, '--json', '--concurrency', '2']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.targets.map((t) => [t.url, t.ok])).toEqual([
      [good.url, true],
      [bad.url, false],
    ]);
    expect(statuses(doc, 0)['grpc_requires_auth']).toBe('pass');
    expect(statuses(doc, 1)['grpc_requires_auth']).toBe('skip');
  });

  it('a target that never answers is a timeout after --timeout; a closed port is unreachable', async () => {
    const hang = await double({ hang: true });
    const port = await closedPort();
    const r = await probe([hang.url, `http://127.0.0.1:${port}`, '--timeout', '300ms', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    const [h, u] = doc.targets.map((t) => t.checks.find((c) => c.id === 'health')!);
    expect(h!.message).toBe('GET /healthz: no answer, timed out after 300 ms');
    expect(h!.evidence).toMatchObject({ outcome: 'timeout', status: null });
    expect(u!.message).toBe('GET /healthz: unreachable: connection refused');
    expect(u!.evidence).toMatchObject({ outcome: 'unreachable', status: null });
  });

  it('https: an untrusted certificate is a TLS failure; --ca makes it pass', async () => {
    // fileURLToPath, not URL.pathname: a checkout path with a space or non-ASCII letter is percent-encoded there (issue 19)
    const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'probe', 'fixtures');
    const cert = path.join(fixtures, 'localhost-cert.pem');
    const d = await double({
      tls: { key: readFileSync(path.join(fixtures, 'localhost-key.pem'), 'utf8'), cert: readFileSync(cert, 'utf8') },
    });
    const r1 = await probe([d.url, ...creds, '--json']);
    expect(r1.code).toBe(1);
    const doc1 = JSON.parse(r1.stdout) as Doc;
    const tls1 = doc1.targets[0]!.checks.find((c) => c.id === 'tls')!;
    expect(tls1.status).toBe('fail');
    expect(tls1.message).toMatch(/not trusted/);
    expect(doc1.targets[0]!.checks.find((c) => c.id === 'health')!.evidence).toMatchObject({ outcome: 'tls' });
    const r2 = await probe([d.url, ...creds, '--ca', cert, '--json']);
    expect(r2.code).toBe(0);
    const doc2 = JSON.parse(r2.stdout) as Doc;
    expect(statuses(doc2)['tls']).toBe('pass');
    // the evidence of the connection whose certificate was judged: GET /healthz, answered 200
    expect(doc2.targets[0]!.checks.find((c) => c.id === 'tls')!.evidence).toMatchObject({
      method: 'GET',
      path: '/healthz',
      status: 200,
      latencyMs: expect.any(Number),
      outcome: 'answered',
    });
  });

  it.each([
    [['--token-file', '/nonexistent/coord.token'], 'ERR_FILE_NOT_FOUND', '/nonexistent/coord.token'],
    [['--concurrency', '0'], 'ERR_USAGE', '--concurrency'],
    [['--retries', 'x'], 'ERR_USAGE', '--retries'],
    [['--timeout', 'soon'], 'ERR_INVALID_DURATION', '--timeout'],
    [['ftp://h.example/'], 'ERR_URL_INVALID', 'ftp://h.example/'],
    [['--grpc', 'nonsense'], 'ERR_URL_INVALID', '--grpc'],
    [['--targets', '/nonexistent/fleet.txt'], 'ERR_FILE_NOT_FOUND', '/nonexistent/fleet.txt'],
  ])('usage and unreadable input exit 2: %j', async (args, code, input) => {
    const r = await probe([...(args[0]!.startsWith('-') ? [good.url] : []), ...args, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc).toMatchObject({ ok: false, error: { code, input } });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^krishiv-auth probe: /);
  });

  it('an empty token file exits 2', async () => {
    const empty = path.join(dir, 'empty.token');
    writeFileSync(empty, '\n  \n');
    const r = await probe([good.url, '--token-file', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`krishiv-auth probe: ${empty}: the token file is empty (ERR_TOKEN_MISSING)\n`);
  });

  it('takes timeout from the config file; the flag wins over it', async () => {
    const hang = await double({ hang: true });
    const cfg = path.join(dir, 'krishiv-auth.config.json');
    writeFileSync(cfg, JSON.stringify({ probe: { timeout: '250ms', concurrency: 2 } }));
    const r = await probe([hang.url, '--config', cfg, '--json']);
    expect(r.code).toBe(1);
    const health = (JSON.parse(r.stdout) as Doc).targets[0]!.checks.find((c) => c.id === 'health')!;
    expect(health.message).toBe('GET /healthz: no answer, timed out after 250 ms');
    const r2 = await probe([hang.url, '--config', cfg, '--timeout', '400ms', '--json']);
    expect((JSON.parse(r2.stdout) as Doc).targets[0]!.checks[0]!.message).toBe('GET /healthz: no answer, timed out after 400 ms');
  });

  it('--debug on an error shows no credential either', async () => {
    const r = await probe([good.url, '--token', DOUBLE_TOKEN, '--ui-token-file', '/nonexistent/ui', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERR_FILE_NOT_FOUND/);
  });

  it('the default target is the engine default http://127.0.0.1:2002', async () => {
    const r = await probe(['--json', '--timeout', '500ms']);
    expect([0, 1]).toContain(r.code);
    expect((JSON.parse(r.stdout) as Doc).targets[0]!.url).toBe('http://127.0.0.1:2002');
  });

  it('no run printed a credential: neither token appears in any stdout or stderr above', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const r of outputs) {
      for (const secret of [DOUBLE_TOKEN, DOUBLE_UI_TOKEN]) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    }
  });
});

describe('probe --oidc-issuer against a real OpenID Provider (oidc-provider)', () => {
  it.each([
    ['ec', 'pass', /^1 usable key\(s\) of 1 \(EC: ES256\)$/],
    ['mixed', 'fail', /mixed key families/],
  ] as const)('keys %s: discovery passes, jwks %s', async (keys, status, message) => {
    const { startOidcProvider } = await import('../helpers/oidc-provider.js');
    const idp = await startOidcProvider({ keys });
    const d = await startCoordinatorDouble();
    try {
      const r = await runCli(['probe', d.url, '--oidc-issuer', idp.issuer, '--json']);
      const doc = JSON.parse(r.stdout) as Doc;
      const c = Object.fromEntries(doc.targets[0]!.checks.map((x) => [x.id, x]));
      expect(c['oidc_discovery']!.status).toBe('pass');
      expect(c['jwks']!.status).toBe(status);
      expect(c['jwks']!.message).toMatch(message);
      expect(r.code).toBe(status === 'pass' ? 0 : 1);
    } finally {
      await Promise.all([idp.close(), d.close()]);
    }
  });

  it('an issuer mismatch fails oidc_discovery', async () => {
    const { startOidcProvider } = await import('../helpers/oidc-provider.js');
    const idp = await startOidcProvider({ keys: 'ec', issuerHost: 'localhost' });
    const d = await startCoordinatorDouble();
    try {
      const r = await runCli(['probe', d.url, '--oidc-issuer', idp.url, '--json']);
      expect(r.code).toBe(1);
      const c = (JSON.parse(r.stdout) as Doc).targets[0]!.checks.find((x) => x.id === 'oidc_discovery')!;
      expect(c.status).toBe('fail');
      expect(c.message).toMatch(/issuer mismatch/);
    } finally {
      await Promise.all([idp.close(), d.close()]);
    }
  });
});
