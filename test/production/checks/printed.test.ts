/**
 * Each binary's print path: the engineMessage of a failing finding is the text the engine's process
 * prints, as its binary prints it. The expected texts are vectors (test/fixtures/engine/printed.json)
 * from a harness that builds the error values as the engine builds them (the error types' Display
 * formats, Rust's own Debug and io::Error) and formats them as each binary's main does; one row per
 * message, naming the engine line that prints it. A prefix dropped from a message fails its row.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/production/catalog.js';
import { makeContext } from '../../../src/production/checks/context.js';
import { EXECUTOR_PREFIX, executorPrints, operatorPrints, printedBy } from '../../../src/production/checks/printed.js';
import { rustDebugString } from '../../../src/engine/text.js';
import { parseCliFlags } from '../../../src/production/env/cli-flags.js';
import { tableProbe, type FileState } from '../../../src/production/model.js';
import type { Role } from '../../../src/production/types.js';
import { envSetOf, TOK } from '../helpers.js';

interface Vectors {
  engine: string;
  printed: Record<string, string>;
  strDebug: Array<[string, string]>;
}
const V = JSON.parse(readFileSync(new URL('../../fixtures/engine/printed.json', import.meta.url), 'utf8')) as Vectors;

interface Row {
  /** the vector's key (or, where no vector can be made without the library, the text itself in `text`) */
  key?: string;
  text?: string;
  id: string;
  role: Role;
  env?: Record<string, string>;
  cli?: string;
  files?: Record<string, FileState>;
  /** where the engine makes the message and where its binary prints it */
  cite: string;
}

const EXE =
  'crates/krishiv-executor/src/main.rs:54 (eprintln!("{error}") of ExecutorError::LocalExecution, error.rs:39-40, From<String> 62-65)';
const OPR = 'crates/krishiv-operator/src/main.rs:103-126 (main returns Box<dyn Error>: Rust prints `Error: {:?}`)';
const SN = { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' };
const DD = { KRISHIV_DURABILITY_PROFILE: 'distributed-durable' };
const TASK = { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task };
const COORD = { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord };

const ROWS: Row[] = [
  // ---- executor
  {
    key: 'exec-task-token',
    id: 'EXEC-TASK-TOKEN-MISSING',
    role: 'executor',
    env: SN,
    cite: `crates/krishiv-executor/src/cli.rs:1374-1382; ${EXE}`,
  },
  {
    key: 'exec-require',
    id: 'EXEC-REQUIRE-WITHOUT-TOKEN',
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true' },
    cite: `crates/krishiv-executor/src/grpc.rs:134-143; ${EXE}`,
  },
  {
    key: 'exec-slots',
    id: 'EXEC-CONFIG-INVALID',
    role: 'executor',
    cli: '--slots 0',
    cite: `crates/krishiv-executor/src/cli.rs:1349-1355; ${EXE}`,
  },
  {
    key: 'exec-id',
    id: 'EXEC-CONFIG-INVALID',
    role: 'executor',
    env: { KRISHIV_EXECUTOR_ID: ' ' },
    cite: `crates/krishiv-executor/src/transport.rs:100-103; crates/krishiv-proto/src/ids.rs:10-11; ${EXE}`,
  },
  {
    key: 'exec-ckpt-explicit',
    id: 'EXEC-MEMORY-CHECKPOINT',
    role: 'executor',
    env: { ...SN, ...TASK, KRISHIV_CHECKPOINT_STORAGE: 'memory://x' },
    cite: `crates/krishiv-executor/src/cli.rs:1421-1433; ${EXE}`,
  },
  {
    key: 'exec-ckpt-env',
    id: 'EXEC-MEMORY-CHECKPOINT',
    role: 'executor',
    env: { ...DD, ...TASK },
    cli: '--durability-profile dev-local',
    cite: `crates/krishiv-executor/src/cli.rs:501-503; crates/krishiv-state/src/checkpoint/storage_uri.rs:24-33, metadata.rs:9-10; ${EXE}`,
  },
  {
    key: 'exec-dd-shuffle',
    id: 'EXEC-DD-SHUFFLE-MISSING',
    role: 'executor',
    env: { ...DD, ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:1535-1540; ${EXE}`,
  },
  {
    key: 'exec-dd-shuffle-s3',
    id: 'EXEC-DD-SHUFFLE-MISSING',
    role: 'executor',
    env: { ...DD, ...TASK, KRISHIV_SHUFFLE_URI: 's3://b/p' },
    cite: `crates/krishiv-executor/src/cli.rs:1513-1520; ${EXE}`,
  },
  {
    key: 'exec-dd-state',
    id: 'EXEC-DD-STATE-DIR-MISSING',
    role: 'executor',
    env: { ...DD, ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:1568-1573; ${EXE}`,
  },
  {
    key: 'exec-dd-ckpt',
    id: 'EXEC-DD-CHECKPOINT-MISSING',
    role: 'executor',
    env: { ...DD, ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:1604-1610; ${EXE}`,
  },
  {
    key: 'exec-state-durable',
    id: 'EXEC-STATE-DIR-REQUIRED',
    role: 'executor',
    env: { KRISHIV_PRODUCTION: '1', ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:533-536; crates/krishiv-state/src/rocksdb_backend.rs:113, error.rs:4-5; ${EXE}`,
  },
  {
    key: 'exec-state-ephemeral',
    id: 'EXEC-STATE-DIR-REQUIRED',
    role: 'executor',
    env: SN,
    cli: '--durability-profile dev-local',
    cite: `crates/krishiv-executor/src/cli.rs:533-536; crates/krishiv-state/src/rocksdb_backend.rs:86, error.rs:4-5; ${EXE}`,
  },
  {
    key: 'exec-sec3',
    id: 'EXEC-SHUFFLE-TOKEN-MISSING',
    role: 'executor',
    env: { ...SN, ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:646-654; crates/krishiv-shuffle/src/flight.rs:606-617, token_auth.rs:60-73; ${EXE}`,
  },
  {
    key: 'exec-s3-profile',
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    role: 'executor',
    env: { ...SN, ...TASK, KRISHIV_SHUFFLE_URI: 's3://b/p' },
    cite: `crates/krishiv-executor/src/cli.rs:604-605; crates/krishiv-shuffle/src/storage_uri.rs:98-108 and 139-140, error.rs:5-6; ${EXE}`,
  },
  {
    key: 'exec-tiered-profile',
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    role: 'executor',
    env: { ...SN, ...TASK, KRISHIV_SHUFFLE_URI: 's3://b/p', KRISHIV_SHUFFLE_DIR: '/data/shuffle' },
    cite: `crates/krishiv-executor/src/cli.rs:596-602; crates/krishiv-shuffle/src/storage_uri.rs:98-108 and 165, error.rs:5-6; ${EXE}`,
  },
  {
    key: 'exec-s3-bucket',
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    role: 'executor',
    env: { KRISHIV_SHUFFLE_URI: 's3://' },
    cite: `crates/krishiv-executor/src/cli.rs:604-605; crates/krishiv-shuffle/src/storage_uri.rs:68-72 and 141; ${EXE}`,
  },
  {
    key: 'exec-memory-shuffle',
    id: 'EXEC-MEMORY-SHUFFLE',
    role: 'executor',
    env: { ...SN, ...TASK, KRISHIV_SHUFFLE_URI: 'memory://' },
    cite: `crates/krishiv-executor/src/cli.rs:604-605; crates/krishiv-shuffle/src/storage_uri.rs:125-132; ${EXE}`,
  },
  {
    key: 'exec-disagg',
    id: 'EXEC-DISAGG-NO-ROOT',
    role: 'executor',
    env: { KRISHIV_STATE_BACKEND: 'disaggregated' },
    cite: `crates/krishiv-executor/src/cli.rs:517-519; ${EXE}`,
  },
  {
    key: 'exec-reg-missing',
    id: 'EXEC-COORD-TOKEN-MISSING',
    role: 'executor',
    env: { ...SN, ...TASK },
    cite: `crates/krishiv-executor/src/cli.rs:303-308, transport.rs:34-42 and 54-60; crates/krishiv-scheduler/src/auth.rs:519; tonic 0.14 src/status.rs (Display); ${EXE}`,
  },
  {
    key: 'exec-reg-metadata',
    id: 'EXEC-COORD-TOKEN-MISSING',
    role: 'executor',
    env: { ...SN, ...TASK, KRISHIV_COORDINATOR_BEARER_TOKEN: 'tökén-with-accents' },
    cite: `crates/krishiv-executor/src/grpc_client.rs:112-116, cli.rs:303-308; ${EXE}`,
  },
  {
    key: 'exec-reg-invalid',
    id: 'EXEC-COORD-TOKEN-NOT-JWT',
    role: 'cluster',
    env: { ...COORD, ...TASK, KRISHIV_OIDC_JWKS_URI: 'https://idp.example/jwks' },
    cite: `crates/krishiv-scheduler/src/auth.rs:510; crates/krishiv-executor/src/cli.rs:303-308; ${EXE}`,
  },
  {
    key: 'exec-bind-task',
    id: 'LISTEN-ADDR-COLLISION',
    role: 'executor',
    env: { KRISHIV_HTTP_ADDR: '0.0.0.0:2005' },
    cite: `crates/krishiv-executor/src/cli.rs:385-393; ${EXE}`,
  },
  {
    key: 'exec-cli-unknown',
    id: 'CLI-ARG-REFUSED',
    role: 'executor',
    cli: '--bogus',
    cite: `crates/krishiv-executor/src/cli.rs:1333-1337; ${EXE}`,
  },
  {
    key: 'exec-cli-missing',
    id: 'CLI-ARG-REFUSED',
    role: 'executor',
    cli: '--slots',
    cite: `crates/krishiv-executor/src/cli.rs:1474-1478; ${EXE}`,
  },
  {
    key: 'exec-cli-profile',
    id: 'MODE-PROFILE-INVALID',
    role: 'executor',
    cli: '--durability-profile prod',
    cite: `crates/krishiv-executor/src/cli.rs:1322-1331; ${EXE}`,
  },
  // ---- operator
  {
    key: 'op-anonymous',
    id: 'OP-ANONYMOUS-FORBIDDEN',
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'true', KRISHIV_PRODUCTION: '1' },
    cite: `crates/krishiv-operator/src/main.rs:86; crates/krishiv-scheduler/src/auth.rs:425; ${OPR}`,
  },
  {
    key: 'op-grpc-tokens',
    id: 'OP-GRPC-TOKENS-MISSING',
    role: 'operator',
    cli: '--executor-grpc-addr 0.0.0.0:9090',
    cite: `crates/krishiv-operator/src/main.rs:93-99; ${OPR}`,
  },
  {
    key: 'op-coordinator-id',
    id: 'OP-COORDINATOR-ID',
    role: 'operator',
    env: { KRISHIV_COORDINATOR_ID: ' ' },
    cite: `crates/krishiv-operator/src/main.rs:426-428; ${OPR}`,
  },
  {
    key: 'op-cli-missing',
    id: 'CLI-ARG-REFUSED',
    role: 'operator',
    cli: '--namespace',
    cite: `crates/krishiv-operator/src/main.rs:505-509; ${OPR}`,
  },
  {
    key: 'op-cli-unknown',
    id: 'CLI-ARG-REFUSED',
    role: 'operator',
    cli: '--bogus',
    cite: `crates/krishiv-operator/src/main.rs:420; ${OPR}`,
  },
  {
    key: 'op-bind',
    id: 'LISTEN-ADDR-COLLISION',
    role: 'operator',
    cli: '--status-addr 0.0.0.0:2002',
    cite: `crates/krishiv-operator/src/main.rs:161-183 (an io::Error, boxed as it is: its Debug); ${OPR}`,
  },
  // ---- coordinator (its Display, crates/krishiv/src/daemon_cmd.rs:151-157, krishiv_coordinator.rs:58)
  {
    key: 'coord-insecure',
    id: 'COORD-INSECURE-DURABLE',
    role: 'coordinator',
    env: { ...SN, ...COORD },
    cli: '--insecure',
    cite: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1307-1312; crates/krishiv/src/daemon_cmd.rs:151',
  },
  {
    key: 'coord-bind',
    id: 'LISTEN-ADDR-COLLISION',
    role: 'coordinator',
    env: { KRISHIV_GRPC_ADDR: '0.0.0.0:2002' },
    cite: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1565; crates/krishiv/src/daemon_cmd.rs:151',
  },
  {
    // tonic::transport::Error's Display is its kind alone (tonic 0.14 src/transport/error.rs): no harness without tonic
    text: 'transport error',
    id: 'COORD-TLS-PAIR',
    role: 'coordinator',
    env: { KRISHIV_TLS_CERT: '/tls/cert.pem', KRISHIV_TLS_KEY: '/tls/key.pem' },
    files: {
      '/tls/cert.pem': { state: 'ok', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', mode: 0o600 },
      '/tls/key.pem': { state: 'ok', content: 'not a key\n', mode: 0o600 },
    },
    cite: 'crates/krishiv-scheduler/src/grpc.rs:973, coordinator_daemon.rs:1580; crates/krishiv/src/daemon_cmd.rs:151',
  },
  // ---- shuffle service and the standalone Flight SQL server (their Display)
  {
    key: 'ssvc-sec3',
    id: 'SSVC-TOKEN-MISSING',
    role: 'shuffle-svc',
    env: SN,
    cite: 'crates/krishiv-shuffle/src/shuffle_svc.rs:130-133, token_auth.rs:60-73; crates/krishiv-shuffle/src/bin/krishiv_shuffle_svc.rs:37',
  },
  {
    key: 'flight-keys',
    id: 'FLIGHT-API-KEYS-MISSING',
    role: 'flight-server',
    env: SN,
    cite: 'crates/krishiv-flight-sql/src/service.rs:1368-1373; crates/krishiv-flight-sql/src/bin/krishiv_flight_server.rs:36',
  },
  {
    key: 'flight-addr',
    id: 'FLIGHT-ADDR-INVALID',
    role: 'flight-server',
    env: { KRISHIV_FLIGHT_ADDR: 'localhost:2003' },
    cite: 'crates/krishiv-flight-sql/src/service.rs:1417-1423; crates/krishiv-flight-sql/src/bin/krishiv_flight_server.rs:36',
  },
  // ---- log lines (a warning or error the process logs and runs on): the message, then the fields that carry the reason
  {
    key: 'log-reload-invalid',
    id: 'COORD-RELOAD-DISABLED',
    role: 'coordinator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/token', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '30s' },
    files: { '/run/token': { state: 'ok', content: `${TOK.coord}\n`, mode: 0o600 } },
    cite: 'crates/krishiv-scheduler/src/auth.rs:363-372',
  },
  {
    key: 'log-reload-overflow',
    id: 'COORD-RELOAD-DISABLED',
    role: 'coordinator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/token', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: ' 18446744073709551616 ' },
    files: { '/run/token': { state: 'ok', content: `${TOK.coord}\n`, mode: 0o600 } },
    cite: 'crates/krishiv-scheduler/src/auth.rs:358-372 (the value trimmed)',
  },
  {
    key: 'log-profile-invalid',
    id: 'MODE-PROFILE-INVALID',
    role: 'shuffle-svc',
    env: { KRISHIV_DURABILITY_PROFILE: ' Prod ' },
    cite: 'crates/krishiv-common/src/production.rs:38-43, durability.rs:95-100',
  },
  {
    key: 'log-env-unknown',
    id: 'ENV-UNKNOWN-FLAG',
    role: 'coordinator',
    env: { KRISHIV_BOGUS_FLAG: '1' },
    cite: 'crates/krishiv-common/src/env_registry.rs:1463-1469 and 1571-1574',
  },
  {
    key: 'log-flight-colocated',
    id: 'FLIGHT-API-KEYS-MISSING',
    role: 'coordinator',
    env: { ...SN, ...COORD, KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' },
    cite: 'crates/krishiv-flight-sql/src/service.rs:1368-1373 and 1407; crates/krishiv/src/daemon_cmd.rs:249-253',
  },
  {
    key: 'log-oidc-audience',
    id: 'COORD-OIDC-NO-AUDIENCE',
    role: 'coordinator',
    env: { ...COORD, KRISHIV_PRODUCTION: '1', KRISHIV_OIDC_JWKS_URI: 'https://idp.example/jwks' },
    cite: 'crates/krishiv-scheduler/src/auth.rs:727-731 and 809-814',
  },
];

function engineMessages(row: Row): string[] {
  const ctx = makeContext({
    envSet: envSetOf(row.env ?? {}),
    role: row.role,
    cli: row.cli === undefined ? { insecure: false } : parseCliFlags(row.cli, row.role),
    files: tableProbe(row.files ?? {}),
  } as Parameters<typeof makeContext>[0]);
  const check = CATALOG.find((c) => c.id === row.id)!;
  return check.evaluate!(ctx)
    .filter((f) => (f.status === 'fail' || f.status === 'warn') && f.engineMessage !== undefined)
    .map((f) => f.engineMessage!);
}

describe('what each binary prints (engine vectors)', () => {
  it(`the vectors are the engine's at ${V.engine} and every vector has its row`, () => {
    expect(V.engine).toBe('e8be785f');
    expect(Object.keys(V.printed).sort()).toEqual(
      ROWS.filter((r) => r.key !== undefined)
        .map((r) => r.key!)
        .sort(),
    );
  });
  for (const row of ROWS) {
    it(`${row.id} [${row.role}] ${row.key ?? row.text}: ${row.cite}`, () => {
      const want = row.key !== undefined ? V.printed[row.key] : row.text;
      expect(want).toBeDefined();
      expect(engineMessages(row)).toContain(want);
    });
  }
});

describe('the operator prints no log (it installs no tracing subscriber: crates/krishiv-operator/src/main.rs, Cargo.toml)', () => {
  it('quotes the 401 body of its UI, not the router warning it never prints (crates/krishiv-ui/src/router.rs:230)', () => {
    const row: Row = {
      id: 'UI-TOKEN-MISSING',
      role: 'operator',
      env: { KRISHIV_PRODUCTION: '1' },
      cli: '--status-addr 0.0.0.0:8080',
      cite: '',
    };
    expect(engineMessages(row)).toEqual(['authentication not configured']);
  });
  it.each<[string, Record<string, string>, string | undefined, Record<string, FileState>]>([
    ['ENV-UNKNOWN-FLAG', { KRISHIV_BOGUS_FLAG: '1' }, undefined, {}],
    ['MODE-PROFILE-INVALID', { KRISHIV_DURABILITY_PROFILE: 'prod' }, undefined, {}],
    ['COORD-HTTP-ANONYMOUS', { KRISHIV_PRODUCTION: '1', KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' }, '--status-addr 0.0.0.0:8080', {}],
    [
      'COORD-TOKEN-FILE-UNREADABLE',
      { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/token' },
      '--status-addr 0.0.0.0:8080',
      { '/run/token': { state: 'unreadable', error: 'EACCES' } },
    ],
  ])('%s: a failing finding with no log line quoted', (id, env, cli, files) => {
    const row: Row = { id, role: 'operator', env, files, cite: '', ...(cli !== undefined ? { cli } : {}) };
    const ctx = makeContext({
      envSet: envSetOf(env),
      role: 'operator',
      cli: cli === undefined ? { insecure: false } : parseCliFlags(cli, 'operator'),
      files: tableProbe(files),
    } as Parameters<typeof makeContext>[0]);
    const found = CATALOG.find((c) => c.id === id)!.evaluate!(ctx).filter((f) => f.status !== 'pass');
    expect(found.length).toBeGreaterThan(0);
    expect(engineMessages(row)).toEqual([]);
  });
});

describe('the print paths', () => {
  it("quote a string as Rust's Debug does (more rows: test/engine/text.test.ts)", () => {
    for (const [input, debug] of V.strDebug) expect(rustDebugString(input)).toBe(debug);
  });
  it('wrap a message per process', () => {
    expect(printedBy('coordinator', 'm')).toBe('m');
    expect(printedBy('executor', 'm')).toBe(`${EXECUTOR_PREFIX}m`);
    expect(printedBy('operator', 'm "q"')).toBe('Error: "m \\"q\\""');
    expect(printedBy('operator', 'unknown option: --x', true)).toBe('Error: "unknown option: --x\\n\\n…"');
    expect(executorPrints('m')).toBe(
      V.printed['exec-disagg']!.replace('KRISHIV_STATE_BACKEND=disaggregated requires KRISHIV_STATE_DFS_ROOT', 'm'),
    );
    expect(operatorPrints('coordinator id cannot be empty')).toBe(V.printed['op-coordinator-id']);
  });
  it("every catalog message of an executor or operator refusal is in its binary's printed form", () => {
    for (const c of CATALOG) {
      if (c.class !== 'REFUSE' || c.engineMessage === undefined) continue;
      if (c.id.startsWith('EXEC-')) expect(c.engineMessage, c.id).toMatch(new RegExp(`^${EXECUTOR_PREFIX}`));
      if (c.id.startsWith('OP-')) expect(c.engineMessage, c.id).toMatch(/^Error: "/);
    }
  });
});
