import path from 'node:path';
import type { Command } from 'commander';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import { EXIT, KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
// Static imports: this module is itself loaded only when `verify` runs, and one bundled
// chunk starts faster than a chain of dynamic imports (bench/cases/verify.mjs).
import { parseDuration } from '../../util/duration.js';
import { parseTime } from '../../util/time.js';
import { engineFingerprint } from '../../util/fingerprint.js';
import { readTokenInput } from '../../jwt/token-io.js';
import { parseCompactJws } from '../../jwt/input.js';
import { loadJwks, discoverOidc } from '../../jwt/jwks.js';
import { ENGINE_LEEWAY_SEC, parseRole, prepareKeySet, verifyToken } from '../../jwt/engine.js';
import { loadNodeCrypto, setNativeRsa } from '../../jwt/signature.js';
import * as report from '../../jwt/report.js';

interface VerifyFlags {
  jwks?: string;
  oidcIssuer?: string;
  envFile?: string;
  audience?: string;
  issuer?: string;
  leeway?: string;
  now?: string;
  requireRole?: string;
  production?: boolean;
  strict?: boolean;
  timeout?: string;
  allowHttp?: boolean;
  batch?: string;
  ca?: string;
}

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
    .addHelpText('after', `
Settings: flags beat --env-file (without it: KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE and
KRISHIV_PRODUCTION from the environment), which beats the config file's verify: section
(jwks, oidcIssuer, audience, leeway, timeout), which beats the defaults.

Exit codes: 0 accepted (and no warning with --strict), 1 rejected (any token in a batch),
2 could not answer (no/malformed token, malformed JWKS, network failure).

Examples:
  $ krishiv-auth verify - --jwks jwks.json --audience krishiv-prod < token.jwt
  $ krishiv-auth verify - --oidc-issuer https://idp.example.com < token.jwt
  $ krishiv-auth verify --batch tokens.txt --env-file production.env --json`)
    .action(action(ctx, async (arg: string | undefined, flags: VerifyFlags) => runVerify(ctx, arg, flags)));
}

async function runVerify(ctx: CliContext, arg: string | undefined, flags: VerifyFlags): Promise<ExitCode> {
  // ---- options: flags beat the env file, which beats the config file (`verify:`), which beats defaults
  if (flags.jwks !== undefined && flags.oidcIssuer !== undefined) {
    throw new KrishivError('ERR_USAGE', 'give either --jwks or --oidc-issuer, not both');
  }
  const config = (await ctx.config()).verify ?? {};
  const configFile = (await ctx.config()).file;
  const now = flags.now !== undefined ? parseTime(flags.now, '--now') : ctx.now();
  const leewaySec = flags.leeway !== undefined ? parseDuration(flags.leeway, '--leeway') / 1000 : config.leewayMs !== undefined ? config.leewayMs / 1000 : ENGINE_LEEWAY_SEC;
  const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout, '--timeout') : (config.timeoutMs ?? 10_000);
  if (timeoutMs <= 0) throw new KrishivError('ERR_INVALID_DURATION', 'must be more than 0', { input: flags.timeout !== undefined ? '--timeout' : `${configFile}: verify.timeout` });
  let requireRole;
  if (flags.requireRole !== undefined) {
    requireRole = parseRole(flags.requireRole);
    if (!requireRole) throw new KrishivError('ERR_USAGE', `"${flags.requireRole}" is not a role (reader, writer, admin)`, { input: '--require-role' });
  }
  let audience = flags.audience;
  let production = Boolean(flags.production);
  let jwksSource = flags.jwks;
  let oidcIssuer = flags.oidcIssuer;
  // The engine's environment: the --env-file when given, else the environment verify runs in
  // (KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE, KRISHIV_PRODUCTION, as the coordinator reads them).
  const ENGINE_VARS = ['KRISHIV_OIDC_JWKS_URI', 'KRISHIV_OIDC_AUDIENCE', 'KRISHIV_PRODUCTION'];
  const processEnv = flags.envFile === undefined ? ENGINE_VARS.filter((name) => ctx.env[name] !== undefined) : [];
  if (flags.envFile !== undefined || processEnv.length > 0) {
    const envLabel = flags.envFile ?? 'the environment';
    const { jwtSettingsFromEnv } = await import('../../jwt/env-file.js');
    let vars: ReadonlyMap<string, string>;
    if (flags.envFile !== undefined) {
      const { readEnvVars } = await import('../../production/env/load.js');
      vars = await readEnvVars(flags.envFile);
    } else {
      vars = new Map(processEnv.map((name) => [name, ctx.env[name]!]));
    }
    const env = jwtSettingsFromEnv(vars);
    const used: string[] = [];
    if (audience === undefined && env.audience !== undefined) used.push('KRISHIV_OIDC_AUDIENCE');
    if (!production && env.production) used.push('KRISHIV_PRODUCTION');
    audience ??= env.audience;
    production ||= env.production;
    if (jwksSource === undefined && oidcIssuer === undefined) {
      if (env.jwksUri === undefined) {
        if (flags.envFile !== undefined) {
          throw new KrishivError('ERR_USAGE', 'does not set KRISHIV_OIDC_JWKS_URI, so the engine does not enable JWT; give --jwks or --oidc-issuer', {
            input: flags.envFile,
          });
        }
      } else if (!/^https?:\/\//i.test(env.jwksUri)) {
        throw new KrishivError(
          'ERR_USAGE',
          `KRISHIV_OIDC_JWKS_URI is not an http(s) URL (${env.jwksUri === '' ? 'empty' : `"${env.jwksUri.slice(0, 80)}"`}): the engine cannot fetch it and would not install JWT auth`,
          { input: envLabel },
        );
      } else {
        jwksSource = env.jwksUri;
        used.push('KRISHIV_OIDC_JWKS_URI');
      }
    }
    if (flags.envFile === undefined && used.length > 0) ctx.out.info(`note: ${used.join(', ')} taken from the environment (flags beat it; it beats the config file)`);
  }
  audience ??= config.audience;
  if (jwksSource === undefined && oidcIssuer === undefined) {
    if (config.jwks !== undefined && config.oidcIssuer !== undefined) {
      throw new KrishivError('ERR_USAGE', 'the config file sets both verify.jwks and verify.oidcIssuer; keep one, or give --jwks / --oidc-issuer', { input: configFile ?? 'config' });
    }
    if (config.jwks !== undefined) {
      // paths inside a config file are relative to that file's directory
      jwksSource = /^https?:\/\//i.test(config.jwks) || configFile === undefined ? config.jwks : path.resolve(path.dirname(configFile), config.jwks);
    } else oidcIssuer = config.oidcIssuer;
  }
  if (jwksSource === undefined && oidcIssuer === undefined) {
    throw new KrishivError('ERR_USAGE', 'no key set: give --jwks <file|url>, --oidc-issuer <url>, --env-file <file>, or verify.jwks in the config file');
  }

  // ---- tokens first: a malformed token is exit 2 before any network
  const input = await readTokenInput(arg, ctx.stdin, { allowBatch: true, batchFile: flags.batch });
  if (input.fromArgv) warnSecretOnArgv(ctx, 'a token argument', '`-` with the token on stdin, or --batch <file>');
  if (input.items.length === 0) throw new KrishivError('ERR_TOKEN_MISSING', 'no tokens in the batch input', { input: flags.batch ?? '<stdin>' });
  const parsed = input.items.map((item) => {
    if (item.error) return { item, error: item.error };
    try {
      return { item, jws: parseCompactJws(item.token!, item.input) };
    } catch (error) {
      if (!input.batch || !isKrishivError(error)) throw error;
      return { item, error };
    }
  });

  // ---- key set
  let ca: string | undefined;
  if (flags.ca !== undefined) {
    const { readTextFile } = await import('../../io/fs.js');
    ca = await readTextFile(flags.ca, { limit: 4 * 1024 * 1024, label: flags.ca });
    if (!/-----BEGIN CERTIFICATE-----/.test(ca)) throw new KrishivError('ERR_USAGE', 'not a PEM certificate bundle (no BEGIN CERTIFICATE line)', { input: flags.ca });
  }
  const loadOptions = { timeoutMs, allowHttp: Boolean(flags.allowHttp), ...(ca !== undefined ? { ca } : {}) };
  const progress = await ctx.out.progress(oidcIssuer !== undefined ? 'discovering the OIDC provider…' : 'loading the JWKS…');
  let loaded;
  try {
    if (oidcIssuer !== undefined) {
      const discovery = await discoverOidc(oidcIssuer, loadOptions);
      progress.update('fetching the JWKS…');
      loaded = await loadJwks(discovery.jwksUri, loadOptions);
    } else {
      loaded = await loadJwks(jwksSource!, loadOptions);
    }
  } finally {
    progress.stop();
  }
  for (const note of loaded.notes) ctx.out.warn(note);

  const keys = prepareKeySet(loaded.document, loaded.analysis);
  // RSA is checked in JavaScript for a few tokens (no ~5 ms node:crypto load); EC and Ed25519
  // keys need node:crypto, and from 8 tokens on OpenSSL's faster RSA check pays for its load.
  const manyTokens = parsed.length >= 8;
  if (manyTokens || keys.entries.some((e) => e.analysis.family !== 'RSA')) await loadNodeCrypto();
  if (manyTokens) setNativeRsa(true);
  const jwks = report.summarizeJwks(loaded.source.location, loaded.analysis);
  if (leewaySec !== ENGINE_LEEWAY_SEC) ctx.out.warn(`leeway ${leewaySec} s differs from the engine's fixed 60 s: the verdict may not match the coordinator`);
  const options = { now, leewaySec, audience, production, issuer: flags.issuer, requireRole, strict: Boolean(flags.strict) };

  if (!input.batch) {
    const { item, jws } = parsed[0]!;
    const verdict = verifyToken(item.token!, jws!, keys, options);
    ctx.out.result(
      verdict,
      (v, s) => report.renderVerdict(v, jwks, s, options.strict),
      (v) => report.verdictJson(v, jwks),
    );
    return verdict.ok ? EXIT.OK : EXIT.FAILED;
  }

  const rows: report.BatchRow[] = [];
  let anyFailed = false;
  let anyMalformed = false;
  for (const p of parsed) {
    const line = p.item.line;
    if (!p.jws) {
      anyMalformed = true;
      const fp = p.item.token === undefined ? undefined : engineFingerprint(p.item.token);
      if (ctx.out.json) ctx.out.writeJsonLine(report.malformedJson(line, p.error!.message, jwks, fp));
      rows.push({ line, fingerprint: fp ?? '-', ok: false, accepted: false, subject: null, codes: ['malformed'] });
      continue;
    }
    const v = verifyToken(p.item.token!, p.jws, keys, options);
    if (!v.ok) anyFailed = true;
    if (ctx.out.json) ctx.out.writeJsonLine(report.verdictJson(v, jwks, line));
    rows.push({
      line,
      fingerprint: v.token.fingerprint,
      ok: v.ok,
      accepted: v.accepted,
      subject: v.subject,
      codes: v.findings.filter((f) => f.severity !== 'info').map((f) => f.code),
    });
  }
  if (!ctx.out.json) ctx.out.print(report.renderBatchTable(rows, ctx.out.out));
  if (anyMalformed) return EXIT.INPUT;
  return anyFailed ? EXIT.FAILED : EXIT.OK;
}
