/**
 * How workloads are named and told apart (reports, per-workload verdicts, baselines).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkloadRef } from '../../src/production/types.js';
import { groupByWorkload, sameWorkload, workloadKey, workloadLabel } from '../../src/production/workload.js';

describe('workloadLabel', () => {
  it.each([
    [{ file: 'm.yaml', kind: 'Deployment', namespace: 'krishiv', name: 'coord', container: 'main' }, 'krishiv/Deployment/coord/main'],
    [{ file: 'm.yaml', kind: 'StatefulSet', name: 'exec' }, 'default/StatefulSet/exec'],
    [{ file: 'k.service', kind: 'Unit', namespace: 'ignored', name: 'krishiv@.service', container: 'ignored' }, 'Unit/krishiv@.service'],
  ] as Array<[WorkloadRef, string]>)('%j → %s', (w, label) => {
    expect(workloadLabel(w)).toBe(label);
  });
});

describe('workloadKey', () => {
  const part = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
  const ref = fc.record({
    file: fc.constantFrom('a.yaml', 'b.yaml'),
    kind: fc.constantFrom('Deployment', 'Unit'),
    namespace: part(['default', 'krishiv', 'null']),
    name: fc.constantFrom('coord', 'exec', '"x"'),
    container: part(['main', 'null', '']),
  });

  it('two workloads get one key exactly when they are the same workload (file included), asked in any order', () => {
    fc.assert(
      fc.property(ref, ref, fc.boolean(), (a, b, first) => {
        // fresh objects each time: the key is cached per object
        const [x, y] = first ? [{ ...a }, { ...b }] : [{ ...b }, { ...a }];
        expect(workloadKey(x) === workloadKey(y)).toBe(sameWorkload(a, b));
        expect(workloadKey(x)).toBe(workloadKey(x));
      }),
      { numRuns: 500 },
    );
  });

  it('groupByWorkload keeps the findings of each workload in order, those without one under ""', () => {
    const w1: WorkloadRef = { file: 'm.yaml', kind: 'Deployment', name: 'coord', container: 'main' };
    const findings = [
      { id: 'A', workload: w1 },
      { id: 'B' },
      { id: 'C', workload: { ...w1, container: 'sidecar' } },
      { id: 'D', workload: { ...w1 } },
    ];
    const grouped = groupByWorkload(findings);
    expect(
      [...grouped.entries()].map(([k, list]) => [k === '' ? '' : k === workloadKey(w1) ? 'w1' : 'other', list.map((f) => f.id)]),
    ).toEqual([
      ['w1', ['A', 'D']],
      ['', ['B']],
      ['other', ['C']],
    ]);
  });
});
