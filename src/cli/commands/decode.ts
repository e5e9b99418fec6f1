import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('Show a JWT (header, claims, times) without verifying it')
    .argument('[token]', 'the token, or - for stdin')
    .addHelpText('after', `
Examples:
  $ krishiv-auth decode eyJhbGciOi...
  $ pbpaste | krishiv-auth decode`)
    .action(action(ctx, async () => notImplemented('decode')));
}
