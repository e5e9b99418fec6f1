/**
 * `keys list | verify | revoke | import`: flags → Options (one pure function) → a domain run per
 * subcommand that returns its result. Rendering is in ./render.ts; the command file
 * (src/cli/commands/keys.ts) reads stdin, prints and maps results to exit codes.
 */
import { KrishivError } from '../errors.js';
import type { Argon2Params, Config } from '../io/config.js';
import type { KeyVerdict } from './api-key.js';
import { parseKeyEntry } from './format.js';
import { displayPath, type NamedFile } from './generate-key.js';
import { resolveArgon2Params } from './hasher.js';
import { resolveStorePath } from './store-file.js';
import type { PublicRecord, listedRecord } from './store.js';

type ListedRecord = ReturnType<typeof listedRecord>;

export type KeysSubcommand = 'list' | 'verify' | 'revoke' | 'import';

/** The flags and arguments as commander gives them. */
export interface KeysFlags {
  store?: string;
  all?: boolean;
  reason?: string;
  envFile?: string;
  dryRun?: boolean;
}

export type KeysOptions =
  | { sub: 'list'; store: NamedFile; all: boolean }
  | {
      sub: 'verify';
      store: NamedFile;
      argon2: Argon2Params;
      key: ({ from: 'argument' } & KeyInput) | { from: 'stdin'; explicit: boolean };
    }
  | { sub: 'revoke'; store: NamedFile; target: string; reason: string | null }
  | {
      sub: 'import';
      store: NamedFile;
      argon2: Argon2Params;
      source: { from: 'env-file'; file: string } | { from: 'stdin'; explicit: boolean };
      dryRun: boolean;
    };

/** Every flag, argument, env variable and config value a `keys` subcommand reads, validated. Pure. */
export function resolveKeysOptions(
  sub: KeysSubcommand,
  arg: string | undefined,
  flags: KeysFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: Config,
  cwd: string,
): KeysOptions {
  const loc = resolveStorePath(flags.store, env, config.store, cwd);
  const store = { path: loc.path, label: displayPath(cwd, loc.path) };
  if (sub === 'list') return { sub, store, all: Boolean(flags.all) };
  if (sub === 'revoke') {
    const reason = flags.reason;
    // eslint-disable-next-line no-control-regex
    if (reason !== undefined && (reason.trim() === '' || /[\u0000-\u001f\u007f]/.test(reason) || reason.length > 500)) {
      throw new KrishivError('ERR_USAGE', 'must be 1-500 characters without control characters', { input: '--reason' });
    }
    return { sub, store, target: arg ?? '', reason: reason ?? null };
  }
  const argon2 = resolveArgon2Params(config.argon2, config.file);
  if (sub === 'verify') {
    return {
      sub,
      store,
      argon2,
      key: arg !== undefined && arg !== '-' ? { from: 'argument', ...keyInput(arg) } : { from: 'stdin', explicit: arg === '-' },
    };
  }
  if (arg !== undefined && arg !== '-') {
    throw new KrishivError('ERR_USAGE', 'the value is a secret: give it on stdin (`-`) or with --env-file, not as an argument', {
      input: '<argument>',
    });
  }
  if (arg === '-' && flags.envFile !== undefined)
    throw new KrishivError('ERR_USAGE', 'give either --env-file or `-` (stdin), not both', { input: '--env-file' });
  const source =
    flags.envFile !== undefined ? { from: 'env-file' as const, file: flags.envFile } : { from: 'stdin' as const, explicit: arg === '-' };
  return { sub, store, argon2, source, dryRun: Boolean(flags.dryRun) };
}

// ---------------------------------------------------------------------------------------------

export interface ListResult {
  ok: true;
  store: string;
  total: number;
  keys: ListedRecord[];
}

export async function runKeysList(o: Extract<KeysOptions, { sub: 'list' }>, now: Date): Promise<ListResult> {
  const [{ readExistingStore }, { listedRecord }] = await Promise.all([import('./store-file.js'), import('./store.js')]);
  const store = await readExistingStore(o.store.path, o.store.label);
  const all = store.records.map((r) => listedRecord(r, now));
  return { ok: true, store: o.store.path, total: all.length, keys: o.all ? all : all.filter((r) => r.state === 'active') };
}

/** A key to verify: the key, and the subject when it came as a `key=subject` entry. */
export interface KeyInput {
  text: string;
  subject?: string;
}

export function keyInput(entry: string): KeyInput {
  const e = parseKeyEntry(entry);
  return e.subject === undefined ? { text: e.key } : { text: e.key, subject: e.subject };
}

/**
 * The keys to verify in stdin text: one per line, or `KRISHIV_API_KEYS` entries (split on
 * commas, key cut at the first `=`, the rest its subject).
 */
export function keysFromText(text: string): ({ line: number } & KeyInput)[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .flatMap((l, i) => l.split(',').map((part) => ({ line: i + 1, ...keyInput(part) })))
    .filter((l) => l.text !== '');
}

export type VerifyResult =
  | { batch: false; verdict: KeyVerdict }
  | { batch: true; doc: { ok: boolean; total: number; active: number; results: ({ line: number } & KeyVerdict)[] } };

/**
 * One Argon2id verification per key, in input order. `onBatchResult` sees each batch verdict as it
 * is made (people get a line per key as it is checked).
 */
export async function runKeysVerify(
  o: Extract<KeysOptions, { sub: 'verify' }>,
  inputs: ({ line: number } & KeyInput)[],
  now: Date,
  /** how to name stdin in an error: `<stdin>`, or `<terminal>` when the key was typed */
  stdinLabel: string,
  onBatchResult: (line: number, width: number, verdict: KeyVerdict) => void,
): Promise<VerifyResult> {
  const [{ openStoreLookup }, { verifyApiKey }, { createArgon2Hasher }] = await Promise.all([
    import('./store-file.js'),
    import('./api-key.js'),
    import('./hasher.js'),
  ]);
  const store = await openStoreLookup(o.store.path, o.store.label);
  const seams = { now, hasher: createArgon2Hasher(), dummyParams: o.argon2 };
  if (inputs.length === 1) {
    const verdict = await verifyApiKey(store, inputs[0]!.text, seams, inputs[0]!.subject);
    if (verdict.reason === 'malformed')
      throw new KrishivError('ERR_KEY_MALFORMED', verdict.message, { input: o.key.from === 'stdin' ? stdinLabel : '<argument>' });
    return { batch: false, verdict };
  }
  const width = String(inputs[inputs.length - 1]!.line).length;
  const results: ({ line: number } & KeyVerdict)[] = [];
  for (const input of inputs) {
    const verdict = await verifyApiKey(store, input.text, seams, input.subject);
    results.push({ line: input.line, ...verdict });
    onBatchResult(input.line, width, verdict);
  }
  const active = results.filter((r) => r.ok).length;
  return { batch: true, doc: { ok: active === inputs.length, total: inputs.length, active, results } };
}

export async function runKeysRevoke(
  o: Extract<KeysOptions, { sub: 'revoke' }>,
  now: Date,
): Promise<{ ok: true; store: string; record: PublicRecord }> {
  const [{ updateStore }, { resolveRevokeTarget, publicRecord }] = await Promise.all([import('./store-file.js'), import('./store.js')]);
  const { value: record } = await updateStore(
    o.store.path,
    (store) => {
      const r = resolveRevokeTarget(store, o.target);
      r.revokedAt = now.toISOString();
      r.revokeReason = o.reason;
      return publicRecord(r);
    },
    { create: false, label: o.store.label },
  );
  return { ok: true, store: o.store.path, record };
}

export interface ImportResult {
  ok: boolean;
  store: string;
  dryRun: boolean;
  imported: number;
  present: number;
  failed: number;
  results: { entry: number; key: string; subject: string; status: 'imported' | 'present' | 'conflict' | 'skipped'; message: string }[];
}

/**
 * Brings the keys of a `KRISHIV_API_KEYS` value into the store. `stdinText` is what stdin held
 * (for `source.from === 'stdin'`). The slow part (verifying against existing records, hashing new
 * secrets) runs before the lock; under the lock an id that appeared meanwhile is left alone.
 */
export async function runKeysImport(
  o: Extract<KeysOptions, { sub: 'import' }>,
  stdinText: string | undefined,
  now: Date,
): Promise<ImportResult> {
  const { importCandidates, isEnvFileText, summarize } = await import('./import.js');
  let raw: string | undefined;
  let input: string;
  if (o.source.from === 'env-file') {
    const { readEnvVars } = await import('../production/env/load.js');
    input = o.source.file;
    raw = (await readEnvVars(o.source.file)).get('KRISHIV_API_KEYS');
  } else {
    input = '<stdin>';
    const text = (stdinText ?? '').replace(/^\uFEFF/, '');
    if (isEnvFileText(text)) {
      const { mergeEnv } = await import('../production/env/merge.js');
      raw = mergeEnv([{ file: input, text }]).vars.get('KRISHIV_API_KEYS')?.value;
    } else {
      raw = text.replace(/\r?\n$/, '');
    }
  }
  const candidates = importCandidates(raw ?? '', input);

  const [{ readStore, updateStore }, { findById, addRecord }, { createArgon2Hasher }] = await Promise.all([
    import('./store-file.js'),
    import('./store.js'),
    import('./hasher.js'),
  ]);
  const hasher = createArgon2Hasher();
  const before = await readStore(o.store.path, o.store.label);
  type Planned = { c: (typeof candidates)[number]; status: ImportResult['results'][number]['status']; message: string; hash?: string };
  const planned: Planned[] = [];
  for (const c of candidates) {
    if (c.duplicate) planned.push({ c, status: 'present', message: c.problem ?? '' });
    else if (!c.key) planned.push({ c, status: 'skipped', message: c.problem ?? '' });
    else {
      const existing = before === undefined ? undefined : findById(before, c.key.id);
      if (existing) {
        const same = await hasher.verify(existing.hash, c.key.secret);
        planned.push(
          same
            ? { c, status: 'present', message: `already in the store as "${existing.name}"` }
            : { c, status: 'conflict', message: `the id is in the store for "${existing.name}" with another secret; left unchanged` },
        );
      } else {
        planned.push({ c, status: 'imported', message: 'would be imported', hash: await hasher.hash(c.key.secret, o.argon2) });
      }
    }
  }
  if (!o.dryRun && planned.some((p) => p.status === 'imported')) {
    await updateStore(
      o.store.path,
      (store) => {
        for (const p of planned) {
          if (p.status !== 'imported' || !p.c.key || p.hash === undefined) continue;
          const taken = findById(store, p.c.key.id);
          if (taken) {
            p.status = 'conflict';
            p.message = `the id was added to the store for "${taken.name}" meanwhile; left unchanged`;
            continue;
          }
          addRecord(store, {
            id: p.c.key.id,
            name: p.c.subject,
            tenant: null,
            roles: [],
            createdAt: now.toISOString(),
            expiresAt: null,
            revokedAt: null,
            revokeReason: null,
            hash: p.hash,
          });
          p.message = 'imported';
        }
      },
      { create: true, label: o.store.label },
    );
  }
  if (o.dryRun) for (const p of planned) if (p.status === 'imported') p.message = 'would be imported';
  const results = planned.map((p) => ({ entry: p.c.entry, key: p.c.label, subject: p.c.subject, status: p.status, message: p.message }));
  const sum = summarize(results);
  return { ok: sum.failed === 0, store: o.store.path, dryRun: o.dryRun, ...sum, results };
}
