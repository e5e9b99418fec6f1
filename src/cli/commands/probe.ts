import type { Command } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

interface ProbeFlags {
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
        const [{ parseDuration }, targetsMod, credMod, envMod, fsMod, runMod, renderMod, jwksMod] = await Promise.all([
          import('../../util/duration.js'),
          import('../../probe/targets.js'),
          import('../../probe/credentials.js'),
          import('../../probe/env-source.js'),
          import('../../io/fs.js'),
          import('../../probe/run.js'),
          import('../../probe/render.js'),
          import('../../probe/jwks-run.js'),
        ]);
        const [streamMod, pathMod] = await Promise.all([import('../../probe/target-stream.js'), import('node:path')]);
        const { parseTargetUrl, parseGrpcAddress, parseCount, parseDocumentUrl, DEFAULT_TARGET } = targetsMod;

        // flags beat the config file (`probe: {timeoutMs, concurrency, retries, ca}`) beat defaults
        const config = (await ctx.config()).probe ?? {};
        const timeoutMs = flags.timeout === undefined ? (config.timeoutMs ?? 5000) : parseDuration(flags.timeout, '--timeout');
        if (timeoutMs <= 0) throw new KrishivError('ERR_USAGE', 'must be more than 0', { input: '--timeout' });
        const concurrency =
          flags.concurrency === undefined ? (config.concurrency ?? 8) : parseCount(flags.concurrency, '--concurrency', 1, 1024);
        const retries = flags.retries === undefined ? (config.retries ?? 0) : parseCount(flags.retries, '--retries', 0, 10);
        const caFile = flags.ca ?? config.ca;
        const tlsWarnDays = flags.tlsWarnDays === undefined ? 30 : parseCount(flags.tlsWarnDays, '--tls-warn-days', 0, 3650);

        const surfaceFlags: Array<[keyof ProbeFlags, string]> = [
          ['grpc', '--grpc'],
          ['flight', '--flight'],
          ['shuffle', '--shuffle'],
          ['shuffleSvc', '--shuffle-svc'],
          ['executor', '--executor'],
          ['barrier', '--barrier'],
        ];
        const given = surfaceFlags.filter(([k]) => flags[k] !== undefined);
        if (given.length && (flags.targets !== undefined || urls.length > 1)) {
          throw new KrishivError('ERR_USAGE', 'with several targets, give each its addresses on its --targets line (grpc=, flight=, shuffle=, shuffle-svc=, executor=, barrier=)', {
            input: given[0]![1],
          });
        }
        const single: import('../../probe/types.js').ProbeTarget = {
          url: parseTargetUrl(urls[0] ?? DEFAULT_TARGET, urls[0] === undefined ? 'default target' : 'url 1'),
        };
        if (flags.grpc !== undefined) single.grpc = parseGrpcAddress(flags.grpc, '--grpc');
        if (flags.flight !== undefined) single.flight = parseGrpcAddress(flags.flight, '--flight');
        if (flags.shuffle !== undefined) single.shuffle = parseGrpcAddress(flags.shuffle, '--shuffle');
        if (flags.executor !== undefined) single.executor = parseGrpcAddress(flags.executor, '--executor');
        if (flags.barrier !== undefined) single.barrier = parseGrpcAddress(flags.barrier, '--barrier');
        if (flags.shuffleSvc !== undefined) single.shuffleSvc = targetsMod.parseServiceUrl(flags.shuffleSvc, '--shuffle-svc');
        const argvTargets = urls.length === 0 ? [single] : urls.map((u, i) => (i === 0 ? single : { url: parseTargetUrl(u, `url ${i + 1}`) }));

        if (flags.token !== undefined) warnSecretOnArgv(ctx, '--token', '--token-file or --env-file');
        const readSecretFile = (f: string): Promise<string> => fsMod.readTextFile(f, { limit: 1024 * 1024 });
        const credentialIo = { readFile: readSecretFile, exists: async (f: string) => (await fsMod.statPath(f)) !== undefined };
        const env = flags.envFile === undefined ? undefined : await envMod.readProbeEnvFile(flags.envFile);
        const creds = await credMod.resolveCredentials(
          {
            ...(flags.token !== undefined ? { token: flags.token } : {}),
            ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
            ...(flags.uiTokenFile !== undefined ? { uiTokenFile: flags.uiTokenFile } : {}),
            ...(flags.apiKeyFile !== undefined ? { apiKeyFile: flags.apiKeyFile } : {}),
            ...(flags.shuffleTokenFile !== undefined ? { shuffleTokenFile: flags.shuffleTokenFile } : {}),
            ...(flags.taskTokenFile !== undefined ? { taskTokenFile: flags.taskTokenFile } : {}),
          },
          env,
          flags.envFile,
          credentialIo,
        );
        for (const note of creds.notes) ctx.out.info(`note: ${note}`);

        // Per-target credentials (a --targets line's files), read once per distinct set.
        const perTarget = new Map<string, Promise<import('../../probe/types.js').ProbeCredentials>>();
        const credentialsFor = (files: import('../../probe/targets.js').TargetFiles): Promise<import('../../probe/types.js').ProbeCredentials> => {
          const key = JSON.stringify(files);
          let p = perTarget.get(key);
          if (!p) {
            p = (async () => {
              const targetEnv = files.envFile === undefined ? undefined : await envMod.readProbeEnvFile(files.envFile);
              const c = await credMod.resolveCredentials(files, targetEnv, files.envFile, credentialIo);
              for (const note of c.notes) ctx.out.info(`note: ${note}`);
              const out: import('../../probe/types.js').ProbeCredentials = {};
              for (const k of ['token', 'uiToken', 'apiKey', 'shuffleToken', 'taskToken'] as const) if (c[k]) out[k] = c[k];
              return out;
            })();
            perTarget.set(key, p);
          }
          return p;
        };
        let targets: Iterable<import('../../probe/types.js').ProbeTarget> | AsyncIterable<import('../../probe/types.js').ProbeTarget> = argvTargets;
        let count: number | undefined = argvTargets.length;
        if (flags.targets !== undefined) {
          const name = flags.targets;
          const baseDir = name === '-' ? ctx.cwd : pathMod.dirname(pathMod.resolve(ctx.cwd, name));
          const resolvePath = (f: string): string => pathMod.resolve(baseDir, f);
          const stream: AsyncIterable<Buffer | string> =
            name === '-' ? ctx.stdin : (await import('node:fs')).createReadStream(pathMod.resolve(ctx.cwd, name));
          // Open errors (missing file, a directory) as the typed errors every command gives; the
          // content is then streamed, never read whole.
          if (name !== '-') await fsMod.readTextFile(name, { limit: 0 }).catch((e: unknown) => {
            if (e instanceof KrishivError && e.code === 'ERR_FILE_TOO_LARGE') return;
            throw e;
          });
          const fromFile = streamMod.streamTargets(stream, name === '-' ? '<stdin>' : name, resolvePath);
          const argvFirst = urls.length ? argvTargets : [];
          targets = (async function* () {
            yield* argvFirst;
            let any = argvFirst.length > 0;
            for await (const line of fromFile) {
              any = true;
              const hasFiles = Object.keys(line.files).length > 0;
              yield hasFiles ? { ...line.target, credentials: await credentialsFor(line.files) } : line.target;
            }
            if (!any) throw new KrishivError('ERR_USAGE', 'no target in the file', { input: name });
          })();
          count = undefined;
        }

        const ca = caFile === undefined ? undefined : await fsMod.readTextFile(caFile, { limit: 4 * 1024 * 1024 });
        const jwksConfig: import('../../probe/types.js').JwksConfig = {};
        const jwksText = flags.jwks ?? creds.jwksUri;
        if (jwksText !== undefined) {
          jwksConfig.jwksFrom = flags.jwks !== undefined ? '--jwks' : 'KRISHIV_OIDC_JWKS_URI';
          jwksConfig.jwksUrl = parseDocumentUrl(jwksText, jwksConfig.jwksFrom);
        } else if (creds.jwksBlank) {
          jwksConfig.blankFrom = `${flags.envFile}: KRISHIV_OIDC_JWKS_URI`;
        }
        if (flags.oidcIssuer !== undefined) {
          parseDocumentUrl(flags.oidcIssuer, '--oidc-issuer');
          jwksConfig.issuer = flags.oidcIssuer.trim();
        }

        // Every credential sent, global and per target: what a server reflects is masked (message, Location, WWW-Authenticate).
        const sent = [creds.token, creds.uiToken, creds.apiKey, creds.shuffleToken, creds.taskToken].filter((c) => c !== undefined);
        const options = {
          targets: renderMod.watchTargets(targets, sent),
          credentials: {
            ...(creds.token ? { token: creds.token } : {}),
            ...(creds.uiToken ? { uiToken: creds.uiToken } : {}),
            ...(creds.apiKey ? { apiKey: creds.apiKey } : {}),
            ...(creds.shuffleToken ? { shuffleToken: creds.shuffleToken } : {}),
            ...(creds.taskToken ? { taskToken: creds.taskToken } : {}),
          },
          jwks: jwksConfig,
          timeoutMs,
          concurrency,
          retries,
          tlsWarnDays,
          ...(ca !== undefined ? { ca } : {}),
        };

        const [{ httpRequest }, { grpcUnaryCall }] = await Promise.all([import('../../io/http.js'), import('../../io/grpc.js')]);
        const io: import('../../probe/run.js').ProbeIo = {
          http: (url, o) => httpRequest(url, o),
          grpc: (o) => grpcUnaryCall(o),
          now: () => ctx.now(),
          randomToken: () => Buffer.from(ctx.randomBytes(32)).toString('base64url'),
          jwks: jwksMod.createJwksProbe(jwksConfig, {
            timeoutMs,
            allowHttp: Boolean(flags.allowHttp),
            ...(ca !== undefined ? { ca } : {}),
          }),
        };

        if (flags.jsonl) {
          // One line per target as it completes, then the summary: nothing is kept.
          const run = await runMod.runProbe(options, io, {
            keep: false,
            onTarget: (_done, _total, target) => ctx.out.writeJsonLine({ target: renderMod.redactProbeReport(target, sent) }),
          });
          ctx.out.writeJsonLine({ ok: run.ok, summary: run.summary });
          return run.ok ? EXIT.OK : EXIT.FAILED;
        }
        const progress = await ctx.out.progress(count === undefined ? 'probing' : `probing ${count} target(s)`);
        let report: import('../../probe/types.js').ProbeReport;
        try {
          const run = await runMod.runProbe(options, io, {
            onTarget: (done, total) => progress.update(`probed ${done}${total === undefined ? '' : `/${total}`} target(s)`),
          });
          report = { ok: run.ok, targets: run.targets };
        } finally {
          progress.stop();
        }
        report = renderMod.redactProbeReport(report, sent);
        const width = ctx.out.stdoutIsTTY && ctx.out.columns >= 40 ? ctx.out.columns : undefined;
        ctx.out.result(report, (r, style) => renderMod.renderProbeReport(r, style, width));
        return report.ok ? EXIT.OK : EXIT.FAILED;
      }),
    );
}
