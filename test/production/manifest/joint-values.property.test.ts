/**
 * Properties of the joint tries, over arbitrary containers with two or three variables from
 * Secrets that are not in the input (each its own Secret, or two of them one Secret key): a
 * verdict the tool keeps (not a skip) is the verdict the container gets when those Secrets are in
 * the input, filled with arbitrary values (non-blank, as the contract assumes them), equal values
 * included; the runs stay within their budgets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unknownSources } from '../../../src/production/assumptions.js';
import { JOINT_CHECK_RUNS, VARIANT_RUNS } from '../../../src/production/evaluate.js';
import type { Finding } from '../../../src/production/types.js';
import { unknownVar } from '../helpers.js';
import { commandContainer, deployOf, findingsOf, ROLE_COMMANDS, SOAK_RUNS, secretEnv, UNKNOWN_NAMES } from './layouts.js';

const RUNS = SOAK_RUNS;
const NAMES = [...UNKNOWN_NAMES, 'KRISHIV_ALLOW_ANONYMOUS_HTTP'];
const TOKENS = ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'KRISHIV_UI_TOKEN', 'KRISHIV_SHUFFLE_TOKEN'];
const COMMANDS = ROLE_COMMANDS;

/** The values the tool tries for a variable alone. */
const triesOf = (n: string): string[] => {
  const v = unknownVar(n);
  return unknownSources(new Map([[n, v]]))
    .get(`value/${n}`)!
    .tries.map((t) => t[0]);
};
/** What an arbitrary Secret is filled with: mostly values of the variable's own kind, some of another's, some of its own. */
const valueFor = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...triesOf(name)) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES.flatMap(triesOf)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'distributed-durable',
        'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a',
        'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga',
        'on',
        'no',
      ),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '') },
  );

/** A container whose variables `unknown` come from Secrets (`secretOf`: which Secret key), with the Secrets given or not. */
const manifest = (
  command: string,
  unknown: readonly string[],
  secretOf: (i: number) => string,
  given?: ReadonlyMap<string, string>,
): string =>
  `${commandContainer(command, unknown.map((n, i) => secretEnv(n, secretOf(i), 'k')).join(''))}${[...(given ?? [])]
    .map(
      ([secret, v]) => `---
apiVersion: v1
kind: Secret
metadata: {name: ${secret}, namespace: kx}
stringData:
  k: ${JSON.stringify(v)}
`,
    )
    .join('')}`;

const key = (f: Finding): string => `${f.id} ${f.variables.join(',')}`;
const SEVERITY = ['pass', 'waived', 'warn', 'fail'] as const;
const worst = (list: readonly Finding[]): string[] =>
  list.length === 0 ? [] : [SEVERITY[Math.max(...list.map((x) => SEVERITY.indexOf(x.status as never)))]!];

/**
 * What the run with the values known says about `f` (decided statuses only; none: not decided there):
 * the same finding; else, for a pass (it sums the check up: "no secret value is shared"), the
 * check's worst finding; for a complaint about variables that is gone, the worst finding naming
 * one of them, or a pass.
 */
function statusWith(known: readonly Finding[], f: Finding): string[] {
  const same = known.filter((x) => key(x) === key(f));
  if (same.length > 0) return same.filter((x) => x.status !== 'skip').map((x) => x.status);
  const check = known.filter((x) => x.id === f.id);
  if (check.some((x) => x.status === 'skip')) return [];
  if (f.status === 'pass' || f.variables.length === 0) return worst(check);
  const naming = check.filter((x) => x.variables.some((n) => f.variables.includes(n)));
  return naming.length === 0 ? ['pass'] : worst(naming);
}

describe(`values not known here, tried together (${RUNS} runs)`, () => {
  it('a kept verdict is the verdict with the Secrets in the input, filled with any values (equal ones included)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(COMMANDS)),
        fc
          .uniqueArray(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 3 })
          .chain((unknown) => fc.tuple(fc.constant(unknown), fc.tuple(...unknown.map(valueFor)))),
        // two variables from one Secret key (one unknown value), or each from its own Secret
        fc.boolean(),
        // the values equal (as the same text, or with spaces around one)
        fc.constantFrom('any', 'equal', 'spaced'),
        (role, [unknown, values], shareKey, relation) => {
          const command = COMMANDS[role]!;
          // (one key for two variables of different kinds gets at most TRIES_PER_SOURCE values, split between their kinds: tokens only)
          const share = shareKey && unknown.slice(0, 2).every((n) => TOKENS.includes(n));
          const secretOf = (i: number): string => (share && i === 1 ? 's0' : `s${i}`);
          const r = deployOf(manifest(command, unknown, secretOf));
          for (const cost of r.variants) {
            expect(cost.runs).toBeLessThanOrEqual(VARIANT_RUNS);
            expect(cost.jointCheckRuns).toBeLessThanOrEqual(JOINT_CHECK_RUNS);
          }
          const secrets = [...new Set(unknown.map((_, i) => secretOf(i)))];
          const given = new Map<string, string>();
          secrets.forEach((s, i) => {
            const v = relation === 'any' ? values[i]! : values[0]!;
            given.set(s, relation === 'spaced' && i === 1 ? ` ${v} ` : v);
          });
          const known = findingsOf(manifest(command, unknown, secretOf, given));
          for (const f of r.findings) {
            if (f.status === 'skip' || /^(K8S-|DEPLOY-)/.test(f.id)) continue;
            const statuses = statusWith(known, f);
            // with the values known a finding may be decided where it was not, never the other way
            if (statuses.length === 0) continue;
            expect(statuses, `${role} ${unknown.join(',')} ${key(f)} with ${JSON.stringify([...given])}: ${f.message}`).toContain(f.status);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
