/**
 * The I/O edge of the env reader: reads each file (size-capped) and merges them.
 * A missing or unreadable file is ERR_ENV_READ naming the file; a file that is not valid
 * UTF-8 is refused like dotenvy refuses it (ERR_ENV_PARSE at the first bad line).
 */
import { KrishivError, isKrishivError } from '../../errors.js';
import { readTextFile } from '../../io/fs.js';
import type { EnvSet } from '../types.js';
import { mergeEnv, type EnvInput } from './merge.js';

/** Env files larger than this are refused (a .env is a few KiB). */
export const ENV_FILE_LIMIT = 4 * 1024 * 1024;

export async function readEnvFile(file: string): Promise<EnvInput> {
  let text: string;
  try {
    text = await readTextFile(file, { limit: ENV_FILE_LIMIT });
  } catch (error) {
    if (isKrishivError(error)) {
      throw new KrishivError('ERR_ENV_READ', error.message, { input: file, cause: error });
    }
    throw error;
  }
  // Node decodes invalid UTF-8 as U+FFFD; dotenvy's read_line fails with InvalidData there.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new KrishivError('ERR_ENV_PARSE', 'is not valid UTF-8 (or contains U+FFFD); the engine stops loading the file here', {
      input: `${file}:${line}`,
    });
  }
  return { file, text };
}

/** Reads the files in order and merges them with the contract's precedence. */
export async function loadEnv(files: readonly string[], processEnv?: Record<string, string | undefined>): Promise<EnvSet> {
  const inputs: EnvInput[] = [];
  for (const file of files) inputs.push(await readEnvFile(file));
  return mergeEnv(inputs, processEnv);
}

/**
 * The variables one env file gives, read exactly as the engine's .env loader reads them
 * (dotenvy semantics, first declaration wins, `$VAR` from earlier lines only). For commands
 * that take a few settings from an env file: verify, probe, rotate.
 */
export async function readEnvVars(file: string): Promise<Map<string, string>> {
  const set = await loadEnv([file]);
  return new Map([...set.vars].map(([name, v]) => [name, v.value]));
}
