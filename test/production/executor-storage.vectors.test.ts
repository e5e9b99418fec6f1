/**
 * The executor's storage decisions against vectors produced by the engine's own logic (see
 * test/fixtures/engine/README.md): for every combination, the engine's first refusal is one of
 * the refusals check-production reports, no refusal means none, and an open shuffle data plane
 * is reported as EXEC-SHUFFLE-ANONYMOUS.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { makeContext } from '../../src/production/checks/context.js';
import { tableProbe } from '../../src/production/model.js';
import type { Finding } from '../../src/production/types.js';
import { envSetOf, TOK } from './helpers.js';

interface Vectors {
  profiles: string[];
  shuffleDir: Array<string | null>;
  shuffleUri: Array<string | null>;
  stateDir: Array<string | null>;
  checkpointStorage: Array<string | null>;
  categories: string[];
  /** one character per combination, in the nested order of `order`: the category's index as a letter (a = ok), upper case when the shuffle data plane is open */
  results: string;
}
const V = JSON.parse(readFileSync(new URL('../fixtures/engine/executor-storage.json', import.meta.url), 'utf8')) as Vectors;
type Row = [string, string, boolean, string | null, string | null, string | null, string | null, boolean, string | null, boolean];
const rows: Row[] = [];
for (const pExec of V.profiles)
  for (const pEnv of V.profiles)
    for (const prod of [false, true])
      for (const dir of V.shuffleDir)
        for (const uri of V.shuffleUri)
          for (const state of V.stateDir)
            for (const ckpt of V.checkpointStorage)
              for (const token of [false, true]) {
                const code = V.results[rows.length]!;
                const cat = V.categories[code.toLowerCase().charCodeAt(0) - 97]!;
                rows.push([pExec, pEnv, prod, dir, uri, state, ckpt, token, cat === 'ok' ? null : cat, code !== code.toLowerCase()]);
              }

function category(f: Finding): string | undefined {
  const em = f.engineMessage ?? '';
  switch (f.id) {
    case 'EXEC-MEMORY-CHECKPOINT':
      return f.message.startsWith('explicit') ? 'ckpt-explicit-memory' : 'ckpt-memory-env';
    case 'EXEC-DD-SHUFFLE-MISSING':
      return 'dd-shuffle';
    case 'EXEC-DD-STATE-DIR-MISSING':
      return 'dd-state';
    case 'EXEC-DD-CHECKPOINT-MISSING':
      return 'dd-ckpt';
    case 'EXEC-STATE-DIR-REQUIRED':
      return em.includes('ephemeral') ? 'state-ephemeral' : 'state-durable';
    case 'EXEC-S3-SHUFFLE-PROFILE':
      // the backend's own words follow `shuffle I/O error: ` (the executor prints its prefix and the backend's context before them)
      return em.includes('shuffle I/O error: tiered shuffle requires')
        ? 'tiered-profile'
        : em.includes('shuffle I/O error: s3:// shuffle requires')
          ? 's3-profile'
          : 's3-bucket';
    case 'EXEC-MEMORY-SHUFFLE':
      return 'memory-shuffle';
    case 'EXEC-SHUFFLE-TOKEN-MISSING':
      return 'sec3';
    default:
      return undefined;
  }
}

const EXEC = CATALOG.filter((c) => c.id.startsWith('EXEC-') && c.evaluate !== undefined);

describe('executor storage decisions (engine vectors)', () => {
  it(`agrees on all ${rows.length} combinations`, () => {
    expect(rows.length).toBe(V.results.length);
    expect(rows.length).toBeGreaterThan(10000);
    const wrong: unknown[] = [];
    for (const row of rows) {
      const [pExec, pEnv, prod, dir, uri, state, ckpt, token, first, open] = row;
      const env: Record<string, string> = {
        KRISHIV_DURABILITY_PROFILE: pEnv,
        KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task,
        KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord,
      };
      if (prod) env['KRISHIV_PRODUCTION'] = '1';
      if (dir !== null) env['KRISHIV_SHUFFLE_DIR'] = dir;
      if (uri !== null) env['KRISHIV_SHUFFLE_URI'] = uri;
      if (state !== null) env['KRISHIV_STATE_DIR'] = state;
      if (ckpt !== null) env['KRISHIV_CHECKPOINT_STORAGE'] = ckpt;
      if (token) env['KRISHIV_SHUFFLE_TOKEN'] = TOK.shuffle;
      const ctx = makeContext({ envSet: envSetOf(env), role: 'executor', cli: { durabilityProfile: pExec }, files: tableProbe({}) });
      const findings = EXEC.flatMap((c) => c.evaluate!(ctx));
      const refusals = new Set(
        findings
          .filter((f) => f.status === 'fail')
          .map(category)
          .filter((c) => c !== undefined),
      );
      const anonymous = findings.some((f) => f.id === 'EXEC-SHUFFLE-ANONYMOUS' && f.status === 'fail');
      const agrees = first === null ? refusals.size === 0 && anonymous === open : refusals.has(first);
      if (!agrees) wrong.push({ row, refusals: [...refusals], anonymous });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
