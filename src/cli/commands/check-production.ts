import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../../errors.js';
// Imported statically: every run needs them (as `await import()`s each cost a namespace object
// of getters built at load; the lazy parts are chunks of their own, scripts/build.mjs).
import { resolveCheckProductionOptions, type CheckProductionFlags } from '../../production/command/options.js';
import { showCheckProduction } from '../../production/command/render.js';
import { runCheckProduction } from '../../production/command/run.js';
import { action, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('check-production')
    .description("Check env files, Kubernetes manifests and systemd units against the engine's production fail-closed rules, as a CI gate")
    .option('--env-file <file>', 'env file to read (repeatable; later files win)', (v: string, p: string[] | undefined) => [
      ...(p ?? []),
      v,
    ])
    .option(
      '--role <role>',
      'cluster|coordinator|executor|flight-server|operator|shuffle-svc|client|client-http|client-flight (default cluster)',
    )
    .option('--process-env', 'add the current environment (wins over every file)')
    .option('--cli <flags>', "the process's command-line flags, e.g. '--durability-profile distributed-durable'")
    .option('-f, --format <format>', 'text|json|sarif|junit|github|markdown (default text; --json = json; env KRISHIV_AUTH_FORMAT)')
    .option(
      '-o, --output <file>',
      'write the report (or the --print-env / --list-checks output) to a file (atomic); the summary line still goes to stderr',
    )
    .option('--strict', 'warnings fail too')
    .option('--store <file>', 'key store to check KRISHIV_API_KEYS against')
    .option('--require-files', 'a token file missing here fails (run on the target host)')
    .option('--list-checks', 'list every check id with its class, roles and rule')
    .option('--print-env', 'print the merged environment the engine would see (secrets as fingerprints)')
    .option(
      '--manifest <path>',
      'Kubernetes YAML/JSON: a file, a directory (kustomizations and charts rendered), or - for stdin (repeatable)',
      (v: string, p: string[] | undefined) => [...(p ?? []), v],
    )
    .option('--unit <file>', 'a systemd service unit (repeatable)', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('--instance <name>', 'the instance of a template unit (for %i/%I)')
    .option(
      '--helm-values <file>',
      'values file for a chart directory rendered with helm template (repeatable)',
      (v: string, p: string[] | undefined) => [...(p ?? []), v],
    )
    .option('--baseline <file>', 'fail only on findings not in this baseline; report stale entries')
    .option('--write-baseline <file>', 'record the current failures and warnings as a baseline')
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing fails (warnings allowed unless --strict), 1 something fails, 2 unreadable or malformed input.

Node itself reads --env-file in any script's arguments and stops with exit 9 when the file is
missing; a leading -- (krishiv-auth -- check-production ...) keeps the option for krishiv-auth.

Examples:
  $ krishiv-auth -- check-production --env-file examples/production.env
  $ krishiv-auth -- check-production --env-file base.env --env-file prod.env --format sarif --output krishiv.sarif
  $ krishiv-auth -- check-production --env-file coord.env --role coordinator --cli '--durability-profile distributed-durable'
  $ helm template krishiv ./chart -f values-prod.yaml | krishiv-auth check-production --manifest -
  $ krishiv-auth check-production --manifest deploy/k8s --unit krishiv-executor@.service --instance 0
  $ krishiv-auth explain COORD-HTTP-TOKENS-MISSING`,
    )
    .action(action(ctx, async (flags: CheckProductionFlags) => run(ctx, flags)));
}

/** flags → Options → domain run → show. */
async function run(ctx: CliContext, flags: CheckProductionFlags): Promise<ExitCode> {
  const config = await ctx.config(); // skips cosmiconfig when no config file can exist
  const options = resolveCheckProductionOptions(flags, ctx.env, config, { json: ctx.globals.json });
  const result = await runCheckProduction(options, {
    cwd: ctx.cwd,
    env: ctx.env,
    config,
    now: () => ctx.now(),
    warn: (m) => ctx.out.warn(m),
    info: (m) => ctx.out.info(m),
    readStdin: async () => (await import('../../io/stdin.js')).readStdin(ctx.stdin, 64 * 1024 * 1024),
  });
  const out = ctx.out;
  const passed = await showCheckProduction(
    result,
    options,
    {
      style: out.out,
      width: out.stdoutIsTTY ? out.columns : undefined, // fits a terminal; piped, unchanged
      quiet: out.quiet,
      print: (text, kind) => out.print(text, kind),
      info: (m) => out.info(m),
      writeJson: (doc) => out.writeJson(doc),
    },
    { cwd: ctx.cwd, ...(config.file !== undefined ? { configFile: config.file } : {}) },
  );
  return passed ? EXIT.OK : EXIT.FAILED;
}
