/**
 * Data of the probe: what it was asked (targets, credentials, limits) and what it found
 * (one result per check, with the evidence of the requests behind it). Pure types.
 */
import type { Secret } from '../util/secret.js';

export type CheckId =
  | 'health'
  | 'readiness'
  | 'tls'
  | 'api_requires_auth'
  | 'api_rejects_invalid'
  | 'api_accepts_token'
  | 'ui_requires_token'
  | 'ui_accepts_token'
  | 'grpc_requires_auth'
  | 'flight_requires_auth'
  | 'flight_accepts_key'
  | 'shuffle_requires_auth'
  | 'shuffle_accepts_token'
  | 'executor_requires_auth'
  | 'executor_accepts_token'
  | 'jwks'
  | 'oidc_discovery';

/** The order checks are reported in. */
export const CHECK_IDS: readonly CheckId[] = [
  'health',
  'readiness',
  'tls',
  'api_requires_auth',
  'api_rejects_invalid',
  'api_accepts_token',
  'ui_requires_token',
  'ui_accepts_token',
  'grpc_requires_auth',
  'flight_requires_auth',
  'flight_accepts_key',
  'shuffle_requires_auth',
  'shuffle_accepts_token',
  'executor_requires_auth',
  'executor_accepts_token',
  'jwks',
  'oidc_discovery',
];

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * How a request ended: an HTTP answer (whatever its status), or one of the ways it could
 * not get one. "unreachable", "timeout" and "tls" are never confused with a rejection (a 401).
 */
export type RequestOutcome = 'answered' | 'unreachable' | 'timeout' | 'tls' | 'error';

/** One request the probe made. Never holds a credential: the Authorization header is shown by fingerprint. */
export interface Evidence {
  method: string;
  /** HTTP path as requested (a base path such as `/ui` kept), or the gRPC method path */
  path: string;
  /** the address called, when it is not the target URL (`host:port` of a gRPC surface, the shuffle service origin) */
  target?: string;
  /** HTTP status (for gRPC: the grpc-status), null when there was no answer */
  status: number | null;
  latencyMs: number | null;
  outcome: RequestOutcome;
  /** the response header that matters for the verdict (`WWW-Authenticate: Bearer`, `Location: …`) */
  header?: string;
  /** what was sent as credentials: `Bearer bearer:<hex>` (engine fingerprint), never the token */
  authorization?: string;
  /** the start of a non-2xx text body (the engine's reason), at most 200 characters */
  body?: string;
  /** gRPC only: the grpc-message and HTTP/2 :status */
  grpcMessage?: string;
  httpStatus?: number;
  /** the error when there was no answer */
  error?: { code: string; message: string };
  /** the other requests of a check that made several */
  more?: Evidence[];
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  message: string;
  evidence: Evidence | null;
}

export interface TargetResult {
  url: string;
  ok: boolean;
  checks: CheckResult[];
}

export interface ProbeReport {
  ok: boolean;
  targets: TargetResult[];
}

export interface ProbeTarget {
  /** the coordinator HTTP base URL (no credentials in it) */
  url: URL;
  /** coordinator gRPC `host:port` for grpc_requires_auth */
  grpc?: string;
  /** Flight SQL `host:port` (flight_*) */
  flight?: string;
  /** the executors' shuffle Flight service `host:port` (shuffle_*) */
  shuffle?: string;
  /** the standalone shuffle service, HTTP (shuffle_*) */
  shuffleSvc?: URL;
  /** executor task gRPC `host:port` (executor_*) */
  executor?: string;
  /** executor barrier gRPC `host:port` (executor_*) */
  barrier?: string;
  /** false: no coordinator URL was given, only other surfaces: the coordinator's HTTP checks are skipped */
  coordinatorHttp?: boolean;
  /** how the target is shown when it has no coordinator URL (its first surface address) */
  label?: string;
  /** this target's own credentials (from its `--targets` line); each kind given here replaces the global one */
  credentials?: ProbeCredentials;
}

export interface ProbeCredentials {
  /** coordinator bearer token (HTTP API and gRPC) */
  token?: Secret;
  /** embedded UI token */
  uiToken?: Secret;
  /** Flight SQL API key (one of KRISHIV_API_KEYS), sent only to Flight SQL */
  apiKey?: Secret;
  /** shuffle token, sent only to the shuffle Flight service and the standalone shuffle service */
  shuffleToken?: Secret;
  /** executor task token, sent only to executor task and barrier gRPC */
  taskToken?: Secret;
}

export interface JwksConfig {
  /** KRISHIV_OIDC_JWKS_URI or --jwks (an http(s) URL, validated) */
  jwksUrl?: string;
  /** where jwksUrl came from, for messages: `--jwks` or `KRISHIV_OIDC_JWKS_URI` */
  jwksFrom?: string;
  /**
   * Set when the env file has KRISHIV_OIDC_JWKS_URI empty (and no --jwks): where it is set. The engine's
   * check is presence only (surface §1), so the coordinator tries to fetch "" and runs without JWT.
   */
  blankFrom?: string;
  /** --oidc-issuer, exactly as given (discovery compares it byte for byte) */
  issuer?: string;
}

export interface ProbeOptions {
  targets: ProbeTarget[];
  credentials: ProbeCredentials;
  jwks: JwksConfig;
  /** per request */
  timeoutMs: number;
  /** targets at once */
  concurrency: number;
  /** extra attempts after a network error or timeout (never after an HTTP answer) */
  retries: number;
  /** PEM CA bundle for https targets */
  ca?: string;
  /** days before expiry under which the tls check warns */
  tlsWarnDays: number;
}
