/**
 * The shared readers' own tests (crates/krishiv-common/src/production.rs, durability.rs,
 * env_registry.rs) and the operator's (crates/krishiv-operator/src/main.rs) at e8be785f, as
 * check-production inputs.
 */
import { describe, it } from 'vitest';
import { TOK } from '../helpers.js';
import { checkRow, type EngineTestRow } from './rows.js';

const PROD = 'crates/krishiv-common/src/production.rs';
const DUR = 'crates/krishiv-common/src/durability.rs';
const REG = 'crates/krishiv-common/src/env_registry.rs';
const OP = 'crates/krishiv-operator/src/main.rs';

const ROWS: EngineTestRow[] = [
  // resolve_durability_profile_from: invalid or empty → dev-local with a warning; the coordinator parses strictly
  ...['not-a-real-profile', ''].map(
    (v): EngineTestRow => ({
      test: `${PROD}:247 malformed_durability_profile_value_falls_back_to_dev_local (${JSON.stringify(v)}, flight-server)`,
      role: 'flight-server',
      env: { KRISHIV_DURABILITY_PROFILE: v },
      want: { 'MODE-PROFILE-INVALID': 'warn', 'MODE-NOT-FAIL-CLOSED': 'fail' },
    }),
  ),
  ...['not-a-real-profile', ''].map(
    (v): EngineTestRow => ({
      test: `${PROD}:247 malformed_durability_profile_value_falls_back_to_dev_local (${JSON.stringify(v)}; the coordinator refuses it: crates/krishiv-scheduler/src/coordinator_daemon.rs:1132-1136)`,
      role: 'coordinator',
      env: { KRISHIV_DURABILITY_PROFILE: v },
      want: { 'MODE-PROFILE-INVALID': 'fail' },
      starts: false,
      text: ['MODE-PROFILE-INVALID', `unknown durability profile '${v}'`],
    }),
  ),
  {
    test: `${PROD}:259 missing_durability_profile_env_falls_back_to_dev_local`,
    role: 'shuffle-svc',
    env: {},
    want: { 'MODE-PROFILE-INVALID': 'pass', 'MODE-NOT-FAIL-CLOSED': 'fail' },
  },
  {
    test: `${PROD}:267 valid_durability_profile_value_is_honored`,
    role: 'shuffle-svc',
    env: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_SHUFFLE_TOKEN: TOK.shuffle },
    want: { 'MODE-PROFILE-INVALID': 'pass', 'MODE-NOT-FAIL-CLOSED': 'pass', 'SSVC-TOKEN-MISSING': 'pass' },
  },
  {
    test: `${PROD}:227 durable_profiles_require_fail_closed_metadata`,
    role: 'operator',
    env: { KRISHIV_DURABILITY_PROFILE: 'distributed-durable' },
    want: { 'MODE-NOT-FAIL-CLOSED': 'pass' },
  },
  // DurabilityProfile::from_str: canonical names and aliases, trimmed, any case
  ...[
    ['dev-local', 'fail'],
    ['single-node-durable', 'pass'],
    ['distributed-durable', 'pass'],
    [' Single ', 'pass'],
    ['DISTRIBUTED', 'pass'],
    ['local', 'fail'],
  ].map(
    ([v, mode]): EngineTestRow => ({
      test: `${DUR}:173 parses_canonical_profiles (${JSON.stringify(v)}; aliases at ${DUR}:83-85)`,
      role: 'shuffle-svc',
      env: { KRISHIV_DURABILITY_PROFILE: v as string, KRISHIV_SHUFFLE_TOKEN: TOK.shuffle },
      want: { 'MODE-PROFILE-INVALID': 'pass', 'MODE-NOT-FAIL-CLOSED': mode as 'pass' | 'fail' },
    }),
  ),
  {
    test: `${DUR}:257 default_profile_is_dev_local`,
    role: 'executor',
    env: {},
    cli: '--connect',
    want: { 'MODE-NOT-FAIL-CLOSED': 'fail', 'EXEC-TASK-TOKEN-MISSING': 'pass' },
  },
  // is_truthy: " TRUE ", "on", "  TrUe  " are truthy; "enabled" and falsy spellings are not
  ...['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'on', 'ON', ' on ', '  TrUe  '].map(
    (v): EngineTestRow => ({
      test: `${REG}:1786 flag2_security_flags_parse_uniformly_across_capitalizations (${JSON.stringify(v)} is truthy)`,
      role: 'executor',
      env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: v },
      cli: '--connect',
      want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'fail' },
      starts: false,
    }),
  ),
  ...['0', 'false', 'FALSE', 'no', 'NO', 'off', 'OFF', '', '   ', 'enabled'].map(
    (v): EngineTestRow => ({
      test: `${REG}:1786 flag2_security_flags_parse_uniformly_across_capitalizations (${JSON.stringify(v)} is not truthy)`,
      role: 'executor',
      env: { KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH: v },
      cli: '--connect',
      want: { 'EXEC-REQUIRE-WITHOUT-TOKEN': 'pass' },
    }),
  ),
  {
    test: `${REG}:1751 validate_env_flags_unknown_and_invalid (KRISHIV_PRODUCTION=" TRUE ")`,
    role: 'shuffle-svc',
    env: { KRISHIV_PRODUCTION: ' TRUE ', KRISHIV_SHUFFLE_TOKEN: TOK.shuffle },
    want: { 'MODE-NOT-FAIL-CLOSED': 'pass' },
  },
  {
    test: `${REG}:1751 validate_env_flags_unknown_and_invalid (an unknown KRISHIV_ name)`,
    role: 'shuffle-svc',
    env: { KRISHIV_NOT_A_REAL_FLAG: '1' },
    want: { 'ENV-UNKNOWN-FLAG': 'warn' },
  },
  {
    test: `${REG}:1751 validate_env_flags_unknown_and_invalid (a declared prefix: KRISHIV_ICEBERG_REST_CUSTOM_PROP)`,
    role: 'shuffle-svc',
    env: { KRISHIV_ICEBERG_REST_CUSTOM_PROP: 'x', KRISHIV_GRPC_ADDR: '0.0.0.0:2001' },
    want: { 'ENV-UNKNOWN-FLAG': 'pass' },
  },
  // the operator's argument parser
  { test: `${OP}:516 parses_defaults`, role: 'operator', cli: '', want: { 'CLI-ARG-REFUSED': 'pass', 'OP-COORDINATOR-ID': 'pass' } },
  {
    test: `${OP}:525 parses_all_namespaces_and_bootstrap_executor`,
    role: 'operator',
    cli: '--all-namespaces --coordinator-id coord-1 --bootstrap-executor-slots 2',
    want: { 'CLI-ARG-REFUSED': 'pass' },
  },
  { test: `${OP}:542 parses_status_addr`, role: 'operator', cli: '--status-addr 0.0.0.0:8080', want: { 'CLI-ARG-REFUSED': 'pass' } },
  {
    test: `${OP}:551 parses_executor_grpc_addr (and, without a coordinator token, refuses: ${OP}:85-97)`,
    role: 'operator',
    cli: '--executor-grpc-addr 0.0.0.0:9090',
    want: { 'CLI-ARG-REFUSED': 'pass', 'OP-GRPC-TOKENS-MISSING': 'fail' },
    starts: false,
  },
  {
    test: `${OP}:551 parses_executor_grpc_addr (with a coordinator token)`,
    role: 'operator',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    cli: '--executor-grpc-addr 0.0.0.0:9090',
    want: { 'CLI-ARG-REFUSED': 'pass', 'OP-GRPC-TOKENS-MISSING': 'pass' },
  },
  {
    test: `${OP}:565 parses_coordinator_endpoint`,
    role: 'operator',
    cli: '--coordinator-endpoint http://coord.example:9090',
    want: { 'CLI-ARG-REFUSED': 'pass' },
  },
  {
    test: `${OP}:426-428 OperatorCliConfig::parse (a blank KRISHIV_COORDINATOR_ID)`,
    role: 'operator',
    env: { KRISHIV_COORDINATOR_ID: ' ' },
    want: { 'OP-COORDINATOR-ID': 'fail' },
    starts: false,
  },
  {
    test: `${OP}:426-428 OperatorCliConfig::parse (--coordinator-id overrides a blank KRISHIV_COORDINATOR_ID)`,
    role: 'operator',
    env: { KRISHIV_COORDINATOR_ID: ' ' },
    cli: '--coordinator-id coord-1',
    want: { 'OP-COORDINATOR-ID': 'pass' },
  },
  {
    test: `${OP}:581 rejects_zero_bootstrap_slots`,
    role: 'operator',
    cli: '--bootstrap-executor-slots 0',
    want: { 'CLI-ARG-REFUSED': 'fail' },
    starts: false,
    text: ['CLI-ARG-REFUSED', 'greater than zero'],
  },
];

describe("the shared readers' and the operator's own engine tests", () => {
  it.each(ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});
