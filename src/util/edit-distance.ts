/**
 * Levenshtein edit distance, for "did you mean" hints (flag names, check ids, roles). Our own
 * few lines rather than a package: the one we used allocated a 256 KiB table when its module
 * loaded, at every start of check-production, for hints most runs never give. The words are
 * short (names of at most a few dozen characters), so the plain two-row algorithm is enough.
 */

/** The number of single-character insertions, deletions and substitutions (UTF-16 units) that turn `a` into `b`. */
export function distance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** The candidate nearest to `word` (the first of equals), or undefined when there is none. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}
