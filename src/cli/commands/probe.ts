/**
 * `krishiv-auth probe`: flags → resolveProbeOptions (src/probe/options.ts, pure) → runProbeCommand
 * (src/probe/command.ts) over the machine's seams (src/probe/seams.ts) → renderProbeReport.
 */
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { resolveProbeOptions, type ProbeFlags } from '../../probe/options.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

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
  $ krishiv-auth -- probe --targets fleet.txt --env-file prod.env --concurrency 16 --json
  $ krishiv-auth probe http://10.0.0.5:2002 --grpc 10.0.0.5:2001 --token-file coord.token
  $ krishiv-auth probe --flight 10.0.0.5:2003 --api-key-file analyst.key
  $ cat fleet.txt | krishiv-auth probe --targets - --concurrency 32 --jsonl`,
    )
    .action(
      action(ctx, async (urls: string[], flags: ProbeFlags) => {
        const options = resolveProbeOptions(urls, flags, (await ctx.config()).probe ?? {});
        if (flags.token !== undefined) warnSecretOnArgv(ctx, '--token', '--token-file or --env-file');
        const [{ runProbeCommand }, { renderProbeReport }, { probeSeams }] = await Promise.all([
          import('../../probe/command.js'),
          import('../../probe/render.js'),
          import('../../probe/seams.js'),
        ]);
        const count = options.targetsFile === undefined ? options.targets.length : undefined;
        const progress = options.jsonl ? undefined : await ctx.out.progress(count === undefined ? 'probing' : `probing ${count} target(s)`);
        let result;
        try {
          result = await runProbeCommand(options, {
            ...(await probeSeams({
              cwd: ctx.cwd,
              stdin: ctx.stdin,
              now: () => ctx.now(),
              randomBytes: (n) => ctx.randomBytes(n),
              note: (text) => ctx.out.info(text),
              line: (doc) => ctx.out.writeJsonLine(doc),
            })),
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
