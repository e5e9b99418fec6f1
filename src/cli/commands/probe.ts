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
}

export function define(program: Command, ctx: CliContext): void {
  program
    .command('probe')
    .description("Check a running coordinator's auth from outside")
    .argument('[url...]', 'coordinator HTTP URLs (default http://127.0.0.1:2002)')
    .option('--targets <file>', 'one URL per line (# comments; optional grpc=host:port after the URL)')
    .option('--token-file <file>', 'coordinator bearer token file (a tokens file: its first token)')
    .option('--ui-token-file <file>', 'UI token file')
    .option('--env-file <file>', 'take tokens and KRISHIV_OIDC_JWKS_URI from an env file')
    .option('--token <token>', 'coordinator bearer token (prefer --token-file: argv is visible in ps)')
    .option('--grpc <host:port>', 'also check coordinator gRPC (one call without, one with the token)')
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
ui_requires_token, ui_accepts_token, grpc_requires_auth, jwks, oidc_discovery.
No SQL is ever sent. Redirects are reported, not followed; credentials go only to the target.

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage or unreadable input.

Examples:
  $ krishiv-auth probe https://coord.example.com:2002 --token-file coord.token --ui-token-file ui.token
  $ krishiv-auth probe --targets fleet.txt --env-file prod.env --concurrency 16 --json
  $ krishiv-auth probe http://10.0.0.5:2002 --grpc 10.0.0.5:2001 --token-file coord.token`,
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
        const { parseTargetUrl, parseTargetsFile, parseGrpcAddress, parseCount, parseDocumentUrl, DEFAULT_TARGET } = targetsMod;

        // flags beat the config file (`probe: {timeoutMs, concurrency, retries, ca}`) beat defaults
        const config = (await ctx.config()).probe ?? {};
        const timeoutMs = flags.timeout === undefined ? (config.timeoutMs ?? 5000) : parseDuration(flags.timeout, '--timeout');
        if (timeoutMs <= 0) throw new KrishivError('ERR_USAGE', 'must be more than 0', { input: '--timeout' });
        const concurrency =
          flags.concurrency === undefined ? (config.concurrency ?? 8) : parseCount(flags.concurrency, '--concurrency', 1, 1024);
        const retries = flags.retries === undefined ? (config.retries ?? 0) : parseCount(flags.retries, '--retries', 0, 10);
        const caFile = flags.ca ?? config.ca;
        const tlsWarnDays = flags.tlsWarnDays === undefined ? 30 : parseCount(flags.tlsWarnDays, '--tls-warn-days', 0, 3650);

        const targets = urls.map((u, i) => ({ url: parseTargetUrl(u, `url ${i + 1}`) })) as import('../../probe/types.js').ProbeTarget[];
        if (flags.targets !== undefined) {
          targets.push(...parseTargetsFile(await fsMod.readTextFile(flags.targets, { limit: 4 * 1024 * 1024 }), flags.targets));
        }
        if (targets.length === 0) {
          if (flags.targets !== undefined) throw new KrishivError('ERR_USAGE', 'no target in the file', { input: flags.targets });
          targets.push({ url: parseTargetUrl(DEFAULT_TARGET, 'default target') });
        }
        if (flags.grpc !== undefined) {
          if (targets.length > 1) {
            throw new KrishivError('ERR_USAGE', 'with several targets, give each its gRPC address as grpc=host:port in --targets', {
              input: '--grpc',
            });
          }
          targets[0]!.grpc = parseGrpcAddress(flags.grpc, '--grpc');
        }

        if (flags.token !== undefined) warnSecretOnArgv(ctx, '--token', '--token-file or --env-file');
        const env = flags.envFile === undefined ? undefined : await envMod.readProbeEnvFile(flags.envFile);
        const creds = await credMod.resolveCredentials(
          {
            ...(flags.token !== undefined ? { token: flags.token } : {}),
            ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
            ...(flags.uiTokenFile !== undefined ? { uiTokenFile: flags.uiTokenFile } : {}),
          },
          env,
          flags.envFile,
          {
            readFile: (f) => fsMod.readTextFile(f, { limit: 1024 * 1024 }),
            exists: async (f) => (await fsMod.statPath(f)) !== undefined,
          },
        );
        for (const note of creds.notes) ctx.out.info(`note: ${note}`);

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

        const options: import('../../probe/types.js').ProbeOptions = {
          targets,
          credentials: {
            ...(creds.token ? { token: creds.token } : {}),
            ...(creds.uiToken ? { uiToken: creds.uiToken } : {}),
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

        const progress = await ctx.out.progress(`probing ${targets.length} target(s)`);
        let report: import('../../probe/types.js').ProbeReport;
        try {
          report = await runMod.runProbe(options, io, {
            onTarget: (done, total) => progress.update(`probed ${done}/${total} target(s)`),
          });
        } finally {
          progress.stop();
        }
        // A server may reflect the token it was sent (message, Location, WWW-Authenticate).
        report = renderMod.redactProbeReport(report, [creds.token, creds.uiToken]);
        ctx.out.result(report, renderMod.renderProbeReport);
        return report.ok ? EXIT.OK : EXIT.FAILED;
      }),
    );
}
