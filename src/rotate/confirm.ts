/**
 * `rotate finish --confirm`: asks the running coordinator, over gRPC (the only surface that
 * reloads token files, surface §4.5), whether the new token is accepted before anything is
 * removed, and whether the old ones are rejected afterwards. "Accepted" means any grpc-status
 * other than 16 UNAUTHENTICATED (the auth interceptor runs before the request is decoded).
 * HTTP is checked for information only: it keeps its start-up token set until a restart.
 * Network calls come in through seams so the logic is testable without sockets.
 */
import { KrishivError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { engineFingerprint } from '../util/fingerprint.js';

export interface GrpcAnswer {
  status: number | null;
  statusName: string | null;
  message: string;
}

export interface ConfirmSeams {
  grpc(token: string): Promise<GrpcAnswer>;
  /** HTTP status of an authenticated GET on the coordinator HTTP API, when a URL was given. */
  http?: (token: string) => Promise<number>;
  sleep(ms: number): Promise<void>;
  nowMs(): number;
}

export interface ConfirmCheck {
  id: 'grpc_new_accepted' | 'grpc_old_rejected' | 'http_new_token' | 'http_old_token';
  fingerprint: string;
  status: 'pass' | 'fail' | 'info';
  message: string;
  grpcStatus?: number | null;
  httpStatus?: number;
}

const UNAUTHENTICATED = 16;

function describe(answer: GrpcAnswer): string {
  return answer.status === null ? 'no grpc-status' : `${answer.statusName ?? answer.status} (${answer.status})`;
}

async function ask(seams: ConfirmSeams, token: string): Promise<GrpcAnswer> {
  const answer = await seams.grpc(token);
  if (answer.status === null) {
    throw new KrishivError(
      'ERR_NETWORK',
      'the --grpc address answered without a grpc-status: it is not a gRPC server (coordinator gRPC listens on :2001 by default)',
      {
        input: '--grpc',
      },
    );
  }
  return answer;
}

/**
 * Before removing: the new token must be accepted on gRPC. `reloads` is false when the reload
 * interval says the coordinator never reloads: then only a restart makes it accept the new token.
 */
export async function confirmNewAccepted(seams: ConfirmSeams, newToken: string, reloads = true): Promise<ConfirmCheck> {
  const fingerprint = engineFingerprint(newToken);
  const answer = await ask(seams, newToken);
  if (answer.status === UNAUTHENTICATED) {
    return {
      id: 'grpc_new_accepted',
      fingerprint,
      status: 'fail',
      grpcStatus: answer.status,
      message: `coordinator gRPC refuses the new token ${fingerprint} (${describe(answer)}${answer.message ? `: ${answer.message}` : ''}): ${
        reloads
          ? 'it has not reloaded the file (is KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS set on it?)'
          : 'the coordinator does not reload, so it accepts the new token only after a restart: restart it, then run finish again'
      }`,
    };
  }
  return {
    id: 'grpc_new_accepted',
    fingerprint,
    status: 'pass',
    grpcStatus: answer.status,
    message: `coordinator gRPC accepts the new token ${fingerprint} (${describe(answer)})`,
  };
}

/**
 * After removing: poll until every old token is refused on gRPC, for at most `maxWaitMs`
 * (the coordinator drops them at its next reload tick, within one interval).
 */
export async function confirmOldRejected(
  seams: ConfirmSeams,
  oldTokens: readonly string[],
  maxWaitMs: number,
  pollMs = 1000,
): Promise<ConfirmCheck[]> {
  const deadline = seams.nowMs() + maxWaitMs;
  const results = new Map<string, ConfirmCheck>();
  let remaining = [...oldTokens];
  for (;;) {
    const still: string[] = [];
    for (const token of remaining) {
      const fingerprint = engineFingerprint(token);
      const answer = await ask(seams, token);
      if (answer.status === UNAUTHENTICATED) {
        results.set(token, {
          id: 'grpc_old_rejected',
          fingerprint,
          status: 'pass',
          grpcStatus: answer.status,
          message: `coordinator gRPC now refuses the old token ${fingerprint}`,
        });
      } else {
        still.push(token);
        results.set(token, {
          id: 'grpc_old_rejected',
          fingerprint,
          status: 'fail',
          grpcStatus: answer.status,
          message: `coordinator gRPC still accepts the old token ${fingerprint} (${describe(answer)}) after ${formatDuration(maxWaitMs)}: it has not reloaded the file`,
        });
      }
    }
    remaining = still;
    if (remaining.length === 0 || seams.nowMs() + pollMs > deadline) break;
    await seams.sleep(pollMs);
  }
  return oldTokens.map((t) => results.get(t)!);
}

/** HTTP keeps its start-up set: report what it does now with the new and the old tokens. */
export async function reportHttp(seams: ConfirmSeams, newToken: string, oldTokens: readonly string[]): Promise<ConfirmCheck[]> {
  if (!seams.http) return [];
  const out: ConfirmCheck[] = [];
  const describeHttp = (s: number): string => (s >= 200 && s < 300 ? `accepted (${s})` : s === 401 ? 'refused (401)' : `answered ${s}`);
  const n = await seams.http(newToken);
  out.push({
    id: 'http_new_token',
    fingerprint: engineFingerprint(newToken),
    status: 'info',
    httpStatus: n,
    message: `coordinator HTTP: new token ${describeHttp(n)}${n === 401 ? ' — HTTP never reloads; restart the coordinator' : ''}`,
  });
  for (const token of oldTokens) {
    const s = await seams.http(token);
    out.push({
      id: 'http_old_token',
      fingerprint: engineFingerprint(token),
      status: 'info',
      httpStatus: s,
      message: `coordinator HTTP: old token ${engineFingerprint(token)} ${describeHttp(s)}${s >= 200 && s < 300 ? ' — HTTP keeps its start-up set until a coordinator restart' : ''}`,
    });
  }
  return out;
}
