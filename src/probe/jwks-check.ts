/**
 * The `jwks` and `oidc_discovery` checks. They do not depend on the target: the JWKS the
 * coordinator loads (KRISHIV_OIDC_JWKS_URI, or --jwks) and the issuer's discovery document
 * are fetched once per run and the same verdict is reported under every target.
 */
import type { CheckResult, JwksConfig } from './types.js';

export interface JwksProbe {
  /** the jwks and oidc_discovery results (memoised: one fetch per run) */
  results(): Promise<CheckResult[]>;
}

export function notConfiguredJwksResults(): CheckResult[] {
  return [
    { id: 'jwks', status: 'skip', message: 'no JWKS configured (--jwks, or KRISHIV_OIDC_JWKS_URI in --env-file)', evidence: null },
    { id: 'oidc_discovery', status: 'skip', message: 'no issuer configured (--oidc-issuer)', evidence: null },
  ];
}

/** Memoises one evaluation of the JWKS checks. */
export function memoJwksProbe(evaluate: () => Promise<CheckResult[]>): JwksProbe {
  let once: Promise<CheckResult[]> | undefined;
  return { results: () => (once ??= evaluate()) };
}

export function isJwksConfigured(config: JwksConfig): boolean {
  return config.jwksUrl !== undefined || config.issuer !== undefined;
}
