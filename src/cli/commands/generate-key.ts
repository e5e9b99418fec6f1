import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('generate-key')
    .description('Create an API key (stored only as an Argon2id hash), a bearer token or a JWK signing key pair')
    .option('--type <type>', 'api-key|bearer|jwk', 'api-key')
    .option('--name <name>', 'api-key: the Flight subject (required)')
    .option('--tenant <id>', 'api-key: tenant metadata')
    .option('--roles <roles>', 'api-key: admin|writer|reader, comma-separated')
    .option('--expires <when>', 'api-key: duration (90d) or date')
    .option('--store <file>', 'api-key: key store (default ./krishiv-keys.json)')
    .option('--for <surface>', 'bearer: coordinator|executor-task|ui|shuffle')
    .option('--bytes <n>', 'bearer: random bytes (default 32)')
    .option('--encoding <enc>', 'bearer: base64url|hex')
    .option('--out <file>', 'bearer/jwk: write the secret to this file (0600)')
    .option('--alg <alg>', 'jwk: ES256|ES384|RS256|PS256|EdDSA')
    .option('--kid <kid>', 'jwk: key id (default: RFC 7638 thumbprint)')
    .option('--jwks <file>', 'jwk: add the public key to this JWKS')
    .addHelpText('after', `
Examples:
  $ krishiv-auth generate-key --name ci-bot --roles reader
  $ krishiv-auth generate-key --type bearer --for coordinator --out coord.token
  $ krishiv-auth generate-key --type jwk --alg ES256 --out signing.jwk --jwks jwks.json`)
    .action(action(ctx, async () => notImplemented('generate-key')));
}
