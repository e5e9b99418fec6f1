import type { Command } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { readTextFile } from '../../io/fs.js';
import { readStdin } from '../../io/stdin.js';
import { rustTrim, splitTokenList } from '../../engine/text.js';
import { engineFingerprint } from '../../util/fingerprint.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

interface FingerprintOptions {
  file?: string;
  single?: boolean;
}

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
The fingerprint is what the coordinator logs for a bearer token (surface §4.7): SipHash-1-3
of the token, so a token can be matched to log lines without showing it.

Examples:
  $ krishiv-auth fingerprint --file /etc/krishiv/coordinator.tokens
  $ krishiv-auth fingerprint --file /run/secrets/coordinator.token --single
  $ krishiv-auth fingerprint - < coord.token`,
    )
    .action(
      action(ctx, async (token: string | undefined, opts: FingerprintOptions) => {
        let tokens: string[];
        let source: string;
        // A tokens file splits on commas and newlines; a single-token file is its whole content,
        // trimmed (surface §4.1): a comma or a line break inside it is part of that one token.
        const read = (text: string): string[] => {
          if (!opts.single) return splitTokenList(text);
          const whole = rustTrim(text);
          if (whole.includes('\n')) {
            ctx.out.warn(`${source}: the content spans several lines; the engine reads it as ONE token containing a line break, which no client can send`);
          }
          return whole === '' ? [] : [whole];
        };
        if (opts.file !== undefined) {
          if (token !== undefined) throw new KrishivError('ERR_USAGE', 'give a token or --file, not both');
          source = opts.file;
          tokens = read(await readTextFile(opts.file, { limit: 1024 * 1024 }));
        } else if (token === undefined || token === '-') {
          if (token === undefined && ctx.stdin.isTTY) {
            throw new KrishivError('ERR_TOKEN_MISSING', 'no token: give one as an argument, with --file, or on stdin');
          }
          source = '<stdin>';
          tokens = read(await readStdin(ctx.stdin, 1024 * 1024));
        } else {
          if (opts.single) throw new KrishivError('ERR_USAGE', '--single reads a file or stdin, not a token argument', { input: '--single' });
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
