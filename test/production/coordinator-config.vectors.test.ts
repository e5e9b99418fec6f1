/**
 * The coordinator's configuration decisions against vectors produced by the engine's own logic
 * (see test/fixtures/engine/README.md): the engine's first refusal is one check-production
 * reports (COORD-METADATA-PROFILE / COORD-METADATA-CONFIG), and none means none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { makeContext } from '../../src/production/checks/context.js';
import { tableProbe } from '../../src/production/model.js';
import { envSetOf, TOK } from './helpers.js';

interface Vectors {
  order: string[];
  profiles: string[];
  categories: string[];
  results: string;
  [name: string]: unknown;
}
const V = JSON.parse(readFileSync(new URL('../fixtures/engine/coordinator-config.json', import.meta.url), 'utf8')) as Vectors;
const NAMES = V.order.slice(1);
const values = (name: string): Array<string | null> => V[name] as Array<string | null>;

const CATEGORY: Array<[string, string]> = [
  ['coordinator id cannot be empty', 'id-empty'],
  ['--leader-backend etcd requires', 'leader-etcd-endpoints'],
  ['--leader-lease-secs must be greater than zero', 'lease-zero'],
  ['single-node-durable requires --metadata-backend rocksdb', 'sn-backend'],
  ['single-node-durable requires --metadata-path', 'sn-path'],
  ['single-node-durable requires --leader-backend single', 'sn-leader'],
  ['distributed-durable requires --metadata-backend etcd', 'dd-backend'],
  ['distributed-durable requires --leader-backend etcd', 'dd-leader'],
  ['distributed-durable requires --etcd-endpoints', 'dd-endpoints'],
  ['--metadata-backend etcd requires', 'etcd-endpoints'],
  ["rocksdb store ''", 'rocksdb-open'],
  ['--metadata-backend rocksdb requires --metadata-path', 'rocksdb-path'],
  ['cannot use --metadata-path', 'path-with-backend'],
  ['unknown --metadata-backend', 'unknown-backend'],
];

const CHECKS = CATALOG.filter((c) => c.id === 'COORD-METADATA-PROFILE' || c.id === 'COORD-METADATA-CONFIG');

describe('coordinator configuration decisions (engine vectors)', () => {
  it('agrees on every combination', () => {
    const combos: Array<Record<string, string>> = [];
    const walk = (i: number, env: Record<string, string>): void => {
      if (i === NAMES.length) return void combos.push(env);
      for (const v of values(NAMES[i]!)) walk(i + 1, v === null ? env : { ...env, [NAMES[i]!]: v });
    };
    const all: Array<{ profile: string; env: Record<string, string> }> = [];
    for (const profile of V.profiles) {
      combos.length = 0;
      walk(0, {});
      for (const env of combos) all.push({ profile, env });
    }
    expect(all.length).toBe(V.results.length);
    const wrong: unknown[] = [];
    all.forEach(({ profile, env }, i) => {
      const first = V.categories[V.results.charCodeAt(i) - 97]!;
      const full = {
        ...env,
        KRISHIV_DURABILITY_PROFILE: profile,
        KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord,
        KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task,
      };
      const ctx = makeContext({ envSet: envSetOf(full), role: 'coordinator', cli: {}, files: tableProbe({}) });
      const refusals = new Set(
        CHECKS.flatMap((c) => c.evaluate!(ctx))
          .filter((f) => f.status === 'fail')
          .map((f) => CATEGORY.find(([text]) => (f.engineMessage ?? '').startsWith(text))?.[1] ?? `? ${f.engineMessage}`),
      );
      const agrees = first === 'ok' ? refusals.size === 0 : refusals.has(first);
      if (!agrees) wrong.push({ profile, env, first, refusals: [...refusals] });
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
