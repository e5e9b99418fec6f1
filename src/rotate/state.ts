/**
 * The rotation sidecar `<file>.rotation.json`: when `begin` ran and which fingerprints are
 * pending. It holds no secret (fingerprints and timestamps only), and never lives in the token
 * file itself, whose format has no room for metadata (no comment syntax, surface §4.1).
 */
import { KrishivError } from '../errors.js';
import { isEngineFingerprint } from '../util/fingerprint.js';
import { MAX_RELOAD_SECS } from './tokens-file.js';

export const SIDECAR_KIND = 'krishiv-auth/rotation';

export interface PendingToken {
  fingerprint: string;
  /** ISO time of the `begin` that added it. */
  addedAt: string;
}

export interface RotationState {
  kind: typeof SIDECAR_KIND;
  version: 1;
  /** The token file's base name, for people reading the sidecar. */
  file: string;
  /** ISO time of the first `begin` of this rotation. */
  startedAt: string;
  /** ISO time of the latest `begin` (finish waits one reload interval from here). */
  updatedAt: string;
  /** Tokens added by `begin`, newest first. Stacked begins list every one. */
  pending: PendingToken[];
  /** Fingerprints the file held when the rotation started (the old set). */
  previous: string[];
  /** The reload interval known at the latest begin (null: never reloads; absent: not given). */
  reloadIntervalSecs?: number | null;
}

/** Where a tokens file's rotation state lives unless --state names another file. */
export function sidecarPath(file: string): string {
  return `${file}.rotation.json`;
}

function isIso(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

/** Parses a sidecar; anything unexpected is malformed input (exit 2), never overwritten silently. */
export function parseRotationState(text: string, label: string): RotationState {
  const bad = (why: string): never => {
    throw new KrishivError(
      'ERR_ROTATE_STATE',
      `is not a rotation sidecar krishiv-auth can read: ${why}; inspect it, and remove it if no rotation is pending`,
      {
        input: label,
      },
    );
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('not a JSON object');
  const r = raw as Record<string, unknown>;
  if (r['kind'] !== SIDECAR_KIND) return bad(`"kind" is not "${SIDECAR_KIND}"`);
  if (r['version'] !== 1) return bad('unsupported "version"');
  if (!isIso(r['startedAt']) || !isIso(r['updatedAt'])) return bad('"startedAt"/"updatedAt" are not times');
  if (!Array.isArray(r['pending'])) return bad('"pending" is not a list');
  const pending: PendingToken[] = [];
  for (const p of r['pending'] as unknown[]) {
    const e = p as Record<string, unknown> | null;
    if (
      !e ||
      typeof e !== 'object' ||
      typeof e['fingerprint'] !== 'string' ||
      !isEngineFingerprint(e['fingerprint']) ||
      !isIso(e['addedAt'])
    ) {
      return bad('an entry of "pending" is not {fingerprint, addedAt}');
    }
    pending.push({ fingerprint: e['fingerprint'], addedAt: e['addedAt'] });
  }
  const previous = r['previous'];
  if (!Array.isArray(previous) || !previous.every((f) => typeof f === 'string' && isEngineFingerprint(f))) {
    return bad('"previous" is not a list of fingerprints');
  }
  const state: RotationState = {
    kind: SIDECAR_KIND,
    version: 1,
    file: typeof r['file'] === 'string' ? r['file'] : '',
    startedAt: r['startedAt'],
    updatedAt: r['updatedAt'],
    pending,
    previous: previous as string[],
  };
  const interval = r['reloadIntervalSecs'];
  // 1000 years at most (as any reload interval krishiv-auth writes): a larger hand-edited value is dropped
  if (interval === null || (typeof interval === 'number' && Number.isFinite(interval) && interval >= 0 && interval <= MAX_RELOAD_SECS)) {
    state.reloadIntervalSecs = interval;
  }
  return state;
}

export function serializeRotationState(state: RotationState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
