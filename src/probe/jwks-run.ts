/**
 * Builds the JwksProbe for a run. Until the shared JWKS analysis (src/jwt/jwks.ts) is
 * merged, the configured case is evaluated by `evaluateJwksChecks` in jwks-check.ts.
 */
import { isJwksConfigured, memoJwksProbe, notConfiguredJwksResults, type JwksProbe } from './jwks-check.js';
import type { JwksConfig } from './types.js';

export interface JwksRunOptions {
  timeoutMs: number;
  allowHttp: boolean;
  ca?: string;
}

export function createJwksProbe(config: JwksConfig, _options: JwksRunOptions): JwksProbe {
  if (!isJwksConfigured(config)) return memoJwksProbe(async () => notConfiguredJwksResults());
  return memoJwksProbe(async () => notConfiguredJwksResults());
}
