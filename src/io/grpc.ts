/**
 * A single unary gRPC call over node:http2, enough to learn the call's grpc-status: the
 * probe asks "is coordinator gRPC closed to anonymous callers" (expect 16 UNAUTHENTICATED)
 * and rotation asks "is the new token accepted". No protobuf library is needed: the auth
 * interceptor runs before the request message is decoded, and an empty message is a valid
 * proto3 encoding of every request type.
 */
import { KrishivError, describeSystemError } from '../errors.js';
import { timerDelay } from '../util/duration.js';
import { redactUrlPasswords } from '../util/secret.js';
import { describeTlsFailure, isTlsError } from './http.js';

const GRPC_STATUS_NAMES: Record<number, string> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** A coordinator method every authenticated principal may call (Reader, surface §5.4). */
export const COORDINATOR_PROBE_METHOD = '/krishiv.transport.v1.CoordinatorManagement/ListCheckpoints';

export interface GrpcCallOptions {
  /** `host:port`, or a URL `http://host:port` / `https://host:port` */
  target: string;
  /** `/package.Service/Method` */
  path: string;
  /** protobuf-encoded request message (default: empty) */
  message?: Uint8Array;
  /**
   * Send no request message at all, only headers and end-of-stream: for streaming methods whose
   * handler would act on a message (an empty CheckpointBarrier is still a barrier). A unary method
   * needs its one message: tonic answers a bodiless unary call before the handler runs.
   */
  noMessage?: boolean;
  /** request metadata, e.g. `{ authorization: 'Bearer …' }` */
  metadata?: Record<string, string>;
  timeoutMs: number;
  /** PEM CA for TLS targets */
  ca?: string | Buffer;
  /** share one HTTP/2 connection per address among the calls given the same pool (closed with `pool.close()`) */
  pool?: GrpcSessionPool;
}

/**
 * HTTP/2 connections shared by several calls to the same address (the probe's calls without and with
 * credentials go over one connection: setting one up costs more than the call). Calls never share
 * metadata: each stream carries its own headers.
 */
export class GrpcSessionPool {
  readonly #sessions = new Map<string, import('node:http2').ClientHttp2Session>();

  /** The open connection for `key`, or a new one from `open`. */
  session(key: string, open: () => import('node:http2').ClientHttp2Session): import('node:http2').ClientHttp2Session {
    const existing = this.#sessions.get(key);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const s = open();
    // Calls listen for errors while they run; after them a late error must not go unheard (it would throw).
    s.on('error', () => undefined);
    this.#sessions.set(key, s);
    return s;
  }

  close(): void {
    for (const s of this.#sessions.values()) {
      s.close();
      s.destroy();
    }
    this.#sessions.clear();
  }
}

export interface GrpcCallResult {
  /** grpc-status, or null when the server answered without one (not a gRPC server) */
  status: number | null;
  statusName: string | null;
  /** grpc-message, percent-decoded */
  message: string;
  /** HTTP/2 :status */
  httpStatus: number;
  latencyMs: number;
}

export function parseGrpcTarget(target: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`;
  // as the user wrote it, with a `user:password@` part masked (`u:pw@host` reads as a URL's userinfo)
  const shown = redactUrlPasswords(text).slice(text === target ? 0 : 'http://'.length);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KrishivError('ERR_URL_INVALID', `"${shown}" is not host:port`, { input: '--grpc' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.port) {
    throw new KrishivError('ERR_URL_INVALID', `"${shown}" is not host:port (or http(s)://host:port)`, {
      input: '--grpc',
    });
  }
  return url;
}

/** Frames one gRPC message: compressed flag 0, big-endian length, bytes. */
function frameGrpcMessage(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(out, 5);
  return out;
}

export async function grpcUnaryCall(options: GrpcCallOptions): Promise<GrpcCallResult> {
  const url = parseGrpcTarget(options.target);
  const shown = `${url.hostname}:${url.port}`;
  const http2 = await import('node:http2');
  const started = performance.now();
  return new Promise<GrpcCallResult>((resolve, reject) => {
    let settled = false;
    const connect = (): import('node:http2').ClientHttp2Session =>
      http2.connect(url.origin, url.protocol === 'https:' ? { ca: options.ca } : {});
    const pooled = options.pool;
    const session = pooled ? pooled.session(url.origin, connect) : connect();
    let stream: import('node:http2').ClientHttp2Stream | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A pooled connection keeps a listener of its own (GrpcSessionPool); one of a single call must keep
      // this one: its 'error' may come after the stream's, and an unheard 'error' event throws.
      if (pooled) session.off('error', onSessionError);
      if (!pooled) {
        session.close();
        session.destroy();
      } else if (stream && !stream.closed) {
        stream.close();
      }
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new KrishivError('ERR_TIMEOUT', `gRPC call timed out after ${options.timeoutMs} ms`, { input: shown })));
    }, timerDelay(options.timeoutMs));
    const onSessionError = (error: NodeJS.ErrnoException): void => {
      finish(() => reject(grpcNetworkError(error, shown)));
    };
    session.on('error', onSessionError);
    stream = session.request({
      ':method': 'POST',
      ':path': options.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.round(options.timeoutMs))}m`,
      ...(options.metadata ?? {}),
    });
    let httpStatus = 0;
    let headerStatus: string | undefined;
    let headerMessage: string | undefined;
    stream.on('response', (headers) => {
      httpStatus = Number(headers[':status'] ?? 0);
      // A "trailers-only" response carries grpc-status in the headers.
      if (headers['grpc-status'] !== undefined) {
        headerStatus = String(headers['grpc-status']);
        headerMessage = headers['grpc-message'] === undefined ? undefined : String(headers['grpc-message']);
      }
    });
    let trailerStatus: string | undefined;
    let trailerMessage: string | undefined;
    stream.on('trailers', (trailers) => {
      if (trailers['grpc-status'] !== undefined) trailerStatus = String(trailers['grpc-status']);
      if (trailers['grpc-message'] !== undefined) trailerMessage = String(trailers['grpc-message']);
    });
    stream.on('data', () => undefined);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      finish(() => reject(grpcNetworkError(error, shown)));
    });
    stream.on('close', () => {
      finish(() => {
        const raw = trailerStatus ?? headerStatus;
        const status = raw === undefined || raw === '' || Number.isNaN(Number(raw)) ? null : Number(raw);
        resolve({
          status,
          statusName: status === null ? null : (GRPC_STATUS_NAMES[status] ?? `STATUS_${status}`),
          message: decodeGrpcMessage(trailerMessage ?? headerMessage ?? ''),
          httpStatus,
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
        });
      });
    });
    if (options.noMessage) stream.end();
    else stream.end(frameGrpcMessage(options.message ?? new Uint8Array(0)));
  });
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * Node reports a failed connection on the stream as ERR_HTTP2_STREAM_CANCEL whose cause is
 * the session's error: unwrap it so a refused connection reads "unreachable", a bad
 * certificate reads as a TLS failure, and only the rest as a failed gRPC exchange.
 */
function grpcNetworkError(error: NodeJS.ErrnoException, shown: string): KrishivError {
  let root: NodeJS.ErrnoException = error;
  for (let i = 0; i < 3 && root.code === 'ERR_HTTP2_STREAM_CANCEL' && root.cause instanceof Error; i++) {
    root = root.cause as NodeJS.ErrnoException;
  }
  const code = root.code ?? '';
  if (UNREACHABLE_CODES.has(code)) {
    return new KrishivError('ERR_NETWORK', `unreachable: ${describeSystemError(root)}`, { input: shown, cause: error });
  }
  if (isTlsError(root)) {
    return new KrishivError('ERR_TLS', describeTlsFailure(root), { input: shown, cause: error });
  }
  return new KrishivError('ERR_NETWORK', `gRPC stream failed: ${describeSystemError(root)}`, { input: shown, cause: error });
}

function decodeGrpcMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
