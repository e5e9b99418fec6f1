/**
 * The probe's network: node:http(s) and node:http2 through src/io, with connections reused within a
 * target (at most 3 per HTTP origin, kept alive for its requests; one HTTP/2 connection per gRPC
 * address for its calls without and with credentials), all closed when the target is done.
 */
import { GrpcSessionPool, grpcUnaryCall } from '../io/grpc.js';
import { httpRequest } from '../io/http.js';
import { createJwksProbe } from './jwks-run.js';
import type { ProbeIo } from './run.js';
import type { JwksConfig } from './types.js';

export async function createProbeIo(
  base: { now(): Date; randomBytes(size: number): Uint8Array },
  jwks: JwksConfig,
  ca: string | undefined,
  limits: { timeoutMs: number; allowHttp: boolean },
): Promise<ProbeIo> {
  const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  let randomToken: string | undefined;
  return {
    http: (url, o) => httpRequest(url, o),
    grpc: (o) => grpcUnaryCall(o),
    forTarget: () => {
      const agents = {
        http: new http.Agent({ keepAlive: true, maxSockets: 3 }),
        https: new https.Agent({ keepAlive: true, maxSockets: 3 }),
      };
      const pool = new GrpcSessionPool();
      return {
        http: (url, o) => httpRequest(url, { ...o, agent: url.protocol === 'https:' ? agents.https : agents.http }),
        grpc: (o) => grpcUnaryCall({ ...o, pool }),
        close: () => {
          agents.http.destroy();
          agents.https.destroy();
          pool.close();
        },
      };
    },
    now: () => base.now(),
    // one fresh random token per run (for api_rejects_invalid): the server has never seen it
    randomToken: () => (randomToken ??= Buffer.from(base.randomBytes(32)).toString('base64url')),
    jwks: createJwksProbe(jwks, { timeoutMs: limits.timeoutMs, allowHttp: limits.allowHttp, ...(ca !== undefined ? { ca } : {}) }),
  };
}
