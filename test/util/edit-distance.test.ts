import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest, distance } from '../../src/util/edit-distance.js';

/** The textbook full-matrix Levenshtein distance, as the reference. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

describe('edit distance', () => {
  it('is the Levenshtein distance over UTF-16 units', () => {
    const word = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: fc.constantFrom('A', 'B', '_', 'é', '\ud83d'), maxLength: 10 }));
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(distance(a, b)).toBe(reference(a, b));
        expect(distance(b, a)).toBe(distance(a, b));
      }),
      { numRuns: 2000 },
    );
    expect(distance('KRISHIV_PRODUCTON', 'KRISHIV_PRODUCTION')).toBe(1);
    expect(distance('', 'abc')).toBe(3);
  });

  it('closest is the first of the nearest candidates, undefined when there are none', () => {
    expect(closest('coordinatr', ['executor', 'coordinator', 'cluster'])).toBe('coordinator');
    expect(closest('ab', ['ax', 'ay'])).toBe('ax');
    expect(closest('x', [])).toBeUndefined();
  });
});
