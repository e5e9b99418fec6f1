/**
 * `generate-key`: flags → Options (one pure function) → the domain runs for each key type, which
 * return what was made (and, for an API key, how to undo it when it cannot be handed over).
 * Rendering is in ./render.ts; the command file (src/cli/commands/generate-key.ts) only wires them.
 * Heavy modules (argon2, jose) load inside the run that needs them.
 */
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import type { Argon2Params, Config } from '../io/config.js';
import { parseExpiry } from '../util/time.js';
import type { RandomBytes } from './format.js';
import type { PublicRecord } from './store.js';
import { parseByteCount, parseEncoding, parseSurface, type BearerEncoding, type BearerSurface } from './bearer.js';
import { parseJwkAlgorithm, validateKid, type JwkAlgorithm } from '../jwk/generate.js';
import { parseRoles, validateKeyName, validateTenant, type NewKeyMeta } from './api-key.js';
import { resolveArgon2Params } from './hasher.js';
import { resolveStorePath } from './store-file.js';

/** The flags as commander gives them. */
export interface GenerateKeyFlags {
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

/** A file the user named: absolute path, and the name to show. */
export interface NamedFile {
  path: string;
  label: string;
}

export type GenerateKeyOptions =
  | {
      type: 'api-key';
      meta: NewKeyMeta;
      store: NamedFile;
      argon2: Argon2Params;
    }
  | {
      type: 'bearer';
      surface: BearerSurface | undefined;
      encoding: BearerEncoding;
      bytes: number;
      out: NamedFile | undefined;
      force: boolean;
    }
  | { type: 'jwk'; alg: JwkAlgorithm; kid: string | undefined; out: NamedFile; jwks: NamedFile | undefined; force: boolean };

const KEY_TYPES = ['api-key', 'bearer', 'jwk'] as const;

/** Options that belong to one --type only: giving them with another type is a usage error. */
const TYPE_OPTIONS: Record<(typeof KEY_TYPES)[number], (keyof GenerateKeyFlags)[]> = {
  'api-key': ['name', 'tenant', 'roles', 'expires', 'store'],
  bearer: ['for', 'bytes', 'encoding', 'out', 'force'],
  jwk: ['alg', 'kid', 'out', 'jwks', 'force'],
};

/** How a path is shown: relative to the working directory when inside it, else absolute. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/**
 * Every flag, env variable and config value `generate-key` reads, validated into Options. Pure:
 * the working directory (paths) and `now` (--expires) are given; nothing is read from disk.
 */
export function resolveGenerateKeyOptions(
  flags: GenerateKeyFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: Config,
  where: { cwd: string; now: Date },
): GenerateKeyOptions {
  const { cwd, now } = where;
  const type = flags.type as (typeof KEY_TYPES)[number];
  if (!KEY_TYPES.includes(type)) {
    throw new KrishivError('ERR_USAGE', `"${flags.type.slice(0, 30)}" is not a key type (${KEY_TYPES.join(', ')})`, { input: '--type' });
  }
  for (const [t, names] of Object.entries(TYPE_OPTIONS)) {
    if (t === type) continue;
    for (const n of names) {
      if (flags[n] !== undefined && !TYPE_OPTIONS[type].includes(n)) {
        throw new KrishivError('ERR_USAGE', `--${n} applies to --type ${t}, not --type ${type}`, { input: `--${n}` });
      }
    }
  }
  if (type === 'bearer') {
    const surface = parseSurface(flags.for);
    const encoding = parseEncoding(flags.encoding);
    const bytes = parseByteCount(flags.bytes);
    if (flags.out !== undefined && flags.out.trim() === '') throw new KrishivError('ERR_USAGE', 'needs a file name', { input: '--out' });
    const out = flags.out === undefined ? undefined : { path: path.resolve(cwd, flags.out), label: flags.out };
    return { type, surface, encoding, bytes, out, force: Boolean(flags.force) };
  }
  if (type === 'jwk') {
    const alg = parseJwkAlgorithm(flags.alg);
    const kid = validateKid(flags.kid);
    if (flags.out === undefined || flags.out.trim() === '') {
      throw new KrishivError('ERR_USAGE', '--out <private.jwk> is required: the private key is written only to a file (0600)', {
        input: '--out',
      });
    }
    const out = { path: path.resolve(cwd, flags.out), label: flags.out };
    const jwks = flags.jwks === undefined ? undefined : { path: path.resolve(cwd, flags.jwks), label: flags.jwks };
    if (jwks !== undefined && jwks.path === out.path)
      throw new KrishivError('ERR_USAGE', '--out and --jwks must be different files', { input: '--jwks' });
    return { type, alg, kid, out, jwks, force: Boolean(flags.force) };
  }
  const meta = {
    name: validateKeyName(flags.name),
    tenant: validateTenant(flags.tenant),
    roles: parseRoles(flags.roles),
    expiresAt: flags.expires === undefined ? null : parseExpiry(flags.expires, '--expires', now),
  };
  const location = resolveStorePath(flags.store, env, config.store, cwd);
  return {
    type,
    meta,
    store: { path: location.path, label: displayPath(cwd, location.path) },
    argon2: resolveArgon2Params(config.argon2, config.file),
  };
}

export interface GenerateSeams {
  now: Date;
  randomBytes: RandomBytes;
}

// ---------------------------------------------------------------------------------------------
// api-key

export interface ApiKeyResult {
  ok: true;
  key: string;
  entry: string;
  record: PublicRecord;
  store: string;
  storeCreated: boolean;
}

export interface ApiKeyMade {
  result: ApiKeyResult;
  /** ids that were taken and drawn again */
  collisions: string[];
  /** ids of other active keys with the same name (both work; `keys revoke <name>` then needs the id) */
  namesakes: string[];
  /**
   * Removes the new record again (the key could not be handed over). Resolves to what was done;
   * never rejects: a failure is described with the command that finishes the job.
   */
  undo(): Promise<string>;
}

export async function runGenerateApiKey(o: Extract<GenerateKeyOptions, { type: 'api-key' }>, seams: GenerateSeams): Promise<ApiKeyMade> {
  const [{ prepareApiKey, insertApiKey }, { createArgon2Hasher }, storeFile, { publicRecord, keyState }] = await Promise.all([
    import('./api-key.js'),
    import('./hasher.js'),
    import('./store-file.js'),
    import('./store.js'),
  ]);
  // Fail early on a store that would be refused anyway, before spending a hash on it.
  await storeFile.readStore(o.store.path, o.store.label);
  const prepared = await prepareApiKey(o.meta, seams.now, seams.randomBytes, createArgon2Hasher(), o.argon2);
  const { value: made, created } = await storeFile.updateStore(
    o.store.path,
    (s) => {
      const namesakes = s.records.filter((r) => r.name === o.meta.name && keyState(r, seams.now) === 'active').map((r) => r.id);
      return { ...insertApiKey(s, prepared, seams.randomBytes), namesakes };
    },
    { create: true, label: o.store.label },
  );
  const id = made.record.id;
  return {
    result: { ok: true, key: made.key, entry: made.entry, record: publicRecord(made.record), store: o.store.path, storeCreated: created },
    collisions: made.collisions,
    namesakes: made.namesakes,
    undo: () =>
      storeFile.removeUnsharedRecord(o.store.path, id, created, o.store.label).then(
        (how) => `the new key was not kept (${how})`,
        (cause: unknown) =>
          `and removing the new key failed (${isKrishivError(cause) ? cause.message : String(cause)}): revoke it with keys revoke ${id}`,
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// bearer

export interface BearerResult {
  ok: true;
  fingerprint: string;
  /** the engine variable: the value one, or the `_FILE` one with --out; null without --for */
  variable: string | null;
  bytes: number;
  encoding: BearerEncoding;
  /** without --out */
  token?: string;
  /** with --out */
  out?: string;
  mode?: string;
}

export interface BearerMade {
  result: BearerResult;
  /** the `KRISHIV_…=` line printed after the token or fingerprint, if any */
  line: string | null;
  warnings: string[];
}

export async function runGenerateBearer(o: Extract<GenerateKeyOptions, { type: 'bearer' }>, seams: GenerateSeams): Promise<BearerMade> {
  const bearer = await import('./bearer.js');
  const made = bearer.generateBearerToken(o.bytes, o.encoding, seams.randomBytes);
  const vars = o.surface ? bearer.SURFACE_VARIABLES[o.surface] : undefined;
  const base = { ok: true as const, fingerprint: made.fingerprint, bytes: o.bytes, encoding: o.encoding };
  if (o.out === undefined) {
    const variable = vars?.value ?? null;
    return { result: { ...base, token: made.token, variable }, line: variable ? `${variable}=${made.token}` : null, warnings: [] };
  }
  const { writeFileAtomic, formatMode } = await import('../io/fs.js');
  // The engine trims token files, so the trailing newline is harmless and keeps `cat` tidy.
  const written = await writeFileAtomic(o.out.path, `${made.token}\n`, { secret: true, noClobber: !o.force, label: o.out.label });
  const warnings: string[] = [];
  if (written.tightenedFrom !== undefined)
    warnings.push(`${o.out.label} was ${formatMode(written.tightenedFrom)}; it is now ${formatMode(written.mode)}`);
  let variable: string | null = null;
  let line: string | null = null;
  if (vars?.file) {
    variable = vars.file;
    line = `${vars.file}=${o.out.path}`;
  } else if (vars) {
    variable = vars.value;
    warnings.push(`the engine reads ${vars.value} from the environment only (there is no _FILE variable): set it from the file's content`);
  }
  return { result: { ...base, variable, out: o.out.path, mode: formatMode(written.mode) }, line, warnings };
}

// ---------------------------------------------------------------------------------------------
// jwk

export interface JwkResult {
  ok: true;
  kid: string;
  alg: string;
  thumbprint: string;
  out: string;
  mode: string;
  publicJwk: Record<string, unknown>;
  jwks: { file: string; keys: number; created: boolean } | null;
  warnings: { code: string; message: string }[];
}

/** Checks that need the file system but nothing generated: an existing --out, --out being the JWKS, a malformed JWKS, a taken kid. */
async function checkJwkTargets(o: Extract<GenerateKeyOptions, { type: 'jwk' }>): Promise<void> {
  const fsMod = await import('../io/fs.js');
  // the same file under another name (a link): the private key must never land in the published set
  if (o.jwks !== undefined) fsMod.assertNotAnInput(o.out.path, '--out', [{ path: o.jwks.path, label: `--jwks ${o.jwks.label}` }]);
  // --out exists: refuse before generating anything (the public half may already be published)
  if (!o.force && (await fsMod.statPath(o.out.path)) !== undefined) throw fsMod.existsError(o.out.label);
  const before = await readJwksFile(o.jwks);
  if (before && o.kid !== undefined) (await import('../jwk/jwks-document.js')).assertKidFree(before, o.kid, o.jwks!.label);
}

async function readJwksFile(jwks: NamedFile | undefined): Promise<import('../jwk/jwks-document.js').Jwks | undefined> {
  if (jwks === undefined) return undefined;
  const [fsMod, jwksMod] = await Promise.all([import('../io/fs.js'), import('../jwk/jwks-document.js')]);
  if (!(await fsMod.statPath(jwks.path))) return { keys: [], extra: {} };
  return jwksMod.parseJwks(await fsMod.readTextFile(jwks.path, { limit: 4 * 1024 * 1024, label: jwks.label }), jwks.label);
}

/**
 * Makes the key pair and writes it: the private JWK (0600, no-clobber unless forced) and, under the
 * JWKS's lock, the public half into the set. `generating` is told what is being generated (a
 * spinner); `warnings` are for stderr (a tightened --out mode).
 */
export async function runGenerateJwk(
  o: Extract<GenerateKeyOptions, { type: 'jwk' }>,
  hooks: { generating: (what: string) => Promise<() => void> },
): Promise<{ result: JwkResult; warnings: string[] }> {
  await checkJwkTargets(o);
  const [gen, jwksMod, fsMod, { withFileLock }] = await Promise.all([
    import('../jwk/generate.js'),
    import('../jwk/jwks-document.js'),
    import('../io/fs.js'),
    import('../io/lock.js'),
  ]);
  const stop = await hooks.generating(
    `generating an ${o.alg} key pair${o.alg.startsWith('RS') || o.alg.startsWith('PS') ? ` (RSA ${gen.RSA_MODULUS_BITS} bits)` : ''}`,
  );
  const made = await gen.generateJwk(o.alg, o.kid).finally(stop);
  const privateText = `${JSON.stringify(made.privateJwk, null, 2)}\n`;
  const warnings: string[] = [];
  let setWarnings: { code: string; message: string }[] = [];
  let jwksInfo: JwkResult['jwks'] = null;
  let privateCreated = false;
  const writePrivate = async (): Promise<number> => {
    const written = await fsMod.writeFileAtomic(o.out.path, privateText, { secret: true, noClobber: !o.force, label: o.out.label });
    privateCreated = written.created;
    if (written.tightenedFrom !== undefined)
      warnings.push(`${o.out.label} was ${fsMod.formatMode(written.tightenedFrom)}; it is now ${fsMod.formatMode(written.mode)}`);
    return written.mode;
  };
  let mode: number;
  const jwks = o.jwks;
  if (jwks === undefined) {
    mode = await writePrivate();
  } else {
    // a symlinked JWKS is written through to its target (io/fs.ts), so the lock is the target's
    const jwksTarget = fsMod.resolveWriteTarget(jwks.path, jwks.label);
    mode = await withFileLock(jwksTarget.path, async (held) => {
      const current = (await readJwksFile(jwks))!;
      const existed = (await fsMod.statPath(jwks.path)) !== undefined;
      // Everything that reads input (merge, analysis, serializing the set) runs before the first
      // write: a set that fails any of it leaves no private key behind.
      const merged = jwksMod.mergePublicKey(current, made.publicJwk, jwks.label);
      const text = jwksMod.serializeJwks(merged.jwks);
      setWarnings = merged.warnings;
      const m = await writePrivate();
      try {
        const written = await fsMod.writeFileAtomic(jwks.path, text, {
          label: jwks.label,
          ...(existed ? {} : { mode: 0o644 }),
          beforeRename: () => {
            const lost = held.lost();
            if (lost)
              throw new KrishivError('ERR_STORE_LOCKED', `lost the lock while writing (${lost}); the JWKS was not changed`, {
                input: jwks.label,
              });
          },
        });
        jwksInfo = { file: jwks.path, keys: merged.jwks.keys.length, created: written.created };
      } catch (error) {
        // no new private key file whose public half never reached the set
        if (privateCreated) fsMod.removeIfUnchanged(o.out.path, privateText);
        throw error;
      }
      return m;
    });
  }
  warnings.push(...setWarnings.map((w) => w.message));
  return {
    result: {
      ok: true,
      kid: made.kid,
      alg: made.alg,
      thumbprint: made.thumbprint,
      out: o.out.path,
      mode: fsMod.formatMode(mode),
      publicJwk: jwksMod.publicJwk(made.publicJwk) as Record<string, unknown>,
      jwks: jwksInfo,
      warnings: setWarnings,
    },
    warnings,
  };
}
