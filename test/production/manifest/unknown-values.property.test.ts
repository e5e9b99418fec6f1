/**
 * Properties of the runs with other values, over arbitrary containers whose variables come from a
 * Secret that is not in the input: a verdict kept (not a skip) is the verdict the container gets
 * when the Secret is in the input with any of the values tried (so what the first run recorded as
 * read, directly or through what the context derived, missed nothing), the runs stay within the
 * budget, and no stand-in reaches a finding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unknownSources } from '../../../src/production/assumptions.js';
import { JOINT_CHECK_RUNS, VARIANT_RUNS } from '../../../src/production/evaluate.js';
import { standIn } from '../../../src/production/manifest/stand-in.js';
import type { Finding } from '../../../src/production/types.js';
import { unknownVar } from '../helpers.js';
import { commandContainer, deployOf, findingsOf, ROLE_COMMANDS, SOAK_RUNS, secretEnv, UNKNOWN_NAMES } from './layouts.js';

const RUNS = SOAK_RUNS;
const NAMES = UNKNOWN_NAMES;
const LITERALS = [
  '1',
  '0',
  'single-node-durable',
  'distributed-durable',
  'off',
  'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a',
  'http://otel:4317',
];
const COMMANDS = ROLE_COMMANDS;

const manifest = (command: string, unknown: readonly string[], literal: ReadonlyArray<[string, string]>, known?: string): string =>
  `${commandContainer(
    command,
    `${literal.map(([n, v]) => `            - name: ${n}\n              value: "${v}"\n`).join('')}${unknown.map((n, i) => secretEnv(n, i === 0 ? 'first' : 'missing', n.toLowerCase())).join('')}`,
  )}${
    known === undefined
      ? ''
      : `---
apiVersion: v1
kind: Secret
metadata: {name: first, namespace: kx}
stringData:
  ${unknown[0]!.toLowerCase()}: ${JSON.stringify(known)}
`
  }`;

const key = (f: Finding): string => `${f.id} ${f.variables.join(',')}`;

describe(`values not known here (${RUNS} runs)`, () => {
  it('a kept verdict is the verdict with the Secret in the input, for every value tried; no stand-in is shown', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(COMMANDS)),
        fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...LITERALS)), { maxLength: 4, selector: ([n]) => n }),
        fc.nat(),
        (role, unknown, literals, pick) => {
          const literal = literals.filter(([n]) => !unknown.includes(n));
          const command = COMMANDS[role]!;
          const r = deployOf(manifest(command, unknown, literal));
          const u = r.findings;
          for (const cost of r.variants) {
            expect(cost.runs).toBeLessThanOrEqual(VARIANT_RUNS);
            expect(cost.jointCheckRuns).toBeLessThanOrEqual(JOINT_CHECK_RUNS);
          }
          const text = JSON.stringify(u);
          unknown.forEach((n, i) => expect(text).not.toContain(standIn(`Secret/kx/${i === 0 ? 'first' : 'missing'}/${n.toLowerCase()}`)));
          // one value tried for the first unknown variable: given it in the input, the other unknown ones stay unknown
          const first = unknown[0]!;
          const v = unknownVar(first);
          const tries = unknownSources(new Map([[first, v]])).get(`value/${first}`)!.tries;
          const value = tries[pick % tries.length]![0];
          const k = findingsOf(manifest(command, unknown, literal, value));
          const known = new Map<string, Finding[]>();
          for (const f of k) known.set(key(f), [...(known.get(key(f)) ?? []), f]);
          for (const f of u) {
            if (f.status === 'skip' || !f.id.match(/^(?!K8S-|DEPLOY-)/)) continue;
            const there = (known.get(key(f)) ?? []).filter((x) => x.status !== 'skip');
            // with the value known a finding may be decided where it was not, never the other way
            if (there.length === 0) continue;
            expect(
              there.map((x) => x.status),
              `${role} ${unknown.join(',')} ${key(f)} with ${first}=${JSON.stringify(value)}`,
            ).toContain(f.status);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
