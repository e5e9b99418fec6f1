/**
 * The coordinator daemon's own tests (crates/krishiv-scheduler/src/coordinator_daemon.rs and
 * crates/krishiv-scheduler/src/auth.rs at e8be785f), as check-production inputs.
 */
import { describe, it } from 'vitest';
import { TOK } from '../helpers.js';
import { checkRow, type EngineTestRow } from './rows.js';

const CD = 'crates/krishiv-scheduler/src/coordinator_daemon.rs';
const AUTH = 'crates/krishiv-scheduler/src/auth.rs';
const COORD = { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord };
const TASK = { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task };
const SN_REDB =
  '--durability-profile single-node-durable --metadata-backend redb --metadata-path /tmp/krishiv-metadata.redb --shuffle-dir /tmp/krishiv-shuffle';
const DD_ETCD =
  '--durability-profile distributed-durable --metadata-backend etcd --leader-backend etcd --etcd-endpoints http://127.0.0.1:2379';
const PARSES = {
  'CLI-ARG-REFUSED': 'pass',
  'COORD-METADATA-PROFILE': 'pass',
  'COORD-METADATA-CONFIG': 'pass',
  'MODE-PROFILE-INVALID': 'pass',
} as const;

const ROWS: EngineTestRow[] = [
  { test: `${CD}:1879 parses_defaults`, role: 'coordinator', cli: '', want: { ...PARSES }, starts: true },
  {
    test: `${CD}:1888 parses_help_flag (crates/krishiv/src/daemon_cmd.rs:121-126: help, exit 0)`,
    role: 'coordinator',
    cli: '--help',
    want: { 'CLI-ARG-REFUSED': 'warn' },
    text: ['CLI-ARG-REFUSED', 'prints its help and exits 0'],
  },
  {
    test: `${CD}:1888 parses_help_flag (the parse runs first: an unknown option still refuses)`,
    role: 'coordinator',
    cli: '--help --port 2001',
    want: { 'CLI-ARG-REFUSED': 'fail' },
    starts: false,
  },
  // posture: dev-local + --insecure: gRPC and HTTP anonymous
  {
    test: `${CD}:1894 security_posture_flags_anonymous_grpc`,
    role: 'coordinator',
    cli: '--insecure',
    want: { 'COORD-GRPC-ANONYMOUS': 'fail', 'COORD-HTTP-ANONYMOUS': 'fail', 'COORD-INSECURE-DURABLE': 'pass' },
    starts: true,
  },
  {
    test: `${CD}:1908 security_posture_authenticated_when_provider_installed`,
    role: 'coordinator',
    env: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', ...COORD, KRISHIV_UI_TOKEN: TOK.ui },
    want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'COORD-HTTP-ANONYMOUS': 'pass', 'COORD-GRPC-DENY-ALL': 'pass' },
    starts: true,
  },
  {
    test: `${CD}:1918 security_posture_deny_all_without_provider_or_anonymous`,
    role: 'coordinator',
    env: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' },
    want: { 'COORD-GRPC-DENY-ALL': 'fail', 'COORD-GRPC-ANONYMOUS': 'pass' },
  },
  {
    test: `${CD}:1926 security_posture_flags_http_even_when_grpc_authed`,
    role: 'coordinator',
    env: { ...COORD },
    want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'COORD-GRPC-DENY-ALL': 'pass', 'COORD-HTTP-ANONYMOUS': 'fail' },
    starts: true,
  },
  {
    test: `${CD}:1941 parses_etcd_leader_flags`,
    role: 'coordinator',
    cli: '--leader-backend etcd --etcd-endpoints http://127.0.0.1:2379,http://127.0.0.2:2379 --etcd-lease-key /krishiv/test/leader --leader-lease-secs 30',
    want: { ...PARSES },
  },
  {
    test: `${CD}:1960 rejects_etcd_backend_without_endpoints`,
    role: 'coordinator',
    cli: '--leader-backend etcd',
    want: { 'COORD-METADATA-CONFIG': 'fail' },
    starts: false,
    text: ['COORD-METADATA-CONFIG', 'etcd-endpoints'],
  },
  {
    test: `${CD}:1970 parses_single_node_durable_profile_with_required_local_storage`,
    role: 'coordinator',
    env: { ...COORD },
    cli: SN_REDB,
    want: { ...PARSES },
    starts: true,
  },
  {
    test: `${CD}:1994 rejects_single_node_durable_with_json_metadata_backend`,
    role: 'coordinator',
    env: { ...COORD },
    cli: '--durability-profile single-node-durable --metadata-backend json --metadata-path /tmp/krishiv-metadata.json --shuffle-dir /tmp/krishiv-shuffle',
    want: { 'COORD-METADATA-PROFILE': 'fail' },
    starts: false,
    text: ['COORD-METADATA-PROFILE', 'rocksdb'],
  },
  {
    test: `${CD}:2011 single_node_durable_allows_omitted_metadata_backend_for_auto_selection`,
    role: 'coordinator',
    env: { ...COORD },
    cli: '--durability-profile single-node-durable',
    want: { ...PARSES },
    starts: true,
  },
  {
    test: `${CD}:2028 rejects_single_node_durable_without_metadata_path`,
    role: 'coordinator',
    env: { ...COORD },
    cli: '--durability-profile single-node-durable --metadata-backend redb --shuffle-dir /tmp/krishiv-shuffle',
    want: { 'COORD-METADATA-PROFILE': 'fail' },
    starts: false,
    text: ['COORD-METADATA-PROFILE', 'metadata-path'],
  },
  {
    test: `${CD}:2043 parses_distributed_durable_profile_with_etcd_fencing`,
    role: 'coordinator',
    env: { ...COORD, ...TASK },
    cli: DD_ETCD,
    want: { ...PARSES },
    starts: true,
  },
  {
    test: `${CD}:2066 single_node_durable_runtime_requires_coordinator_token`,
    role: 'coordinator',
    cli: SN_REDB,
    want: { 'COORD-GRPC-TOKENS-MISSING': 'fail' },
    starts: false,
    text: ['COORD-GRPC-TOKENS-MISSING', 'KRISHIV_COORDINATOR_BEARER_TOKEN'],
  },
  {
    test: `${CD}:2090 distributed_durable_runtime_requires_coordinator_token`,
    role: 'coordinator',
    env: { ...TASK },
    cli: DD_ETCD,
    want: { 'COORD-GRPC-TOKENS-MISSING': 'fail', 'COORD-EXEC-TOKEN-MISSING': 'pass' },
    starts: false,
  },
  {
    test: `${CD}:2114 distributed_durable_runtime_requires_executor_task_token`,
    role: 'coordinator',
    env: { ...COORD },
    cli: DD_ETCD,
    want: { 'COORD-GRPC-TOKENS-MISSING': 'pass', 'COORD-EXEC-TOKEN-MISSING': 'fail' },
    starts: false,
    text: ['COORD-EXEC-TOKEN-MISSING', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'],
  },
  {
    test: `${CD}:2138 sec7_distributed_durable_runtime_rejects_insecure_grpc`,
    role: 'coordinator',
    env: { ...COORD, ...TASK },
    cli: `${DD_ETCD} --insecure`,
    want: { 'COORD-INSECURE-DURABLE': 'fail' },
    starts: false,
    text: ['COORD-INSECURE-DURABLE', '--insecure'],
  },
  {
    test: `${CD}:2158 distributed_durable_runtime_accepts_required_tokens`,
    role: 'coordinator',
    env: { ...COORD, ...TASK },
    cli: DD_ETCD,
    want: { 'COORD-GRPC-TOKENS-MISSING': 'pass', 'COORD-EXEC-TOKEN-MISSING': 'pass', 'COORD-INSECURE-DURABLE': 'pass' },
    starts: true,
  },
  // build_shared_coordinator_sync: distributed-durable with no metadata backend at all
  {
    test: `${CD}:1870 build_coordinator_rejects_distributed_durable_without_explicit_backend`,
    role: 'coordinator',
    env: { ...COORD, ...TASK, KRISHIV_DURABILITY_PROFILE: 'distributed-durable' },
    want: { 'COORD-METADATA-PROFILE': 'fail' },
    starts: false,
    text: ['COORD-METADATA-PROFILE', 'etcd'],
  },
  // the HTTP bearer middleware under single-node-durable (the daemon itself refuses first)
  {
    test: `${CD}:2393 sec1_ivm_and_queryable_state_routes_require_auth`,
    role: 'coordinator',
    env: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    want: { 'COORD-HTTP-TOKENS-MISSING': 'fail', 'COORD-HTTP-ANONYMOUS': 'pass' },
    starts: false,
  },
  // the embedded UI's token (crates/krishiv-ui/src/lib.rs tests, crates/krishiv-ui/src/router.rs:20-62)
  {
    test: 'crates/krishiv-ui/src/lib.rs:430 api_jobs_requires_bearer_token_when_token_set',
    role: 'coordinator',
    env: { ...COORD, KRISHIV_UI_TOKEN: ` ${TOK.ui} ` },
    want: { 'UI-ANONYMOUS': 'pass', 'UI-TOKEN-MISSING': 'pass' },
  },
  {
    test: 'crates/krishiv-ui/src/lib.rs:488 api_jobs_rejects_all_requests_when_empty_token (fail-closed, no UI token)',
    role: 'coordinator',
    env: { ...COORD, KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    want: { 'UI-TOKEN-MISSING': 'fail', 'UI-ANONYMOUS': 'pass' },
  },
  {
    test: 'crates/krishiv-ui/src/lib.rs:488 api_jobs_rejects_all_requests_when_empty_token (an unreadable token file under fail-closed)',
    role: 'coordinator',
    env: { ...COORD, KRISHIV_PRODUCTION: '1', KRISHIV_UI_TOKEN_FILE: '/run/secrets/ui' },
    files: { '/run/secrets/ui': { state: 'missing' } },
    requireFiles: true,
    want: { 'UI-TOKEN-MISSING': 'fail', 'UI-ANONYMOUS': 'pass' },
  },
  {
    test: 'crates/krishiv-ui/src/router.rs:24-62 resolve_ui_token (dev-local, no token: the UI is anonymous)',
    role: 'coordinator',
    env: { ...COORD },
    want: { 'UI-ANONYMOUS': 'fail', 'UI-TOKEN-MISSING': 'pass' },
  },
  {
    test: 'crates/krishiv/src/daemon_cmd.rs:204-215 build_ui_http_factory (KRISHIV_UI=OFF turns the UI off)',
    role: 'coordinator',
    env: { ...COORD, KRISHIV_UI: 'OFF' },
    want: { 'UI-ANONYMOUS': 'pass', 'UI-TOKEN-MISSING': 'pass' },
  },
  // the checks after the argument loop (crates/krishiv-scheduler/src/coordinator_daemon.rs:1223-1233)
  {
    test: `${CD}:1223-1225 parse_coordinator_daemon_config (a blank KRISHIV_COORDINATOR_ID)`,
    role: 'coordinator',
    env: { ...COORD, KRISHIV_COORDINATOR_ID: '  ' },
    want: { 'COORD-METADATA-CONFIG': 'fail' },
    starts: false,
    text: ['COORD-METADATA-CONFIG', 'coordinator id cannot be empty'],
  },
  {
    test: `${CD}:1231-1233 parse_coordinator_daemon_config (KRISHIV_LEADER_LEASE_SECS=0)`,
    role: 'coordinator',
    env: { ...COORD, KRISHIV_LEADER_LEASE_SECS: '0' },
    want: { 'COORD-METADATA-CONFIG': 'fail' },
    starts: false,
    text: ['COORD-METADATA-CONFIG', '--leader-lease-secs must be greater than zero'],
  },
  {
    test: `${CD}:1144-1147 parse_coordinator_daemon_config (KRISHIV_LEADER_LEASE_SECS=" 0" does not parse: the default 15)`,
    role: 'coordinator',
    env: { ...COORD, KRISHIV_LEADER_LEASE_SECS: ' 0' },
    want: { 'COORD-METADATA-CONFIG': 'pass' },
  },
  {
    test: `${CD}:1201-1206 parse_coordinator_daemon_config (--leader-lease-secs 0)`,
    role: 'coordinator',
    env: { ...COORD },
    cli: '--leader-lease-secs 0',
    want: { 'COORD-METADATA-CONFIG': 'fail' },
    starts: false,
  },
  // auth.rs: the static token set
  {
    test: `${AUTH}:834 static_provider_rejects_empty_token`,
    role: 'coordinator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN: ' ', KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    want: { 'COORD-GRPC-TOKENS-MISSING': 'fail' },
    starts: false,
  },
  {
    test: `${AUTH}:906 static_provider_accepts_rotation_tokens`,
    role: 'coordinator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKENS: ` ${TOK.coord} ,${TOK.ui}`, KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    want: { 'COORD-GRPC-TOKENS-MISSING': 'pass', 'COORD-GRPC-DENY-ALL': 'pass' },
  },
  {
    test: `${AUTH}:919 coordinator_bearer_tokens_from_values_dedupes_and_trims_rotation_list`,
    role: 'coordinator',
    env: {
      KRISHIV_COORDINATOR_BEARER_TOKEN: ` ${TOK.coord} `,
      KRISHIV_COORDINATOR_BEARER_TOKENS: `${TOK.ui},\n${TOK.coord},, ${TOK.shuffle} `,
      KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
    },
    want: { 'COORD-GRPC-TOKENS-MISSING': 'pass', 'COORD-GRPC-DENY-ALL': 'pass' },
  },
  {
    test: `${AUTH}:938 coordinator_bearer_tokens_from_all_values_includes_file_sources`,
    role: 'coordinator',
    env: {
      KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/token',
      KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/run/secrets/tokens',
      KRISHIV_DURABILITY_PROFILE: 'single-node-durable',
    },
    files: {
      '/run/secrets/token': { state: 'ok', content: `${TOK.coord}\n`, mode: 0o600 },
      '/run/secrets/tokens': { state: 'ok', content: `${TOK.ui}\n${TOK.shuffle}`, mode: 0o600 },
    },
    want: { 'COORD-GRPC-TOKENS-MISSING': 'pass', 'COORD-TOKEN-FILE-UNREADABLE': 'pass', 'COORD-GRPC-DENY-ALL': 'pass' },
  },
  {
    test: `${AUTH}:958 optional_rotation_token_file_may_be_missing`,
    role: 'coordinator',
    env: { ...COORD, KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/run/secrets/tokens', KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    files: { '/run/secrets/tokens': { state: 'missing' } },
    requireFiles: true,
    want: { 'COORD-TOKEN-FILE-UNREADABLE': 'pass', 'COORD-GRPC-TOKENS-MISSING': 'pass' },
  },
  // the reload interval: positive seconds only ("15" reloads; "0", "not-a-number" and unset never do)
  ...(['0', 'not-a-number', undefined] as const).map(
    (v): EngineTestRow => ({
      test: `${AUTH}:970 auth_reload_interval_parses_positive_seconds_only (${v ?? 'unset'})`,
      role: 'coordinator',
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/token',
        ...(v === undefined ? {} : { KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: v }),
      },
      want: { 'COORD-RELOAD-DISABLED': 'warn' },
    }),
  ),
  {
    test: `${AUTH}:970 auth_reload_interval_parses_positive_seconds_only (15)`,
    role: 'coordinator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/token', KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS: '15' },
    want: { 'COORD-RELOAD-DISABLED': 'pass' },
  },
  // anonymous gRPC is allowed only on dev-local outside production
  {
    test: `${AUTH}:1057 anonymous_is_permitted_only_on_dev_local_outside_production (dev-local)`,
    role: 'coordinator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'true' },
    want: { 'COORD-GRPC-ANONYMOUS': 'fail', 'COORD-GRPC-DENY-ALL': 'pass' },
    starts: true,
  },
  {
    test: `${AUTH}:1057 anonymous_is_permitted_only_on_dev_local_outside_production (production; ${CD}:1363-1369 then installs no provider, not even the static tokens)`,
    role: 'coordinator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'true', KRISHIV_PRODUCTION: '1', ...COORD },
    want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'COORD-GRPC-DENY-ALL': 'fail' },
    text: ['COORD-GRPC-DENY-ALL', 'KRISHIV_PRODUCTION is truthy'],
  },
  ...(['single-node-durable', 'distributed-durable'] as const).flatMap((p) =>
    ['', '1'].map(
      (prod): EngineTestRow => ({
        test: `${AUTH}:1057 anonymous_is_permitted_only_on_dev_local_outside_production (${p}${prod ? ', production' : ''})`,
        role: 'coordinator',
        env: { KRISHIV_ALLOW_ANONYMOUS: 'true', KRISHIV_DURABILITY_PROFILE: p, KRISHIV_PRODUCTION: prod },
        want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'COORD-INSECURE-DURABLE': 'fail' },
        starts: false,
      }),
    ),
  ),
];

describe("the coordinator's own engine tests", () => {
  it.each(ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});
