import type { Command } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { readTextFile } from '../../io/fs.js';
import { readStdin } from '../../io/stdin.js';
import type { FingerprintOptions } from '../../fingerprint/run.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('fingerprint')
    .description("Print the engine's bearer:<hex> fingerprint of tokens, to match coordinator log lines")
    .argument('[token]', 'the token, or - for stdin (one token per line)')
    .option('--file <file>', 'a tokens file: one token per line (commas split too, as the engine does)')
    .option('--single', 'the file (or stdin) holds ONE token, as a KRISHIV_*_TOKEN_FILE does: the whole content, trimmed')
    .addHelpText(
      'after',
      `
The fingerprint is what the coordinator logs for a bearer token (redact_token, crates/krishiv-common/src/auth_util.rs:31-36): SipHash-1-3
of the token, so a token can be matched to log lines without showing it.

Examples:
  $ krishiv-auth fingerprint --file /etc/krishiv/coordinator.tokens
  $ krishiv-auth fingerprint --file /run/secrets/coordinator.token --single
  $ krishiv-auth fingerprint - < coord.token`,
    )
    .action(
      action(ctx, async (token: string | undefined, flags: FingerprintFlags) => {
        const options = resolveFingerprintOptions(token, flags, Boolean(ctx.stdin.isTTY));
        if (options.source.kind === 'argument') warnSecretOnArgv(ctx, 'a token argument', '--file or stdin');
        const { runFingerprint, renderFingerprints } = await import('../../fingerprint/run.js');
        const result = await runFingerprint(options, {
          readFile: (file) => readTextFile(file, { limit: 1024 * 1024 }),
          readStdin: () => readStdin(ctx.stdin, 1024 * 1024),
        });
        for (const w of result.warnings) ctx.out.warn(w);
        ctx.out.result(result, renderFingerprints, ({ warnings: _w, ...doc }) => doc);
        return EXIT.OK;
      }),
    );
}

export interface FingerprintFlags {
  file?: string;
  single?: boolean;
}

/** fingerprint's Options from its argument and flags (pure; `stdinIsTTY`: nothing is piped in). */
export function resolveFingerprintOptions(token: string | undefined, flags: FingerprintFlags, stdinIsTTY: boolean): FingerprintOptions {
  const single = Boolean(flags.single);
  if (flags.file !== undefined) {
    if (token !== undefined) throw new KrishivError('ERR_USAGE', 'give a token or --file, not both');
    return { source: { kind: 'file', file: flags.file }, single };
  }
  if (token === undefined || token === '-') {
    if (token === undefined && stdinIsTTY)
      throw new KrishivError('ERR_TOKEN_MISSING', 'no token: give one as an argument, with --file, or on stdin');
    return { source: { kind: 'stdin' }, single };
  }
  if (single) throw new KrishivError('ERR_USAGE', '--single reads a file or stdin, not a token argument', { input: '--single' });
  return { source: { kind: 'argument', token }, single };
}
