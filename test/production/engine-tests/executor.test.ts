/**
 * The executor's own tests (crates/krishiv-executor/src/cli.rs, grpc.rs) and the shuffle
 * storage tests it relies on (crates/krishiv-shuffle/src/storage_uri.rs) at e8be785f, as
 * check-production inputs.
 */
import { describe, it } from 'vitest';
import { TOK } from '../helpers.js';
import { checkRow, type EngineTestRow } from './rows.js';

const CLI = 'crates/krishiv-executor/src/cli.rs';
const GRPC = 'crates/krishiv-executor/src/grpc.rs';
const SURI = 'crates/krishiv-shuffle/src/storage_uri.rs';
const TASK = { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task };
const DD_STORAGE = '--state-dir /var/lib/krishiv/state --checkpoint-uri s3://bucket/cp';

/** the word the parser refuses, with the engine's message */
const refused = (test: string, cli: string, message: string): EngineTestRow => ({
  test,
  role: 'executor',
  env: TASK,
  cli,
  want: { 'CLI-ARG-REFUSED': 'fail' },
  starts: false,
  text: ['CLI-ARG-REFUSED', message],
});
/**
 * A command line the executor accepts. Without --connect or --register-once its mode stays DryRun
 * (crates/krishiv-executor/src/cli.rs:1187; parses_explicit_config asserts it, cli.rs:1679): it
 * prints its contract summary and exits 0, a warning.
 */
const parses = (test: string, cli: string): EngineTestRow => {
  const dryRun = !cli.split(' ').some((w) => w === '--connect' || w === '--register-once');
  return {
    test,
    role: 'executor',
    env: TASK,
    cli,
    want: { 'CLI-ARG-REFUSED': dryRun ? 'warn' : 'pass' },
    ...(dryRun ? { text: ['CLI-ARG-REFUSED', 'prints its contract summary and exits 0'] } : {}),
  };
};

const ROWS: EngineTestRow[] = [
  parses(`${CLI}:1662 parses_explicit_config`, '--executor-id exec-1 --host pod-a --slots 2 --coordinator http://coordinator'),
  refused(`${CLI}:1795 rejects_unknown_option`, '--wat', 'unknown option: --wat'),
  parses(`${CLI}:1802 parses_network_modes (register-once)`, '--register-once'),
  parses(`${CLI}:1802 parses_network_modes (connect)`, '--connect --heartbeat-interval-secs 3'),
  refused(`${CLI}:1817 rejects_conflicting_network_modes`, '--connect --register-once', 'mutually exclusive'),
  // set_mode refuses only a different mode (crates/krishiv-executor/src/cli.rs:1437-1445)
  parses(`${CLI}:1437 set_mode (the same switch twice)`, '--connect --connect'),
  ...[
    [`${CLI}:1826 parses_help_flag`, '--help'],
    [`${CLI}:1832 parses_short_help_flag`, '-h'],
    // `krishiv executor` looks for --help/-h before parsing (crates/krishiv/src/daemon_cmd.rs:291-295)
    [`${CLI}:1826 parses_help_flag (krishiv executor: help before the parse)`, 'krishiv executor --wat --help'],
    [`${CLI}:1832 parses_short_help_flag (krishiv executor: -h even as a value)`, 'krishiv executor --executor-id -h'],
  ].map(
    ([test, cli]): EngineTestRow => ({
      test: test as string,
      role: 'executor',
      env: TASK,
      cli: cli as string,
      want: { 'CLI-ARG-REFUSED': 'warn' },
      text: ['CLI-ARG-REFUSED', 'prints its help and exits 0'],
    }),
  ),
  // the krishiv-executor binary parses first (crates/krishiv-executor/src/main.rs:50, cli.rs:45-50)
  refused(`${CLI}:1795 rejects_unknown_option (before --help, in the krishiv-executor binary)`, '--wat --help', 'unknown option: --wat'),
  parses(`${CLI}:1865 parses_custom_slots`, '--slots 8'),
  refused(`${CLI}:1872 rejects_non_numeric_slots`, '--slots abc', '--slots must be a positive integer'),
  parses(`${CLI}:1882 parses_http_addr`, '--http-addr 127.0.0.1:9090'),
  refused(`${CLI}:1890 rejects_invalid_http_addr`, '--http-addr not-a-port', 'invalid socket address'),
  parses(`${CLI}:1898 parses_task_grpc_addr`, '--task-grpc-addr 0.0.0.0:50099'),
  parses(`${CLI}:1911 task_grpc_addr_off_disables`, '--task-grpc-addr off'),
  parses(`${CLI}:1977 parses_barrier_grpc_addr`, '--barrier-grpc-addr 0.0.0.0:50098'),
  parses(`${CLI}:1990 barrier_grpc_addr_off_disables`, '--barrier-grpc-addr off'),
  parses(`${CLI}:1998 parses_shuffle_flight_addr`, '--shuffle-flight-addr 0.0.0.0:2104'),
  parses(`${CLI}:2022 parses_heartbeat_interval`, '--heartbeat-interval-secs 5'),
  refused(
    `${CLI}:2032 rejects_zero_heartbeat_interval`,
    '--heartbeat-interval-secs 0',
    '--heartbeat-interval-secs must be greater than zero',
  ),
  refused(
    `${CLI}:2045 rejects_non_numeric_heartbeat_interval`,
    '--heartbeat-interval-secs xyz',
    '--heartbeat-interval-secs must be a positive integer',
  ),
  parses(`${CLI}:2058 parses_shuffle_dir`, '--shuffle-dir /tmp/shuffle'),
  refused(`${CLI}:2069 shuffle_dir_empty_string_errors`, "--shuffle-dir ''", 'missing value for --shuffle-dir'),
  parses(`${CLI}:2077 parses_checkpoint_uri`, '--checkpoint-uri s3://bucket/prefix'),
  refused(`${CLI}:2200 rejects_missing_value_for_flag`, '--executor-id', 'missing value for --executor-id'),
  refused(`${CLI}:2206 rejects_extra_positional_argument`, '--executor-id e1 extra-positional', 'unknown option: extra-positional'),
  // start-up validation
  {
    test: `${CLI}:1919 durable_profile_rejects_memory_checkpoint_uri`,
    role: 'executor',
    env: TASK,
    cli: '--connect --durability-profile single-node-durable --checkpoint-uri memory://test',
    want: { 'EXEC-MEMORY-CHECKPOINT': 'fail' },
    starts: false,
    text: ['EXEC-MEMORY-CHECKPOINT', 'memory://'],
  },
  {
    test: `${CLI}:1932 required_task_auth_rejects_exposed_task_grpc_without_token`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true' },
    cli: '--connect --task-grpc-addr 0.0.0.0:2005',
    want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'fail', 'EXEC-TASK-ANONYMOUS': 'pass' },
    starts: false,
    text: ['EXEC-REQUIRE-WITHOUT-TOKEN', 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH'],
  },
  {
    test: `${CLI}:1954 required_task_auth_accepts_exposed_task_grpc_with_token`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true', KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: 'task-secret' },
    cli: '--connect --task-grpc-addr 0.0.0.0:2005',
    want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'pass', 'EXEC-TASK-TOKEN-MISSING': 'pass', 'EXEC-TASK-ANONYMOUS': 'pass' },
  },
  {
    test: `${CLI}:1967 required_task_auth_allows_disabled_task_grpc_without_token`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true' },
    cli: '--connect --task-grpc-addr off',
    // it starts (the start-up rule needs the task server); the barrier server, on by default and
    // given the same auth config, then rejects every call (barrier_grpc.rs:115-122, cli.rs:481)
    want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'fail' },
    starts: true,
    text: ['EXEC-REQUIRE-WITHOUT-TOKEN', 'barrier gRPC rejects every call'],
  },
  {
    test: `${CLI}:1967 required_task_auth_allows_disabled_task_grpc_without_token (barrier gRPC off too)`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true' },
    cli: '--connect --task-grpc-addr off --barrier-grpc-addr off',
    want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'pass', 'EXEC-TASK-ANONYMOUS': 'pass' },
    starts: true,
    text: ['EXEC-REQUIRE-WITHOUT-TOKEN', 'task and barrier gRPC are off'],
  },
  {
    test: `${CLI}:1967 required_task_auth_allows_disabled_task_grpc_without_token (--register-once: no servers)`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: 'true' },
    cli: '--register-once --task-grpc-addr off',
    want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'pass' },
    starts: true,
  },
  // checkpoint, shuffle and state defaults by profile
  {
    test: `${CLI}:2087 checkpoint_uri_defaults_by_profile (dev-local: memory://)`,
    role: 'executor',
    env: TASK,
    cli: '--connect',
    want: { 'EXEC-MEMORY-CHECKPOINT': 'pass', 'EXEC-DD-CHECKPOINT-MISSING': 'pass' },
  },
  {
    test: `${CLI}:2087 checkpoint_uri_defaults_by_profile (single-node-durable: file:///var/lib/krishiv/checkpoints)`,
    role: 'executor',
    env: TASK,
    cli: '--connect --durability-profile single-node-durable',
    want: { 'EXEC-MEMORY-CHECKPOINT': 'pass', 'EXEC-DD-CHECKPOINT-MISSING': 'pass' },
  },
  {
    test: `${CLI}:2087 checkpoint_uri_defaults_by_profile (distributed-durable: refused)`,
    role: 'executor',
    env: TASK,
    cli: '--connect --durability-profile distributed-durable --shuffle-dir /d --state-dir /s',
    want: { 'EXEC-DD-CHECKPOINT-MISSING': 'fail' },
    starts: false,
    text: ['EXEC-DD-CHECKPOINT-MISSING', 'KRISHIV_CHECKPOINT_STORAGE'],
  },
  {
    test: `${CLI}:2087 checkpoint_uri_defaults_by_profile (an explicit URI wins)`,
    role: 'executor',
    env: TASK,
    cli: '--connect --durability-profile distributed-durable --shuffle-dir /d --state-dir /s --checkpoint-uri s3://bucket/cp',
    want: { 'EXEC-DD-CHECKPOINT-MISSING': 'pass' },
  },
  {
    test: `${CLI}:2116 distributed_durable_rejects_object_store_only_shuffle`,
    role: 'executor',
    env: TASK,
    cli: `--connect --durability-profile distributed-durable ${DD_STORAGE} --shuffle-uri s3://bucket/shuffle`,
    want: { 'EXEC-DD-SHUFFLE-MISSING': 'fail' },
    starts: false,
    text: ['EXEC-DD-SHUFFLE-MISSING', 'shuffle'],
  },
  {
    test: `${CLI}:2128 distributed_durable_accepts_tiered_shuffle_inputs`,
    role: 'executor',
    env: TASK,
    cli: `--connect --durability-profile distributed-durable ${DD_STORAGE} --shuffle-dir /var/lib/krishiv/shuffle --shuffle-uri s3://bucket/shuffle`,
    want: { 'EXEC-DD-SHUFFLE-MISSING': 'pass', 'EXEC-S3-SHUFFLE-PROFILE': 'pass' },
  },
  {
    test: `${CLI}:2144 dev_local_allows_object_store_only_shuffle`,
    role: 'executor',
    env: TASK,
    cli: '--connect --shuffle-uri s3://bucket/shuffle',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'pass', 'EXEC-DD-SHUFFLE-MISSING': 'pass' },
  },
  // the shuffle storage URI (crates/krishiv-shuffle/src/storage_uri.rs)
  {
    test: `${SURI}:201 an_empty_uri_is_refused (a blank --shuffle-uri never reaches it)`,
    role: 'executor',
    env: TASK,
    cli: "--connect --shuffle-uri '   '",
    want: { 'CLI-ARG-REFUSED': 'fail' },
    text: ['CLI-ARG-REFUSED', 'missing value for --shuffle-uri'],
  },
  {
    test: `${SURI}:201 an_empty_uri_is_refused (a blank KRISHIV_SHUFFLE_URI is dropped first: crates/krishiv-executor/src/cli.rs:1505)`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_URI: '   ' },
    cli: '--connect',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'pass', 'EXEC-MEMORY-SHUFFLE': 'pass' },
    starts: true,
  },
  ...['/tmp/krishiv-shuffle', 'file:///tmp/krishiv-shuffle'].map(
    (uri): EngineTestRow => ({
      test: `${SURI}:210 a_bare_path_and_a_file_uri_both_open_local_disk (${uri})`,
      role: 'executor',
      env: TASK,
      cli: `--connect --shuffle-uri ${uri}`,
      // the local disk store is served by the Flight shuffle server, open without a shuffle token on dev-local
      want: { 'EXEC-SHUFFLE-ANONYMOUS': 'fail' },
      starts: true,
    }),
  ),
  ...['single-node-durable', 'distributed-durable'].map(
    (p): EngineTestRow => ({
      test: `${SURI}:229 memory_shuffle_is_refused_for_durable_profiles (${p})`,
      role: 'executor',
      env: TASK,
      cli: `--connect --durability-profile ${p} ${DD_STORAGE} --shuffle-uri memory://`,
      want: { 'EXEC-MEMORY-SHUFFLE': 'fail' },
      starts: false,
      text: ['EXEC-MEMORY-SHUFFLE', 'memory://'],
    }),
  ),
  {
    test: `${SURI}:249 an_s3_uri_without_a_bucket_is_refused_by_name`,
    role: 'executor',
    env: TASK,
    cli: '--connect --shuffle-uri s3://',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'fail' },
    starts: false,
    text: ['EXEC-S3-SHUFFLE-PROFILE', 'no bucket'],
  },
  {
    test: `${SURI}:261 the_tiered_path_shares_the_same_bucket_validation`,
    role: 'executor',
    env: TASK,
    cli: '--connect --shuffle-dir /tmp/krishiv-shuffle --shuffle-uri s3://',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'fail' },
    starts: false,
    text: ['EXEC-S3-SHUFFLE-PROFILE', 'no bucket'],
  },
  {
    // the tiered backend is handed the URI as set (crates/krishiv-executor/src/cli.rs:596-597): `s3:// ` leaves
    // the bucket " ", which is not empty (crates/krishiv-shuffle/src/storage_uri.rs:59-73), so nothing is refused at
    // start-up; the plain backend trims first (storage_uri.rs:119) and refuses the same URI for its bucket
    test: `${SURI}:68 a tiered s3:// URI with a blank after the scheme: its bucket is " ", not refused`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_URI: 's3:// ', KRISHIV_SHUFFLE_DIR: '/tmp/krishiv-shuffle' },
    cli: '--connect',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'pass' },
  },
  {
    test: `${SURI}:119 the same URI on the plain path is trimmed first: no bucket`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_URI: 's3:// ' },
    cli: '--connect',
    want: { 'EXEC-S3-SHUFFLE-PROFILE': 'fail' },
    starts: false,
    text: ['EXEC-S3-SHUFFLE-PROFILE', 'no bucket'],
  },
  ...['', '--shuffle-dir /tmp/krishiv-shuffle '].map(
    (dir): EngineTestRow => ({
      test: `${SURI}:288 both_entry_points_refuse_s3_under_a_non_distributed_profile (${dir ? 'tiered' : 'plain'})`,
      role: 'executor',
      env: TASK,
      cli: `--connect --durability-profile single-node-durable ${dir}--shuffle-uri s3://bucket/pfx`,
      want: { 'EXEC-S3-SHUFFLE-PROFILE': 'fail' },
      starts: false,
      text: ['EXEC-S3-SHUFFLE-PROFILE', 'single-node-durable'],
    }),
  ),
  // task and barrier gRPC auth (crates/krishiv-executor/src/grpc.rs validate_auth)
  {
    test: `${GRPC}:674 validate_auth_allows_any_request_when_no_token_is_required`,
    role: 'executor',
    cli: '--connect',
    want: { 'EXEC-TASK-ANONYMOUS': 'fail', 'EXEC-TASK-TOKEN-MISSING': 'pass', 'EXEC-REQUIRE-WITHOUT-TOKEN': 'pass' },
    starts: true,
  },
  {
    test: `${GRPC}:674 validate_auth_allows_any_request_when_no_token_is_required (barrier gRPC alone)`,
    role: 'executor',
    cli: '--connect --task-grpc-addr off',
    want: { 'EXEC-TASK-ANONYMOUS': 'fail' },
  },
  {
    test: `${CLI}:1911 task_grpc_addr_off_disables (only the flag: KRISHIV_TASK_GRPC_ADDR=off does not parse and falls back to 0.0.0.0:2005, ${CLI}:1195-1202)`,
    role: 'executor',
    env: { KRISHIV_TASK_GRPC_ADDR: 'off', KRISHIV_BARRIER_GRPC_ADDR: 'off' },
    cli: '--connect',
    want: { 'EXEC-TASK-ANONYMOUS': 'fail' },
  },
  {
    test: `${GRPC}:674 validate_auth_allows_any_request_when_no_token_is_required (both servers off)`,
    role: 'executor',
    cli: '--connect --task-grpc-addr off --barrier-grpc-addr off',
    want: { 'EXEC-TASK-ANONYMOUS': 'pass' },
  },
  {
    test: `${GRPC}:674 validate_auth_allows_any_request_when_no_token_is_required (--register-once binds no server)`,
    role: 'executor',
    cli: '--register-once',
    want: { 'EXEC-TASK-ANONYMOUS': 'pass' },
  },
  {
    test: `${GRPC}:706 validate_auth_accepts_the_correct_token (a token makes it required)`,
    role: 'executor',
    env: { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: ' secret ' },
    cli: '--connect',
    want: { 'EXEC-TASK-ANONYMOUS': 'pass', 'EXEC-TASK-TOKEN-MISSING': 'pass' },
  },
  {
    test: `${GRPC}:722 validate_auth_fails_closed_when_auth_is_required_but_no_token_is_configured`,
    role: 'executor',
    env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: '1' },
    cli: '--connect --task-grpc-addr off',
    want: { 'EXEC-TASK-ANONYMOUS': 'pass' },
  },
  // the executor sends KRISHIV_COORDINATOR_BEARER_TOKEN trimmed; the coordinator's set is trimmed too
  {
    test: 'crates/krishiv-executor/src/grpc_client.rs:216 inject_coordinator_bearer_token_adds_authorization_metadata',
    role: 'cluster',
    env: {
      ...TASK,
      KRISHIV_COORDINATOR_BEARER_TOKEN: ` ${TOK.coord} `,
      KRISHIV_SHUFFLE_TOKEN: TOK.shuffle,
      KRISHIV_UI_TOKEN: TOK.ui,
      KRISHIV_STATE_DIR: '/var/lib/krishiv/state',
    },
    want: { 'EXEC-COORD-TOKEN-MISSING': 'pass', 'COORD-GRPC-DENY-ALL': 'pass', 'EXEC-TASK-ANONYMOUS': 'pass' },
  },
  {
    test: `${CLI}:1365 validate_task_auth_startup (production, dev-local: refused, never open)`,
    role: 'executor',
    env: { KRISHIV_PRODUCTION: 'yes' },
    cli: '--connect',
    want: { 'EXEC-TASK-TOKEN-MISSING': 'fail', 'EXEC-TASK-ANONYMOUS': 'pass' },
    starts: false,
  },
];

describe("the executor's own engine tests", () => {
  it.each(ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});
