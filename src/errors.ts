/**
 * One error type for everything the tool can explain to a user. A `KrishivError` is an
 * expected failure (bad input, unreadable file, network trouble, usage); anything else
 * that escapes a command is a bug and maps to exit code 70.
 */

/** Stable error codes. Add codes here; never rename one that has shipped. */
export type ErrorCode =
  // usage and the CLI frame
  | 'ERR_USAGE'
  | 'ERR_UNKNOWN_COMMAND'
  | 'ERR_INVALID_DURATION'
  | 'ERR_INVALID_TIME'
  // configuration
  | 'ERR_CONFIG_READ'
  | 'ERR_CONFIG_PARSE'
  | 'ERR_CONFIG_INVALID'
  // files
  | 'ERR_FILE_READ'
  | 'ERR_FILE_WRITE'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_TOO_LARGE'
  | 'ERR_FILE_EXISTS'
  | 'ERR_FILE_UNSAFE'
  | 'ERR_OUTPUT_WRITE'
  // env files and the production check
  | 'ERR_ENV_PARSE'
  | 'ERR_ENV_READ'
  | 'ERR_CLI_FLAGS_PARSE'
  | 'ERR_WAIVER_INVALID'
  | 'ERR_CHECK_UNKNOWN'
  // deployment artefacts (--manifest, --unit) and baselines
  | 'ERR_MANIFEST_READ'
  | 'ERR_MANIFEST_PARSE'
  | 'ERR_RENDERER_MISSING'
  | 'ERR_RENDER_FAILED'
  | 'ERR_UNIT_READ'
  | 'ERR_UNIT_PARSE'
  | 'ERR_BASELINE_INVALID'
  // tokens, JWTs and JWKS
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_JWKS_MALFORMED'
  | 'ERR_JWKS_FETCH'
  | 'ERR_OIDC_DISCOVERY'
  | 'ERR_JWK_INVALID'
  | 'ERR_URL_INVALID'
  | 'ERR_INSECURE_URL'
  // keys and the key store
  | 'ERR_STORE_CORRUPT'
  | 'ERR_STORE_VERSION'
  | 'ERR_STORE_LOCKED'
  | 'ERR_KEY_MALFORMED'
  | 'ERR_KEY_ID_COLLISION'
  | 'ERR_KID_DUPLICATE'
  | 'ERR_KEY_UNKNOWN'
  | 'ERR_KEY_AMBIGUOUS'
  | 'ERR_KEY_ALREADY_REVOKED'
  // rotation
  | 'ERR_ROTATE_REFUSED'
  | 'ERR_ROTATE_STATE'
  | 'ERR_ROTATE_LOCKED'
  | 'ERR_K8S_SECRET_MOUNT'
  | 'ERR_TOKENS_FILE_INVALID'
  // probe / network
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_TLS'
  // anything else
  | 'ERR_INTERNAL';

/** Process exit codes of the contract (cli-contract.md, "Exit codes"). */
export const EXIT = Object.freeze({
  OK: 0,
  /** The answer is "no": rejected token, failed check, refused state change. */
  FAILED: 1,
  /** Could not answer: usage, unreadable or malformed input, network failure. */
  INPUT: 2,
  /** A bug in krishiv-auth. */
  INTERNAL: 70,
});
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface KrishivErrorOptions {
  /** The input the error is about: a file path, URL, flag or `<stdin>`. Never a secret. */
  input?: string;
  /** The underlying error, shown only with --debug. */
  cause?: unknown;
  /** Structured details for JSON output. Must not contain secrets. */
  details?: Record<string, unknown>;
  /** Exit code override: refusals of a state change exit 1 rather than 2. */
  exitCode?: ExitCode;
}

export class KrishivError extends Error {
  override readonly name = 'KrishivError';
  readonly code: ErrorCode;
  readonly input: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options: KrishivErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.input = options.input;
    this.details = options.details;
    this.exitCode = options.exitCode ?? (code === 'ERR_INTERNAL' ? EXIT.INTERNAL : EXIT.INPUT);
  }

  /** The JSON form of the contract: `{code, message, input}` (plus details when present). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.input !== undefined) out['input'] = this.input;
    if (this.details !== undefined) out['details'] = this.details;
    return out;
  }
}

/**
 * The class has one home per process (dist/main.cjs, scripts/build.mjs; test/e2e/bundles.test.ts),
 * so `instanceof KrishivError` holds across bundles; this is the same test as a function.
 */
export function isKrishivError(value: unknown): value is KrishivError {
  return value instanceof KrishivError;
}

/** A short description of a Node system error (`ENOENT: no such file or directory`) without the path. */
export function describeSystemError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const code = error.code;
    const known: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EISDIR: 'is a directory, not a file',
      ENOTDIR: 'a parent of this path is not a directory',
      EEXIST: 'already exists',
      ENOSPC: 'no space left on device',
      EPIPE: 'broken pipe (the reader went away)',
      EBADF: 'the descriptor is closed',
      EROFS: 'read-only file system',
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset by peer',
      ETIMEDOUT: 'timed out',
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'host name lookup failed (temporary)',
      EHOSTUNREACH: 'host unreachable',
    };
    return known[code] ?? code;
  }
  return error instanceof Error ? error.message : String(error);
}
