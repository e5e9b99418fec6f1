import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseU64 } from '../../src/engine/readers.js';
import {
  FLAGS,
  KIND_EXCEPTIONS,
  codeRuleIssue,
  deprecatedAliasOf,
  envIssues,
  flagInfo,
  isFalsy,
  isPrintEnvSecret,
  isSecretName,
  isTruthy,
  parseDurabilityProfile,
  parsesAsF64,
  parsesAsU64,
  rustDebugString,
  SECRET_LAST_LETTERS,
  SECRET_SUFFIXES,
  suggestFlag,
  validateValue,
} from '../../src/production/registry.js';

describe('registry data', () => {
  it('SECRET_LAST_LETTERS are exactly the last letters of the secret suffixes and of the secrets the registry declares', () => {
    const last = (n: string): string => n.charAt(n.length - 1).toUpperCase();
    const derived = new Set([...SECRET_SUFFIXES.map(last), ...FLAGS.filter((f) => f.kind === 'secret').map((f) => last(f.name))]);
    expect([...derived].sort().join('')).toBe(SECRET_LAST_LETTERS);
  });

  it('isSecretName: by the registry where it declares the name, else by suffix (any ASCII case)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...FLAGS.map((f) => f.name)),
          fc
            .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('', ...SECRET_SUFFIXES, '_token', '_Api_Keys', '_TOKE', 'Ｎ', 'ſ'))
            .map(([a, b]) => a + b),
        ),
        (name) => {
          const spec = FLAGS.find((f) => f.name === name);
          const bySuffix = SECRET_SUFFIXES.some(
            (s) => name.length >= s.length && name.slice(-s.length).replace(/[a-z]/g, (c) => c.toUpperCase()) === s,
          );
          expect(isSecretName(name)).toBe(spec !== undefined ? spec.kind === 'secret' : bySuffix);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('ships an exact copy of the shared registry', () => {
    const shipped = readFileSync(new URL('../../src/production/data/krishiv-env-flags.json', import.meta.url), 'utf8');
    let shared: string | undefined;
    try {
      shared = readFileSync(new URL('../../../../shared/data/krishiv-env-flags.json', import.meta.url), 'utf8');
    } catch {
      shared = undefined; // the shared folder is not next to every checkout
    }
    if (shared !== undefined) expect(shipped).toBe(shared);
    expect(FLAGS.length).toBeGreaterThan(150);
  });

  it.each([
    ['KRISHIV_PRODUCTION', 'bool'],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'secret'],
    ['KRISHIV_TLS_KEY', 'path'],
    ['KRISHIV_DURABILITY_PROFILE', 'enum'],
    ['KRISHIV_GRPC_ADDR', 'socketaddr'],
    ['KRISHIV_ICEBERG_REST_TOKEN', 'secret'],
  ])('flagInfo(%s).kind = %s', (name, kind) => {
    expect(flagInfo(name)?.kind).toBe(kind);
  });

  it('pass-through prefixes: only names longer than the prefix', () => {
    expect(flagInfo('KRISHIV_ICEBERG_REST_CREDENTIAL')).toMatchObject({ kind: 'text', passThrough: true });
    expect(flagInfo('KRISHIV_ICEBERG_REST_')).toBeUndefined();
    expect(flagInfo('KRISHIV_NOPE')).toBeUndefined();
  });

  it('deprecated aliases', () => {
    expect(deprecatedAliasOf('KRISHIV_COORDINATOR')).toBe('KRISHIV_COORDINATOR_URL');
    expect(deprecatedAliasOf('KRISHIV_COORDINATOR_ENDPOINT')).toBe('KRISHIV_COORDINATOR_URL');
    expect(deprecatedAliasOf('KRISHIV_COORDINATOR_URL')).toBeUndefined();
    expect(deprecatedAliasOf('toString')).toBeUndefined();
  });
});

describe('truthy / falsy (surface §2.1)', () => {
  it.each(['1', 'true', 'TRUE', ' yes ', 'On', '\ton\n'])('truthy %j', (v) => expect(isTruthy(v)).toBe(true));
  it.each(['', '0', 'false', 'no', 'off', 'enabled', 'y', '2', 'ＴＲＵＥ'])('not truthy %j', (v) => expect(isTruthy(v)).toBe(false));
  it.each(['', '  ', '0', 'False', 'NO', 'off'])('falsy %j', (v) => expect(isFalsy(v)).toBe(true));
  it.each(['enabled', 'disabled', 'nope', '00'])('neither %j', (v) => {
    expect(isTruthy(v)).toBe(false);
    expect(isFalsy(v)).toBe(false);
  });
});

describe('validateValue = the engine validate_value warning text (surface §1)', () => {
  it.each<[string, string, string | undefined]>([
    [
      'KRISHIV_PRODUCTION',
      'enabled',
      'KRISHIV_PRODUCTION does not parse as bool (1/true/yes/on or 0/false/no/off): "enabled" will be treated as false',
    ],
    ['KRISHIV_PRODUCTION', ' true ', undefined],
    ['KRISHIV_PRODUCTION', '', undefined],
    [
      'KRISHIV_PRODUCTION',
      '"1"',
      'KRISHIV_PRODUCTION does not parse as bool (1/true/yes/on or 0/false/no/off): "\\"1\\"" will be treated as false',
    ],
    ['KRISHIV_LEADER_LEASE_SECS', 'abc', 'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "abc"'],
    ['KRISHIV_LEADER_LEASE_SECS', '-1', 'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "-1"'],
    ['KRISHIV_LEADER_LEASE_SECS', '+15', undefined],
    ['KRISHIV_LEADER_LEASE_SECS', '18446744073709551615', undefined],
    [
      'KRISHIV_LEADER_LEASE_SECS',
      '18446744073709551616',
      'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "18446744073709551616"',
    ],
    ['KRISHIV_LEADER_LEASE_SECS', ' 15 ', undefined],
    ['KRISHIV_LEADER_LEASE_SECS', '1_000', 'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "1_000"'],
    ['KRISHIV_ROCKSDB_MAX_OPEN_FILES', '-1', undefined],
    ['KRISHIV_ROCKSDB_MAX_OPEN_FILES', '1.5', 'KRISHIV_ROCKSDB_MAX_OPEN_FILES does not parse as integer: "1.5"'],
    ['KRISHIV_AQE_SKEW_FACTOR', '4.', undefined],
    ['KRISHIV_AQE_SKEW_FACTOR', 'inf', undefined],
    ['KRISHIV_AQE_SKEW_FACTOR', '0x10', 'KRISHIV_AQE_SKEW_FACTOR does not parse as number: "0x10"'],
    ['KRISHIV_GRPC_ADDR', '0.0.0.0:2001', undefined],
    ['KRISHIV_GRPC_ADDR', '[::]:2001', undefined],
    ['KRISHIV_GRPC_ADDR', 'localhost:2001', 'KRISHIV_GRPC_ADDR does not parse as host:port socket address: "localhost:2001"'],
    ['KRISHIV_GRPC_ADDR', '0.0.0.0', 'KRISHIV_GRPC_ADDR does not parse as host:port socket address: "0.0.0.0"'],
    ['KRISHIV_GRPC_ADDR', '0.0.0.0:65536', 'KRISHIV_GRPC_ADDR does not parse as host:port socket address: "0.0.0.0:65536"'],
    [
      'KRISHIV_DURABILITY_PROFILE',
      'production',
      'KRISHIV_DURABILITY_PROFILE does not parse as one of the documented values: "production" (expected one of ["dev-local", "single-node-durable", "distributed-durable"])',
    ],
    // the validator's quirks (surface §2.2): prefixes and underscores pass, `local` warns
    ['KRISHIV_DURABILITY_PROFILE', 'd', undefined],
    ['KRISHIV_DURABILITY_PROFILE', 'SINGLE_NODE_DURABLE', undefined],
    [
      'KRISHIV_DURABILITY_PROFILE',
      'local',
      'KRISHIV_DURABILITY_PROFILE does not parse as one of the documented values: "local" (expected one of ["dev-local", "single-node-durable", "distributed-durable"])',
    ],
    [
      'KRISHIV_METADATA_BACKEND',
      'etcd',
      'KRISHIV_METADATA_BACKEND does not parse as one of the documented values: "etcd" (expected one of ["memory", "rocksdb", "redb"])',
    ],
    ['KRISHIV_UI', 'enabled', 'KRISHIV_UI does not parse as bool (1/true/yes/on or 0/false/no/off): "enabled" will be treated as false'],
    // secrets, text, paths, urls and lists are never inspected
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', ' weird value ', undefined],
    ['KRISHIV_CHECKPOINT_STORAGE', 'not a url', undefined],
    ['KRISHIV_NOT_A_FLAG', 'x', undefined],
  ])('%s=%j', (name, value, expected) => {
    expect(validateValue(name, value)?.message).toBe(expected);
  });

  it('splits kind and hint', () => {
    expect(validateValue('KRISHIV_LEADER_LEASE_SECS', 'x')).toEqual({
      name: 'KRISHIV_LEADER_LEASE_SECS',
      kind: 'unsigned integer',
      hint: '"x"',
      message: 'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "x"',
    });
  });

  it.each<[string, boolean]>([
    ['127.0.0.1:80', true],
    ['01.2.3.4:80', false],
    ['1.2.3.4:0080', true],
    ['256.1.1.1:1', false],
    ['[::1]:80', true],
    ['[fe80::1%2]:80', true],
    ['[fe80::1%eth0]:80', false],
    ['[::ffff:1.2.3.4]:80', true],
    ['::1:80', false],
    ['[::1]', false],
    ['1.2.3.4:', false],
    ['1.2.3.4:+80', false],
  ])('socket address %j → %s (the one port of the Rust parser, engine/addr.ts)', (v, ok) =>
    expect(validateValue('KRISHIV_GRPC_ADDR', ` ${v}\n`) === undefined).toBe(ok),
  );

  it.each<[string, boolean]>([
    ['1', true],
    ['1.', true],
    ['.5', true],
    ['1e5', true],
    ['-1E-5', true],
    ['NaN', true],
    ['Infinity', true],
    ['.', false],
    ['1e', false],
    ['1_0', false],
    ['', false],
  ])('f64 %j → %s', (v, ok) => expect(parsesAsF64(v)).toBe(ok));

  it('u64 accepts + but not -', () => {
    expect(parsesAsU64('+0')).toBe(true);
    expect(parsesAsU64('-0')).toBe(false);
    expect(parsesAsU64('+')).toBe(false);
  });

  it.each([
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["it's", '"it\'s"'],
    ['tab\tnl\ncr\rnul\0', '"tab\\tnl\\ncr\\rnul\\0"'],
    ['bell\u0007', '"bell\\u{7}"'],
    ['é', '"é"'],
  ])('rust {:?} of %j', (v, expected) => expect(rustDebugString(v)).toBe(expected));

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLAGS.map((f) => f.name), 'KRISHIV_X', 'OTHER'), fc.string(), (name, value) => {
        const result = validateValue(name, value);
        if (result) expect(result.message.startsWith(`${name} does not parse as `)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('envIssues = what log_env_issues logs for one variable', () => {
  it('unknown KRISHIV_ names', () => {
    expect(envIssues('KRISHIV_OTLP_ENDPOINT', 'x')).toEqual([
      {
        kind: 'unknown',
        name: 'KRISHIV_OTLP_ENDPOINT',
        message: 'unrecognized environment flag KRISHIV_OTLP_ENDPOINT (not in the KRISHIV_* registry; typo?)',
      },
    ]);
  });
  it('deprecated aliases', () => {
    expect(envIssues('KRISHIV_COORDINATOR', 'http://c:2001').map((i) => i.message)).toEqual([
      'KRISHIV_COORDINATOR is deprecated; use KRISHIV_COORDINATOR_URL',
    ]);
  });
  it('invalid values', () => {
    expect(envIssues('KRISHIV_PRODUCTION', 'yes please').map((i) => i.kind)).toEqual(['invalid']);
  });
  it('ignores names outside KRISHIV_ and valid values', () => {
    expect(envIssues('OTEL_EXPORTER_OTLP_ENDPOINT', 'x')).toEqual([]);
    expect(envIssues('KRISHIV_PRODUCTION', '1')).toEqual([]);
  });
});

describe('the code rule where the declared kind is wrong (surface §8.6)', () => {
  it('lists its exceptions with a source', () => {
    expect(Object.keys(KIND_EXCEPTIONS).sort()).toEqual(['KRISHIV_DURABILITY_PROFILE', 'KRISHIV_METADATA_BACKEND', 'KRISHIV_UI']);
    for (const e of Object.values(KIND_EXCEPTIONS)) expect(e.source).toMatch(/^crates\/[\w-]+\/src\/[\w/.-]+\.rs:\d+/);
  });
  it.each<[string, string, string | undefined]>([
    ['KRISHIV_METADATA_BACKEND', 'etcd', undefined],
    ['KRISHIV_METADATA_BACKEND', 'rocksdb', undefined],
    [
      'KRISHIV_METADATA_BACKEND',
      'RocksDB',
      'KRISHIV_METADATA_BACKEND is "RocksDB": the coordinator matches exactly one of memory, rocksdb, redb, etcd',
    ],
    ['KRISHIV_UI', 'off', undefined],
    ['KRISHIV_UI', 'OFF', undefined],
    ['KRISHIV_UI', 'enabled', undefined],
    ['KRISHIV_UI', 'false', 'KRISHIV_UI="false" does not turn the UI off: only "off" does'],
    ['KRISHIV_UI', ' off', 'KRISHIV_UI=" off" does not turn the UI off: only "off" does'],
    ['KRISHIV_DURABILITY_PROFILE', 'local', undefined],
    ['KRISHIV_DURABILITY_PROFILE', 'd', "unknown durability profile 'd'"],
    ['KRISHIV_DURABILITY_PROFILE', ' Single_Node_Durable ', "unknown durability profile 'single_node_durable'"],
    ['KRISHIV_LEADER_LEASE_SECS', 'x', 'KRISHIV_LEADER_LEASE_SECS does not parse as unsigned integer: "x"'],
  ])('%s=%j', (name, value, expected) => {
    expect(codeRuleIssue(name, value)).toBe(expected);
  });
  it.each([
    ['dev', 'dev-local'],
    [' SINGLE ', 'single-node-durable'],
    ['distributed', 'distributed-durable'],
    ['', undefined],
    ['durable', undefined],
  ])('parseDurabilityProfile(%j) = %s', (v, p) => expect(parseDurabilityProfile(v)).toBe(p));
});

describe('secrets (contract "Secrets and fingerprints")', () => {
  it.each<[string, boolean, boolean]>([
    // name, isSecretName, isPrintEnvSecret
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', true, true],
    ['KRISHIV_COORDINATOR_BEARER_TOKENS', true, true],
    ['KRISHIV_API_KEYS', true, true],
    ['KRISHIV_FLIGHT_API_KEY', true, true],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', false, false],
    ['KRISHIV_TLS_KEY', false, true],
    ['KRISHIV_COORDINATOR_AUTH_SECRET_KEY', false, true],
    ['KRISHIV_COORDINATOR_AUTH_SECRET_NAME', false, false],
    ['KRISHIV_ICEBERG_REST_PASSWORD', true, true],
    ['DATABASE_PASSWORD', true, true],
    ['GITHUB_TOKEN', true, true],
    ['STRIPE_API_KEY', true, true],
    ['AWS_SECRET', true, true],
    ['SSH_KEY', false, true],
    ['HOME', false, false],
    ['KRISHIV_PRODUCTION', false, false],
    // the suffix rule is case-insensitive, whatever letter the name ends in
    ['db_password', true, true],
    ['ci_api_keys', true, true],
    ['Vault_Token', true, true],
    ['app_tokens', true, true],
    ['webhook_secret', true, true],
    ['APP_SETTING_12', false, false],
  ])('%s', (name, secret, printSecret) => {
    expect(isSecretName(name)).toBe(secret);
    expect(isPrintEnvSecret(name)).toBe(printSecret);
  });
});

describe('suggestFlag', () => {
  it.each<[string, string | undefined]>([
    ['KRISHIV_PRODUCTON', 'KRISHIV_PRODUCTION'],
    ['krishiv_production', 'KRISHIV_PRODUCTION'],
    ['KRISIHV_PRODUCTION', 'KRISHIV_PRODUCTION'],
    ['KRISHIV_COORDINATOR_BEARER_TOKN', 'KRISHIV_COORDINATOR_BEARER_TOKEN'],
    ['KRISHIV_UI_TOKEN_FIEL', 'KRISHIV_UI_TOKEN_FILE'],
    ['KRISHIV_PRODUCTION', undefined],
    ['KRISHIV_OTLP_ENDPOINT', undefined],
    ['HOME', undefined],
    ['KRISHIV_COMPLETELY_DIFFERENT', undefined],
  ])('%s → %s', (name, expected) => expect(suggestFlag(name)).toBe(expected));
});

const RUNS = { numRuns: 3000 };
describe('loops that replaced regular expressions on the start-up path (each is compiled at its first use, at every start)', () => {
  it('isSecretName for names the registry does not declare: /_(?:TOKEN|TOKENS|SECRET|PASSWORD|API_KEY|API_KEYS)$/i', () => {
    const suffix = fc.constantFrom(
      '_TOKEN',
      '_tokens',
      '_Secret',
      '_PASSWORD',
      '_api_key',
      '_API_KEYS',
      '_KEY',
      'TOKEN',
      '_TOKEN_',
      '_\u017fECRET',
      '_TO\u212aEN',
    );
    const name = fc.tuple(fc.constantFrom('MY_APP', 'X', '', 'OTHER_THING'), suffix).map(([a, b]) => a + b);
    fc.assert(
      fc.property(fc.oneof(name, fc.string({ maxLength: 12 })), (n) => {
        expect(isSecretName(n)).toBe(/_(?:TOKEN|TOKENS|SECRET|PASSWORD|API_KEY|API_KEYS)$/i.test(n));
      }),
      RUNS,
    );
  });
  // parsesAsU64 is parseU64's verdict: its property test is test/engine/readers.test.ts's
  it('parsesAsU64 says what parseU64 says', () => {
    for (const s of ['0', '+7', '18446744073709551615', '18446744073709551616', '-1', ' 1', ''])
      expect(parsesAsU64(s)).toBe(parseU64(s) !== undefined);
  });
});
