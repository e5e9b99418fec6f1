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
