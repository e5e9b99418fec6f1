import type { Command } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { readTextFile } from '../../io/fs.js';
import { readStdin } from '../../io/stdin.js';
import { rustTrim, splitTokenList } from '../../engine/text.js';
import { engineFingerprint } from '../../util/fingerprint.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

interface FingerprintOptions {
  file?: string;
}


export function define(program: Command, ctx: CliContext): void {
  program
    .command('fingerprint')
    .description("Print the engine's bearer:<hex> fingerprint of tokens, to match coordinator log lines")
    .argument('[token]', 'the token, or - for stdin (one token per line)')
    .option('--file <file>', 'a token file: one token per line (commas split too, as the engine does)')
    .addHelpText(
      'after',
      `
The fingerprint is what the coordinator logs for a bearer token (surface §4.7): SipHash-1-3
of the token, so a token can be matched to log lines without showing it.

Examples:
  $ krishiv-auth fingerprint --file /etc/krishiv/coordinator.tokens
  $ krishiv-auth fingerprint - < coord.token`,
    )
    .action(
      action(ctx, async (token: string | undefined, opts: FingerprintOptions) => {
        let tokens: string[];
        let source: string;
        if (opts.file !== undefined) {
          if (token !== undefined) throw new KrishivError('ERR_USAGE', 'give a token or --file, not both');
          source = opts.file;
          tokens = splitTokenList(await readTextFile(opts.file, { limit: 1024 * 1024 }));
        } else if (token === undefined || token === '-') {
          if (token === undefined && ctx.stdin.isTTY) {
            throw new KrishivError('ERR_TOKEN_MISSING', 'no token: give one as an argument, with --file, or on stdin');
          }
          source = '<stdin>';
          tokens = splitTokenList(await readStdin(ctx.stdin, 1024 * 1024));
        } else {
          warnSecretOnArgv(ctx, 'a token argument', '--file or stdin');
          source = '<argument>';
          tokens = [rustTrim(token)];
        }
        if (tokens.length === 0) throw new KrishivError('ERR_TOKEN_MISSING', 'no token found', { input: source });
        const fingerprints = tokens.map((t) => engineFingerprint(t));
        ctx.out.result(
          { ok: true, source, fingerprints },
          (r) => r.fingerprints.join('\n'),
        );
        return EXIT.OK;
      }),
    );
}
