/**
 * A stand-in for the coordinator's auth surfaces, for rotate --confirm tests: a gRPC (HTTP/2)
 * listener that answers every call UNAUTHENTICATED (16) unless the bearer token is in the
 * current set, else UNIMPLEMENTED (12) — as the real interceptor runs before the method — and an
 * HTTP listener whose token set is fixed at start (coordinator HTTP never reloads, surface §4.5).
 * The gRPC set comes from `tokens()`, called per request, so a test chooses the reload model.
 */
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { BODY, coordinatorHttpBearer } from './coordinator-double.js';

export interface FakeCoordinator {
  grpcTarget: string;
  httpUrl: string;
  grpcCalls: number;
  close(): Promise<void>;
}

export async function startFakeCoordinator(tokens: () => string[], httpTokens: string[]): Promise<FakeCoordinator> {
  const state = { grpcCalls: 0 };
  const g = http2.createServer();
  g.on('stream', (stream, headers) => {
    state.grpcCalls++;
    const auth = String(headers['authorization'] ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const ok = token !== '' && tokens().includes(token);
    stream.on('data', () => undefined);
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': ok ? '12' : '16',
        'grpc-message': ok ? 'unimplemented' : token ? 'invalid%20API%20key' : 'missing%20Bearer%20token',
      },
      { endStream: true },
    );
  });
  // Coordinator HTTP as http_auth.rs answers (surface §6.1): the same header rule and 401 bodies
  // as the probe's coordinator double, WWW-Authenticate only when the token is missing.
  const h = http.createServer((req, res) => {
    const token = coordinatorHttpBearer(req.headers.authorization);
    if (httpTokens.length === 0) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(BODY.noTokens);
    } else if (token === undefined) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' }).end(BODY.missing);
    } else if (httpTokens.some((t) => t !== '' && t === token)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    } else {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(BODY.invalid);
    }
  });
  await new Promise<void>((r) => g.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => h.listen(0, '127.0.0.1', r));
  return {
    grpcTarget: `127.0.0.1:${(g.address() as AddressInfo).port}`,
    httpUrl: `http://127.0.0.1:${(h.address() as AddressInfo).port}`,
    get grpcCalls() {
      return state.grpcCalls;
    },
    close: async () => {
      await new Promise<void>((r) => g.close(() => r()));
      await new Promise<void>((r) => h.close(() => r()));
    },
  };
}
