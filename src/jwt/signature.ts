/**
 * JWS signature checks for the algorithms the engine accepts: RSA (RS*, PS*) in plain
 * JavaScript (./rsa.ts, ./sha2.ts), EC and Ed25519 on node:crypto (OpenSSL), loaded only when
 * a key set has such a key.
 *
 * Why not jose, and why not node:crypto for RSA: start-up cost (bench/README.md, "Signature
 * checks"). The parameters are RFC 7518 §3. jose stays in the test suite as the
 * oracle: test/jwt/signature.test.ts checks this module against jose's `compactVerify` for
 * every algorithm, for good, tampered and foreign signatures, and Wycheproof's vectors run
 * through it (test/jwt/wycheproof.test.ts).
 *
 * One deliberate difference from jose, matching the engine: the signature is always checked
 * over the compact serialization's first two segments as given. jsonwebtoken has no RFC 7797
 * `b64: false` (and a `b64` member that is not a string stops it reading the header at all).
 */
import type { KeyObject } from 'node:crypto';
import { rsaPublicKey, verifyPkcs1, verifyPss, type RsaPublicKey } from './rsa.js';

type NodeCrypto = typeof import('node:crypto');
let nodeCrypto: NodeCrypto | undefined;

/**
 * Loads node:crypto for EC and Ed25519 keys (RSA keys never need it). Callers load it
 * before checking tokens against a set with such keys (verify does, when the set has one).
 */
export async function loadNodeCrypto(): Promise<void> {
  nodeCrypto ??= await import('node:crypto');
}

let nativeRsa = false;
/**
 * Check RSA signatures with OpenSSL instead of JavaScript (same rules: the length and key
 * checks stay ours). Worth it from a handful of tokens on (bench/README.md, "Signature checks").
 * node:crypto must be loaded.
 */
export function setNativeRsa(on: boolean): void {
  if (on) crypto();
  nativeRsa = on;
}

function crypto(): NodeCrypto {
  if (nodeCrypto === undefined) throw new Error('internal: node:crypto was not loaded before an EC or Ed25519 check (call loadNodeCrypto)');
  return nodeCrypto;
}

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

/**
 * What aws-lc-rs 1.17 (jsonwebtoken's `aws_lc_rs` backend) refuses, before any arithmetic:
 * - RSA (`RsaPublicKeyComponents::verify` with `RSA_PKCS1_2048_8192_*` / `RSA_PSS_2048_8192_*`):
 *   `n` and `e` non-empty without a leading zero byte (aws-lc-rs src/rsa/key.rs `build_rsa`),
 *   a modulus of 2048 to 8192 bits (src/rsa/signature.rs `verify_rsa_signature`), and AWS-LC's
 *   `rsa_check_public_key`: an odd modulus, an odd exponent of 2 to 33 bits (so never e = 1,
 *   for which anyone can forge a signature), and a signature exactly as long as the modulus.
 * - EC (`ECDSA_P256_SHA256_FIXED` …): jsonwebtoken passes `0x04 ‖ x ‖ y` as given, so x and y
 *   together must be 2 × the coordinate size, each coordinate below the field prime, on the curve.
 * - Ed25519: a 32-byte key.
 */
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
const MAX_E_BITS = 33;
const FIELD: Readonly<Record<string, { size: number; p: bigint }>> = {
  'P-256': { size: 32, p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n },
  'P-384': { size: 48, p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n },
};

function bitLength(bytes: Uint8Array): number {
  return bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** Key material as the engine holds it after `DecodingKey::from_jwk` (canonical base64url members). */
export interface KeyMaterial {
  readonly kty: string;
  readonly crv?: string | null;
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
}

/**
 * Why every signature check with this key fails in the engine's crypto backend (the engine
 * still installs the key and its algorithms), or undefined. Cheap: lengths and a few bits,
 * so a huge exponent or modulus is refused without any arithmetic.
 */
export function backendKeyProblem(m: KeyMaterial): string | undefined {
  if (m.kty === 'RSA') {
    const n = Buffer.from(m.n ?? '', 'base64url');
    const e = Buffer.from(m.e ?? '', 'base64url');
    if (n.length === 0) return 'the RSA modulus n is empty';
    if (n[0] === 0) return 'the RSA modulus n starts with a zero byte (aws-lc-rs refuses a leading zero)';
    if (e.length === 0) return 'the RSA exponent e is empty';
    if (e[0] === 0) return 'the RSA exponent e starts with a zero byte (aws-lc-rs refuses a leading zero)';
    const bits = bitLength(n);
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
      return `the RSA modulus has ${bits} bits; the engine's backend verifies only 2048 to 8192`;
    if ((n[n.length - 1]! & 1) === 0) return 'the RSA modulus n is even (not an RSA modulus)';
    const eBits = bitLength(e);
    if (eBits < 2) return 'the RSA exponent e is 1 (signatures would be forgeable; AWS-LC refuses it)';
    if (eBits > MAX_E_BITS) return `the RSA exponent e has ${eBits} bits; AWS-LC refuses more than ${MAX_E_BITS}`;
    if ((e[e.length - 1]! & 1) === 0) return 'the RSA exponent e is even (AWS-LC refuses it)';
    return undefined;
  }
  if (m.kty === 'EC') {
    const f = FIELD[m.crv ?? ''];
    if (!f) return undefined;
    const x = Buffer.from(m.x ?? '', 'base64url');
    const y = Buffer.from(m.y ?? '', 'base64url');
    if (x.length + y.length !== 2 * f.size) {
      return `x and y are ${x.length} + ${y.length} bytes; the engine's backend needs ${f.size} + ${f.size} for ${m.crv}`;
    }
    const point = Buffer.concat([x, y]);
    if (bytesToBigInt(point.subarray(0, f.size)) >= f.p || bytesToBigInt(point.subarray(f.size)) >= f.p) {
      return `a coordinate is not below the ${m.crv} field prime`;
    }
    return undefined;
  }
  if (m.kty === 'OKP') {
    const x = Buffer.from(m.x ?? '', 'base64url');
    if (x.length !== 32) return `the Ed25519 key is ${x.length} bytes; it must be 32`;
  }
  return undefined;
}

export type VerificationKey =
  | {
      readonly alg: string;
      readonly rsa: RsaPublicKey;
      readonly jwk: { kty: 'RSA'; n: string; e: string };
      native?: KeyObject;
      readonly key?: undefined;
    }
  | { readonly alg: string; readonly key: KeyObject; readonly rsa?: undefined };

/**
 * Imports key material for one algorithm; undefined when it is not a key of that kind or the
 * engine's backend refuses it (see backendKeyProblem). EC coordinates are split as the engine
 * does: the point is `x ‖ y` cut at the coordinate size.
 */
export function importVerificationKey(material: Readonly<Record<string, unknown>>, alg: string): VerificationKey | undefined {
  const params = ALGS[alg];
  if (!params || material['kty'] !== params.kty) return undefined;
  if (params.crv !== undefined && material['crv'] !== params.crv) return undefined;
  const m = material as unknown as KeyMaterial;
  if (backendKeyProblem(m) !== undefined) return undefined;
  if (params.kty === 'RSA') {
    return {
      alg,
      rsa: rsaPublicKey(Buffer.from(m.n!, 'base64url'), Buffer.from(m.e!, 'base64url')),
      jwk: { kty: 'RSA', n: m.n!, e: m.e! },
    };
  }
  let jwk: Record<string, unknown>;
  if (params.kty === 'EC') {
    const f = FIELD[params.crv!]!;
    const point = Buffer.concat([Buffer.from(m.x ?? '', 'base64url'), Buffer.from(m.y ?? '', 'base64url')]);
    jwk = {
      kty: 'EC',
      crv: params.crv,
      x: point.subarray(0, f.size).toString('base64url'),
      y: point.subarray(f.size).toString('base64url'),
    };
  } else jwk = { kty: 'OKP', crv: 'Ed25519', x: m.x };
  try {
    const key = crypto().createPublicKey({ key: jwk as never, format: 'jwk' });
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
  const data = Buffer.from(signingInput, 'latin1');
  if (vk.rsa !== undefined) {
    if (signature.length !== vk.rsa.k) {
      // AWS-LC refuses a signature not exactly as long as the modulus; OpenSSL would left-pad a short one.
      return {
        valid: false,
        problem: `the signature is ${signature.length} bytes; the engine's backend requires exactly the modulus length, ${vk.rsa.k}`,
      };
    }
    let valid: boolean | undefined;
    if (nativeRsa) {
      try {
        const c = crypto();
        vk.native ??= c.createPublicKey({ key: vk.jwk as never, format: 'jwk' });
        valid = c.verify(
          params.hash,
          data,
          params.pss
            ? { key: vk.native, padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: c.constants.RSA_PSS_SALTLEN_DIGEST }
            : { key: vk.native, padding: c.constants.RSA_PKCS1_PADDING },
          signature,
        );
      } catch {
        valid = undefined; // OpenSSL would not take this key: the JavaScript check decides, as for one token
      }
    }
    valid ??= params.pss ? verifyPss(params.hash!, vk.rsa, data, signature) : verifyPkcs1(params.hash!, vk.rsa, data, signature);
    return valid ? { valid: true } : { valid: false };
  }
  try {
    const valid =
      params.kty === 'EC'
        ? crypto().verify(params.hash, data, { key: vk.key, dsaEncoding: 'ieee-p1363' }, signature)
        : crypto().verify(null, data, vk.key, signature);
    return valid ? { valid: true } : { valid: false };
  } catch (error) {
    return { valid: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
