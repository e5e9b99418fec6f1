/**
 * Builds the JwksProbe for a run on the real network: src/jwt/coordinator-jwks.ts for loading,
 * discovery and the engine's key rules; src/io/http.ts (same-origin redirects only, size
 * cap, --ca) for the fetches.
 */
import {
  evaluateJwksChecks,
  isJwksConfigured,
  loggingFetcher,
  memoJwksProbe,
  notConfiguredJwksResults,
  type FetchLog,
  type JwksProbe,
} from './jwks-check.js';
import type { JwksConfig } from './types.js';

export interface JwksRunOptions {
  timeoutMs: number;
  allowHttp: boolean;
  ca?: string;
}

export function createJwksProbe(config: JwksConfig, options: JwksRunOptions): JwksProbe {
  if (!isJwksConfigured(config)) return memoJwksProbe(async () => notConfiguredJwksResults());
  return memoJwksProbe(async () => {
    const [{ loadJwks, discoverOidc, JWKS_MAX_BYTES }, { getDocument }] = await Promise.all([
      import('../jwt/coordinator-jwks.js'),
      import('../io/http.js'),
    ]);
    const log: FetchLog = new Map();
    const fetcher = loggingFetcher(async (url, o) => {
      const res = await getDocument(url, { timeoutMs: o.timeoutMs, maxBytes: JWKS_MAX_BYTES, ...(options.ca ? { ca: options.ca } : {}) });
      return { url: res.url, status: res.status, body: res.body };
    }, log);
    const loadOptions = { timeoutMs: options.timeoutMs, allowHttp: options.allowHttp, fetcher };
    return evaluateJwksChecks(
      config,
      { loadJwks: (s) => loadJwks(s, loadOptions), discoverOidc: (i) => discoverOidc(i, loadOptions) },
      log,
    );
  });
}
