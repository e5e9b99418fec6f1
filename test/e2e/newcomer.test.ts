/**
 * A newcomer's first mistakes: typos in command names and flags, a file name where a token
 * goes, colour conventions of other tools.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, runCli } from '../helpers/run-cli.js';

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
    const dir = mkdtempSync(path.join(tmpdir(), 'knew-'));
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
