/**
 * JWKS management for people who mint test keys (`krishiv-auth jwks add|list|remove|public`,
 * like step's `jwk public` and `jwk keyset`). Pure: sets in, sets and rows out. The engine's view
 * of each key comes from the existing analysis (engineKeyUse, jwksWarnings); adding goes through
 * mergePublicKey, so private members never reach a set and a kid is never duplicated.
 */
import { KrishivError } from '../errors.js';
import { engineKeyUse, jwksWarnings, mergePublicKey, publicJwk, type Jwk, type Jwks, type MergeResult } from './jwks-document.js';

/** The public half of a JWK (private or public), with `kid` set when one is given. */
export function publicHalf(jwk: Jwk, kid?: string): Jwk {
  const pub = publicJwk(jwk);
  if (kid !== undefined) pub.kid = kid;
  return pub;
}

/** Adds the public half of `jwk` to the set; refuses a kid already there (exit 1). */
export function addToSet(jwks: Jwks, jwk: Jwk, label: string, kid?: string): MergeResult {
  return mergePublicKey(jwks, publicHalf(jwk, kid), label);
}

export interface RemoveResult {
  jwks: Jwks;
  removed: number;
}

/**
 * Removes the keys with this kid. An unknown kid changes nothing (exit 1); removing the last key
 * needs `allowEmpty` (the coordinator then accepts no token at all).
 */
export function removeFromSet(jwks: Jwks, kid: string, label: string, allowEmpty: boolean): RemoveResult {
  const keys = jwks.keys.filter((k) => k.kid !== kid);
  const removed = jwks.keys.length - keys.length;
  if (removed === 0) {
    const kids = jwks.keys.map((k) => (typeof k.kid === 'string' ? k.kid : null)).filter((k): k is string => k !== null);
    throw new KrishivError(
      'ERR_KEY_UNKNOWN',
      `no key with kid "${kid.slice(0, 80)}" in this JWKS; nothing was changed${kids.length ? ` (kids: ${kids.slice(0, 10).join(', ')})` : ''}`,
      {
        input: label,
        exitCode: 1,
      },
    );
  }
  if (keys.length === 0 && !allowEmpty) {
    throw new KrishivError(
      'ERR_USAGE',
      'that is the last key: an empty JWKS makes the coordinator reject every token; pass --allow-empty to do it anyway',
      {
        input: label,
        exitCode: 1,
      },
    );
  }
  return { jwks: { keys, extra: jwks.extra }, removed };
}

export interface KeyRow {
  index: number;
  kid: string | null;
  kty: string;
  /** curve, or RSA modulus size */
  detail: string;
  alg: string | null;
  /** what the coordinator does with it: the algorithms it accepts, or why it does not */
  engine: string;
  usable: boolean;
}

export function describeSet(jwks: Jwks): { rows: KeyRow[]; warnings: { code: string; message: string }[] } {
  const rows = jwks.keys.map((k, index): KeyRow => {
    const use = engineKeyUse(k);
    const kty = typeof k.kty === 'string' ? k.kty : '?';
    const detail = typeof k.crv === 'string' ? k.crv : kty === 'RSA' && typeof k['n'] === 'string' ? `${rsaBits(k['n'])} bits` : '';
    return {
      index,
      kid: typeof k.kid === 'string' ? k.kid : null,
      kty,
      detail,
      alg: typeof k['alg'] === 'string' ? k['alg'] : null,
      engine: use.usable ? use.algorithms.join(', ') : use.message,
      usable: use.usable,
    };
  });
  return { rows, warnings: jwksWarnings(jwks.keys) };
}

/** Bits of an RSA modulus given in base64url (leading zero bits not counted). */
function rsaBits(n: string): number {
  const bytes = Math.floor((n.replace(/=+$/, '').length * 3) / 4);
  return Math.round(bytes / 32) * 256;
}
