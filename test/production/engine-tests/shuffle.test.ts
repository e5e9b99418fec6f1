/**
 * The shuffle data plane's own tests (crates/krishiv-shuffle/src/token_auth.rs, shuffle_svc.rs,
 * flight.rs at e8be785f) as check-production inputs, and the shuffle service's token reload
 * (shuffle_svc.rs:159-183), which no engine test covers.
 */
import { describe, it } from 'vitest';
import { TOK } from '../helpers.js';
import { checkRow, type EngineTestRow } from './rows.js';

const TA = 'crates/krishiv-shuffle/src/token_auth.rs';
const SVC = 'crates/krishiv-shuffle/src/shuffle_svc.rs';
const FL = 'crates/krishiv-shuffle/src/flight.rs';
const TASK = { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task, KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord };
const ok = (content: string) => ({ state: 'ok', content, mode: 0o600 }) as const;

const ROWS: EngineTestRow[] = [
  // require_shuffle_token_or_fail: durable profiles refuse without a token, dev-local does not
  ...(['single-node-durable', 'distributed-durable'] as const).map(
    (p): EngineTestRow => ({
      test: `${TA}:96 startup_fails_closed_without_token_under_durable_profiles (shuffle-svc, ${p})`,
      role: 'shuffle-svc',
      env: { KRISHIV_DURABILITY_PROFILE: p },
      want: { 'SSVC-TOKEN-MISSING': 'fail' },
      starts: false,
      text: ['SSVC-TOKEN-MISSING', 'SEC-3'],
    }),
  ),
  {
    test: `${TA}:96 startup_fails_closed_without_token_under_durable_profiles (shuffle-svc, dev-local)`,
    role: 'shuffle-svc',
    env: {},
    want: { 'SSVC-TOKEN-MISSING': 'pass' },
    starts: true,
  },
  {
    test: `${TA}:96 startup_fails_closed_without_token_under_durable_profiles (shuffle-svc, a token, distributed-durable)`,
    role: 'shuffle-svc',
    env: { KRISHIV_DURABILITY_PROFILE: 'distributed-durable', KRISHIV_SHUFFLE_TOKEN: TOK.shuffle },
    want: { 'SSVC-TOKEN-MISSING': 'pass', 'SSVC-EMPTY-TOKEN-OPEN': 'pass', 'SSVC-TOKEN-UNTRIMMED': 'pass' },
    starts: true,
  },
  {
    test: `${TA}:96 startup_fails_closed_without_token_under_durable_profiles (executor Flight shuffle server, single-node-durable default dir)`,
    role: 'executor',
    env: { ...TASK, KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
    cli: '--connect',
    want: { 'EXEC-SHUFFLE-TOKEN-MISSING': 'fail' },
    starts: false,
  },
  // bearer_ok(_, None) is true: no token, every request served
  {
    test: `${TA}:111 bearer_ok_disabled_when_no_expected_token (executor Flight shuffle server)`,
    role: 'executor',
    env: TASK,
    cli: '--connect --shuffle-dir /var/lib/krishiv/shuffle',
    want: { 'EXEC-SHUFFLE-ANONYMOUS': 'fail', 'EXEC-SHUFFLE-TOKEN-MISSING': 'pass' },
    starts: true,
  },
  {
    test: `${FL}:1644 sec3_flight_shuffle_enforces_bearer_token`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_TOKEN: TOK.shuffle },
    cli: '--connect --shuffle-dir /var/lib/krishiv/shuffle',
    want: { 'EXEC-SHUFFLE-ANONYMOUS': 'pass', 'EXEC-SHUFFLE-TOKEN-MISSING': 'pass' },
  },
  // the shuffle service's token, and the reload task that replaces it at its first tick
  {
    test: `${SVC}:110-124 run_shuffle_svc (KRISHIV_SHUFFLE_TOKEN="" counts as configured and matches a missing header)`,
    role: 'shuffle-svc',
    env: { KRISHIV_DURABILITY_PROFILE: 'distributed-durable', KRISHIV_SHUFFLE_TOKEN: '' },
    want: { 'SSVC-TOKEN-MISSING': 'pass', 'SSVC-EMPTY-TOKEN-OPEN': 'fail' },
    starts: true,
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (the reload task replaces an empty KRISHIV_SHUFFLE_TOKEN with the file's token at once)`,
    role: 'shuffle-svc',
    env: {
      KRISHIV_DURABILITY_PROFILE: 'distributed-durable',
      KRISHIV_SHUFFLE_TOKEN: '',
      KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle',
    },
    files: { '/run/secrets/shuffle': ok(`${TOK.shuffle}\n`) },
    want: { 'SSVC-TOKEN-MISSING': 'pass', 'SSVC-EMPTY-TOKEN-OPEN': 'pass' },
    text: ['SSVC-EMPTY-TOKEN-OPEN', 'first, immediate tick'],
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (a file not on this machine is assumed to hold a token)`,
    role: 'shuffle-svc',
    env: { KRISHIV_SHUFFLE_TOKEN: '', KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle' },
    want: { 'SSVC-TOKEN-MISSING': 'pass', 'SSVC-EMPTY-TOKEN-OPEN': 'pass' },
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (a blank file never replaces the empty token)`,
    role: 'shuffle-svc',
    env: { KRISHIV_SHUFFLE_TOKEN: '', KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle' },
    files: { '/run/secrets/shuffle': ok(' \n') },
    want: { 'SSVC-EMPTY-TOKEN-OPEN': 'fail' },
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (a zero reload interval panics in the task: the empty token stays)`,
    role: 'shuffle-svc',
    env: {
      KRISHIV_SHUFFLE_TOKEN: '',
      KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle',
      KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS: '0',
    },
    files: { '/run/secrets/shuffle': ok(TOK.shuffle) },
    want: { 'SSVC-EMPTY-TOKEN-OPEN': 'fail', 'ENG-SHUFFLE-RELOAD-ZERO': 'fail' },
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (an empty _FILE path reads nothing)`,
    role: 'shuffle-svc',
    env: { KRISHIV_SHUFFLE_TOKEN: '', KRISHIV_SHUFFLE_TOKEN_FILE: '' },
    want: { 'SSVC-EMPTY-TOKEN-OPEN': 'fail' },
  },
  {
    test: `${SVC}:515-533 check_bearer_token (an untrimmed KRISHIV_SHUFFLE_TOKEN never matches)`,
    role: 'shuffle-svc',
    env: { KRISHIV_SHUFFLE_TOKEN: ` ${TOK.shuffle}` },
    want: { 'SSVC-TOKEN-UNTRIMMED': 'fail' },
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (the reload task replaces an untrimmed KRISHIV_SHUFFLE_TOKEN with the file's trimmed token)`,
    role: 'shuffle-svc',
    env: {
      KRISHIV_SHUFFLE_TOKEN: ` ${TOK.shuffle}`,
      KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle',
      KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS: '30',
    },
    files: { '/run/secrets/shuffle': ok(` ${TOK.shuffle}\n`) },
    want: { 'SSVC-TOKEN-UNTRIMMED': 'pass' },
    text: ['SSVC-TOKEN-UNTRIMMED', 'first, immediate tick'],
  },
  {
    test: `${SVC}:159-183 run_shuffle_svc (a file that is not UTF-8 is never read: the untrimmed token stays)`,
    role: 'shuffle-svc',
    env: { KRISHIV_SHUFFLE_TOKEN: `${TOK.shuffle} `, KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle' },
    files: { '/run/secrets/shuffle': { state: 'ok', content: 'x', mode: 0o600, invalidUtf8: true } },
    want: { 'SSVC-TOKEN-UNTRIMMED': 'fail' },
  },
];

describe("the shuffle data plane's own engine tests", () => {
  it.each(ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});
