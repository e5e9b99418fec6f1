/**
 * The `--cli` model against vectors produced by the argument loops of the engine's three parsers
 * (see test/fixtures/engine/README.md): crates/krishiv-scheduler/src/coordinator_daemon.rs:1154-1222,
 * crates/krishiv-executor/src/cli.rs:1228-1341 with 1437-1445, crates/krishiv-operator/src/main.rs:355-424,
 * with `next_*_arg` (a blank value after `trim()` is missing), `SocketAddr`, `u64`/`usize` and the
 * durability profile parse as the engine has them. Each row: the words, the parser's refusal (its
 * first line) or null, and what the loop set when it accepted them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDurabilityProfile, parseU64 } from '../../src/engine/readers.js';
import { parseCliWords, type EngineProcess } from '../../src/production/env/cli-flags.js';
import { etcdEndpoints } from '../../src/production/model.js';
import { wordForMessage } from '../../src/util/secret.js';

type Field = string | boolean | string[] | null;
const V = JSON.parse(readFileSync(new URL('../fixtures/engine/cli-parsers.json', import.meta.url), 'utf8')) as {
  words: string[];
  fields: Record<EngineProcess, string[]>;
  rows: Array<[EngineProcess, number[], string | null, Field[] | null]>;
};
const NO_ENV = { get: () => undefined, has: () => false };
const num = (v: string | undefined): string | null => (v === undefined ? null : String(parseU64(v)));

describe('the engine argument parsers (engine vectors)', () => {
  it('cover every process, refusals and acceptances', () => {
    for (const p of ['coordinator', 'executor', 'operator'] as const) {
      expect(V.rows.filter((r) => r[0] === p && r[2] === null).length).toBeGreaterThan(50);
      expect(V.rows.filter((r) => r[0] === p && r[2] !== null).length).toBeGreaterThan(300);
    }
  });

  it('refuse the same word with the same message, and read the same values', () => {
    const wrong: unknown[] = [];
    for (const [process, idx, refusal, fields] of V.rows) {
      const words = idx.map((i) => V.words[i] as string);
      const cli = parseCliWords(words, process);
      const mine = cli.refusals.map((r) => r.message);
      if (refusal === null) {
        if (mine.length > 0) wrong.push({ words, process, want: null, mine });
      } else {
        const unknown = /^unknown option: (.*)$/s.exec(refusal);
        const want = unknown ? `unknown option: ${wordForMessage(unknown[1] as string)}` : refusal;
        if (mine.length !== 1 || mine[0] !== want || (unknown && cli.refusals[0]?.word !== unknown[1]))
          wrong.push({ words, process, want, mine });
      }
      if (fields === null || mine.length > 0) continue;
      const profile = (v: string | undefined, dflt: string | null) => (v === undefined ? dflt : (parseDurabilityProfile(v) ?? 'invalid'));
      const got: Field[] =
        process === 'coordinator'
          ? [
              cli.coordinatorId ?? null,
              profile(cli.durabilityProfile, 'dev-local'),
              cli.insecure,
              cli.flightAddr !== undefined,
              cli.metadataBackend ?? null,
              cli.metadataPath ?? null,
              cli.leaderBackend ?? null,
              cli.etcdEndpoints === undefined ? null : etcdEndpoints(NO_ENV, cli),
              num(cli.leaderLeaseSecs),
              cli.help === true,
            ]
          : process === 'executor'
            ? [
                cli.executorId ?? null,
                num(cli.slots),
                cli.connect ? 'Connect' : cli.registerOnce ? 'RegisterOnce' : 'DryRun',
                cli.taskGrpcAddr === 'off',
                cli.barrierGrpcAddr === 'off',
                cli.shuffleDir ?? null,
                cli.shuffleUri ?? null,
                cli.checkpointUri ?? null,
                cli.stateDir ?? null,
                profile(cli.durabilityProfile, null),
                cli.help === true,
              ]
            : [cli.coordinatorId ?? null, cli.statusAddr !== undefined, cli.executorGrpcAddr !== undefined, cli.help === true];
      if (JSON.stringify(got) !== JSON.stringify(fields)) wrong.push({ words, process, fields: V.fields[process], want: fields, got });
    }
    expect(wrong).toEqual([]);
  });
});
