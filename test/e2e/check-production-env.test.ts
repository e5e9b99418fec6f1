// The env reader through the built CLI: --print-env (text and JSON), precedence across files
// and --process-env, and refused/unreadable env files exiting 2 without leaking values.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, runCli } from '../helpers/run-cli.js';
import { engineFingerprint } from '../../src/util/fingerprint.js';
import { parseDotenv } from '../../src/production/env/dotenv.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'q7Zr4mXv9LpT2sWc8HnB5kYd3FgJ6aE1';
let dir: string;
let base: string;
let prod: string;

beforeAll(async () => {
  dir = tempDir('cp-env-e2e-');
  base = path.join(dir, 'base.env');
  prod = path.join(dir, 'prod.env');
  await writeFile(
    base,
    [
      '# base settings',
      'export KRISHIV_PRODUCTION=0',
      `KRISHIV_COORDINATOR_BEARER_TOKEN='${TOKEN}'`,
      'KRISHIV_DURABILITY_PROFILE=dev-local',
      'KRISHIV_PRODUCTION=1',
      'DATA_ROOT=/var/lib/krishiv',
      '',
    ].join('\n'),
  );
  await writeFile(
    prod,
    ['KRISHIV_DURABILITY_PROFILE="distributed-durable"', 'KRISHIV_STATE_DIR=${DATA_ROOT}/state', 'NOTE="two', 'lines"', ''].join('\n'),
  );
});

describe('check-production --print-env', () => {
  it('prints the merged environment, later file winning, secrets as fingerprints, re-readable', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--env-file', prod, '--print-env']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(TOKEN);
    const reread = parseDotenv(r.stdout, { file: 'stdout' }).map((d) => [d.name, d.value]);
    expect(reread).toEqual([
      ['KRISHIV_PRODUCTION', '0'],
      ['KRISHIV_COORDINATOR_BEARER_TOKEN', engineFingerprint(TOKEN)],
      ['KRISHIV_DURABILITY_PROFILE', 'distributed-durable'],
      // names the registry does not know are hidden too (they may hold a secret no suffix rule catches)
      ['DATA_ROOT', engineFingerprint('/var/lib/krishiv')],
      ['KRISHIV_STATE_DIR', '/var/lib/krishiv/state'],
      ['NOTE', engineFingerprint('two\nlines')],
    ]);
  });

  it('--json gives {vars: [{name, value, file, line}]} with the winning declaration', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--env-file', prod, '--print-env', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { vars: Array<{ name: string; value: string; file: string | null; line: number | null }> };
    expect(doc.vars.find((v) => v.name === 'KRISHIV_DURABILITY_PROFILE')).toMatchObject({
      value: 'distributed-durable',
      file: prod,
      line: 1,
    });
    expect(doc.vars.find((v) => v.name === 'KRISHIV_PRODUCTION')).toMatchObject({ value: '0', file: base, line: 2 });
    expect(doc.vars.find((v) => v.name === 'NOTE')).toMatchObject({ file: prod, line: 3 });
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('--format json gives the JSON form; a report format is a usage error', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--print-env', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; vars: Array<{ name: string; value: string }> };
    expect(doc.ok).toBe(true);
    expect(doc.vars.find((v) => v.name === 'KRISHIV_PRODUCTION')).toMatchObject({ value: '0' });
    const bad = await runCli(['check-production', '--env-file', base, '--print-env', '--format', 'sarif']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('krishiv-auth check-production: --format: --print-env prints text or json, not sarif (ERR_USAGE)\n');
  });

  it('--output writes the printed environment to the file (not to stdout)', async () => {
    const out = path.join(dir, 'printed.env');
    const r = await runCli(['check-production', '--env-file', base, '--env-file', prod, '--print-env', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`6 variables written to ${out}\n`);
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(parseDotenv(text, { file: out }).map((d) => d.name)).toEqual([
      'KRISHIV_PRODUCTION',
      'KRISHIV_COORDINATOR_BEARER_TOKEN',
      'KRISHIV_DURABILITY_PROFILE',
      'DATA_ROOT',
      'KRISHIV_STATE_DIR',
      'NOTE',
    ]);
    const outJson = path.join(dir, 'printed.json');
    const j = await runCli(['check-production', '--env-file', base, '--print-env', '--format', 'json', '--output', outJson]);
    expect(j.code).toBe(0);
    expect(j.stdout).toBe('');
    expect(JSON.parse(await readFile(outJson, 'utf8'))).toMatchObject({ ok: true, tool: { name: 'krishiv-auth' } });
  });

  it('--process-env wins over the files and feeds $VAR', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--env-file', prod, '--process-env', '--print-env', '--json'], {
      env: { KRISHIV_PRODUCTION: 'true', DATA_ROOT: '/srv' },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { vars: Array<{ name: string; value: string; file: string | null; line: number | null }> };
    expect(doc.vars.find((v) => v.name === 'KRISHIV_PRODUCTION')).toMatchObject({ value: 'true', file: null, line: null });
    expect(doc.vars.find((v) => v.name === 'KRISHIV_STATE_DIR')).toMatchObject({ value: '/srv/state' });
  });
});

describe('check-production: env files that cannot be read', () => {
  it('a file dotenvy refuses exits 2 naming file:line, without the value', async () => {
    const bad = path.join(dir, 'bad.env');
    await writeFile(bad, `A=1\nKRISHIV_UI_TOKEN=${TOKEN} trailing words\n`);
    const r = await runCli(['check-production', '--env-file', bad, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2`);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stdout).not.toContain(TOKEN);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; input: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'ERR_ENV_PARSE', input: `${bad}:2` } });
  });

  // Node itself scans every argument for `--env-file` (nodejs/node#54232): a missing or
  // unreadable target makes node exit 9 ("node: <file>: not found") before our code runs,
  // unless node is started with `--` before the script (the fix for the bin shebang).
  it('a missing file exits 2 with ERR_ENV_READ (node started with --)', () => {
    const missing = path.join(dir, 'missing.env');
    const r = spawnSync(process.execPath, ['--', BIN, 'check-production', '--env-file', missing, '--json'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' },
    });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_ENV_READ', input: missing } });
    expect(r.stderr).toContain(missing);
  });

  it('malformed --cli exits 2 with ERR_CLI_FLAGS_PARSE', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--cli', "--state-dir '/x", '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_CLI_FLAGS_PARSE' } });
  });

  it('a near miss of a known flag is refused as the engine refuses it (exit 1), saying which flag was meant', async () => {
    const r = await runCli([
      'check-production',
      '--env-file',
      base,
      '--role',
      'executor',
      '--cli',
      '--durabilty-profile distributed-durable',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean --durability-profile?');
    const doc = JSON.parse(r.stdout) as { findings: Array<{ id: string; status: string; message: string }> };
    expect(doc.findings.find((f) => f.id === 'CLI-ARG-REFUSED' && f.status === 'fail')?.message).toContain(
      '"unknown option: --durabilty-profile"',
    );
  });

  it('the Flight SQL server and the shuffle service read no flags but --help (crates/krishiv/src/daemon_cmd.rs:307-331): stderr says which', async () => {
    const help = await runCli(['check-production', '--env-file', base, '--role', 'flight-server', '--cli', 'krishiv flight-server --help']);
    expect(help.stderr).toContain('`krishiv flight-server` prints its help and exits 0 without starting');
    const other = await runCli(['check-production', '--env-file', base, '--role', 'shuffle-svc', '--cli', '--port 7072']);
    expect(other.stderr).toContain('the shuffle-svc process reads no command-line flags; --port ignored');
  });

  it('a flag the engine refuses (missing value) is a failing CLI-ARG-REFUSED finding, exit 1', async () => {
    const r = await runCli(['check-production', '--env-file', base, '--cli', '--durability-profile', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ id: string; status: string; message: string }> };
    expect(doc.findings.find((f) => f.id === 'CLI-ARG-REFUSED' && f.status === 'fail')?.message).toContain(
      '"missing value for --durability-profile"',
    );
  });
});
