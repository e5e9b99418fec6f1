/**
 * One row per check id: a minimal env that triggers it and one that does not, per role.
 * The base env GOOD passes every check for the role; each row sets/deletes variables.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe, type CliFlags, type FileState } from '../../src/production/model.js';
import type { Finding, FindingClass, Role } from '../../src/production/types.js';
import { envSetOf, GOOD, TOK, type VarSpec } from './helpers.js';

const DLNOPROD = { set: { KRISHIV_DURABILITY_PROFILE: 'dev-local' }, del: ['KRISHIV_PRODUCTION'] };
const DLPROD = { set: { KRISHIV_DURABILITY_PROFILE: 'dev-local' } };

interface Mods {
  set?: Record<string, string | VarSpec>;
  del?: string[];
  cli?: CliFlags;
  files?: Record<string, FileState>;
  processEnv?: boolean;
  dotenvInCwd?: string;
}

interface Row {
  id: string;
  role: Role;
  trigger: Mods;
  clean?: Mods;
  expect: 'fail' | 'warn';
  cls?: FindingClass;
  /** a substring of the message or engine message */
  text?: string;
}

function merge(...mods: Array<Mods | undefined>): Mods {
  const out: Mods = { set: {}, del: [], cli: {}, files: {} };
  for (const m of mods) {
    if (!m) continue;
    Object.assign(out.set!, m.set);
    out.del!.push(...(m.del ?? []));
    Object.assign(out.cli!, m.cli);
    Object.assign(out.files!, m.files);
    if (m.processEnv !== undefined) out.processEnv = m.processEnv;
    if (m.dotenvInCwd !== undefined) out.dotenvInCwd = m.dotenvInCwd;
  }
  return out;
}

export function run(role: Role, mods: Mods): Finding[] {
  const env: Record<string, string | VarSpec> = { ...GOOD };
  for (const d of mods.del ?? []) delete env[d];
  Object.assign(env, mods.set ?? {});
  for (const d of mods.del ?? []) if (!(mods.set && d in mods.set)) delete env[d];
  return evaluate({
    envSet: envSetOf(env),
    role,
    cli: mods.cli ?? {},
    files: tableProbe(mods.files ?? {}),
    processEnv: mods.processEnv ?? false,
    ...(mods.dotenvInCwd !== undefined ? { dotenvInCwd: mods.dotenvInCwd } : {}),
  }).findings;
}

const ROWS: Row[] = [
  // crates/krishiv-scheduler/src/coordinator_daemon.rs:1218, crates/krishiv-executor/src/cli.rs:1335, crates/krishiv-operator/src/main.rs:422 (unknown option)
  {
    id: 'CLI-ARG-REFUSED',
    role: 'coordinator',
    trigger: { cli: { refusals: [{ process: 'coordinator', word: '--connect', message: 'unknown option: --connect' }] } },
    clean: { cli: { refusals: [] } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'unknown option: --connect',
  },
  // crates/krishiv-executor/src/cli.rs:1474-1478 (missing value)
  {
    id: 'CLI-ARG-REFUSED',
    role: 'executor',
    trigger: { cli: { refusals: [{ process: 'executor', word: '--state-dir', message: 'missing value for --state-dir' }] } },
    clean: { cli: { refusals: [] } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'missing value',
  },
  // crates/krishiv-scheduler/src/coordinator_daemon.rs:465-467 then 1565: HTTP is bound first, gRPC on its port fails
  {
    id: 'LISTEN-ADDR-COLLISION',
    role: 'coordinator',
    trigger: { set: { KRISHIV_GRPC_ADDR: '0.0.0.0:2002' } },
    clean: { set: { KRISHIV_GRPC_ADDR: '0.0.0.0:2001' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'Address already in use (os error 98)',
  },
  // crates/krishiv-executor/src/cli.rs:90-94 then 385-393
  {
    id: 'LISTEN-ADDR-COLLISION',
    role: 'executor',
    trigger: { set: { KRISHIV_HTTP_ADDR: '127.0.0.1:2005' } },
    clean: { set: { KRISHIV_HTTP_ADDR: '127.0.0.1:2002' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'failed to bind task gRPC addr 0.0.0.0:2005',
  },
  // crates/krishiv-flight-sql/src/service.rs:1419-1421 (strict, untrimmed)
  {
    id: 'FLIGHT-ADDR-INVALID',
    role: 'flight-server',
    trigger: { set: { KRISHIV_FLIGHT_ADDR: 'flight:2003', KRISHIV_API_KEYS: `${TOK.key}=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    clean: { set: { KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003', KRISHIV_API_KEYS: `${TOK.key}=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'invalid socket address syntax',
  },
  {
    id: 'FLIGHT-ADDR-INVALID',
    role: 'flight-server',
    trigger: {
      set: { KRISHIV_FLIGHT_ADDR: ' 0.0.0.0:2003', KRISHIV_API_KEYS: `${TOK.key}=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    },
    clean: { set: { KRISHIV_API_KEYS: `${TOK.key}=a`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  // crates/krishiv-shuffle/src/shuffle_svc.rs:92-94
  {
    id: 'SSVC-ADDR-INVALID',
    role: 'shuffle-svc',
    trigger: { set: { KRISHIV_SHUFFLE_ADDR: 'localhost:7072' } },
    clean: { set: { KRISHIV_SHUFFLE_ADDR: '0.0.0.0:7072' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  { id: 'SSVC-ADDR-INVALID', role: 'shuffle-svc', trigger: { set: { KRISHIV_SHUFFLE_ADDR: '' } }, expect: 'fail', cls: 'REFUSE' },
  // crates/krishiv-shuffle/src/shuffle_svc.rs:110, 515-533 with crates/krishiv-common/src/auth_util.rs:20-25
  {
    id: 'SSVC-TOKEN-UNTRIMMED',
    role: 'shuffle-svc',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN: `${TOK.shuffle} ` } },
    expect: 'fail',
    cls: 'DENY',
  },
  // crates/krishiv-operator/src/main.rs:426-428
  {
    id: 'OP-COORDINATOR-ID',
    role: 'operator',
    trigger: { set: { KRISHIV_COORDINATOR_ID: '  ' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'coordinator id cannot be empty',
  },
  // crates/krishiv-scheduler/src/auth.rs:619-627 (to_str), crates/krishiv-executor/src/grpc_client.rs:107-118
  {
    id: 'ENG-TOKEN-NOT-ASCII',
    role: 'client',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN: `${TOK.coord}é` } },
    clean: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord, KRISHIV_FLIGHT_API_KEY: TOK.key } },
    expect: 'fail',
    cls: 'DENY',
  },
  {
    id: 'ENG-TOKEN-NOT-ASCII',
    role: 'coordinator',
    trigger: { set: { KRISHIV_UI_TOKEN: `${TOK.ui}\u0001x` } },
    expect: 'fail',
    cls: 'DENY',
  },
  // crates/krishiv-executor/src/transport.rs:91-103 via crates/krishiv-executor/src/cli.rs:84
  {
    id: 'EXEC-CONFIG-INVALID',
    role: 'executor',
    trigger: { set: { KRISHIV_EXECUTOR_ID: ' ' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'executor id cannot be empty',
  },
  {
    id: 'EXEC-CONFIG-INVALID',
    role: 'executor',
    trigger: { cli: { slots: '0' } },
    clean: { cli: { slots: '2' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'task slots must be greater than zero',
  },
  { id: 'MODE-NOT-FAIL-CLOSED', role: 'cluster', trigger: DLNOPROD, expect: 'fail', cls: 'MODE' },
  { id: 'MODE-NOT-FAIL-CLOSED', role: 'executor', trigger: DLNOPROD, expect: 'fail', cls: 'MODE' },
  { id: 'MODE-NOT-FAIL-CLOSED', role: 'operator', trigger: DLNOPROD, expect: 'fail', cls: 'MODE' },
  {
    id: 'MODE-NOT-FAIL-CLOSED',
    role: 'shuffle-svc',
    trigger: { ...DLNOPROD, cli: { durabilityProfile: 'distributed-durable' } },
    expect: 'fail',
    cls: 'MODE',
  },
  {
    id: 'MODE-PROFILE-INVALID',
    role: 'coordinator',
    trigger: { set: { KRISHIV_DURABILITY_PROFILE: 'single_node_durable' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: "unknown durability profile 'single_node_durable'",
  },
  {
    id: 'MODE-PROFILE-INVALID',
    role: 'executor',
    trigger: { set: { KRISHIV_DURABILITY_PROFILE: 'durable' } },
    expect: 'warn',
    cls: 'WARN',
    text: 'silently',
  },
  { id: 'MODE-PROFILE-INVALID', role: 'flight-server', trigger: { set: { KRISHIV_DURABILITY_PROFILE: 'd' } }, expect: 'warn', cls: 'WARN' },
  {
    id: 'MODE-PROFILE-INVALID',
    role: 'executor',
    trigger: { cli: { durabilityProfile: 'prod' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: "unknown --durability-profile 'prod'",
  },
  {
    id: 'COORD-GRPC-TOKENS-MISSING',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'distributed-durable requires non-empty KRISHIV_COORDINATOR_BEARER_TOKEN',
  },
  {
    id: 'COORD-GRPC-TOKENS-MISSING',
    role: 'cluster',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], set: { KRISHIV_COORDINATOR_BEARER_TOKENS: ',,' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'reject-all',
  },
  {
    id: 'COORD-TOKEN-FILE-UNREADABLE',
    role: 'coordinator',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/t' }, files: { '/run/t': { state: 'missing' } } },
    clean: {
      set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/t' },
      files: { '/run/t': { state: 'ok', content: `${TOK.coord}\n`, mode: 0o600 } },
    },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'failed to read coordinator bearer token configuration',
  },
  {
    id: 'COORD-TOKEN-FILE-UNREADABLE',
    role: 'coordinator',
    trigger: merge(DLPROD, {
      set: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/run/t' },
      files: { '/run/t': { state: 'unreadable', error: 'Permission denied (os error 13)' } },
    }),
    clean: merge(DLPROD, { set: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/run/t' }, files: { '/run/t': { state: 'missing' } } }),
    expect: 'fail',
    cls: 'DENY',
  },
  {
    id: 'COORD-TOKEN-FILE-UNREADABLE',
    role: 'operator',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t' }, files: { '/t': { state: 'missing' } } },
    expect: 'fail',
    cls: 'DENY',
  },
  {
    id: 'COORD-INSECURE-DURABLE',
    role: 'coordinator',
    trigger: { set: { KRISHIV_ALLOW_ANONYMOUS: 'true' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'distributed-durable rejects --insecure coordinator gRPC',
  },
  { id: 'COORD-INSECURE-DURABLE', role: 'cluster', trigger: { cli: { insecure: true } }, expect: 'fail', cls: 'REFUSE' },
  {
    id: 'COORD-EXEC-TOKEN-MISSING',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'COORD-EXEC-TOKEN-MISSING',
    role: 'cluster',
    trigger: { set: { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: '   ' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'COORD-HTTP-TOKENS-MISSING',
    role: 'coordinator',
    trigger: merge(DLPROD, { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] }),
    clean: merge(DLPROD, { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], set: { KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' } }),
    expect: 'fail',
    cls: 'REFUSE',
    text: 'coordinator HTTP is enabled but no bearer tokens are configured',
  },
  {
    id: 'COORD-METADATA-PROFILE',
    role: 'coordinator',
    trigger: { set: { KRISHIV_METADATA_BACKEND: 'rocksdb' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'distributed-durable requires --metadata-backend etcd',
  },
  {
    id: 'COORD-METADATA-PROFILE',
    role: 'cluster',
    trigger: {
      set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_METADATA_BACKEND: 'rocksdb', KRISHIV_LEADER_BACKEND: 'single' },
    },
    clean: {
      set: {
        KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
        KRISHIV_METADATA_BACKEND: 'rocksdb',
        KRISHIV_METADATA_PATH: '/m',
        KRISHIV_LEADER_BACKEND: 'single',
      },
    },
    expect: 'fail',
    text: 'single-node-durable requires --metadata-path',
  },
  {
    id: 'COORD-METADATA-PROFILE',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_ETCD_ENDPOINTS'] },
    expect: 'fail',
    text: 'distributed-durable requires --etcd-endpoints or KRISHIV_ETCD_ENDPOINTS',
  },
  {
    id: 'COORD-METADATA-CONFIG',
    role: 'coordinator',
    trigger: { set: { KRISHIV_LEADER_LEASE_SECS: '0' } },
    clean: { set: { KRISHIV_LEADER_LEASE_SECS: '15' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: '--leader-lease-secs must be greater than zero',
  },
  {
    // krishiv-clusterd builds its leader election at start; the standalone coordinator never reads the value
    // (crates/krishiv-scheduler/src/coordinator_daemon.rs:116-126, 1639)
    id: 'COORD-METADATA-CONFIG',
    role: 'coordinator',
    trigger: merge(DLPROD, { set: { KRISHIV_LEADER_BACKEND: 'raft' }, cli: { clusterd: true } }),
    clean: merge(DLPROD, { set: { KRISHIV_LEADER_BACKEND: 'raft' } }),
    expect: 'fail',
    text: "unknown --leader-backend 'raft' (supported: single, etcd)",
  },
  {
    id: 'COORD-METADATA-CONFIG',
    role: 'coordinator',
    trigger: merge(DLPROD, { set: { KRISHIV_METADATA_BACKEND: 'sqlite' }, del: ['KRISHIV_LEADER_BACKEND'] }),
    expect: 'fail',
    text: "unknown --metadata-backend 'sqlite'; supported: memory, rocksdb, etcd",
  },
  {
    id: 'COORD-TLS-PAIR',
    role: 'coordinator',
    trigger: { set: { KRISHIV_TLS_CERT: '/tls/cert.pem' } },
    clean: {
      set: { KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k' },
      files: {
        '/c': { state: 'ok', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', mode: 0o644 },
        '/k': { state: 'ok', content: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n', mode: 0o600 },
      },
    },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'KRISHIV_TLS_CERT and KRISHIV_TLS_KEY must both be set or both unset',
  },
  {
    id: 'COORD-TLS-PAIR',
    role: 'coordinator',
    trigger: {
      set: { KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k' },
      files: { '/c': { state: 'ok', content: 'PEM', mode: 0o644 }, '/k': { state: 'missing' } },
    },
    expect: 'fail',
    text: 'KRISHIV_TLS_KEY: cannot read /k',
  },
  {
    id: 'COORD-GRPC-DENY-ALL',
    role: 'coordinator',
    trigger: merge(DLPROD, { set: { KRISHIV_ALLOW_ANONYMOUS: '1' } }),
    expect: 'fail',
    cls: 'DENY',
    text: 'anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1',
  },
  {
    id: 'COORD-GRPC-DENY-ALL',
    role: 'cluster',
    trigger: merge(DLNOPROD, { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] }),
    expect: 'fail',
    cls: 'DENY',
  },
  {
    id: 'COORD-GRPC-ANONYMOUS',
    role: 'coordinator',
    trigger: merge(DLNOPROD, { set: { KRISHIV_ALLOW_ANONYMOUS: 'yes' } }),
    expect: 'fail',
    cls: 'OPEN',
  },
  {
    id: 'COORD-HTTP-ANONYMOUS',
    role: 'coordinator',
    trigger: { set: { KRISHIV_ALLOW_ANONYMOUS_HTTP: 'on' } },
    expect: 'fail',
    cls: 'OPEN',
    text: 'anonymous HTTP override is active in production mode',
  },
  { id: 'COORD-HTTP-ANONYMOUS', role: 'cluster', trigger: DLNOPROD, expect: 'fail', cls: 'OPEN' },
  { id: 'COORD-HTTP-ANONYMOUS', role: 'operator', trigger: { set: { KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' } }, expect: 'fail', cls: 'OPEN' },
  {
    id: 'COORD-OIDC-NO-AUDIENCE',
    role: 'coordinator',
    trigger: { set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks' } },
    clean: { set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: 'krishiv' } },
    expect: 'warn',
    cls: 'WARN',
    text: 'KRISHIV_OIDC_AUDIENCE must be set when JWT auth is active in production mode',
  },
  {
    id: 'COORD-OIDC-OVERRIDDEN-BY-RELOAD',
    role: 'coordinator',
    trigger: {
      set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: 'a', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '30' },
    },
    clean: { set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: 'a' } },
    expect: 'warn',
    cls: 'WARN',
  },
  {
    id: 'COORD-RELOAD-DISABLED',
    role: 'coordinator',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/t' } },
    clean: { set: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/t', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '30' } },
    expect: 'warn',
    cls: 'WARN',
  },
  {
    id: 'COORD-RELOAD-DISABLED',
    role: 'operator',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: 'soon' } },
    expect: 'warn',
    text: 'invalid coordinator auth reload interval',
  },
  {
    id: 'FLIGHT-API-KEYS-MISSING',
    role: 'flight-server',
    trigger: {},
    clean: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'KRISHIV_API_KEYS is required under durable profiles',
  },
  {
    id: 'FLIGHT-API-KEYS-MISSING',
    role: 'cluster',
    trigger: { set: { KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' } },
    clean: { set: { KRISHIV_FLIGHT_ADDR: 'flight:2003' } },
    expect: 'fail',
    cls: 'DENY',
  },
  { id: 'FLIGHT-API-KEYS-MISSING', role: 'coordinator', trigger: { cli: { flightAddr: '127.0.0.1:2003' } }, expect: 'fail', cls: 'DENY' },
  {
    id: 'FLIGHT-API-KEYS-MALFORMED',
    role: 'flight-server',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.key}` } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'invalid KRISHIV_API_KEYS entry',
  },
  {
    id: 'FLIGHT-API-KEYS-MALFORMED',
    role: 'flight-server',
    trigger: merge(DLNOPROD, { set: { KRISHIV_API_KEYS: ' , ,' } }),
    expect: 'fail',
    cls: 'OPEN',
    text: 'KRISHIV_API_KEYS must list at least one key; serving anonymously (dev only)',
  },
  {
    id: 'FLIGHT-POLICY-MISSING',
    role: 'flight-server',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice` } },
    clean: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: 'true' } },
    expect: 'fail',
    cls: 'DENY',
    text: 'auth is configured but no policy engine is set',
  },
  { id: 'FLIGHT-ANONYMOUS', role: 'flight-server', trigger: DLNOPROD, expect: 'fail', cls: 'OPEN' },
  {
    id: 'UI-TOKEN-MISSING',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_UI_TOKEN'] },
    clean: { del: ['KRISHIV_UI_TOKEN'], set: { KRISHIV_UI: 'OFF' } },
    expect: 'fail',
    cls: 'DENY',
    text: 'krishiv-ui: no UI token configured; denying all protected routes',
  },
  {
    id: 'UI-TOKEN-MISSING',
    role: 'cluster',
    trigger: {
      del: ['KRISHIV_UI_TOKEN'],
      set: { KRISHIV_UI_TOKEN_FILE: '/ui' },
      files: { '/ui': { state: 'unreadable', error: 'Permission denied (os error 13)' } },
    },
    clean: {
      del: ['KRISHIV_UI_TOKEN'],
      set: { KRISHIV_UI_TOKEN_FILE: '/ui' },
      files: { '/ui': { state: 'ok', content: TOK.ui, mode: 0o600 } },
    },
    expect: 'fail',
    cls: 'DENY',
  },
  {
    id: 'UI-ANONYMOUS',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_UI_TOKEN'], set: { KRISHIV_UI_TOKEN_FILE: '' } },
    expect: 'fail',
    cls: 'OPEN',
    text: 'even under fail-closed',
  },
  { id: 'UI-ANONYMOUS', role: 'cluster', trigger: merge(DLNOPROD, { del: ['KRISHIV_UI_TOKEN'] }), expect: 'fail', cls: 'OPEN' },
  {
    id: 'EXEC-TASK-TOKEN-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] },
    clean: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'], cli: { taskGrpcAddr: 'off', barrierGrpcAddr: 'off' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: "durability profile 'distributed-durable' requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN",
  },
  {
    id: 'EXEC-TASK-TOKEN-MISSING',
    role: 'cluster',
    trigger: merge(DLPROD, { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] }),
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'EXEC-REQUIRE-WITHOUT-TOKEN',
    role: 'executor',
    trigger: merge(DLNOPROD, { set: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: '1' }, del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] }),
    clean: merge(DLNOPROD, { set: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: '1' } }),
    expect: 'fail',
    cls: 'REFUSE',
    text: 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true requires',
  },
  {
    id: 'EXEC-MEMORY-CHECKPOINT',
    role: 'executor',
    trigger: { set: { KRISHIV_CHECKPOINT_STORAGE: 'memory://cp' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: "checkpoint URI 'memory://cp' is forbidden for durability profile 'distributed-durable'",
  },
  {
    id: 'EXEC-MEMORY-CHECKPOINT',
    role: 'executor',
    trigger: merge(DLPROD, { del: ['KRISHIV_CHECKPOINT_STORAGE'] }),
    expect: 'fail',
    cls: 'REFUSE',
    text: 'memory:// checkpoint URIs are forbidden',
  },
  { id: 'EXEC-MEMORY-CHECKPOINT', role: 'cluster', trigger: { cli: { checkpointUri: 'memory://' } }, expect: 'fail', cls: 'REFUSE' },
  {
    id: 'EXEC-DD-SHUFFLE-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_SHUFFLE_DIR'] },
    clean: { del: ['KRISHIV_SHUFFLE_DIR'], set: { KRISHIV_SHUFFLE_URI: 'file:///s' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'EXEC-DD-SHUFFLE-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_SHUFFLE_DIR'], set: { KRISHIV_SHUFFLE_URI: 's3://b/s' } },
    expect: 'fail',
    text: 'also requires --shuffle-dir',
  },
  {
    id: 'EXEC-DD-STATE-DIR-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_STATE_DIR'] },
    clean: { del: ['KRISHIV_STATE_DIR'], cli: { stateDir: '/s' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  { id: 'EXEC-DD-CHECKPOINT-MISSING', role: 'cluster', trigger: { del: ['KRISHIV_CHECKPOINT_STORAGE'] }, expect: 'fail', cls: 'REFUSE' },
  {
    id: 'EXEC-STATE-DIR-REQUIRED',
    role: 'executor',
    trigger: merge(DLPROD, { del: ['KRISHIV_STATE_DIR'] }),
    clean: merge(DLPROD, {
      del: ['KRISHIV_STATE_DIR'],
      set: { KRISHIV_STATE_BACKEND: 'disaggregated', KRISHIV_STATE_DFS_ROOT: 's3://b/st' },
    }),
    expect: 'fail',
    cls: 'REFUSE',
    text: 'durable profile requires a file-backed state directory',
  },
  {
    id: 'EXEC-SHUFFLE-TOKEN-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_SHUFFLE_TOKEN'] },
    clean: { del: ['KRISHIV_SHUFFLE_TOKEN'], set: { KRISHIV_SHUFFLE_URI: 's3://b/s' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'SEC-3',
  },
  {
    id: 'EXEC-SHUFFLE-TOKEN-MISSING',
    role: 'executor',
    trigger: {
      del: ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_DIR', 'KRISHIV_STATE_DIR', 'KRISHIV_CHECKPOINT_STORAGE'],
      set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    },
    expect: 'fail',
  },
  // crates/krishiv-executor/src/grpc.rs:493-513, crates/krishiv-executor/src/barrier_grpc.rs:115-140
  {
    id: 'EXEC-TASK-ANONYMOUS',
    role: 'executor',
    trigger: merge(DLNOPROD, { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] }),
    clean: merge(DLNOPROD, { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'], cli: { taskGrpcAddr: 'off', barrierGrpcAddr: 'off' } }),
    expect: 'fail',
    cls: 'OPEN',
    text: 'UNAUTHENTICATED',
  },
  {
    id: 'EXEC-SHUFFLE-ANONYMOUS',
    role: 'executor',
    trigger: merge(DLNOPROD, { del: ['KRISHIV_SHUFFLE_TOKEN'] }),
    expect: 'fail',
    cls: 'OPEN',
  },
  {
    id: 'EXEC-SHUFFLE-ANONYMOUS',
    role: 'executor',
    trigger: merge(DLNOPROD, { del: ['KRISHIV_SHUFFLE_TOKEN'], cli: { durabilityProfile: 'distributed-durable' } }),
    expect: 'fail',
    cls: 'OPEN',
    text: 'does not reach the shuffle server',
  },
  {
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    role: 'executor',
    trigger: { set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_SHUFFLE_URI: 's3://b/s' } },
    expect: 'fail',
    cls: 'REFUSE',
    text: "got 'single-node-durable'",
  },
  {
    id: 'EXEC-MEMORY-SHUFFLE',
    role: 'executor',
    trigger: { set: { KRISHIV_SHUFFLE_URI: 'memory://' } },
    clean: merge(DLNOPROD, { set: { KRISHIV_SHUFFLE_URI: 'memory://' } }),
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'EXEC-DISAGG-NO-ROOT',
    role: 'executor',
    trigger: { set: { KRISHIV_STATE_BACKEND: ' Disaggregated ' } },
    clean: { set: { KRISHIV_STATE_BACKEND: 'disaggregated', KRISHIV_STATE_DFS_ROOT: 's3://b/st' } },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'EXEC-COORD-TOKEN-MISSING',
    role: 'executor',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'registration failed after 30 attempts',
  },
  {
    id: 'EXEC-COORD-TOKEN-MISSING',
    role: 'executor',
    trigger: merge(DLNOPROD, { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] }),
    expect: 'warn',
    cls: 'REFUSE',
  },
  {
    id: 'EXEC-COORD-TOKEN-MISSING',
    role: 'cluster',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], set: { KRISHIV_COORDINATOR_BEARER_TOKENS: TOK.coord } },
    clean: merge(DLNOPROD, { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], set: { KRISHIV_ALLOW_ANONYMOUS: '1' } }),
    expect: 'fail',
  },
  {
    id: 'EXEC-COORD-TOKEN-NOT-JWT',
    role: 'cluster',
    trigger: { set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: 'krishiv' } },
    clean: {
      set: {
        KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks',
        KRISHIV_OIDC_AUDIENCE: 'krishiv',
        KRISHIV_COORDINATOR_BEARER_TOKEN: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJleGVjIn0.c2lnbmF0dXJl',
      },
    },
    expect: 'fail',
    cls: 'REFUSE',
    text: 'invalid API key',
  },
  {
    id: 'OP-ANONYMOUS-FORBIDDEN',
    role: 'operator',
    trigger: { set: { KRISHIV_ALLOW_ANONYMOUS: '1' } },
    clean: merge(DLNOPROD, { set: { KRISHIV_ALLOW_ANONYMOUS: '1' } }),
    expect: 'fail',
    cls: 'REFUSE',
    text: 'anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1',
  },
  {
    id: 'OP-GRPC-TOKENS-MISSING',
    role: 'operator',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], cli: { executorGrpcAddr: '0.0.0.0:2001' } },
    clean: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'SSVC-TOKEN-MISSING',
    role: 'shuffle-svc',
    trigger: { del: ['KRISHIV_SHUFFLE_TOKEN'] },
    clean: {
      del: ['KRISHIV_SHUFFLE_TOKEN'],
      set: { KRISHIV_SHUFFLE_TOKEN_FILE: '/s' },
      files: { '/s': { state: 'ok', content: TOK.shuffle, mode: 0o600 } },
    },
    expect: 'fail',
    cls: 'REFUSE',
  },
  {
    id: 'SSVC-TOKEN-MISSING',
    role: 'shuffle-svc',
    trigger: {
      del: ['KRISHIV_SHUFFLE_TOKEN'],
      set: { KRISHIV_SHUFFLE_TOKEN_FILE: '/s' },
      files: { '/s': { state: 'ok', content: '  \n', mode: 0o600 } },
    },
    expect: 'fail',
  },
  {
    id: 'SSVC-EMPTY-TOKEN-OPEN',
    role: 'shuffle-svc',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN: '' } },
    clean: { set: { KRISHIV_SHUFFLE_TOKEN: ` ${TOK.shuffle}` } },
    expect: 'fail',
    cls: 'OPEN',
  },
  { id: 'CLIENT-COORD-TOKEN-MISSING', role: 'client-http', trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'] }, expect: 'fail' },
  {
    id: 'CLIENT-COORD-TOKEN-MISSING',
    role: 'client',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN: ' ' }, del: [] },
    clean: { set: { KRISHIV_FLIGHT_API_KEY: TOK.key } },
    expect: 'fail',
  },
  {
    id: 'CLIENT-FLIGHT-KEY-MISSING',
    role: 'client-flight',
    trigger: {},
    clean: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice` } },
    expect: 'fail',
  },
  {
    id: 'ENV-UNKNOWN-FLAG',
    role: 'cluster',
    trigger: { set: { KRISHIV_PRODUCTOIN: '1' } },
    expect: 'warn',
    cls: 'HYGIENE',
    text: 'did you mean KRISHIV_PRODUCTION?',
  },
  {
    id: 'ENV-DEPRECATED-ALIAS',
    role: 'executor',
    trigger: { set: { KRISHIV_COORDINATOR_ENDPOINT: 'http://coord:2001' } },
    clean: { set: { KRISHIV_COORDINATOR_URL: 'http://coord:2001' } },
    expect: 'warn',
    text: 'KRISHIV_COORDINATOR_ENDPOINT is deprecated; use KRISHIV_COORDINATOR_URL',
  },
  {
    id: 'ENV-INVALID-VALUE',
    role: 'executor',
    trigger: { set: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'enabled' } },
    clean: { set: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'TRUE' } },
    expect: 'warn',
    text: 'does not parse as bool',
  },
  { id: 'ENV-INVALID-VALUE', role: 'coordinator', trigger: { set: { KRISHIV_METADATA_BACKEND: 'Etcd' } }, expect: 'warn' },
  {
    id: 'ENV-TOKEN-REUSE',
    role: 'cluster',
    trigger: { set: { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.coord } },
    expect: 'warn',
    text: 'coordinator and executor-task',
  },
  {
    id: 'ENV-TOKEN-REUSE',
    role: 'cluster',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.ui}=bob`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'warn',
    text: 'UI and API key',
  },
  {
    id: 'ENV-CLI-ONLY-PROFILE',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_DURABILITY_PROFILE'], cli: { durabilityProfile: 'distributed-durable' } },
    clean: { cli: { durabilityProfile: 'distributed-durable' } },
    expect: 'warn',
  },
  {
    id: 'ENV-CLI-ONLY-PROFILE',
    role: 'executor',
    trigger: merge(DLNOPROD, { cli: { durabilityProfile: 'single-node-durable' } }),
    expect: 'warn',
  },
  {
    id: 'ENV-SECRET-IN-MANIFEST',
    role: 'cluster',
    trigger: {},
    clean: {
      set: Object.fromEntries(
        ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'KRISHIV_UI_TOKEN', 'KRISHIV_SHUFFLE_TOKEN'].map((n) => [
          n,
          { value: GOOD[n]!, source: 'process-env' as const },
        ]),
      ),
    },
    expect: 'warn',
  },
  { id: 'PROD-PRODUCTION-FLAG', role: 'cluster', trigger: { del: ['KRISHIV_PRODUCTION'] }, expect: 'warn', cls: 'CHECKLIST' },
  { id: 'PROD-PRODUCTION-FLAG', role: 'shuffle-svc', trigger: DLNOPROD, expect: 'fail', cls: 'CHECKLIST' },
  {
    id: 'PROD-COORDINATOR-AUTH',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_COORDINATOR_BEARER_TOKEN'], set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: 'a' } },
    expect: 'fail',
    text: 'OIDC does not replace it',
  },
  {
    id: 'PROD-OIDC-AUDIENCE',
    role: 'cluster',
    trigger: { set: { KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_OIDC_AUDIENCE: ' ' } },
    expect: 'fail',
  },
  {
    id: 'PROD-UI-TOKEN',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_UI_TOKEN'] },
    clean: { del: ['KRISHIV_UI_TOKEN'], set: { KRISHIV_UI_TOKEN_FILE: '/ui' } },
    expect: 'fail',
  },
  { id: 'PROD-EXECUTOR-TASK-TOKEN', role: 'executor', trigger: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] }, expect: 'fail' },
  {
    id: 'PROD-EXECUTOR-TASK-TOKEN',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] },
    clean: { del: ['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'], set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' } },
    expect: 'fail',
  },
  {
    id: 'PROD-CHECKPOINT-STORAGE',
    role: 'executor',
    trigger: { set: { KRISHIV_CHECKPOINT_STORAGE: 'file:///var/lib/krishiv/ck' } },
    expect: 'fail',
    text: 'distributed-durable needs s3://',
  },
  {
    id: 'PROD-CHECKPOINT-STORAGE',
    role: 'cluster',
    trigger: { set: { KRISHIV_CHECKPOINT_STORAGE: 'gs://b/ck' } },
    expect: 'fail',
    text: 'takes this as a local path',
  },
  // the contract's rule: memory/ephemeral/unset-as-memory, a local path outside single-node-durable, or DD without s3:// fail; s3:// never does
  {
    id: 'PROD-CHECKPOINT-STORAGE',
    role: 'executor',
    trigger: { set: { ...DLPROD.set, KRISHIV_CHECKPOINT_STORAGE: 'file:///ck' } },
    clean: { set: { ...DLPROD.set, KRISHIV_CHECKPOINT_STORAGE: 's3://b/ck' } },
    expect: 'fail',
    text: 'local checkpoint storage under dev-local',
  },
  {
    id: 'PROD-CHECKPOINT-STORAGE',
    role: 'executor',
    trigger: { set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_CHECKPOINT_STORAGE: 'ephemeral://x' } },
    clean: { set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_CHECKPOINT_STORAGE: '/var/lib/krishiv/ck' } },
    expect: 'fail',
  },
  { id: 'PROD-DURABLE-PROFILE', role: 'flight-server', trigger: { del: ['KRISHIV_DURABILITY_PROFILE'] }, expect: 'fail' },
  {
    id: 'PROD-DURABLE-PROFILE',
    role: 'coordinator',
    trigger: { del: ['KRISHIV_DURABILITY_PROFILE'] },
    clean: { del: ['KRISHIV_DURABILITY_PROFILE'], cli: { durabilityProfile: 'distributed' } },
    expect: 'fail',
  },
  { id: 'PROD-NO-ANONYMOUS-OVERRIDE', role: 'operator', trigger: { set: { KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' } }, expect: 'fail' },
  { id: 'PROD-NO-ANONYMOUS-OVERRIDE', role: 'coordinator', trigger: { cli: { insecure: true } }, expect: 'fail' },
  { id: 'PROD-KAFKA-COMMIT', role: 'executor', trigger: DLNOPROD, clean: DLPROD, expect: 'fail', cls: 'CHECKLIST' },
  {
    id: 'PROD-OTLP-ENDPOINT',
    role: 'executor',
    trigger: { del: ['OTEL_EXPORTER_OTLP_ENDPOINT'], set: { KRISHIV_OTLP_ENDPOINT: 'http://otel:4317' } },
    expect: 'fail',
    text: 'never reads it',
  },
  { id: 'HYG-PLACEHOLDER-SECRET', role: 'cluster', trigger: { set: { KRISHIV_UI_TOKEN: 'changeme' } }, expect: 'fail', cls: 'HYGIENE' },
  {
    id: 'HYG-PLACEHOLDER-SECRET',
    role: 'client',
    trigger: { set: { KRISHIV_COORDINATOR_BEARER_TOKEN: '<your-token-here>' } },
    expect: 'fail',
  },
  {
    id: 'HYG-PLACEHOLDER-SECRET',
    role: 'flight-server',
    trigger: { set: { KRISHIV_API_KEYS: 'key1=alice', KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'fail',
    text: 'entry 1',
  },
  { id: 'HYG-WEAK-SECRET', role: 'cluster', trigger: { set: { KRISHIV_SHUFFLE_TOKEN: 'Ab3$xYz9' } }, expect: 'fail' },
  {
    id: 'HYG-WEAK-SECRET',
    role: 'cluster',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN: 'x' } },
    expect: 'fail',
    text: 'is weak: 1 character,',
  },
  {
    id: 'HYG-WEAK-SECRET',
    role: 'cluster',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN: 'abababababababababababababababababab' } },
    expect: 'fail',
    text: 'bits',
  },
  {
    id: 'HYG-WEAK-SECRET',
    role: 'cluster',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN: 'k7Gq2Lm9Xp4Rt8Vw3Zb6' } },
    expect: 'warn',
    text: 'short',
  },
  {
    id: 'HYG-UNEXPANDED-VAR',
    role: 'cluster',
    trigger: { set: { KRISHIV_UI_TOKEN: { value: '', unresolved: ['UI_TOKEN'] } } },
    expect: 'fail',
    text: '$UI_TOKEN',
  },
  {
    id: 'HYG-TOKEN-FILE-MODE',
    role: 'cluster',
    trigger: { set: { KRISHIV_UI_TOKEN_FILE: '/ui' }, files: { '/ui': { state: 'ok', content: TOK.ui, mode: 0o644 } } },
    clean: { set: { KRISHIV_UI_TOKEN_FILE: '/ui' }, files: { '/ui': { state: 'ok', content: TOK.ui, mode: 0o600 } } },
    expect: 'fail',
    text: '0644',
  },
  {
    id: 'HYG-TOKEN-FILE-MODE',
    role: 'coordinator',
    trigger: {
      set: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/t', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '30' },
      files: { '/t': { state: 'ok', content: TOK.coord, mode: 0o640 } },
    },
    expect: 'warn',
    text: 'group-readable',
  },
  {
    id: 'HYG-QUOTED-BOOLEAN',
    role: 'cluster',
    trigger: { set: { KRISHIV_PRODUCTION: { value: '1', quoting: 'double' } } },
    expect: 'warn',
  },
  // only where the readings differ: a quoted false-like value means false with and without the quotes
  {
    id: 'HYG-QUOTED-BOOLEAN',
    role: 'cluster',
    trigger: { set: { KRISHIV_UI: { value: 'off', quoting: 'double' } } },
    clean: {
      set: {
        KRISHIV_ALLOW_ANONYMOUS_HTTP: { value: '0', quoting: 'double' },
        KRISHIV_ALLOW_LEGACY_FRAGMENTS: { value: 'false', quoting: 'single' },
      },
    },
    expect: 'warn',
    text: 'not "off"',
  },
  {
    id: 'ENG-API-KEY-ENTRY',
    role: 'flight-server',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.key}==alice`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    clean: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice=ops`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } },
    expect: 'fail',
    text: 'base64 padding',
  },
  {
    id: 'ENG-API-KEY-ENTRY',
    role: 'cluster',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice,${TOK.key}=bob` } },
    expect: 'fail',
    text: 'last one wins',
  },
  {
    id: 'ENG-API-KEY-ENTRY',
    role: 'cluster',
    trigger: { set: { KRISHIV_API_KEYS: `${TOK.key}=alice,=bob` } },
    expect: 'fail',
    text: 'empty key',
  },
  {
    id: 'ENG-CA-CERT-SERVER',
    role: 'coordinator',
    trigger: { set: { KRISHIV_CA_CERT: '/ca.pem', KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k' } },
    clean: { set: { KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k' } },
    expect: 'fail',
    text: 'client certificates',
  },
  { id: 'ENG-CA-CERT-SERVER', role: 'cluster', trigger: { set: { KRISHIV_CA_CERT: '/ca.pem' } }, expect: 'fail', text: 'plaintext' },
  {
    id: 'ENG-CA-CERT-SERVER',
    role: 'coordinator',
    trigger: { set: { KRISHIV_CA_CERT: '/ca.pem', KRISHIV_TLS_CERT: '/c', KRISHIV_TLS_KEY: '/k' } },
    clean: { set: { KRISHIV_CA_CERT: '/ca.pem' } },
    expect: 'fail',
  },
  {
    id: 'ENG-TOKEN-FILE-MULTILINE',
    role: 'coordinator',
    trigger: {
      set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '30' },
      files: { '/t': { state: 'ok', content: `${TOK.coord}\n${TOK.task}\n`, mode: 0o600 } },
    },
    clean: {
      set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t' },
      files: { '/t': { state: 'ok', content: `${TOK.coord}\r\n`, mode: 0o600 } },
    },
    expect: 'fail',
  },
  {
    id: 'ENG-SHUFFLE-RELOAD-ZERO',
    role: 'shuffle-svc',
    trigger: { set: { KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS: '0', KRISHIV_SHUFFLE_TOKEN_FILE: '/s' } },
    clean: { set: { KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS: ' 0', KRISHIV_SHUFFLE_TOKEN_FILE: '/s' } },
    expect: 'fail',
    text: 'panics',
  },
  {
    id: 'ENG-UI-OFF-SPELLING',
    role: 'cluster',
    trigger: { set: { KRISHIV_UI: 'false' } },
    clean: { set: { KRISHIV_UI: 'Off' } },
    expect: 'warn',
  },
  { id: 'ENG-UI-OFF-SPELLING', role: 'coordinator', trigger: { set: { KRISHIV_UI: ' off' } }, expect: 'warn' },
  {
    id: 'ENG-DEAD-FLAG',
    role: 'coordinator',
    trigger: { set: { KRISHIV_OIDC_JWKS_REFRESH_SECS: '600' } },
    expect: 'warn',
    text: 'fetched once',
  },
  {
    id: 'ENG-MCP-HTTP',
    role: 'client',
    trigger: { set: { KRISHIV_MCP_TRANSPORT: 'http' } },
    clean: { set: { KRISHIV_MCP_TRANSPORT: 'stdio' } },
    expect: 'warn',
  },
  {
    id: 'ENG-DOTENV-IN-CWD',
    role: 'cluster',
    trigger: { processEnv: true, dotenvInCwd: '/srv/app/.env' },
    clean: { processEnv: true },
    expect: 'warn',
  },
];

function describeRow(r: Row): string {
  return `${r.id} [${r.role}] ${r.expect}${r.cls ? ` ${r.cls}` : ''}${r.text ? ` "${r.text.slice(0, 40)}"` : ''}`;
}

describe('one row per check id', () => {
  it.each(ROWS.map((r) => [describeRow(r), r] as const))('%s', (_name, row) => {
    const triggered = run(row.role, row.trigger).filter((f) => f.id === row.id && f.status === row.expect);
    expect(
      triggered.length,
      `no ${row.expect} ${row.id} in ${JSON.stringify(run(row.role, row.trigger).filter((f) => f.id === row.id))}`,
    ).toBeGreaterThan(0);
    if (row.cls) expect(triggered.map((f) => f.class)).toContain(row.cls);
    if (row.text) expect(triggered.some((f) => f.message.includes(row.text!) || (f.engineMessage ?? '').includes(row.text!))).toBe(true);
    const clean = run(row.role, row.clean ?? {}).filter((f) => f.id === row.id);
    expect(clean.length, `${row.id} is not reported for ${row.role}`).toBeGreaterThan(0);
    expect(clean.filter((f) => f.status === 'fail' || f.status === 'warn')).toEqual([]);
  });

  it('HYG-TOKEN-FILE-MODE: a file missing under --require-files is not "not checked here"', () => {
    const f = run('cluster', { set: { KRISHIV_UI_TOKEN_FILE: '/ui' }, files: { '/ui': { state: 'missing' } } }).find(
      (x) => x.id === 'HYG-TOKEN-FILE-MODE' && x.variables.includes('KRISHIV_UI_TOKEN_FILE'),
    );
    expect([f?.status, f?.message]).toEqual([
      'skip',
      'the file of KRISHIV_UI_TOKEN_FILE does not exist (--require-files): no mode to check',
    ]);
  });

  it('ENG-TOKEN-FILE-MULTILINE: a file missing under --require-files is not "cannot be read"', () => {
    const f = run('coordinator', { set: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t' }, files: { '/t': { state: 'missing' } } }).find(
      (x) => x.id === 'ENG-TOKEN-FILE-MULTILINE',
    );
    expect([f?.status, f?.message]).toEqual([
      'skip',
      'the file of KRISHIV_COORDINATOR_BEARER_TOKEN_FILE does not exist (--require-files): no content to check',
    ]);
  });

  it('ENV-CLI-ONLY-PROFILE passes with a message that says whether the two profiles agree', () => {
    const msg = (mods: Mods) => run('coordinator', mods).find((f) => f.id === 'ENV-CLI-ONLY-PROFILE')?.message;
    expect(msg({ cli: { durabilityProfile: 'distributed-durable' } })).toBe('the env profile agrees with --durability-profile');
    expect(msg({ set: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' }, cli: { durabilityProfile: 'distributed-durable' } })).toBe(
      "the env profile is single-node-durable: the checks the engine makes through the environment use it, --durability-profile reaches only the daemon's own start-up checks",
    );
    expect(msg({})).toBe('no --durability-profile in --cli');
  });

  it('covers every catalog id (KEYS-* and WAIVER-* have their own tests)', () => {
    const covered = new Set(ROWS.map((r) => r.id));
    const missing = CATALOG.map((c) => c.id).filter(
      (id) => !covered.has(id) && !id.startsWith('KEYS-') && !id.startsWith('WAIVER-') && !/^(K8S|DEPLOY|UNIT|BASELINE)-/.test(id),
    ); // deployment checks: test/production/manifest/
    expect(missing).toEqual([]);
  });

  it('the GOOD env fails nothing for any role', () => {
    for (const role of [
      'cluster',
      'coordinator',
      'executor',
      'flight-server',
      'operator',
      'shuffle-svc',
      'client',
      'client-http',
      'client-flight',
    ] as Role[]) {
      const mods: Mods =
        role === 'flight-server' || role === 'client' || role === 'client-flight'
          ? { set: { KRISHIV_API_KEYS: `${TOK.key}=alice`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' } }
          : {};
      const bad = run(role, mods).filter((f) => f.status === 'fail');
      expect(bad, role).toEqual([]);
    }
  });

  it('checks only appear for their catalog roles', () => {
    for (const role of [
      'cluster',
      'coordinator',
      'executor',
      'flight-server',
      'operator',
      'shuffle-svc',
      'client',
      'client-http',
      'client-flight',
    ] as Role[]) {
      for (const f of run(role, { set: { KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' } })) {
        expect(CATALOG.find((c) => c.id === f.id)!.roles, `${f.id} for ${role}`).toContain(role);
      }
    }
  });

  it('locations: file:line for a present variable, file only for an absent one, null for process-env', () => {
    const f = run('coordinator', { del: ['KRISHIV_UI_TOKEN'] }).find((x) => x.id === 'UI-TOKEN-MISSING')!;
    expect(f.location).toEqual({ file: 'test.env' });
    const g = run('coordinator', { set: { KRISHIV_ALLOW_ANONYMOUS: '1' } }).find((x) => x.id === 'COORD-INSECURE-DURABLE')!;
    expect(g.location).toEqual({ file: 'test.env', line: 14 });
    const h = run('coordinator', { set: { KRISHIV_ALLOW_ANONYMOUS: { value: '1', source: 'process-env' } } }).find(
      (x) => x.id === 'COORD-INSECURE-DURABLE',
    )!;
    expect(h.location).toBeNull();
    const i = run('coordinator', { cli: { insecure: true } }).find((x) => x.id === 'COORD-INSECURE-DURABLE' && x.status === 'fail')!;
    expect(i.location).toBeNull();
  });

  it('never puts a secret value in a finding', () => {
    const secrets = Object.values(TOK);
    const all = [
      ...run('cluster', {
        set: { KRISHIV_API_KEYS: `${TOK.key}`, KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003', KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.coord },
      }),
      ...run('flight-server', { set: { KRISHIV_API_KEYS: `${TOK.key}==x,${TOK.key}=y` } }),
      ...run('client', {}),
    ];
    const text = JSON.stringify(all);
    // findings about the very variables that hold the secrets were made
    expect(all.filter((f) => f.variables.includes('KRISHIV_API_KEYS')).length).toBeGreaterThan(0);
    for (const s of secrets) expect(text).not.toContain(s);
  });
});
