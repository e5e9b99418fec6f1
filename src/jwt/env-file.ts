/**
 * `verify --env-file`: the three variables the coordinator's JWT setup reads
 * (KRISHIV_OIDC_JWKS_URI, KRISHIV_OIDC_AUDIENCE, KRISHIV_PRODUCTION; surface §1, §5.1, §5.3).
 *
 * SEAM (for the lead): `readEnvAssignments` is a deliberately minimal KEY=VALUE reader
 * (comments, blank lines, `export `, matching single/double quotes stripped, no expansion,
 * no multi-line values). The engine-exact dotenvy reader lives on another branch in
 * `src/production/env/`; once merged, replace the body of `readEnvAssignments` with a call
 * to it — `jwtSettingsFromEnv` and the command need no change.
 */
import { KrishivError } from '../errors.js';

export type EnvAssignments = ReadonlyMap<string, string>;

/** Minimal KEY=VALUE reader (see SEAM above). Later assignments win, as in dotenvy. */
export function readEnvAssignments(text: string, file: string): EnvAssignments {
  const out = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$/.exec(line);
    if (!m) {
      throw new KrishivError('ERR_ENV_PARSE', `line ${i + 1} is not KEY=VALUE`, { input: `${file}:${i + 1}` });
    }
    let value = m[2]!.trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out.set(m[1]!, value);
  }
  return out;
}

/** The engine's truthy rule (surface §2.1): trim, ASCII-lowercase, ∈ {1, true, yes, on}. */
export function isTruthy(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  return ['1', 'true', 'yes', 'on'].includes(raw.trim().toLowerCase());
}

export interface JwtEnvSettings {
  /** KRISHIV_OIDC_JWKS_URI: presence (even empty) activates JWT (surface §1) */
  jwksUri: string | undefined;
  /** KRISHIV_OIDC_AUDIENCE: raw, untrimmed; an empty string counts as set */
  audience: string | undefined;
  production: boolean;
}

export function jwtSettingsFromEnv(env: EnvAssignments): JwtEnvSettings {
  return {
    jwksUri: env.get('KRISHIV_OIDC_JWKS_URI'),
    audience: env.get('KRISHIV_OIDC_AUDIENCE'),
    production: isTruthy(env.get('KRISHIV_PRODUCTION')),
  };
}
