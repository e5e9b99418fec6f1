import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('keys')
    .description('List, verify and revoke stored API keys')
    .argument('[action]', 'list|verify|revoke')
    .argument('[arg]', 'key (verify) or id|name (revoke)')
    .option('--store <file>', 'key store (default ./krishiv-keys.json)')
    .option('--all', 'list: include revoked and expired keys')
    .option('--reason <text>', 'revoke: why')
    .addHelpText('after', `
Examples:
  $ krishiv-auth keys list
  $ krishiv-auth keys verify - < key.txt
  $ krishiv-auth keys revoke ci-bot --reason 'laptop lost'`)
    .action(action(ctx, async () => notImplemented('keys')));
}
