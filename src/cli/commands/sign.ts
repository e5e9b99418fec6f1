import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import type { SignOptions } from '../../jwk/sign-run.js';
import { parseRole } from '../../jwk/sign.js';
import { parseDuration } from '../../util/duration.js';
import { parseTime } from '../../util/time.js';
import { action, type CliContext } from '../context.js';

export interface SignFlags {
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
    .option('--claim <k=v>', 'extra claim, value parsed as JSON when it is JSON (repeatable)', (v: string, p: string[] | undefined) => [
      ...(p ?? []),
      v,
    ])
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
    .action(action(ctx, async (flags: SignFlags) => signCommand(ctx, flags)));
}

async function signCommand(ctx: CliContext, flags: SignFlags): Promise<ExitCode> {
  const options = resolveSignOptions(flags, ctx.cwd);
  const [{ runSign }, { readTextFile }] = await Promise.all([import('../../jwk/sign-run.js'), import('../../io/fs.js')]);
  const signed = await runSign(options, { readFile: (file, label) => readTextFile(file, { limit: 1024 * 1024, label }), now: ctx.now });
  ctx.out.result({ ok: true, token: signed.token, header: signed.header, claims: signed.claims }, (r) => r.token);
  ctx.out.info(`expires ${signed.expires.toISOString()}`);
  return EXIT.OK;
}

/** sign's Options from its flags (pure). */
export function resolveSignOptions(flags: SignFlags, cwd: string): SignOptions {
  if (flags.key === undefined || flags.key.trim() === '')
    throw new KrishivError('ERR_USAGE', '--key <private.jwk> is required', { input: '--key' });
  return {
    keyFile: { label: flags.key, path: path.resolve(cwd, flags.key) },
    claims: {
      sub: flags.sub,
      aud: flags.aud,
      iss: flags.iss,
      role: parseRole(flags.role),
      ttlMs: parseDuration(flags.ttl ?? '15m', '--ttl'),
      claims: flags.claim ?? [],
      ...(flags.now !== undefined ? { now: parseTime(flags.now, '--now') } : {}),
    },
  };
}
