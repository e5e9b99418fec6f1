/** Properties of the whole check run over arbitrary envs: it never throws, the summary counts the findings, and no secret value leaks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe, type FileState } from '../../src/production/model.js';
import { ROLES } from '../../src/production/types.js';
import { envSetOf } from './helpers.js';

const NAMES = [
  'KRISHIV_PRODUCTION',
  'KRISHIV_DURABILITY_PROFILE',
  'KRISHIV_ALLOW_ANONYMOUS',
  'KRISHIV_ALLOW_ANONYMOUS_HTTP',
  'KRISHIV_UI',
  'KRISHIV_UI_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
  'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS',
  'KRISHIV_OIDC_JWKS_URI',
  'KRISHIV_OIDC_AUDIENCE',
  'KRISHIV_FLIGHT_ADDR',
  'KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED',
  'KRISHIV_CHECKPOINT_STORAGE',
  'KRISHIV_SHUFFLE_DIR',
  'KRISHIV_SHUFFLE_URI',
  'KRISHIV_STATE_DIR',
  'KRISHIV_STATE_BACKEND',
  'KRISHIV_METADATA_BACKEND',
  'KRISHIV_LEADER_BACKEND',
  'KRISHIV_ETCD_ENDPOINTS',
  'KRISHIV_TLS_CERT',
  'KRISHIV_TLS_KEY',
  'KRISHIV_CA_CERT',
  'KRISHIV_SHUFFLE_TOKEN_FILE',
  'KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS',
  'KRISHIV_MCP_TRANSPORT',
  'KRISHIV_PRODUCTOIN',
  'KRISHIV_COORDINATOR',
];
const SECRET_NAMES = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
  'KRISHIV_UI_TOKEN',
  'KRISHIV_SHUFFLE_TOKEN',
  'KRISHIV_FLIGHT_API_KEY',
];

const value = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '1',
    'true',
    'off',
    'OFF',
    '0',
    'dev-local',
    'single',
    'distributed-durable',
    'd',
    'etcd',
    'rocksdb',
    's3://b/x',
    'memory://',
    'file:///x',
    '0.0.0.0:2003',
    '30',
    'http',
    '/f',
  ),
  fc.string({ maxLength: 12 }),
);
const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/).map((s) => `zq9X${s}`);

describe('evaluate over arbitrary envs', () => {
  it('never throws, counts every finding, reports only catalog ids for their roles, and never prints a secret', () => {
    const roles = fc.constantFrom(...ROLES);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 12 }),
        fc.dictionary(fc.constantFrom(...SECRET_NAMES), secret, { maxKeys: 4 }),
        fc.option(fc.tuple(secret, secret), { nil: undefined }),
        roles,
        fc.constantFrom<FileState>(
          { state: 'unchecked' },
          { state: 'missing' },
          { state: 'unreadable', error: 'Permission denied (os error 13)' },
          { state: 'ok', content: 'zq9Xfilecontent123\nzq9Xsecondline456', mode: 0o644 },
        ),
        (plain, secrets, apiKey, role, fileState) => {
          const env: Record<string, string> = { ...plain, ...secrets };
          if (apiKey) env['KRISHIV_API_KEYS'] = `${apiKey[0]}=alice,${apiKey[1]}`;
          const report = evaluate({ envSet: envSetOf(env), role, cli: {}, files: tableProbe({}, fileState) });
          const s = report.summary;
          expect(s.fail + s.warn + s.pass + s.skip + s.waived).toBe(report.findings.length);
          for (const f of report.findings) {
            const info = CATALOG.find((c) => c.id === f.id);
            expect(info, f.id).toBeDefined();
            expect(info!.roles).toContain(role);
          }
          const text = JSON.stringify(report.findings);
          for (const v of [...Object.values(secrets), ...(apiKey ?? []), 'zq9Xfilecontent123', 'zq9Xsecondline456'])
            expect(text).not.toContain(v);
        },
      ),
      { numRuns: 300 },
    );
  });
});
