/**
 * How a workload is named everywhere (text headings, JSON, SARIF logical locations, JUnit
 * suites, annotations, baselines): `namespace/kind/name/container`, or `Unit/name`.
 */
import type { WorkloadRef } from './types.js';

export function workloadLabel(w: WorkloadRef): string {
  if (w.kind === 'Unit') return `Unit/${w.name}`;
  return `${w.namespace ?? 'default'}/${w.kind}/${w.name}${w.container !== undefined ? `/${w.container}` : ''}`;
}

/** Same workload (file included: two files may hold objects of one name). */
export function sameWorkload(a: WorkloadRef, b: WorkloadRef): boolean {
  return a.file === b.file && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && a.container === b.container;
}

/** A key that is equal exactly when `sameWorkload` holds. */
const KEYS = new WeakMap<WorkloadRef, string>();
export function workloadKey(w: WorkloadRef): string {
  // the findings of one container share one WorkloadRef object: work the key out once
  let k = KEYS.get(w);
  if (k === undefined) {
    k = JSON.stringify([w.file, w.kind, w.namespace ?? null, w.name, w.container ?? null]);
    KEYS.set(w, k);
  }
  return k;
}

/** Findings by workload key (one pass; findings without a workload under ''). */
export function groupByWorkload<T extends { workload?: WorkloadRef }>(findings: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const f of findings) {
    const k = f.workload ? workloadKey(f.workload) : '';
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(f);
  }
  return out;
}
