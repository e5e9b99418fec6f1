/**
 * `verify`'s options from its flags, the engine's environment and the config file, in one pure
 * function: flags beat the environment (the `--env-file`, else the environment verify runs in),
 * which beats the config file's `verify:` section, which beats the defaults.
 */
import path from 'node:path';
import { KrishivError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { parseTime } from '../util/time.js';
import { redactUrlPasswords } from '../util/secret.js';
import { mutuallyExclusive, positiveDuration } from '../util/validators.js';
import { ENGINE_LEEWAY_SEC, parseRole, type Role } from '../jwt/coordinator-rules.js';
import type { JwtEnvSettings } from '../jwt/env-file.js';

export interface VerifyFlags {
  jwks?: string;
  oidcIssuer?: string;
  envFile?: string;
  audience?: string;
  issuer?: string;
  leeway?: string;
  now?: string;
  requireRole?: string;
  production?: boolean;
  strict?: boolean;
  timeout?: string;
  allowHttp?: boolean;
  batch?: string;
  ca?: string;
}

/** The coordinator's three JWT variables, and where they were read. */
export interface EngineEnv {
  settings: JwtEnvSettings;
  /** the env file's path, or undefined for the environment verify runs in */
  file: string | undefined;
}

export interface VerifyConfig {
  /** the config file's path (relative `jwks` paths are relative to it) */
  file: string | undefined;
  verify?: { jwks?: string; oidcIssuer?: string; audience?: string; leewayMs?: number; timeoutMs?: number };
}

export interface VerifyOptions {
  source: { kind: 'jwks'; location: string } | { kind: 'oidc'; issuer: string };
  audience: string | undefined;
  production: boolean;
  leewaySec: number;
  timeoutMs: number;
  /** --now, or undefined for the clock */
  now: Date | undefined;
  requireRole: Role | undefined;
  issuer: string | undefined;
  strict: boolean;
  allowHttp: boolean;
  caFile: string | undefined;
  batchFile: string | undefined;
  /** for people: which settings came from the environment */
  notes: string[];
}

const isHttpUrl = (text: string): boolean => /^https?:\/\//i.test(text);

export function resolveVerifyOptions(flags: VerifyFlags, env: EngineEnv | undefined, config: VerifyConfig): VerifyOptions {
  mutuallyExclusive({ '--jwks': flags.jwks, '--oidc-issuer': flags.oidcIssuer });
  const c = config.verify ?? {};
  const notes: string[] = [];
  const used: string[] = [];
  let requireRole: Role | undefined;
  if (flags.requireRole !== undefined) {
    requireRole = parseRole(flags.requireRole);
    if (!requireRole)
      throw new KrishivError('ERR_USAGE', `"${flags.requireRole}" is not a role (reader, writer, admin)`, { input: '--require-role' });
  }
  const timeoutMs = flags.timeout !== undefined ? positiveDuration(flags.timeout, '--timeout') : (c.timeoutMs ?? 10_000);
  if (timeoutMs <= 0)
    throw new KrishivError('ERR_INVALID_DURATION', 'must be more than 0', { input: `${config.file ?? 'config'}: verify.timeout` });

  let audience = flags.audience;
  let production = Boolean(flags.production);
  let source: VerifyOptions['source'] | undefined =
    flags.jwks !== undefined
      ? { kind: 'jwks', location: flags.jwks }
      : flags.oidcIssuer !== undefined
        ? { kind: 'oidc', issuer: flags.oidcIssuer }
        : undefined;
  if (env !== undefined) {
    const s = env.settings;
    if (audience === undefined && s.audience !== undefined) used.push('KRISHIV_OIDC_AUDIENCE');
    if (!production && s.production) used.push('KRISHIV_PRODUCTION');
    audience ??= s.audience;
    production ||= s.production;
    if (source === undefined) {
      if (s.jwksUri === undefined) {
        if (env.file !== undefined) {
          throw new KrishivError(
            'ERR_USAGE',
            'does not set KRISHIV_OIDC_JWKS_URI, so the engine does not enable JWT; give --jwks or --oidc-issuer',
            { input: env.file },
          );
        }
      } else if (!isHttpUrl(s.jwksUri)) {
        throw new KrishivError(
          'ERR_USAGE',
          `KRISHIV_OIDC_JWKS_URI is not an http(s) URL (${s.jwksUri === '' ? 'empty' : `"${redactUrlPasswords(s.jwksUri).slice(0, 80)}"`}): the engine cannot fetch it and would not install JWT auth`,
          { input: env.file ?? 'the environment' },
        );
      } else {
        source = { kind: 'jwks', location: s.jwksUri };
        used.push('KRISHIV_OIDC_JWKS_URI');
      }
    }
    if (env.file === undefined && used.length > 0)
      notes.push(`note: ${used.join(', ')} taken from the environment (flags beat it; it beats the config file)`);
  }
  audience ??= c.audience;
  if (source === undefined) {
    if (c.jwks !== undefined && c.oidcIssuer !== undefined) {
      throw new KrishivError(
        'ERR_USAGE',
        'the config file sets both verify.jwks and verify.oidcIssuer; keep one, or give --jwks / --oidc-issuer',
        { input: config.file ?? 'config' },
      );
    }
    // paths inside a config file are relative to that file's directory
    if (c.jwks !== undefined)
      source = {
        kind: 'jwks',
        location: isHttpUrl(c.jwks) || config.file === undefined ? c.jwks : path.resolve(path.dirname(config.file), c.jwks),
      };
    else if (c.oidcIssuer !== undefined) source = { kind: 'oidc', issuer: c.oidcIssuer };
  }
  if (source === undefined) {
    throw new KrishivError(
      'ERR_USAGE',
      'no key set: give --jwks <file|url>, --oidc-issuer <url>, --env-file <file>, or verify.jwks in the config file',
    );
  }
  return {
    source,
    audience,
    production,
    leewaySec:
      flags.leeway !== undefined
        ? parseDuration(flags.leeway, '--leeway') / 1000
        : c.leewayMs !== undefined
          ? c.leewayMs / 1000
          : ENGINE_LEEWAY_SEC,
    timeoutMs,
    now: flags.now !== undefined ? parseTime(flags.now, '--now') : undefined,
    requireRole,
    issuer: flags.issuer,
    strict: Boolean(flags.strict),
    allowHttp: Boolean(flags.allowHttp),
    caFile: flags.ca,
    batchFile: flags.batch,
    notes,
  };
}
