import { createServer as createH2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcSessionPool, grpcUnaryCall } from '../../src/io/grpc.js';
import { closedPort } from '../helpers/coordinator-double.js';

// A gRPC server that echoes the authorization it saw as grpc-message and counts connections and messages.
let sessions = 0;
const seen: { auth: string | undefined; bytes: number }[] = [];
const server = createH2Server();
let target = '';
beforeAll(async () => {
  server.on('session', (_s: ServerHttp2Session) => sessions++);
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const auth = typeof headers['authorization'] === 'string' ? headers['authorization'] : undefined;
      seen.push({ auth, bytes: Buffer.concat(chunks).length });
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': encodeURIComponent(auth ?? 'none') },
        { endStream: true },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('grpcUnaryCall', () => {
  it('calls given one pool share one connection; each keeps its own metadata', async () => {
    const before = sessions;
    const pool = new GrpcSessionPool();
    const [a, b] = await Promise.all([
      grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000, pool }),
      grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000, pool, metadata: { authorization: 'Bearer x' } }),
    ]);
    pool.close();
    expect(sessions - before).toBe(1);
    expect([a.message, b.message]).toEqual(['none', 'Bearer x']);
  });

  it('without a pool, each call has its own connection', async () => {
    const before = sessions;
    await Promise.all([
      grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000 }),
      grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000 }),
    ]);
    expect(sessions - before).toBe(2);
  });

  it('noMessage sends headers and end of stream only; otherwise one empty framed message', async () => {
    seen.length = 0;
    await grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000, noMessage: true });
    await grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000 });
    expect(seen.map((s) => s.bytes)).toEqual([0, 5]);
  });

  it('a call of its own to a closed port is unreachable, and the connection error after it is heard (no unhandled error event)', async () => {
    const port = await closedPort();
    await expect(grpcUnaryCall({ target: `127.0.0.1:${port}`, path: '/p.S/M', timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ERR_NETWORK',
    });
    await new Promise((r) => setTimeout(r, 50)); // the session's own 'error' comes after the stream's
  });

  it('a pooled call to a closed port is unreachable, and the pool stays usable', async () => {
    const port = await closedPort();
    const pool = new GrpcSessionPool();
    const calls = await Promise.allSettled([
      grpcUnaryCall({ target: `127.0.0.1:${port}`, path: '/p.S/M', timeoutMs: 2000, pool }),
      grpcUnaryCall({ target: `127.0.0.1:${port}`, path: '/p.S/M', timeoutMs: 2000, pool }),
    ]);
    for (const c of calls)
      expect(c).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NETWORK', message: expect.stringMatching(/^unreachable: /) } });
    const ok = await grpcUnaryCall({ target, path: '/p.S/M', timeoutMs: 2000, pool });
    expect(ok.status).toBe(16);
    pool.close();
  });
});
