/**
 * Flight SQL's own tests (crates/krishiv-flight-sql/src/service.rs, crates/krishiv-plan/src/governance.rs
 * at e8be785f) and its start-up reading of KRISHIV_API_KEYS (service.rs:1327-1391), as
 * check-production inputs.
 */
import { describe, expect, it } from 'vitest';
import { TOK } from '../helpers.js';
import { checkRow, findingsOf, type EngineTestRow } from './rows.js';

const SVC = 'crates/krishiv-flight-sql/src/service.rs';
const GOV = 'crates/krishiv-plan/src/governance.rs';
const KEYS = { KRISHIV_API_KEYS: `${TOK.key}=alice` };
const DD = { KRISHIV_DURABILITY_PROFILE: 'distributed-durable' };
const COLOCATED = { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord, KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' };

const ROWS: EngineTestRow[] = [
  {
    test: `${SVC}:1974 sec2_auth_without_policy_default_denies_actions_and_prepared_paths`,
    role: 'flight-server',
    env: { ...DD, ...KEYS },
    want: { 'FLIGHT-POLICY-MISSING': 'fail', 'FLIGHT-API-KEYS-MISSING': 'pass' },
    starts: true,
  },
  {
    test: `${SVC}:1974 sec2_auth_without_policy_default_denies_actions_and_prepared_paths (KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: ${SVC}:1343-1345)`,
    role: 'flight-server',
    env: { ...DD, ...KEYS, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: 'yes' },
    want: { 'FLIGHT-POLICY-MISSING': 'pass', 'FLIGHT-ANONYMOUS': 'pass' },
    starts: true,
  },
  {
    test: `${SVC}:1363-1372 auth_provider_from_env (blank keys under a durable profile: the standalone server refuses)`,
    role: 'flight-server',
    env: { ...DD, KRISHIV_API_KEYS: '   ' },
    want: { 'FLIGHT-API-KEYS-MISSING': 'fail' },
    starts: false,
  },
  {
    test: `${SVC}:1363-1372 auth_provider_from_env (no keys under dev-local: served anonymously)`,
    role: 'flight-server',
    env: {},
    want: { 'FLIGHT-ANONYMOUS': 'fail', 'FLIGHT-API-KEYS-MISSING': 'pass' },
    starts: true,
  },
  {
    test: `${SVC}:1387-1389 auth_provider_from_env (only empty parts: "must list at least one key")`,
    role: 'flight-server',
    env: { ...DD, KRISHIV_API_KEYS: ' , ' },
    want: { 'FLIGHT-API-KEYS-MALFORMED': 'fail' },
    starts: false,
  },
  {
    test: `${SVC}:1382-1384 auth_provider_from_env (an entry without "=" under dev-local: a warning, then anonymous)`,
    role: 'flight-server',
    env: { KRISHIV_API_KEYS: `${TOK.key}=alice,oops` },
    want: { 'FLIGHT-API-KEYS-MALFORMED': 'fail', 'FLIGHT-ANONYMOUS': 'fail' },
    starts: true,
  },
  // StaticApiKeyAuthProvider::authenticate("") is None, and an empty bearer never reaches it
  {
    test: `${GOV}:81 static_auth_provider_no_prefix_timing_oracle (only empty keys: the standalone server rejects every call)`,
    role: 'flight-server',
    env: { ...DD, KRISHIV_API_KEYS: '=alice, =bob', KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    want: { 'ENG-API-KEY-ENTRY': 'fail', 'FLIGHT-API-KEYS-MISSING': 'pass', 'FLIGHT-POLICY-MISSING': 'pass' },
    text: ['ENG-API-KEY-ENTRY', 'Flight SQL rejects every call'],
  },
  {
    test: `${GOV}:81 static_auth_provider_no_prefix_timing_oracle (only empty keys, co-located Flight SQL)`,
    role: 'coordinator',
    env: { ...COLOCATED, KRISHIV_API_KEYS: '=alice', KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    want: { 'ENG-API-KEY-ENTRY': 'fail' },
    text: ['ENG-API-KEY-ENTRY', 'Flight SQL rejects every call'],
  },
  {
    test: `${GOV}:81 static_auth_provider_no_prefix_timing_oracle (one empty key beside a real one: only that entry is dead)`,
    role: 'flight-server',
    env: { KRISHIV_API_KEYS: `=alice,${TOK.key}=bob`, KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED: '1' },
    want: { 'ENG-API-KEY-ENTRY': 'fail', 'FLIGHT-ANONYMOUS': 'pass' },
  },
];

describe("Flight SQL's own engine tests", () => {
  it.each(ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});

describe('the class of a key list without a usable key', () => {
  it('is DENY only where a Flight SQL server runs', () => {
    const classes = (role: EngineTestRow['role'], env: Record<string, string>) =>
      findingsOf({ test: '', role, env })
        .filter((f) => f.id === 'ENG-API-KEY-ENTRY')
        .map((f) => f.class);
    expect(classes('flight-server', { KRISHIV_API_KEYS: '=alice' })).toEqual(['DENY']);
    expect(classes('coordinator', { ...COLOCATED, KRISHIV_API_KEYS: '=alice' })).toEqual(['DENY']);
    expect(classes('coordinator', { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord, KRISHIV_API_KEYS: '=alice' })).toEqual(['HYGIENE']);
    expect(classes('flight-server', { KRISHIV_API_KEYS: `=alice,${TOK.key}=bob` })).toEqual(['HYGIENE']);
  });
});
