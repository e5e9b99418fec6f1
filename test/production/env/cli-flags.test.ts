import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLI_VALUE_FLAGS, parseCliFlags, splitShellWords } from '../../../src/production/env/cli-flags.js';
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
  it('reads every verdict-changing flag in both forms', () => {
    const flags = parseCliFlags(
      'coordinator --durability-profile distributed-durable --insecure --flight-addr=0.0.0.0:2003 --shuffle-dir /s ' +
        '--shuffle-uri s3://b/s --state-dir /st --checkpoint-uri "s3://b/ck" --metadata-backend etcd --metadata-path /m ' +
        '--leader-backend etcd --etcd-endpoints=http://e1:2379,http://e2:2379 --leader-lease-secs 15 --grpc-addr 0.0.0.0:2001 ' +
        "--http-addr '0.0.0.0:2002' --task-grpc-addr off --barrier-grpc-addr off --executor-grpc-addr 0.0.0.0:9 " +
        '--connect --coordinator http://c:2001',
    );
    expect(flags).toMatchObject({
      durabilityProfile: 'distributed-durable',
      insecure: true,
      flightAddr: '0.0.0.0:2003',
      shuffleDir: '/s',
      shuffleUri: 's3://b/s',
      stateDir: '/st',
      checkpointUri: 's3://b/ck',
      metadataBackend: 'etcd',
      metadataPath: '/m',
      leaderBackend: 'etcd',
      etcdEndpoints: 'http://e1:2379,http://e2:2379',
      leaderLeaseSecs: '15',
      grpcAddr: '0.0.0.0:2001',
      httpAddr: '0.0.0.0:2002',
      taskGrpcAddr: 'off',
      barrierGrpcAddr: 'off',
      executorGrpcAddr: '0.0.0.0:9',
      connect: true,
      coordinator: 'http://c:2001',
      unknown: [],
      positional: ['coordinator'],
      repeated: [],
    });
    expect(flags.given).toHaveLength(19);
    expect(Object.keys(CLI_VALUE_FLAGS)).toHaveLength(17);
  });

  it('reads --connect as the executor does: a mode flag without a value (krishiv-executor/src/cli.rs:1247)', () => {
    const flags = parseCliFlags('executor --coordinator http://c:2001 --connect --slots 2');
    expect(flags.connect).toBe(true);
    expect(flags.coordinator).toBe('http://c:2001');
    expect(() => parseCliFlags('--connect=yes')).toThrow(/takes no value/);
  });

  it('keeps unknown flags and their values without failing', () => {
    const flags = parseCliFlags('--slots 4 --insecure -v --foo=bar');
    expect(flags.insecure).toBe(true);
    expect(flags.unknown).toEqual(['--slots', '-v', '--foo=bar']);
    expect(flags.positional).toEqual(['4']);
  });

  it('an empty value with = is a value; a value may start with a single dash', () => {
    expect(parseCliFlags('--state-dir=').stateDir).toBe('');
    expect(parseCliFlags('--state-dir -').stateDir).toBe('-');
  });

  it('the last of a repeated flag wins and is reported', () => {
    const flags = parseCliFlags('--durability-profile dev-local --durability-profile=single-node-durable');
    expect(flags.durabilityProfile).toBe('single-node-durable');
    expect(flags.repeated).toEqual(['--durability-profile']);
  });

  it('words after -- are positional', () => {
    expect(parseCliFlags('-- --insecure').insecure).toBe(false);
  });

  it.each([
    ['--durability-profile', '--durability-profile needs a value'],
    ['--flight-addr --insecure', '--flight-addr needs a value'],
    ['--insecure=true', '--insecure takes no value'],
    [`--state-dir '/x`, 'a single quote is never closed'],
  ])('refuses %j', (input, message) => {
    expect(() => parseCliFlags(input)).toThrow(expect.objectContaining({ code: 'ERR_CLI_FLAGS_PARSE', message }));
  });

  it('never throws anything but KrishivError ERR_CLI_FLAGS_PARSE', () => {
    const unit = fc.constantFrom('--insecure', '--state-dir', '--flight-addr=', ' ', '"', "'", '\\', 'x', '=', '-', '--', '\n');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit, maxLength: 30 })), (input) => {
        try {
          const flags = parseCliFlags(input);
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
