import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument, httpRequest, isLoopbackUrl, redactUrl, requireSecureUrl } from '../../src/io/http.js';
import { COORDINATOR_PROBE_METHOD, grpcUnaryCall } from '../../src/io/grpc.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') res.end('{"keys":[]}');
    else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000);
    else if (req.url === '/big') res.end('x'.repeat(2048));
    else if (req.url === '/same') res.writeHead(302, { location: '/ok' }).end();
    else if (req.url === '/cross') res.writeHead(302, { location: 'http://example.invalid/x' }).end();
    else res.writeHead(404).end('nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('httpRequest', () => {
  it('returns status, body and latency', async () => {
    const res = await httpRequest(`${base}/ok`, { timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"keys":[]}');
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
  });
  it('does not follow redirects, reports them', async () => {
    const res = await httpRequest(`${base}/same`, { timeoutMs: 2000 });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/ok');
  });
  it('a 30-day timeout waits for the answer (Node fired a timer past 2^31-1 ms at once)', async () => {
    const res = await httpRequest(`${base}/ok`, { timeoutMs: 30 * 86_400_000 });
    expect(res.status).toBe(200);
  });
  it('times out with ERR_TIMEOUT naming the URL', async () => {
    await expect(httpRequest(`${base}/slow`, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
      message: 'timed out after 100 ms',
      input: `${base}/slow`,
    });
  });
  it('refuses oversized responses', async () => {
    await expect(httpRequest(`${base}/big`, { timeoutMs: 2000, maxBytes: 1024 })).rejects.toMatchObject({
      code: 'ERR_NETWORK',
      message: 'response larger than 1024 bytes; refused',
    });
  });
  it('a header value node:http cannot send is a KrishivError that never shows the value', async () => {
    const e = await httpRequest(`${base}/ok`, { timeoutMs: 2000, headers: { authorization: 'Bearer sec\u0001ret' } }).then(
      () => undefined,
      (error: unknown) => error as Error & { code: string; input?: string },
    );
    expect(e).toMatchObject({
      name: 'KrishivError',
      code: 'ERR_USAGE',
      message: 'cannot send the request: a header value holds characters outside visible ASCII (ERR_INVALID_CHAR)',
      input: `${base}/ok`,
    });
    expect(JSON.stringify(e)).not.toContain('sec');
  });

  it('tells a refused connection apart', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(httpRequest(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ERR_NETWORK',
      message: 'unreachable: connection refused',
    });
  });
});

describe('getDocument', () => {
  it('follows a same-origin redirect', async () => {
    const res = await getDocument(new URL(`${base}/same`), { timeoutMs: 2000 });
    expect(res.status).toBe(200);
  });
  it('refuses a cross-origin redirect', async () => {
    await expect(getDocument(new URL(`${base}/cross`), { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ERR_NETWORK',
      message: 'redirected to another origin (http://example.invalid/x); not followed',
    });
  });
});

describe('url rules', () => {
  it.each([
    ['http://127.0.0.1:1/x', true],
    ['http://localhost/x', true],
    ['http://[::1]:8/x', true],
    ['http://10.0.0.1/x', false],
    ['https://idp.example.com/x', false],
  ])('%s loopback=%s', (u, loop) => {
    expect(isLoopbackUrl(new URL(u))).toBe(loop);
  });
  it('requires https off loopback unless allowed', () => {
    expect(() => requireSecureUrl(new URL('http://idp.example.com/j'), false)).toThrow(/plain http is refused/);
    expect(() => requireSecureUrl(new URL('http://idp.example.com/j'), true)).not.toThrow();
    expect(() => requireSecureUrl(new URL('http://127.0.0.1/j'), false)).not.toThrow();
  });
  it('redacts credentials', () => {
    expect(redactUrl('https://user:pw@h.example/x')).toBe('https://h.example/x');
  });
});

describe('grpcUnaryCall', () => {
  let h2: Http2Server;
  let target: string;
  beforeAll(async () => {
    h2 = createH2Server();
    h2.on('stream', (stream, headers) => {
      const auth = headers['authorization'];
      stream.on('data', () => undefined);
      stream.on('end', () => {
        if (headers[':path'] !== COORDINATOR_PROBE_METHOD) {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
        } else if (auth !== 'Bearer good') {
          stream.respond(
            { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'missing%20Bearer%20token' },
            { endStream: true },
          );
        } else {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(Buffer.from([0, 0, 0, 0, 0]));
        }
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
    target = `127.0.0.1:${(h2.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => h2.close(() => r())));

  it('reads UNAUTHENTICATED from a trailers-only answer', async () => {
    const r = await grpcUnaryCall({ target, path: COORDINATOR_PROBE_METHOD, timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 16, statusName: 'UNAUTHENTICATED', message: 'missing Bearer token', httpStatus: 200 });
  });
  it('reads OK from trailers', async () => {
    const r = await grpcUnaryCall({
      target,
      path: COORDINATOR_PROBE_METHOD,
      metadata: { authorization: 'Bearer good' },
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ status: 0, statusName: 'OK' });
  });
  it('rejects a bad target', async () => {
    await expect(grpcUnaryCall({ target: 'nonsense', path: '/x', timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_URL_INVALID',
    });
  });
});
