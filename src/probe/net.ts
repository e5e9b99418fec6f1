/**
 * The probe's network: node:http(s) and node:http2 through src/io, with connections reused within a
 * target (kept alive for its requests, at most PER_ORIGIN per HTTP origin; one HTTP/2 connection
 * per gRPC address for its calls without and with credentials), all closed when the target is done.
 */

/**
 * Connections per HTTP origin of one target: as many as its checks send at once (the coordinator's
 * checks send up to eight requests together, run.ts). With 3, a coordinator that takes 200 ms to
 * answer kept each target three round trips long: 50 such targets took 1.75 s instead of 1.0 s
 * (bench/cases/probe.mjs, budget 1.5 s); 500 fast targets cost 0.2 s more with 8 (still half their budget).
 */
const PER_ORIGIN = 8;
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
        http: new http.Agent({ keepAlive: true, maxSockets: PER_ORIGIN }),
        https: new https.Agent({ keepAlive: true, maxSockets: PER_ORIGIN }),
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
