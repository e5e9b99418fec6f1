/**
 * Differential vectors for the warnings every daemon logs at start-up about its KRISHIV_*
 * variables (`log_env_issues` → `validate_value`, crates/krishiv-common/src/env_registry.rs:1487-1542,
 * with the registry's FLAGS table, env_registry.rs:126-1318, at e8be785f). The harness ran the
 * engine's function for every declared flag over the probe values; a flag's warnings depend only on
 * its kind, so each kind's warnings are stored once with the flag's name written NAME.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagInfo, validateValue } from '../../src/production/registry.js';

interface EnvValueVectors {
  /** every declared flag: [name, kind] (an enum kind lists its values: `enum:a|b`) */
  flags: [string, string][];
  probes: string[];
  /** per kind: [probe index, the engine's warning with the name written NAME] for every probe it warns about */
  byKind: Record<string, [number, string][]>;
}

const V = JSON.parse(readFileSync(new URL('../fixtures/engine/env-values.json', import.meta.url), 'utf8')) as EnvValueVectors;

describe('validate_value vectors (engine start-up warnings about variable values)', () => {
  it('the registry table: every engine flag is known with the same kind and values', () => {
    expect(V.flags.length).toBeGreaterThan(150);
    const wrong = V.flags.filter(([name, kind]) => {
      const info = flagInfo(name);
      if (info === undefined || info.passThrough) return true;
      const mine = info.kind === 'enum' ? `enum:${(info.values ?? []).join('|')}` : info.kind;
      return mine !== kind;
    });
    expect(wrong).toEqual([]);
  });

  it('every flag warns about exactly the probes the engine warns about, with its text', () => {
    const wrong: string[] = [];
    for (const [name, kind] of V.flags) {
      const want = new Map((V.byKind[kind] ?? []).map(([i, text]) => [i, text.replace('NAME', name)]));
      V.probes.forEach((probe, i) => {
        const got = validateValue(name, probe)?.message;
        if (got !== want.get(i)) wrong.push(`${name} ${JSON.stringify(probe)}: ${got} != ${want.get(i)}`);
      });
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});
