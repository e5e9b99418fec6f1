/**
 * `krishiv-auth completion`: the generated bash script, loaded in a real bash, completes as a
 * user's TAB would (COMP_WORDS/COMP_CWORD driving the registered function).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('kcomp-');
let script = '';

beforeAll(async () => {
  const r = await runCli(['completion', 'bash']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  script = r.stdout;
  writeFileSync(path.join(dir, 'krishiv-auth.bash'), script);
  writeFileSync(path.join(dir, 'prod.env'), 'A=1\n');
});

/** What TAB offers after `words` (the last one is the word being completed), in real bash. */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `source ./krishiv-auth.bash; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _krishiv_auth; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('completion bash', () => {
  it('registers a completion function for krishiv-auth', () => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', 'source ./krishiv-auth.bash && complete -p krishiv-auth'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stdout.trim()).toBe('complete -F _krishiv_auth krishiv-auth');
  });

  it('completes command names, prefixes included', () => {
    expect(complete('krishiv-auth', 'check-p')).toEqual(['check-production']);
    expect(complete('krishiv-auth', '')).toEqual(
      expect.arrayContaining(['check-production', 'explain', 'keys', 'verify', 'rotate', 'completion', 'help']),
    );
    expect(complete('krishiv-auth', '--json', 'ex')).toEqual(['explain']);
  });

  it('completes subcommands of a group and their options (with the global ones)', () => {
    expect(complete('krishiv-auth', 'keys', '')).toEqual(expect.arrayContaining(['list', 'verify', 'revoke']));
    const opts = complete('krishiv-auth', 'keys', 'list', '--');
    expect(opts).toEqual(expect.arrayContaining(['--store', '--all', '--json', '--debug']));
    expect(opts).not.toContain('--role');
  });

  it('completes roles, formats and other fixed values, also after --flag=', () => {
    expect(complete('krishiv-auth', 'check-production', '--role', 'co')).toEqual(['coordinator']);
    expect(complete('krishiv-auth', 'check-production', '--format', '')).toEqual(['text', 'json', 'sarif', 'junit', 'github', 'markdown']);
    expect(complete('krishiv-auth', 'check-production', '--role', '=', 'ex')).toEqual(['executor']);
    expect(complete('krishiv-auth', 'generate-key', '--type', '')).toEqual(['api-key', 'bearer', 'jwk']);
    expect(complete('krishiv-auth', 'verify', '--require-role', '')).toEqual(['reader', 'writer', 'admin']);
  });

  it('completes file names for file values, skipping option values when counting', () => {
    expect(complete('krishiv-auth', 'check-production', '--env-file', 'pro')).toEqual(['prod.env']);
    expect(complete('krishiv-auth', 'check-production', '--role', 'cluster', '--st')).toEqual(['--strict', '--store']);
  });

  it('completes every check id for explain, rotate steps and shells', () => {
    const ids = complete('krishiv-auth', 'explain', '');
    expect(ids.length).toBeGreaterThan(20);
    expect(ids).toContain('COORD-HTTP-TOKENS-MISSING');
    expect(complete('krishiv-auth', 'explain', 'COORD-HTTP-T')).toEqual(['COORD-HTTP-TOKENS-MISSING']);
    expect(complete('krishiv-auth', 'rotate', '')).toEqual(['begin', 'finish', 'revoke', 'status']);
    expect(complete('krishiv-auth', 'rotate', 'begin', 'prod')).toEqual(['prod.env']);
    expect(complete('krishiv-auth', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('krishiv-auth', 'help', 'ro')).toEqual(['rotate']);
  });

  it('zsh and fish scripts are generated from the same tree; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef krishiv-auth\n/);
    const fish = await runCli(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("-l role -x -a 'cluster coordinator executor");
    expect(fish.stdout).toContain('COORD-HTTP-TOKENS-MISSING');
    const bad = await runCli(['completion', 'powershell', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_USAGE', input: 'powershell' } });
  });
});
