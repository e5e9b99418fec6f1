import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeEnv } from '../../src/production/env/merge.js';
import { indexByLoop, indexByNames, indexVars, type VarIndex } from '../../src/production/var-index.js';
import { FLAGS } from '../../src/production/registry.js';
import type { EnvVar } from '../../src/production/types.js';

const RUNS = Number(process.env.KRISHIV_AUTH_PROPERTY_RUNS ?? 200);

/** The lists as names, each checked to be the Map's own object (an index holds the variables, not copies). */
function shape(index: VarIndex, vars: ReadonlyMap<string, EnvVar>): Record<string, unknown> {
  const names = (list: readonly EnvVar[]): string[] =>
    list.map((v) => {
      expect(vars.get(v.name)).toBe(v);
      return v.name;
    });
  return {
    krishiv: names(index.krishiv),
    unresolved: names(index.unresolved),
    secret: names(index.secret),
    assumed: names(index.assumed),
    maskable: names(index.maskable),
    anyFromSecret: index.anyFromSecret,
  };
}

const plain = (name: string, value: string): EnvVar => ({
  name,
  value,
  raw: value,
  quoting: 'none',
  origin: { source: 'file', file: 'a.env' },
  line: 1,
  references: [],
  unresolved: [],
});

/** Names that find every branch: registry names, secret suffixes in any case, and what JSON escapes. */
const nameArb = fc.oneof(
  fc.constantFrom(...FLAGS.map((f) => f.name)),
  fc
    .tuple(
      fc.constantFrom('', 'KRISHIV_', 'krishiv_', 'APP_', 'a,"', '\\', '[', 'x"KRISHIV_', ',"KRISHIV_', '\u0007', '\ud800'),
      fc.string({ maxLength: 6, unit: fc.constantFrom('A', 'z', '_', '"', '\\', ',', ']', '[', '\n', '\u001d', 'é', '\udc00') }),
      fc.constantFrom(
        '',
        '_TOKEN',
        '_token',
        '_Tokens',
        '_SECRET',
        '_PassWord',
        '_API_KEY',
        '_api_keys',
        '_TOKE',
        'N',
        '"',
        '\\',
        '_TOKEN\\',
      ),
    )
    .map(([a, b, c]) => a + b + c),
  fc.string({ maxLength: 10 }),
);

describe('indexByNames (large env files) finds what the pass over every variable finds', () => {
  it('the same lists, in the same order, or undefined exactly when a variable it may not skip has a value fact', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('plain', 'unresolved', 'multi', 'assumed', 'secret-source', 'other-plain'))),
        (names, marks) => {
          const vars = new Map<string, EnvVar>();
          for (const n of names) vars.set(n, plain(n, 'v'));
          const others: EnvVar[] = [];
          let fact = false;
          for (const [i, kind] of marks) {
            if (names.length === 0) break;
            const n = names[i % names.length]!;
            const v = { ...plain(n, 'w') };
            if (kind === 'unresolved') v.unresolved = ['X'];
            if (kind === 'multi') v.value = 'a\nb';
            if (kind === 'assumed') v.assumption = { kind: 'unknown', reason: 'r' };
            if (kind === 'secret-source') v.fromSecret = true;
            vars.set(n, v);
            others.push(v);
          }
          // only the variables the Map holds count (a later mark for a name shadows an earlier one)
          for (const v of others)
            if (
              vars.get(v.name) === v &&
              (v.unresolved.length > 0 || v.value.includes('\n') || v.assumption !== undefined || v.fromSecret === true)
            )
              fact = true;
          const fast = indexByNames(vars, others);
          if (fact) expect(fast).toBeUndefined();
          else {
            expect(fast).toBeDefined();
            expect(shape(fast!, vars)).toEqual(shape(indexByLoop(vars), vars));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('an env file of 300 lines and a process environment with awkward names: indexVars takes the names path and agrees', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { maxLength: 30 }),
        fc.array(fc.constantFrom('KRISHIV_UI_TOKEN', 'DB_PASSWORD', 'app_api_key', 'KRISHIV_PRODUCTION', 'X_TOKENS'), { maxLength: 8 }),
        (procNames, fileNames) => {
          const lines = Array.from({ length: 300 }, (_, i) => `SETTING_${i}=v${i}`);
          fileNames.forEach((n, i) => lines.splice(i * 37, 0, `${n}=s3cr3t-${i}-abcdefgh`));
          lines.splice(150, 0, 'QUOTED="a value with spaces"', "export SINGLE='x'");
          const processEnv = Object.fromEntries(procNames.map((n) => [n, 'p']));
          const set = mergeEnv([{ file: 'big.env', text: `${lines.join('\n')}\n` }], processEnv);
          const others = [...set.vars.values()].filter((v) => v.origin.source === 'process-env' || v.quoting !== 'none');
          expect(indexByNames(set.vars, others)).toBeDefined();
          expect(shape(indexVars(set.vars), set.vars)).toEqual(shape(indexByLoop(set.vars), set.vars));
        },
      ),
      { numRuns: Math.max(20, RUNS / 10) },
    );
  });

  it('a large file with a value over several lines or an undefined $VAR is indexed by the pass over every variable', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `SETTING_${i}=v${i}`);
    for (const extra of ['PEM="line one\nline two"', 'REF=$NOT_DEFINED_ANYWHERE']) {
      const set = mergeEnv([{ file: 'big.env', text: `${[...lines, extra, 'KRISHIV_UI_TOKEN=abc'].join('\n')}\n` }]);
      const index = indexVars(set.vars);
      expect(shape(index, set.vars)).toEqual(shape(indexByLoop(set.vars), set.vars));
      expect(index.maskable.map((v) => v.name)).toContain(extra.split('=')[0]);
    }
  });
});
