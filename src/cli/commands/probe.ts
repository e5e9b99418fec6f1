import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('probe')
    .description("Check a running coordinator's auth from outside")
    .argument('[url...]', 'coordinator HTTP URLs (default http://127.0.0.1:2002)')
    .option('--targets <file>', 'one URL per line')
    .option('--token-file <file>', 'coordinator bearer token file')
    .option('--ui-token-file <file>', 'UI token file')
    .option('--env-file <file>', 'take tokens from an env file')
    .option('--grpc <host:port>', 'also check coordinator gRPC')
    .option('--timeout <duration>', 'per request (default 5s)')
    .option('--concurrency <n>', 'targets at once (default 8)')
    .option('--retries <n>', 'retries per request (default 0)')
    .option('--ca <file>', 'CA bundle for https')
    .addHelpText('after', `
Examples:
  $ krishiv-auth probe https://coord.example.com:2002 --token-file coord.token`)
    .action(action(ctx, async () => notImplemented('probe')));
}
