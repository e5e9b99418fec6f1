/** Test helpers: build an EnvSet from a plain record, as if each variable were one line of one env file. */
import type { EnvSet, EnvVar, Quoting } from '../../src/production/types.js';

export const FILE = 'test.env';

export interface VarSpec {
  value: string;
  quoting?: Quoting;
  source?: 'file' | 'process-env';
  unresolved?: string[];
  references?: string[];
}

export function envSetOf(record: Record<string, string | VarSpec>, file = FILE): EnvSet {
  const vars = new Map<string, EnvVar>();
  let line = 0;
  for (const [name, spec] of Object.entries(record)) {
    line++;
    const s: VarSpec = typeof spec === 'string' ? { value: spec } : spec;
    const source = s.source ?? 'file';
    vars.set(name, {
      name,
      value: s.value,
      raw: s.quoting === 'double' ? `"${s.value}"` : s.quoting === 'single' ? `'${s.value}'` : s.value,
      quoting: s.quoting ?? 'none',
      origin: source === 'file' ? { source, file, line } : { source },
      references: s.references ?? s.unresolved ?? [],
      unresolved: s.unresolved ?? [],
    });
  }
  return { files: [file], vars, shadowed: [] };
}
