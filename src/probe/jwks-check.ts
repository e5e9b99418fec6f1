/**
 * The `jwks` and `oidc_discovery` checks. They do not depend on the target: the JWKS the
 * coordinator loads (KRISHIV_OIDC_JWKS_URI, or --jwks) and the issuer's discovery document
 * are fetched once per run and the same verdict is reported under every target.
 *
 * One implementation of the engine's key rules: the analysis, loading and discovery are
 * src/jwt/coordinator-jwks.ts (`loadJwks`, `discoverOidc`, `analyzeJwks`); this module only turns their
 * answers and errors into check results.
 */
import { KrishivError, isKrishivError } from '../errors.js';
import type { DocumentFetcher, LoadedJwks, OidcDiscovery } from '../jwt/coordinator-jwks.js';
import type { CheckResult, Evidence, JwksConfig, RequestOutcome } from './types.js';

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
  return config.jwksUrl !== undefined || config.blankFrom !== undefined || config.issuer !== undefined;
}

/** The JWKS functions the checks call (src/jwt/coordinator-jwks.ts in production; a seam for tests). */
export interface JwksLoader {
  loadJwks(source: string): Promise<LoadedJwks>;
  discoverOidc(issuer: string): Promise<OidcDiscovery>;
}

/** What the fetcher saw, by URL: for the evidence (status, latency). */
export type FetchLog = Map<string, { status: number | null; latencyMs: number | null; error?: KrishivError }>;

/** Wraps a fetcher so every fetch leaves its status and latency in `log`. */
export function loggingFetcher(inner: DocumentFetcher, log: FetchLog, now: () => number = () => performance.now()): DocumentFetcher {
  return async (url, options) => {
    const started = now();
    try {
      const res = await inner(url, options);
      log.set(url.toString(), { status: res.status, latencyMs: Math.round((now() - started) * 10) / 10 });
      return res;
    } catch (error) {
      const entry: { status: number | null; latencyMs: number | null; error?: KrishivError } = { status: null, latencyMs: null };
      if (isKrishivError(error)) entry.error = error;
      log.set(url.toString(), entry);
      throw error;
    }
  };
}

function outcomeFor(error: KrishivError | undefined): RequestOutcome {
  if (!error) return 'answered';
  if (error.code === 'ERR_TIMEOUT') return 'timeout';
  if (error.code === 'ERR_TLS') return 'tls';
  if (error.code === 'ERR_NETWORK' && error.message.startsWith('unreachable')) return 'unreachable';
  return 'error';
}

function evidenceFor(url: string, log: FetchLog, error?: KrishivError): Evidence {
  let shown = url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    shown = u.toString();
  } catch {
    /* keep as given */
  }
  const seen = log.get(url) ?? log.get(shown);
  const ev: Evidence = {
    method: 'GET',
    path: shown,
    status: seen?.status ?? null,
    latencyMs: seen?.latencyMs ?? null,
    outcome: outcomeFor(seen?.error),
  };
  const e = seen?.error ?? error;
  if (e) ev.error = { code: e.code, message: e.message };
  return ev;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function evaluateJwksChecks(config: JwksConfig, loader: JwksLoader, log: FetchLog): Promise<CheckResult[]> {
  let oidc: CheckResult;
  let discovered: OidcDiscovery | undefined;
  if (config.issuer === undefined) {
    oidc = notConfiguredJwksResults()[1]!;
  } else {
    const discoveryUrl = `${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      discovered = await loader.discoverOidc(config.issuer);
      const ev = evidenceFor(discoveryUrl, log);
      if (config.jwksUrl !== undefined && config.jwksUrl !== discovered.jwksUri) {
        oidc = {
          id: 'oidc_discovery',
          status: 'warn',
          message: `issuer matches, but its jwks_uri (${discovered.jwksUri}) is not the JWKS the coordinator loads (${config.jwksFrom ?? '--jwks'}=${config.jwksUrl})`,
          evidence: ev,
        };
      } else {
        oidc = {
          id: 'oidc_discovery',
          status: 'pass',
          message: `issuer "${discovered.issuer}" matches; jwks_uri ${discovered.jwksUri}`,
          evidence: ev,
        };
      }
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      oidc = { id: 'oidc_discovery', status: 'fail', message: describe(error), evidence: evidenceFor(discoveryUrl, log, error) };
    }
  }

  const source = config.jwksUrl ?? discovered?.jwksUri;
  let jwks: CheckResult;
  if (config.blankFrom !== undefined) {
    jwks = {
      id: 'jwks',
      status: 'fail',
      message: `${config.blankFrom} is set but empty: the coordinator counts it as set, tries to fetch it at start, fails ("failed to load OIDC JWKS") and runs without JWT auth (crates/krishiv-scheduler/src/auth.rs:812); set the JWKS URL or remove the variable`,
      evidence: null,
    };
  } else if (source === undefined) {
    jwks =
      config.issuer === undefined
        ? notConfiguredJwksResults()[0]!
        : { id: 'jwks', status: 'skip', message: 'not checked: no jwks_uri (see oidc_discovery)', evidence: null };
  } else {
    try {
      const loaded = await loader.loadJwks(source);
      jwks = judgeJwks(loaded, evidenceFor(source, log));
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      jwks = { id: 'jwks', status: 'fail', message: describe(error), evidence: evidenceFor(source, log, error) };
    }
  }
  return [jwks, oidc];
}

/** The engine's view of a loaded set (surface §5.1–5.2), as a check. */
function judgeJwks(loaded: LoadedJwks, evidence: Evidence): CheckResult {
  const a = loaded.analysis;
  const where = loaded.source.location;
  if (a.wholeSetUnparseable || !a.installable) {
    return {
      id: 'jwks',
      status: 'fail',
      message: `the coordinator would not install JWT auth from ${where}: ${a.problems.join('; ')}`,
      evidence,
    };
  }
  if (a.mixedFamilies) {
    return {
      id: 'jwks',
      status: 'fail',
      message: `mixed key families (${a.families.join(', ')}) in ${where}: the coordinator rejects every token with this set (crates/krishiv-scheduler/src/auth.rs:743-760)`,
      evidence,
    };
  }
  const summary = `${a.totals.usable} usable key(s) of ${a.totals.keys} (${a.families.join(', ')}: ${a.algorithms.join(', ')})`;
  const notes = [...a.problems, ...loaded.notes];
  if (notes.length) return { id: 'jwks', status: 'warn', message: `${summary}; ${notes.join('; ')}`, evidence };
  return { id: 'jwks', status: 'pass', message: summary, evidence };
}
