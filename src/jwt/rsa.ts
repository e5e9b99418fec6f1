/**
 * RSA signature verification (RFC 8017) for RS256/384/512 and PS256/384/512, in plain
 * JavaScript with BigInt: the public-key operation is a few squarings (e has at most 33 bits,
 * ./signature.ts refuses larger ones first), so this is fast, and it spares a one-token
 * `verify` loading node:crypto (bench/README.md, "Signature checks").
 *
 * Strict, as AWS-LC is: the signature must be exactly as long as the modulus and below it;
 * PKCS#1 v1.5 re-encodes the expected block and compares all of it (no parsing of the
 * DigestInfo, so no room for a Bleichenbacher-style forgery); PSS uses MGF1 with the same hash
 * and a salt exactly as long as the digest (RSA_PSS_SALTLEN_DIGEST).
 * Checked against node:crypto and jose (test/jwt/signature.test.ts) and Wycheproof's RSA vectors.
 */
import { DIGESTS } from './sha2.js';

const DIGEST_INFO: Readonly<Record<string, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** modulus length in bytes */
  readonly k: number;
  /** modulus length in bits */
  readonly bits: number;
}

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b < 16 ? `0${b.toString(16)}` : b.toString(16);
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

function toBytes(x: bigint, length: number): Uint8Array | undefined {
  const hex = x.toString(16);
  if (hex.length > length * 2) return undefined;
  const out = new Uint8Array(length);
  const padded = hex.padStart(length * 2, '0');
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export function rsaPublicKey(n: Uint8Array, e: Uint8Array): RsaPublicKey {
  const nn = toBigInt(n);
  return { n: nn, e: toBigInt(e), k: n.length, bits: nn.toString(2).length };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** s^e mod n for a signature of exactly k bytes below n, else undefined. */
function publicOp(key: RsaPublicKey, signature: Uint8Array): bigint | undefined {
  if (signature.length !== key.k) return undefined;
  const s = toBigInt(signature);
  if (s >= key.n) return undefined;
  return modPow(s, key.e, key.n);
}

/** RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2). */
export function verifyPkcs1(hash: string, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const m = publicOp(key, signature);
  if (m === undefined) return false;
  const em = toBytes(m, key.k);
  if (em === undefined) return false;
  const t = Buffer.concat([Buffer.from(DIGEST_INFO[hash]!, 'hex'), DIGESTS[hash]!(message)]);
  if (key.k < t.length + 11) return false;
  const expected = new Uint8Array(key.k);
  expected[1] = 0x01;
  expected.fill(0xff, 2, key.k - t.length - 1);
  expected[key.k - t.length - 1] = 0x00;
  expected.set(t, key.k - t.length);
  return equal(em, expected);
}

function mgf1(hash: (d: Uint8Array) => Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  let filled = 0;
  for (let counter = 0; filled < length; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    const block = hash(input);
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** RSASSA-PSS verification (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2) with MGF1(hash) and sLen = hLen. */
export function verifyPss(hash: string, key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const h = DIGESTS[hash]!;
  const m = publicOp(key, signature);
  if (m === undefined) return false;
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = toBytes(m, emLen);
  if (em === undefined) return false;
  const mHash = h(message);
  const hLen = mHash.length;
  const sLen = hLen;
  if (emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const hh = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  const topMask = topBits === 0 ? 0 : (0xff << (8 - topBits)) & 0xff;
  if ((maskedDb[0]! & topMask) !== 0) return false;
  const db = mgf1(h, hh, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = db[i]! ^ maskedDb[i]!;
  db[0] = db[0]! & ~topMask & 0xff;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const mPrime = new Uint8Array(8 + hLen + sLen);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + hLen);
  return equal(h(mPrime), hh);
}
