/**
 * Test keys and tokens: real key pairs and real signatures (jose's signer), plus
 * hand-built tokens for the shapes a signer refuses to make (alg none, HS256 with an RSA
 * public key as the secret).
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
  alg: string;
}

export function makeKey(kind: 'RSA' | 'P-256' | 'P-384' | 'P-521' | 'Ed25519', kid?: string): TestKey {
  const pair =
    kind === 'RSA'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'Ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: kind });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  if (kid !== undefined) jwk['kid'] = kid;
  const alg = kind === 'RSA' ? 'RS256' : kind === 'P-256' ? 'ES256' : kind === 'P-384' ? 'ES384' : kind === 'P-521' ? 'ES512' : 'EdDSA';
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, jwk, alg };
}

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs header.payload with node:crypto (JWS raw signatures for EC). */
export async function signToken(key: TestKey, payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  const { sign } = await import('node:crypto');
  const alg = (header['alg'] as string | undefined) ?? key.alg;
  const h = b64({ alg, typ: 'JWT', ...header });
  const p = b64(payload);
  const input = Buffer.from(`${h}.${p}`);
  let sig: Buffer;
  if (alg.startsWith('RS')) sig = sign(`sha${alg.slice(2)}`, input, key.privateKey);
  else if (alg.startsWith('PS'))
    sig = sign(`sha${alg.slice(2)}`, input, { key: key.privateKey, padding: 6, saltLength: Number(alg.slice(2)) / 8 });
  else if (alg.startsWith('ES'))
    sig = sign(`sha${alg === 'ES512' ? 512 : alg.slice(2)}`, input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else sig = sign(null, input, key.privateKey);
  return `${h}.${p}.${sig.toString('base64url')}`;
}

/** RS256 over a header and payload given as raw JSON text (for shapes JSON.stringify cannot write, e.g. duplicate names). */
export async function signRawRs256(key: TestKey, headerText: string, payloadText: string | Uint8Array): Promise<string> {
  const { sign } = await import('node:crypto');
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export function unsignedToken(payload: unknown, header: Record<string, unknown> = { alg: 'none', typ: 'JWT' }): string {
  return `${b64(header)}.${b64(payload)}.`;
}

export function hmacToken(secret: Buffer | string, payload: unknown, alg = 'HS256'): string {
  const h = b64({ alg, typ: 'JWT' });
  const p = b64(payload);
  const sig = createHmac(`sha${alg.slice(2)}`, secret)
    .update(`${h}.${p}`)
    .digest('base64url');
  return `${h}.${p}.${sig}`;
}

/** RFC 7515 A.2/A.3 and RFC 8037 A.4 (copied from the shared data set). */
export const VECTORS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/jwt/jose-rfc-vectors.json');

export interface RfcVector {
  name: string;
  jwk: Record<string, unknown>;
  token: string;
}

export function rfcVectors(): RfcVector[] {
  return (JSON.parse(readFileSync(VECTORS, 'utf8')) as { vectors: RfcVector[] }).vectors;
}
