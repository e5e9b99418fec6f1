/**
 * What a command receives from the frame: parsed global options, the environment, streams,
 * the lazily loaded config, and the seams for clock and randomness so tests can drive them.
 */
import type { Command } from 'commander';
import type { Config } from '../io/config.js';
import type { InputStream } from '../io/stdin.js';
import type { Output } from './output.js';
import type { ExitCode } from '../errors.js';
import type { GlobalOptions } from './globals.js';

export type { GlobalOptions } from './globals.js';

export interface CliContext {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdin: InputStream;
  readonly out: Output;
  readonly globals: GlobalOptions;
  /** Current time (seam). */
  now(): Date;
  /** CSPRNG bytes (seam). */
  randomBytes(size: number): Uint8Array;
  /** The config file, loaded and validated on first use (honours --config). */
  config(): Promise<Config>;
  /** Exit code the process will end with; set by command actions. */
  exitCode: ExitCode;
}

/** A command module: defines its subcommand on the program. Loaded only when that command runs. */
export interface CommandModule {
  define(program: Command, ctx: CliContext): void;
}

/**
 * The OS CSPRNG through WebCrypto's getRandomValues (the global `crypto`), which loads the
 * crypto machinery on first use instead of at start-up as an `import 'node:crypto'` would.
 */
export function defaultRandomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let off = 0; off < size; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(size, off + 65536)));
  }
  return out;
}

/**
 * Wraps a command's run function as a commander action: the returned exit code becomes the
 * process exit code; thrown errors go to the frame's single error handler.
 */
export function action<A extends unknown[]>(ctx: CliContext, run: (...args: A) => Promise<ExitCode>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    ctx.exitCode = await run(...args);
  };
}

/** Warn when a secret was passed on argv (it lands in shell history and `ps`). */
export function warnSecretOnArgv(ctx: CliContext, flag: string, alternative: string): void {
  ctx.out.warn(`${flag} puts a secret on the command line (shell history, ps); prefer ${alternative}`, { always: true });
}
