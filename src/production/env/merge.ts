/**
 * Merging env files into the environment the engine would see (contract, check-production):
 * - files are merged in order and a later file wins over an earlier one;
 * - inside one file the first declaration wins (dotenvy never overrides a variable that
 *   is already set, and it sets each one as soon as it is parsed);
 * - a file's `$VAR` looks at `--process-env` first, then the variables of the files
 *   before it (as merged so far), then its own earlier lines;
 * - `--process-env` wins over every file; without it an undefined `$VAR` is "" and is
 *   recorded in `unresolved`.
 * Every losing declaration is kept in `shadowed` (in the order it lost).
 * Pure: text in, EnvSet out.
 */
import type { EnvSet, EnvVar } from '../types.js';
import { notePlainExcept } from '../var-index.js';
import { parseDotenv } from './dotenv.js';

export interface EnvInput {
  /** the path as the user gave it (used in locations and errors) */
  file: string;
  text: string;
}

/** Turns a process environment into a Map, ignoring undefined entries and inherited keys. */
function processEntries(processEnv: Record<string, string | undefined> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!processEnv) return out;
  for (const name of Object.keys(processEnv)) {
    const value = processEnv[name];
    if (typeof value === 'string') out.set(name, value);
  }
  return out;
}

export function mergeEnv(inputs: readonly EnvInput[], processEnv?: Record<string, string | undefined>): EnvSet {
  const proc = processEntries(processEnv);
  const vars = new Map<string, EnvVar>();
  const shadowed: EnvVar[] = [];
  /** the declarations that are not plain `NAME=value` lines, and the process environment's values */
  const others: EnvVar[] = [];

  for (const input of inputs) {
    // parseDotenv finishes before `vars` changes, so this sees only the files before this one.
    const lookup = (name: string): string | undefined => proc.get(name) ?? vars.get(name)?.value;
    const decls = parseDotenv(input.text, { file: input.file, lookup, others });
    // A declaration is already an EnvVar (dotenv.ts): kept as it is, not copied. Indexed
    // loops: in a one-shot process this runs in V8's interpreter, where for-of costs more.
    if (vars.size === 0) {
      // Nothing declared before this file: a name already in `vars` is a duplicate in it.
      for (let i = 0; i < decls.length; i++) {
        const decl = decls[i]!;
        if (vars.has(decl.name)) shadowed.push(decl);
        else vars.set(decl.name, decl);
      }
      continue;
    }
    const seen = new Set<string>();
    for (let i = 0; i < decls.length; i++) {
      const decl = decls[i]!;
      if (seen.has(decl.name)) {
        shadowed.push(decl);
        continue;
      }
      seen.add(decl.name);
      const previous = vars.get(decl.name);
      if (previous) shadowed.push(previous);
      // Map.set on an existing key keeps its first-declaration position.
      vars.set(decl.name, decl);
    }
  }

  for (const [name, value] of proc) {
    const previous = vars.get(name);
    if (previous) shadowed.push(previous);
    const v: EnvVar = {
      name,
      value,
      raw: value,
      quoting: 'none',
      origin: { source: 'process-env' },
      references: [],
      unresolved: [],
    };
    vars.set(name, v);
    others.push(v);
  }
  // every other variable is a plain line: the index of a large file reads its names only
  notePlainExcept(vars, others);

  return { files: inputs.map((i) => i.file), vars, shadowed };
}
