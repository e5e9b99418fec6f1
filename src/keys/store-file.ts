/**
 * The key store on disk: read (bounded), and read-modify-write under a lock so concurrent
 * `generate-key` / `keys revoke` runs all land. The store is re-read inside the lock; a store
 * that does not parse is never written (the parse throws before any write).
 *
 * Locking is a `<file>.lock` directory (mkdir is atomic on every local file system), with its
 * mtime refreshed while held, and considered stale after 10 s, so a crashed run does not block
 * the store for ever.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import { withFileLock } from '../io/lock.js';
import { cleanLeftoverTemps, readTextFile, resolveWriteTarget, statPath, writeFileAtomic } from '../io/fs.js';
import { emptyStore, lookupFromText, parseStore, serializeStore, type KeyLookup, type KeyStore } from './store.js';

const DEFAULT_STORE = './krishiv-keys.json';
/** Generous: a 10,000-record store is about 2.5 MB. */
const STORE_READ_LIMIT = 256 * 1024 * 1024;

export interface StoreLocation {
  path: string;
  /** Where the path came from, for messages: --store, KRISHIV_AUTH_STORE, config, default. */
  source: 'flag' | 'env' | 'config' | 'default';
}

/** `--store` > env `KRISHIV_AUTH_STORE` > config `store` > `./krishiv-keys.json`. */
export function resolveStorePath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  configStore: string | undefined,
  cwd: string,
): StoreLocation {
  const envValue = env['KRISHIV_AUTH_STORE']?.trim();
  if (flag !== undefined && flag.trim() !== '') return { path: path.resolve(cwd, flag), source: 'flag' };
  if (envValue) return { path: path.resolve(cwd, envValue), source: 'env' };
  if (configStore !== undefined) return { path: path.resolve(cwd, configStore), source: 'config' };
  return { path: path.resolve(cwd, DEFAULT_STORE), source: 'default' };
}

/** Reads and parses the store; `undefined` when the file does not exist. */
export async function readStore(file: string, label = file): Promise<KeyStore | undefined> {
  let text: string;
  try {
    text = await readTextFile(file, { limit: STORE_READ_LIMIT, label });
  } catch (error) {
    if (isKrishivError(error) && error.code === 'ERR_FILE_NOT_FOUND') return undefined;
    throw error;
  }
  return parseStore(text, label);
}

/** Reads the store for a command that needs one to exist (`keys …`). */
export async function readExistingStore(file: string, label = file): Promise<KeyStore> {
  const store = await readStore(file, label);
  if (!store) {
    throw new KrishivError('ERR_FILE_NOT_FOUND', 'no key store here (create one with `krishiv-auth generate-key`, or pass --store)', {
      input: label,
    });
  }
  return store;
}

/**
 * Opens the store for lookups by id (`keys verify`): a canonical store is indexed by its record
 * lines and only the record asked for is parsed, so a 10,000-record store costs about what a
 * 10-record one does; any other layout is parsed whole.
 */
export async function openStoreLookup(file: string, label = file): Promise<KeyLookup> {
  let text: string;
  try {
    text = await readTextFile(file, { limit: STORE_READ_LIMIT, label });
  } catch (error) {
    if (isKrishivError(error) && error.code === 'ERR_FILE_NOT_FOUND') return readExistingStore(file, label).then(() => undefined as never);
    throw error;
  }
  return lookupFromText(text, label);
}

export { withFileLock } from '../io/lock.js';

export interface UpdateResult<T> {
  value: T;
  created: boolean;
  mode: number;
}

/**
 * Read-modify-write of the store under its lock. `mutate` gets the store as it is on disk
 * now (or an empty one when `create` and the file does not exist) and changes it in place;
 * returning normally writes it atomically (0644 for a new store, an existing mode is kept).
 * Throwing leaves the file untouched.
 */
export async function updateStore<T>(
  file: string,
  mutate: (store: KeyStore, existed: boolean) => T,
  options: { create: boolean; label?: string },
): Promise<UpdateResult<T>> {
  const label = options.label ?? file;
  // A symlinked store is written through to its target (io/fs.ts resolveWriteTarget), so the lock
  // is the target's: two runs naming the store by different paths still take the same lock.
  const target = resolveWriteTarget(file, label);
  return withFileLock(
    target.path,
    async (held) => {
      // temp files a killed run left beside the store (`.<name>.<pid>.<hex>.tmp`) go first
      await cleanLeftoverTemps(target.path);
      const current = await readStore(file, label);
      if (!current && !options.create) return readExistingStore(file, label).then(() => undefined as never);
      const store = current ?? emptyStore();
      const value = mutate(store, current !== undefined);
      const previous = await statPath(file);
      const written = await writeFileAtomic(file, serializeStore(store), {
        label,
        ...(previous ? {} : { mode: 0o644 }),
        beforeRename: () => {
          const lost = held.lost();
          if (lost) throw new KrishivError('ERR_STORE_LOCKED', `lost the lock while writing (${lost}); nothing changed`, { input: label });
        },
      });
      return { value, created: written.created, mode: written.mode };
    },
    { label },
  );
}

/**
 * Undoes `generate-key` when the new key could not be handed over (stdout failed): removes the
 * record of `id` under the lock (it was never given to anyone, so no history is lost), and the
 * store file itself when this run created it and nothing else is in it. Returns what was done.
 */
export async function removeUnsharedRecord(file: string, id: string, created: boolean, label = file): Promise<string> {
  const target = resolveWriteTarget(file, label);
  return withFileLock(
    target.path,
    async () => {
      const store = await readExistingStore(file, label);
      const kept = store.records.filter((r) => r.id !== id);
      if (kept.length === store.records.length) return `${id} was no longer in ${label}`;
      if (created && kept.length === 0 && !store.extra?.length) {
        await fsp.unlink(target.path);
        return `${label}, created by this run, was removed`;
      }
      const next = emptyStore();
      for (const r of kept) {
        next.index.set(r.id, next.records.length);
        next.records.push(r);
      }
      if (store.extra) next.extra = store.extra;
      await writeFileAtomic(file, serializeStore(next), { label });
      return `${id} was removed from ${label}`;
    },
    { label },
  );
}
