/**
 * Outbound HTTP(S) on node:http/node:https (never the global fetch: undici costs ~250 ms of
 * start-up and exit delay, toolchain notes). One request, no redirects followed, a hard
 * deadline, a response-size cap, and TLS details for the caller. Every failure is a
 * KrishivError that tells unreachable, timeout, TLS failure and oversize apart; URLs in
 * errors are shown without credentials.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { KrishivError, describeSystemError } from '../errors.js';
import { timerDelay } from '../util/duration.js';
import { redactUrlPasswords } from '../util/secret.js';

/** The host of a URL without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** whole-request deadline: connect, send, headers and body */
  timeoutMs: number;
  /** response bodies larger than this are refused (default 1 MiB) */
  maxBytes?: number;
  /** extra CA certificates (PEM) for https */
  ca?: string | Buffer;
  /** accept any certificate but still report whether it was valid (probe's TLS check) */
  insecureTls?: boolean;
  /** a keep-alive agent to reuse connections (default: none, one connection per request) */
  agent?: import('node:http').Agent;
}

export interface TlsInfo {
  authorized: boolean;
  authorizationError?: string;
  protocol?: string;
  subject?: string;
  issuer?: string;
  subjectAltName?: string;
  validFrom?: string;
  validTo?: string;
  fingerprint256?: string;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  latencyMs: number;
  tls?: TlsInfo;
  /** the Location header of a 3xx answer (never followed here) */
  location?: string;
}

/** The URL as safe to show: without user:password. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

export function parseUrl(text: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    // text without a scheme is not echoed: it is as likely a pasted token as a host name; the
    // password is masked before the text is cut (a cut before the `@` would hide it from the masking)
    throw new KrishivError(
      'ERR_URL_INVALID',
      text.includes('://')
        ? `"${redactUrlPasswords(text).slice(0, 80)}" is not a URL`
        : 'not a URL: it has no scheme (http:// or https://); the value is not shown',
      { input: what },
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new KrishivError('ERR_URL_INVALID', `unsupported scheme ${u.protocol} (use http or https)`, {
      input: redactUrl(u),
    });
  }
  return u;
}

/** An IP address as URL.hostname gives it (IPv6 in brackets): TLS SNI takes host names only (RFC 6066). Not node:net isIP: importing node:net loads net and the stream modules at every start of a command that bundles this file (verify: ~2 ms). */
function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}

/** True for localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/** https is required except for loopback, unless the user allowed plain http. */
export function requireSecureUrl(url: URL, allowHttp: boolean): void {
  if (url.protocol === 'http:' && !allowHttp && !isLoopbackUrl(url)) {
    throw new KrishivError(
      'ERR_INSECURE_URL',
      'plain http is refused for a non-loopback host (keys fetched over http can be swapped in transit); use https or --allow-http',
      { input: redactUrl(url) },
    );
  }
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

/** One HTTP request; does not follow redirects. */
export async function httpRequest(target: string | URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const url = typeof target === 'string' ? parseUrl(target, target) : target;
  const shown = redactUrl(url);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const isHttps = url.protocol === 'https:';
  const lib = isHttps ? await import('node:https') : await import('node:http');
  const started = performance.now();

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const headers: Record<string, string> = { 'user-agent': 'krishiv-auth', ...(options.headers ?? {}) };
    if (options.body !== undefined && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    let req: ReturnType<typeof lib.request>;
    try {
      req = lib.request(url, {
        method: options.method ?? 'GET',
        headers,
        agent: options.agent ?? false,
        // SNI carries host names only: Node 26 throws for an IP servername (earlier Nodes warn, DEP0123)
        ...(isHttps
          ? {
              ca: options.ca,
              rejectUnauthorized: !options.insecureTls,
              ...(isIpLiteral(url.hostname) ? {} : { servername: bareHost(url) }),
            }
          : {}),
      });
    } catch (error) {
      // node:http refuses a header value with control characters (ERR_INVALID_CHAR) before
      // anything is sent. Its message names the header only; never echo the value (a token).
      const code = (error as NodeJS.ErrnoException).code ?? '';
      reject(
        new KrishivError(
          'ERR_USAGE',
          `cannot send the request: a header value holds characters outside visible ASCII${code ? ` (${code})` : ''}`,
          {
            input: shown,
          },
        ),
      );
      return;
    }
    const timer = setTimeout(() => {
      done(() =>
        reject(
          new KrishivError('ERR_TIMEOUT', `timed out after ${formatSeconds(options.timeoutMs)}`, {
            input: shown,
            details: { timeoutMs: options.timeoutMs },
          }),
        ),
      );
      req.destroy();
    }, timerDelay(options.timeoutMs));

    req.on('error', (error: NodeJS.ErrnoException) => {
      done(() => reject(networkError(error, shown)));
    });
    req.on('response', (res) => {
      let tls: TlsInfo | undefined;
      if (isHttps) tls = describeTls(res.socket as TLSSocket);
      const chunks: Buffer[] = [];
      let total = 0;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        done(() => reject(tooLarge(shown, maxBytes)));
        req.destroy();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          done(() => reject(tooLarge(shown, maxBytes)));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => done(() => reject(networkError(error, shown))));
      res.on('end', () => {
        done(() => {
          const response: HttpResponse = {
            url: shown,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            latencyMs: Math.round((performance.now() - started) * 10) / 10,
          };
          if (tls) response.tls = tls;
          const location = res.headers.location;
          if (location && response.status >= 300 && response.status < 400) response.location = location;
          resolve(response);
        });
      });
    });
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export interface GetDocumentOptions extends HttpRequestOptions {
  /** follow redirects that stay on the same origin (default 3); a cross-origin redirect is an error */
  maxRedirects?: number;
}

/**
 * GET a document (JWKS, discovery): follows same-origin redirects only, refuses cross-origin
 * ones (a redirect must not move where keys come from), returns the final response.
 */
export async function getDocument(target: URL, options: GetDocumentOptions): Promise<HttpResponse> {
  let url = target;
  const max = options.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    const res = await httpRequest(url, { ...options, headers: { accept: 'application/json', ...(options.headers ?? {}) } });
    if (res.location === undefined) return res;
    const next = new URL(res.location, url);
    if (!sameOrigin(url, next)) {
      throw new KrishivError('ERR_NETWORK', `redirected to another origin (${redactUrl(next)}); not followed`, {
        input: redactUrl(target),
      });
    }
    if (hop >= max) throw new KrishivError('ERR_NETWORK', `more than ${max} redirects`, { input: redactUrl(target) });
    url = next;
  }
}

function describeTls(socket: TLSSocket): TlsInfo {
  const info: TlsInfo = { authorized: socket.authorized };
  if (!socket.authorized && socket.authorizationError) info.authorizationError = String(socket.authorizationError);
  const protocol = socket.getProtocol?.();
  if (protocol) info.protocol = protocol;
  const cert = socket.getPeerCertificate?.();
  if (cert && Object.keys(cert).length > 0) {
    if (cert.subject) info.subject = formatDn(cert.subject);
    if (cert.issuer) info.issuer = formatDn(cert.issuer);
    if (cert.subjectaltname) info.subjectAltName = cert.subjectaltname;
    if (cert.valid_from) info.validFrom = new Date(cert.valid_from).toISOString();
    if (cert.valid_to) info.validTo = new Date(cert.valid_to).toISOString();
    if (cert.fingerprint256) info.fingerprint256 = cert.fingerprint256;
  }
  return info;
}

function formatDn(dn: unknown): string {
  if (!dn || typeof dn !== 'object') return String(dn);
  return Object.entries(dn as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** True when a socket error is a TLS failure (certificate, handshake, protocol). */
export function isTlsError(error: NodeJS.ErrnoException): boolean {
  return TLS_CODES.has(error.code ?? '') || /certificate|SSL|TLS/i.test(error.message);
}

/**
 * A TLS failure in one line. An https URL on a port that speaks plain HTTP fails with OpenSSL's
 * record-layer text ("…:ssl3_get_record:wrong version number…"): say what it means instead.
 */
export function describeTlsFailure(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(error.message)) {
    return 'TLS failure: the server answered in plain text, not TLS (an https URL on a plain-HTTP port? try http://)';
  }
  const first = error.message
    .split('\n')[0]!
    .replace(/^[0-9A-F]{8,}:error:[0-9A-F]+:SSL routines:[^:]*:/i, '')
    .replace(/:\.\.\/deps\/openssl\S*$/, '');
  return `TLS failure: ${first}${code ? ` (${code})` : ''}`;
}

function networkError(error: NodeJS.ErrnoException, shown: string): KrishivError {
  const code = error.code ?? '';
  if (isTlsError(error)) {
    return new KrishivError('ERR_TLS', describeTlsFailure(error), {
      input: shown,
      cause: error,
      details: { errno: code },
    });
  }
  if (code === 'ETIMEDOUT') {
    return new KrishivError('ERR_TIMEOUT', 'connection timed out', { input: shown, cause: error });
  }
  return new KrishivError('ERR_NETWORK', `unreachable: ${describeSystemError(error)}`, {
    input: shown,
    cause: error,
    details: { errno: code },
  });
}

function tooLarge(shown: string, maxBytes: number): KrishivError {
  return new KrishivError('ERR_NETWORK', `response larger than ${formatBytes(maxBytes)}; refused`, { input: shown });
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
