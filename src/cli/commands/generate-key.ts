import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
import { formatMode } from '../../io/fs.js';
import { parseExpiry } from '../../util/time.js';
import { action, type CliContext } from '../context.js';

interface GenerateKeyOptions {
  type: string;
  name?: string;
  tenant?: string;
  roles?: string;
  expires?: string;
  store?: string;
  for?: string;
  bytes?: string;
  encoding?: string;
  out?: string;
  alg?: string;
  kid?: string;
  jwks?: string;
  force?: boolean;
}

const TYPES = ['api-key', 'bearer', 'jwk'] as const;

/** Options that belong to one --type only: giving them with another type is a usage error. */
const TYPE_OPTIONS: Record<(typeof TYPES)[number], (keyof GenerateKeyOptions)[]> = {
  'api-key': ['name', 'tenant', 'roles', 'expires', 'store'],
  bearer: ['for', 'bytes', 'encoding', 'out', 'force'],
  jwk: ['alg', 'kid', 'out', 'jwks', 'force'],
};

export function define(program: Command, ctx: CliContext): void {
  program
    .command('generate-key')
    .description('Create an API key (stored only as an Argon2id hash), a bearer token or a JWK signing key pair')
    .option('--type <type>', 'api-key|bearer|jwk', 'api-key')
    .option('--name <name>', 'api-key: the Flight subject (required)')
    .option('--tenant <id>', 'api-key: tenant metadata')
    .option('--roles <roles>', 'api-key: admin|writer|reader, comma-separated (metadata)')
    .option('--expires <when>', 'api-key: a duration with its unit (90d, 12h) or a time (2027-01-31, ISO 8601, or Unix seconds: a bare number is a time, not a duration)')
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
    .action(
      action(ctx, async (opts: GenerateKeyOptions): Promise<ExitCode> => {
        const type = opts.type as (typeof TYPES)[number];
        if (!TYPES.includes(type)) {
          throw new KrishivError('ERR_USAGE', `"${opts.type.slice(0, 30)}" is not a key type (${TYPES.join(', ')})`, { input: '--type' });
        }
        for (const [t, names] of Object.entries(TYPE_OPTIONS)) {
          if (t === type) continue;
          for (const n of names) {
            if (opts[n] !== undefined && !TYPE_OPTIONS[type].includes(n)) {
              throw new KrishivError('ERR_USAGE', `--${n} applies to --type ${t}, not --type ${type}`, { input: `--${n}` });
            }
          }
        }
        if (type === 'bearer') return generateBearer(ctx, opts);
        if (type === 'jwk') return generateJwkPair(ctx, opts);
        return generateApiKey(ctx, opts);
      }),
    );
}

async function generateApiKey(ctx: CliContext, opts: GenerateKeyOptions): Promise<ExitCode> {
  const [{ validateKeyName, validateTenant, parseRoles, prepareApiKey, insertApiKey }, { createArgon2Hasher, resolveArgon2Params }, storeFile, store] =
    await Promise.all([import('../../keys/api-key.js'), import('../../keys/hasher.js'), import('../../keys/store-file.js'), import('../../keys/store.js')]);
  const now = ctx.now();
  const meta = {
    name: validateKeyName(opts.name),
    tenant: validateTenant(opts.tenant),
    roles: parseRoles(opts.roles),
    expiresAt: opts.expires === undefined ? null : parseExpiry(opts.expires, '--expires', now),
  };
  const config = await ctx.config();
  const location = storeFile.resolveStorePath(opts.store, ctx.env, config.store, ctx.cwd);
  const label = displayPath(ctx, location.path);
  const params = resolveArgon2Params(config.argon2, config.file);
  // The key is shown once: refuse before creating it when stdout reaches no one.
  ctx.out.assertStdoutReceives('the new API key');
  // Fail early on a store that would be refused anyway, before spending a hash on it.
  await storeFile.readStore(location.path, label);
  const prepared = await prepareApiKey(meta, now, ctx.randomBytes, createArgon2Hasher(), params);
  const { value: made, created } = await storeFile.updateStore(
    location.path,
    (s) => {
      // Two live keys under one name work, but `keys revoke <name>` then needs the id: say so.
      const namesakes = s.records.filter((r) => r.name === meta.name && store.keyState(r, now) === 'active').map((r) => r.id);
      return { ...insertApiKey(s, prepared, ctx.randomBytes), namesakes };
    },
    { create: true, label },
  );
  for (const id of made.collisions) ctx.out.debugLog(`id ${id} was taken; drew another`);
  const record = store.publicRecord(made.record);
  try {
    ctx.out.result(
      { ok: true, key: made.key, entry: made.entry, record, store: location.path, storeCreated: created },
      (r) => `${r.key}\n${r.entry}`,
    );
  } catch (error) {
    // The key could not be handed over: it must not stay in the store as a key no one holds.
    if (!isKrishivError(error) || error.code !== 'ERR_OUTPUT_WRITE') throw error;
    const undo = await storeFile.removeUnsharedRecord(location.path, made.record.id, created, label).then(
      (how) => `the new key was not kept (${how})`,
      (cause: unknown) => `and removing the new key failed (${isKrishivError(cause) ? cause.message : String(cause)}): revoke it with keys revoke ${made.record.id}`,
    );
    throw new KrishivError('ERR_OUTPUT_WRITE', `${error.message}; ${undo}`, { input: '<stdout>', cause: error });
  }
  ctx.out.info(
    `${created ? 'created' : 'updated'} key store ${label}: ${made.record.id} (${made.record.name})${made.record.expiresAt ? `, expires ${made.record.expiresAt}` : ''}`,
  );
  if (made.namesakes.length > 0) {
    ctx.out.warn(
      `another active key is also named "${made.record.name}" (id ${made.namesakes.join(', ')}): both work; revoke by id (keys revoke ${made.namesakes[0]}) when one goes`,
    );
  }
  ctx.out.hint('the key is shown only once: add the entry to KRISHIV_API_KEYS (comma-separated) and give the key to its user');
  return EXIT.OK;
}

async function generateBearer(ctx: CliContext, opts: GenerateKeyOptions): Promise<ExitCode> {
  const bearer = await import('../../keys/bearer.js');
  const surface = bearer.parseSurface(opts.for);
  const encoding = bearer.parseEncoding(opts.encoding);
  const bytes = bearer.parseByteCount(opts.bytes);
  if (opts.out !== undefined && opts.out.trim() === '') throw new KrishivError('ERR_USAGE', 'needs a file name', { input: '--out' });
  const made = bearer.generateBearerToken(bytes, encoding, ctx.randomBytes);
  const vars = surface ? bearer.SURFACE_VARIABLES[surface] : undefined;

  if (opts.out === undefined) {
    ctx.out.assertStdoutReceives('the new token');
    const variable = vars?.value ?? null;
    ctx.out.result(
      { ok: true, token: made.token, fingerprint: made.fingerprint, variable, bytes, encoding },
      (r) => (r.variable ? `${r.token}\n${r.variable}=${r.token}` : r.token),
    );
    ctx.out.info(`fingerprint ${made.fingerprint} (what the coordinator logs for this token)`);
    return EXIT.OK;
  }

  const { writeFileAtomic } = await import('../../io/fs.js');
  const outPath = path.resolve(ctx.cwd, opts.out);
  // The engine trims token files (surface §4.1), so the trailing newline is harmless and keeps `cat` tidy.
  const written = await writeFileAtomic(outPath, `${made.token}\n`, { secret: true, noClobber: !opts.force, label: opts.out });
  if (written.tightenedFrom !== undefined) {
    ctx.out.warn(`${opts.out} was ${formatMode(written.tightenedFrom)}; it is now ${formatMode(written.mode)}`);
  }
  let variable: string | null = null;
  let line: string | null = null;
  if (vars) {
    if (vars.file) {
      variable = vars.file;
      line = `${vars.file}=${outPath}`;
    } else {
      variable = vars.value;
      ctx.out.warn(`the engine reads ${vars.value} from the environment only (there is no _FILE variable): set it from the file's content`);
    }
  }
  ctx.out.resultAfterChange(
    `the token was written to ${opts.out} all the same`,
    { ok: true, fingerprint: made.fingerprint, variable, out: outPath, mode: formatMode(written.mode), bytes, encoding },
    (r) => (line ? `${r.fingerprint}\n${line}` : r.fingerprint),
  );
  ctx.out.info(`wrote the token to ${opts.out} (${formatMode(written.mode)})`);
  return EXIT.OK;
}

async function generateJwkPair(ctx: CliContext, opts: GenerateKeyOptions): Promise<ExitCode> {
  const [gen, jwksMod, fsMod, storeFile] = await Promise.all([
    import('../../jwk/generate.js'),
    import('../../jwk/jwks.js'),
    import('../../io/fs.js'),
    import('../../keys/store-file.js'),
  ]);
  const alg = gen.parseJwkAlgorithm(opts.alg);
  const kid = gen.validateKid(opts.kid);
  if (opts.out === undefined || opts.out.trim() === '') {
    throw new KrishivError('ERR_USAGE', '--out <private.jwk> is required: the private key is written only to a file (0600)', { input: '--out' });
  }
  const outPath = path.resolve(ctx.cwd, opts.out);
  const jwksPath = opts.jwks === undefined ? undefined : path.resolve(ctx.cwd, opts.jwks);
  if (jwksPath !== undefined && jwksPath === outPath) throw new KrishivError('ERR_USAGE', '--out and --jwks must be different files', { input: '--jwks' });
  // the same file under another name (a link): the private key must never land in the published set
  if (jwksPath !== undefined) fsMod.assertNotAnInput(outPath, '--out', [{ path: jwksPath, label: `--jwks ${opts.jwks}` }]);
  // --out exists: refuse before generating anything (the public half may already be published)
  if (!opts.force && (await fsMod.statPath(outPath)) !== undefined) throw fsMod.existsError(opts.out);

  // Check an existing JWKS before generating anything: malformed → exit 2, nothing written.
  const readJwks = async (): Promise<import('../../jwk/jwks.js').Jwks | undefined> => {
    if (jwksPath === undefined) return undefined;
    const info = await fsMod.statPath(jwksPath);
    if (!info) return { keys: [], extra: {} };
    return jwksMod.parseJwks(await fsMod.readTextFile(jwksPath, { limit: 4 * 1024 * 1024, label: opts.jwks }), opts.jwks!);
  };
  const before = await readJwks();
  if (before && kid !== undefined) jwksMod.assertKidFree(before, kid, opts.jwks!);

  const spinner = await ctx.out.progress(`generating an ${alg} key pair${alg.startsWith('RS') || alg.startsWith('PS') ? ` (RSA ${gen.RSA_MODULUS_BITS} bits)` : ''}`);
  const made = await gen.generateJwk(alg, kid).finally(() => spinner.stop());
  const privateText = `${JSON.stringify(made.privateJwk, null, 2)}\n`;
  let warnings: { code: string; message: string }[] = [];
  let jwksInfo: { file: string; keys: number; created: boolean } | null = null;
  let privateCreated = false;
  const writePrivate = async (): Promise<number> => {
    const written = await fsMod.writeFileAtomic(outPath, privateText, { secret: true, noClobber: !opts.force, label: opts.out });
    privateCreated = written.created;
    if (written.tightenedFrom !== undefined) ctx.out.warn(`${opts.out} was ${formatMode(written.tightenedFrom)}; it is now ${formatMode(written.mode)}`);
    return written.mode;
  };
  let mode: number;
  if (jwksPath === undefined) {
    mode = await writePrivate();
  } else {
    // a symlinked JWKS is written through to its target (io/fs.ts), so the lock is the target's
    const jwksTarget = fsMod.resolveWriteTarget(jwksPath, opts.jwks);
    mode = await storeFile.withFileLock(jwksTarget.path, async (held) => {
      const current = (await readJwks())!;
      const existed = (await fsMod.statPath(jwksPath)) !== undefined;
      // Everything that reads input (merge, analysis, serializing the set) runs before the first
      // write: a set that fails any of it leaves no private key behind.
      const merged = jwksMod.mergePublicKey(current, made.publicJwk, opts.jwks!);
      const text = jwksMod.serializeJwks(merged.jwks);
      warnings = merged.warnings;
      const m = await writePrivate();
      try {
        const written = await fsMod.writeFileAtomic(jwksPath, text, {
          label: opts.jwks,
          ...(existed ? {} : { mode: 0o644 }),
          beforeRename: () => {
            const lost = held.lost();
            if (lost) throw new KrishivError('ERR_STORE_LOCKED', `lost the lock while writing (${lost}); the JWKS was not changed`, { input: opts.jwks });
          },
        });
        jwksInfo = { file: jwksPath, keys: merged.jwks.keys.length, created: written.created };
      } catch (error) {
        // no new private key file whose public half never reached the set
        if (privateCreated) fsMod.removeIfUnchanged(outPath, privateText);
        throw error;
      }
      return m;
    });
  }
  for (const w of warnings) ctx.out.warn(w.message);
  const info = jwksInfo as { file: string; keys: number; created: boolean } | null;
  ctx.out.resultAfterChange(
    `the private key was written to ${opts.out}${info ? ` and its public key added to ${opts.jwks}` : ''} all the same`,
    {
      ok: true,
      kid: made.kid,
      alg: made.alg,
      thumbprint: made.thumbprint,
      out: outPath,
      mode: formatMode(mode),
      publicJwk: jwksMod.publicJwk(made.publicJwk),
      jwks: info,
      warnings,
    },
    (r, s) =>
      [
        `${s.bold('kid')}      ${r.kid}`,
        `${s.bold('alg')}      ${r.alg}`,
        `${s.bold('private')}  ${opts.out} (${r.mode})`,
        ...(info ? [`${s.bold('jwks')}     ${opts.jwks} (${info.keys} key${info.keys === 1 ? '' : 's'}${info.created ? ', created' : ''})`] : []),
      ].join('\n'),
  );
  if (!info) ctx.out.hint('publish the public key with --jwks <file>, or run again with --jwks to add it to a set');
  return EXIT.OK;
}

function displayPath(ctx: CliContext, file: string): string {
  const rel = path.relative(ctx.cwd, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
