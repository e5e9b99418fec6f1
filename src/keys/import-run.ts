/**
 * `keys import` as a domain run over seams: read the KRISHIV_API_KEYS value, plan each entry
 * (importCandidates), verify ids already stored and hash new secrets before the lock, then add
 * the new records in one locked update that never overwrites an id taken meanwhile.
 */
import type { Argon2Params } from '../io/config.js';
import type { Hasher } from './hasher.js';
import { importCandidates, isEnvFileText, summarize, type ImportResult, type ImportStatus } from './import.js';
import { addRecord, findById, type KeyStore } from './store.js';

export type ImportSource = { kind: 'env-file'; file: string } | { kind: 'stdin' };

export interface KeysImportOptions {
  source: ImportSource;
  store: { path: string; label: string };
  argon2: Argon2Params;
  dryRun: boolean;
}

export interface KeysImportSeams {
  /** KRISHIV_API_KEYS as the engine's .env loader reads `file` */
  envFileValue(file: string): Promise<string | undefined>;
  /** KRISHIV_API_KEYS from env-file text (stdin that declares it) */
  envTextValue(text: string, label: string): string | undefined;
  readStdin(): Promise<string>;
  readStore(path: string, label: string): Promise<KeyStore | undefined>;
  updateStore(path: string, mutate: (store: KeyStore) => void, label: string): Promise<void>;
  hasher: Hasher;
  now(): Date;
}

export interface KeysImportRun {
  ok: boolean;
  store: string;
  dryRun: boolean;
  imported: number;
  present: number;
  failed: number;
  results: ImportResult[];
}

export async function runKeysImport(o: KeysImportOptions, seams: KeysImportSeams): Promise<KeysImportRun> {
  let raw: string | undefined;
  let input: string;
  if (o.source.kind === 'env-file') {
    input = o.source.file;
    raw = await seams.envFileValue(o.source.file);
  } else {
    input = '<stdin>';
    const text = (await seams.readStdin()).replace(/^\uFEFF/, '');
    raw = isEnvFileText(text) ? seams.envTextValue(text, input) : text.replace(/\r?\n$/, '');
  }
  const candidates = importCandidates(raw ?? '', input);

  // The slow part (verifying ids already stored, hashing new secrets) before the lock.
  const before = await seams.readStore(o.store.path, o.store.label);
  type Planned = { c: (typeof candidates)[number]; status: ImportStatus; message: string; hash?: string };
  const planned: Planned[] = [];
  for (const c of candidates) {
    if (c.duplicate) planned.push({ c, status: 'present', message: c.problem ?? '' });
    else if (!c.key) planned.push({ c, status: 'skipped', message: c.problem ?? '' });
    else {
      const existing = before === undefined ? undefined : findById(before, c.key.id);
      if (existing) {
        const same = await seams.hasher.verify(existing.hash, c.key.secret);
        planned.push(
          same
            ? { c, status: 'present', message: `already in the store as "${existing.name}"` }
            : { c, status: 'conflict', message: `the id is in the store for "${existing.name}" with another secret; left unchanged` },
        );
      } else {
        planned.push({ c, status: 'imported', message: 'would be imported', hash: await seams.hasher.hash(c.key.secret, o.argon2) });
      }
    }
  }
  if (!o.dryRun && planned.some((p) => p.status === 'imported')) {
    const now = seams.now().toISOString();
    await seams.updateStore(
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
          addRecord(store, { id: p.c.key.id, name: p.c.subject, tenant: null, roles: [], createdAt: now, expiresAt: null, revokedAt: null, revokeReason: null, hash: p.hash });
          p.message = 'imported';
        }
      },
      o.store.label,
    );
  }
  const results = planned.map((p) => ({ entry: p.c.entry, key: p.c.label, subject: p.c.subject, status: p.status, message: p.message }));
  const sum = summarize(results);
  return { ok: sum.failed === 0, store: o.store.path, dryRun: o.dryRun, ...sum, results };
}
