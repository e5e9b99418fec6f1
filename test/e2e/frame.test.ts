import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('the CLI frame (built bin/)', () => {
  it('--version prints the package version and the engine commit', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`krishiv-auth ${pkg.version} (engine e8be785f)\n`);
    expect(r.stderr).toBe('');
  });

  it('--help lists every command of the contract and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['generate-key', 'keys', 'decode', 'verify', 'sign', 'probe', 'rotate', 'check-production', 'explain', 'fingerprint']) {
      expect(r.stdout).toContain(`  ${c} `);
    }
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*70/);
  });

  it('the fast-path root help (inlined at build time) is exactly what commander renders', async () => {
    const fast = await runCli(['--help']);
    const slow = await runCli(['--no-color', '--help']);
    expect(slow.code).toBe(0);
    expect(fast.stdout).toBe(slow.stdout);
  });

  it('every command has its own help with an example', async () => {
    for (const c of ['generate-key', 'keys', 'decode', 'verify', 'sign', 'probe', 'rotate', 'check-production', 'explain', 'fingerprint']) {
      const r = await runCli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Usage: krishiv-auth ${c}`);
      expect(r.stdout, c).toMatch(/Examples?:\n\s+\$ krishiv-auth /);
    }
  });

  it('an unknown command exits 2 with one stderr line', async () => {
    const r = await runCli(['nosuch']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^krishiv-auth: nosuch: unknown command/);
    expect(r.stderr).toContain('ERR_UNKNOWN_COMMAND');
  });

  it('an unknown command with --json prints one JSON error document', async () => {
    const r = await runCli(['nosuch', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; input: string } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('ERR_UNKNOWN_COMMAND');
    expect(doc.error.input).toBe('nosuch');
  });

  it('an unknown option exits 2 with one stderr line, and a JSON document with --json', async () => {
    const r = await runCli(['verify', '--nosuchflag']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("krishiv-auth verify: unknown option '--nosuchflag'");

    const j = await runCli(['verify', '--nosuchflag', '--json']);
    expect(j.code).toBe(2);
    const doc = JSON.parse(j.stdout) as { ok: boolean; error: { code: string }; tool: { engine: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'ERR_USAGE' }, tool: { engine: 'e8be785f' } });
  });

  it('a bare invocation shows help on stderr and exits 2 (usage)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: krishiv-auth');
  });

  it('a missing command or subcommand with --json prints one JSON error document (exit 2)', async () => {
    for (const [args, message, prefix] of [
      [['--json'], 'missing command (see the usage above)', 'krishiv-auth:'],
      [['--json', 'keys'], 'missing subcommand (see the usage above)', 'krishiv-auth keys:'],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string }; tool: { engine: string } };
      expect(doc).toMatchObject({ ok: false, error: { code: 'ERR_USAGE', message }, tool: { engine: 'e8be785f' } });
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1)).toBe(`${prefix} ${message} (ERR_USAGE)`);
    }
  });

  it("a usage error inside a group's subcommand names the subcommand", async () => {
    const missing = await runCli(['keys', 'revoke']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("krishiv-auth keys revoke: missing required argument 'id|name' (ERR_USAGE)");
    const unknown = await runCli(['keys', 'list', '--bogus']);
    expect(unknown.stderr.trim()).toBe("krishiv-auth keys list: unknown option '--bogus' (ERR_USAGE)");
  });
  it('`help <unknown>` is an unknown command (exit 2)', async () => {
    const r = await runCli(['help', 'nosuch', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'ERR_UNKNOWN_COMMAND', message: 'unknown command', input: 'nosuch' },
    });
    expect(r.stderr.trim().split('\n').at(-1)).toBe('krishiv-auth: nosuch: unknown command (ERR_UNKNOWN_COMMAND)');
  });

  it('help with --json is one JSON document {ok, help} (stdout carries only JSON with --json)', async () => {
    for (const args of [
      ['--json', '--help'],
      ['verify', '--help', '--json'],
      ['help', 'rotate', '--json'],
      ['keys', 'list', '--help', '--json'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      const doc = JSON.parse(r.stdout) as { ok: boolean; help: string; tool: { name: string } };
      expect([doc.ok, doc.tool.name]).toEqual([true, 'krishiv-auth']);
      expect(doc.help).toMatch(/^Usage: krishiv-auth/);
    }
    const plain = await runCli(['verify', '--help']);
    expect(plain.stdout).toMatch(/^Usage: krishiv-auth verify/);
  });
  it('`help <command>` prints that help on stdout and exits 0', async () => {
    for (const args of [
      ['help', 'check-production'],
      ['help', 'keys'],
      ['keys', 'help'],
      ['--no-color', 'help'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: krishiv-auth/);
      expect(r.stderr, args.join(' ')).toBe('');
    }
  });

  it('--version with --json prints one JSON document with the version and the engine commit', async () => {
    for (const args of [
      ['--json', '--version'],
      ['--version', '--json'],
      ['--json', '-V'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        ok: true,
        version: pkg.version,
        engine: 'e8be785f',
        tool: { name: 'krishiv-auth', version: pkg.version, engine: 'e8be785f' },
      });
    }
  });

  it('the shebang is a plain `#!/usr/bin/env node` (BusyBox env has no -S) and runs as the kernel would start it', async () => {
    const { spawnSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const first = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
    // The kernel hands everything after the interpreter to it as ONE argument; BusyBox env
    // then needs that argument to be a program name, not an option.
    const [interpreter, ...rest] = first.slice(2).split(' ');
    expect(interpreter).toBe('/usr/bin/env');
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/^[a-z]+$/);
    const r = spawnSync(interpreter!, [rest[0]!, BIN, 'fingerprint', '-'], {
      encoding: 'utf8',
      input: 'abc\n',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^bearer:[0-9a-f]{16}/);
  });

  it('a leading `--` keeps node from claiming a missing --env-file (nodejs/node#54232) and is dropped', async () => {
    const { spawnSync } = await import('node:child_process');
    const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' };
    const withDash = spawnSync(BIN, ['--', 'check-production', '--env-file', '/nonexistent/x.env'], { encoding: 'utf8', env });
    expect(withDash.stderr).not.toMatch(/^node:/m);
    expect(withDash.status).toBe(2);
    expect(withDash.stderr).toContain('/nonexistent/x.env: cannot read');
    expect(withDash.stderr).toContain('(ERR_ENV_READ)');
    // without it node itself stops (exit 9) before the tool runs: the README's caveat
    const without = spawnSync(BIN, ['check-production', '--env-file', '/nonexistent/x.env'], { encoding: 'utf8', env });
    expect(without.status).toBe(9);
  });

  it('--debug stacks name the TypeScript sources (source maps), not the minified bundles', async () => {
    const r = await runCli(['check-production', '--env-file', '/nonexistent/x.env', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/src\/io\/fs\.ts:\d+:\d+/);
    expect(r.stderr).not.toMatch(/dist\/[a-z-]+\.cjs:\d+/);
  });

  it('without a build (no dist/), one clear line says what to run; exit 70, no stack trace', async () => {
    const { copyFileSync, mkdirSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const dir = tempDir('kbin-');
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(BIN, path.join(dir, 'bin', 'krishiv-auth.js'));
    for (const args of [['--version'], ['check-production', '--env-file', 'x.env']]) {
      const r = spawnSync(process.execPath, ['--', path.join(dir, 'bin', 'krishiv-auth.js'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '' },
      });
      expect(r.status, args.join(' ')).toBe(70);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^krishiv-auth: internal error: .*dist is missing or incomplete: run `npm ci` \(or `npm run build`\) \(ERR_INTERNAL\)\n$/,
      );
    }
  });

  it('the trained V8 code cache changes nothing but speed', async () => {
    const args = ['check-production', '--env-file', 'examples/dev.env', '--json'];
    const cached = await runCli(args);
    const plain = await runCli(args, { env: { KRISHIV_AUTH_NO_CODE_CACHE: '1' } });
    expect(cached.code).toBe(1);
    expect(plain.code).toBe(cached.code);
    expect(plain.stdout).toBe(cached.stdout);
    expect(plain.stderr).toBe(cached.stderr);
  });

  it('fingerprint prints the engine fingerprint of a token from stdin', async () => {
    const r = await runCli(['fingerprint', '-'], { input: 'coord-secret\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('bearer:0a984251ab8665e8\n');
    expect(r.stderr).toBe('');
  });

  it('never writes ANSI escapes with NO_COLOR or when piped, even for errors', async () => {
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: undefined }]) {
      for (const args of [['--help'], ['nosuch'], ['fingerprint', 'abc'], ['verify', '--bad']]) {
        const r = await runCli(args, { env });
        expect(r.stdout + r.stderr, args.join(' ')).not.toBe('');
        expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(ANSI);
      }
    }
  });

  it('escape sequences in user input reach stderr as visible text, not as ANSI', async () => {
    const name = '\u001b[31mred\u001b[0m.env';
    const r = await runCli(['check-production', '--env-file', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toBe(
      'krishiv-auth check-production: \\x1b[31mred\\x1b[0m.env: cannot read: no such file or directory (ERR_ENV_READ)\n',
    );
    const w = await runCli(['check-production', '--env-file', 'examples/production.env', '--cli', '--x\u001b[2J']);
    expect(w.stderr).not.toContain('\u001b');
    // (a word out of place that is not name-shaped is not quoted at all: it may be a secret)
    expect(w.stderr).toContain('warning: --cli: <value not shown> is not a flag');
    const dir = tempDir('frame-ansi-');
    const i = await runCli([
      'check-production',
      '--env-file',
      'examples/production.env',
      '--format',
      'sarif',
      '--output',
      path.join(dir, 'r\u001b[2J.sarif'),
    ]);
    expect(i.stderr).not.toContain('\u001b');
    expect(i.stderr).toContain('r\\x1b[2J.sarif');
  });

  it('FORCE_COLOR colours the error line on a pipe, and NO_COLOR still wins', async () => {
    const forced = await runCli(['nosuch'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(ANSI);
    const both = await runCli(['nosuch'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stderr).not.toMatch(ANSI);
    const flag = await runCli(['nosuch', '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(flag.stderr).not.toMatch(ANSI);
  });
});
