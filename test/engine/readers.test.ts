import { describe, expect, it } from 'vitest';
import { COORDINATOR_TOKEN_SOURCES, parseDurabilityProfile, profileParseError, readReloadInterval } from '../../src/engine/readers.js';

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
