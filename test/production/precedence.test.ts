/** --cli reaches only the daemon's own start-up checks (surface §3.4); P_env drives the rest. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe, type CliFlags } from '../../src/production/model.js';
import type { Role } from '../../src/production/types.js';
import { envSetOf } from './helpers.js';

const status = (role: Role, env: Record<string, string>, cli: CliFlags) => {
  const r = evaluate({ envSet: envSetOf(env), role, cli, files: tableProbe({}) });
  return (id: string) => r.findings.filter((f) => f.id === id).map((f) => f.status);
};

describe('CLI-only durable profile', () => {
  const cli = { durabilityProfile: 'distributed-durable' };
  it('coordinator: start-up checks follow the CLI profile, UI and Flight follow the env (dev-local)', () => {
    const s = status('cluster', { KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003', KRISHIV_SHUFFLE_DIR: '/s' }, cli);
    expect(s('COORD-GRPC-TOKENS-MISSING')).toEqual(['fail']); // P_cfg = DD
    expect(s('COORD-EXEC-TOKEN-MISSING')).toEqual(['fail']);
    expect(s('COORD-METADATA-PROFILE')).toEqual(['fail', 'fail', 'fail']);
    expect(s('UI-ANONYMOUS')).toEqual(['fail']); // P_env = DL: anonymous UI
    expect(s('UI-TOKEN-MISSING')).toEqual(['pass']);
    expect(s('FLIGHT-ANONYMOUS')).toEqual(['fail']);
    expect(s('FLIGHT-API-KEYS-MISSING')).toEqual(['pass']);
    expect(s('EXEC-SHUFFLE-ANONYMOUS')).toEqual(['fail']); // SEC-3 follows P_env
    expect(s('EXEC-DD-STATE-DIR-MISSING')).toEqual(['fail']); // P_exec = DD
    expect(s('ENV-CLI-ONLY-PROFILE')).toEqual(['warn']);
    expect(s('MODE-NOT-FAIL-CLOSED')).toEqual(['fail']);
    expect(s('PROD-DURABLE-PROFILE')).toEqual(['pass']);
  });
  it('the same profile in the env makes UI and Flight fail closed instead', () => {
    const s = status('cluster', { KRISHIV_DURABILITY_PROFILE: 'distributed-durable', KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' }, cli);
    expect(s('UI-ANONYMOUS')).toEqual(['pass']);
    expect(s('UI-TOKEN-MISSING')).toEqual(['fail']);
    expect(s('FLIGHT-API-KEYS-MISSING')).toEqual(['fail']);
    expect(s('ENV-CLI-ONLY-PROFILE')).toEqual(['pass']);
  });
  it('an invalid env profile refuses the coordinator even with a valid --durability-profile: the env value is parsed first (coordinator_daemon.rs:1132-1136)', () => {
    const s = status('coordinator', { KRISHIV_DURABILITY_PROFILE: 'durable' }, cli);
    expect(s('MODE-PROFILE-INVALID')).toEqual(['fail']);
  });
  it('the executor parses its flag only: an invalid env profile is silently dev-local there (cli.rs:1222-1225)', () => {
    const s = status('executor', { KRISHIV_DURABILITY_PROFILE: 'durable' }, cli);
    expect(s('MODE-PROFILE-INVALID')).toEqual(['warn']);
  });
  it('memory:// checkpoints: the CLI profile refuses an explicit URI; the env profile refuses the default', () => {
    expect(
      status(
        'executor',
        { KRISHIV_CHECKPOINT_STORAGE: 'memory://' },
        { durabilityProfile: 'single-node-durable' },
      )('EXEC-MEMORY-CHECKPOINT'),
    ).toEqual(['fail']);
    expect(status('executor', { KRISHIV_PRODUCTION: '1', KRISHIV_STATE_DIR: '/s' }, {})('EXEC-MEMORY-CHECKPOINT')).toEqual(['fail']);
    // CLI DL, env SN: the DL default memory:// is refused after registration by P_env
    expect(
      status(
        'executor',
        { KRISHIV_DURABILITY_PROFILE: 'single-node-durable' },
        { durabilityProfile: 'dev-local' },
      )('EXEC-MEMORY-CHECKPOINT'),
    ).toEqual(['fail']);
  });
  it('--insecure under a CLI durable profile refuses; DL env + prod + anonymous is deny-all', () => {
    expect(status('coordinator', {}, { ...cli, insecure: true })('COORD-INSECURE-DURABLE')).toEqual(['fail']);
    expect(status('coordinator', { KRISHIV_PRODUCTION: '1', KRISHIV_ALLOW_ANONYMOUS: '1' }, {})('COORD-GRPC-DENY-ALL')).toEqual(['fail']);
  });
});
