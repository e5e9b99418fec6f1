import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseCliFlags, splitShellWords } from '../../../src/production/env/cli-flags.js';
import type { Role } from '../../../src/production/types.js';
import { KrishivError } from '../../../src/errors.js';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['  a   b\tc\n', ['a', 'b', 'c']],
    [`'a b' "c d"`, ['a b', 'c d']],
    [`a'b'"c"d`, ['abcd']],
    [`"a \\" \\\\ \\$ \\x"`, ['a " \\ $ \\x']],
    [`'a \\ b'`, ['a \\ b']],
    ['a\\ b', ['a b']],
    [`''`, ['']],
    [`"" x`, ['', 'x']],
  ])('%j', (input, words) => {
    expect(splitShellWords(input)).toEqual(words);
  });

  it.each([
    [`'open`, 'a single quote is never closed'],
    [`"open`, 'a double quote is never closed'],
    ['ends\\', 'the flags end in a lone backslash'],
  ])('refuses %j', (input, message) => {
    expect(() => splitShellWords(input)).toThrow(expect.objectContaining({ code: 'ERR_CLI_FLAGS_PARSE', message, input: '--cli' }));
  });
});

describe('parseCliFlags', () => {
  it('reads a coordinator command line as the coordinator parser does (coordinator_daemon.rs:1156-1221)', () => {
    const flags = parseCliFlags(
      'krishiv coordinator --durability-profile distributed-durable --insecure --flight-addr 0.0.0.0:2003 --shuffle-dir /s ' +
        '--metadata-backend etcd --metadata-path /m --leader-backend etcd --etcd-endpoints http://e1:2379,http://e2:2379 ' +
        "--leader-lease-secs 15 --grpc-addr 0.0.0.0:2001 --http-addr '0.0.0.0:2002' --coordinator-id c1",
      'coordinator',
    );
    expect(flags).toMatchObject({
      durabilityProfile: 'distributed-durable',
      insecure: true,
      flightAddr: '0.0.0.0:2003',
      shuffleDir: '/s',
      metadataBackend: 'etcd',
      metadataPath: '/m',
      leaderBackend: 'etcd',
      etcdEndpoints: 'http://e1:2379,http://e2:2379',
      leaderLeaseSecs: '15',
      grpcAddr: '0.0.0.0:2001',
      httpAddr: '0.0.0.0:2002',
      coordinatorId: 'c1',
      unknown: [],
      positional: ['krishiv', 'coordinator'],
      repeated: [],
      refusals: [],
    });
  });

  it('--connect and --register-once are executor switches (cli.rs:1244-1249)', () => {
    const flags = parseCliFlags('krishiv executor --connect --coordinator http://c:2001 --shuffle-dir /s --task-grpc-addr off', 'executor');
    expect(flags).toMatchObject({ connect: true, coordinator: 'http://c:2001', shuffleDir: '/s', taskGrpcAddr: 'off', refusals: [] });
    expect(parseCliFlags('--connect --register-once', 'executor').refusals).toEqual([
      { process: 'executor', word: '--register-once', message: '--register-once and --connect are mutually exclusive' },
    ]);
  });

  it.each<[string, Role, string, string, string?]>([
    ['--wat', 'executor', '--wat', 'unknown option: --wat'],
    ['--http-addr not-a-port', 'executor', '--http-addr', 'invalid socket address for --http-addr: not-a-port'],
    ['--slots abc', 'executor', '--slots', '--slots must be a positive integer'],
    ['--heartbeat-interval-secs 0', 'executor', '--heartbeat-interval-secs', '--heartbeat-interval-secs must be greater than zero'],
    ['--state-dir', 'executor', '--state-dir', 'missing value for --state-dir'],
    ["--state-dir ' '", 'executor', '--state-dir', 'missing value for --state-dir'],
    ['--flight-addr localhost:2003', 'coordinator', '--flight-addr', 'invalid socket address for --flight-addr: localhost:2003'],
    ['--leader-lease-secs x', 'coordinator', '--leader-lease-secs', 'invalid integer for --leader-lease-secs: x'],
    ['--insecure extra', 'coordinator', 'extra', 'unknown option: extra'],
    // (leak audit) a word out of place that is not name-shaped may be a secret: not quoted
    ['--insecure Zq4NoPeWx8Ty2Pk7Lm', 'coordinator', 'Zq4NoPeWx8Ty2Pk7Lm', 'unknown option: <value not shown>'],
    [
      '--insecure --auth-token=Zq4NoPeWx8Ty2Pk7Lm',
      'coordinator',
      '--auth-token=Zq4NoPeWx8Ty2Pk7Lm',
      'unknown option: --auth-token=<value not shown>',
    ],
    ['--executor-grpc-addr 0.0.0.0', 'operator', '--executor-grpc-addr', 'invalid socket address: 0.0.0.0'],
    ['--bootstrap-executor-slots 0', 'operator', '--bootstrap-executor-slots', '--bootstrap-executor-slots must be greater than zero'],
    // a near miss is an unknown option to the engine (cli.rs:1333-1336, coordinator_daemon.rs:1216-1219); the refusal says which flag was meant
    [
      '--durabilty-profile dev-local',
      'executor',
      '--durabilty-profile',
      'unknown option: --durabilty-profile',
      'did you mean --durability-profile?',
    ],
    [
      '--flight-addr=0.0.0.0:2003',
      'coordinator',
      '--flight-addr=0.0.0.0:2003',
      'unknown option: --flight-addr=<value not shown>',
      'the engine reads flags and values as separate words; did you mean --flight-addr <value not shown>?',
    ],
    ['--conect', 'executor', '--conect', 'unknown option: --conect', 'did you mean --connect?'],
    [
      '--insecure=true',
      'coordinator',
      '--insecure=true',
      'unknown option: --insecure=true',
      '--insecure is a switch and takes no value; did you mean --insecure?',
    ],
    // (a value that may be a secret is not repeated in the hint either)
    [
      '--coordinator=Zq4NoPeWx8Ty2Pk7Lm',
      'executor',
      '--coordinator=Zq4NoPeWx8Ty2Pk7Lm',
      'unknown option: --coordinator=<value not shown>',
      'the engine reads flags and values as separate words; did you mean --coordinator <value not shown>?',
    ],
  ])('%j (%s) is refused as the engine refuses it', (line, role, word, message, hint) => {
    const refusals = parseCliFlags(line, role).refusals;
    expect(refusals).toContainEqual(expect.objectContaining({ word, message }));
    expect(refusals.find((r) => r.word === word)?.hint).toBe(hint);
  });

  it('a value is the next word whatever it looks like (next_daemon_arg)', () => {
    expect(parseCliFlags('--coordinator-id --insecure', 'coordinator')).toMatchObject({
      coordinatorId: '--insecure',
      insecure: false,
      refusals: [],
    });
  });

  it('cluster: each flag goes to the processes that know it', () => {
    const flags = parseCliFlags('--connect --durability-profile single-node-durable --insecure', 'cluster');
    expect(flags).toMatchObject({ connect: true, insecure: true, durabilityProfile: 'single-node-durable', refusals: [] });
  });

  it('roles whose process reads no flags ignore them', () => {
    expect(parseCliFlags('--anything 1', 'flight-server')).toMatchObject({ processes: [], refusals: [], unknown: ['--anything'] });
  });

  it('a string the shell cannot split is an input error', () => {
    expect(() => parseCliFlags(`--state-dir '/x`, 'executor')).toThrow(
      expect.objectContaining({ code: 'ERR_CLI_FLAGS_PARSE', message: 'a single quote is never closed' }),
    );
  });

  it('the last of a repeated flag wins and is reported', () => {
    const flags = parseCliFlags('--durability-profile dev-local --durability-profile single-node-durable', 'executor');
    expect(flags.durabilityProfile).toBe('single-node-durable');
    expect(flags.repeated).toEqual(['--durability-profile']);
  });

  it('never throws anything but KrishivError ERR_CLI_FLAGS_PARSE', () => {
    const unit = fc.constantFrom(
      '--insecure',
      '--state-dir',
      '--flight-addr=',
      '--connect',
      '--connct',
      ' ',
      '"',
      "'",
      '\\',
      'x',
      '=',
      '-',
      '--',
      '\n',
      // program words (the --cli string may start with its program)
      'krishiv ',
      'krishiv-executor ',
      'krishiv-operator ',
      'sh -c ',
      'coordinator ',
      'executor ',
      'clusterd ',
      'sql ',
      '$X ',
      '-h ',
    );
    const roles = fc.constantFrom<Role>('cluster', 'coordinator', 'executor', 'operator', 'flight-server', 'client-http');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit, maxLength: 30 })), roles, (input, role) => {
        try {
          const flags = parseCliFlags(input, role);
          expect(typeof flags.insecure).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
          expect((error as KrishivError).code).toBe('ERR_CLI_FLAGS_PARSE');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips single-quoted words', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 6 }), (words) => {
        const line = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');
        expect(splitShellWords(line)).toEqual(words);
      }),
    );
  });
});

describe('the engine’s own command lines (test/fixtures/engine/command-lines.json)', () => {
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/engine/command-lines.json', import.meta.url), 'utf8')) as {
    shipped: Array<{ source: string; role: Role; cli: string }>;
    parserTests: Array<{ source: string; role: Role; cli: string; refusal: string | null }>;
  };
  it.each(fixture.shipped.map((r) => [r.source, r.role, r.cli] as const))('%s (%s) is accepted', (_source, role, cli) => {
    const flags = parseCliFlags(cli, role);
    expect(flags.refusals).toEqual([]);
    expect(flags.unknown).toEqual([]);
  });
  it.each(fixture.parserTests.map((r) => [r.source, r.cli, r.refusal] as const))('%s: %j → %s', (_source, cli, refusal) => {
    const flags = parseCliFlags(cli, 'executor');
    expect(flags.refusals.map((r) => r.message)).toEqual(refusal === null ? [] : [refusal]);
  });
  it('the shipped executors run with --connect', () => {
    const executors = fixture.shipped.filter((x) => x.role === 'executor');
    // the tables above are generated from the fixture: an emptied one would pass them all
    expect(executors.length).toBeGreaterThan(0);
    expect(fixture.parserTests.filter((r) => r.refusal !== null).length).toBeGreaterThan(0);
    for (const r of executors) expect(parseCliFlags(r.cli, 'executor').connect).toBe(true);
  });
});

describe('--cli that starts with the program (decided as for a container command, src/production/manifest/command.ts)', () => {
  it.each<[string, Role, Partial<Record<'clusterd' | 'help', boolean>>, string[]]>([
    // krishiv-clusterd builds its leader election at start (crates/krishiv-scheduler/src/coordinator_daemon.rs:1639)
    ['krishiv clusterd --leader-backend etcd --etcd-endpoints http://e:2379', 'coordinator', { clusterd: true }, []],
    ['/usr/local/bin/krishiv-clusterd --insecure', 'cluster', { clusterd: true }, []],
    // a word between the subcommand and the flags is an argument the parser refuses (coordinator_daemon.rs:1216-1219)
    ['krishiv coordinator foo --help', 'coordinator', { help: false }, ['unknown option: foo']],
    ['krishiv-operator extra --status-addr 0.0.0.0:2003', 'operator', {}, ['unknown option: extra']],
    // `krishiv executor` (and its krishiv-executor symlink, crates/krishiv/src/main.rs:143-157) prints its help
    // when --help is anywhere, before parsing (crates/krishiv/src/daemon_cmd.rs:291-295)
    ['krishiv executor foo --help', 'executor', { help: true }, []],
    ['/usr/local/bin/krishiv-executor --bogus -h', 'executor', { help: true }, []],
    ['krishiv executor --bogus', 'executor', {}, ['unknown option: --bogus']],
  ])('%j (%s)', (line, role, fields, refusals) => {
    const flags = parseCliFlags(line, role);
    expect(flags).toMatchObject(fields);
    expect(flags.refusals.map((r) => r.message)).toEqual(refusals);
  });

  it('keeps the program words as positional', () => {
    expect(parseCliFlags('/usr/local/bin/krishiv executor --connect', 'executor').positional).toEqual([
      '/usr/local/bin/krishiv',
      'executor',
    ]);
  });

  it('a program of another role than the one checked is an input error that names the role to give', () => {
    expect(() => parseCliFlags('krishiv coordinator --insecure', 'executor')).toThrow(
      expect.objectContaining({ code: 'ERR_CLI_FLAGS_PARSE', message: expect.stringContaining('give --role coordinator') }),
    );
    expect(() => parseCliFlags('krishiv-operator --status-addr 0.0.0.0:1', 'cluster')).toThrow(
      expect.objectContaining({ code: 'ERR_CLI_FLAGS_PARSE', message: expect.stringContaining('give --role operator') }),
    );
  });

  it('a client command fits every client role', () => {
    for (const role of ['client', 'client-http', 'client-flight'] as const)
      expect(parseCliFlags('krishiv sql --query "select 1"', role)).toMatchObject({ processes: [], refusals: [] });
  });

  it('words that name no Krishiv program are skipped as before', () => {
    expect(parseCliFlags('executor --connect', 'executor')).toMatchObject({ connect: true, refusals: [], positional: ['executor'] });
  });
});

describe('--cli with a program, role cluster', () => {
  it('every word goes to that program: krishiv clusterd refuses the executor switch --connect (coordinator_daemon.rs:1216-1219)', () => {
    expect(parseCliFlags('krishiv clusterd --connect', 'cluster').refusals).toEqual([
      expect.objectContaining({ process: 'coordinator', word: '--connect', message: 'unknown option: --connect' }),
    ]);
    // without the program, cluster gives each process the flags it knows (the contract's rule)
    expect(parseCliFlags('--connect --insecure', 'cluster').refusals).toEqual([]);
  });
});

describe("the engine parsers' own tests, word for word", () => {
  const X = 'crates/krishiv-executor/src/cli.rs';
  const O = 'crates/krishiv-operator/src/main.rs';
  it.each<[string, Role, string, string[]]>([
    [`${X}:1865 parses_custom_slots`, 'executor', '--slots 8', []],
    [`${X}:2022 parses_heartbeat_interval`, 'executor', '--heartbeat-interval-secs 5', []],
    [
      `${X}:2032 rejects_zero_heartbeat_interval`,
      'executor',
      '--heartbeat-interval-secs 0',
      ['--heartbeat-interval-secs must be greater than zero'],
    ],
    [
      `${X}:2045 rejects_non_numeric_heartbeat_interval`,
      'executor',
      '--heartbeat-interval-secs xyz',
      ['--heartbeat-interval-secs must be a positive integer'],
    ],
    [`${X}:2058 parses_shuffle_dir`, 'executor', '--shuffle-dir /tmp/shuffle', []],
    [`${X}:2069 shuffle_dir_empty_string_errors`, 'executor', "--shuffle-dir ''", ['missing value for --shuffle-dir']],
    [`${X}:2200 rejects_missing_value_for_flag`, 'executor', '--executor-id', ['missing value for --executor-id']],
    [`${X}:2206 rejects_extra_positional_argument`, 'executor', '--executor-id e1 extra-positional', ['unknown option: extra-positional']],
    [`${O}:516 parses_defaults`, 'operator', '', []],
    [
      `${O}:525 parses_all_namespaces_and_bootstrap_executor`,
      'operator',
      '--all-namespaces --coordinator-id coord-1 --bootstrap-executor-slots 2',
      [],
    ],
    [`${O}:542 parses_status_addr`, 'operator', '--status-addr 0.0.0.0:8080', []],
    [`${O}:551 parses_executor_grpc_addr`, 'operator', '--executor-grpc-addr 0.0.0.0:9090', []],
    [`${O}:565 parses_coordinator_endpoint`, 'operator', '--coordinator-endpoint http://coord.example:9090', []],
    [
      `${O}:581 rejects_zero_bootstrap_slots`,
      'operator',
      '--bootstrap-executor-slots 0',
      ['--bootstrap-executor-slots must be greater than zero'],
    ],
  ])('%s', (_test, role, line, refusals) => {
    expect(parseCliFlags(line, role).refusals.map((r) => r.message)).toEqual(refusals);
  });
});
