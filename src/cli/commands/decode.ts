import type { Command } from 'commander';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import { EXIT } from '../../errors.js';
import { parseTime } from '../../util/time.js';
import type { DecodeOptions } from '../../jwt/decode-run.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('Show a JWT (header, claims, times) without verifying it')
    .argument('[token]', 'the token, or - for stdin (also read from stdin when piped)')
    .option('--now <time>', 'relative times against this time (ISO 8601 or Unix seconds)')
    .addHelpText(
      'after',
      `
Accepts a bare token, "Bearer <token>" or "Authorization: Bearer <token>".
Nothing is verified: use "krishiv-auth verify" for that.

Exit codes: 0 decoded, 2 no token or not a JWS compact serialization.

Examples:
  $ krishiv-auth decode - < token.jwt
  $ pbpaste | krishiv-auth decode
  $ krishiv-auth decode --json - < token.jwt | jq .payload`,
    )
    .action(
      action(ctx, async (arg: string | undefined, flags: DecodeFlags) => {
        const options = resolveDecodeOptions(arg, flags);
        const [{ runDecode }, { renderDecode, decodeJson }] = await Promise.all([
          import('../../jwt/decode-run.js'),
          import('../../jwt/decode.js'),
        ]);
        const { result, fromArgv } = await runDecode(options, { stdin: ctx.stdin, now: ctx.now });
        if (fromArgv) warnSecretOnArgv(ctx, 'a token argument', '`-` with the token on stdin');
        // contract: decode always warns that nothing was verified, --quiet or not
        for (const w of result.warnings) ctx.out.warn(w.message, { always: w.code === 'not_verified' });
        ctx.out.result(result, renderDecode, decodeJson);
        return EXIT.OK;
      }),
    );
}

export interface DecodeFlags {
  now?: string;
}

/** decode's Options from its argument and flags (pure). */
export function resolveDecodeOptions(arg: string | undefined, flags: DecodeFlags): DecodeOptions {
  return { token: arg, ...(flags.now !== undefined ? { now: parseTime(flags.now, '--now') } : {}) };
}
