import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, isKrishivError } from '../../errors.js';
import type { Config } from '../../io/config.js';
import type { ProbeCommandOptions, ProbeCommandSeams } from '../../probe/command.js';
import { DEFAULT_TARGET, parseCount, parseGrpcAddress, parseServiceUrl, parseTargetUrl } from '../../probe/targets.js';
import type { ProbeTarget } from '../../probe/types.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import { mutuallyExclusive, positiveDuration } from '../validators.js';

export interface ProbeFlags {
  targets?: string;
  token?: string;
  tokenFile?: string;
  uiTokenFile?: string;
  envFile?: string;
  grpc?: string;
  jwks?: string;
  oidcIssuer?: string;
  allowHttp?: boolean;
  timeout?: string;
  concurrency?: string;
  retries?: string;
  ca?: string;
  tlsWarnDays?: string;
  flight?: string;
  apiKeyFile?: string;
  shuffle?: string;
  shuffleSvc?: string;
  shuffleTokenFile?: string;
  executor?: string;
  barrier?: string;
  taskTokenFile?: string;
  jsonl?: boolean;
}

export function define(program: Command, ctx: CliContext): void {
  program
    .command('probe')
    .description("Check a running coordinator's auth from outside")
    .argument('[url...]', 'coordinator HTTP URLs (default http://127.0.0.1:2002)')
    .option('--targets <file>', 'one URL per line, then its other addresses and credential files (- reads standard input as a stream)')
    .option('--token-file <file>', 'coordinator bearer token file (a tokens file: its first token)')
    .option('--ui-token-file <file>', 'UI token file')
    .option('--env-file <file>', 'take tokens and KRISHIV_OIDC_JWKS_URI from an env file')
    .option('--token <token>', 'coordinator bearer token (prefer --token-file: argv is visible in ps)')
    .option('--grpc <host:port>', 'also check coordinator gRPC (one call without, one with the token)')
    .option('--flight <host:port>', 'also check Flight SQL (Handshake without, then with the API key)')
    .option('--api-key-file <file>', 'Flight SQL API key file (the key, or its KRISHIV_API_KEYS entry)')
    .option('--shuffle <host:port>', "also check the executors' shuffle Flight service")
    .option('--shuffle-svc <url>', 'also check the standalone shuffle service (HTTP)')
    .option('--shuffle-token-file <file>', 'shuffle token file (as KRISHIV_SHUFFLE_TOKEN_FILE: whole content, trimmed)')
    .option('--executor <host:port>', 'also check executor task gRPC')
    .option('--barrier <host:port>', 'also check executor barrier gRPC')
    .option('--task-token-file <file>', 'executor task token file (the value of KRISHIV_EXECUTOR_TASK_BEARER_TOKEN)')
    .option('--jsonl', 'one JSON line per target as it completes, then a summary line')
    .option('--jwks <url>', 'check this JWKS with the engine key rules')
    .option('--oidc-issuer <url>', 'check the issuer discovery document and its JWKS')
    .option('--allow-http', 'allow plain http for --jwks/--oidc-issuer off loopback')
    .option('--timeout <duration>', 'per request (default 5s)')
    .option('--concurrency <n>', 'targets probed at once (default 8)')
    .option('--retries <n>', 'retries after a network error or timeout, never after an answer (default 0)')
    .option('--ca <file>', 'CA bundle (PEM) for https targets')
    .option('--tls-warn-days <n>', 'warn when the certificate expires within this many days (default 30)')
    .addHelpText(
      'after',
      `
Checks: health, readiness, tls, api_requires_auth, api_rejects_invalid, api_accepts_token,
ui_requires_token, ui_accepts_token, grpc_requires_auth, flight_requires_auth, flight_accepts_key,
shuffle_requires_auth, shuffle_accepts_token, executor_requires_auth, executor_accepts_token, jwks,
oidc_discovery. No SQL or query is ever sent. Redirects are reported, not followed; each credential
goes only to its own surface (API key: Flight SQL; shuffle token: shuffle; task token: executors).

Targets file lines: URL [grpc=|flight=|shuffle=|executor=|barrier= host:port] [shuffle-svc=URL]
  [token-file=|ui-token-file=|api-key-file=|shuffle-token-file=|task-token-file=|env-file= path]
  (paths relative to the targets file; each credential given on a line replaces the global one)

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage or unreadable input.

Examples:
  $ krishiv-auth probe https://coord.example.com:2002 --token-file coord.token --ui-token-file ui.token
  $ krishiv-auth probe --targets fleet.txt --env-file prod.env --concurrency 16 --json
  $ krishiv-auth probe http://10.0.0.5:2002 --grpc 10.0.0.5:2001 --token-file coord.token
  $ krishiv-auth probe --flight 10.0.0.5:2003 --api-key-file analyst.key
  $ cat fleet.txt | krishiv-auth probe --targets - --concurrency 32 --jsonl`,
    )
    .action(
      action(ctx, async (urls: string[], flags: ProbeFlags) => {
        const options = resolveProbeOptions(urls, flags, (await ctx.config()).probe ?? {});
        if (flags.token !== undefined) warnSecretOnArgv(ctx, '--token', '--token-file or --env-file');
        const [{ runProbeCommand }, { renderProbeReport }] = await Promise.all([
          import('../../probe/command.js'),
          import('../../probe/render.js'),
        ]);
        const count = options.targetsFile === undefined ? options.targets.length : undefined;
        const progress = options.jsonl ? undefined : await ctx.out.progress(count === undefined ? 'probing' : `probing ${count} target(s)`);
        let result;
        try {
          result = await runProbeCommand(options, {
            ...(await seams(ctx)),
            ...(progress
              ? {
                  progress: (done: number, total: number | undefined) =>
                    progress.update(`probed ${done}${total === undefined ? '' : `/${total}`} target(s)`),
                }
              : {}),
          });
        } finally {
          progress?.stop();
        }
        if (result.report) {
          const width = ctx.out.stdoutIsTTY && ctx.out.columns >= 40 ? ctx.out.columns : undefined;
          ctx.out.result(result.report, (r, style) => renderProbeReport(r, style, width));
        }
        return result.ok ? EXIT.OK : EXIT.FAILED;
      }),
    );
}

const SURFACE_FLAGS: ReadonlyArray<readonly [keyof ProbeFlags, string]> = [
  ['grpc', '--grpc'],
  ['flight', '--flight'],
  ['shuffle', '--shuffle'],
  ['shuffleSvc', '--shuffle-svc'],
  ['executor', '--executor'],
  ['barrier', '--barrier'],
];

/** probe's Options from its arguments, flags and config (pure): flags beat config beat defaults. */
export function resolveProbeOptions(urls: string[], flags: ProbeFlags, config: NonNullable<Config['probe']>): ProbeCommandOptions {
  const given = SURFACE_FLAGS.filter(([k]) => flags[k] !== undefined);
  if (given.length && (flags.targets !== undefined || urls.length > 1)) {
    throw new KrishivError(
      'ERR_USAGE',
      'with several targets, give each its addresses on its --targets line (grpc=, flight=, shuffle=, shuffle-svc=, executor=, barrier=)',
      {
        input: given[0]![1],
      },
    );
  }
  const single: ProbeTarget = { url: parseTargetUrl(urls[0] ?? DEFAULT_TARGET, urls[0] === undefined ? 'default target' : 'url 1') };
  if (flags.grpc !== undefined) single.grpc = parseGrpcAddress(flags.grpc, '--grpc');
  if (flags.flight !== undefined) single.flight = parseGrpcAddress(flags.flight, '--flight');
  if (flags.shuffle !== undefined) single.shuffle = parseGrpcAddress(flags.shuffle, '--shuffle');
  if (flags.executor !== undefined) single.executor = parseGrpcAddress(flags.executor, '--executor');
  if (flags.barrier !== undefined) single.barrier = parseGrpcAddress(flags.barrier, '--barrier');
  if (flags.shuffleSvc !== undefined) single.shuffleSvc = parseServiceUrl(flags.shuffleSvc, '--shuffle-svc');
  // Only other surfaces asked for (no URL, no --grpc): the coordinator's HTTP is not probed at its default address.
  if (urls.length === 0 && flags.targets === undefined && flags.grpc === undefined && given.length > 0) {
    single.coordinatorHttp = false;
    single.label = single.flight ?? single.shuffle ?? single.executor ?? single.barrier ?? String(single.shuffleSvc);
  }
  // With --targets, argv URLs (if any) come first; without, the single (or default) target.
  const targets =
    urls.length === 0
      ? flags.targets === undefined
        ? [single]
        : []
      : urls.map((u, i) => (i === 0 ? single : { url: parseTargetUrl(u, `url ${i + 1}`) }));
  mutuallyExclusive({ '--token': flags.token, '--token-file': flags.tokenFile });
  const credentialFlags: ProbeCommandOptions['credentialFlags'] = {};
  for (const k of ['token', 'tokenFile', 'uiTokenFile', 'apiKeyFile', 'shuffleTokenFile', 'taskTokenFile'] as const) {
    if (flags[k] !== undefined) credentialFlags[k] = flags[k];
  }
  const caFile = flags.ca ?? config.ca;
  return {
    targets,
    ...(flags.targets !== undefined ? { targetsFile: flags.targets } : {}),
    credentialFlags,
    ...(flags.envFile !== undefined ? { envFile: flags.envFile } : {}),
    ...(flags.jwks !== undefined ? { jwks: flags.jwks } : {}),
    ...(flags.oidcIssuer !== undefined ? { oidcIssuer: flags.oidcIssuer } : {}),
    allowHttp: Boolean(flags.allowHttp),
    timeoutMs: flags.timeout === undefined ? (config.timeoutMs ?? 5000) : positiveDuration(flags.timeout, '--timeout'),
    concurrency: flags.concurrency === undefined ? (config.concurrency ?? 8) : parseCount(flags.concurrency, '--concurrency', 1, 1024),
    retries: flags.retries === undefined ? (config.retries ?? 0) : parseCount(flags.retries, '--retries', 0, 10),
    tlsWarnDays: flags.tlsWarnDays === undefined ? 30 : parseCount(flags.tlsWarnDays, '--tls-warn-days', 0, 3650),
    ...(caFile !== undefined ? { caFile } : {}),
    jsonl: Boolean(flags.jsonl),
  };
}

/** Files, standard input, output and the network for probe. */
async function seams(ctx: CliContext): Promise<Omit<ProbeCommandSeams, 'progress'>> {
  const [fsMod, envMod, netMod] = await Promise.all([
    import('../../io/fs.js'),
    import('../../probe/env-source.js'),
    import('../../probe/net.js'),
  ]);
  return {
    readFile: (f, limit) => fsMod.readTextFile(f, { limit }),
    exists: async (f) => (await fsMod.statPath(f)) !== undefined,
    readEnvFile: (f) => envMod.readProbeEnvFile(f),
    openTargets: async (name) => {
      if (name === '-') return ctx.stdin;
      // Open errors (missing file, a directory) as the typed errors every command gives; the
      // content is then streamed, never read whole.
      await fsMod.readTextFile(name, { limit: 0 }).catch((e: unknown) => {
        if (isKrishivError(e) && e.code === 'ERR_FILE_TOO_LARGE') return;
        throw e;
      });
      return (await import('node:fs')).createReadStream(path.resolve(ctx.cwd, name));
    },
    resolveFrom: (targetsFile, file) =>
      path.resolve(targetsFile === '-' ? ctx.cwd : path.dirname(path.resolve(ctx.cwd, targetsFile)), file),
    io: (jwks, ca, limits) => netMod.createProbeIo(ctx, jwks, ca, limits),
    note: (text) => ctx.out.info(`note: ${text}`),
    line: (doc) => ctx.out.writeJsonLine(doc),
  };
}
