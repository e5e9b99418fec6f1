import type { Command } from 'commander';
import { action, notImplemented, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('check-production')
    .description("Check env files against the engine's production fail-closed rules, as a CI gate")
    .option('--env-file <file>', 'env file to read (repeatable; later files win)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--role <role>', 'cluster|coordinator|executor|flight-server|operator|shuffle-svc|client|client-http|client-flight', 'cluster')
    .option('--process-env', 'add the current environment (wins over every file)')
    .option('--cli <flags>', "the process's command-line flags, e.g. '--durability-profile distributed-durable'")
    .option('--format <format>', 'text|json|sarif|junit|github|markdown')
    .option('--output <file>', 'write the report to a file')
    .option('--strict', 'warnings fail too')
    .option('--store <file>', 'key store to check KRISHIV_API_KEYS against')
    .option('--require-files', 'a token file missing here fails (run on the target host)')
    .option('--list-checks', 'list every check id with its class and roles')
    .option('--print-env', 'print the merged environment the engine would see (secrets as fingerprints)')
    .addHelpText('after', `
Examples:
  $ krishiv-auth check-production --env-file examples/production.env
  $ krishiv-auth check-production --env-file base.env --env-file prod.env --format sarif --output krishiv.sarif`)
    .action(action(ctx, async () => notImplemented('check-production')));
}
