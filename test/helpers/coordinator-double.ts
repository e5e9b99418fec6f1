/**
 * THE coordinator double (the only one: probe tests, rotate --confirm tests, the probe benchmark):
 * real servers on 127.0.0.1
 * (port 0) that answer the way the engine does (surface §6.1–6.3), to the letter, and can
 * be configured into each misconfiguration the probe must catch.
 *
 * - HTTP (node:http): anonymous /healthz, /leaderz, /readyz, /metrics; /api/v1/** behind
 *   the coordinator bearer middleware (http_auth.rs: exact 401 bodies, WWW-Authenticate
 *   only when the token is missing, case-insensitive `bearer ` prefix, rest trimmed); the
 *   embedded UI behind the UI token (router.rs: its own 401 bodies, rest NOT trimmed, the
 *   security headers, the token embedded in pages as the real UI does).
 * - gRPC (node:http2, h2c): the coordinator auth interceptor's statuses and messages.
 * - optionally the anonymous liveness listener (`/healthz` only).
 * - optionally the other authenticated surfaces (`surfaces`), each on its own port: Flight SQL, the
 *   executors' shuffle Flight service, the standalone shuffle service (HTTP), executor task gRPC and
 *   barrier gRPC, each answering as the engine's source does (the lines are cited at each answer).
 * - faults: answer every request after N ms, or never answer.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createH2Server, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

export const DOUBLE_TOKEN = 'coord-secret-3b1f0c9e7d2a4b68';
export const DOUBLE_UI_TOKEN = 'ui-secret-9a7c5e3f1b0d2468';

export const BODY = {
  missing: 'missing bearer token',
  invalid: 'invalid bearer token',
  noTokens: 'coordinator HTTP auth is required but no bearer tokens are configured',
  uiNotConfigured: 'authentication not configured',
} as const;

export const GRPC_MESSAGES = {
  missing: 'missing Bearer token',
  invalid: 'invalid API key',
  deny: 'gRPC auth: no provider configured and anonymous access is denied by default; set KRISHIV_ALLOW_ANONYMOUS or deploy an auth provider',
} as const;

export const UI_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export interface CoordinatorDoubleOptions {
  /** static coordinator tokens for HTTP (default [DOUBLE_TOKEN]); [] = "no tokens configured" */
  tokens?: string[];
  /** false = the bearer middleware is not installed (not fail-closed, or KRISHIV_ALLOW_ANONYMOUS_HTTP) */
  httpAuthRequired?: boolean;
  /**
   * The UI's expected token: a string = protected; '' = UI auth required without a token
   * (fail-closed, DENY: `authentication not configured`); null = anonymous UI. Default DOUBLE_UI_TOKEN.
   */
  uiToken?: string | null;
  /** the UI is not served at all (KRISHIV_UI=off) */
  uiOff?: boolean;
  /** POST /api/v1/sql served without the UI token check (an open SQL endpoint) */
  openSql?: boolean;
  /** 503 reason for /readyz (default: ready) */
  notReady?: string;
  /** start the gRPC server (default true) */
  grpc?: boolean;
  /** gRPC auth: 'tokens' (default) uses `grpcTokens`, 'open' lets anonymous calls through, 'deny' = no provider */
  grpcMode?: 'tokens' | 'open' | 'deny';
  /**
   * gRPC static tokens (default: same as `tokens`, else [DOUBLE_TOKEN]). A function is asked at every
   * call: coordinator gRPC reloads its token files (rotate tests choose the reload model).
   */
  grpcTokens?: string[] | (() => string[]);
  /** the other authenticated surfaces to start */
  surfaces?: SurfaceOptions;
  /** start the liveness listener */
  liveness?: boolean;
  /** answer every HTTP request and gRPC call after this many ms */
  delayMs?: number;
  /** accept connections but never answer */
  hang?: boolean;
  /** listen on this port (default 0) */
  port?: number;
  /** serve HTTPS with this key and certificate (PEM), as a TLS-terminating proxy in front would */
  tls?: { key: string; cert: string };
}

export interface CoordinatorDouble {
  url: string;
  port: number;
  /** `127.0.0.1:<port>` of the gRPC server, when started */
  grpcTarget?: string;
  livenessUrl?: string;
  /** every HTTP request seen: method, path and the Authorization header */
  requests: { method: string; path: string; authorization?: string; body: string }[];
  /** gRPC calls the coordinator gRPC server answered */
  readonly grpcCalls: number;
  /** the addresses of the surfaces started (`host:port`; the shuffle service a URL) */
  surfaces: { flight?: string; shuffle?: string; shuffleSvc?: string; executor?: string; barrier?: string };
  /** every call a surface received: which surface, the path, the Authorization header, request bytes */
  surfaceCalls: SurfaceCall[];
  close(): Promise<void>;
}

/** The misconfigurations the probe must catch, by name, and the check that names each. */
export const MISCONFIGURATIONS: Record<string, { options: CoordinatorDoubleOptions; failing: string[] }> = {
  anonymous_control_plane: { options: { httpAuthRequired: false }, failing: ['api_requires_auth'] },
  no_tokens_configured: { options: { tokens: [] }, failing: ['api_requires_auth'] },
  open_ui: { options: { uiToken: null }, failing: ['ui_requires_token'] },
  open_sql_endpoint: { options: { openSql: true }, failing: ['ui_requires_token'] },
  ui_token_missing_fail_closed: { options: { uiToken: '' }, failing: ['ui_requires_token'] },
  grpc_open: { options: { grpcMode: 'open' }, failing: ['grpc_requires_auth'] },
};

/** http_auth.rs:37-44: value length > 7, first 7 bytes case-insensitively `bearer `, rest trimmed. */
export function coordinatorHttpBearer(value: string | undefined): string | undefined {
  if (value === undefined || !/^[\x20-\x7e\t]*$/.test(value)) return undefined;
  if (value.length <= 7 || value.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return value.slice(7).trim();
}

/** router.rs:232-248: same prefix test, rest not trimmed. */
export function uiBearer(value: string | undefined): string | undefined {
  if (value === undefined || !/^[\x20-\x7e\t]*$/.test(value)) return undefined;
  if (value.length < 7 || value.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return value.slice(7);
}

/** auth_util.rs:20-25: exactly `Bearer `, rest trimmed, empty = missing. */
export function grpcBearer(value: string | undefined): string | undefined {
  if (value === undefined || !value.startsWith('Bearer ')) return undefined;
  const rest = value.slice(7).trim();
  return rest === '' ? undefined : rest;
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The protected coordinator routes (coordinator_daemon.rs:564-644; ivm_http.rs; queryable_state_http.rs). Others are 404. */
const COORDINATOR_ROUTES: RegExp[] = [
  /^\/api\/v1\/jobs$/,
  /^\/api\/v1\/jobs\/[^/]+(\/(cancel|stages))?$/,
  /^\/api\/v1\/executors$/,
  /^\/api\/v1\/executors\/[^/]+\/reset$/,
  /^\/api\/v1\/batch-sql\/(submit|[^/]+)$/,
  /^\/api\/v1\/bounded-window$/,
  /^\/api\/v1\/continuous(\/[^/]+(\/(checkpoint|restore|stop-with-savepoint))?)?$/,
  /^\/api\/v1\/continuous-(register|register-sql|push|drain)$/,
  /^\/api\/v1\/ivm\/jobs(\/.*)?$/,
  /^\/api\/v1\/jobs\/[^/]+\/state\/[^/]+(\/[^/]+\/[^/]+)?$/,
];

const UI_ASSETS = ['krishiv.css', 'krishiv-auth.js', 'krishiv-live.js', 'krishiv-sql.js'];

function isUiProtected(method: string, path: string): boolean {
  if (path === '/' || path === '/ui' || path.startsWith('/ui/')) return method === 'GET';
  if (path === '/api/v1/sql') return true;
  if (path === '/api/v1/queues' || path === '/api/v1/history' || path.startsWith('/api/v1/history/')) return true;
  return /^\/api\/v1\/jobs\/[^/]+\/diagnose$/.test(path);
}

export async function startCoordinatorDouble(options: CoordinatorDoubleOptions = {}): Promise<CoordinatorDouble> {
  const tokens = options.tokens ?? [DOUBLE_TOKEN];
  const httpAuthRequired = options.httpAuthRequired ?? true;
  const uiToken = options.uiToken === undefined ? DOUBLE_UI_TOKEN : options.uiToken;
  const grpcTokenList = options.grpcTokens ?? (tokens.length ? tokens : [DOUBLE_TOKEN]);
  const grpcTokens = (): string[] => (typeof grpcTokenList === 'function' ? grpcTokenList() : grpcTokenList);
  const grpcState = { calls: 0 };
  const requests: CoordinatorDouble['requests'] = [];
  const sockets = new Set<Socket>();

  const coordinatorAuth = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!httpAuthRequired) return true;
    if (tokens.length === 0) {
      text(res, 401, BODY.noTokens);
      return false;
    }
    const presented = coordinatorHttpBearer(req.headers.authorization);
    if (presented === undefined) {
      text(res, 401, BODY.missing, { 'www-authenticate': 'Bearer' });
      return false;
    }
    if (!tokens.some((t) => t !== '' && t === presented)) {
      text(res, 401, BODY.invalid);
      return false;
    }
    return true;
  };

  const uiAuth = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (uiToken === null) return true;
    if (uiToken === '') {
      text(res, 401, BODY.uiNotConfigured, UI_SECURITY_HEADERS);
      return false;
    }
    const presented = uiBearer(req.headers.authorization);
    if (presented === undefined) {
      text(res, 401, BODY.missing, { 'www-authenticate': 'Bearer', ...UI_SECURITY_HEADERS });
      return false;
    }
    if (presented !== uiToken) {
      text(res, 401, BODY.invalid, UI_SECURITY_HEADERS);
      return false;
    }
    return true;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://double').pathname;
    // Anonymous routes (coordinator_daemon.rs:550-562).
    if (path === '/healthz' && method === 'GET') return text(res, 200, 'ok\n');
    if (path === '/leaderz' && method === 'GET') return text(res, 200, 'leader\n');
    if (path === '/readyz' && method === 'GET') {
      return options.notReady ? text(res, 503, `${options.notReady}\n`) : text(res, 200, 'ready\n');
    }
    if (path === '/metrics' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end('# HELP krishiv_up 1 when the coordinator runs\n# TYPE krishiv_up gauge\nkrishiv_up 1\n');
      return;
    }
    if (!options.uiOff) {
      const asset = path.replace(/^\/ui/, '');
      if (method === 'GET' && asset.startsWith('/assets/') && UI_ASSETS.includes(asset.slice('/assets/'.length))) {
        res.writeHead(200, { 'content-type': asset.endsWith('.css') ? 'text/css' : 'text/javascript', ...UI_SECURITY_HEADERS });
        res.end('/* asset */\n');
        return;
      }
      if (path === '/api/v1/openapi.json' && method === 'GET') return json(res, 200, { openapi: '3.1.0' }, UI_SECURITY_HEADERS);
      if (isUiProtected(method, path) || (path === '/api/v1/sql' && method !== 'POST')) {
        if (path === '/api/v1/sql' && method !== 'POST') return text(res, 405, '', UI_SECURITY_HEADERS);
        const open = options.openSql && path === '/api/v1/sql';
        if (!open && !uiAuth(req, res)) return;
        if (path === '/') {
          res.writeHead(307, { location: '/ui', ...UI_SECURITY_HEADERS });
          res.end();
          return;
        }
        if (path === '/api/v1/sql') {
          // axum's Json extractor: the SQL never runs without a JSON body.
          if (!/^application\/json/i.test(req.headers['content-type'] ?? '')) {
            return text(res, 415, 'Expected request with `Content-Type: application/json`', UI_SECURITY_HEADERS);
          }
          if (body.trim() === '') return text(res, 400, 'Failed to parse the request body as JSON', UI_SECURITY_HEADERS);
          return json(res, 200, { columns: [], rows: [] }, UI_SECURITY_HEADERS);
        }
        if (path.startsWith('/api/')) return json(res, 200, [], UI_SECURITY_HEADERS);
        // The real UI embeds its token in every page (templates/auth_meta.html).
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...UI_SECURITY_HEADERS });
        res.end(
          `<!doctype html><html><head><meta name="krishiv-ui-token" content="${uiToken ?? ''}"><title>Krishiv</title></head><body>jobs</body></html>\n`,
        );
        return;
      }
    }
    // Coordinator API behind the bearer middleware (coordinator_daemon.rs:564-651).
    if (COORDINATOR_ROUTES.some((r) => r.test(path))) {
      if (!coordinatorAuth(req, res)) return;
      if (path === '/api/v1/jobs' && method === 'GET') return json(res, 200, []);
      if (path === '/api/v1/executors' && method === 'GET') return json(res, 200, []);
      return text(res, 404, '');
    }
    text(res, 404, '');
  };

  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: CoordinatorDouble['requests'][number] = { method: req.method ?? '', path: req.url ?? '', body };
      if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
      requests.push(entry);
      if (options.hang) return; // never answers
      if (options.delayMs) setTimeout(() => handle(req, res, body), options.delayMs);
      else handle(req, res, body);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer(listener);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  let h2: Http2Server | undefined;
  let grpcTarget: string | undefined;
  const h2Sessions = new Set<import('node:http2').ServerHttp2Session>();
  if (options.grpc ?? true) {
    h2 = createH2Server();
    h2.on('session', (session) => {
      h2Sessions.add(session);
      session.on('close', () => h2Sessions.delete(session));
    });
    h2.on('stream', (stream: ServerHttp2Stream, headers) => {
      stream.on('data', () => undefined);
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (options.hang) return;
        const answer = (): void => answerGrpc(stream, String(headers[':path'] ?? ''), headers['authorization']);
        if (options.delayMs) setTimeout(answer, options.delayMs);
        else answer();
      });
    });
    await listen(h2, 0);
    grpcTarget = `127.0.0.1:${(h2.address() as AddressInfo).port}`;
  }

  const answerGrpc = (stream: ServerHttp2Stream, path: string, authorization: string | string[] | undefined): void => {
    if (stream.destroyed) return;
    grpcState.calls++;
    const trailersOnly = (status: number, message: string): void => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeURIComponent(message) },
        { endStream: true },
      );
    };
    const mode = options.grpcMode ?? 'tokens';
    if (mode === 'deny') return trailersOnly(16, GRPC_MESSAGES.deny);
    if (mode === 'tokens') {
      const presented = grpcBearer(typeof authorization === 'string' ? authorization : undefined);
      if (presented === undefined) return trailersOnly(16, GRPC_MESSAGES.missing);
      if (!grpcTokens().includes(presented)) return trailersOnly(16, GRPC_MESSAGES.invalid);
    }
    if (
      !path.startsWith('/krishiv.transport.v1.CoordinatorManagement/') &&
      !path.startsWith('/krishiv.transport.v1.CoordinatorExecutor/')
    ) {
      return trailersOnly(12, '');
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  };

  let liveness: Server | undefined;
  let livenessUrl: string | undefined;
  if (options.liveness) {
    liveness = createServer((req, res) => {
      if (req.url === '/healthz' && req.method === 'GET') text(res, 200, 'ok\n');
      else text(res, 404, '');
    });
    await listen(liveness, 0);
    livenessUrl = `http://127.0.0.1:${(liveness.address() as AddressInfo).port}`;
  }

  const started = await startSurfaces(options.surfaces ?? {}, options);

  const result: CoordinatorDouble = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get grpcCalls() {
      return grpcState.calls;
    },
    surfaces: started.addresses,
    surfaceCalls: started.calls,
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const s of h2Sessions) s.destroy();
      await Promise.all([
        closeServer(server),
        ...(h2 ? [closeServer(h2)] : []),
        ...(liveness ? [closeServer(liveness)] : []),
        started.close(),
      ]);
    },
  };
  if (grpcTarget) result.grpcTarget = grpcTarget;
  if (livenessUrl) result.livenessUrl = livenessUrl;
  return result;
}

function listen(server: Server | Http2Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server | Http2Server): Promise<void> {
  return new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A port that was free a moment ago (nothing listens on it): for "connection refused". */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await listen(s, 0);
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// ───────────────────────────── the other authenticated surfaces ─────────────────────────────

/** Flight SQL as configured by configure_flight_auth_from_env (crates/krishiv-flight-sql/src/service.rs:1328-1360). */
export interface FlightOptions {
  /** the keys of KRISHIV_API_KEYS (undefined: not set, no auth provider) */
  keys?: string[];
  /** KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED=true: the allow-all policy is attached (service.rs:1343-1344) */
  policy?: boolean;
  /** a durable profile (profile_requires_authenticated_flight) */
  durable?: boolean;
}

export interface SurfaceOptions {
  flight?: FlightOptions;
  /** the executors' shuffle Flight service; `token`: the resolved, trimmed shuffle token (undefined: check off) */
  shuffle?: { token?: string };
  /** the standalone shuffle service; `token`: KRISHIV_SHUFFLE_TOKEN exactly as set, raw (undefined: unset) */
  shuffleSvc?: { token?: string };
  /** executor task gRPC; `token`: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN trimmed; `requireAuth`: KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH */
  executor?: { token?: string; requireAuth?: boolean };
  /** executor barrier gRPC, same settings as the task gRPC (crates/krishiv-executor/src/cli.rs:472-481) */
  barrier?: { token?: string; requireAuth?: boolean };
}

export interface SurfaceCall {
  surface: 'flight' | 'shuffle' | 'shuffleSvc' | 'executor' | 'barrier';
  path: string;
  authorization?: string;
  /** bytes of request body received (gRPC: framed messages) */
  bytes: number;
}

export const SURFACE_MESSAGES = {
  flightNoPolicy: 'auth is configured but no policy engine is set; configure a PolicyHook or use an unauthenticated service',
  flightDurable: 'Flight SQL auth is required under durable profiles; configure KRISHIV_API_KEYS',
  flightMissing: 'missing Bearer token',
  flightInvalid: 'invalid API key',
  shuffle: 'shuffle: missing or invalid bearer token (SEC-3)',
  executorMisconfigured: 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
  executorMissing: 'missing executor task bearer token',
  executorInvalid: 'invalid executor task bearer token',
  executorNoVersion: 'missing required field `version`',
  barrierUnconfigured: 'barrier auth required but no token configured',
  barrierMissing: 'missing barrier bearer token',
  barrierInvalid: 'invalid barrier bearer token',
  tonicNoMessage: 'Missing request message.',
} as const;

const FLIGHT_SERVICE = '/arrow.flight.protocol.FlightService/';

type GrpcAnswer = { status: number; message?: string; messages?: Buffer[] };

function grpcRespond(stream: ServerHttp2Stream, a: GrpcAnswer): void {
  if (stream.destroyed) return;
  const trailers: Record<string, string> = { 'grpc-status': String(a.status) };
  if (a.message) trailers['grpc-message'] = encodeURIComponent(a.message);
  if (!a.messages?.length) {
    // tonic answers an error (or an empty stream) "trailers-only"
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...trailers }, { endStream: true });
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end(Buffer.concat(a.messages.map((m) => Buffer.concat([Buffer.from([0]), lengthOf(m), m]))));
}

function lengthOf(m: Buffer): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(m.length, 0);
  return b;
}

/** Framed gRPC request messages in a body (each: flag, 4-byte length, bytes). */
function countMessages(body: Buffer): number {
  let n = 0;
  for (let i = 0; i + 5 <= body.length; n++) i += 5 + body.readUInt32BE(i + 1);
  return n;
}

function header1(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** krishiv_common::bearer_token (crates/krishiv-common/src/auth_util.rs:20-25). */
export const engineBearer = grpcBearer;

/**
 * Flight SQL's Handshake (crates/krishiv-flight-sql/src/service.rs:407-429 → authenticate_request :297-330).
 * Other FlightService methods are not modelled (the probe calls none): answered UNIMPLEMENTED.
 */
function answerFlight(o: FlightOptions, path: string, auth: string | undefined): GrpcAnswer {
  if (!path.startsWith(FLIGHT_SERVICE)) return { status: 12 }; // tonic: unknown service
  if (path !== `${FLIGHT_SERVICE}Handshake`) return { status: 12 };
  if (o.keys !== undefined) {
    // service.rs:304-309: auth without a policy engine denies every call, whatever the key
    if (!o.policy) return { status: 7, message: SURFACE_MESSAGES.flightNoPolicy };
    const token = grpcBearer(auth); // service.rs:321-326
    if (token === undefined) return { status: 16, message: SURFACE_MESSAGES.flightMissing };
    if (!o.keys.includes(token)) return { status: 16, message: SURFACE_MESSAGES.flightInvalid }; // service.rs:327-329
  } else if (o.durable) {
    return { status: 16, message: SURFACE_MESSAGES.flightDurable }; // service.rs:416-421
  }
  // service.rs:423-428: one HandshakeResponse{protocol_version: 0, payload: empty} = an empty message
  return { status: 0, messages: [Buffer.alloc(0)] };
}

/** The shuffle Flight service (crates/krishiv-shuffle/src/flight.rs:687-701; token_auth.rs:81-89): the interceptor runs for every path. */
function answerShuffle(o: { token?: string }, path: string, auth: string | undefined): GrpcAnswer {
  if (o.token !== undefined && auth !== `Bearer ${o.token}`) return { status: 16, message: SURFACE_MESSAGES.shuffle };
  if (path === `${FLIGHT_SERVICE}Handshake` || path === `${FLIGHT_SERVICE}ListFlights`) return { status: 0 }; // flight.rs:278-301: empty streams
  return { status: 12 };
}

/**
 * Executor task gRPC (crates/krishiv-executor/src/grpc.rs:493-513, :535-548). A unary method: tonic
 * decodes the one request message before the handler (no message: INTERNAL "Missing request message.").
 */
function answerExecutor(
  o: { token?: string; requireAuth?: boolean },
  path: string,
  auth: string | undefined,
  messages: number,
  bytes: number,
): GrpcAnswer {
  const service = '/krishiv.transport.v1.ExecutorTask/';
  if (!path.startsWith(service)) return { status: 12 };
  const method = path.slice(service.length);
  if (!['AssignTask', 'CancelTask', 'PushContinuousInput', 'DrainContinuousOutput'].includes(method)) return { status: 12 };
  if (messages === 0) return { status: 13, message: SURFACE_MESSAGES.tonicNoMessage };
  if (o.requireAuth && o.token === undefined) return { status: 16, message: SURFACE_MESSAGES.executorMisconfigured }; // grpc.rs:494-496
  if (o.token !== undefined) {
    const t = grpcBearer(auth);
    if (t === undefined) return { status: 16, message: SURFACE_MESSAGES.executorMissing }; // grpc.rs:509-511
    if (t !== o.token) return { status: 16, message: SURFACE_MESSAGES.executorInvalid }; // grpc.rs:506-508
  }
  // An empty request has no version: wire.rs:822 / :1058-1060 refuse it before anything is done.
  if (bytes <= 5) return { status: 3, message: SURFACE_MESSAGES.executorNoVersion };
  return { status: 0, messages: [Buffer.alloc(0)] };
}

/** Barrier gRPC (crates/krishiv-executor/src/barrier_grpc.rs:115-139, :184-198): a bidirectional stream. */
function answerBarrier(o: { token?: string; requireAuth?: boolean }, path: string, auth: string | undefined): GrpcAnswer {
  if (path !== '/krishiv.transport.v1.BarrierService/BarrierStream') return { status: 12 };
  if (o.requireAuth && o.token === undefined) return { status: 16, message: SURFACE_MESSAGES.barrierUnconfigured }; // :119-123
  if (o.token !== undefined) {
    const t = grpcBearer(auth);
    if (t === undefined) return { status: 16, message: SURFACE_MESSAGES.barrierMissing }; // :136-138
    if (t !== o.token) return { status: 16, message: SURFACE_MESSAGES.barrierInvalid }; // :133-135
  }
  // No barrier sent: the inbound loop ends at once and the ack stream closes OK (no ack).
  return { status: 0 };
}

async function startGrpcSurface(
  surface: SurfaceCall['surface'],
  calls: SurfaceCall[],
  answer: (path: string, auth: string | undefined, messages: number, bytes: number) => GrpcAnswer,
  fault: CoordinatorDoubleOptions,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = createH2Server();
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => undefined);
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = String(headers[':path'] ?? '');
      const auth = header1(headers['authorization']);
      const call: SurfaceCall = { surface, path, bytes: body.length };
      if (auth !== undefined) call.authorization = auth;
      calls.push(call);
      if (fault.hang) return;
      const go = (): void => grpcRespond(stream, answer(path, auth, countMessages(body), body.length));
      if (fault.delayMs) setTimeout(go, fault.delayMs);
      else go();
    });
  });
  await listen(server, 0);
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sessions) s.destroy();
      await closeServer(server);
    },
  };
}

/** The standalone shuffle service (crates/krishiv-shuffle/src/shuffle_svc.rs): only what the probe touches. */
async function startShuffleSvc(
  o: { token?: string },
  calls: SurfaceCall[],
  fault: CoordinatorDoubleOptions,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://double').pathname;
      const call: SurfaceCall = { surface: 'shuffleSvc', path, bytes: Buffer.concat(chunks).length };
      if (req.headers.authorization !== undefined) call.authorization = req.headers.authorization;
      calls.push(call);
      if (fault.hang) return;
      const go = (): void => {
        if (path === '/healthz' && req.method === 'GET') return text(res, 200, 'ok\n'); // shuffle_svc.rs:236
        const m = /^\/(shuffle|ess|ess\/merged)\/[^/]+\/[^/]+\/([^/]+)$/.exec(path);
        if (!m || req.method !== 'GET') return text(res, 404, '');
        // axum's Path extractor runs before the handler: a partition that is not a u32 is a 400.
        if (!/^\d{1,10}$/.test(m[2]!) || Number(m[2]) > 0xffffffff)
          return text(res, 400, 'Invalid URL: Cannot parse `partition` to a `u32`');
        // check_bearer_token (shuffle_svc.rs:515-533): the raw token against the presented one, trimmed; "" if none.
        if (o.token !== undefined) {
          const presented = grpcBearer(req.headers.authorization) ?? '';
          if (presented !== o.token) {
            res.writeHead(401, { 'content-length': '0' });
            res.end();
            return;
          }
        }
        res.writeHead(404, { 'content-length': '0' }); // no such job in the index / store
        res.end();
      };
      if (fault.delayMs) setTimeout(go, fault.delayMs);
      else go();
    });
  });
  await listen(server, 0);
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => closeServer(server),
  };
}

async function startSurfaces(
  o: SurfaceOptions,
  fault: CoordinatorDoubleOptions,
): Promise<{ addresses: CoordinatorDouble['surfaces']; calls: SurfaceCall[]; close(): Promise<void> }> {
  const calls: SurfaceCall[] = [];
  const addresses: CoordinatorDouble['surfaces'] = {};
  const closers: Array<() => Promise<void>> = [];
  const add = async (
    key: keyof CoordinatorDouble['surfaces'],
    start: Promise<{ address: string; close(): Promise<void> }>,
  ): Promise<void> => {
    const s = await start;
    addresses[key] = s.address;
    closers.push(s.close);
  };
  if (o.flight)
    await add(
      'flight',
      startGrpcSurface('flight', calls, (p, a) => answerFlight(o.flight!, p, a), fault),
    );
  if (o.shuffle)
    await add(
      'shuffle',
      startGrpcSurface('shuffle', calls, (p, a) => answerShuffle(o.shuffle!, p, a), fault),
    );
  if (o.executor)
    await add(
      'executor',
      startGrpcSurface('executor', calls, (p, a, n, b) => answerExecutor(o.executor!, p, a, n, b), fault),
    );
  if (o.barrier)
    await add(
      'barrier',
      startGrpcSurface('barrier', calls, (p, a) => answerBarrier(o.barrier!, p, a), fault),
    );
  if (o.shuffleSvc) await add('shuffleSvc', startShuffleSvc(o.shuffleSvc, calls, fault));
  return { addresses, calls, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}
