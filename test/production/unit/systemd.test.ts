import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../../src/errors.js';
import { parseDotenv } from '../../../src/production/env/dotenv.js';
import {
  expandExecWords,
  expandSpecifiers,
  lineAt,
  parseSystemdEnvFile,
  parseUnitFile,
  splitUnitWords,
  unitName,
} from '../../../src/production/unit/systemd.js';
import { evaluateUnit } from '../../../src/production/unit/run.js';
import { tableProbe } from '../../../src/production/model.js';

const SOAK = process.env['KRISHIV_AUTH_SOAK'] === 'full' ? 2000 : 200;
const env = (text: string) => Object.fromEntries(parseSystemdEnvFile(text).map((e) => [e.name, e.value]));

describe("systemd's env-file dialect (src/basic/env-file.c)", () => {
  it.each([
    ['A=1', { A: '1' }],
    ['  A = spaced value  ', { A: 'spaced value' }],
    ['A="x y"', { A: 'x y' }],
    ["A='$HOME \\n'", { A: '$HOME \\n' }],
    ['A="a\\"b\\$c\\d"', { A: 'a"b$c\\d' }],
    ['A="one"two', { A: 'onetwo' }],
    ['A="one" "two"', { A: 'onetwo' }],
    ['A=$B', { A: '$B' }],
    ['A=x\\\ny', { A: 'xy' }],
    ['# c\n; c\nA=1 # not a comment', { A: '1 # not a comment' }],
    ['export A=1', {}],
    ['A-B=1\nOK=2', { OK: '2' }],
    ['A=1\nA=2', { A: '2' }],
    ['A="multi\nline"', { A: 'multi\nline' }],
    ['A=', { A: '' }],
    ['NOEQUALS\nB=1', { B: '1' }],
  ])('%j', (text, expected) => expect(env(text)).toEqual(expected));

  it('differs from the dotenvy reader where the engine and systemd disagree', () => {
    const text = 'export A=1\nB=$A\nC="x" # c\n';
    // after a closing quote, whitespace is skipped and the rest is appended: no inline comments
    expect(env(text)).toEqual({ B: '$A', C: 'x# c' });
    const dotenv = Object.fromEntries(parseDotenv(text, { file: 'f' }).map((d) => [d.name, d.value]));
    expect(dotenv['A']).toBe('1');
    expect(env(text)['A']).toBeUndefined();
    expect(dotenv['B']).toBe('1');
    expect(env(text)['B']).toBe('$A');
  });

  it('gives the line of each variable', () => {
    expect(parseSystemdEnvFile('\n# x\nA=1\nB="2\n3"\nC=4').map((e) => [e.name, e.line])).toEqual([
      ['A', 3],
      ['B', 4],
      ['C', 6],
    ]);
  });

  it('never throws (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (t) => void parseSystemdEnvFile(t)),
      { numRuns: SOAK },
    );
  });
});

describe('unit files', () => {
  it('joins continuation lines (backslash becomes a space) and drops comments inside them', () => {
    const u = parseUnitFile('[Service]\nExecStart=/bin/a \\\n  --x 1 \\\n# gone\n  --y\nUser=k\n', 'u.service');
    expect(u.sections.get('Service')).toEqual([
      {
        key: 'ExecStart',
        value: '/bin/a    --x 1    --y',
        line: 2,
        // where lines 3 and 5 start in the value (line 4 is a comment)
        continued: [
          { at: 8, line: 3 },
          { at: 17, line: 5 },
        ],
      },
      { key: 'User', value: 'k', line: 6 },
    ]);
    const exec = u.sections.get('Service')![0]!;
    const starts: number[] = [];
    expect(splitUnitWords(exec.value, 'l', starts)).toEqual(['/bin/a', '--x', '1', '--y']);
    expect(starts.map((at) => lineAt(exec, at))).toEqual([2, 3, 3, 5]);
  });

  it('splits words with systemd quoting and C escapes', () => {
    expect(splitUnitWords(`A=1 "B=two words" 'C=x\\ty' D=\\x41`, 'l')).toEqual(['A=1', 'B=two words', 'C=x\ty', 'D=A']);
    expect(() => splitUnitWords('"open', 'u:3')).toThrow(/never closed/);
  });

  it('expands %i, %I (unescaped: - is /, \\xNN the byte), %p, %n and %%', () => {
    const u = unitName('/x/krishiv-executor@.service', 'data-disk\\x2d1');
    expect(expandSpecifiers('%i|%I|%p|%n|100%%', u, 'l')).toBe(
      'data-disk\\x2d1|data/disk-1|krishiv-executor|krishiv-executor@data-disk\\x2d1.service|100%',
    );
  });

  it("expands the system manager's directories, %f, %y/%Y, %d, and the user (root unless User=); refuses what only the host knows", () => {
    const u = unitName('units/krishiv-executor@.service', 'data-disk');
    expect(expandSpecifiers('%t|%S|%C|%L|%E|%T|%V|%f|%y|%Y|%d|%u|%g|%U|%h', u, 'l')).toBe(
      '/run|/var/lib|/var/cache|/var/log|/etc|/tmp|/var/tmp|/data/disk|units/krishiv-executor@.service|units|/run/credentials/krishiv-executor@data-disk.service|root|root|0|/root',
    );
    const asKrishiv = { ...u, user: 'krishiv' };
    expect(expandSpecifiers('%u', asKrishiv, 'l')).toBe('krishiv');
    for (const spec of ['%h', '%U', '%g', '%H', '%m', '%b']) {
      expect(() => expandSpecifiers(spec, asKrishiv, 'u.service:3')).toThrow(/is .*not known here/);
    }
  });

  it('expands $VAR (split into words) and ${VAR} (inside a word) in ExecStart=', () => {
    const vars = new Map([
      ['FLAGS', '--a 1  --b'],
      ['P', 'single'],
    ]);
    expect(expandExecWords(['/bin/x', '$FLAGS', '--p=${P}-durable', '$$', '$NONE'], (n) => vars.get(n))).toEqual([
      '/bin/x',
      '--a',
      '1',
      '--b',
      '--p=single-durable',
      '$',
    ]);
  });

  const probe = async () => tableProbe({});
  it('krishiv-clusterd refuses a leader backend it does not know; the standalone coordinator never reads it', async () => {
    const unit = (exe: string) => `[Service]
Environment=KRISHIV_DURABILITY_PROFILE=dev-local KRISHIV_LEADER_BACKEND=raft
ExecStart=/usr/local/bin/${exe} --grpc-addr 0.0.0.0:9090
`;
    const config = async (exe: string) =>
      (
        await evaluateUnit('k.service', unit(exe), { requireFiles: false, now: new Date(0) }, { readEnvFile: () => undefined, probe })
      ).findings
        .filter((f) => f.id === 'COORD-METADATA-CONFIG')
        .map((f) => [f.status, f.engineMessage]);
    expect(await config('krishiv-clusterd')).toEqual([['fail', "unknown --leader-backend 'raft' (supported: single, etcd)"]]);
    expect(await config('krishiv-coordinator')).toEqual([['pass', undefined]]);
  });

  it('EnvironmentFile= overrides Environment=; later settings win within each kind; an empty Environment= resets', async () => {
    const unit = `[Service]
Environment=KRISHIV_DURABILITY_PROFILE=dev-local KRISHIV_UI=on
Environment=
Environment=KRISHIV_DURABILITY_PROFILE=dev-local KRISHIV_PRODUCTION=0
EnvironmentFile=/a.env
EnvironmentFile=-/b.env
EnvironmentFile=-/missing.env
ExecStart=/usr/local/bin/krishiv coordinator
`;
    const files: Record<string, string> = {
      '/a.env': 'KRISHIV_PRODUCTION=1\nKRISHIV_DURABILITY_PROFILE=single-node-durable\n',
      '/b.env': 'KRISHIV_DURABILITY_PROFILE=distributed-durable\n',
    };
    const r = await evaluateUnit('c.service', unit, { requireFiles: false, now: new Date(0) }, { readEnvFile: (p) => files[p], probe });
    expect(r.workloads[0]).toMatchObject({ kind: 'Unit', name: 'c.service', role: 'coordinator', line: 8 }); // the ExecStart= line
    const notHere = r.findings.filter((f) => f.id === 'UNIT-ENV-FILE-NOT-HERE');
    expect(notHere.map((f) => [f.status, f.location])).toEqual([['skip', { file: 'c.service', line: 7 }]]);
    // /missing.env may set or override any variable on the target: what a finding concludes from
    // the variables it names is not decided here (as for an envFrom source not in the input)
    const mode = r.findings.find((f) => f.id === 'MODE-NOT-FAIL-CLOSED')!;
    expect(mode.status).toBe('skip');
    expect(mode.message).toContain('may be set by EnvironmentFile=-/missing.env, which is not on this machine');
    expect(r.findings.filter((f) => f.variables.length > 0 && (f.status === 'fail' || f.status === 'warn'))).toEqual([]);
    // without it: the env profile comes from /b.env (distributed-durable), production from /a.env
    const known = await evaluateUnit(
      'c.service',
      unit.replace('EnvironmentFile=-/missing.env\n', ''),
      { requireFiles: false, now: new Date(0) },
      { readEnvFile: (p) => files[p], probe },
    );
    expect(known.findings.find((f) => f.id === 'UNIT-ENV-FILE-NOT-HERE')).toBeUndefined();
    expect(known.findings.find((f) => f.id === 'MODE-NOT-FAIL-CLOSED')!.status).toBe('pass');
    expect(r.findings.every((f) => f.workload?.name === 'c.service')).toBe(true);
  });

  const nonPass = async (unit: string, instance?: string) =>
    (
      await evaluateUnit(
        'k@.service',
        unit,
        { ...(instance !== undefined ? { instance } : {}), requireFiles: false, now: new Date(0) },
        { readEnvFile: () => undefined, probe },
      )
    ).findings
      .filter((f) => f.status !== 'pass')
      .map((f) => `${f.id} ${f.status} ${f.location?.line}`);

  it('locates a finding about a flag at the continuation line that holds the flag', async () => {
    const unit = `[Service]
Environment=KRISHIV_DURABILITY_PROFILE=dev-local
ExecStart=/usr/local/bin/krishiv-executor \\
    --connect \\
# a comment inside the continuation is dropped
    --coordinator http://127.0.0.1:9090 \\
    --insecure
`;
    expect(await nonPass(unit, '0')).toContain('CLI-ARG-REFUSED fail 7');
    const profile = `[Service]
ExecStart=/usr/local/bin/krishiv coordinator \\
  --grpc-addr 0.0.0.0:9090 \\
  --durability-profile %i
`;
    expect(await nonPass(profile, 'bogus')).toContain('MODE-PROFILE-INVALID fail 4');
  });

  it('resolves specifiers in each word after splitting, as systemd does (a \\x escape in %i stays as written)', async () => {
    const unit = `[Service]
Environment=KRISHIV_DURABILITY_PROFILE=dev-local
ExecStart=/usr/local/bin/krishiv coordinator --grpc-addr 0.0.0.0:9090 --durability-profile single%inode-durable
`;
    // systemd: the word is split and unescaped first, then %i gives "\x2d" as it is: the profile does not parse
    expect(await nonPass(unit, '\\x2d')).toContain('MODE-PROFILE-INVALID fail 3');
    expect((await nonPass(unit, '-')).filter((r) => r.startsWith('MODE-PROFILE-INVALID'))).toEqual([]);
    // %I unescapes: "-" is "/", so an instance cannot carry a profile with dashes through %I
    const viaI = unit.replace('single%inode-durable', '%I');
    expect(await nonPass(viaI, 'single-node-durable')).toContain('MODE-PROFILE-INVALID fail 3');
    expect(
      (await nonPass(unit.replace('single%inode-durable', '%i'), 'single-node-durable')).filter((r) =>
        r.startsWith('MODE-PROFILE-INVALID'),
      ),
    ).toEqual([]);
  });

  it('a specifier only the target host knows: the variable is set with its value unknown; in ExecStart= the process is undecided', async () => {
    const r = await evaluateUnit(
      'c.service',
      `[Service]
User=krishiv
Environment=KRISHIV_UI_TOKEN=ui-%H-%m KRISHIV_API_KEYS=%H KRISHIV_DURABILITY_PROFILE=dev-local
EnvironmentFile=-%h/krishiv.env
ExecStart=/usr/local/bin/krishiv coordinator --grpc-addr 0.0.0.0:9090
`,
      { requireFiles: false, now: new Date(0) },
      { readEnvFile: () => undefined, probe },
    );
    // the token is set: the UI is not anonymous; what needs its value is not checked
    expect(r.findings.find((f) => f.id === 'UI-ANONYMOUS')?.status).not.toBe('fail');
    expect(r.findings.filter((f) => f.variables.includes('KRISHIV_UI_TOKEN') && (f.status === 'fail' || f.status === 'warn'))).toEqual([]);
    // what needs the key's value is not concluded from the stand-in
    expect(r.findings.filter((f) => f.variables.includes('KRISHIV_API_KEYS') && (f.status === 'fail' || f.status === 'warn'))).toEqual([]);
    expect(r.findings.find((f) => f.id === 'UNIT-ENV-FILE-NOT-HERE')?.message).toContain('EnvironmentFile=-%h/krishiv.env');
    const exec = await nonPass('[Service]\nExecStart=/usr/local/bin/krishiv executor --connect --executor-id exec-%H\n', '1');
    expect(exec).toEqual(['DEPLOY-PROCESS-UNDECIDED skip 2']);
  });

  it('a word before the flags that is not name-shaped (a credential pasted there) is refused without being quoted', async () => {
    const secret = 'QxLk7Vb2Nm9Pz4Rt8Wc3Hy6Jd1Fg5Ks0Ae2Uo7Ib';
    const r = await evaluateUnit(
      'k.service',
      `[Service]\nExecStart=/bin/sh -c 'krishiv coordinator ${secret}'\n`,
      { requireFiles: false, now: new Date(0) },
      { readEnvFile: () => undefined, probe },
    );
    const refused = r.findings.find((f) => f.id === 'CLI-ARG-REFUSED')!;
    expect(refused.status).toBe('fail');
    expect(refused.message).toContain('unknown option: <value not shown>');
    for (const cut of [secret, secret.slice(0, 6), secret.slice(-6)]) expect(JSON.stringify(r)).not.toContain(cut);
  });

  it('an undecided ExecStart= that quotes a secret-kind variable never prints its value', async () => {
    const r = await evaluateUnit(
      'c.service',
      '[Service]\nEnvironment=KRISHIV_UI_TOKEN=Hb7Nm2Qw9Er4Ty6Ui1Op3As8Df5Gh0Jk\nExecStart=/usr/local/bin/krishiv $KRISHIV_UI_TOKEN\n',
      { requireFiles: false, now: new Date(0) },
      { readEnvFile: () => undefined, probe },
    );
    expect(r.findings.map((f) => f.id)).toEqual(['DEPLOY-PROCESS-UNDECIDED']);
    expect(JSON.stringify(r.findings)).not.toContain('Hb7Nm2Qw9Er4Ty6Ui1Op3As8Df5Gh0Jk');
  });

  it('refuses an ExecStart= whose $VAR expansions grow past 4 MiB, never building it', async () => {
    const unit = `[Service]\nEnvironment=A=${'x'.repeat(300_000)}\nExecStart=/usr/local/bin/krishiv executor${' $A'.repeat(20)}\n`;
    await expect(
      evaluateUnit('c.service', unit, { requireFiles: false, now: new Date(0) }, { readEnvFile: () => undefined, probe }),
    ).rejects.toThrow(/grows past 4 MiB/);
  });

  it('reads a setting continued over 100,000 lines linearly (the vitest timeout bounds it), with each word on its line', () => {
    const text = `[Service]\nExecStart=/usr/local/bin/krishiv executor \\\n${'  -- \\\n'.repeat(100_000)}  --connect\n`;
    const exec = parseUnitFile(text, 'u.service').sections.get('Service')![0]!;
    const starts: number[] = [];
    const words = splitUnitWords(exec.value, 'l', starts);
    expect(words.length).toBe(100_003);
    expect(lineAt(exec, starts[words.length - 1]!)).toBe(100_003);
    expect(lineAt(exec, starts[2]!)).toBe(3);
  });

  it('refuses a template unit without --instance', async () => {
    await expect(
      evaluateUnit(
        'x@.service',
        '[Service]\nExecStart=/bin/true\n',
        { requireFiles: false, now: new Date(0) },
        { readEnvFile: () => undefined, probe },
      ),
    ).rejects.toThrow(/--instance/);
  });

  it('never throws anything but its typed error on any unit text (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom(
            '[Service]',
            'ExecStart=',
            'Environment=',
            '"',
            "'",
            '\\',
            '\n',
            ' ',
            '%i',
            '%q',
            'krishiv coordinator',
            '/bin/sh -c ',
            'A=1',
            '$A',
            '${A}',
            '#',
            '-',
          ),
          { maxLength: 30 },
        ),
        async (parts) => {
          try {
            await evaluateUnit(
              'u@.service',
              parts.join(''),
              { instance: '1', requireFiles: false, now: new Date(0) },
              { readEnvFile: () => undefined, probe },
            );
          } catch (error) {
            if (!isKrishivError(error)) throw error;
          }
        },
      ),
      { numRuns: SOAK },
    );
  });
});
