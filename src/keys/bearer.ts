/**
 * Bearer tokens for the coordinator, executor-task, UI and shuffle surfaces. The engine sets no
 * strength rule (surface §4.9); we draw 32 CSPRNG bytes by default and encode them so the token
 * is visible ASCII without `,`, `=`, whitespace or newline, which every surface and every list
 * variable accepts (surface §8.4).
 */
import { KrishivError } from '../errors.js';
import { engineFingerprint } from '../util/fingerprint.js';
import { base64Url, type RandomBytes } from './format.js';

const BEARER_SURFACES = ['coordinator', 'executor-task', 'ui', 'shuffle'] as const;
export type BearerSurface = (typeof BEARER_SURFACES)[number];
const BEARER_ENCODINGS = ['base64url', 'hex'] as const;
export type BearerEncoding = (typeof BEARER_ENCODINGS)[number];

const DEFAULT_BEARER_BYTES = 32;
const MIN_BEARER_BYTES = 16;
const MAX_BEARER_BYTES = 1024;

/** The variable that carries the token itself, and the one that names a file holding it (if the engine has one). */
export const SURFACE_VARIABLES: Readonly<Record<BearerSurface, { value: string; file: string | null }>> = Object.freeze({
  coordinator: { value: 'KRISHIV_COORDINATOR_BEARER_TOKEN', file: 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE' },
  // The executor-task token is read from the environment only (surface §1): no _FILE variant.
  'executor-task': { value: 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', file: null },
  ui: { value: 'KRISHIV_UI_TOKEN', file: 'KRISHIV_UI_TOKEN_FILE' },
  shuffle: { value: 'KRISHIV_SHUFFLE_TOKEN', file: 'KRISHIV_SHUFFLE_TOKEN_FILE' },
});

export function parseSurface(text: string | undefined): BearerSurface | undefined {
  if (text === undefined) return undefined;
  if (!(BEARER_SURFACES as readonly string[]).includes(text)) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 30)}" is not a surface (${BEARER_SURFACES.join(', ')})`, { input: '--for' });
  }
  return text as BearerSurface;
}

export function parseEncoding(text: string | undefined): BearerEncoding {
  if (text === undefined) return 'base64url';
  if (!(BEARER_ENCODINGS as readonly string[]).includes(text)) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 30)}" is not an encoding (base64url, hex)`, { input: '--encoding' });
  }
  return text as BearerEncoding;
}

export function parseByteCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BEARER_BYTES;
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) throw new KrishivError('ERR_USAGE', `"${t.slice(0, 30)}" is not a whole number of bytes`, { input: '--bytes' });
  const n = Number(t);
  if (n < MIN_BEARER_BYTES) {
    throw new KrishivError('ERR_USAGE', `${n} bytes is too few: at least ${MIN_BEARER_BYTES} (128 bits)`, { input: '--bytes' });
  }
  if (n > MAX_BEARER_BYTES)
    throw new KrishivError('ERR_USAGE', `${n} bytes is too many: at most ${MAX_BEARER_BYTES}`, { input: '--bytes' });
  return n;
}

export interface BearerToken {
  token: string;
  fingerprint: string;
  bytes: number;
  encoding: BearerEncoding;
}

export function generateBearerToken(bytes: number, encoding: BearerEncoding, random: RandomBytes): BearerToken {
  const raw = random(bytes);
  if (raw.length !== bytes) throw new KrishivError('ERR_INTERNAL', 'random source returned the wrong number of bytes');
  const token = encoding === 'hex' ? Buffer.from(raw).toString('hex') : base64Url(raw);
  return { token, fingerprint: engineFingerprint(token), bytes, encoding };
}
