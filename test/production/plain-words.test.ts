/**
 * Plain words: what check-production shows (catalog, --list-checks, explain, findings, SARIF)
 * never cites the summary document ("surface §N") or its notation (P_cfg, P_env, P_exec, FC,
 * SN, DD), and every check's source cites the engine as crates/…/file.rs:line.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe } from '../../src/production/model.js';
import { ROLES } from '../../src/production/types.js';
import { renderReport } from '../../src/report/index.js';
import { envSetOf, GOOD } from './helpers.js';

const NOTATION = /surface §|§\s?\d|\bP_(cfg|env|exec)\b|(?<![-\w.'/])(FC|SN|DD)(?![-\w])/;

describe('plain words', () => {
  it.each(CATALOG.map((c) => [c.id, c] as const))('%s: rule, source, fix and engine message in plain words', (_id, c) => {
    for (const text of [c.rule, c.source, c.fix, c.engineMessage ?? '']) expect(text).not.toMatch(NOTATION);
    expect(c.source).toMatch(/crates\/[\w-]+\/src\/[\w/.-]+\.rs:\d+/);
  });

  const envs: Array<Record<string, string>> = [
    GOOD,
    {},
    { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_SHUFFLE_URI: 's3://b/s', KRISHIV_CHECKPOINT_STORAGE: 'memory://' },
    { KRISHIV_PRODUCTION: '1', KRISHIV_OIDC_JWKS_URI: 'https://idp/jwks', KRISHIV_ALLOW_ANONYMOUS: '1', KRISHIV_UI_TOKEN_FILE: '' },
  ];
  it.each(ROLES.map((r) => [r]))('every finding of role %s, and its SARIF report', (role) => {
    for (const env of envs) {
      const cli = {
        durabilityProfile: 'distributed-durable',
        refusals: [{ process: 'coordinator' as const, word: '--x', message: 'unknown option: --x' }],
      };
      const report = evaluate({ envSet: envSetOf(env), role, cli, files: tableProbe({}) });
      for (const f of report.findings) {
        expect(`${f.id}: ${f.message}`).not.toMatch(NOTATION);
        expect(f.remediation).not.toMatch(NOTATION);
      }
      expect(renderReport('sarif', report, CATALOG, { srcRoot: '/tmp' })).not.toMatch(/surface §|§\s?\d|\bP_(cfg|env|exec)\b/);
    }
  });
});
