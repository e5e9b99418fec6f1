import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('Would the Krishiv coordinator accept this JWT, and as whom?')
    .argument('[token]', 'the token, or - for stdin')
    .option('--jwks <file|url>', 'JWKS file or URL')
    .option('--oidc-issuer <url>', 'OIDC issuer (discovery)')
    .option('--env-file <file>', 'take KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE, KRISHIV_PRODUCTION from it')
    .option('--audience <aud>', 'configured audience (KRISHIV_OIDC_AUDIENCE)')
    .option('--leeway <duration>', 'exp leeway (engine: 60s)')
    .option('--now <time>', 'evaluate at this time')
    .option('--require-role <role>', 'reader|writer|admin')
    .option('--production', 'as under KRISHIV_PRODUCTION: audience required')
    .option('--strict', 'warnings fail too')
    .option('--timeout <duration>', 'network timeout (default 10s)')
    .option('--allow-http', 'allow plain http for non-loopback URLs')
    .option('--batch <file>', 'verify one token per line')
    .addHelpText('after', `
Examples:
  $ krishiv-auth verify token.jwt --jwks jwks.json --audience krishiv-prod
  $ krishiv-auth verify - --oidc-issuer https://idp.example.com < token.jwt`)
    .action(action(ctx, async () => notImplemented('verify')));
}
