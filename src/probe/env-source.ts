/**
 * SEAM for the lead: where `probe --env-file` reads its variables.
 *
 * For now a minimal KEY=VALUE reader (below). The engine-exact dotenv reader (export prefix,
 * quotes, `$VAR` expansion: surface §8.2) is being built at `src/production/env/`; when it
 * is on main, replace the body of `readProbeEnvFile` with a call to it. Nothing else in
 * the probe reads env files.
 */
import { readTextFile } from '../io/fs.js';

export type EnvVars = ReadonlyMap<string, string>;

export async function readProbeEnvFile(file: string): Promise<EnvVars> {
  return parseMinimalEnv(await readTextFile(file, { limit: 1024 * 1024 }));
}

/**
 * KEY=VALUE lines; `#` comments and blank lines skipped; an optional `export ` prefix; one
 * pair of matching surrounding quotes removed; the first declaration wins (as dotenvy does
 * inside one file). No `$VAR` expansion and no multi-line values.
 */
export function parseMinimalEnv(text: string): EnvVars {
  const vars = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    if (!vars.has(name)) vars.set(name, value);
  }
  return vars;
}
