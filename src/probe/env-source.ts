/**
 * Where `probe --env-file` reads its variables: the engine-exact env reader (export prefix,
 * quotes, `$VAR` expansion, first declaration wins: surface §8.2). Nothing else in the probe
 * reads env files.
 */
import { readEnvVars } from '../production/env/load.js';

export type EnvVars = ReadonlyMap<string, string>;

export async function readProbeEnvFile(file: string): Promise<EnvVars> {
  return readEnvVars(file);
}
