import type { UnknownPiece } from '../types.js';

/**
 * What stands in for a value that is set but unknown (a Secret not in the input, a systemd
 * specifier only the target host knows): present, non-empty, not a placeholder, stable per source.
 * Its own module: the unit reader uses it without loading the YAML parser.
 */
export function standIn(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return `u${hex(h1)}${hex(h2)}${hex(h1 ^ h2)}${hex(Math.imul(h1, 31) >>> 0)}Q7`;
}

type Part = string | UnknownPiece;

const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * Where unknown pieces go in a value built from others (`$(VAR)` in a manifest, a specifier in a
 * unit): the builder puts `marker(i)` for the i-th unknown value, then `partsOf` splits the result.
 */
export function marker(i: number): string {
  return `${OPEN}${i}${CLOSE}`;
}

/**
 * The parts of `template` (built with `marker(i)` standing for `values[i]`): literal text and the
 * pieces of each value, in order. Undefined when the input itself holds a marker character.
 */
export function partsOf(template: string, values: ReadonlyArray<ReadonlyArray<Part>>): Part[] | undefined {
  const out: Part[] = [];
  const push = (p: Part): void => {
    if (typeof p === 'string') {
      if (p === '') return;
      if (typeof out[out.length - 1] === 'string') out[out.length - 1] += p;
      else out.push(p);
    } else out.push(p);
  };
  let at = 0;
  for (;;) {
    const open = template.indexOf(OPEN, at);
    if (open < 0) break;
    const close = template.indexOf(CLOSE, open);
    const i = close < 0 ? Number.NaN : Number(template.slice(open + 1, close));
    const value = Number.isInteger(i) ? values[i] : undefined;
    if (value === undefined) return undefined;
    push(template.slice(at, open));
    for (const p of value) push(p);
    at = close + 1;
  }
  if (template.indexOf(CLOSE, at) >= 0) return undefined;
  push(template.slice(at));
  return out;
}

/** The value the parts give with each piece's stand-in (`text`), or with `value(piece)`. */
export function valueOfParts(parts: ReadonlyArray<Part>, value: (p: UnknownPiece) => string = (p) => p.text): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : value(p);
  return out;
}
