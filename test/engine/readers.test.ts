import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_TOKEN_SOURCES,
  parseDurabilityProfile,
  parseU64,
  profileParseError,
  readReloadInterval,
} from '../../src/engine/readers.js';

describe('shared engine readers', () => {
  it('token sources in the coordinator order (crates/krishiv-scheduler/src/auth.rs:222-291)', () => {
    expect(COORDINATOR_TOKEN_SOURCES.map((s) => s.name)).toEqual([
      'KRISHIV_COORDINATOR_BEARER_TOKEN',
      'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
      'KRISHIV_COORDINATOR_BEARER_TOKENS',
      'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
    ]);
    expect(COORDINATOR_TOKEN_SOURCES.filter((s) => s.missingIsError).map((s) => s.name)).toEqual(['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE']);
  });
  it.each<[string | undefined, string]>([
    [undefined, 'unset'],
    ['  ', 'empty'],
    ['x', 'invalid'],
    ['-1', 'invalid'],
    [' 0 ', 'zero'],
    ['+30', 'seconds'],
  ])('reload interval %j → %s (auth.rs:359-383)', (raw, state) => expect(readReloadInterval(raw).state).toBe(state));
  it('profile parse and its message (crates/krishiv-common/src/durability.rs:78-100)', () => {
    expect(parseDurabilityProfile(' Single ')).toBe('single-node-durable');
    expect(parseDurabilityProfile('single_node_durable')).toBeUndefined();
    expect(profileParseError(' Single_Node ')).toBe("unknown durability profile 'single_node'");
  });
});

const RUNS = { numRuns: 3000 };
describe('loops that replaced regular expressions on the start-up path (each is compiled at its first use, at every start)', () => {
  it('parseU64 and parsesAsU64: /^\\+?[0-9]+$/, then at most 2^64-1', () => {
    const digits = fc.oneof(
      fc.string({ unit: fc.constantFrom('+', '-', '0', '9', '5', ' ', 'a') }),
      fc.bigInt({ min: 0n, max: 1n << 66n }).map(String),
    );
    fc.assert(
      fc.property(digits, (s) => {
        const ok = /^\+?[0-9]+$/.test(s) && BigInt(s.replace(/^\+/, '')) <= (1n << 64n) - 1n;
        expect(parseU64(s) !== undefined).toBe(ok);
        expect(parseU64(s)).toBe(ok ? BigInt(s.replace(/^\+/, '')) : undefined);
      }),
      RUNS,
    );
  });
});
