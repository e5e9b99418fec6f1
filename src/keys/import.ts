/**
 * `keys import`: the keys of an existing `KRISHIV_API_KEYS` value, brought into the key store
 * as Argon2id hashes so the store's checks (check-production --store, keys verify) work on
 * deployments that predate the store. Pure planning here; the command does the reading,
 * hashing and the locked store update.
 *
 * The value is split exactly as the Flight server splits it (`parseApiKeys`, the engine's own
 * parser as modelled for check-production). Only keys in the `krishiv_<id>_<secret>` format can
 * be stored (the store finds a record by its id); any other key is reported, never stored. A key
 * whose id is already in the store is never overwritten: the same secret is "already there", a
 * different one is a conflict. Messages never carry a key, only its public prefix.
 */
import { parseApiKeys } from '../production/model.js';
import { displayKey, parseApiKey } from './format.js';
import { validateKeyName } from './api-key.js';
import { KrishivError, isKrishivError } from '../errors.js';

export type ImportStatus = 'imported' | 'present' | 'conflict' | 'skipped';

export interface ImportCandidate {
  /** 1-based position among the value's entries */
  entry: number;
  /** `krishiv_<id>_…`, or `entry N` for a key in another format */
  label: string;
  subject: string;
  /** set when the key can be stored */
  key?: { id: string; secret: string };
  /** why it cannot be stored */
  problem?: string;
  /** the same key appeared earlier in the value: nothing to do */
  duplicate?: boolean;
}

export interface ImportResult {
  entry: number;
  key: string;
  subject: string;
  status: ImportStatus;
  message: string;
}

/**
 * The entries of a `KRISHIV_API_KEYS` value. `input` names the value in errors. A value the
 * Flight server refuses (an entry without `=`) is refused here too: the deployment could not
 * be running with it.
 */
export function importCandidates(raw: string, input: string): ImportCandidate[] {
  const parsed = parseApiKeys(raw);
  if (parsed.state === 'unset') throw new KrishivError('ERR_USAGE', 'KRISHIV_API_KEYS is empty or not set: no key to import', { input });
  if (parsed.state === 'error')
    throw new KrishivError('ERR_ENV_PARSE', `${parsed.message} (the Flight server refuses to start with it)`, { input });
  const seen = new Set<string>();
  const out: ImportCandidate[] = [];
  for (const e of parsed.entries) {
    const entry = e.index + 1;
    if (e.key === '') {
      out.push({ entry, label: `entry ${entry}`, subject: e.subject, problem: 'the key is empty' });
      continue;
    }
    let key: { id: string; secret: string };
    try {
      key = parseApiKey(e.key);
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      out.push({
        entry,
        label: `entry ${entry}`,
        subject: e.subject,
        problem: 'not a krishiv_<id>_<secret> key, so the store cannot hold it: replace it with one from `generate-key`',
      });
      continue;
    }
    const label = displayKey(key.id);
    if (seen.has(e.key)) {
      out.push({ entry, label, subject: e.subject, duplicate: true, problem: 'listed twice in the value; imported once' });
      continue;
    }
    seen.add(e.key);
    try {
      validateKeyName(e.subject);
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      out.push({ entry, label, subject: e.subject, problem: `its subject cannot be a key name: ${error.message}` });
      continue;
    }
    out.push({ entry, label, subject: e.subject, key });
  }
  return out;
}

/**
 * The raw `KRISHIV_API_KEYS` value from what was read: an env file's variables (when given),
 * else text that is either the bare value or env-file lines declaring it.
 */
export function isEnvFileText(text: string): boolean {
  return /^[ \t]*(?:export[ \t]+)?KRISHIV_API_KEYS[ \t]*=/m.test(text);
}

export function summarize(results: readonly ImportResult[]): { imported: number; present: number; failed: number } {
  let imported = 0;
  let present = 0;
  let failed = 0;
  for (const r of results) {
    if (r.status === 'imported') imported++;
    else if (r.status === 'present') present++;
    else failed++;
  }
  return { imported, present, failed };
}
