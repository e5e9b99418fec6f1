import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('sign')
    .description('Mint a test JWT from a private JWK')
    .option('--key <file>', 'private JWK')
    .option('--sub <sub>', 'subject')
    .option('--aud <aud>', 'audience')
    .option('--iss <iss>', 'issuer')
    .option('--role <role>', 'admin|writer|reader (krishiv_role)')
    .option('--ttl <duration>', 'lifetime (default 15m)')
    .option('--claim <k=v>', 'extra claim (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .addHelpText('after', `
Examples:
  $ krishiv-auth sign --key signing.jwk --sub alice --role writer --aud krishiv-prod`)
    .action(action(ctx, async () => notImplemented('sign')));
}
