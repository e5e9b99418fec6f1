import type { Command } from 'commander';
import { EXIT, KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
import type { GenerateKeyFlags } from '../../keys/generate-key.js';
import { action, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('generate-key')
    .description('Create an API key (stored only as an Argon2id hash), a bearer token or a JWK signing key pair')
    .option('--type <type>', 'api-key|bearer|jwk', 'api-key')
    .option('--name <name>', 'api-key: the Flight subject (required)')
    .option('--tenant <id>', 'api-key: tenant metadata')
    .option('--roles <roles>', 'api-key: admin|writer|reader, comma-separated (metadata)')
    .option(
      '--expires <when>',
      'api-key: a duration with its unit (90d, 12h) or a time (2027-01-31, ISO 8601, or Unix seconds: a bare number is a time, not a duration)',
    )
    .option('--store <file>', 'api-key: key store (default ./krishiv-keys.json; env KRISHIV_AUTH_STORE; config store)')
    .option('--for <surface>', 'bearer: coordinator|executor-task|ui|shuffle (prints the KRISHIV_… line)')
    .option('--bytes <n>', 'bearer: random bytes, 16 to 1024 (default 32)')
    .option('--encoding <enc>', 'bearer: base64url|hex (default base64url)')
    .option('--out <file>', 'bearer: write the token to this file (0600); jwk: the private JWK (0600, required)')
    .option('--alg <alg>', 'jwk: ES256|ES384|RS256|PS256|EdDSA (default ES256; RSA is 3072 bits)')
    .option('--kid <kid>', 'jwk: key id (default: RFC 7638 thumbprint)')
    .option('--jwks <file>', 'jwk: add the public key to this JWKS (created if missing)')
    .option('--force', 'bearer, jwk: replace an existing --out file (refused without it)')
    .addHelpText(
      'after',
      `
API keys are printed once (stdout: the key, then the KRISHIV_API_KEYS entry); the key store
keeps only an Argon2id hash of the secret (config "argon2": {memoryCost, timeCost, parallelism}).

Examples:
  $ krishiv-auth generate-key --name ci-bot --roles reader --expires 90d
  $ krishiv-auth generate-key --type bearer --for coordinator --out coord.token
  $ krishiv-auth generate-key --type jwk --alg ES256 --out signing.jwk --jwks jwks.json`,
    )
    .action(action(ctx, async (flags: GenerateKeyFlags) => generateKey(ctx, flags)));
}

async function generateKey(ctx: CliContext, flags: GenerateKeyFlags): Promise<ExitCode> {
  const [gen, render] = await Promise.all([import('../../keys/generate-key.js'), import('../../keys/render.js')]);
  const o = gen.resolveGenerateKeyOptions(flags, ctx.env, await ctx.config(), { cwd: ctx.cwd, now: ctx.now() });
  const seams = { now: ctx.now(), randomBytes: ctx.randomBytes };
  if (o.type === 'api-key') {
    // The key is shown once: refuse before creating it when stdout reaches no one.
    ctx.out.assertStdoutReceives('the new API key');
    const made = await gen.runGenerateApiKey(o, seams);
    for (const id of made.collisions) ctx.out.debugLog(`id ${id} was taken; drew another`);
    try {
      ctx.out.result(made.result, render.renderApiKey);
    } catch (error) {
      // The key could not be handed over: it must not stay in the store as a key no one holds.
      if (!isKrishivError(error) || error.code !== 'ERR_OUTPUT_WRITE') throw error;
      throw new KrishivError('ERR_OUTPUT_WRITE', `${error.message}; ${await made.undo()}`, { input: '<stdout>', cause: error });
    }
    const r = made.result.record;
    ctx.out.info(
      `${made.result.storeCreated ? 'created' : 'updated'} key store ${o.store.label}: ${r.id} (${r.name})${r.expiresAt ? `, expires ${r.expiresAt}` : ''}`,
    );
    if (made.namesakes.length > 0) {
      ctx.out.warn(
        `another active key is also named "${r.name}" (id ${made.namesakes.join(', ')}): both work; revoke by id (keys revoke ${made.namesakes[0]}) when one goes`,
      );
    }
    ctx.out.hint('the key is shown only once: add the entry to KRISHIV_API_KEYS (comma-separated) and give the key to its user');
    return EXIT.OK;
  }
  if (o.type === 'bearer') {
    if (o.out === undefined) ctx.out.assertStdoutReceives('the new token');
    const made = await gen.runGenerateBearer(o, seams);
    for (const w of made.warnings) ctx.out.warn(w);
    if (o.out === undefined) ctx.out.result(made, render.renderBearer, (m) => m.result);
    else ctx.out.resultAfterChange(`the token was written to ${o.out.label} all the same`, made, render.renderBearer, (m) => m.result);
    if (o.out === undefined) ctx.out.info(`fingerprint ${made.result.fingerprint} (what the coordinator logs for this token)`);
    else ctx.out.info(`wrote the token to ${o.out.label} (${made.result.mode})`);
    return EXIT.OK;
  }
  const made = await gen.runGenerateJwk(o, {
    generating: async (what) => {
      const spinner = await ctx.out.progress(what);
      return () => spinner.stop();
    },
  });
  for (const w of made.warnings) ctx.out.warn(w);
  const kept = `the private key was written to ${o.out.label}${made.result.jwks ? ` and its public key added to ${o.jwks!.label}` : ''} all the same`;
  ctx.out.resultAfterChange(kept, made.result, (r, s) => render.renderJwk(r, s, { out: o.out.label, jwks: o.jwks?.label }));
  if (!made.result.jwks) ctx.out.hint('publish the public key with --jwks <file>, or run again with --jwks to add it to a set');
  return EXIT.OK;
}
