/**
 * The other authenticated surfaces of a deployment: Flight SQL, the executors' shuffle Flight
 * service, the standalone shuffle service (HTTP), and the executors' task and barrier gRPC.
 * For each: the one call the probe makes (one the engine authenticates before doing any work),
 * what the engine answers before and after its check, and the pure verdicts. Nothing here
 * touches the network.
 *
 * Engine sources (commit e8be785f):
 * - Flight SQL: crates/krishiv-flight-sql/src/service.rs:297-330 (authenticate_request), :407-429 (do_handshake)
 * - shuffle Flight: crates/krishiv-shuffle/src/flight.rs:687-701 (interceptor), crates/krishiv-shuffle/src/token_auth.rs:81-89
 * - shuffle service: crates/krishiv-shuffle/src/shuffle_svc.rs:110-123 (raw token), :289-299, :515-533
 * - executor task: crates/krishiv-executor/src/grpc.rs:493-513 (validate_auth), :535-541 (CancelTask)
 * - barrier: crates/krishiv-executor/src/barrier_grpc.rs:115-139 (validate_auth), :184-198
 */
import type { CheckId, CheckStatus, Evidence } from './types.js';
import { describeNoAnswer, grpcEvidence, httpEvidence, type GrpcExchange, type HttpExchange } from './checks.js';

export type GrpcSurfaceId = 'flight' | 'shuffle' | 'executor' | 'barrier';

export interface GrpcSurface {
  id: GrpcSurfaceId;
  /** how the surface is named in messages */
  label: string;
  /** the flag that names its address */
  flag: string;
  /** the method called (never one that runs a query or changes state) */
  path: string;
  /** send no request message (streaming methods), else one empty message (unary) */
  noMessage: boolean;
  /** the credential it takes, as named in messages */
  credential: string;
  /** where that credential comes from, for a skip message */
  credentialFrom: string;
  /** why the probe's call does no work once authenticated */
  noWork: string;
  /** UNAUTHENTICATED answers that mean "auth is required but nothing is configured": every call is refused */
  unconfigured: Record<string, string>;
  /** what the engine checks, cited */
  check: string;
  /** the likely reason when calls without credentials pass */
  openBecause: string;
  /** what to know when the credential is refused */
  rejectedBecause: string;
}

const FLIGHT_DURABLE_NO_KEYS = 'Flight SQL auth is required under durable profiles; configure KRISHIV_API_KEYS';

/** Flight's Handshake: the handler only authenticates and answers one empty HandshakeResponse. */
const FLIGHT_HANDSHAKE = '/arrow.flight.protocol.FlightService/Handshake';

export const SURFACES: Record<GrpcSurfaceId, GrpcSurface> = {
  flight: {
    id: 'flight',
    label: 'Flight SQL',
    flag: '--flight',
    path: FLIGHT_HANDSHAKE,
    noMessage: true,
    credential: 'API key',
    credentialFrom: '--api-key-file, or KRISHIV_FLIGHT_API_KEY, KRISHIV_API_KEY or KRISHIV_API_KEYS in --env-file',
    noWork: 'Handshake only authenticates (crates/krishiv-flight-sql/src/service.rs:407-429); no query is run',
    unconfigured: {
      [FLIGHT_DURABLE_NO_KEYS]:
        'Flight SQL demands API keys under a durable profile but none are configured, so every call is refused whatever key is sent (crates/krishiv-flight-sql/src/service.rs:311-317): set KRISHIV_API_KEYS on the server',
    },
    check: 'the Bearer API key must equal one of KRISHIV_API_KEYS exactly (crates/krishiv-flight-sql/src/service.rs:318-329)',
    openBecause:
      'KRISHIV_API_KEYS is not set on the server: outside durable profiles Flight SQL then serves anyone (crates/krishiv-flight-sql/src/service.rs:1363-1376)',
    rejectedBecause:
      'the key must be one of the server\'s KRISHIV_API_KEYS, compared exactly (the key is the part before "=", crates/krishiv-flight-sql/src/service.rs:1378-1386); the server reads them once at start',
  },
  shuffle: {
    id: 'shuffle',
    label: 'shuffle Flight service',
    flag: '--shuffle',
    path: FLIGHT_HANDSHAKE,
    noMessage: true,
    credential: 'shuffle token',
    credentialFrom: '--shuffle-token-file, or KRISHIV_SHUFFLE_TOKEN / KRISHIV_SHUFFLE_TOKEN_FILE in --env-file',
    noWork: 'its Handshake answers an empty stream (crates/krishiv-shuffle/src/flight.rs:278-288)',
    unconfigured: {},
    check:
      'every call must carry exactly "authorization: Bearer <KRISHIV_SHUFFLE_TOKEN>" (crates/krishiv-shuffle/src/flight.rs:687-701, crates/krishiv-shuffle/src/token_auth.rs:81-89)',
    openBecause:
      'no KRISHIV_SHUFFLE_TOKEN or KRISHIV_SHUFFLE_TOKEN_FILE on the executor: the check is then off, which only the dev-local profile allows (crates/krishiv-shuffle/src/token_auth.rs:60-73)',
    rejectedBecause:
      'the header must be exactly "Bearer " and the token, byte for byte (crates/krishiv-shuffle/src/token_auth.rs:81-89); the executor reads the token once at start',
  },
  executor: {
    id: 'executor',
    label: 'executor task gRPC',
    flag: '--executor',
    path: '/krishiv.transport.v1.ExecutorTask/CancelTask',
    noMessage: false,
    credential: 'task token',
    credentialFrom: '--task-token-file, or KRISHIV_EXECUTOR_TASK_BEARER_TOKEN in --env-file',
    noWork:
      'an empty CancelTask is refused for its missing version right after the token check (crates/krishiv-executor/src/grpc.rs:535-541, crates/krishiv-proto/src/wire.rs:822); nothing is cancelled',
    unconfigured: {
      'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN':
        'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true but the executor has no KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, so every call is refused (crates/krishiv-executor/src/grpc.rs:466-471, :494-496)',
    },
    check: 'the Bearer token must equal KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, trimmed (crates/krishiv-executor/src/grpc.rs:493-513)',
    openBecause:
      'the executor has no KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: anyone who reaches the port can assign and cancel tasks (crates/krishiv-executor/src/grpc.rs:497-499)',
    rejectedBecause:
      'the executor compares with its KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, trimmed, read once at start (crates/krishiv-executor/src/grpc.rs:150-154)',
  },
  barrier: {
    id: 'barrier',
    label: 'barrier gRPC',
    flag: '--barrier',
    path: '/krishiv.transport.v1.BarrierService/BarrierStream',
    noMessage: true,
    credential: 'task token',
    credentialFrom: '--task-token-file, or KRISHIV_EXECUTOR_TASK_BEARER_TOKEN in --env-file',
    noWork: 'the stream is closed without a barrier, so none is injected (crates/krishiv-executor/src/barrier_grpc.rs:184-198)',
    unconfigured: {
      'barrier auth required but no token configured':
        'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true but the executor has no KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, so every barrier call is refused (crates/krishiv-executor/src/barrier_grpc.rs:119-123)',
    },
    check: 'the Bearer token must equal KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, trimmed (crates/krishiv-executor/src/barrier_grpc.rs:115-139)',
    openBecause:
      'the executor has no KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: anyone who reaches the port can inject checkpoint barriers (crates/krishiv-executor/src/barrier_grpc.rs:124-126)',
    rejectedBecause:
      'the executor compares with its KRISHIV_EXECUTOR_TASK_BEARER_TOKEN, trimmed, read once at start (crates/krishiv-executor/src/grpc.rs:150-154)',
  },
};

/** The standalone shuffle service's probe request: the token check, then an in-memory index lookup (404 for this job). */
export const SHUFFLE_SVC_PATH = '/ess/krishiv-auth-probe/probe/0';

/** How one call ended, as the engine's answers tell. */
export type CallKind = 'no_answer' | 'not_grpc' | 'unimplemented' | 'passed' | 'denied' | 'unconfigured' | 'unauthenticated' | 'unexpected';

export interface SurfaceVerdict {
  status: CheckStatus;
  message: string;
  evidence: Evidence | null;
  /** how the call ended (for the accepts check and root causes) */
  kind: CallKind | 'skip';
}

function grpcKind(surface: GrpcSurface, x: GrpcExchange): CallKind {
  if (!x.result) return 'no_answer';
  const r = x.result;
  if (r.status === null) return 'not_grpc';
  if (r.status === 12) return 'unimplemented';
  if (r.status === 16) return surface.unconfigured[r.message] !== undefined ? 'unconfigured' : 'unauthenticated';
  // PERMISSION_DENIED on Flight's Handshake comes only from authenticate_request (service.rs:304-309).
  if (r.status === 7 && surface.id === 'flight') return 'denied';
  // Any other status means the handler ran: the engine's check was passed (or is off).
  return 'passed';
}

function statusText(x: GrpcExchange): string {
  const r = x.result!;
  if (r.status === null) return `HTTP/2 ${r.httpStatus} without grpc-status`;
  return `${r.statusName}${r.message ? ` (${r.message})` : ''}`;
}

function where(surface: GrpcSurface, target: string): string {
  return `${surface.label} ${target}`;
}

function noAnswerText(x: { error?: { code: string; message: string } }): string {
  const e = x.error!;
  if (e.code === 'ERR_TIMEOUT') return `no answer: ${e.message}`;
  if (e.message.startsWith('unreachable')) return e.message;
  if (e.code === 'ERR_TLS') return e.message;
  return `no gRPC answer (not an HTTP/2 gRPC endpoint?): ${e.message}`;
}

const DENIED =
  'every call is denied: the server has KRISHIV_API_KEYS but no policy engine, so Flight SQL answers PERMISSION_DENIED before looking at any key (crates/krishiv-flight-sql/src/service.rs:304-309). Set KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED=true on the server to let every valid key in (crates/krishiv-flight-sql/src/service.rs:1343)';

/** The call without credentials. */
export function judgeRequiresAuth(surface: GrpcSurface, target: string, anon: GrpcExchange): SurfaceVerdict {
  const ev = grpcEvidence(anon, target);
  const at = where(surface, target);
  const kind = grpcKind(surface, anon);
  const v = (status: CheckStatus, message: string): SurfaceVerdict => ({ status, message: `${at}: ${message}`, evidence: ev, kind });
  switch (kind) {
    case 'no_answer':
      return v('fail', noAnswerText(anon));
    case 'not_grpc':
      return v('fail', `not a gRPC server (${statusText(anon)})`);
    case 'unimplemented':
      return v(
        'fail',
        `does not serve ${anon.path} (UNIMPLEMENTED): another service on this port? (${surface.flag} takes the ${surface.label} address)`,
      );
    case 'denied':
      return v('fail', DENIED);
    case 'unconfigured':
      return v('fail', surface.unconfigured[anon.result!.message]!);
    case 'unauthenticated':
      return v('pass', `a call without credentials ended ${statusText(anon)}`);
    default:
      return v(
        'fail',
        `open: a call without credentials ended ${statusText(anon)}, past the engine's check (${surface.check}). Likely cause: ${surface.openBecause}`,
      );
  }
}

/** The call with the surface's own credential (undefined: none was given). */
export function judgeAccepts(
  surface: GrpcSurface,
  target: string,
  anonKind: CallKind | 'skip',
  withCred: GrpcExchange | undefined,
): SurfaceVerdict {
  const at = where(surface, target);
  if (!withCred) {
    return { status: 'skip', message: `${at}: no ${surface.credential} given (${surface.credentialFrom})`, evidence: null, kind: 'skip' };
  }
  const ev = grpcEvidence(withCred, target);
  const kind = grpcKind(surface, withCred);
  const fp = withCred.authorization?.replace(/^Bearer /, '') ?? '';
  const v = (status: CheckStatus, message: string): SurfaceVerdict => ({ status, message: `${at}: ${message}`, evidence: ev, kind });
  const see = `see ${surface.id === 'barrier' ? 'executor' : surface.id}_requires_auth`;
  if (
    kind === anonKind &&
    (kind === 'no_answer' || kind === 'not_grpc' || kind === 'unimplemented' || kind === 'denied' || kind === 'unconfigured')
  ) {
    return v('skip', `not checked: the call without credentials already failed the same way (${see})`);
  }
  switch (kind) {
    case 'no_answer':
      return v('fail', `with the ${surface.credential}: ${noAnswerText(withCred)}`);
    case 'not_grpc':
      return v('fail', `with the ${surface.credential}: not a gRPC answer (${statusText(withCred)})`);
    case 'unimplemented':
      return v('fail', `with the ${surface.credential}: ${withCred.path} is not served (UNIMPLEMENTED)`);
    case 'denied':
      return v('fail', `the ${surface.credential} ${fp} got PERMISSION_DENIED: ${DENIED}`);
    case 'unconfigured':
      return v('fail', `the ${surface.credential} ${fp} was refused: ${surface.unconfigured[withCred.result!.message]!}`);
    case 'unauthenticated':
      return v(
        'fail',
        `wrong credential: the ${surface.credential} ${fp} was rejected, ${statusText(withCred)}; ${surface.rejectedBecause}`,
      );
    default:
      if (anonKind === 'passed') {
        return v(
          'skip',
          `not meaningful: calls pass without credentials too (${see}); with the ${surface.credential} ${fp}: ${statusText(withCred)}`,
        );
      }
      return v('pass', `the ${surface.credential} ${fp} was accepted: ${statusText(withCred)} (${surface.noWork})`);
  }
}

/** The standalone shuffle service without credentials. */
export function judgeShuffleSvcRequiresAuth(origin: string, anon: HttpExchange, secrets: readonly string[]): SurfaceVerdict {
  const ev = { ...httpEvidence(anon, secrets), target: origin };
  const at = `shuffle service ${origin}`;
  if (!anon.response) return { status: 'fail', message: `${at}: ${describeNoAnswer(anon)}`, evidence: ev, kind: 'no_answer' };
  const s = anon.response.status;
  if (s === 401)
    return { status: 'pass', message: `${at}: anonymous GET ${anon.path} answered 401`, evidence: ev, kind: 'unauthenticated' };
  if (s === 404 || (s >= 200 && s < 300)) {
    return {
      status: 'fail',
      message: `${at}: open: anonymous GET ${anon.path} answered ${s}, which the service gives only after its token check (crates/krishiv-shuffle/src/shuffle_svc.rs:289-299). Likely cause: no KRISHIV_SHUFFLE_TOKEN, or one set but empty: this service reads it raw (crates/krishiv-shuffle/src/shuffle_svc.rs:110) and an empty token equals the empty one a request without credentials presents (crates/krishiv-shuffle/src/shuffle_svc.rs:523-530)`,
      evidence: ev,
      kind: 'passed',
    };
  }
  if (s >= 300 && s < 400) {
    return {
      status: 'fail',
      message: `${at}: answered ${s} redirecting to ${anon.response.location ?? '?'} (redirects are reported, not followed)`,
      evidence: ev,
      kind: 'unexpected',
    };
  }
  return {
    status: 'fail',
    message: `${at}: anonymous GET ${anon.path} answered ${s}, expected 401 (is this the shuffle service?)`,
    evidence: ev,
    kind: 'unexpected',
  };
}

/** The standalone shuffle service with the shuffle token. */
export function judgeShuffleSvcAccepts(
  origin: string,
  anonKind: CallKind | 'skip',
  withToken: HttpExchange | undefined,
  secrets: readonly string[],
): SurfaceVerdict {
  const at = `shuffle service ${origin}`;
  if (!withToken) {
    return { status: 'skip', message: `${at}: no shuffle token given (${SURFACES.shuffle.credentialFrom})`, evidence: null, kind: 'skip' };
  }
  const ev = { ...httpEvidence(withToken, secrets), target: origin };
  const fp = withToken.authorization?.replace(/^Bearer /, '') ?? '';
  if (!withToken.response) {
    if (anonKind === 'no_answer')
      return { status: 'skip', message: `${at}: not checked: no answer (see shuffle_requires_auth)`, evidence: ev, kind: 'no_answer' };
    return { status: 'fail', message: `${at}: with the shuffle token: ${describeNoAnswer(withToken)}`, evidence: ev, kind: 'no_answer' };
  }
  const s = withToken.response.status;
  if (s === 404 || (s >= 200 && s < 300)) {
    if (anonKind === 'passed') {
      return {
        status: 'skip',
        message: `${at}: not meaningful: requests pass without credentials too (see shuffle_requires_auth)`,
        evidence: ev,
        kind: 'passed',
      };
    }
    return {
      status: 'pass',
      message: `${at}: the shuffle token ${fp} was accepted: GET ${withToken.path} answered ${s} (no such partition; nothing read)`,
      evidence: ev,
      kind: 'passed',
    };
  }
  if (s === 401 && anonKind === 'passed') {
    return {
      status: 'fail',
      message: `${at}: the shuffle token ${fp} was rejected (401) while requests without one pass: the service's KRISHIV_SHUFFLE_TOKEN is set but empty, read raw (crates/krishiv-shuffle/src/shuffle_svc.rs:110), so only a request presenting no token matches (crates/krishiv-shuffle/src/shuffle_svc.rs:523-530) and executors sending theirs are refused`,
      evidence: ev,
      kind: 'unauthenticated',
    };
  }
  if (s === 401) {
    return {
      status: 'fail',
      message: `${at}: wrong credential: the shuffle token ${fp} was rejected (401). This service compares KRISHIV_SHUFFLE_TOKEN raw, untrimmed, so a value with surrounding spaces or a line break never matches (crates/krishiv-shuffle/src/shuffle_svc.rs:110, :528); from KRISHIV_SHUFFLE_TOKEN_FILE it is trimmed and re-read every KRISHIV_SHUFFLE_TOKEN_RELOAD_SECS (default 60, crates/krishiv-shuffle/src/shuffle_svc.rs:161-181)`,
      evidence: ev,
      kind: 'unauthenticated',
    };
  }
  if (s >= 300 && s < 400) {
    return {
      status: 'fail',
      message: `${at}: answered ${s} redirecting to ${withToken.response.location ?? '?'} (not followed; the token goes nowhere else)`,
      evidence: ev,
      kind: 'unexpected',
    };
  }
  return {
    status: 'fail',
    message: `${at}: GET ${withToken.path} with the shuffle token answered ${s}, expected 404`,
    evidence: ev,
    kind: 'unexpected',
  };
}

const RANK: Record<CheckStatus, number> = { fail: 3, warn: 2, pass: 1, skip: 0 };

/** One check over several surfaces (executor task + barrier; shuffle Flight + shuffle service): the worst status wins. */
export function combine(
  id: CheckId,
  verdicts: SurfaceVerdict[],
  notGiven: string,
): { id: CheckId; status: CheckStatus; message: string; evidence: Evidence | null } {
  if (verdicts.length === 0) return { id, status: 'skip', message: notGiven, evidence: null };
  let status: CheckStatus = 'skip';
  for (const v of verdicts) if (RANK[v.status] > RANK[status]) status = v.status;
  const evs = verdicts.map((v) => v.evidence).filter((e): e is Evidence => e !== null);
  const evidence = evs.length === 0 ? null : evs.length === 1 ? evs[0]! : { ...evs[0]!, more: evs.slice(1) };
  return { id, status, message: verdicts.map((v) => v.message).join('; '), evidence };
}
