/**
 * The env reader of check-production. API (all pure except `loadEnv`/`readEnvFile`):
 *
 * - `loadEnv(files, processEnv?) → Promise<EnvSet>`: read (4 MiB cap) and merge; throws
 *   ERR_ENV_READ (missing/unreadable, `input` = file) or ERR_ENV_PARSE (`input` = file:line).
 * - `mergeEnv([{file, text}], processEnv?) → EnvSet`: the contract's precedence — later file
 *   wins; first declaration wins inside a file; `$VAR` sees processEnv, then earlier files,
 *   then the file's own earlier lines; processEnv wins over every file. Losers in `shadowed`.
 *   `EnvVar.unresolved` lists `$NAME`s defined nowhere (substituted with "").
 * - `parseDotenv(text, {file, lookup?}) → Declaration[]`: dotenvy 0.15.7's parser, one file,
 *   every declaration in order (duplicates included), with line, raw, quoting, origin,
 *   references, unresolved; endLine, exported, strayDollar and splitReferences only where a
 *   line is not a plain `NAME=value` (their defaults are left out of the common shape).
 * - `parseCliFlags(string, role) → CliFlags`: the `--cli` command line read by the engine's own
 *   argument parsers (typed fields: durabilityProfile, insecure, flightAddr, connect, …), plus
 *   `refusals` (what the engine refuses), `unknown`, `positional`, `repeated`; throws
 *   ERR_CLI_FLAGS_PARSE when the shell cannot split it (a near miss of a known flag is a refusal with a `hint`).
 * - `printEnvText(env)` / `printEnvJson(env)`: the `--print-env` output, secrets fingerprinted.
 *
 * The registry (flag kinds, validation, secrets, did-you-mean) is `../registry.ts`.
 */
export { parseDotenv, type Declaration, type ParseOptions } from './dotenv.js';
export { mergeEnv, type EnvInput } from './merge.js';
export { loadEnv, readEnvFile, ENV_FILE_LIMIT } from './load.js';
export {
  parseCliFlags,
  splitShellWords,
  knownFlags,
  processesOf,
  type CliFlags,
  type CliValueField,
  type CliRefusal,
  type EngineProcess,
} from './cli-flags.js';
export { printEnvText, printEnvJson, quoteDotenvValue, type PrintedVar, type PrintEnvJson } from './print-env.js';
