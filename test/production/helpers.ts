/** Test helpers: build an EnvSet from a plain record, as if each variable were one line of one env file. */
import type { EnvSet, EnvVar, Quoting } from '../../src/production/types.js';

export const FILE = 'test.env';

/** A manifest variable whose value the tool cannot see (`value` is its stand-in). */
export function unknownVar(name: string, reason = 'r'): EnvVar {
  return {
    name,
    value: 'x',
    raw: 'x',
    quoting: 'none',
    origin: { source: 'file', file: 'm.yaml' },
    references: [],
    unresolved: [],
    assumption: { kind: 'unknown', reason },
  };
}

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
      origin: source === 'file' ? { source, file } : { source },
      ...(source === 'file' ? { line } : {}),
      references: s.references ?? s.unresolved ?? [],
      unresolved: s.unresolved ?? [],
    });
  }
  return { files: [file], vars, shadowed: [] };
}

/** Distinct random-looking secrets (not placeholders, ≥ 32 chars). */
export const TOK = {
  coord: 'pQ7vT2mX9kLw3sR8yB4nF6hJ1cD5gZ0aE2uV8iO3tYq',
  task: 'Hs4Kd9Lm2Pq7Rt1Vx6Zb3Nc8Fg5Jw0Ye2Ua7Io4Ek9Tm',
  ui: 'W3eR5tY7uI9oP1aS3dF5gH7jK9lZ2xC4vB6nM8qQ0wE',
  shuffle: 'b7N2m4K6j8H0g2F4d6S8a0P2o4I6u8Y0t2R4e6W8q0Z',
  key: 'krishiv_abcdefgh_Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Pq0Ws2',
};

export const GOOD: Record<string, string> = {
  KRISHIV_PRODUCTION: '1',
  KRISHIV_DURABILITY_PROFILE: 'distributed-durable',
  KRISHIV_METADATA_BACKEND: 'etcd',
  KRISHIV_LEADER_BACKEND: 'etcd',
  KRISHIV_ETCD_ENDPOINTS: 'http://etcd-0:2379,http://etcd-1:2379',
  KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord,
  KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task,
  KRISHIV_UI_TOKEN: TOK.ui,
  KRISHIV_SHUFFLE_TOKEN: TOK.shuffle,
  KRISHIV_STATE_DIR: '/var/lib/krishiv/state',
  KRISHIV_SHUFFLE_DIR: '/var/lib/krishiv/shuffle',
  KRISHIV_CHECKPOINT_STORAGE: 's3://bucket/checkpoints',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317',
};
