import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { readTextFile } from '../../io/fs.js';
import { parseDuration } from '../../util/duration.js';
import { parseTime } from '../../util/time.js';
import { action, type CliContext } from '../context.js';

interface SignOptions {
  key?: string;
  sub?: string;
  aud?: string;
  iss?: string;
  role?: string;
  ttl?: string;
  claim?: string[];
  now?: string;
}

export function define(program: Command, ctx: CliContext): void {
  program
    .command('sign')
    .description('Mint a test JWT from a private JWK')
    .option('--key <file>', 'private JWK (the --out file of generate-key --type jwk)')
    .option('--sub <sub>', 'subject (required)')
    .option('--aud <aud>', 'audience')
    .option('--iss <iss>', 'issuer (the coordinator never checks it)')
    .option('--role <role>', 'admin|writer|reader → krishiv_role')
    .option('--ttl <duration>', 'lifetime (default 15m)')
    .option('--now <time>', 'mint as of this time (ISO 8601 or Unix seconds), e.g. for an already expired test token')
    .option('--claim <k=v>', 'extra claim, value parsed as JSON when it is JSON (repeatable)', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .addHelpText(
      'after',
      `
exp and iat come from --ttl and the clock, sub from --sub: --claim cannot set them, nor a claim
that --aud, --iss or --role already sets.

Examples:
  $ krishiv-auth sign --key signing.jwk --sub alice --role writer --aud krishiv-prod
  $ krishiv-auth sign --key signing.jwk --sub ci --claim 'aud=["a","b"]' --ttl 1h --json
  $ krishiv-auth sign --key signing.jwk --sub old --now 2026-01-01T00:00:00Z   # expired test token`,
    )
    .action(action(ctx, async (opts: SignOptions) => signCommand(ctx, opts)));
}

async function signCommand(ctx: CliContext, opts: SignOptions): Promise<ExitCode> {
  const sign = await import('../../jwk/sign.js');
  if (opts.key === undefined || opts.key.trim() === '') throw new KrishivError('ERR_USAGE', '--key <private.jwk> is required', { input: '--key' });
  const claims = sign.buildClaims({
    sub: opts.sub,
    aud: opts.aud,
    iss: opts.iss,
    role: sign.parseRole(opts.role),
    ttlMs: parseDuration(opts.ttl ?? '15m', '--ttl'),
    claims: opts.claim ?? [],
    now: opts.now === undefined ? ctx.now() : parseTime(opts.now, '--now'),
  });
  const jwk = sign.parsePrivateJwk(await readTextFile(path.resolve(ctx.cwd, opts.key), { limit: 1024 * 1024, label: opts.key }), opts.key);
  const signed = await sign.signToken(jwk, claims, opts.key);
  ctx.out.result({ ok: true, token: signed.token, header: signed.header, claims: signed.claims }, (r) => r.token);
  ctx.out.info(`expires ${new Date((claims['exp'] as number) * 1000).toISOString()}`);
  return EXIT.OK;
}
