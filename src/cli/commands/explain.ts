import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Explain one check-production check: the rule, the engine source, the refusal message and the fix')
    .argument('<id>', 'check id, e.g. COORD-HTTP-TOKENS-MISSING')
    .addHelpText('after', `
Examples:
  $ krishiv-auth explain COORD-HTTP-TOKENS-MISSING`)
    .action(action(ctx, async () => notImplemented('explain')));
}
