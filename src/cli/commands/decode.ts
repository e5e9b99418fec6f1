import type { Command } from 'commander';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import { EXIT } from '../../errors.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('Show a JWT (header, claims, times) without verifying it')
    .argument('[token]', 'the token, or - for stdin (also read from stdin when piped)')
    .option('--now <time>', 'relative times against this time (ISO 8601 or Unix seconds)')
    .addHelpText('after', `
Accepts a bare token, "Bearer <token>" or "Authorization: Bearer <token>".
Nothing is verified: use "krishiv-auth verify" for that.

Exit codes: 0 decoded, 2 no token or not a JWS compact serialization.

Examples:
  $ krishiv-auth decode - < token.jwt
  $ pbpaste | krishiv-auth decode
  $ krishiv-auth decode --json - < token.jwt | jq .payload`)
    .action(
      action(ctx, async (arg: string | undefined, opts: { now?: string }) => {
        const [{ readTokenInput }, { parseCompactJws }, { decodeToken, decodeJson, renderDecode }] = await Promise.all([
          import('../../jwt/token-io.js'),
          import('../../jwt/input.js'),
          import('../../jwt/decode.js'),
        ]);
        let now = ctx.now();
        if (opts.now !== undefined) {
          const { parseTime } = await import('../../util/time.js');
          now = parseTime(opts.now, '--now');
        }
        const input = await readTokenInput(arg, ctx.stdin, { allowBatch: false });
        if (input.fromArgv) warnSecretOnArgv(ctx, 'a token argument', '`-` with the token on stdin');
        const item = input.items[0]!;
        const token = item.token!;
        const jws = parseCompactJws(token, item.input);
        const result = decodeToken(token, jws, now);
        // contract: decode always warns that nothing was verified, --quiet or not
        for (const w of result.warnings) ctx.out.warn(w.message, { always: w.code === 'not_verified' });
        ctx.out.result(result, renderDecode, decodeJson);
        return EXIT.OK;
      }),
    );
}
