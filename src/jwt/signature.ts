/**
 * JWS signature checks for the algorithms the engine accepts (surface §5.2), on node:crypto
 * (OpenSSL) directly.
 *
 * Why not jose here: the first WebCrypto operation of a process costs ~10 ms, which alone
 * puts a one-token `verify` over its start-up budget (bench/README.md: jose's floor measured
 * 1.51× bare node, node:crypto's 1.20×). The parameters below are RFC 7518 §3; everything
 * cryptographic is OpenSSL's. jose stays in the test suite as the oracle: a differential test
 * (test/jwt/signature.test.ts) checks this module against jose's `compactVerify` for every
 * algorithm, for good, tampered and foreign signatures.
 *
 * One deliberate difference from jose, matching the engine: the signature is always checked
 * over the compact serialization's first two segments as given. jsonwebtoken has no `crit`
 * and no RFC 7797 `b64: false`, so neither changes what is signed.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';

interface AlgParams {
  /** digest for node:crypto; null for EdDSA (the curve fixes it) */
  readonly hash: string | null;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly pss?: true;
  /** EC: the curve this algorithm requires (RFC 7518 §3.4), OKP: the only one the engine reads */
  readonly crv?: string;
}

const ALGS: Readonly<Record<string, AlgParams>> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  PS256: { hash: 'sha256', kty: 'RSA', pss: true },
  PS384: { hash: 'sha384', kty: 'RSA', pss: true },
  PS512: { hash: 'sha512', kty: 'RSA', pss: true },
  ES256: { hash: 'sha256', kty: 'EC', crv: 'P-256' },
  ES384: { hash: 'sha384', kty: 'EC', crv: 'P-384' },
  EdDSA: { hash: null, kty: 'OKP', crv: 'Ed25519' },
};

/** RSA keys below this size are refused, as jose and the common JOSE libraries do (RFC 7518 §3.3). */
const MIN_RSA_BITS = 2048;

export interface VerificationKey {
  readonly alg: string;
  readonly key: KeyObject;
}

/** Imports JWK key material for one algorithm; undefined when the material is not a key of that kind. */
export function importVerificationKey(material: Readonly<Record<string, unknown>>, alg: string): VerificationKey | undefined {
  const params = ALGS[alg];
  if (!params || material['kty'] !== params.kty) return undefined;
  if (params.crv !== undefined && material['crv'] !== params.crv) return undefined;
  try {
    const key = createPublicKey({ key: material as never, format: 'jwk' });
    return key.type === 'public' ? { alg, key } : undefined;
  } catch {
    return undefined;
  }
}

export type SignatureResult = { valid: true } | { valid: false; problem?: string };

/**
 * Checks `signature` over `signingInput` (the ASCII of `<header>.<payload>` as given). A
 * wrong signature is `{valid: false}`; a key that cannot take part at all is
 * `{valid: false, problem}`.
 */
export function checkSignature(vk: VerificationKey, signingInput: string, signature: Uint8Array): SignatureResult {
  const params = ALGS[vk.alg]!;
  if (params.kty === 'RSA') {
    const bits = vk.key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return { valid: false, problem: `${vk.alg} requires key modulusLength to be ${MIN_RSA_BITS} bits or larger` };
  }
  const data = Buffer.from(signingInput, 'latin1');
  try {
    const valid =
      params.kty === 'RSA'
        ? verify(params.hash, data, params.pss
            ? { key: vk.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
            : { key: vk.key, padding: constants.RSA_PKCS1_PADDING }, signature)
        : params.kty === 'EC'
          ? verify(params.hash, data, { key: vk.key, dsaEncoding: 'ieee-p1363' }, signature)
          : verify(null, data, vk.key, signature);
    return valid ? { valid: true } : { valid: false };
  } catch (error) {
    return { valid: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
