/**
 * JWKS as data: parsing a set, classifying keys the way the coordinator does (surface §5.2),
 * taking the public members of a key, and merging a new public key into a set. Pure: no jose,
 * no file system. Shared by generate-key, sign and verify.
 */
import { KrishivError } from '../errors.js';
import { JsonTextError, parseJsonText } from '../util/json.js';
import { analyzeJwks } from '../jwt/coordinator-jwks.js';

export type Jwk = Record<string, unknown> & { kty?: unknown; kid?: unknown; crv?: unknown };
export interface Jwks {
  keys: Jwk[];
  /** Other top-level members of the document, kept as they were. */
  extra: Record<string, unknown>;
}

/**
 * Key family as the engine sees it: algorithms come from `kty`/`crv` only. Mixing families
 * makes jsonwebtoken 10.4 reject every token (surface §5.2).
 */
export type KeyFamily = 'RSA' | 'EC' | 'OKP';

export type EngineKeyUse =
  | { usable: true; family: KeyFamily; algorithms: string[] }
  | { usable: false; why: 'ec_curve_unsupported' | 'symmetric_refused' | 'set_undecodable'; message: string };

/** How the coordinator treats one JWK of its JWKS (surface §5.2). */
export function engineKeyUse(jwk: Jwk): EngineKeyUse {
  const kty = jwk.kty;
  const crv = jwk.crv;
  if (kty === 'RSA') return { usable: true, family: 'RSA', algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] };
  if (kty === 'EC') {
    if (crv === 'P-256') return { usable: true, family: 'EC', algorithms: ['ES256'] };
    if (crv === 'P-384') return { usable: true, family: 'EC', algorithms: ['ES384'] };
    if (crv === 'P-521') {
      return { usable: false, why: 'ec_curve_unsupported', message: 'EC P-521 keys are skipped by the coordinator (unsupported EC curve)' };
    }
    return {
      usable: false,
      why: 'set_undecodable',
      message: `EC curve ${String(crv)} cannot be deserialized by the coordinator, which then drops the whole JWKS`,
    };
  }
  if (kty === 'OKP') {
    if (crv === 'Ed25519') return { usable: true, family: 'OKP', algorithms: ['EdDSA'] };
    return {
      usable: false,
      why: 'set_undecodable',
      message: `OKP curve ${String(crv)} cannot be deserialized by the coordinator, which then drops the whole JWKS`,
    };
  }
  if (kty === 'oct') {
    return {
      usable: false,
      why: 'symmetric_refused',
      message: 'symmetric (oct) keys are refused by the coordinator (algorithm-confusion protection)',
    };
  }
  // jsonwebtoken's key parameters are an untagged enum of EC, RSA, oct and OKP: any other kty
  // fails to deserialize, and the coordinator drops the whole set (surface §5.2).
  return {
    usable: false,
    why: 'set_undecodable',
    message: `key type ${String(kty).slice(0, 20)} cannot be deserialized by the coordinator, which then drops the whole JWKS`,
  };
}

/** Parses JWKS text: not JSON or no `keys` array → ERR_JWKS_MALFORMED (exit 2). */
export function parseJwks(text: string, label: string): Jwks {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (error) {
    // Never quotes the file (a private key or token given in the wrong place).
    throw new KrishivError('ERR_JWKS_MALFORMED', `JWKS ${error instanceof JsonTextError ? error.message : 'is not valid JSON'}`, {
      input: label,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new KrishivError('ERR_JWKS_MALFORMED', 'JWKS must be a JSON object with a "keys" array', { input: label });
  }
  const { keys, ...extra } = raw as Record<string, unknown>;
  if (!Array.isArray(keys)) throw new KrishivError('ERR_JWKS_MALFORMED', 'JWKS has no "keys" array', { input: label });
  keys.forEach((k, i) => {
    if (typeof k !== 'object' || k === null || Array.isArray(k)) {
      throw new KrishivError('ERR_JWKS_MALFORMED', `keys[${i}] is not a JSON object`, { input: label });
    }
    if (typeof (k as Jwk).kty !== 'string') throw new KrishivError('ERR_JWKS_MALFORMED', `keys[${i}] has no "kty"`, { input: label });
  });
  return { keys: keys as Jwk[], extra };
}

export function serializeJwks(jwks: Jwks): string {
  return `${JSON.stringify({ ...jwks.extra, keys: jwks.keys }, null, 2)}\n`;
}

/** Public members per key type (RFC 7518 §6, RFC 8037 §2) plus the key's metadata. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};
const METADATA = ['kid', 'alg', 'use', 'key_ops', 'x5c', 'x5t', 'x5t#S256', 'x5u'];

/** The public form of a JWK: private members (`d`, `p`, `q`, …, `k`) never pass. */
export function publicJwk(jwk: Jwk): Jwk {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : '';
  const members = PUBLIC_MEMBERS[kty];
  if (!members) throw new KrishivError('ERR_JWK_INVALID', `a ${kty || 'key without kty'} has no public form to publish`);
  const out: Jwk = { kty };
  for (const m of [...members, ...METADATA]) if (jwk[m] !== undefined) out[m] = jwk[m];
  return out;
}

export interface MergeResult {
  jwks: Jwks;
  warnings: { code: string; message: string }[];
}

/**
 * Adds `key` (public members only) to `jwks`. A key whose kid is already in the set is refused
 * (exit 1, nothing changed). Warns when the set would mix key families — the coordinator then
 * rejects every token — and about keys in the set it skips or that break the whole set.
 */
export function mergePublicKey(jwks: Jwks, key: Jwk, label: string): MergeResult {
  const pub = publicJwk(key);
  if (typeof pub.kid === 'string') assertKidFree(jwks, pub.kid, label);
  const keys = [...jwks.keys, pub];
  return { jwks: { keys, extra: jwks.extra }, warnings: jwksWarnings(keys, jwks.keys.length) };
}

/** Refuses (exit 1, nothing changed) a kid that is already in the set. */
export function assertKidFree(jwks: Jwks, kid: string, label: string): void {
  if (jwks.keys.some((k) => k.kid === kid)) {
    throw new KrishivError(
      'ERR_KID_DUPLICATE',
      `kid "${kid.slice(0, 80)}" is already in this JWKS; nothing was changed (pick another --kid)`,
      {
        input: label,
        exitCode: 1,
        details: { kid },
      },
    );
  }
}

/**
 * Engine-relevant warnings about a set; `existing` = how many keys were there before the new
 * one. Besides the key types the coordinator skips or cannot read (engineKeyUse), the set is
 * read with verify's exact analysis of the engine's JWKS loading (src/jwt/coordinator-jwks.ts), so a key of
 * a usable type that still breaks the set (a numeric `kid`, RSA without `n`, padded base64url)
 * is reported too.
 */
export function jwksWarnings(keys: Jwk[], existing = keys.length): { code: string; message: string }[] {
  const warnings: { code: string; message: string }[] = [];
  const analysis = analyzeJwks({ keys });
  keys.forEach((k, i) => {
    if (i >= existing) return;
    const kid = typeof k.kid === 'string' ? ` (kid ${k.kid.slice(0, 60)})` : '';
    const use = engineKeyUse(k);
    const exact = analysis.keys[i]!;
    if (!use.usable) warnings.push({ code: use.why, message: `keys[${i}]${kid}: ${use.message}` });
    else if (!exact.parseable) {
      warnings.push({ code: 'set_undecodable', message: `keys[${i}]${kid}: ${exact.reason}, so the coordinator drops the whole JWKS` });
    } else if (!exact.usable) {
      warnings.push({ code: 'key_skipped', message: `keys[${i}]${kid}: ${exact.reason}: the coordinator skips this key` });
    }
  });
  const families = new Set<KeyFamily>(analysis.families);
  if (families.size > 1) {
    warnings.push({
      code: 'mixed_key_families',
      message: `this JWKS mixes key families (${[...families].sort().join(' + ')}): the Krishiv coordinator then rejects EVERY token with "invalid API key" (jsonwebtoken requires every allowed algorithm to share the token's family); keep one family per JWKS`,
    });
  }
  return warnings;
}
