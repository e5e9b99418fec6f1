/**
 * Rows mined from the engine's own `#[test]` functions at e8be785f: each row writes the input
 * of one engine test as check-production would receive it (env, `--cli`, token files) and
 * states the verdict the engine test fixes. `test` names the engine test by file, line and
 * function, so a row that fails says which engine assertion the tool no longer agrees with.
 */
import { expect } from 'vitest';
import { evaluate } from '../../../src/production/evaluate.js';
import { parseCliFlags } from '../../../src/production/env/cli-flags.js';
import { tableProbe, type FileState } from '../../../src/production/model.js';
import type { Finding, Role } from '../../../src/production/types.js';
import { envSetOf } from '../helpers.js';

export type Status = Finding['status'];

export interface EngineTestRow {
  /** `crates/…/file.rs:LINE test_function_name` of the engine test the row mirrors */
  test: string;
  role: Role;
  env?: Record<string, string>;
  /** `--cli` as a user writes it */
  cli?: string;
  files?: Record<string, FileState>;
  requireFiles?: boolean;
  /** the status every finding of each listed check must have */
  want?: Record<string, Status>;
  /** the process starts (no REFUSE finding fails) or is refused (at least one does) */
  starts?: boolean;
  /** a substring of the message or engine message of a finding of the given check */
  text?: [id: string, substring: string];
}

export function findingsOf(row: EngineTestRow): Finding[] {
  const cli = row.cli === undefined ? {} : parseCliFlags(row.cli, row.role);
  return evaluate({
    envSet: envSetOf(row.env ?? {}),
    role: row.role,
    cli,
    files: tableProbe(row.files ?? {}),
    requireFiles: row.requireFiles ?? false,
  }).findings;
}

export function checkRow(row: EngineTestRow): void {
  const findings = findingsOf(row);
  for (const [id, status] of Object.entries(row.want ?? {})) {
    const mine = findings.filter((f) => f.id === id);
    expect(mine.length, `${id} reported`).toBeGreaterThan(0);
    expect(
      mine.map((f) => f.status),
      id,
    ).toEqual(mine.map(() => status));
  }
  if (row.starts !== undefined) {
    const refusals = findings.filter((f) => f.class === 'REFUSE' && f.status === 'fail').map((f) => f.id);
    if (row.starts) expect(refusals).toEqual([]);
    else expect(refusals.length).toBeGreaterThan(0);
  }
  if (row.text !== undefined) {
    const [id, text] = row.text;
    const texts = findings.filter((f) => f.id === id).map((f) => `${f.message} ${f.engineMessage ?? ''}`);
    expect(
      texts.some((t) => t.includes(text)),
      `${id}: ${texts.join(' | ')}`,
    ).toBe(true);
  }
}
