/**
 * `verify --env-file`: the three variables the coordinator's JWT setup reads
 * (KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE, KRISHIV_PRODUCTION; surface §1, §5.1, §5.3).
 * The file itself is read by the engine-exact env reader (`readEnvVars`).
 */
import { isTruthy } from '../engine/text.js';

export interface JwtEnvSettings {
  /** KRISHIV_OIDC_JWKS_URI: presence (even empty) activates JWT (surface §1) */
  jwksUri: string | undefined;
  /** KRISHIV_OIDC_AUDIENCE: raw, untrimmed; an empty string counts as set */
  audience: string | undefined;
  production: boolean;
}

export function jwtSettingsFromEnv(env: ReadonlyMap<string, string>): JwtEnvSettings {
  return {
    jwksUri: env.get('KRISHIV_OIDC_JWKS_URI'),
    audience: env.get('KRISHIV_OIDC_AUDIENCE'),
    production: isTruthy(env.get('KRISHIV_PRODUCTION')),
  };
}
