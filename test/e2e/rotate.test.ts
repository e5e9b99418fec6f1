import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFingerprint as fp } from '../../src/util/fingerprint.js';
import { startCoordinatorDouble, type CoordinatorDouble } from '../helpers/coordinator-double.js';
import { runCli } from '../helpers/run-cli.js';
import { asOtherUser, reachableBin, switchUsersUnavailable } from '../helpers/as-user.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('krishiv-rotate-e2e-');
});

const mode = (p: string): number => statSync(p).mode & 0o777;
const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
const rot = (args: string[], input?: string) => runCli(['rotate', ...args], { cwd: dir, ...(input === undefined ? {} : { input }) });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- narrowed by each assertion
const json = (stdout: string): any => JSON.parse(stdout);

/** Moves the sidecar's begin time into the past, as if the reload interval had passed. */
function ageSidecar(name: string, seconds: number): void {
  const p = path.join(dir, `${name}.rotation.json`);
  const s = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  const past = new Date(Date.now() - seconds * 1000).toISOString();
  s['updatedAt'] = past;
  s['startedAt'] = past;
  writeFileSync(p, JSON.stringify(s));
}

describe('rotate begin', () => {
  it('creates the file 0600, prints the token once with its fingerprint, writes the sidecar without secrets', async () => {
    const r = await rot(['begin', 'tokens']);
    expect(r.code).toBe(0);
    const token = read('tokens').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(read('tokens')).toBe(`${token}\n`);
    expect(mode(path.join(dir, 'tokens'))).toBe(0o600);
    expect(r.stdout).toBe(
      `new token:   ${token}\nfingerprint: ${fp(token)}\nfile:        tokens (1 token, mode 0600, newest first)\n  1. ${fp(token)}  new\n`,
    );
    expect(r.stdout.split(token).length - 1).toBe(1);
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).toContain('hint: coordinator HTTP and the UI never reload');
    const sidecar = read('tokens.rotation.json');
    expect(mode(path.join(dir, 'tokens.rotation.json'))).toBe(0o600);
    expect(sidecar).not.toContain(token);
    expect(JSON.parse(sidecar)).toMatchObject({
      kind: 'krishiv-auth/rotation',
      version: 1,
      pending: [{ fingerprint: fp(token) }],
      previous: [],
    });
  });

  it('--json: {ok, file, token, fingerprint, tokens}; a second begin stacks in front', async () => {
    const first = json((await rot(['begin', 'tokens', '--json'])).stdout);
    const r = await rot(['begin', 'tokens', '--json', '--reload-interval', '30']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc).toMatchObject({ ok: true, file: 'tokens', fingerprint: fp(doc['token'] as string) });
    expect(doc['tokens']).toEqual([doc['fingerprint'], first['fingerprint']]);
    expect(doc['pending']).toEqual([doc['fingerprint'], first['fingerprint']]);
    expect(read('tokens')).toBe(`${doc['token'] as string}\n${first['token'] as string}\n`);
    expect(typeof doc['finishAfter']).toBe('string');
    const sidecar = JSON.parse(read('tokens.rotation.json')) as { pending: Array<{ fingerprint: string }> };
    expect(sidecar.pending.map((p) => p.fingerprint)).toEqual([doc['fingerprint'], first['fingerprint']]);
  });

  it('--out writes the token 0600 and keeps it off stdout', async () => {
    const r = await rot(['begin', 'tokens', '--out', 'new.token', '--json']);
    expect(r.code).toBe(0);
    const token = read('new.token').trim();
    expect(mode(path.join(dir, 'new.token'))).toBe(0o600);
    const doc = json(r.stdout);
    expect(doc['token']).toBeUndefined();
    expect(doc['out']).toBe('new.token');
    expect(r.stdout).not.toContain(token);
    expect(doc['fingerprint']).toBe(fp(token));
  });

  it('an --out that cannot be written exits 2 and changes nothing: no token in the file that nobody holds', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'old-token-1\n', { mode: 0o600 });
    const r = await rot(['begin', 'tokens', '--out', 'no-such-dir/new.token']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('krishiv-auth rotate begin: no-such-dir/new.token: cannot write: no such file or directory (ERR_FILE_WRITE)\n');
    expect(read('tokens')).toBe('old-token-1\n');
    expect(existsSync(path.join(dir, 'tokens.rotation.json'))).toBe(false);
  });

  it('an error names the file as given, not its absolute path', async () => {
    writeFileSync(path.join(dir, 'f'), '');
    const r = await rot(['begin', 'f/tokens']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('krishiv-auth rotate begin: f/tokens: cannot stat: a parent of this path is not a directory (ERR_FILE_READ)\n');
  });

  it('a sidecar that cannot be written is named as given; the token file is unchanged', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'old-token-1\n', { mode: 0o600 });
    const r = await rot(['begin', 'tokens', '--state', 'no-such-dir/state.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('krishiv-auth rotate begin: no-such-dir/state.json: cannot write: no such file or directory (ERR_FILE_WRITE)\n');
    expect(read('tokens')).toBe('old-token-1\n');
  });

  it('normalises an existing file: newest first, one per line, duplicates removed; warns about what it keeps', async () => {
    writeFileSync(path.join(dir, 'tokens'), '# old note\r\nb,a\n\nb\n');
    chmodSync(path.join(dir, 'tokens'), 0o600);
    const r = await rot(['begin', 'tokens', '--new-token-file', '-'], 'Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e\n');
    expect(r.code).toBe(0);
    expect(read('tokens')).toBe('Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e\n# old note\nb\na\n');
    expect(r.stderr).toContain('looks like a comment, but the engine has no comment syntax');
    expect(r.stderr).toMatch(/appears again on line 4/);
    expect(r.stderr).not.toContain('Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e');
  });

  it.each([
    [0o644, 0o600, 'warning: the file was 0644 (world-accessible): tightened to 0600'],
    [0o640, 0o640, 'warning: the file is 0640 (group-accessible): kept'],
  ])('an existing %o file ends %o with a warning', async (before, after, warning) => {
    writeFileSync(path.join(dir, 'tokens'), 'old\n');
    chmodSync(path.join(dir, 'tokens'), before);
    const r = await rot(['begin', 'tokens']);
    expect(r.code).toBe(0);
    expect(mode(path.join(dir, 'tokens'))).toBe(after);
    expect(r.stderr).toContain(warning);
  });

  it.each([
    ['a,b', 'contains a comma'],
    ['', 'is empty'],
    ['two\nlines', 'spans several lines'],
  ])('a malformed --new-token-file (%j) exits 2 and writes nothing', async (content, message) => {
    writeFileSync(path.join(dir, 'new.token'), content);
    const r = await rot(['begin', 'tokens', '--new-token-file', 'new.token', '--json']);
    expect(r.code).toBe(2);
    const doc = json(r.stdout) as { ok: boolean; error: { code: string; message: string; input: string } };
    expect(doc.error.code).toBe('ERR_TOKEN_MALFORMED');
    expect(doc.error.message).toContain(message);
    expect(doc.error.input).toBe('new.token');
    expect(existsSync(path.join(dir, 'tokens'))).toBe(false);
  });

  it('a token already in the file is refused (exit 1)', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e\n');
    const r = await rot(['begin', 'tokens', '--new-token-file', '-'], 'Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERR_ROTATE_REFUSED');
    expect(r.stderr).not.toContain('Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e');
    expect(read('tokens')).toBe('Zq8xW2vN5tR7yU1iO3pL6kJ9hG4fD0sA2mC7bV5nX1e\n');
  });

  it.each([
    ['changeme', 'is a placeholder: a common placeholder word'],
    ['a1B2c', 'is weak: 5 characters'],
    ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'is a placeholder: one repeated character'],
  ])(
    'a placeholder or weak --new-token-file (%j) is refused (exit 1, nothing written) unless --allow-weak-token',
    async (token, reason) => {
      writeFileSync(path.join(dir, 'tokens'), 'old-token-1\n');
      writeFileSync(path.join(dir, 'new.token'), `${token}\n`);
      const r = await rot(['begin', 'tokens', '--new-token-file', 'new.token', '--json']);
      expect(r.code).toBe(1);
      const doc = json(r.stdout) as { error: { code: string; message: string; input: string } };
      expect(doc.error.code).toBe('ERR_ROTATE_REFUSED');
      expect(doc.error.message).toContain(`the new token ${reason}`);
      expect(doc.error.message).toContain('--allow-weak-token');
      expect(doc.error.input).toBe('new.token');
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(read('tokens')).toBe('old-token-1\n');
      expect(existsSync(path.join(dir, 'tokens.rotation.json'))).toBe(false);

      const forced = await rot(['begin', 'tokens', '--new-token-file', 'new.token', '--allow-weak-token', '--out', 'held.token']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toContain(`warning: the new token ${reason}`);
      expect(read('tokens')).toBe(`${token}\nold-token-1\n`);
    },
  );

  it('single-token files: refused by name, by --single and by the env file, with an explanation; --replace replaces', async () => {
    writeFileSync(path.join(dir, 'coord.token'), 'old\n');
    const byName = await rot(['begin', 'coord.token']);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toMatch(/has a name like a single-token file: .* Pass --single if it is that file, or --multi/);

    writeFileSync(path.join(dir, 'env'), 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE=coord.token\n');
    const byEnv = await rot(['begin', 'coord.token', '--env-file', 'env', '--json']);
    expect(byEnv.code).toBe(1);
    const doc = json(byEnv.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('ERR_ROTATE_REFUSED');
    expect(doc.error.message).toMatch(/cannot hold the old and the new token at once .* KRISHIV_COORDINATOR_BEARER_TOKENS_FILE/);
    expect(read('coord.token')).toBe('old\n');

    const replaced = await rot(['begin', 'coord.token', '--single', '--replace', '--json']);
    expect(replaced.code).toBe(0);
    expect(read('coord.token')).toBe(`${json(replaced.stdout)['token'] as string}\n`);
    expect(replaced.stderr).toContain('clients still using the old token are refused');

    const multi = await rot(['begin', 'coord.token', '--multi']);
    expect(multi.code).toBe(0);
    expect(read('coord.token').trim().split('\n')).toHaveLength(2);
  });

  it('an env file that names the file as KRISHIV_COORDINATOR_BEARER_TOKENS_FILE settles a singular-looking name', async () => {
    writeFileSync(path.join(dir, 'coord.token'), 'old\n', { mode: 0o600 });
    writeFileSync(path.join(dir, 'env'), `KRISHIV_COORDINATOR_BEARER_TOKENS_FILE=${path.join(dir, 'coord.token')}\n`);
    const r = await rot(['begin', 'coord.token', '--env-file', 'env']);
    expect(r.code).toBe(0);
    expect(read('coord.token').trim().split('\n')).toHaveLength(2);
    const contradiction = await rot(['begin', 'coord.token', '--env-file', 'env', '--single']);
    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toContain('--single contradicts env, where this file is KRISHIV_COORDINATOR_BEARER_TOKENS_FILE');
  });

  it('--dry-run prints the plan as data and changes nothing', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'old\n', { mode: 0o644 });
    chmodSync(path.join(dir, 'tokens'), 0o644);
    const r = await rot(['begin', 'tokens', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout) as { ok: boolean; dryRun: boolean; plan: Record<string, unknown> };
    expect(doc.dryRun).toBe(true);
    expect(doc.plan).toMatchObject({ action: 'begin', before: [fp('old')], write: { mode: '0600', previousMode: '0644' } });
    expect((doc.plan['after'] as string[]).length).toBe(2);
    expect(read('tokens')).toBe('old\n');
    expect(existsSync(path.join(dir, 'tokens.rotation.json'))).toBe(false);
    const human = await rot(['begin', 'tokens', '--dry-run']);
    expect(human.stdout).toMatch(/^# dry run: nothing was written\naction: begin\n/);
  });
});

describe('rotate finish', () => {
  it('refuses without an interval, and before one interval has passed (exit 1, nothing changed)', async () => {
    await rot(['begin', 'tokens']);
    await rot(['begin', 'tokens']);
    const before = read('tokens');
    const none = await rot(['finish', 'tokens', '--json']);
    expect(none.code).toBe(1);
    expect((json(none.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'ERR_ROTATE_REFUSED',
      message: expect.stringMatching(/^needs the coordinator reload interval/),
    });
    writeFileSync(path.join(dir, 'coord.env'), 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS=3600\n');
    const early = await rot(['finish', 'tokens', '--env-file', 'coord.env']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /^krishiv-auth rotate finish: tokens: only \S+ of the 1h reload interval \(coord\.env\) have passed since rotate begin/,
    );
    expect(read('tokens')).toBe(before);
  });

  it('keeps only the newest token after the interval and removes the sidecar', async () => {
    const old = json((await rot(['begin', 'tokens', '--json'])).stdout);
    const neu = json((await rot(['begin', 'tokens', '--json'])).stdout);
    ageSidecar('tokens', 60);
    writeFileSync(path.join(dir, 'coord.env'), 'export KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS="30"\n');
    const r = await rot(['finish', 'tokens', '--env-file', 'coord.env', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      kept: neu['fingerprint'],
      removed: [old['fingerprint']],
      tokens: [neu['fingerprint']],
      restartNeeded: true,
      confirm: null,
    });
    expect(read('tokens')).toBe(`${neu['token'] as string}\n`);
    expect(existsSync(path.join(dir, 'tokens.rotation.json'))).toBe(false);
    expect((doc['notes'] as string[]).join('\n')).toContain('restart coordinators so HTTP drops the old tokens');
  });

  it('--reload-interval 0: proceeds at once and says a restart is needed', async () => {
    await rot(['begin', 'tokens']);
    await rot(['begin', 'tokens']);
    const r = await rot(['finish', 'tokens', '--reload-interval', '0']);
    expect(r.code).toBe(0);
    expect(read('tokens').trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('warning: the coordinator never reloads (--reload-interval 0): restart the coordinator');
    expect(r.stdout).toMatch(/^kept: {4}bearer:[0-9a-f]{16}\nremoved: bearer:[0-9a-f]{16}\nfile: {4}tokens \(1 token\)\n$/);
  });

  it('an env file without the interval means no reload (the engine default), so finish proceeds with a warning', async () => {
    await rot(['begin', 'tokens']);
    await rot(['begin', 'tokens']);
    writeFileSync(path.join(dir, 'coord.env'), 'KRISHIV_PRODUCTION=1\n');
    const r = await rot(['finish', 'tokens', '--env-file', 'coord.env']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is unset: the coordinator never reloads');
  });

  it('an env file interval too long for any clock (a valid u64) means no reload after start: no crash', async () => {
    writeFileSync(path.join(dir, 'c.env'), 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS=18446744073709551615\n');
    const b = await rot(['begin', 'tokens', '--env-file', 'c.env', '--json']);
    expect(b.code).toBe(0);
    expect(json(b.stdout)['finishAfter']).toBeNull();
    const f = await rot(['finish', 'tokens', '--env-file', 'c.env']);
    expect(f.code).toBe(0);
    expect(f.stderr).toContain('longer than 1000 years: after its start-up read the coordinator never reloads');
  });

  it('takes the interval from the config file when no flag or env file gives one', async () => {
    await rot(['begin', 'tokens']);
    await rot(['begin', 'tokens']);
    writeFileSync(path.join(dir, '.krishiv-authrc.json'), JSON.stringify({ rotate: { reloadInterval: '45s' } }));
    const r = await rot(['finish', 'tokens']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/of the 45s reload interval \(config rotate\.reloadInterval\) have passed/);
  });

  it('--dry-run shows what finish would remove, without waiting rules being bypassed', async () => {
    await rot(['begin', 'tokens']);
    await rot(['begin', 'tokens']);
    ageSidecar('tokens', 60);
    const before = read('tokens');
    const r = await rot(['finish', 'tokens', '--reload-interval', '30', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.plan.action).toBe('finish');
    expect(doc.plan.removed).toHaveLength(1);
    expect(doc.plan.sidecar).toEqual({ op: 'delete' });
    expect(read('tokens')).toBe(before);
    const early = await rot(['finish', 'tokens', '--reload-interval', '3600', '--dry-run']);
    expect(early.code).toBe(1);
  });

  describe('--confirm over gRPC', () => {
    const servers: CoordinatorDouble[] = [];
    afterAll(async () => {
      for (const s of servers) await s.close();
    });
    const fileTokens = (): string[] =>
      readFileSync(path.join(dir, 'tokens'), 'utf8')
        .split(/[\n,]/)
        .map((t) => t.trim())
        .filter(Boolean);

    it('checks the new token is accepted before, and the old refused after; reports HTTP', async () => {
      const old = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      const neu = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      ageSidecar('tokens', 60);
      const coord = await startCoordinatorDouble({ grpcTokens: fileTokens, tokens: [old] }); // gRPC reloads at once; HTTP has its start-up set
      servers.push(coord);
      const r = await rot(['finish', 'tokens', '--reload-interval', '1', '--confirm', coord.url, '--grpc', coord.grpcTarget!, '--json']);
      expect(r.code).toBe(0);
      const doc = json(r.stdout) as { ok: boolean; confirm: { checks: Array<{ id: string; status: string; fingerprint: string }> } };
      expect(doc.confirm.checks.map((c) => [c.id, c.status, c.fingerprint])).toEqual([
        ['grpc_new_accepted', 'pass', fp(neu)],
        ['grpc_old_rejected', 'pass', fp(old)],
        ['http_new_token', 'info', fp(neu)],
        ['http_old_token', 'info', fp(old)],
      ]);
      expect(r.stdout).not.toContain(old);
      expect(r.stdout).not.toContain(neu);
      expect(read('tokens')).toBe(`${neu}\n`);
    });

    it('refuses (exit 1, nothing removed) when the coordinator does not accept the new token yet', async () => {
      const old = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      await rot(['begin', 'tokens']);
      ageSidecar('tokens', 60);
      const coord = await startCoordinatorDouble({ grpcTokens: () => [old], tokens: [old] }); // never reloads
      servers.push(coord);
      const before = read('tokens');
      const r = await rot(['finish', 'tokens', '--reload-interval', '1', '--confirm', `grpc://${coord.grpcTarget!}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /coordinator gRPC refuses the new token bearer:[0-9a-f]{16} \(UNAUTHENTICATED \(16\): invalid API key\).*nothing removed \(ERR_ROTATE_REFUSED\)/,
      );
      expect(read('tokens')).toBe(before);
      expect(existsSync(path.join(dir, 'tokens.rotation.json'))).toBe(true);
    });

    it('--reload-interval 0: a refused new token means a restart is needed, not a reload', async () => {
      const old = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      await rot(['begin', 'tokens']);
      const coord = await startCoordinatorDouble({ grpcTokens: () => [old], tokens: [old] });
      servers.push(coord);
      const before = read('tokens');
      const r = await rot(['finish', 'tokens', '--reload-interval', '0', '--confirm', `grpc://${coord.grpcTarget!}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /the coordinator does not reload, so it accepts the new token only after a restart: restart it, then run finish again; nothing removed \(ERR_ROTATE_REFUSED\)\n$/,
      );
      expect(read('tokens')).toBe(before);
    });

    it('fails (exit 1) when the old token stays accepted after the wait; the file is already rewritten', async () => {
      const old = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      const neu = json((await rot(['begin', 'tokens', '--json'])).stdout)['token'] as string;
      ageSidecar('tokens', 60);
      const coord = await startCoordinatorDouble({ grpcTokens: () => [neu, old], tokens: [] });
      servers.push(coord);
      const r = await rot(['finish', 'tokens', '--reload-interval', '1', '--confirm', `grpc://${coord.grpcTarget!}`, '--json'], undefined);
      expect(r.code).toBe(1);
      const doc = json(r.stdout) as { ok: boolean; confirm: { checks: Array<{ id: string; status: string }> } };
      expect(doc.ok).toBe(false);
      expect(doc.confirm.checks.map((c) => [c.id, c.status])).toEqual([
        ['grpc_new_accepted', 'pass'],
        ['grpc_old_rejected', 'fail'],
      ]);
      expect(read('tokens')).toBe(`${neu}\n`);
    });

    it('an unreachable coordinator exits 2 and changes nothing', async () => {
      await rot(['begin', 'tokens']);
      await rot(['begin', 'tokens']);
      ageSidecar('tokens', 60);
      const before = read('tokens');
      const r = await rot(['finish', 'tokens', '--reload-interval', '1', '--confirm', 'grpc://127.0.0.1:1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ERR_NETWORK');
      expect(read('tokens')).toBe(before);
    });

    it('--timeout 0 is a usage error, not a network timeout', async () => {
      await rot(['begin', 'tokens']);
      const r = await rot(['finish', 'tokens', '--reload-interval', '0', '--confirm', 'grpc://127.0.0.1:1', '--timeout', '0']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('krishiv-auth rotate finish: --timeout: must be more than 0 (ERR_INVALID_DURATION)\n');
    });

    it('an HTTP URL without --grpc is a usage error', async () => {
      const r = await rot(['finish', 'tokens', '--reload-interval', '1', '--confirm', 'http://127.0.0.1:2002']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--confirm checks over gRPC, the only surface that reloads: add --grpc host:port');
    });
  });
});

describe('rotate revoke', () => {
  beforeEach(() => {
    writeFileSync(path.join(dir, 'tokens'), 'a\nb\n');
    chmodSync(path.join(dir, 'tokens'), 0o600);
  });

  it('removes one token by fingerprint', async () => {
    const r = await rot(['revoke', 'tokens', '--fingerprint', fp('b'), '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc).toMatchObject({ ok: true, removed: [fp('b')], tokens: [fp('a')] });
    expect(read('tokens')).toBe('a\n');
    expect((doc['notes'] as string[]).join('\n')).toContain('the revoked token stays valid on HTTP until then');
  });

  it.each([
    [['--fingerprint', fp('zzz')], 1, 'ERR_ROTATE_REFUSED', `holds no token with fingerprint ${fp('zzz')}`],
    [['--fingerprint', 'bearer:nothex'], 2, 'ERR_USAGE', 'is not an engine fingerprint'],
    [[], 2, 'ERR_USAGE', 'needs --fingerprint'],
  ])('%j exits %i', async (args, code, errorCode, message) => {
    const r = await rot(['revoke', 'tokens', ...args, '--json']);
    expect(r.code).toBe(code);
    const doc = json(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe(errorCode);
    expect(doc.error.message).toContain(message);
    expect(read('tokens')).toBe('a\nb\n');
  });

  it('refuses the last token unless --allow-empty', async () => {
    await rot(['revoke', 'tokens', '--fingerprint', fp('b')]);
    const refused = await rot(['revoke', 'tokens', '--fingerprint', fp('a')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is the last token: an empty file makes the engine reject every token');
    expect(read('tokens')).toBe('a\n');
    const emptied = await rot(['revoke', 'tokens', '--fingerprint', fp('a'), '--allow-empty']);
    expect(emptied.code).toBe(0);
    expect(read('tokens')).toBe('');
    expect(emptied.stderr).toContain('reject-all');
  });
});

// Root runs the CLI as uid/gid 65534 through setpriv, with or without membership of the file's
// group. That user runs a copy of the CLI it can reach (test/helpers/as-user.ts): the checkout may
// sit in a private directory (issue 19).
const cannotSwitch = switchUsersUnavailable();
describe(`ownership when not running as root${cannotSwitch ? ` (skipped: ${cannotSwitch})` : ''}`, () => {
  function asNobody(args: string[], groups: number[]): { code: number | null; stdout: string; stderr: string } {
    const [cmd, argv] = asOtherUser(groups, [process.execPath, '--', reachableBin(), 'rotate', ...args]);
    const r = spawnSync(cmd, argv, {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  function ownedFile(gid: number): string {
    chownSync(dir, 65534, 65534);
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'tokens');
    writeFileSync(file, 'old-token-1\n');
    chownSync(file, 65534, gid);
    chmodSync(file, 0o640);
    return file;
  }

  it.runIf(cannotSwitch === null)(
    "keeps the file's group when the user is a member of it (the coordinator may read it through that group)",
    () => {
      const file = ownedFile(4343);
      const r = asNobody(['begin', 'tokens', '--json'], [4343]);
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(file).gid).toBe(4343);
      expect(mode(file)).toBe(0o640);
      expect((json(r.stdout) as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code)).toEqual(['group_readable']);
    },
  );

  it.runIf(cannotSwitch === null)('reports a group it cannot keep', () => {
    const file = ownedFile(4343);
    const r = asNobody(['begin', 'tokens', '--json'], []);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(file).gid).toBe(65534);
    const doc = json(r.stdout) as { warnings: Array<{ code: string; message: string }> };
    expect(doc.warnings.find((w) => w.code === 'group_changed')?.message).toBe(
      'the file belonged to group 4343; the rewrite belongs to group 65534 (this user is not in group 4343): make sure the coordinator can still read it',
    );
    expect(r.stderr).toContain('warning: the file belonged to group 4343; the rewrite belongs to group 65534');
  });
});

describe('rotate status', () => {
  it('shows fingerprints, mode, owner, pending rotation and warnings, never a token', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'secret-one\n# disabled, secret-two\nsecret-one\n');
    chmodSync(path.join(dir, 'tokens'), 0o644);
    const r = await rot(['status', 'tokens', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout) as {
      count: number;
      mode: string;
      tokens: Array<{ fingerprint: string }>;
      warnings: Array<{ code: string }>;
      pending: unknown;
    };
    expect(doc.count).toBe(3);
    expect(doc.mode).toBe('0644');
    expect(doc.tokens.map((t) => t.fingerprint)).toEqual([fp('secret-one'), fp('# disabled'), fp('secret-two')]);
    expect(doc.warnings.map((w) => w.code).sort()).toEqual(
      ['comment_like', 'duplicate', 'several_per_line', 'whitespace_inside', 'world_readable'].sort(),
    );
    expect(doc.pending).toBeNull();
    expect(r.stdout).not.toContain('secret-');
    const human = await rot(['status', 'tokens']);
    expect(human.stdout).toMatch(/^tokens: tokens file, 3 tokens, mode 0644, owner uid \d+ gid \d+\n {2}line 1 {3}bearer:/);
    expect(human.stdout).toContain('error:   mode 0644: anyone on the host can read the tokens');
  });

  it('shows a pending rotation and whether finish may run', async () => {
    await rot(['begin', 'tokens', '--reload-interval', '30']);
    const r = await rot(['status', 'tokens', '--reload-interval', '30', '--json']);
    const doc = json(r.stdout) as { pending: { ready: boolean; reloadIntervalSecs: number; fingerprints: string[] } };
    expect(doc.pending).toMatchObject({ ready: false, reloadIntervalSecs: 30 });
    expect(doc.pending.fingerprints).toHaveLength(1);
  });

  it('reports a missing file and a single-token file that holds several lines', async () => {
    const missing = json((await rot(['status', 'nope', '--json'])).stdout) as { exists: boolean; warnings: Array<{ code: string }> };
    expect(missing.exists).toBe(false);
    expect(missing.warnings.map((w) => w.code)).toEqual(['missing']);
    writeFileSync(path.join(dir, 'coord.token'), 'a\nb\n', { mode: 0o600 });
    const single = json((await rot(['status', 'coord.token', '--single', '--json'])).stdout) as {
      count: number;
      warnings: Array<{ code: string }>;
    };
    expect(single.count).toBe(1);
    expect(single.warnings.map((w) => w.code)).toEqual(['multiline_single', 'single_token_file']);
  });
});

describe('Kubernetes secret mounts and --emit k8s-secret', () => {
  function mount(): void {
    const ts = path.join(dir, 'mnt', '..2026_11_24_10_00_00.123');
    mkdirSync(ts, { recursive: true });
    writeFileSync(path.join(ts, 'tokens'), 'old\n');
    symlinkSync('..2026_11_24_10_00_00.123', path.join(dir, 'mnt', '..data'));
    symlinkSync('..data/tokens', path.join(dir, 'mnt', 'tokens'));
  }

  it('refuses to write into a secret mount (exit 1) with guidance', async () => {
    mount();
    const r = await rot(['begin', 'mnt/tokens', '--json']);
    expect(r.code).toBe(1);
    const doc = json(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('ERR_K8S_SECRET_MOUNT');
    expect(doc.error.message).toContain('--emit k8s-secret --name <secret>');
    expect(read('mnt/tokens')).toBe('old\n');
  });

  it('--emit prints a Secret manifest with base64 data and writes no token file', async () => {
    mount();
    const needState = await rot(['begin', 'mnt/tokens', '--emit', 'k8s-secret', '--name', 'krishiv-coordinator-tokens']);
    expect(needState.code).toBe(2);
    expect(needState.stderr).toContain('add --state <writable file>');

    const r = await rot([
      'begin',
      'mnt/tokens',
      '--emit',
      'k8s-secret',
      '--name',
      'krishiv-coordinator-tokens',
      '--namespace',
      'krishiv',
      '--state',
      'rot.json',
      '--out',
      'new.token',
    ]);
    expect(r.code).toBe(0);
    const token = read('new.token').trim();
    const m =
      /^apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: krishiv-coordinator-tokens\n {2}namespace: krishiv\ntype: Opaque\ndata:\n {2}"tokens": ([A-Za-z0-9+/=]+)\n$/.exec(
        r.stdout,
      );
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64').toString('utf8')).toBe(`${token}\nold\n`);
    expect(read('mnt/tokens')).toBe('old\n');
    expect(JSON.parse(read('rot.json'))).toMatchObject({ pending: [{ fingerprint: fp(token) }] });
    expect(mode(path.join(dir, 'rot.json'))).toBe(0o600);
  });

  it('--emit does not claim a rewrite of the file: no mode or owner warning, the file keeps its mode', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'old\n');
    chmodSync(path.join(dir, 'tokens'), 0o644);
    const r = await rot(['begin', 'tokens', '--emit', 'k8s-secret', '--name', 's', '--out', 'new.token']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('warning:');
    expect(mode(path.join(dir, 'tokens'))).toBe(0o644);
    expect(read('tokens')).toBe('old\n');
  });

  it('--emit with --json puts the manifest object in the document; bad names exit 2', async () => {
    writeFileSync(path.join(dir, 'tokens'), 'old\n');
    const r = await rot([
      'revoke',
      'tokens',
      '--fingerprint',
      fp('old'),
      '--allow-empty',
      '--emit',
      'k8s-secret',
      '--name',
      's',
      '--key',
      'tokens.txt',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = json(r.stdout) as { manifest: { kind: string; data: Record<string, string> } };
    expect(doc.manifest.kind).toBe('Secret');
    expect(doc.manifest.data).toEqual({ 'tokens.txt': '' });
    expect(read('tokens')).toBe('old\n');
    const bad = await rot(['begin', 'tokens', '--emit', 'k8s-secret', '--name', 'Not_Valid']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid Secret name');
  });
});

describe('usage', () => {
  it('rotate --help lists the steps and an example; each step has its own help with only its options', async () => {
    const r = await runCli(['rotate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: krishiv-auth rotate <step> <file> \[options\]/);
    for (const s of ['begin', 'finish', 'revoke', 'status']) expect(r.stdout).toContain(`  ${s} [options] <file>`);
    expect(r.stdout).toContain('$ krishiv-auth rotate begin');
    const begin = await runCli(['rotate', 'begin', '--help']);
    expect(begin.code).toBe(0);
    expect(begin.stdout).toMatch(/^Usage: krishiv-auth rotate begin \[options\] <file>/);
    expect(begin.stdout).toContain('--new-token-file <file>');
    expect(begin.stdout).not.toContain('--fingerprint');
    expect(begin.stdout).not.toContain('--confirm');
    const status = await runCli(['rotate', 'status', '--help']);
    expect(status.stdout).not.toContain('--dry-run');
    expect(status.stdout).toContain('$ krishiv-auth rotate status');
  });

  it.each([
    [['rotate', 'nosuch', 'tokens'], 'ERR_UNKNOWN_COMMAND', 'unknown command'],
    [['rotate'], 'ERR_USAGE', 'missing subcommand (see the usage above)'],
    [['rotate', 'begin'], 'ERR_USAGE', "missing required argument 'file'"],
    [['rotate', 'begin', 'tokens', '--fingerprint', 'bearer:0000000000000000'], 'ERR_USAGE', "unknown option '--fingerprint'"],
    [['rotate', 'status', 'tokens', '--dry-run'], 'ERR_USAGE', "unknown option '--dry-run'"],
    [['rotate', 'finish', 'tokens', '--out', 'x'], 'ERR_USAGE', "unknown option '--out'"],
    [['rotate', 'begin', 'tokens', '--single', '--multi'], 'ERR_USAGE', 'give --single or --multi, not both'],
  ])('%j is a usage error (exit 2)', async (args, code, message) => {
    const r = await runCli([...args, '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { error: { code: string; message: string } }).error).toEqual(
      expect.objectContaining({ code, message }),
    );
    expect(existsSync(path.join(dir, 'tokens'))).toBe(false);
  });
});
