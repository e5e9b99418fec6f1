/** The executor (`krishiv executor`): start-up refusals, storage after registering, its coordinator token (crates/krishiv-executor/src/cli.rs). */
import { rustTrim } from '../../engine/text.js';
import {
  DD,
  DL,
  SN,
  allowsMemoryCheckpointUri,
  allowsUnboundedShuffleStore,
  anonymousAllowedFor,
  effectiveCheckpointUri,
  executorShuffleToken,
  executorStorage,
  isBlank,
  isFailClosed,
  isTruthy,
  jwtMayBeActive,
  headerSafe,
  looksLikeJwt,
  parseReloadInterval,
  parseU64,
  redactUri,
  requiresAuthenticatedShuffle,
  requiresFileBackedState,
  trimmed,
} from '../model.js';
import { type Finding } from '../types.js';
import { finding, notCheckedHere, present, type CheckContext } from './context.js';
import { type Check, profileVars, anonymousRequested } from './common.js';
import { EXEC, sec3Refusal, TASK, TOKEN_VARS, PROFILE } from './constants.js';
import { perRun, type CheckDef } from './define.js';
import { executorPrints } from './printed.js';
import { rustDebugString } from '../../engine/text.js';
import type { CheckId } from '../catalog.js';

// ---- executor -------------------------------------------------------------------------
// Every engineMessage below is what the executor prints on stderr: its refusals are
// ExecutorError::LocalExecution, printed with their prefix (printed.ts).

/**
 * What the executor prints when its 30 registration attempts fail (crates/krishiv-executor/src/cli.rs:303-308): the
 * last attempt's `ExecutorTransportError::Status` (crates/krishiv-executor/src/transport.rs:38 and 54-60) holds the
 * Display of tonic's Status (tonic 0.14, src/status.rs: `code: '<the code's description>', message: <Debug of the message>`).
 */
function registrationFailed(code: string, message: string): string {
  return executorPrints(
    `registration failed after 30 attempts: coordinator rejected transport call: code: '${code}', message: ${rustDebugString(message)}`,
  );
}
/** tonic's description of Code::Unauthenticated, the code of the coordinator's refusals (crates/krishiv-scheduler/src/auth.rs:510,519). */
const UNAUTHENTICATED = 'The request does not have valid authentication credentials';
const REG_MISSING = registrationFailed(UNAUTHENTICATED, 'missing Bearer token');
const REG_INVALID = registrationFailed(UNAUTHENTICATED, 'invalid API key');

/** The start-up security warning, a log line (crates/krishiv-executor/src/cli.rs:1410-1417): its message text. */
const TASK_ANONYMOUS_LOG =
  'SECURITY: executor task/barrier gRPC is UNAUTHENTICATED — anyone able to reach it can assign tasks and inject checkpoint barriers. Acceptable ONLY for local development on a trusted host; network-policy isolation alone is not a substitute for authentication. Set KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true and a non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN to authenticate it.';

/** crates/krishiv-executor/src/cli.rs:1374-1382 */
const taskTokenRefusal = (p: string): string =>
  executorPrints(`durability profile '${p}' requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN when task or barrier gRPC is enabled`);
/** crates/krishiv-executor/src/grpc.rs:134-143 */
const REQUIRE_REFUSAL = executorPrints('KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN');
/** ExecutorConfig::new's errors, turned into strings and back into LocalExecution (crates/krishiv-executor/src/cli.rs:1349-1355) */
const SLOTS_REFUSAL = executorPrints('task slots must be greater than zero');
const EXECUTOR_ID_REFUSAL = executorPrints('invalid executor id: executor id cannot be empty');
/** crates/krishiv-executor/src/cli.rs:1568-1573 */
const DD_STATE_REFUSAL = executorPrints(
  'durability-profile=distributed-durable requires --state-dir (set KRISHIV_STATE_DIR or pass --state-dir <path>)',
);
/** crates/krishiv-executor/src/cli.rs:1604-1610 */
const DD_CHECKPOINT_REFUSAL = executorPrints(
  'durability-profile=distributed-durable requires --checkpoint-uri with shared storage reachable by every executor, e.g. s3://bucket/checkpoints (set KRISHIV_CHECKPOINT_STORAGE or pass --checkpoint-uri <uri>)',
);
/** crates/krishiv-executor/src/cli.rs:1535-1540 */
const DD_SHUFFLE_REFUSAL = executorPrints(
  'durability-profile=distributed-durable requires --shuffle-uri or --shuffle-dir (set KRISHIV_SHUFFLE_URI, KRISHIV_SHUFFLE_DIR, or pass explicit flags)',
);
/**
 * The state backend's refusals: `state backend: {e}` (crates/krishiv-executor/src/cli.rs:533-536) around
 * StateError::BackendUnavailable, `state backend unavailable: {message}` (crates/krishiv-state/src/error.rs:4-5;
 * messages crates/krishiv-state/src/rocksdb_backend.rs:86 and 113).
 */
const stateRefusal = (message: string): string => executorPrints(`state backend: state backend unavailable: ${message}`);
/** crates/krishiv-executor/src/cli.rs:517-519 */
const DISAGG_REFUSAL = executorPrints('KRISHIV_STATE_BACKEND=disaggregated requires KRISHIV_STATE_DFS_ROOT');
/**
 * A shuffle backend's refusal: `shuffle URI {uri}: {e}` or `tiered shuffle (local={dir} s3={uri}): {e}`
 * (crates/krishiv-executor/src/cli.rs:597-605) around ShuffleError::Io, `shuffle I/O error: {0}`
 * (crates/krishiv-shuffle/src/error.rs:5-6).
 */
const shuffleRefusal = (where: string, message: string): string => executorPrints(`${where}: shuffle I/O error: ${message}`);

function execProfileText(ctx: CheckContext): string {
  return `${ctx.pExec.profile}${ctx.pExec.source === 'cli' ? ' (from --durability-profile)' : ''}`;
}

function execCoordToken(ctx: CheckContext): Finding[] {
  const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
  const blank = isBlank(ctx.env.get(C));
  const engineMessage = REG_MISSING;
  const token = trimmed(ctx.env.get(C));
  if (token !== undefined && !headerSafe(token)) {
    return [
      finding(
        ctx,
        'EXEC-COORD-TOKEN-MISSING',
        'fail',
        `${C} holds characters that cannot travel in gRPC metadata (only visible ASCII can): every registration call fails before it is sent`,
        [C],
        {
          // the executor's own interceptor refuses the call: Status::internal (crates/krishiv-executor/src/grpc_client.rs:112-116)
          engineMessage: registrationFailed('Internal error', `${C} contains characters that are invalid for gRPC metadata`),
        },
      ),
    ];
  }
  if (!blank) return [finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'pass', `executors send ${C}`, [C])];
  if (ctx.role === 'cluster') {
    // The coordinator of this same env: does it require a token on gRPC?
    const anonymous = anonymousRequested(ctx) && anonymousAllowedFor(ctx.pEnv.profile, ctx.prod) && ctx.pCoord.profile === DL;
    if (anonymous)
      return [
        finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'pass', 'the coordinator of this env serves anonymous gRPC (see COORD-GRPC-ANONYMOUS)', [
          C,
        ]),
      ];
    return [
      finding(
        ctx,
        'EXEC-COORD-TOKEN-MISSING',
        'fail',
        `${C} is blank: executors cannot authenticate to the coordinator of this env (they read only this variable, never _TOKENS or files) and stop after 30 registration attempts`,
        [C, ...present(ctx, ...TOKEN_VARS.slice(1))],
        { engineMessage },
      ),
    ];
  }
  const fc = isFailClosed(ctx.pEnv.profile, ctx.prod) || ctx.pExec.profile !== DL;
  return [
    finding(
      ctx,
      'EXEC-COORD-TOKEN-MISSING',
      fc ? 'fail' : 'warn',
      `${C} is blank: against an authenticated coordinator${fc ? ' (a fail-closed one always is)' : ''} registration fails after 30 attempts`,
      [C],
      { engineMessage },
    ),
  ];
}

const execCoordTokenNotJwt: Check = (ctx) => {
  if (ctx.role !== 'cluster') return [];
  const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
  const vars = [C, 'KRISHIV_OIDC_JWKS_URI', 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'];
  const token = trimmed(ctx.env.get(C));
  if (!jwtMayBeActive(ctx.env, anonymousRequested(ctx)))
    return [
      finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', 'JWT is not active on coordinator gRPC: static tokens apply', [
        'KRISHIV_OIDC_JWKS_URI',
      ]),
    ];
  if (parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS')).seconds !== undefined && ctx.tokens.configured) {
    return [
      finding(
        ctx,
        'EXEC-COORD-TOKEN-NOT-JWT',
        'pass',
        'the reload interval puts static tokens back on gRPC (see COORD-OIDC-OVERRIDDEN-BY-RELOAD)',
        vars,
      ),
    ];
  }
  if (token === undefined) return [finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', `${C} is blank (see EXEC-COORD-TOKEN-MISSING)`, [C])];
  if (looksLikeJwt(token))
    return [
      finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', `${C} is a JWT (it must carry krishiv_role writer or admin and not expire)`, vars),
    ];
  return [
    finding(
      ctx,
      'EXEC-COORD-TOKEN-NOT-JWT',
      'fail',
      `KRISHIV_OIDC_JWKS_URI makes JWT replace static tokens on coordinator gRPC, but the ${C} executors send is not a JWT: registration fails with "invalid API key"`,
      vars,
      {
        engineMessage: REG_INVALID,
      },
    ),
  ];
};

/** What the executor resolves at start-up, shared by its checks (computed once per run). */
const reading = perRun((ctx) => {
  const pExec = ctx.pExec.profile;
  const st = executorStorage(ctx.env, ctx.cli, pExec);
  return {
    pExec,
    pEnv: ctx.pEnv.profile,
    st,
    taskBlank: isBlank(ctx.env.get(TASK)),
    grpcOn: st.taskGrpcEnabled || st.barrierGrpcEnabled,
    pv: profileVars(ctx, ctx.pExec.source),
    // The refusals after registration happen only in --connect mode (crates/krishiv-executor/src/cli.rs:112-133);
    // with no --cli the executor is taken as started with --connect, as every deployment runs it.
    connected: ctx.cli.registerOnce !== true,
    // the executor's shuffle token (crates/krishiv-shuffle/src/token_auth.rs:25-41)
    shuffle: executorShuffleToken(ctx.env, ctx.files),
  };
});

/** The pass finding of a check about what the executor builds after registering, under --register-once. */
function afterReg(ctx: CheckContext, id: CheckId): Finding {
  return finding(
    ctx,
    id,
    'pass',
    'the executor runs --register-once: it registers, sends one heartbeat and exits; the storage it would build after registering is never opened',
    ['KRISHIV_DURABILITY_PROFILE'],
    { fromCli: true },
  );
}

/** An executor check: the shared reading, then the check's own rule. */
function execCheck(rule: (ctx: CheckContext, r: ReturnType<typeof reading>, out: Finding[]) => void): (ctx: CheckContext) => Finding[] {
  return (ctx) => {
    if (!ctx.hasExecutor) return [];
    const out: Finding[] = [];
    rule(ctx, reading(ctx), out);
    return out;
  };
}

export const EXECUTOR_CHECKS = [
  {
    id: 'EXEC-TASK-TOKEN-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'validate_task_auth_startup',
    rule: "the executor's own profile is durable, or KRISHIV_PRODUCTION is truthy, and KRISHIV_EXECUTOR_TASK_BEARER_TOKEN is blank while task/barrier gRPC is on (the default; only the flag value off turns them off)",
    source: 'crates/krishiv-executor/src/cli.rs:1365-1387',
    fix: 'Set KRISHIV_EXECUTOR_TASK_BEARER_TOKEN on every executor and the coordinator.',
    engineMessage: taskTokenRefusal('<P>'),
    evaluate: execCheck((ctx, { pExec, taskBlank, grpcOn, pv }, out) => {
      // EXEC-TASK-TOKEN-MISSING
      if ((pExec !== DL || ctx.prod) && taskBlank && grpcOn) {
        out.push(
          finding(
            ctx,
            'EXEC-TASK-TOKEN-MISSING',
            'fail',
            `${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''} and ${TASK} is blank while task/barrier gRPC is on: the executor refuses to start`,
            [TASK, ...pv],
            {
              engineMessage: taskTokenRefusal(pExec),
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-TASK-TOKEN-MISSING',
            'pass',
            !taskBlank
              ? `${TASK} is set`
              : !grpcOn
                ? 'task and barrier gRPC are off'
                : 'not fail-closed: no task token required at start-up (see EXEC-TASK-ANONYMOUS)',
            [TASK],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-REQUIRE-WITHOUT-TOKEN',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'validate_task_auth_startup',
    rule: 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH truthy and KRISHIV_EXECUTOR_TASK_BEARER_TOKEN blank: with task gRPC on the executor refuses to start; with only barrier gRPC on it starts and the barrier server rejects every call (class DENY)',
    source: 'crates/krishiv-executor/src/cli.rs:1365-1387; crates/krishiv-executor/src/barrier_grpc.rs:115-122 with cli.rs:481',
    fix: 'Set KRISHIV_EXECUTOR_TASK_BEARER_TOKEN.',
    engineMessage: REQUIRE_REFUSAL,
    evaluate: execCheck((ctx, { st, taskBlank, connected }, out) => {
      // EXEC-REQUIRE-WITHOUT-TOKEN
      const require = isTruthy(ctx.env.get('KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH'));
      if (require && taskBlank && !st.taskGrpcEnabled && st.barrierGrpcEnabled && connected) {
        // the start-up rule needs the task server on; the barrier server, given the same auth
        // config, then refuses every call (crates/krishiv-executor/src/barrier_grpc.rs:115-122, cli.rs:481)
        out.push(
          finding(
            ctx,
            'EXEC-REQUIRE-WITHOUT-TOKEN',
            'fail',
            `KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH is truthy and ${TASK} is blank; task gRPC is off, so the executor starts, but its barrier gRPC rejects every call: checkpoints never complete`,
            ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH', TASK],
            // the status the barrier server answers every call with (the executor prints nothing)
            { class: 'DENY', engineMessage: 'barrier auth required but no token configured' },
          ),
        );
      } else if (require && taskBlank && st.taskGrpcEnabled) {
        out.push(
          finding(
            ctx,
            'EXEC-REQUIRE-WITHOUT-TOKEN',
            'fail',
            `KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH is truthy and ${TASK} is blank: the executor refuses to start`,
            ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH', TASK],
            {
              engineMessage: REQUIRE_REFUSAL,
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-REQUIRE-WITHOUT-TOKEN',
            'pass',
            !require
              ? 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH is not truthy'
              : !taskBlank
                ? `${TASK} is set`
                : connected
                  ? 'task and barrier gRPC are off'
                  : 'task gRPC is off and the executor runs --register-once: it serves no barrier gRPC',
            ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-TASK-ANONYMOUS',
    class: 'OPEN',
    roles: EXEC,
    predicate: 'validate_task_auth_startup',
    rule: "task or barrier gRPC is on (the default), KRISHIV_EXECUTOR_TASK_BEARER_TOKEN is blank and nothing refuses it (the executor's own profile dev-local, KRISHIV_PRODUCTION and KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH not truthy): every task and barrier call is accepted without a token",
    source:
      'crates/krishiv-executor/src/grpc.rs:493-513 and crates/krishiv-executor/src/barrier_grpc.rs:115-140 (no token: every call accepted); crates/krishiv-executor/src/cli.rs:1396-1418 (the start-up warning)',
    fix: 'Set KRISHIV_EXECUTOR_TASK_BEARER_TOKEN on every executor and the coordinator, and KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true.',
    engineMessage: TASK_ANONYMOUS_LOG,
    evaluate: execCheck((ctx, { pExec, taskBlank, grpcOn, connected }, out) => {
      // EXEC-TASK-ANONYMOUS: the servers bind only in --connect mode (crates/krishiv-executor/src/cli.rs:385-420)
      const require = isTruthy(ctx.env.get('KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH'));
      const refused = pExec !== DL || ctx.prod;
      if (connected && grpcOn && taskBlank && !refused && !require) {
        out.push(
          finding(
            ctx,
            'EXEC-TASK-ANONYMOUS',
            'fail',
            `${TASK} is blank under ${execProfileText(ctx)} without KRISHIV_PRODUCTION: executor task/barrier gRPC accepts every call without a token (anyone who reaches it can assign tasks and inject checkpoint barriers)`,
            [TASK, 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH', ...profileVars(ctx, ctx.pExec.source)],
            { engineMessage: TASK_ANONYMOUS_LOG },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-TASK-ANONYMOUS',
            'pass',
            !connected
              ? 'the executor runs --register-once: it serves no task or barrier gRPC'
              : !grpcOn
                ? 'task and barrier gRPC are off'
                : !taskBlank
                  ? `task and barrier gRPC require ${TASK}`
                  : 'without a task token the executor refuses to start or rejects every call (see EXEC-TASK-TOKEN-MISSING, EXEC-REQUIRE-WITHOUT-TOKEN)',
            [TASK],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-CONFIG-INVALID',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: 'the executor refuses its configuration before any mode: KRISHIV_EXECUTOR_ID set but blank, or --slots 0',
    source: 'crates/krishiv-executor/src/cli.rs:84 and 1234-1243; crates/krishiv-executor/src/transport.rs:85-103',
    fix: 'Unset KRISHIV_EXECUTOR_ID or give it a value; give --slots a positive number (or leave it to the CPU-derived default).',
    engineMessage: SLOTS_REFUSAL,
    evaluate: execCheck((ctx, _facts, out) => {
      // EXEC-CONFIG-INVALID: ExecutorConfig::new, before any mode (crates/krishiv-executor/src/cli.rs:84, crates/krishiv-executor/src/transport.rs:85-103)
      const execId = ctx.cli.executorId ?? ctx.env.get('KRISHIV_EXECUTOR_ID');
      if (ctx.cli.slots !== undefined && parseU64(ctx.cli.slots) === 0n) {
        out.push(
          finding(ctx, 'EXEC-CONFIG-INVALID', 'fail', '--slots 0: the executor refuses to start', [], {
            engineMessage: SLOTS_REFUSAL,
            fromCli: true,
          }),
        );
      } else if (execId !== undefined && rustTrim(execId) === '') {
        out.push(
          finding(
            ctx,
            'EXEC-CONFIG-INVALID',
            'fail',
            'KRISHIV_EXECUTOR_ID is blank: the executor refuses to start',
            ['KRISHIV_EXECUTOR_ID'],
            { engineMessage: EXECUTOR_ID_REFUSAL },
          ),
        );
      } else {
        out.push(
          finding(ctx, 'EXEC-CONFIG-INVALID', 'pass', execId === undefined ? 'executor id defaults to exec-local' : 'executor id is set', [
            'KRISHIV_EXECUTOR_ID',
          ]),
        );
      }
    }),
  },
  {
    id: 'EXEC-MEMORY-CHECKPOINT',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'allows_memory_checkpoint_uri',
    rule: 'allows_memory_checkpoint_uri is false and the checkpoint URI is memory:// (explicit, or the dev-local default when none is set)',
    source: 'crates/krishiv-executor/src/cli.rs:1421-1435,501-503; crates/krishiv-state/src/checkpoint/storage_uri.rs:24-34',
    fix: 'Set KRISHIV_CHECKPOINT_STORAGE=s3://bucket/checkpoints (distributed) or file:///var/lib/krishiv/checkpoints (single node).',
    engineMessage: executorPrints("checkpoint URI '<uri>' is forbidden for durability profile '<P>'; use a file:// or s3:// URI"),
    evaluate: execCheck((ctx, { pExec, pEnv, st, connected, pv }, out) => {
      // EXEC-MEMORY-CHECKPOINT
      const ckVars = ['KRISHIV_CHECKPOINT_STORAGE', ...pv];
      const explicitMemory = st.checkpointUri !== undefined && rustTrim(st.checkpointUri).startsWith('memory://');
      const cliCk = ctx.cli.checkpointUri !== undefined;
      const eff = effectiveCheckpointUri(st, pExec);
      if (explicitMemory && !allowsMemoryCheckpointUri(pExec, ctx.prod)) {
        out.push(
          finding(
            ctx,
            'EXEC-MEMORY-CHECKPOINT',
            'fail',
            `explicit memory:// checkpoint URI under ${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''}: the executor refuses to start`,
            ckVars,
            {
              // crates/krishiv-executor/src/cli.rs:1426-1433
              engineMessage: executorPrints(
                `checkpoint URI '${redactUri(st.checkpointUri!)}' is forbidden for durability profile '${pExec}'; use a file:// or s3:// URI`,
              ),
              fromCli: cliCk,
            },
          ),
        );
      } else if (!connected) {
        out.push(afterReg(ctx, 'EXEC-MEMORY-CHECKPOINT'));
      } else if (eff !== undefined && rustTrim(eff).startsWith('memory://') && !allowsMemoryCheckpointUri(pEnv, ctx.prod)) {
        out.push(
          finding(
            ctx,
            'EXEC-MEMORY-CHECKPOINT',
            'fail',
            `checkpoint storage is ${st.checkpointUri === undefined ? 'the dev-local default memory://' : 'memory://'} and memory checkpoints are not allowed under the env profile ${pEnv}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''} (the storage library re-reads the environment): the executor refuses after registering`,
            ckVars,
            {
              // `checkpoint storage at {uri}: {e}` (crates/krishiv-executor/src/cli.rs:501-503) around CheckpointError::Storage,
              // `checkpoint storage error: {message}` (crates/krishiv-state/src/checkpoint/metadata.rs:9-10; storage_uri.rs:24-33)
              engineMessage: executorPrints(
                `checkpoint storage at ${redactUri(eff)}: checkpoint storage error: memory:// checkpoint URIs are forbidden for durability profile '${pEnv}'`,
              ),
              fromCli: cliCk,
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-MEMORY-CHECKPOINT',
            'pass',
            eff === undefined
              ? 'no checkpoint URI (see EXEC-DD-CHECKPOINT-MISSING)'
              : rustTrim(eff).startsWith('memory://')
                ? 'memory:// checkpoints are allowed (dev-local without KRISHIV_PRODUCTION)'
                : 'checkpoint storage is not memory://',
            ['KRISHIV_CHECKPOINT_STORAGE'],
            { fromCli: cliCk },
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-DD-SHUFFLE-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: "distributed-durable (the executor's own profile) with neither shuffle dir nor URI, or a URI starting with s3:// (untrimmed) without a dir",
    source: 'crates/krishiv-executor/src/cli.rs:1501-1543',
    fix: 'Set KRISHIV_SHUFFLE_DIR (and KRISHIV_SHUFFLE_URI=s3://… for tiered shuffle).',
    engineMessage: DD_SHUFFLE_REFUSAL,
    evaluate: execCheck((ctx, { pExec, st, pv }, out) => {
      // DD requirements (apply_shuffle_defaults and kin, before any mode: cli.rs:67-74,1501-1613)
      const rawS3 = st.shuffleUri?.startsWith('s3://') ?? false;
      const ddShuffle = ['KRISHIV_SHUFFLE_DIR', 'KRISHIV_SHUFFLE_URI', ...pv];
      if (pExec === DD && st.shuffleDir === undefined && (st.shuffleUri === undefined || rawS3)) {
        out.push(
          finding(
            ctx,
            'EXEC-DD-SHUFFLE-MISSING',
            'fail',
            `${execProfileText(ctx)}: ${rawS3 ? 's3:// shuffle URI without a shuffle dir' : 'neither shuffle dir nor URI'}: the executor refuses to start`,
            ddShuffle,
            {
              engineMessage: rawS3
                ? // crates/krishiv-executor/src/cli.rs:1513-1520
                  executorPrints(
                    `durability-profile=distributed-durable with shuffle URI '${redactUri(st.shuffleUri!)}' also requires --shuffle-dir (or KRISHIV_SHUFFLE_DIR) so the tiered local + object-store shuffle backend can be built`,
                  )
                : DD_SHUFFLE_REFUSAL,
            },
          ),
        );
      } else {
        out.push(
          finding(ctx, 'EXEC-DD-SHUFFLE-MISSING', 'pass', pExec === DD ? 'shuffle storage is configured' : 'not distributed-durable', [
            'KRISHIV_SHUFFLE_DIR',
          ]),
        );
      }
    }),
  },
  {
    id: 'EXEC-DD-STATE-DIR-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: "distributed-durable (the executor's own profile) without KRISHIV_STATE_DIR",
    source: 'crates/krishiv-executor/src/cli.rs:1552-1576',
    fix: 'Set KRISHIV_STATE_DIR to a local persistent directory.',
    engineMessage: DD_STATE_REFUSAL,
    evaluate: execCheck((ctx, { pExec, st, pv }, out) => {
      if (pExec === DD && st.stateDir === undefined) {
        out.push(
          finding(
            ctx,
            'EXEC-DD-STATE-DIR-MISSING',
            'fail',
            `${execProfileText(ctx)} without a state dir: the executor refuses to start`,
            ['KRISHIV_STATE_DIR', ...pv],
            {
              engineMessage: DD_STATE_REFUSAL,
            },
          ),
        );
      } else {
        out.push(
          finding(ctx, 'EXEC-DD-STATE-DIR-MISSING', 'pass', pExec === DD ? 'KRISHIV_STATE_DIR is set' : 'not distributed-durable', [
            'KRISHIV_STATE_DIR',
          ]),
        );
      }
    }),
  },
  {
    id: 'EXEC-DD-CHECKPOINT-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: "distributed-durable (the executor's own profile) without KRISHIV_CHECKPOINT_STORAGE",
    source: 'crates/krishiv-executor/src/cli.rs:1585-1613',
    fix: 'Set KRISHIV_CHECKPOINT_STORAGE=s3://bucket/checkpoints.',
    engineMessage: DD_CHECKPOINT_REFUSAL,
    evaluate: execCheck((ctx, { pExec, st, pv }, out) => {
      if (pExec === DD && st.checkpointUri === undefined) {
        out.push(
          finding(
            ctx,
            'EXEC-DD-CHECKPOINT-MISSING',
            'fail',
            `${execProfileText(ctx)} without checkpoint storage: the executor refuses to start`,
            ['KRISHIV_CHECKPOINT_STORAGE', ...pv],
            {
              engineMessage: DD_CHECKPOINT_REFUSAL,
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-DD-CHECKPOINT-MISSING',
            'pass',
            pExec === DD ? 'KRISHIV_CHECKPOINT_STORAGE is set' : 'not distributed-durable',
            ['KRISHIV_CHECKPOINT_STORAGE'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-STATE-DIR-REQUIRED',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'requires_file_backed_state',
    rule: "after registering, with no state dir and not disaggregated: the state store needs a file-backed directory under the executor's own profile when it is durable or KRISHIV_PRODUCTION is truthy, and its ephemeral fallback is refused when the env profile is durable",
    source: 'crates/krishiv-executor/src/cli.rs:533-536; crates/krishiv-state/src/rocksdb_backend.rs:82-121',
    fix: 'Set KRISHIV_STATE_DIR (better: a durable profile).',
    engineMessage: stateRefusal('durable profile requires a file-backed state directory'),
    evaluate: execCheck((ctx, { pExec, pEnv, st, connected }, out) => {
      // EXEC-STATE-DIR-REQUIRED: RocksDbStateBackend::open_for_profile gets the executor's own profile,
      // its ephemeral() fallback re-reads the env profile (crates/krishiv-state/src/rocksdb_backend.rs:82-121)
      const stateDirAfterDefault = st.stateDir ?? (pExec === SN ? '/var/lib/krishiv/state' : undefined);
      const stateVars = ['KRISHIV_STATE_DIR', 'KRISHIV_PRODUCTION', PROFILE];
      if (!connected) out.push(afterReg(ctx, 'EXEC-STATE-DIR-REQUIRED'));
      else if (
        st.stateBackend !== 'disaggregated' &&
        stateDirAfterDefault === undefined &&
        pExec !== DD &&
        requiresFileBackedState(pExec, ctx.prod)
      ) {
        out.push(
          finding(
            ctx,
            'EXEC-STATE-DIR-REQUIRED',
            'fail',
            `${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''} without KRISHIV_STATE_DIR: the state backend needs a file-backed directory; the executor refuses after registering`,
            stateVars,
            {
              engineMessage: stateRefusal('durable profile requires a file-backed state directory'),
            },
          ),
        );
      } else if (
        st.stateBackend !== 'disaggregated' &&
        stateDirAfterDefault === undefined &&
        pExec !== DD &&
        requiresFileBackedState(pEnv, ctx.prod)
      ) {
        out.push(
          finding(
            ctx,
            'EXEC-STATE-DIR-REQUIRED',
            'fail',
            `no state dir, so the executor opens an ephemeral state backend, which the env profile ${pEnv} forbids: the executor refuses after registering`,
            stateVars,
            {
              engineMessage: stateRefusal('ephemeral state backend is forbidden under durable profiles'),
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-STATE-DIR-REQUIRED',
            'pass',
            st.stateBackend === 'disaggregated'
              ? 'disaggregated state backend (see EXEC-DISAGG-NO-ROOT)'
              : st.stateDir !== undefined
                ? 'KRISHIV_STATE_DIR is set'
                : pExec === SN
                  ? 'single-node-durable uses /var/lib/krishiv/state'
                  : pExec === DD
                    ? 'covered by EXEC-DD-STATE-DIR-MISSING'
                    : 'file-backed state not required',
            ['KRISHIV_STATE_DIR'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-SHUFFLE-TOKEN-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'profile_requires_authenticated_shuffle',
    rule: 'the local Flight shuffle server starts (a shuffle dir without a URI, a file:// or plain-path URI, or the single-node-durable default dir), shuffle auth is required under the env profile (durable, or KRISHIV_PRODUCTION) and there is no shuffle token',
    source:
      'crates/krishiv-shuffle/src/flight.rs:606-617; crates/krishiv-shuffle/src/token_auth.rs:25-73; the local backend: crates/krishiv-executor/src/cli.rs:591-662',
    fix: 'Set KRISHIV_SHUFFLE_TOKEN (or KRISHIV_SHUFFLE_TOKEN_FILE) on every executor.',
    engineMessage: executorPrints(`shuffle flight server: ${sec3Refusal('<P>')}`),
    evaluate: execCheck((ctx, { pEnv, st, connected, shuffle }, out) => {
      // shuffle token / anonymous: the local Flight shuffle server checks the env profile (crates/krishiv-shuffle/src/flight.rs:606-617)
      const shVars = ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE', 'KRISHIV_SHUFFLE_DIR', 'KRISHIV_SHUFFLE_URI'];
      const reqShuffle = requiresAuthenticatedShuffle(pEnv, ctx.prod);
      const server = connected && st.localShuffleServer;
      if (!connected) out.push(afterReg(ctx, 'EXEC-SHUFFLE-TOKEN-MISSING'));
      else if (server && !shuffle.present && reqShuffle) {
        out.push(
          finding(
            ctx,
            'EXEC-SHUFFLE-TOKEN-MISSING',
            'fail',
            `the local Flight shuffle server starts and shuffle auth is required under the env profile ${pEnv}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''}, but there is no shuffle token: the executor refuses after registering`,
            shVars,
            {
              // `shuffle flight server: {e}` (crates/krishiv-executor/src/cli.rs:607-612, 646-654) around the io::Error
              // crates/krishiv-shuffle/src/flight.rs:606-617 makes of the SEC-3 refusal
              engineMessage: executorPrints(`shuffle flight server: ${sec3Refusal(pEnv)}`),
            },
          ),
        );
      } else if (shuffle.assumed && server) {
        out.push(
          finding(
            ctx,
            'EXEC-SHUFFLE-TOKEN-MISSING',
            'skip',
            `not checked here: ${notCheckedHere(ctx, ['KRISHIV_SHUFFLE_TOKEN_FILE'], 'KRISHIV_SHUFFLE_TOKEN_FILE does not exist on this machine')}`,
            ['KRISHIV_SHUFFLE_TOKEN_FILE'],
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-SHUFFLE-TOKEN-MISSING',
            'pass',
            !server
              ? `no local Flight shuffle server starts (${st.shuffleBackend === 'none' ? 'no shuffle store' : `${st.shuffleBackend} shuffle backend`})`
              : shuffle.present
                ? `shuffle token from ${shuffle.source}`
                : 'shuffle auth not required (see EXEC-SHUFFLE-ANONYMOUS)',
            ['KRISHIV_SHUFFLE_TOKEN'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-SHUFFLE-ANONYMOUS',
    class: 'OPEN',
    roles: EXEC,
    predicate: 'profile_requires_authenticated_shuffle',
    rule: 'the local Flight shuffle server starts without a shuffle token outside fail-closed mode: shuffle data plane is open',
    source: 'crates/krishiv-shuffle/src/token_auth.rs:25-73 and 82-90; crates/krishiv-shuffle/src/flight.rs:606-617',
    fix: 'Set KRISHIV_SHUFFLE_TOKEN and run fail-closed.',
    evaluate: execCheck((ctx, { pExec, pEnv, st, connected, shuffle }, out) => {
      const shVars = ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE', 'KRISHIV_SHUFFLE_DIR', 'KRISHIV_SHUFFLE_URI'];
      const server = connected && st.localShuffleServer;
      if (server && !shuffle.present && !isFailClosed(pEnv, ctx.prod)) {
        out.push(
          finding(
            ctx,
            'EXEC-SHUFFLE-ANONYMOUS',
            'fail',
            `the local Flight shuffle server starts without a token outside fail-closed mode${pExec !== DL ? ' (--durability-profile does not reach the shuffle server, which reads the env profile)' : ''}: the shuffle data plane is open`,
            shVars,
          ),
        );
      } else {
        out.push(finding(ctx, 'EXEC-SHUFFLE-ANONYMOUS', 'pass', 'the shuffle data plane is not anonymous', ['KRISHIV_SHUFFLE_TOKEN']));
      }
    }),
  },
  {
    id: 'EXEC-S3-SHUFFLE-PROFILE',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: "an s3:// shuffle URI (object-only, or tiered with a dir) under the executor's own profile single-node-durable, or an s3:// URI without a bucket",
    source: 'crates/krishiv-executor/src/cli.rs:591-605; crates/krishiv-shuffle/src/storage_uri.rs:56-70, 98-110, 115-152 and 166-174',
    fix: 'Use a local shuffle dir for single-node-durable, or run distributed-durable.',
    engineMessage: shuffleRefusal(
      'shuffle URI <uri>',
      "s3:// shuffle requires distributed-durable or dev-local profile (got 'single-node-durable')",
    ),
    evaluate: execCheck((ctx, { pExec, st, connected, pv }, out) => {
      // object-store shuffle: the backends receive the executor's own profile (cli.rs:591-605, crates/krishiv-shuffle/src/storage_uri.rs:98-152)
      const s3 = st.shuffleBackend === 'object' || st.shuffleBackend === 'tiered';
      const s3Vars = ['KRISHIV_SHUFFLE_URI', ...pv];
      // the tiered backend takes the URI untrimmed, the object-store one trimmed (crates/krishiv-shuffle/src/storage_uri.rs:119, 139-141 and 170-176)
      const tiered = st.shuffleBackend === 'tiered';
      const where = (): string =>
        tiered ? `tiered shuffle (local=${st.shuffleDir!} s3=${redactUri(st.shuffleUri!)})` : `shuffle URI ${redactUri(st.shuffleUri!)}`;
      const bucketOf = (uri: string): string => {
        const rest = (tiered ? uri : rustTrim(uri)).slice('s3://'.length);
        const slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.slice(0, slash);
      };
      if (!connected) out.push(afterReg(ctx, 'EXEC-S3-SHUFFLE-PROFILE'));
      else if (s3 && pExec === SN) {
        out.push(
          finding(
            ctx,
            'EXEC-S3-SHUFFLE-PROFILE',
            'fail',
            `${tiered ? 'tiered (dir + s3://)' : 's3://'} shuffle under ${execProfileText(ctx)}: the executor refuses after registering`,
            s3Vars,
            {
              // crates/krishiv-shuffle/src/storage_uri.rs:98-108
              engineMessage: shuffleRefusal(
                where(),
                `${tiered ? 'tiered shuffle' : 's3:// shuffle'} requires distributed-durable or dev-local profile (got 'single-node-durable')`,
              ),
            },
          ),
        );
      } else if (s3 && bucketOf(st.shuffleUri!) === '') {
        out.push(
          finding(
            ctx,
            'EXEC-S3-SHUFFLE-PROFILE',
            'fail',
            'the s3:// shuffle URI names no bucket: the executor refuses after registering',
            s3Vars,
            {
              // crates/krishiv-shuffle/src/storage_uri.rs:68-72, named by its caller (141, 176)
              engineMessage: shuffleRefusal(
                where(),
                `${tiered ? 'tiered shuffle s3 store' : 's3 shuffle store'}: s3 URI has no bucket (got '${redactUri(tiered ? st.shuffleUri! : rustTrim(st.shuffleUri!))}')`,
              ),
            },
          ),
        );
      } else {
        out.push(
          finding(ctx, 'EXEC-S3-SHUFFLE-PROFILE', 'pass', s3 ? `s3:// shuffle under ${pExec}` : 'no s3:// shuffle URI', [
            'KRISHIV_SHUFFLE_URI',
          ]),
        );
      }
    }),
  },
  {
    id: 'EXEC-MEMORY-SHUFFLE',
    class: 'REFUSE',
    roles: EXEC,
    predicate: 'allows_unbounded_shuffle_store',
    rule: "a memory:// shuffle URI while the executor's own profile does not allow an unbounded shuffle store (durable, or KRISHIV_PRODUCTION)",
    source: 'crates/krishiv-executor/src/cli.rs:603-605; crates/krishiv-shuffle/src/storage_uri.rs:115-136',
    fix: 'Use KRISHIV_SHUFFLE_DIR (and s3:// for distributed).',
    engineMessage: shuffleRefusal('shuffle URI <uri>', "memory:// shuffle URIs are forbidden for durability profile '<P>'"),
    evaluate: execCheck((ctx, { pExec, st, connected }, out) => {
      const memShuffle = st.shuffleBackend === 'memory';
      if (!connected) out.push(afterReg(ctx, 'EXEC-MEMORY-SHUFFLE'));
      else if (memShuffle && !allowsUnboundedShuffleStore(pExec, ctx.prod)) {
        out.push(
          finding(
            ctx,
            'EXEC-MEMORY-SHUFFLE',
            'fail',
            `memory:// shuffle under ${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''}: unbounded in-memory shuffle is not allowed; the executor refuses after registering`,
            ['KRISHIV_SHUFFLE_URI', PROFILE, 'KRISHIV_PRODUCTION'],
            {
              // crates/krishiv-shuffle/src/storage_uri.rs:127-132
              engineMessage: shuffleRefusal(
                `shuffle URI ${redactUri(st.shuffleUri!)}`,
                `memory:// shuffle URIs are forbidden for durability profile '${pExec}'`,
              ),
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-MEMORY-SHUFFLE',
            'pass',
            memShuffle ? 'memory:// shuffle is allowed (dev-local without KRISHIV_PRODUCTION)' : 'no memory:// shuffle URI',
            ['KRISHIV_SHUFFLE_URI'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-DISAGG-NO-ROOT',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: 'KRISHIV_STATE_BACKEND=disaggregated without KRISHIV_STATE_DFS_ROOT',
    source: 'crates/krishiv-executor/src/cli.rs:510-537',
    fix: 'Set KRISHIV_STATE_DFS_ROOT, or use the rocksdb backend.',
    engineMessage: DISAGG_REFUSAL,
    evaluate: execCheck((ctx, { st, connected }, out) => {
      if (!connected) out.push(afterReg(ctx, 'EXEC-DISAGG-NO-ROOT'));
      else if (st.stateBackend === 'disaggregated' && !st.dfsRootSet) {
        out.push(
          finding(
            ctx,
            'EXEC-DISAGG-NO-ROOT',
            'fail',
            'disaggregated state backend without KRISHIV_STATE_DFS_ROOT: the executor refuses after registering',
            ['KRISHIV_STATE_DFS_ROOT', 'KRISHIV_STATE_BACKEND'],
            {
              engineMessage: DISAGG_REFUSAL,
            },
          ),
        );
      } else {
        out.push(
          finding(
            ctx,
            'EXEC-DISAGG-NO-ROOT',
            'pass',
            st.stateBackend === 'disaggregated' ? 'KRISHIV_STATE_DFS_ROOT is set' : 'state backend is rocksdb',
            ['KRISHIV_STATE_BACKEND'],
          ),
        );
      }
    }),
  },
  {
    id: 'EXEC-COORD-TOKEN-MISSING',
    class: 'REFUSE',
    roles: EXEC,
    predicate: null,
    rule: 'executors read only KRISHIV_COORDINATOR_BEARER_TOKEN; blank, or holding characters that cannot travel in gRPC metadata: registration fails after 30 attempts against an authenticated coordinator',
    source: 'crates/krishiv-executor/src/grpc_client.rs:100-130; crates/krishiv-executor/src/cli.rs:275-322',
    fix: 'Give executors KRISHIV_COORDINATOR_BEARER_TOKEN (one of the tokens the coordinator accepts; executors read only this variable).',
    engineMessage: REG_MISSING,
    evaluate: execCheck((ctx, _r, out) => {
      out.push(...execCoordToken(ctx));
    }),
  },
  {
    id: 'EXEC-COORD-TOKEN-NOT-JWT',
    class: 'REFUSE',
    roles: ['cluster'],
    predicate: null,
    rule: 'KRISHIV_OIDC_JWKS_URI set (JWT replaces static tokens on gRPC) and the KRISHIV_COORDINATOR_BEARER_TOKEN executors send is not a JWT, with no reload interval that puts static tokens back',
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1371-1375',
    fix: 'Give executors a JWT (role writer or admin) as KRISHIV_COORDINATOR_BEARER_TOKEN, or do not set KRISHIV_OIDC_JWKS_URI.',
    engineMessage: REG_INVALID,
    evaluate: execCoordTokenNotJwt,
  },
] as const satisfies readonly CheckDef[];
