/**
 * `jwks add|list|remove|public` as domain runs over seams (reading, the lock, the atomic write).
 * The set logic is keyset.ts; renderers are keyset-render.ts.
 */
import { KrishivError } from '../errors.js';
import { parseJwks, serializeJwks, engineKeyUse, type Jwk, type Jwks } from './jwks-document.js';
import { addToSet, describeSet, publicHalf, removeFromSet, type KeyRow } from './keyset.js';
import { parsePrivateJwk } from './sign.js';

const JWKS_LIMIT = 4 * 1024 * 1024;
const JWK_LIMIT = 1024 * 1024;

/** A file as given on the command line (`label`) and resolved (`path`); `path` undefined = stdin. */
export interface Place {
  label: string;
  path: string | undefined;
}

export interface JwksSeams {
  readFile(path: string, label: string, limit: number): Promise<string>;
  readStdin(limit: number): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** runs `fn` holding the file's lock */
  locked<T>(path: string, label: string, fn: () => Promise<T>): Promise<T>;
  /** atomic write; a new file is created 0644 */
  write(path: string, text: string, isNew: boolean): Promise<void>;
}

type Warning = { code: string; message: string };

async function readJwk(place: Place, seams: JwksSeams): Promise<Jwk> {
  const text = place.path === undefined ? await seams.readStdin(JWK_LIMIT) : await seams.readFile(place.path, place.label, JWK_LIMIT);
  return parsePrivateJwk(text, place.label);
}

async function readSet(place: Place, seams: JwksSeams): Promise<Jwks> {
  const text = place.path === undefined ? await seams.readStdin(JWKS_LIMIT) : await seams.readFile(place.path, place.label, JWKS_LIMIT);
  return parseJwks(text, place.label);
}

/** Read-modify-write of a JWKS file under its lock, on the file as it is now. */
async function updateSet<T>(
  place: Place,
  create: boolean,
  seams: JwksSeams,
  change: (set: Jwks) => { jwks: Jwks; value: T },
): Promise<{ value: T; created: boolean; keys: number }> {
  const file = place.path;
  if (file === undefined) throw new KrishivError('ERR_USAGE', 'give a JWKS file to change, not stdin', { input: '<jwks-file>' });
  return seams.locked(file, place.label, async () => {
    const existed = await seams.exists(file);
    if (!existed && !create) throw new KrishivError('ERR_FILE_NOT_FOUND', 'no such JWKS file', { input: place.label });
    const current = existed ? await readSet(place, seams) : { keys: [], extra: {} };
    const { jwks, value } = change(current);
    await seams.write(file, serializeJwks(jwks), !existed);
    return { value, created: !existed, keys: jwks.keys.length };
  });
}

export interface AddResult {
  ok: true;
  file: string;
  created: boolean;
  keys: number;
  added: Jwk;
  warnings: Warning[];
}

export async function runJwksAdd(options: { set: Place; key: Place; kid?: string | undefined }, seams: JwksSeams): Promise<AddResult> {
  const jwk = await readJwk(options.key, seams);
  const r = await updateSet(options.set, true, seams, (set) => {
    const merged = addToSet(set, jwk, options.set.label, options.kid);
    return { jwks: merged.jwks, value: { warnings: merged.warnings, added: merged.jwks.keys[merged.jwks.keys.length - 1]! } };
  });
  return { ok: true, file: options.set.path!, created: r.created, keys: r.keys, added: r.value.added, warnings: r.value.warnings };
}

export interface ListResult {
  ok: true;
  file: string;
  keys: KeyRow[];
  warnings: Warning[];
}

export async function runJwksList(options: { set: Place }, seams: JwksSeams): Promise<ListResult> {
  const { rows, warnings } = describeSet(await readSet(options.set, seams));
  return { ok: true, file: options.set.path ?? '<stdin>', keys: rows, warnings };
}

export interface RemoveResult {
  ok: true;
  file: string;
  kid: string;
  removed: number;
  keys: number;
}

export async function runJwksRemove(options: { set: Place; kid: string; allowEmpty: boolean }, seams: JwksSeams): Promise<RemoveResult> {
  const r = await updateSet(options.set, false, seams, (set) => {
    const removed = removeFromSet(set, options.kid, options.set.label, options.allowEmpty);
    return { jwks: removed.jwks, value: removed.removed };
  });
  return { ok: true, file: options.set.path!, kid: options.kid, removed: r.value, keys: r.keys };
}

export interface PublicResult {
  ok: true;
  jwk: Jwk;
  warnings: Warning[];
}

export async function runJwksPublic(options: { key: Place; kid?: string | undefined }, seams: JwksSeams): Promise<PublicResult> {
  const pub = publicHalf(await readJwk(options.key, seams), options.kid);
  const use = engineKeyUse(pub);
  return { ok: true, jwk: pub, warnings: use.usable ? [] : [{ code: use.why, message: use.message }] };
}
