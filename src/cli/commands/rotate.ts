import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('rotate')
    .description('Rotate bearer-token files in the engine rotation window, atomically')
    .argument('[step]', 'begin|finish|revoke|status')
    .argument('[file]', 'tokens file')
    .option('--reload-interval <secs>', 'the coordinator reload interval')
    .option('--env-file <file>', 'take the reload interval from an env file')
    .option('--dry-run', 'print the plan, change nothing')
    .addHelpText('after', `
Examples:
  $ krishiv-auth rotate begin /etc/krishiv/tokens
  $ krishiv-auth rotate finish /etc/krishiv/tokens --reload-interval 30`)
    .action(action(ctx, async () => notImplemented('rotate')));
}
