/**
 * A newcomer's first mistakes: typos in command names and flags, a file name where a token
 * goes, colour conventions of other tools.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ANSI, BIN, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('did you mean', () => {
  it('a command prefix names the command; -v names --version or --debug', async () => {
    const prefix = await runCli(['check-prod', '--env-file', 'x.env']);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toBe('krishiv-auth: check-prod: unknown command (did you mean check-production?) (ERR_UNKNOWN_COMMAND)\n');
    const help = await runCli(['help', 'check-prod']);
    expect(help.stderr).toContain('check-prod: unknown command (did you mean check-production?)');
    const v = await runCli(['-v']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("unknown option '-v' (did you mean -V, --version?)");
    const inCommand = await runCli(['explain', 'COORD-HTTP-TOKENS-MISSING', '-v']);
    expect(inCommand.stderr).toContain("unknown option '-v' (did you mean --debug? -V prints the version)");
  });
});

describe('a token argument that is a file name', () => {
  it('verify token.jwt says to read the file with `- < token.jwt`; a dotless argument is not echoed', async () => {
    const dir = tempDir('knew-');
    writeFileSync(path.join(dir, 'token.jwt'), 'eyJhbGciOiJIUzI1NiJ9.e30.sig\n');
    writeFileSync(path.join(dir, 'jwks.json'), '{"keys":[]}');
    const r = await runCli(['verify', 'token.jwt', '--jwks', 'jwks.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"token.jwt" is a file: read it with `- < token.jwt`');
    const secretish = 'sekr3tValueWithoutDots';
    const d = await runCli(['decode', secretish]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('use `- < file`');
    expect(d.stderr).not.toContain(secretish);
  });
});

describe('colour conventions', () => {
  it('CLICOLOR_FORCE=1 colours piped output; NO_COLOR still wins', async () => {
    const forced = await runCli(['explain', 'COORD-HTTP-TOKENS-MISSING'], { env: { NO_COLOR: undefined, CLICOLOR_FORCE: '1' } });
    expect(forced.stdout).toMatch(ANSI);
    const off = await runCli(['explain', 'COORD-HTTP-TOKENS-MISSING'], { env: { NO_COLOR: '1', CLICOLOR_FORCE: '1' } });
    expect(off.stdout).not.toMatch(ANSI);
  });
});

describe('smaller things from the audit', () => {
  it('help shows no "(default: [])", the --bytes range, what --expires takes, and rotate\'s step as required', async () => {
    const cp = await runCli(['check-production', '--help']);
    expect(cp.stdout).not.toContain('(default: [])');
    const sign = await runCli(['sign', '--help']);
    expect(sign.stdout).not.toContain('(default: [])');
    const gk = await runCli(['generate-key', '--help']);
    expect(gk.stdout).toMatch(/--bytes <n>\s+bearer: random bytes, 16 to 1024/);
    expect(gk.stdout).toMatch(/Unix\s+seconds:\s+a\s+bare\s+number\s+is\s+a\s+time/);
    const rotate = await runCli(['rotate', '--help']);
    expect(rotate.stdout).toMatch(/^Usage: krishiv-auth rotate <step> <file> \[options\]/);
  });

  it('a store in a directory that does not exist says so, not "cannot lock" (exit 2, nothing created)', async () => {
    const dir = tempDir('knew-');
    const store = path.join(dir, 'no-such-dir', 'keys.json');
    const r = await runCli(['generate-key', '--name', 'x', '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the directory ${path.join(dir, 'no-such-dir')} does not exist`);
    expect(r.stderr).toContain('(ERR_FILE_NOT_FOUND)');
    expect(r.stderr).not.toContain('cannot lock');
    expect(r.stdout).toBe('');
  });

  it('--list-checks with --print-env is a usage error, not one silently ignored', async () => {
    const r = await runCli(['check-production', '--list-checks', '--print-env', '--env-file', 'examples/production.env']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--list-checks and --print-env');
  });

  it("a second active key with the same name gets a notice naming the first one's id", async () => {
    const dir = tempDir('knew-');
    const first = await runCli(['generate-key', '--name', 'ci', '--json'], { cwd: dir });
    const id = (JSON.parse(first.stdout) as { record: { id: string } }).record.id;
    expect(first.stderr).not.toContain('also named');
    const second = await runCli(['generate-key', '--name', 'ci'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`another active key is also named "ci" (id ${id})`);
  });

  it('an unknown KRISHIV_* name with no close match gets a fix that does not point at a missing suggestion', async () => {
    const dir = tempDir('knew-');
    writeFileSync(path.join(dir, 'x.env'), 'KRISHIV_ZZZZ_QQQQ_WWWW=1\n');
    const r = await runCli(['check-production', '--env-file', path.join(dir, 'x.env'), '--json']);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; status: string; remediation: string }[] };
    const f = doc.findings.find((x) => x.id === 'ENV-UNKNOWN-FLAG' && x.status === 'warn')!;
    expect(f.remediation).not.toContain('see the suggestion');
    expect(f.remediation).toContain('No Krishiv flag has a similar name');
  });
});

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), typing `keys` once the prompt shows. */
function onTerminal(args: string[], cwd: string, keys: string): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: cwd, NO_COLOR: '1', TERM: 'dumb' },
    });
    let output = '';
    let typed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (!typed && output.includes('(not shown): ')) {
        typed = true;
        child.stdin.write(keys);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describe('keys verify - on a terminal', () => {
  it('prompts on the terminal and does not echo the key; Ctrl-C cancels with exit 2', async () => {
    const dir = tempDir('knew-');
    const made = await runCli(['generate-key', '--name', 'typist', '--json'], { cwd: dir });
    const key = (JSON.parse(made.stdout) as { key: string }).key;
    const ok = await onTerminal(['keys', 'verify', '-'], dir, `${key}\r`);
    expect(ok.code).toBe(0);
    expect(ok.output).toContain('API key (not shown): ');
    expect(ok.output).toContain('typist');
    expect(ok.output).not.toContain(key);
    const cancelled = await onTerminal(['keys', 'verify', '-'], dir, '\u0003');
    expect(cancelled.code).toBe(2);
    expect(cancelled.output).toContain('cancelled at the prompt');
  });
});

describe('tables on a terminal', () => {
  it('keys list and check-production --list-checks fit a 60-column terminal; piped, they are as wide as their cells', async () => {
    const dir = tempDir('knew-');
    await runCli(
      ['generate-key', '--name', 'a-very-long-key-name-for-the-nightly-ci-robot-of-team-x', '--tenant', 'tenant-with-a-long-name'],
      { cwd: dir },
    );
    const piped = await runCli(['keys', 'list'], { cwd: dir });
    expect(piped.stdout.split('\n')[1]).toContain('a-very-long-key-name-for-the-nightly-ci-robot-of-team-x');
    const command = [process.execPath, '--', BIN].map((a) => `'${a}'`).join(' ');
    const r = await new Promise<string>((resolve) => {
      const child = spawn(
        'script',
        ['-qec', `stty cols 60; ${command} keys list; ${command} check-production --list-checks`, '/dev/null'],
        {
          cwd: dir,
          env: { PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1' },
        },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('close', () => resolve(out));
    });
    const lines = r
      .replace(/\r/g, '')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.some((l) => l.includes('…'))).toBe(true);
    const listLines = lines.filter((l) => l.startsWith(' '.repeat(33)));
    expect(listLines.length).toBeGreaterThan(10);
    for (const l of listLines) expect(l.length).toBeLessThanOrEqual(60);
  });
});
