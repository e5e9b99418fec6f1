import type { Command } from 'commander';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import type { ExitCode } from '../../errors.js';
// Static imports: this module is itself loaded only when `verify` runs, and one bundled
// chunk starts faster than a chain of dynamic imports (bench/cases/verify.mjs).
import { resolveVerifyOptions, type EngineEnv, type VerifyFlags } from '../verify-options.js';
import { checkCaBundle, runVerify, verifyExitCode } from '../../jwt/verify-run.js';
import * as report from '../../jwt/report.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('Would the Krishiv coordinator accept this JWT, and as whom?')
    .argument('[token]', 'the token, or - for stdin (also read from stdin when piped; several lines = batch)')
    .option('--jwks <file|url>', 'JWKS file or URL (KRISHIV_OIDC_JWKS_URI)')
    .option('--oidc-issuer <url>', 'OIDC issuer: discovery at <issuer>/.well-known/openid-configuration')
    .option('--env-file <file>', 'take KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE, KRISHIV_PRODUCTION from it')
    .option('--audience <aud>', 'configured audience (KRISHIV_OIDC_AUDIENCE)')
    .option('--issuer <iss>', 'expected iss (best practice only: the engine never checks iss)')
    .option('--leeway <duration>', 'exp leeway (engine: 60s)')
    .option('--now <time>', 'evaluate at this time (ISO 8601 or Unix seconds)')
    .option('--require-role <role>', 'reader|writer|admin: the role the call needs')
    .option('--production', 'as under KRISHIV_PRODUCTION: without an audience the engine disables JWT')
    .option('--strict', 'warnings fail too')
    .option('--timeout <duration>', 'network timeout (default 10s)')
    .option('--allow-http', 'allow plain http for non-loopback URLs')
    .option('--ca <file>', 'CA bundle (PEM) trusted for an https JWKS and OIDC discovery')
    .option('--batch <file>', 'verify one token per line')
    .addHelpText(
      'after',
      `
Settings: flags beat --env-file (without it: KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE and
KRISHIV_PRODUCTION from the environment), which beats the config file's verify: section
(jwks, oidcIssuer, audience, leeway, timeout), which beats the defaults.

Exit codes: 0 accepted (and no warning with --strict), 1 rejected (any token in a batch),
2 could not answer (no/malformed token, malformed JWKS, network failure).

Examples:
  $ krishiv-auth verify - --jwks jwks.json --audience krishiv-prod < token.jwt
  $ krishiv-auth verify - --oidc-issuer https://idp.example.com < token.jwt
  $ krishiv-auth -- verify --batch tokens.txt --env-file production.env --json`,
    )
    .action(action(ctx, async (arg: string | undefined, flags: VerifyFlags) => verifyCommand(ctx, arg, flags)));
}

async function verifyCommand(ctx: CliContext, arg: string | undefined, flags: VerifyFlags): Promise<ExitCode> {
  const config = await ctx.config();
  const o = resolveVerifyOptions(flags, await engineEnv(ctx, flags.envFile), {
    file: config.file,
    ...(config.verify ? { verify: config.verify } : {}),
  });
  for (const note of o.notes) ctx.out.info(note);
  let ca: string | undefined;
  if (o.caFile !== undefined) {
    const { readTextFile } = await import('../../io/fs.js');
    ca = checkCaBundle(await readTextFile(o.caFile, { limit: 4 * 1024 * 1024, label: o.caFile }), o.caFile);
  }
  const r = await runVerify({ ...o, now: o.now ?? ctx.now(), ca }, arg, {
    stdin: ctx.stdin,
    progress: (label) => ctx.out.progress(label),
    tokenOnArgv: () => warnSecretOnArgv(ctx, 'a token argument', '`-` with the token on stdin, or --batch <file>'),
  });
  for (const w of r.warnings) ctx.out.warn(w);
  if (r.single !== undefined) {
    ctx.out.result(
      r.single,
      (v, s) => report.renderVerdict(v, r.jwks, s, o.strict),
      (v) => report.verdictJson(v, r.jwks),
    );
  } else if (ctx.out.json) {
    for (const doc of report.batchJson(r.batch, r.jwks)) ctx.out.writeJsonLine(doc);
  } else {
    ctx.out.print(report.renderBatchTable(report.batchRows(r.batch), ctx.out.out));
  }
  return verifyExitCode(r);
}

/** The coordinator's JWT variables: from --env-file, else from the environment verify runs in (read only when set). */
async function engineEnv(ctx: CliContext, envFile: string | undefined): Promise<EngineEnv | undefined> {
  const names = ['KRISHIV_OIDC_JWKS_URI', 'KRISHIV_OIDC_AUDIENCE', 'KRISHIV_PRODUCTION'].filter((n) => ctx.env[n] !== undefined);
  if (envFile === undefined && names.length === 0) return undefined;
  const { jwtSettingsFromEnv } = await import('../../jwt/env-file.js');
  if (envFile === undefined) return { settings: jwtSettingsFromEnv(new Map(names.map((n) => [n, ctx.env[n]!]))), file: undefined };
  const { readEnvVars } = await import('../../production/env/load.js');
  return { settings: jwtSettingsFromEnv(await readEnvVars(envFile)), file: envFile };
}
