/**
 * Config discovery and the global options' environment variables, as a CI job meets them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXAMPLE = path.join(ROOT, 'examples', 'production.env');

describe('config discovery', () => {
  it('finds the config in a parent directory up to the repository root; --debug names the file', async () => {
    const dir = tempDir('kcfg-');
    const deep = path.join(dir, 'deploy', 'prod');
    mkdirSync(deep, { recursive: true });
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.krishiv-authrc.yaml'), 'checkProduction:\n  role: coordinator\n');
    const r = await runCli(['check-production', '--env-file', EXAMPLE, '--debug', '--json'], { cwd: deep });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`debug: config: ${path.join(dir, '.krishiv-authrc.yaml')}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ role: 'coordinator' });
  });

  it('uses the user-level config under HOME when the project has none, and says when none is found', async () => {
    const dir = tempDir('kcfg-');
    mkdirSync(path.join(dir, 'proj', '.git'), { recursive: true });
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.config', 'krishiv-auth'), { recursive: true });
    const cwd = path.join(dir, 'proj');
    const none = await runCli(['check-production', '--env-file', EXAMPLE, '--debug', '--json'], { cwd, env: { HOME: home } });
    expect(none.stderr).toContain('debug: config: none');
    writeFileSync(path.join(home, '.config', 'krishiv-auth', 'config.json'), '{"checkProduction": {"role": "executor"}}');
    const r = await runCli(['check-production', '--env-file', EXAMPLE, '--debug', '--json'], { cwd, env: { HOME: home } });
    expect(r.stderr).toContain(`debug: config: ${path.join(home, '.config', 'krishiv-auth', 'config.json')}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ role: 'executor' });
  });
});

describe('environment variables for global options', () => {
  it('KRISHIV_AUTH_CONFIG names the config; --config wins over it', async () => {
    const dir = tempDir('kcfg-');
    writeFileSync(path.join(dir, 'a.yaml'), 'checkProduction: { role: executor }\n');
    writeFileSync(path.join(dir, 'b.yaml'), 'checkProduction: { role: coordinator }\n');
    const env = { KRISHIV_AUTH_CONFIG: path.join(dir, 'a.yaml') };
    const a = await runCli(['check-production', '--env-file', EXAMPLE, '--json'], { env });
    expect(JSON.parse(a.stdout)).toMatchObject({ role: 'executor' });
    const b = await runCli(['check-production', '--env-file', EXAMPLE, '--json', '--config', path.join(dir, 'b.yaml')], { env });
    expect(JSON.parse(b.stdout)).toMatchObject({ role: 'coordinator' });
  });

  it('KRISHIV_AUTH_JSON=1 is --json; KRISHIV_AUTH_QUIET=1 is --quiet; a bad value is a usage error naming the variable', async () => {
    const j = await runCli(['fingerprint', 'abc'], { env: { KRISHIV_AUTH_JSON: '1' } });
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true });
    const bad = await runCli(['fingerprint', 'abc'], { env: { KRISHIV_AUTH_JSON: 'sure' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'krishiv-auth fingerprint: KRISHIV_AUTH_JSON: expected 1 or 0 (true/false, yes/no, on/off), got "sure" (ERR_USAGE)\n',
    );
    const loud = await runCli(['generate-key', '--type', 'bearer']);
    expect(loud.stderr).toContain('fingerprint bearer:');
    const q = await runCli(['generate-key', '--type', 'bearer'], { env: { KRISHIV_AUTH_QUIET: 'true' } });
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('KRISHIV_AUTH_FORMAT picks the report format; -f and -o are short for --format and --output', async () => {
    const dir = tempDir('kcfg-');
    const r = await runCli(['check-production', '--env-file', EXAMPLE], { env: { KRISHIV_AUTH_FORMAT: 'sarif' } });
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '2.1.0' });
    const out = path.join(dir, 'r.xml');
    const s = await runCli(['check-production', '--env-file', EXAMPLE, '-f', 'junit', '-o', out]);
    expect(s.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml/);
  });

  it('--help lists the variables', async () => {
    const r = await runCli(['--help']);
    for (const name of [
      'KRISHIV_AUTH_CONFIG',
      'KRISHIV_AUTH_JSON',
      'KRISHIV_AUTH_QUIET',
      'KRISHIV_AUTH_DEBUG',
      'KRISHIV_AUTH_FORMAT',
      'CLICOLOR',
    ]) {
      expect(r.stdout).toContain(name);
    }
  });
});
