/**
 * `sign` as a domain run: read the private JWK, mint the claims, sign. Options come from
 * resolveSignOptions (src/cli/commands/sign.ts); the file system is a seam.
 */
import { buildClaims, parsePrivateJwk, signToken, type ClaimOptions, type SignedToken } from './sign.js';

export interface SignOptions {
  /** the private JWK file, as given (for messages) and resolved */
  keyFile: { label: string; path: string };
  /** the claims without the clock: `now` is the option's or the seam's */
  claims: Omit<ClaimOptions, 'now'> & { now?: Date };
}

export interface SignSeams {
  readFile(path: string, label: string): Promise<string>;
  now(): Date;
}

export interface SignRun extends SignedToken {
  /** when the token expires */
  expires: Date;
}

export async function runSign(options: SignOptions, seams: SignSeams): Promise<SignRun> {
  const claims = buildClaims({ ...options.claims, now: options.claims.now ?? seams.now() });
  const jwk = parsePrivateJwk(await seams.readFile(options.keyFile.path, options.keyFile.label), options.keyFile.label);
  const signed = await signToken(jwk, claims, options.keyFile.label);
  return { ...signed, expires: new Date((claims['exp'] as number) * 1000) };
}
