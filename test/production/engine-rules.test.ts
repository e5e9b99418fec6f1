/**
 * One row per engine rule re-derived from the source at e8be785f, each citing the line it
 * mirrors. Each row states the statuses of one check for one env (+ --cli, + files).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/production/evaluate.js';
import { parseCliFlags } from '../../src/production/env/cli-flags.js';
import { tableProbe, type CliFlags, type FileState } from '../../src/production/model.js';
import type { Role } from '../../src/production/types.js';
import { envSetOf, GOOD, TOK } from './helpers.js';

interface Rule {
  source: string;
  role: Role;
  env: Record<string, string>;
  /** `--cli` as a user writes it (parsed by the engine command-line model), or flags */
  cli?: string | CliFlags;
  files?: Record<string, FileState>;
  id: string;
  want: string[];
  /** a substring of one finding's message or engine message */
  text?: string;
}

const DL = { KRISHIV_DURABILITY_PROFILE: 'dev-local' };
const SNGOOD = {
  ...GOOD,
  KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
  KRISHIV_METADATA_BACKEND: 'rocksdb',
  KRISHIV_METADATA_PATH: '/m',
  KRISHIV_LEADER_BACKEND: 'single',
};
const ok = (content: string): FileState => ({ state: 'ok', content, mode: 0o600 });

const RULES: Rule[] = [
  // the coordinator parses its env profile before its flags
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1132-1136',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_DURABILITY_PROFILE: 'durable' },
    cli: '--durability-profile distributed-durable',
    id: 'MODE-PROFILE-INVALID',
    want: ['fail'],
    text: "unknown durability profile 'durable'",
  },
  // metadata-store builder arms, in order
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:188-196',
    role: 'coordinator',
    env: { ...GOOD, ...DL, KRISHIV_METADATA_BACKEND: 'memory', KRISHIV_METADATA_PATH: '/m' },
    id: 'COORD-METADATA-CONFIG',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:274-285',
    role: 'coordinator',
    env: { ...GOOD, ...DL, KRISHIV_METADATA_PATH: '/m', KRISHIV_METADATA_BACKEND: '' },
    id: 'COORD-METADATA-CONFIG',
    want: ['fail'],
    text: "with backend ''",
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:274-285',
    role: 'coordinator',
    env: { ...GOOD, ...DL, KRISHIV_METADATA_PATH: '/m', KRISHIV_METADATA_BACKEND: undefined as unknown as string },
    id: 'COORD-METADATA-CONFIG',
    want: ['fail'],
    text: "with backend '(none)'",
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:259-273 (redb is a legacy alias)',
    role: 'coordinator',
    env: { ...SNGOOD, KRISHIV_METADATA_BACKEND: 'redb' },
    id: 'COORD-METADATA-PROFILE',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:271-273',
    role: 'coordinator',
    env: { ...GOOD, ...DL, KRISHIV_METADATA_BACKEND: 'rocksdb' },
    id: 'COORD-METADATA-CONFIG',
    want: ['fail'],
    text: '--metadata-backend rocksdb requires --metadata-path',
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:286-291',
    role: 'coordinator',
    env: { ...GOOD, ...DL, KRISHIV_METADATA_BACKEND: 'sqlite' },
    id: 'COORD-METADATA-CONFIG',
    want: ['fail'],
    text: "unknown --metadata-backend 'sqlite'",
  },
  // the lease is read untrimmed; an unparsable env value falls back to 15
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1144-1147',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_LEADER_LEASE_SECS: ' 0' },
    id: 'COORD-METADATA-CONFIG',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1229-1231',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_LEADER_LEASE_SECS: '0' },
    id: 'COORD-METADATA-CONFIG',
    want: ['fail'],
  },
  // TLS variables set but empty are read as paths
  {
    source: 'crates/krishiv-scheduler/src/grpc.rs:917-925',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_TLS_CERT: '', KRISHIV_TLS_KEY: '' },
    id: 'COORD-TLS-PAIR',
    want: ['fail'],
    text: 'KRISHIV_TLS_CERT: cannot read',
  },
  {
    source: 'crates/krishiv-scheduler/src/grpc.rs:926-930',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k', KRISHIV_CA_CERT: '' },
    files: { '/c': ok('c'), '/k': ok('k') },
    id: 'COORD-TLS-PAIR',
    want: ['fail'],
    text: 'KRISHIV_CA_CERT',
  },
  // OIDC: the fetch takes only http(s) URLs; anonymous comes first
  {
    source: 'crates/krishiv-scheduler/src/auth.rs:663-672',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_OIDC_JWKS_URI: 'file:///jwks.json' },
    id: 'COORD-OIDC-NO-AUDIENCE',
    want: ['pass'],
    text: 'not an http or https URL',
  },
  {
    source: 'crates/krishiv-scheduler/src/auth.rs:725-734',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_OIDC_JWKS_URI: ' https://idp.example/jwks ' },
    id: 'COORD-OIDC-NO-AUDIENCE',
    want: ['warn'],
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1363-1376',
    role: 'cluster',
    env: { ...GOOD, ...DL, KRISHIV_PRODUCTION: '0', KRISHIV_ALLOW_ANONYMOUS: '1', KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks' },
    id: 'EXEC-COORD-TOKEN-NOT-JWT',
    want: ['pass'],
  },
  {
    source: 'the product checklist; crates/krishiv-scheduler/src/auth.rs:663-672',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_OIDC_JWKS_URI: 'not a url' },
    id: 'PROD-OIDC-AUDIENCE',
    want: ['pass'],
  },
  // a co-located Flight that fails its configuration only logs: the coordinator runs without it
  {
    source: 'crates/krishiv/src/daemon_cmd.rs:228-257; crates/krishiv-flight-sql/src/service.rs:1398-1413',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003', KRISHIV_API_KEYS: 'nokey' },
    id: 'FLIGHT-API-KEYS-MALFORMED',
    want: ['fail'],
    text: 'runs without Flight SQL',
  },
  // the standalone servers parse their addresses strictly
  {
    source: 'crates/krishiv-flight-sql/src/service.rs:1419-1421',
    role: 'flight-server',
    env: { ...GOOD, KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003 ', KRISHIV_API_KEYS: `${TOK.key}=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    id: 'FLIGHT-ADDR-INVALID',
    want: ['fail'],
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1149-1151 (untrimmed, lenient)',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_FLIGHT_ADDR: ' 0.0.0.0:2003' },
    id: 'FLIGHT-API-KEYS-MISSING',
    want: ['pass'],
    text: 'not co-located',
  },
  {
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:92-94',
    role: 'shuffle-svc',
    env: { ...GOOD, KRISHIV_SHUFFLE_ADDR: '[::]:7072' },
    id: 'SSVC-ADDR-INVALID',
    want: ['pass'],
  },
  // the executor's shuffle backends and state store get the executor's own profile
  {
    source: 'crates/krishiv-shuffle/src/storage_uri.rs:98-110 via crates/krishiv-executor/src/cli.rs:597',
    role: 'executor',
    env: { ...GOOD, ...DL, KRISHIV_SHUFFLE_URI: 's3://b/s' },
    cli: '--connect --durability-profile single-node-durable',
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    want: ['fail'],
    text: 'tiered shuffle',
  },
  {
    source: 'crates/krishiv-shuffle/src/storage_uri.rs:125-133',
    role: 'executor',
    env: { ...GOOD, KRISHIV_SHUFFLE_URI: 'memory://' },
    cli: '--connect --durability-profile dev-local',
    id: 'EXEC-MEMORY-SHUFFLE',
    want: ['fail'],
    text: "forbidden for durability profile 'dev-local'",
  },
  {
    source: 'crates/krishiv-state/src/rocksdb_backend.rs:82-89 (ephemeral re-reads the env profile)',
    role: 'executor',
    env: {
      ...GOOD,
      KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
      KRISHIV_PRODUCTION: '0',
      KRISHIV_STATE_DIR: undefined as unknown as string,
    },
    cli: '--durability-profile dev-local --checkpoint-uri file:///ck',
    id: 'EXEC-STATE-DIR-REQUIRED',
    want: ['fail'],
    text: 'ephemeral state backend is forbidden',
  },
  {
    source: 'crates/krishiv-executor/src/cli.rs:1501-1521 (the s3:// test is on the untrimmed URI)',
    role: 'executor',
    env: { ...GOOD, KRISHIV_SHUFFLE_URI: ' s3://b/s', KRISHIV_SHUFFLE_DIR: undefined as unknown as string },
    id: 'EXEC-DD-SHUFFLE-MISSING',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-shuffle/src/storage_uri.rs:145-152 (a plain path is a local store)',
    role: 'executor',
    env: {
      ...GOOD,
      ...DL,
      KRISHIV_PRODUCTION: '0',
      KRISHIV_SHUFFLE_DIR: undefined as unknown as string,
      KRISHIV_SHUFFLE_URI: '/data/shuffle',
      KRISHIV_SHUFFLE_TOKEN: undefined as unknown as string,
    },
    id: 'EXEC-SHUFFLE-ANONYMOUS',
    want: ['fail'],
  },
  {
    source: 'crates/krishiv-executor/src/cli.rs:517-519 (only existence is asked)',
    role: 'executor',
    env: { ...GOOD, KRISHIV_STATE_BACKEND: 'disaggregated', KRISHIV_STATE_DFS_ROOT: '' },
    id: 'EXEC-DISAGG-NO-ROOT',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-executor/src/cli.rs:112-118 (--register-once builds no storage)',
    role: 'executor',
    env: { ...GOOD, KRISHIV_SHUFFLE_URI: 'memory://' },
    cli: '--register-once',
    id: 'EXEC-MEMORY-SHUFFLE',
    want: ['pass'],
  },
  // the operator
  {
    source: 'crates/krishiv-operator/src/main.rs:89-91 with crates/krishiv-scheduler/src/auth.rs:321-330',
    role: 'operator',
    env: { ...GOOD, KRISHIV_COORDINATOR_BEARER_TOKEN: undefined as unknown as string, KRISHIV_COORDINATOR_BEARER_TOKENS: ',' },
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    id: 'OP-GRPC-TOKENS-MISSING',
    want: ['fail'],
    text: 'reject-all',
  },
  {
    source: 'crates/krishiv-operator/src/main.rs:62-74',
    role: 'operator',
    env: { ...GOOD, KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' },
    cli: '--namespace ns',
    id: 'COORD-HTTP-ANONYMOUS',
    want: ['pass'],
    text: 'serves nothing',
  },
  {
    source: 'crates/krishiv-operator/src/main.rs:62-74',
    role: 'operator',
    env: { ...GOOD, KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' },
    cli: '--status-addr 0.0.0.0:8080',
    id: 'COORD-HTTP-ANONYMOUS',
    want: ['fail'],
  },
  // the Flight client's key
  {
    source: 'crates/krishiv-runtime/src/flight_client.rs:112-117',
    role: 'client-flight',
    env: { KRISHIV_API_KEYS: `garbage, ${TOK.key}=alice` },
    id: 'CLIENT-FLIGHT-KEY-MISSING',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-runtime/src/flight_client.rs:112-117',
    role: 'client-flight',
    env: { KRISHIV_API_KEYS: `=nobody,${TOK.key}=alice` },
    id: 'CLIENT-FLIGHT-KEY-MISSING',
    want: ['fail'],
  },
  // token files that are not UTF-8
  {
    source: 'crates/krishiv-scheduler/src/auth.rs:243-245 (read_to_string)',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t' },
    files: { '/t': { state: 'ok', content: 'tok\uFFFD', mode: 0o600, invalidUtf8: true } },
    id: 'COORD-TOKEN-FILE-UNREADABLE',
    want: ['fail'],
    text: 'stream did not contain valid UTF-8',
  },
  {
    source: 'crates/krishiv-ui/src/router.rs:36-47',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_UI_TOKEN: undefined as unknown as string, KRISHIV_UI_TOKEN_FILE: '/u' },
    files: { '/u': { state: 'ok', content: '\uFFFD', mode: 0o600, invalidUtf8: true } },
    id: 'UI-TOKEN-MISSING',
    want: ['fail'],
  },
  // header values that are not visible ASCII
  {
    source: 'crates/krishiv-executor/src/grpc_client.rs:107-118',
    role: 'executor',
    env: { ...GOOD, KRISHIV_COORDINATOR_BEARER_TOKEN: `${TOK.coord}ü` },
    id: 'EXEC-COORD-TOKEN-MISSING',
    want: ['fail'],
    text: 'invalid for gRPC metadata',
  },
  {
    source: 'crates/krishiv-scheduler/src/auth.rs:619-627',
    role: 'coordinator',
    env: { ...GOOD, KRISHIV_COORDINATOR_BEARER_TOKEN: `\uFEFF${TOK.coord}` },
    id: 'COORD-GRPC-DENY-ALL',
    want: ['fail'],
  },
  {
    source: 'crates/krishiv-flight-sql/src/service.rs:1363-1391 (the Flight server reads only KRISHIV_API_KEYS)',
    role: 'flight-server',
    env: {
      ...GOOD,
      KRISHIV_COORDINATOR_BEARER_TOKEN: `${TOK.coord}é`,
      KRISHIV_API_KEYS: `${TOK.key}=a`,
      KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1',
    },
    id: 'ENG-TOKEN-NOT-ASCII',
    want: ['pass'],
  },
  {
    source: 'crates/krishiv-flight-sql/src/service.rs:1363-1391',
    role: 'flight-server',
    env: { ...GOOD, KRISHIV_API_KEYS: `${TOK.key}\u00e9=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    id: 'ENG-TOKEN-NOT-ASCII',
    want: ['fail'],
  },
  // shuffle-svc compares its raw token with the trimmed one presented
  {
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110,515-533',
    role: 'shuffle-svc',
    env: { ...GOOD, KRISHIV_SHUFFLE_TOKEN: ` ${TOK.shuffle}` },
    id: 'SSVC-TOKEN-UNTRIMMED',
    want: ['fail'],
  },
  {
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:159-166',
    role: 'shuffle-svc',
    env: { ...GOOD, KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS: '0', KRISHIV_SHUFFLE_TOKEN_FILE: '' },
    id: 'ENG-SHUFFLE-RELOAD-ZERO',
    want: ['fail'],
  },
  // the executor's configuration
  {
    source: 'crates/krishiv-executor/src/transport.rs:91-93',
    role: 'executor',
    env: GOOD,
    cli: '--connect --slots 0',
    id: 'EXEC-CONFIG-INVALID',
    want: ['fail'],
  },
  // the command line
  {
    source: 'crates/krishiv-executor/src/cli.rs:1474-1478',
    role: 'executor',
    env: GOOD,
    cli: "--connect --shuffle-dir ' '",
    id: 'CLI-ARG-REFUSED',
    want: ['fail'],
    text: 'missing value for --shuffle-dir',
  },
  {
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1216-1219',
    role: 'coordinator',
    env: GOOD,
    cli: '--connect',
    id: 'CLI-ARG-REFUSED',
    want: ['fail'],
    text: 'unknown option: --connect',
  },
];

describe('engine rules, one row each', () => {
  it.each(RULES.map((r) => [r.source, r.id, r] as const))('%s: %s', (_source, id, r) => {
    const env = Object.fromEntries(Object.entries(r.env).filter(([, v]) => v !== undefined));
    const cli = typeof r.cli === 'string' ? parseCliFlags(r.cli, r.role) : (r.cli ?? {});
    const report = evaluate({ envSet: envSetOf(env), role: r.role, cli, files: tableProbe(r.files ?? {}) });
    const mine = report.findings.filter((f) => f.id === id);
    expect(mine.map((f) => f.status)).toEqual(r.want);
    if (r.text !== undefined) expect(mine.some((f) => `${f.message} ${f.engineMessage ?? ''}`.includes(r.text!))).toBe(true);
  });
});
