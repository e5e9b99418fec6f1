/**
 * Values the tool cannot see, tried together (evaluate.ts tryTogether): a verdict that needs two of
 * them at once (a pair), or their being equal, is not kept; one Secret key used twice is one value;
 * a try past the budget leaves what it was for undecided, never kept; a run with one unknown value
 * tries nothing together.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateWithStats, JOINT_CHECK_RUNS } from '../../src/production/evaluate.js';
import { standIn } from '../../src/production/manifest/stand-in.js';
import { tableProbe } from '../../src/production/model.js';
import type { EnvVar, Finding, Role } from '../../src/production/types.js';
import { envSetOf } from './helpers.js';
import { deployOf, findingsOf, secretEnv, workload } from './manifest/layouts.js';

/** An env whose variables `unknown` come from objects not in the input (`source` each: one per Secret key). */
function run(role: Role, known: Record<string, string>, unknown: Record<string, string>, jointCheckRuns?: number) {
  const envSet = envSetOf(known);
  for (const [name, source] of Object.entries(unknown)) {
    const text = standIn(source);
    envSet.vars.set(name, {
      name,
      value: text,
      raw: text,
      quoting: 'none',
      origin: { source: 'file', file: 'm.yaml' },
      line: 1,
      references: [],
      unresolved: [],
      assumption: { kind: 'unknown', reason: `from ${source}, not in the input` },
      parts: [{ source, kind: 'any', text }],
    } satisfies EnvVar);
  }
  return evaluateWithStats({ envSet, role, cli: {}, files: tableProbe({}), ...(jointCheckRuns !== undefined ? { jointCheckRuns } : {}) });
}
const one = (findings: readonly Finding[], id: string): Finding => {
  const list = findings.filter((f) => f.id === id);
  expect(list, id).toHaveLength(1);
  return list[0]!;
};

describe('values tried together', () => {
  it('a verdict that needs two values at once: a durable profile and anonymous gRPC, each from an unknown ConfigMap', () => {
    const { report, variants } = run(
      'cluster',
      {},
      { KRISHIV_DURABILITY_PROFILE: 'ConfigMap/kx/s1/profile', KRISHIV_ALLOW_ANONYMOUS: 'ConfigMap/kx/s2/anon' },
    );
    // before: each alone left the other at its stand-in (no profile, not truthy), and it passed
    const f = one(report.findings, 'COORD-INSECURE-DURABLE');
    expect(f.status).toBe('skip');
    expect(f.message).toContain(
      'it fails for KRISHIV_DURABILITY_PROFILE as "single-node-durable" with KRISHIV_ALLOW_ANONYMOUS as "1" or KRISHIV_DURABILITY_PROFILE as "distributed-durable" with KRISHIV_ALLOW_ANONYMOUS as "1" and passes for others',
    );
    expect(variants.jointRuns).toBeGreaterThan(0);
    expect(variants.jointCheckRuns).toBeLessThanOrEqual(JOINT_CHECK_RUNS);
  });

  it('past the budget a pair is not tried, and what it was for is not decided (never kept)', () => {
    const { report, variants } = run(
      'cluster',
      {},
      { KRISHIV_DURABILITY_PROFILE: 'ConfigMap/kx/s1/profile', KRISHIV_ALLOW_ANONYMOUS: 'ConfigMap/kx/s2/anon' },
      0,
    );
    expect(variants.jointCheckRuns).toBe(0);
    const f = one(report.findings, 'COORD-INSECURE-DURABLE');
    expect(f.status).toBe('skip');
    expect(f.message).toBe(
      'not checked here: this check needs the value of KRISHIV_DURABILITY_PROFILE (from ConfigMap/kx/s1/profile, not in the input), KRISHIV_ALLOW_ANONYMOUS (from ConfigMap/kx/s2/anon, not in the input), which are set but not known here; assumed present and non-empty',
    );
  });

  it('two tokens from two unknown Secrets may be one: the reuse is not decided', () => {
    const { report } = run(
      'coordinator',
      { KRISHIV_PRODUCTION: '1' },
      { KRISHIV_COORDINATOR_BEARER_TOKEN: 'Secret/kx/a/token', KRISHIV_SHUFFLE_TOKEN: 'Secret/kx/b/token' },
    );
    const f = one(report.findings, 'ENV-TOKEN-REUSE');
    expect([f.status, f.message]).toEqual([
      'skip',
      'not checked here: the verdict depends on the value of KRISHIV_COORDINATOR_BEARER_TOKEN (from Secret/kx/a/token, not in the input), KRISHIV_SHUFFLE_TOKEN (from Secret/kx/b/token, not in the input), which are set but not known here: it warns for KRISHIV_COORDINATOR_BEARER_TOKEN and KRISHIV_SHUFFLE_TOKEN holding one value and passes for others',
    ]);
  });

  it('one Secret key behind two variables is one value: the reuse is decided (it warns), nothing is tried together', () => {
    const coordinator = (env: string): string =>
      workload({
        name: 'coord',
        namespace: 'kx',
        container: 'coordinator',
        body: `          command: [/usr/local/bin/krishiv, coordinator, --grpc-addr, 0.0.0.0:2001]\n          env:\n${env}`,
      });
    const same = deployOf(coordinator(`${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'auth')}${secretEnv('KRISHIV_UI_TOKEN', 'auth')}`));
    expect(same.findings.filter((f) => f.id === 'ENV-TOKEN-REUSE').map((f) => [f.status, f.variables])).toEqual([
      ['warn', ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_UI_TOKEN']],
    ]);
    expect(same.variants[0]!.jointRuns).toBe(0);
    // two keys of one Secret are two values
    const keys = findingsOf(
      coordinator(`${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'auth', 'a')}${secretEnv('KRISHIV_UI_TOKEN', 'auth', 'b')}`),
    );
    expect(keys.filter((f) => f.id === 'ENV-TOKEN-REUSE').map((f) => f.status)).toEqual(['skip']);
  });

  it('an unknown token may be a secret the input gives: said by name, never by value', () => {
    const { report } = run(
      'coordinator',
      { KRISHIV_UI_TOKEN: 'Wq4Rt7Yu0Io3Pa6Sd9Fg2Hj5Kl8Zx1Cv' },
      { KRISHIV_COORDINATOR_BEARER_TOKEN: 'Secret/kx/a/token' },
    );
    const f = one(report.findings, 'ENV-TOKEN-REUSE');
    expect(f.status).toBe('skip');
    expect(f.message).toContain(
      'it warns for KRISHIV_COORDINATOR_BEARER_TOKEN holding the value of KRISHIV_UI_TOKEN and passes for others',
    );
    expect(JSON.stringify(report)).not.toContain('Wq4Rt7Yu0Io3Pa6Sd9Fg2Hj5Kl8Zx1Cv');
  });

  it('the bench case (one value from the downward API) tries nothing together', () => {
    const r = deployOf(readFileSync('examples/k8s-production.yaml', 'utf8'), 'examples/k8s-production.yaml');
    expect(r.variants.map((v) => v.jointRuns)).toEqual([0, 0]);
    expect(r.variants[0]!.runs).toBeGreaterThan(0);
  });
});
