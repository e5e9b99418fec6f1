/**
 * JWK signing key pairs through jose (WebCrypto underneath): no hand-made crypto. jose is
 * imported lazily so only `generate-key --type jwk` pays for it.
 */
import { KrishivError } from '../errors.js';
import type { Jwk } from './jwks-document.js';

export const JWK_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
export type JwkAlgorithm = (typeof JWK_ALGORITHMS)[number];
export const RSA_MODULUS_BITS = 3072;

export function parseJwkAlgorithm(text: string | undefined): JwkAlgorithm {
  if (text === undefined) return 'ES256';
  const match = JWK_ALGORITHMS.find((a) => a.toLowerCase() === text.trim().toLowerCase());
  if (!match) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 30)}" is not supported (${JWK_ALGORITHMS.join(', ')})`, { input: '--alg' });
  }
  return match;
}

export function validateKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  if (kid.trim() === '' || kid !== kid.trim() || /[\u0000-\u001f\u007f]/.test(kid) || kid.length > 200) {
    throw new KrishivError('ERR_USAGE', 'must be 1-200 visible characters without surrounding whitespace', { input: '--kid' });
  }
  return kid;
}

export interface GeneratedJwk {
  /** Private JWK (with `d`): goes to --out only. */
  privateJwk: Jwk;
  publicJwk: Jwk;
  kid: string;
  thumbprint: string;
  alg: JwkAlgorithm;
}

export async function generateJwk(alg: JwkAlgorithm, kid: string | undefined): Promise<GeneratedJwk> {
  const jose = await import('jose');
  const options =
    alg === 'EdDSA'
      ? { crv: 'Ed25519', extractable: true }
      : alg.startsWith('ES')
        ? { extractable: true }
        : { modulusLength: RSA_MODULUS_BITS, extractable: true };
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, options);
  const priv = (await jose.exportJWK(privateKey)) as Jwk;
  const pub = (await jose.exportJWK(publicKey)) as Jwk;
  const thumbprint = await jose.calculateJwkThumbprint(pub as Parameters<typeof jose.calculateJwkThumbprint>[0], 'sha256');
  const finalKid = kid ?? thumbprint;
  // `alg` and `use` are ignored by the coordinator (surface §5.2) but let jose (and `sign`) pick the algorithm.
  const meta = { kid: finalKid, alg, use: 'sig' };
  return { privateJwk: { ...priv, ...meta }, publicJwk: { ...pub, ...meta }, kid: finalKid, thumbprint, alg };
}
