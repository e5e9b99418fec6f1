import type { Command } from 'commander';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { action, type CliContext } from '../context.js';
import { TOOL_INFO } from '../../version.js';
import path from 'node:path';
import type { KeyLookup, KeyState } from '../../production/checks/keys.js';
import type { Config } from '../../io/config.js';
import type { Role } from '../../production/types.js';
import type { ReportFormat } from '../../report/index.js';

interface Flags {
  envFile?: string[];
  role?: string;
  processEnv?: boolean;
  cli?: string;
  format?: string;
  output?: string;
  strict?: boolean;
  store?: string;
  requireFiles?: boolean;
  listChecks?: boolean;
  printEnv?: boolean;
}

const ROLES: readonly Role[] = ['cluster', 'coordinator', 'executor', 'flight-server', 'operator', 'shuffle-svc', 'client', 'client-http', 'client-flight'];
// The reporters' own list, as a type-checked copy: importing src/report here would load every reporter at start-up.
const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'];
const isFormat = (name: string): name is ReportFormat => (FORMATS as readonly string[]).includes(name);

export function define(program: Command, ctx: CliContext): void {
  program
    .command('check-production')
    .description("Check env files against the engine's production fail-closed rules, as a CI gate")
    .option('--env-file <file>', 'env file to read (repeatable; later files win)', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('--role <role>', 'cluster|coordinator|executor|flight-server|operator|shuffle-svc|client|client-http|client-flight (default cluster)')
    .option('--process-env', 'add the current environment (wins over every file)')
    .option('--cli <flags>', "the process's command-line flags, e.g. '--durability-profile distributed-durable'")
    .option('-f, --format <format>', 'text|json|sarif|junit|github|markdown (default text; --json = json; env KRISHIV_AUTH_FORMAT)')
    .option('-o, --output <file>', 'write the report (or the --print-env / --list-checks output) to a file (atomic); the summary line still goes to stderr')
    .option('--strict', 'warnings fail too')
    .option('--store <file>', 'key store to check KRISHIV_API_KEYS against')
    .option('--require-files', 'a token file missing here fails (run on the target host)')
    .option('--list-checks', 'list every check id with its class, roles and rule')
    .option('--print-env', 'print the merged environment the engine would see (secrets as fingerprints)')
    .addHelpText('after', `
Exit codes: 0 nothing fails (warnings allowed unless --strict), 1 something fails, 2 unreadable or malformed input.

Examples:
  $ krishiv-auth check-production --env-file examples/production.env
  $ krishiv-auth check-production --env-file base.env --env-file prod.env --format sarif --output krishiv.sarif
  $ krishiv-auth check-production --env-file coord.env --role coordinator --cli '--durability-profile distributed-durable'
  $ krishiv-auth explain COORD-HTTP-TOKENS-MISSING`)
    .action(action(ctx, async (flags: Flags) => run(ctx, flags)));
}

function usage(message: string, input?: string): KrishivError {
  return new KrishivError('ERR_USAGE', message, input === undefined ? {} : { input });
}

async function run(ctx: CliContext, flags: Flags): Promise<ExitCode> {
  const config = await ctx.config(); // skips cosmiconfig when no config file can exist
  const cp = config.checkProduction ?? {};

  const format = flags.format ?? (ctx.globals.json ? 'json' : (ctx.env['KRISHIV_AUTH_FORMAT']?.trim() || cp.format || 'text'));
  if (!isFormat(format)) throw usage(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`, '--format');
  if (ctx.globals.json && format !== 'json' && flags.output === undefined) {
    throw usage(`--json prints the JSON report on stdout; it cannot be combined with --format ${format} unless --output takes the ${format} report`, '--format');
  }

  const roleName = flags.role ?? cp.role ?? 'cluster';
  if (!(ROLES as readonly string[]).includes(roleName)) {
    const { closest } = await import('fastest-levenshtein');
    throw usage(`unknown role "${roleName}"; did you mean ${closest(roleName, [...ROLES])}? (roles: ${ROLES.join(', ')})`, '--role');
  }
  const role = roleName as Role;

  const { CATALOG } = await import('../../production/catalog.js');
  if (flags.listChecks && flags.printEnv) throw usage('--list-checks and --print-env each print something else; give one of them', '--print-env');
  if (flags.listChecks) {
    // a listing, not a report: text, or JSON (--json / --format json); --output takes it to a file
    if (flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json') {
      throw usage(`--list-checks prints text or json, not ${flags.format}`, '--format');
    }
    const checks = CATALOG.filter((c) => flags.role === undefined || c.roles.includes(role));
    const asJson = flags.format === 'json' || (flags.format === undefined && ctx.globals.json);
    const doc = { ok: true, checks };
    const { hangingWrap } = await import('../../text/table.js');
    const render = (style: typeof ctx.out.out, width: number | undefined): string =>
      checks
        .map((c) => `${style.bold(c.id.padEnd(32))} ${c.class.padEnd(9)} ${c.severity === 'warn' ? 'warn' : 'fail'}  ${c.roles.length >= 9 ? 'all roles' : c.roles.join(',')}\n${' '.repeat(33)}${hangingWrap(c.rule, 33, width)}`)
        .join('\n');
    if (flags.output !== undefined) {
      const { PLAIN } = await import('../../text/style.js');
      const { writeFileAtomic } = await import('../../io/fs.js');
      await guardOutput(ctx, flags.output, config, []);
      await writeFileAtomic(flags.output, `${asJson ? JSON.stringify({ ...doc, tool: TOOL_INFO }, null, 2) : render(PLAIN, undefined)}\n`, { label: flags.output });
      if (ctx.globals.json) ctx.out.writeJson(doc);
      else ctx.out.info(`${checks.length} checks written to ${flags.output}`);
    } else if (asJson) ctx.out.writeJson(doc);
    else ctx.out.print(render(ctx.out.out, ctx.out.stdoutIsTTY ? ctx.out.columns : undefined)); // fits a terminal; piped, unchanged
    return EXIT.OK;
  }

  const files = flags.envFile !== undefined && flags.envFile.length > 0 ? flags.envFile : [...(cp.envFiles ?? [])];
  if (files.length === 0 && !flags.processEnv) {
    throw usage('nothing to check: give --env-file <file> (repeatable), set checkProduction.envFiles in the config, or use --process-env', '--env-file');
  }

  // Only the reader loads here; --print-env and --cli load their modules when asked for.
  const { loadEnv } = await import('../../production/env/load.js');
  // (Node 20 also scans a script's argv for `--env-file`, nodejs/node#54232; the bin starts
  // node with `--`, and a file named after the script is not loaded into process.env.)
  const envSet = await loadEnv(files, flags.processEnv ? { ...ctx.env } : undefined);

  if (flags.printEnv) {
    // --print-env prints the environment, not a report: text, or JSON (--json / --format json);
    // --output takes it to a file as it does the report.
    if (flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json') {
      throw usage(`--print-env prints text or json, not ${flags.format}`, '--format');
    }
    const { printEnvJson, printEnvText } = await import('../../production/env/print-env.js');
    const asJson = flags.format === 'json' || (flags.format === undefined && ctx.globals.json);
    const doc = { ok: true, ...printEnvJson(envSet) };
    if (flags.output !== undefined) {
      const { writeFileAtomic } = await import('../../io/fs.js');
      await guardOutput(ctx, flags.output, config, files, envSet);
      await writeFileAtomic(flags.output, asJson ? `${JSON.stringify({ ...doc, tool: TOOL_INFO }, null, 2)}\n` : printEnvText(envSet), { label: flags.output });
      if (ctx.globals.json) ctx.out.writeJson(doc);
      else ctx.out.info(`${envSet.vars.size} variables written to ${flags.output}`);
      return EXIT.OK;
    }
    if (asJson) ctx.out.writeJson(doc);
    else {
      const text = printEnvText(envSet);
      if (text !== '') ctx.out.print(text);
    }
    return EXIT.OK;
  }

  const cli = flags.cli === undefined ? undefined : (await import('../../production/env/cli-flags.js')).parseCliFlags(flags.cli, role);
  if (cli) {
    if (cli.processes.length === 0 && cli.unknown.length > 0) ctx.out.warn(`--cli: the ${role} process reads no command-line flags; ${cli.unknown.join(' ')} ignored`);
    for (const r of cli.repeated) ctx.out.warn(`--cli: ${r} is given more than once; the last one is used`);
  }

  // KEYS-* only with a store named on purpose (--store, or checkProduction.store in the config):
  // the default ./krishiv-keys.json may belong to another deployment.
  const storeFile = flags.store ?? cp.store;
  let keyLookup: KeyLookup | undefined;
  if (storeFile !== undefined) {
    keyLookup = await storeKeyLookup(ctx, path.resolve(ctx.cwd, storeFile), storeFile, envSet.vars.get('KRISHIV_API_KEYS')?.value, config);
  }

  const { probeEnvFiles, findDotenv } = await import('../../production/token-files.js');
  const probe = await probeEnvFiles(envSet, { cwd: ctx.cwd, requireFiles: flags.requireFiles === true });
  const dotenvInCwd = flags.processEnv ? await findDotenv(ctx.cwd) : undefined;

  const { evaluate } = await import('../../production/evaluate.js');
  const report = evaluate({
    envSet,
    role,
    cli: cli ?? {},
    files: probe,
    requireFiles: flags.requireFiles === true,
    processEnv: flags.processEnv === true,
    ...(dotenvInCwd !== undefined ? { dotenvInCwd } : {}),
    strict: flags.strict ?? cp.strict ?? false,
    waivers: config.waivers,
    ...(config.file !== undefined ? { configFile: config.file } : {}),
    now: ctx.now(),
    ...(keyLookup !== undefined ? { keyLookup } : {}),
  });

  const reporters = await import('../../report/index.js');
  const exit: ExitCode = report.ok ? EXIT.OK : EXIT.FAILED;
  if (flags.output !== undefined) {
    const text = reporters.renderReport(format, report, CATALOG, { srcRoot: ctx.cwd });
    const { writeFileAtomic } = await import('../../io/fs.js');
    await guardOutput(ctx, flags.output, config, files, envSet, [
      ...(storeFile === undefined ? [] : [{ path: path.resolve(ctx.cwd, storeFile), label: `the key store ${storeFile}` }]),
      ...(dotenvInCwd === undefined ? [] : [{ path: dotenvInCwd, label: dotenvInCwd }]),
    ]);
    await writeFileAtomic(flags.output, `${text}\n`, { label: flags.output });
    if (ctx.globals.json) ctx.out.writeJson(reporters.toJsonDocument(report));
    else if (!ctx.out.quiet) ctx.out.info(`${reporters.summaryLine(report)} (${format} report written to ${flags.output})`);
    return exit;
  }
  if (format === 'json') {
    ctx.out.writeJson(reporters.toJsonDocument(report));
    return exit;
  }
  const text = reporters.renderReport(format, report, CATALOG, { style: ctx.out.out, srcRoot: ctx.cwd });
  ctx.out.print(text, format === 'sarif' ? 'json' : 'text');
  if (format !== 'text') ctx.out.info(reporters.summaryLine(report));
  return exit;
}

/**
 * --output never replaces one of the run's inputs (compared by device and inode, so a link or
 * another spelling of the same file is caught): the env files, the config file, the key store,
 * the token and TLS files the env names.
 */
async function guardOutput(
  ctx: CliContext,
  output: string,
  config: Config,
  envFiles: readonly string[],
  envSet?: import('../../production/types.js').EnvSet,
  more: { path: string; label: string }[] = [],
): Promise<void> {
  const { assertNotAnInput } = await import('../../io/fs.js');
  const inputs = [
    ...envFiles.map((f) => ({ path: path.resolve(ctx.cwd, f), label: `--env-file ${f}` })),
    ...(config.file === undefined ? [] : [{ path: config.file, label: `the config file ${config.file}` }]),
    ...more,
  ];
  if (envSet) {
    const { FILE_VARIABLES, filePathOf } = await import('../../production/model.js');
    for (const name of FILE_VARIABLES) {
      const p = filePathOf(name, envSet.vars.get(name)?.value);
      if (p !== undefined) inputs.push({ path: path.resolve(ctx.cwd, p), label: `${name} (${p})` });
    }
  }
  assertNotAnInput(path.resolve(ctx.cwd, output), '--output', inputs);
}

/**
 * The KEYS-* lookup: each `krishiv_<id>_<secret>` key of KRISHIV_API_KEYS checked against the
 * store once, up front (one Argon2id verification per key whose id is stored; none for the rest).
 */
async function storeKeyLookup(ctx: CliContext, file: string, label: string, apiKeys: string | undefined, config: Config): Promise<KeyLookup> {
  const [{ openStoreLookup }, { verifyApiKey }, { createArgon2Hasher, resolveArgon2Params }, { parseApiKeys }, { keyPrefixId }] = await Promise.all([
    import('../../keys/store-file.js'),
    import('../../keys/api-key.js'),
    import('../../keys/hasher.js'),
    import('../../production/model.js'),
    import('../../production/checks/keys.js'),
  ]);
  const stored = await openStoreLookup(file, label);
  const parsed = parseApiKeys(apiKeys);
  const states = new Map<string, KeyState>();
  const names = new Map<string, string>();
  const seams = { now: ctx.now(), hasher: createArgon2Hasher(), dummyParams: resolveArgon2Params(config.argon2, config.file) };
  for (const entry of parsed.state === 'unset' ? [] : parsed.entries) {
    const id = keyPrefixId(entry.key);
    if (id === undefined || states.has(entry.key)) continue;
    if (!stored.find(id)) {
      states.set(entry.key, 'unknown');
      continue;
    }
    const verdict = await verifyApiKey(stored, entry.key, seams);
    states.set(entry.key, verdict.reason === 'mismatch' ? 'mismatch' : verdict.reason === 'revoked' || verdict.reason === 'expired' ? verdict.reason : verdict.ok ? 'active' : 'unknown');
    if (verdict.record) names.set(entry.key, verdict.record.name);
  }
  return { lookup: (key) => states.get(key) ?? 'unknown', issuedName: (key) => names.get(key) };
}
