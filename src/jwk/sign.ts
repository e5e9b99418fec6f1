/**
 * Minting test JWTs from a private JWK (`sign`): claims built from flags in pure code, the
 * signature made by jose (imported lazily).
 */
import { KrishivError } from '../errors.js';
import { JsonTextError, parseJsonText } from '../util/json.js';
import { toUnixSeconds } from '../util/time.js';
import { ROLES, type Role } from '../keys/store.js';
import type { Jwk } from './jwks-document.js';

/** Claims only flags may set: `exp`/`iat` come from --ttl and the clock, `sub` from --sub. */
const RESERVED_CLAIMS = ['exp', 'iat', 'sub'] as const;
/** Claims a flag sets; --claim may set them only when the flag is not given. */
const FLAG_CLAIMS: Record<string, string> = { aud: '--aud', iss: '--iss', krishiv_role: '--role' };

export interface ParsedClaim {
  name: string;
  value: unknown;
}

/**
 * Parses one `--claim k=v`: split at the first `=`; the value is JSON when it parses as JSON
 * (`n=5`, `flag=true`, `aud=["a","b"]`), otherwise the text itself (`team=blue`).
 */
export function parseClaim(text: string): ParsedClaim {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 40)}" is not name=value`, { input: '--claim' });
  }
  const name = text.slice(0, eq).trim();
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name) || name.length > 100) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 40)}": the claim name must be 1-100 visible characters`, { input: '--claim' });
  }
  const rawValue = text.slice(eq + 1);
  let value: unknown = rawValue;
  try {
    value = JSON.parse(rawValue);
  } catch {
    value = rawValue;
  }
  return { name, value };
}

export function parseRole(text: string | undefined): Role | undefined {
  if (text === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(text)) {
    throw new KrishivError('ERR_USAGE', `"${text.slice(0, 30)}" is not a role (admin, writer, reader)`, { input: '--role' });
  }
  return text as Role;
}

export interface ClaimOptions {
  sub: string | undefined;
  aud?: string | undefined;
  iss?: string | undefined;
  role?: Role | undefined;
  ttlMs: number;
  claims: readonly string[];
  now: Date;
}

/** The payload `sign` mints. Throws ERR_USAGE for a missing --sub or a conflicting --claim. */
export function buildClaims(o: ClaimOptions): Record<string, unknown> {
  if (o.sub === undefined || o.sub === '') {
    throw new KrishivError('ERR_USAGE', '--sub is required (the coordinator needs a string sub claim)', { input: '--sub' });
  }
  if (o.ttlMs < 1000) throw new KrishivError('ERR_USAGE', 'must be at least 1s', { input: '--ttl' });
  const iat = toUnixSeconds(o.now);
  const payload: Record<string, unknown> = { sub: o.sub };
  if (o.aud !== undefined) payload['aud'] = o.aud;
  if (o.iss !== undefined) payload['iss'] = o.iss;
  if (o.role !== undefined) payload['krishiv_role'] = o.role;
  const seen = new Set<string>();
  for (const text of o.claims) {
    const { name, value } = parseClaim(text);
    if ((RESERVED_CLAIMS as readonly string[]).includes(name)) {
      const flag = name === 'sub' ? '--sub' : '--ttl';
      throw new KrishivError('ERR_USAGE', `"${name}" cannot be set with --claim; use ${flag}`, { input: '--claim' });
    }
    const flag = FLAG_CLAIMS[name];
    if (flag !== undefined && payload[name] !== undefined && !seen.has(name)) {
      throw new KrishivError('ERR_USAGE', `"${name}" is already set by ${flag}; give it once`, { input: '--claim' });
    }
    if (seen.has(name)) throw new KrishivError('ERR_USAGE', `"${name}" is given twice`, { input: '--claim' });
    seen.add(name);
    payload[name] = value;
  }
  payload['iat'] = iat;
  payload['exp'] = iat + Math.ceil(o.ttlMs / 1000);
  return payload;
}

/** The JWS algorithm for a private JWK: its own `alg`, else the one its key type implies. */
export function signingAlgorithm(jwk: Jwk, label: string): string {
  if (typeof jwk.d !== 'string') {
    throw new KrishivError(
      'ERR_JWK_INVALID',
      'is not a private key (no "d" member); sign needs the --out file of generate-key --type jwk',
      {
        input: label,
      },
    );
  }
  const inferred =
    jwk.kty === 'RSA'
      ? 'RS256'
      : jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? 'ES256'
        : jwk.kty === 'EC' && jwk.crv === 'P-384'
          ? 'ES384'
          : jwk.kty === 'EC' && jwk.crv === 'P-521'
            ? 'ES512'
            : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
              ? 'EdDSA'
              : undefined;
  if (jwk.kty === 'oct') {
    throw new KrishivError(
      'ERR_JWK_INVALID',
      'is a symmetric (oct) key: the coordinator refuses HS* tokens (crates/krishiv-scheduler/src/auth.rs:743)',
      {
        input: label,
      },
    );
  }
  if (inferred === undefined) {
    throw new KrishivError(
      'ERR_JWK_INVALID',
      `key type ${String(jwk.kty).slice(0, 20)}/${String(jwk.crv ?? '').slice(0, 20)} cannot sign a token the coordinator accepts`,
      {
        input: label,
      },
    );
  }
  const alg = typeof jwk['alg'] === 'string' ? jwk['alg'] : inferred;
  return alg;
}

export function parsePrivateJwk(text: string, label: string): Jwk {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (error) {
    throw new KrishivError(
      'ERR_JWK_INVALID',
      `${error instanceof JsonTextError ? error.message : 'is not valid JSON'} (expected a private JWK)`,
      { input: label },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof (raw as Jwk).kty !== 'string') {
    throw new KrishivError('ERR_JWK_INVALID', 'is not a JWK (a JSON object with "kty")', { input: label });
  }
  return raw as Jwk;
}

export interface SignedToken {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export async function signToken(jwk: Jwk, claims: Record<string, unknown>, label: string): Promise<SignedToken> {
  const alg = signingAlgorithm(jwk, label);
  const jose = await import('jose');
  let key: Awaited<ReturnType<typeof jose.importJWK>>;
  try {
    key = await jose.importJWK(jwk as Parameters<typeof jose.importJWK>[0], alg);
  } catch (error) {
    throw new KrishivError('ERR_JWK_INVALID', `cannot use this key for ${alg}: ${(error as Error).message}`, {
      input: label,
      cause: error,
    });
  }
  const header: Record<string, unknown> = { alg, typ: 'JWT' };
  if (typeof jwk.kid === 'string') header['kid'] = jwk.kid;
  let token: string;
  try {
    token = await new jose.SignJWT(claims)
      .setProtectedHeader(header as Parameters<InstanceType<typeof jose.SignJWT>['setProtectedHeader']>[0])
      .sign(key);
  } catch (error) {
    throw new KrishivError('ERR_JWK_INVALID', `cannot sign with this key: ${(error as Error).message}`, { input: label, cause: error });
  }
  return { token, header, claims };
}
