/**
 * A coordinator double for probe tests and the probe benchmark: real servers on 127.0.0.1
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
  /** gRPC static tokens (default: same as `tokens`, else [DOUBLE_TOKEN]) */
  grpcTokens?: string[];
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
  const grpcTokens = options.grpcTokens ?? (tokens.length ? tokens : [DOUBLE_TOKEN]);
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
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
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
      if (!grpcTokens.includes(presented)) return trailersOnly(16, GRPC_MESSAGES.invalid);
    }
    if (!path.startsWith('/krishiv.transport.v1.CoordinatorManagement/') && !path.startsWith('/krishiv.transport.v1.CoordinatorExecutor/')) {
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

  const result: CoordinatorDouble = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const s of h2Sessions) s.destroy();
      await Promise.all([
        closeServer(server),
        ...(h2 ? [closeServer(h2)] : []),
        ...(liveness ? [closeServer(liveness)] : []),
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
