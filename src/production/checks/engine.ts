/**
 * The engine checks of surface §7.1: one function per check id, each returning a `pass`
 * finding when the engine would be fine and a failing one (class per the surface) when it
 * would refuse, deny, run open or warn. Pure: everything comes through the CheckContext.
 */
import { asciiLower, rustTrim } from '../../engine/text.js';
import {
  DD,
  DL,
  SN,
  allowsMemoryCheckpointUri,
  allowsUnboundedShuffleStore,
  anonymousAllowedFor,
  clientFlightKey,
  colocatedFlight,
  effectiveCheckpointUri,
  etcdEndpoints,
  executorShuffleToken,
  executorStorage,
  hasStaticTokens,
  isBlank,
  isFailClosed,
  isTruthy,
  jwksConfigured,
  jwtMayBeActive,
  filePathOf,
  jwksUrlUsable,
  headerSafe,
  parseSocketAddr,
  looksLikeJwt,
  parseApiKeys,
  parseReloadInterval,
  parseU64,
  redactUri,
  requiresAuthenticatedFlight,
  requiresAuthenticatedShuffle,
  requiresFileBackedState,
  requiresHttpAuth,
  resolveUiAuth,
  shuffleSvcToken,
  tokenSetState,
  trimmed,
  uiEnabled,
  type Profile,
} from '../model.js';
import type { Finding } from '../types.js';
import { finding, isEngineRole, present, type CheckContext } from './context.js';
import { PARSER_SOURCE } from '../engine-sources.js';
import { splitTokenList } from '../../engine/text.js';

type Check = (ctx: CheckContext) => Finding[];

const TOKEN_VARS = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
];
const TASK = 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN';
const PROFILE = 'KRISHIV_DURABILITY_PROFILE';

function profileVars(_ctx: CheckContext, source: 'cli' | 'env' | 'default'): string[] {
  return source === 'cli' ? [] : [PROFILE];
}

function tokenVarsOf(ctx: CheckContext): string[] {
  const set = present(ctx, ...TOKEN_VARS);
  return set.length > 0 ? set : ['KRISHIV_COORDINATOR_BEARER_TOKEN'];
}

function assumedNote(ctx: CheckContext): string {
  return ctx.tokens.assumed.length > 0 ? ` (assuming ${ctx.tokens.assumed.join(', ')} holds a token on the target host: not checked here)` : '';
}

// ---- mode ---------------------------------------------------------------------------

const modeNotFailClosed: Check = (ctx) => {
  if (!isEngineRole(ctx.role)) return [];
  const fc = isFailClosed(ctx.pEnv.profile, ctx.prod);
  const vars = ['KRISHIV_PRODUCTION', PROFILE];
  if (fc) {
    return [finding(ctx, 'MODE-NOT-FAIL-CLOSED', 'pass', `fail-closed: ${ctx.prod ? 'KRISHIV_PRODUCTION is truthy' : `env profile ${ctx.pEnv.profile}`}`, vars)];
  }
  const cliOnly = ctx.cli.durabilityProfile !== undefined ? ' (--durability-profile reaches only the daemon\'s own start-up checks; Flight SQL, the UI and the storage libraries read the env profile, crates/krishiv-common/src/production.rs:23-48)' : '';
  return [
    finding(ctx, 'MODE-NOT-FAIL-CLOSED', 'fail', `not fail-closed: KRISHIV_PRODUCTION is not truthy and the env profile is dev-local${cliOnly}`, vars),
  ];
};

const modeProfileInvalid: Check = (ctx) => {
  const out: Finding[] = [];
  const raw = ctx.env.get(PROFILE);
  const cliRefusal = ctx.hasCoordinator && ctx.pCoord.source === 'cli' ? ctx.pCoord.refusal : ctx.hasExecutor && ctx.pExec.source === 'cli' ? ctx.pExec.refusal : undefined;
  if (cliRefusal !== undefined) {
    out.push(finding(ctx, 'MODE-PROFILE-INVALID', 'fail', `--durability-profile does not parse: the daemon refuses to start`, [], {
      class: 'REFUSE',
      engineMessage: cliRefusal,
      fromCli: true,
    }));
  }
  if (raw === undefined) {
    if (out.length === 0) out.push(finding(ctx, 'MODE-PROFILE-INVALID', 'pass', `${PROFILE} is unset (dev-local)`, [PROFILE]));
    return out;
  }
  if (ctx.pEnv.warning === undefined) {
    out.push(finding(ctx, 'MODE-PROFILE-INVALID', 'pass', `${PROFILE} parses as ${ctx.pEnv.profile}`, [PROFILE]));
    return out;
  }
  const engineMessage = `unknown durability profile '${asciiLower(rustTrim(raw))}'`;
  if (ctx.hasCoordinator && ctx.pCoord.source === 'env') {
    out.push(finding(ctx, 'MODE-PROFILE-INVALID', 'fail', `${PROFILE} does not parse: the coordinator refuses to start (exit 2)`, [PROFILE], { class: 'REFUSE', engineMessage }));
  } else {
    const who =
      ctx.role === 'executor'
        ? 'the executor silently runs dev-local (no warning at all)'
        : 'the engine warns "invalid durability profile; falling back to DevLocal" and runs dev-local';
    out.push(finding(ctx, 'MODE-PROFILE-INVALID', 'warn', `${PROFILE} does not parse: ${who}`, [PROFILE], {
      class: 'WARN',
      engineMessage: 'invalid durability profile; falling back to DevLocal',
    }));
  }
  return out;
};

// ---- coordinator ----------------------------------------------------------------------

function coordProfileText(ctx: CheckContext): string {
  return `${ctx.pCoord.profile}${ctx.pCoord.source === 'cli' ? ' (from --durability-profile)' : ''}`;
}

const coordGrpcTokensMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const p = ctx.pCoord.profile;
  const vars = [...tokenVarsOf(ctx), ...profileVars(ctx, ctx.pCoord.source)];
  if (p === DL) return [finding(ctx, 'COORD-GRPC-TOKENS-MISSING', 'pass', 'not a durable profile: the coordinator does not require static gRPC tokens at start-up', vars)];
  const state = tokenSetState(ctx.tokens);
  if (state === 'non-empty') {
    return [finding(ctx, 'COORD-GRPC-TOKENS-MISSING', 'pass', `static token set is non-empty (${ctx.tokens.sources.join(', ')})${assumedNote(ctx)}`, vars)];
  }
  if (state === 'error') {
    return [finding(ctx, 'COORD-GRPC-TOKENS-MISSING', 'pass', 'token sources are configured; the refusal comes from the unreadable file (COORD-TOKEN-FILE-UNREADABLE)', vars)];
  }
  const why = ctx.tokens.configured ? 'the token sources resolve to no token (reject-all)' : 'no static token source is set';
  const jwt = jwksConfigured(ctx.env) ? '; OIDC/JWT does not count' : '';
  return [
    finding(ctx, 'COORD-GRPC-TOKENS-MISSING', 'fail', `${coordProfileText(ctx)}: ${why}${jwt}`, vars, {
      engineMessage: `${p} requires non-empty KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS so coordinator gRPC is authenticated`,
    }),
  ];
};

const coordTokenFileUnreadable: Check = (ctx) => {
  if (!ctx.hasCoordinator && ctx.role !== 'operator') return [];
  if (ctx.role === 'operator' && !operatorServes(ctx)) return [finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'pass', 'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)', ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'], { fromCli: true })];
  const fileVars = present(ctx, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE').filter((n) => trimmed(ctx.env.get(n)) !== undefined);
  if (fileVars.length === 0) return [finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'pass', 'no coordinator token file is configured', ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'])];
  const err = ctx.tokens.error;
  if (err) {
    const p = ctx.role === 'operator' ? ctx.pEnv.profile : ctx.pCoord.profile;
    const cls = ctx.role !== 'operator' && p !== DL ? 'REFUSE' : 'DENY';
    const effect =
      cls === 'REFUSE'
        ? `${p} refuses to start`
        : 'no static provider is installed (even an inline KRISHIV_COORDINATOR_BEARER_TOKEN is ignored) and the HTTP token list is empty';
    return [
      finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'fail', `${err.variable} cannot be read (${err.message}): ${effect}`, [err.variable, ...fileVars.filter((v) => v !== err.variable)], {
        class: cls,
        engineMessage: `failed to read coordinator bearer token configuration: ${err.message}`,
      }),
    ];
  }
  if (ctx.tokens.assumed.length === fileVars.length) {
    return [finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'skip', `not checked here: ${fileVars.join(', ')} ${fileVars.length > 1 ? 'do' : 'does'} not exist on this machine (use --require-files on the target host)`, fileVars)];
  }
  const note = ctx.tokens.assumed.length > 0 ? `; not checked here: ${ctx.tokens.assumed.join(', ')}` : '';
  return [finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'pass', `token files are readable${note}`, fileVars)];
};

function anonymousRequested(ctx: CheckContext): boolean {
  return isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS')) || ctx.cli.insecure === true;
}

/**
 * Why OIDC can never be in use although KRISHIV_OIDC_JWKS_URI is set, or undefined when it can:
 * anonymous gRPC is asked for (that branch comes before JWT, crates/krishiv-scheduler/src/coordinator_daemon.rs:1363-1376),
 * or the value is not an http(s) URL the JWKS fetch accepts (crates/krishiv-scheduler/src/auth.rs:663-672).
 */
export function oidcUnused(ctx: CheckContext): string | undefined {
  const uri = ctx.env.get('KRISHIV_OIDC_JWKS_URI');
  if (uri === undefined) return 'OIDC is not configured (KRISHIV_OIDC_JWKS_URI unset)';
  if (anonymousRequested(ctx)) return 'anonymous gRPC is asked for (KRISHIV_ALLOW_ANONYMOUS / --insecure): the coordinator never tries OIDC';
  if (!jwksUrlUsable(uri)) return 'KRISHIV_OIDC_JWKS_URI is not an http or https URL the JWKS fetch accepts: the JWT provider is never installed and static tokens apply';
  return undefined;
}

const coordInsecureDurable: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const p = ctx.pCoord.profile;
  const vars = ['KRISHIV_ALLOW_ANONYMOUS', ...profileVars(ctx, ctx.pCoord.source)];
  if (!anonymousRequested(ctx)) return [finding(ctx, 'COORD-INSECURE-DURABLE', 'pass', 'anonymous gRPC is not requested (KRISHIV_ALLOW_ANONYMOUS / --insecure)', vars)];
  if (p === DL) return [finding(ctx, 'COORD-INSECURE-DURABLE', 'pass', 'anonymous gRPC requested, but the profile is dev-local (see COORD-GRPC-ANONYMOUS)', vars)];
  return [
    finding(ctx, 'COORD-INSECURE-DURABLE', 'fail', `${coordProfileText(ctx)} with ${ctx.cli.insecure ? '--insecure' : 'KRISHIV_ALLOW_ANONYMOUS'}: the coordinator refuses to start`, vars, {
      engineMessage: `${p} rejects --insecure coordinator gRPC`,
      fromCli: ctx.cli.insecure === true && !isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS')),
    }),
  ];
};

const coordExecTokenMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [TASK, ...profileVars(ctx, ctx.pCoord.source)];
  if (ctx.pCoord.profile !== DD) return [finding(ctx, 'COORD-EXEC-TOKEN-MISSING', 'pass', 'not distributed-durable: the coordinator does not require the executor task token at start-up', vars)];
  if (!isBlank(ctx.env.get(TASK))) return [finding(ctx, 'COORD-EXEC-TOKEN-MISSING', 'pass', `${TASK} is set`, vars)];
  return [
    finding(ctx, 'COORD-EXEC-TOKEN-MISSING', 'fail', `${coordProfileText(ctx)} and ${TASK} is blank: the coordinator refuses to start`, vars, {
      engineMessage: 'distributed-durable requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN so executor task-control gRPC is authenticated',
    }),
  ];
};

const HTTP_MSG =
  'coordinator HTTP is enabled but no bearer tokens are configured; set KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS (or KRISHIV_ALLOW_ANONYMOUS_HTTP for dev-only bypass)';

const coordHttpTokensMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [...tokenVarsOf(ctx), 'KRISHIV_ALLOW_ANONYMOUS_HTTP', 'KRISHIV_PRODUCTION'];
  if (!requiresHttpAuth(ctx.pCoord.profile, ctx.prod)) {
    return [finding(ctx, 'COORD-HTTP-TOKENS-MISSING', 'pass', 'requires_http_auth is false (dev-local without KRISHIV_PRODUCTION): see COORD-HTTP-ANONYMOUS', vars)];
  }
  if (isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS_HTTP'))) {
    return [finding(ctx, 'COORD-HTTP-TOKENS-MISSING', 'pass', 'KRISHIV_ALLOW_ANONYMOUS_HTTP bypasses the start-up check (see COORD-HTTP-ANONYMOUS)', vars)];
  }
  if (hasStaticTokens(ctx.tokens)) return [finding(ctx, 'COORD-HTTP-TOKENS-MISSING', 'pass', `HTTP has static bearer tokens${assumedNote(ctx)}`, vars)];
  const why = ctx.tokens.error ? `the token configuration cannot be read (${ctx.tokens.error.variable}), so the HTTP token list is empty` : ctx.tokens.configured ? 'the token sources resolve to no token' : 'no static token source is set (HTTP never accepts JWTs)';
  return [finding(ctx, 'COORD-HTTP-TOKENS-MISSING', 'fail', `requires_http_auth(${coordProfileText(ctx)}${ctx.prod ? ', prod' : ''}) and ${why}: the coordinator refuses to start`, vars, { engineMessage: HTTP_MSG })];
};

const coordMetadataProfile: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const p = ctx.pCoord.profile;
  const backend = ctx.cli.metadataBackend ?? ctx.env.get('KRISHIV_METADATA_BACKEND');
  const path = ctx.cli.metadataPath ?? ctx.env.get('KRISHIV_METADATA_PATH');
  const leader = ctx.cli.leaderBackend ?? ctx.env.get('KRISHIV_LEADER_BACKEND');
  const endpoints = etcdEndpoints(ctx.env, ctx.cli);
  const problems: Array<{ msg: string; vars: string[] }> = [];
  if (p === SN) {
    if (backend !== undefined && backend !== 'rocksdb' && backend !== 'redb') problems.push({ msg: `single-node-durable requires --metadata-backend rocksdb; got '${backend}'`, vars: ['KRISHIV_METADATA_BACKEND'] });
    else if (backend !== undefined && path === undefined) problems.push({ msg: 'single-node-durable requires --metadata-path', vars: ['KRISHIV_METADATA_PATH', 'KRISHIV_METADATA_BACKEND'] });
    if (leader !== undefined && leader !== 'single') problems.push({ msg: 'single-node-durable requires --leader-backend single', vars: ['KRISHIV_LEADER_BACKEND'] });
  } else if (p === DD) {
    if (backend !== 'etcd') problems.push({ msg: 'distributed-durable requires --metadata-backend etcd', vars: ['KRISHIV_METADATA_BACKEND'] });
    if (leader !== 'etcd') problems.push({ msg: 'distributed-durable requires --leader-backend etcd', vars: ['KRISHIV_LEADER_BACKEND'] });
    if (endpoints.length === 0) problems.push({ msg: 'distributed-durable requires --etcd-endpoints or KRISHIV_ETCD_ENDPOINTS', vars: ['KRISHIV_ETCD_ENDPOINTS'] });
  }
  const allVars = ['KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_BACKEND', 'KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_METADATA_PATH'];
  if (problems.length === 0) {
    return [finding(ctx, 'COORD-METADATA-PROFILE', 'pass', p === DL ? 'dev-local: no metadata/leader requirement (memory metadata is accepted, even with KRISHIV_PRODUCTION)' : `metadata and leader settings satisfy ${p}`, present(ctx, ...allVars).length ? present(ctx, ...allVars) : [PROFILE])];
  }
  return problems.map((pr) =>
    finding(ctx, 'COORD-METADATA-PROFILE', 'fail', `${coordProfileText(ctx)}: the coordinator refuses to start: ${pr.msg}`, [...pr.vars, ...profileVars(ctx, ctx.pCoord.source)], { engineMessage: pr.msg }),
  );
};

const coordMetadataConfig: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const backend = ctx.cli.metadataBackend ?? ctx.env.get('KRISHIV_METADATA_BACKEND');
  const path = ctx.cli.metadataPath ?? ctx.env.get('KRISHIV_METADATA_PATH');
  const leader = ctx.cli.leaderBackend ?? ctx.env.get('KRISHIV_LEADER_BACKEND');
  const lease = ctx.cli.leaderLeaseSecs ?? ctx.env.get('KRISHIV_LEADER_LEASE_SECS');
  const id = ctx.cli.coordinatorId ?? ctx.env.get('KRISHIV_COORDINATOR_ID');
  const problems: Array<{ msg: string; vars: string[] }> = [];
  if (id !== undefined && rustTrim(id) === '') problems.push({ msg: 'coordinator id cannot be empty', vars: ['KRISHIV_COORDINATOR_ID'] });
  if (leader === 'etcd' && etcdEndpoints(ctx.env, ctx.cli).length === 0 && ctx.pCoord.profile !== DD) {
    problems.push({ msg: '--leader-backend etcd requires --etcd-endpoints or KRISHIV_ETCD_ENDPOINTS', vars: ['KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_LEADER_BACKEND'] });
  }
  // the env lease is parsed untrimmed and falls back to 15 when it does not parse; a flag that does not parse refuses (coordinator_daemon.rs:1144-1147,1200-1205)
  if (lease !== undefined && parseU64(lease) === 0n) problems.push({ msg: '--leader-lease-secs must be greater than zero', vars: ['KRISHIV_LEADER_LEASE_SECS'] });
  // The metadata-store builder's match arms, in their order (coordinator_daemon.rs:187-293); it runs only
  // after the profile checks pass, which already refuse what the durable profiles forbid.
  const metaVars = ['KRISHIV_METADATA_BACKEND', 'KRISHIV_METADATA_PATH'];
  const pc = ctx.pCoord.profile;
  const profileRefuses = (pc === SN && backend !== undefined && backend !== 'rocksdb' && backend !== 'redb') || (pc === DD && backend !== 'etcd');
  if (profileRefuses) {
    // COORD-METADATA-PROFILE's refusal comes first
  } else if (backend === 'memory') {
    // a path is ignored, not refused
  } else if (backend === undefined && path === undefined) {
    // backend chosen from the profile (distributed-durable is refused by COORD-METADATA-PROFILE)
  } else if (backend === 'etcd') {
    if (etcdEndpoints(ctx.env, ctx.cli).length === 0 && ctx.pCoord.profile !== DD && leader !== 'etcd') {
      problems.push({ msg: '--metadata-backend etcd requires --etcd-endpoints (or KRISHIV_ETCD_ENDPOINTS)', vars: ['KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_METADATA_BACKEND'] });
    }
  } else if ((backend === 'rocksdb' || backend === 'redb') && path === undefined) {
    problems.push({ msg: '--metadata-backend rocksdb requires --metadata-path', vars: metaVars });
  } else if (backend === 'rocksdb' || backend === 'redb') {
    // rocksdb at the path ("redb" is a legacy alias)
  } else if (path !== undefined) {
    problems.push({
      msg: `cannot use --metadata-path '${path}' with backend '${backend ?? '(none)'}'; for durable single-node storage use: --metadata-backend rocksdb. For distributed HA use: --metadata-backend etcd (requires --features etcd).`,
      vars: metaVars,
    });
  } else if (backend !== undefined) {
    problems.push({ msg: `unknown --metadata-backend '${backend}'; supported: memory, rocksdb, etcd`, vars: ['KRISHIV_METADATA_BACKEND'] });
  }
  if (problems.length === 0) {
    return [finding(ctx, 'COORD-METADATA-CONFIG', 'pass', 'coordinator id, leader lease and metadata backend parse', present(ctx, 'KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_LEASE_SECS', 'KRISHIV_COORDINATOR_ID').length ? present(ctx, 'KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_LEASE_SECS', 'KRISHIV_COORDINATOR_ID') : ['KRISHIV_METADATA_BACKEND'])];
  }
  return problems.map((pr) => finding(ctx, 'COORD-METADATA-CONFIG', 'fail', `the coordinator refuses its configuration: ${pr.msg}`, pr.vars, { engineMessage: pr.msg }));
};

const coordTlsPair: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const cert = ctx.env.get('KRISHIV_TLS_CERT');
  const key = ctx.env.get('KRISHIV_TLS_KEY');
  const ca = ctx.env.get('KRISHIV_CA_CERT');
  if ((cert === undefined) !== (key === undefined)) {
    return [
      finding(ctx, 'COORD-TLS-PAIR', 'fail', `only ${cert !== undefined ? 'KRISHIV_TLS_CERT' : 'KRISHIV_TLS_KEY'} is set (an empty value counts as set): the coordinator refuses at the end of start-up`, [cert !== undefined ? 'KRISHIV_TLS_KEY' : 'KRISHIV_TLS_CERT', cert !== undefined ? 'KRISHIV_TLS_CERT' : 'KRISHIV_TLS_KEY'], {
        engineMessage: 'KRISHIV_TLS_CERT and KRISHIV_TLS_KEY must both be set or both unset',
      }),
    ];
  }
  const out: Finding[] = [];
  const unchecked: string[] = [];
  const toRead: Array<[string, string | undefined]> = cert !== undefined ? [['KRISHIV_TLS_CERT', cert], ['KRISHIV_TLS_KEY', key], ['KRISHIV_CA_CERT', ca]] : [['KRISHIV_CA_CERT', cert !== undefined ? ca : undefined]];
  for (const [name, p] of toRead) {
    if (p === undefined) continue;
    // std::fs::read("") fails like a missing file: a present-but-empty variable refuses (crates/krishiv-scheduler/src/grpc.rs:914-936)
    const f = p === '' ? ({ state: 'missing' } as const) : ctx.files.probe(p);
    if (f.state === 'unchecked') unchecked.push(name);
    else if (f.state === 'missing' || f.state === 'unreadable') {
      const e = f.state === 'missing' ? 'No such file or directory (os error 2)' : f.error;
      out.push(finding(ctx, 'COORD-TLS-PAIR', 'fail', `${name} cannot be read: the coordinator refuses at the end of start-up`, [name], { engineMessage: `${name}: cannot read ${p}: ${e}` }));
    }
  }
  if (out.length > 0) return out;
  if (cert === undefined) return [finding(ctx, 'COORD-TLS-PAIR', 'pass', 'no server TLS configured (no profile requires it; gRPC is plaintext)', ['KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY'])];
  if (unchecked.length > 0) return [finding(ctx, 'COORD-TLS-PAIR', 'skip', `TLS pair set; not checked here: ${unchecked.join(', ')} (files do not exist on this machine)`, ['KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY'])];
  return [finding(ctx, 'COORD-TLS-PAIR', 'pass', 'KRISHIV_TLS_CERT and KRISHIV_TLS_KEY are both set and readable', ['KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY'])];
};

const coordGrpcDenyAll: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [...tokenVarsOf(ctx), 'KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_OIDC_JWKS_URI'];
  if (anonymousRequested(ctx)) {
    if (anonymousAllowedFor(ctx.pEnv.profile, ctx.prod)) {
      return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'pass', 'anonymous gRPC is allowed (see COORD-GRPC-ANONYMOUS)', vars)];
    }
    return [
      finding(ctx, 'COORD-GRPC-DENY-ALL', 'fail', `anonymous gRPC requested but refused (KRISHIV_PRODUCTION or env profile ${ctx.pEnv.profile}): the engine logs an error and installs no provider at all, so every RPC is rejected`, ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION'], {
        engineMessage: 'anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1',
      }),
    ];
  }
  const state = tokenSetState(ctx.tokens);
  if (jwtMayBeActive(ctx.env, anonymousRequested(ctx)) && state !== 'non-empty') {
    return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'pass', 'the JWT provider is installed if the JWKS loads at start (a JWKS load failure falls back to static tokens)', vars)];
  }
  if (state === 'non-empty' && ctx.tokens.assumed.length === 0 && ctx.tokens.tokens.every((t) => !headerSafe(t))) {
    return [
      finding(ctx, 'COORD-GRPC-DENY-ALL', 'fail', 'every configured coordinator token holds characters that cannot travel in an authorization header (only visible ASCII can): no client can present one, so every call is rejected', vars, {
        engineMessage: 'missing Bearer token',
      }),
    ];
  }
  if (state === 'non-empty') return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'pass', `static token provider installed${assumedNote(ctx)}`, vars)];
  const engineMessage = 'coordinator gRPC has no auth provider and anonymous access is denied by default: ALL control-plane RPCs will be rejected.';
  if (state === 'error') {
    return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'fail', `the token configuration cannot be read (${ctx.tokens.error!.variable}): no provider is installed and every RPC is rejected`, vars, { engineMessage })];
  }
  if (ctx.tokens.configured) {
    return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'fail', 'token sources are configured but resolve to no token: the engine installs a reject-all provider (every token → invalid API key)', vars, { engineMessage: 'invalid API key' })];
  }
  return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'fail', 'no static token source, no JWT and no anonymous access: every gRPC call is rejected and executors never register', vars, { engineMessage })];
};

const coordGrpcAnonymous: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION', PROFILE];
  if (anonymousRequested(ctx) && anonymousAllowedFor(ctx.pEnv.profile, ctx.prod) && ctx.pCoord.profile === DL) {
    return [
      finding(ctx, 'COORD-GRPC-ANONYMOUS', 'fail', `${ctx.cli.insecure ? '--insecure' : 'KRISHIV_ALLOW_ANONYMOUS'} under dev-local without KRISHIV_PRODUCTION: coordinator gRPC is unauthenticated`, vars, {
        engineMessage: 'SECURITY: coordinator is serving UNAUTHENTICATED gRPC control-plane + HTTP admin/federation …',
      }),
    ];
  }
  return [finding(ctx, 'COORD-GRPC-ANONYMOUS', 'pass', 'coordinator gRPC is not anonymous', vars)];
};

const coordHttpAnonymous: Check = (ctx) => {
  if (!ctx.hasCoordinator && ctx.role !== 'operator') return [];
  if (ctx.role === 'operator' && !operatorServes(ctx)) return [finding(ctx, 'COORD-HTTP-ANONYMOUS', 'pass', 'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)', ['KRISHIV_ALLOW_ANONYMOUS_HTTP'], { fromCli: true })];
  const override = isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS_HTTP'));
  const vars = ['KRISHIV_ALLOW_ANONYMOUS_HTTP', 'KRISHIV_PRODUCTION', PROFILE];
  if (override) {
    return [
      finding(ctx, 'COORD-HTTP-ANONYMOUS', 'fail', `KRISHIV_ALLOW_ANONYMOUS_HTTP is truthy: the ${ctx.role === 'operator' ? 'operator sidecar' : 'coordinator'} HTTP control plane (/api/v1/jobs, …) is unauthenticated${ctx.prod ? ' even in production (the engine only logs a warning)' : ''}`, vars, {
        predicate: 'allow_anonymous_http_override',
        ...(ctx.prod ? { engineMessage: 'anonymous HTTP override is active in production mode; control-plane routes are unauthenticated' } : {}),
      }),
    ];
  }
  if (ctx.role !== 'operator' && !requiresHttpAuth(ctx.pCoord.profile, ctx.prod)) {
    return [finding(ctx, 'COORD-HTTP-ANONYMOUS', 'fail', 'requires_http_auth is false (dev-local without KRISHIV_PRODUCTION): the HTTP control plane has no bearer middleware', vars)];
  }
  return [finding(ctx, 'COORD-HTTP-ANONYMOUS', 'pass', ctx.role === 'operator' ? 'the operator sidecar always requires auth (built as distributed-durable)' : 'HTTP control plane requires a bearer token', vars)];
};

const coordOidcNoAudience: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_OIDC_AUDIENCE', 'KRISHIV_OIDC_JWKS_URI'];
  if (!jwksConfigured(ctx.env)) return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'pass', 'OIDC is not configured (KRISHIV_OIDC_JWKS_URI unset)', ['KRISHIV_OIDC_JWKS_URI'])];
  const unused = oidcUnused(ctx);
  if (unused !== undefined) return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'pass', unused, ['KRISHIV_OIDC_JWKS_URI'])];
  if (ctx.env.has('KRISHIV_OIDC_AUDIENCE')) {
    const blank = ctx.env.get('KRISHIV_OIDC_AUDIENCE') === '';
    return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', blank ? 'warn' : 'pass', blank ? 'KRISHIV_OIDC_AUDIENCE is set but empty: the engine counts it as set and only accepts tokens whose aud contains "" (or that have no aud)' : 'KRISHIV_OIDC_AUDIENCE is set (tokens without an aud claim are still accepted)', vars)];
  }
  if (ctx.prod) {
    return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'warn', 'KRISHIV_OIDC_JWKS_URI without KRISHIV_OIDC_AUDIENCE under KRISHIV_PRODUCTION: the JWT provider is silently not installed (no refusal) and static tokens are used', vars, {
      engineMessage: 'KRISHIV_OIDC_AUDIENCE must be set when JWT auth is active in production mode',
    })];
  }
  return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'warn', 'KRISHIV_OIDC_JWKS_URI without KRISHIV_OIDC_AUDIENCE outside KRISHIV_PRODUCTION: tokens for any audience are accepted', vars)];
};

const coordOidcOverriddenByReload: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS', 'KRISHIV_OIDC_JWKS_URI', ...ctx.tokens.sources];
  const reload = parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'));
  if (jwksConfigured(ctx.env) && oidcUnused(ctx) === undefined && reload.seconds !== undefined && ctx.tokens.configured) {
    const today = jwtMayBeActive(ctx.env, anonymousRequested(ctx)) ? '' : ' (today the missing KRISHIV_OIDC_AUDIENCE already disables JWT under KRISHIV_PRODUCTION; this bites once it is set)';
    return [finding(ctx, 'COORD-OIDC-OVERRIDDEN-BY-RELOAD', 'warn', `JWKS, a ${reload.seconds}s reload interval and static tokens: the first reload tick (immediate) replaces the JWT provider with static tokens, so JWT is effectively off on gRPC${today}`, vars)];
  }
  return [finding(ctx, 'COORD-OIDC-OVERRIDDEN-BY-RELOAD', 'pass', jwksConfigured(ctx.env) ? 'no reload interval with static tokens: the JWT provider stays installed' : 'OIDC is not configured', vars.slice(0, 2))];
};

const coordReloadDisabled: Check = (ctx) => {
  if (!ctx.hasCoordinator && ctx.role !== 'operator') return [];
  if (ctx.role === 'operator' && !operatorServes(ctx)) return [finding(ctx, 'COORD-RELOAD-DISABLED', 'pass', 'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)', ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'], { fromCli: true })];
  const fileVars = ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE'].filter((n) => trimmed(ctx.env.get(n)) !== undefined);
  const vars = ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS', ...fileVars];
  if (fileVars.length === 0) return [finding(ctx, 'COORD-RELOAD-DISABLED', 'pass', 'no coordinator token file: nothing to reload', vars)];
  const reload = parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'));
  if (reload.seconds !== undefined) return [finding(ctx, 'COORD-RELOAD-DISABLED', 'pass', `token files are re-read every ${reload.seconds}s on gRPC (HTTP and UI still need a restart)`, vars)];
  const why = reload.warning ? 'is not a whole number (the engine warns and never reloads)' : reload.raw === undefined ? 'is unset (the registry default 30 is not what the code does: unset means no reload)' : 'is 0 or empty (no reload)';
  return [
    finding(ctx, 'COORD-RELOAD-DISABLED', 'warn', `${fileVars.join(', ')} set but KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS ${why}: the files are read once at start`, vars, reload.warning ? { engineMessage: reload.warning } : {}),
  ];
};

// ---- flight ---------------------------------------------------------------------------

function flightRuns(ctx: CheckContext): 'standalone' | 'colocated' | undefined {
  if (ctx.role === 'flight-server') return 'standalone';
  if (ctx.hasCoordinator && colocatedFlight(ctx.env, ctx.cli)) return 'colocated';
  return undefined;
}

const flightChecks: Check = (ctx) => {
  const mode = flightRuns(ctx);
  if (mode === undefined) {
    if (!ctx.hasCoordinator) return [];
    const why = 'Flight SQL is not co-located (KRISHIV_FLIGHT_ADDR unset or not an IP:port, no --flight-addr)';
    return ['FLIGHT-API-KEYS-MISSING', 'FLIGHT-API-KEYS-MALFORMED', 'FLIGHT-POLICY-MISSING', 'FLIGHT-ANONYMOUS'].map((id) => finding(ctx, id, 'pass', why, ['KRISHIV_FLIGHT_ADDR']));
  }
  const out: Finding[] = [];
  if (mode === 'standalone') {
    // KRISHIV_FLIGHT_ADDR is parsed strictly, untrimmed, before the keys are read (crates/krishiv-flight-sql/src/service.rs:1417-1423)
    const raw = ctx.env.get('KRISHIV_FLIGHT_ADDR');
    if (raw !== undefined && !parseSocketAddr(raw)) {
      out.push(finding(ctx, 'FLIGHT-ADDR-INVALID', 'fail', 'KRISHIV_FLIGHT_ADDR is not an IP:port socket address (host names and surrounding spaces do not parse): the Flight SQL server refuses to start', ['KRISHIV_FLIGHT_ADDR'], { engineMessage: 'invalid socket address syntax' }));
    } else {
      out.push(finding(ctx, 'FLIGHT-ADDR-INVALID', 'pass', raw === undefined ? 'KRISHIV_FLIGHT_ADDR unset: 127.0.0.1:2003' : 'KRISHIV_FLIGHT_ADDR parses', ['KRISHIV_FLIGHT_ADDR']));
    }
  }
  const fc = isFailClosed(ctx.pEnv.profile, ctx.prod);
  const required = requiresAuthenticatedFlight(ctx.pEnv.profile, ctx.prod);
  const keys = parseApiKeys(ctx.env.get('KRISHIV_API_KEYS'));
  const K = 'KRISHIV_API_KEYS';
  const where = mode === 'standalone' ? 'the Flight server refuses to start (exit 2)' : 'the coordinator logs ERROR and runs without Flight SQL';
  // MISSING
  if (keys.state === 'unset' && required) {
    out.push(finding(ctx, 'FLIGHT-API-KEYS-MISSING', 'fail', `requires_authenticated_flight(env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and ${K} is blank: ${where}`, [K, PROFILE], {
      class: mode === 'standalone' ? 'REFUSE' : 'DENY',
      engineMessage: 'KRISHIV_API_KEYS is required under durable profiles (format: key1=user,...)',
    }));
  } else {
    out.push(finding(ctx, 'FLIGHT-API-KEYS-MISSING', 'pass', keys.state === 'unset' ? 'Flight SQL auth is not required (see FLIGHT-ANONYMOUS)' : `${K} is set`, [K]));
  }
  // MALFORMED
  if (keys.state === 'error') {
    out.push(finding(ctx, 'FLIGHT-API-KEYS-MALFORMED', 'fail', fc ? `${K} does not parse: ${mode === 'standalone' ? 'REFUSE' : 'Flight is not started'} under fail-closed (the engine prints the raw entry, key included, to its log)` : `${K} does not parse: outside fail-closed the engine warns and serves Flight anonymously`, [K], {
      class: fc ? 'REFUSE' : 'OPEN',
      engineMessage: fc ? keys.message : `${keys.message}; serving anonymously (dev only)`,
    }));
  } else {
    out.push(finding(ctx, 'FLIGHT-API-KEYS-MALFORMED', 'pass', keys.state === 'ok' ? `${K} parses: ${keys.map.size} key(s)` : `${K} is unset`, [K]));
  }
  // POLICY
  const allowAll = isTruthy(ctx.env.get('KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED'));
  if (keys.state === 'ok' && !allowAll) {
    out.push(finding(ctx, 'FLIGHT-POLICY-MISSING', 'fail', `${K} is configured but KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED is not truthy: every Flight RPC (handshake included) is denied, in every profile`, ['KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED', K], {
      engineMessage: 'PERMISSION_DENIED: auth is configured but no policy engine is set; configure a PolicyHook or use an unauthenticated service',
    }));
  } else {
    out.push(finding(ctx, 'FLIGHT-POLICY-MISSING', 'pass', keys.state === 'ok' ? 'KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED lets authenticated callers through' : 'no valid keys: the policy rule does not apply', ['KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED']));
  }
  // ANONYMOUS
  if (!fc && keys.state !== 'ok') {
    out.push(finding(ctx, 'FLIGHT-ANONYMOUS', 'fail', 'Flight SQL runs without keys outside fail-closed mode: anonymous', [K, 'KRISHIV_PRODUCTION', PROFILE]));
  } else {
    out.push(finding(ctx, 'FLIGHT-ANONYMOUS', 'pass', keys.state === 'ok' ? 'Flight SQL requires an API key' : 'fail-closed: Flight SQL is not served anonymously', [K]));
  }
  return out;
};

// ---- UI -------------------------------------------------------------------------------

const uiChecks: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_UI_TOKEN', 'KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI'];
  if (!uiEnabled(ctx.env)) {
    return ['UI-TOKEN-MISSING', 'UI-ANONYMOUS'].map((id) => finding(ctx, id, 'pass', 'the embedded UI is off (KRISHIV_UI=off)', ['KRISHIV_UI']));
  }
  const ui = resolveUiAuth(ctx.env, ctx.files, ctx.pEnv.profile);
  const out: Finding[] = [];
  if (ui.mode === 'deny') {
    const why = ui.reason === 'unreadable-file' ? `KRISHIV_UI_TOKEN_FILE cannot be read (${ui.error})` : 'no UI token is configured';
    out.push(finding(ctx, 'UI-TOKEN-MISSING', 'fail', `UI auth is required (env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and ${why}: every protected UI route returns 401`, ui.reason === 'unreadable-file' ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : vars, { engineMessage: 'authentication not configured' }));
  } else if (ui.mode === 'token' && ui.assumed) {
    out.push(finding(ctx, 'UI-TOKEN-MISSING', 'skip', 'not checked here: KRISHIV_UI_TOKEN_FILE does not exist on this machine (use --require-files on the target host)', ['KRISHIV_UI_TOKEN_FILE']));
  } else {
    out.push(finding(ctx, 'UI-TOKEN-MISSING', 'pass', ui.mode === 'token' ? `UI token from ${ui.source}` : 'UI auth is not required', [ui.mode === 'token' ? ui.source : 'KRISHIV_UI_TOKEN']));
  }
  if (ui.mode === 'anonymous') {
    const msg =
      ui.reason === 'empty-file-var'
        ? 'KRISHIV_UI_TOKEN_FILE="" with a blank KRISHIV_UI_TOKEN: the UI is anonymous even under fail-closed (it runs SQL via POST /api/v1/sql)'
        : `UI auth is not required (env profile dev-local without KRISHIV_PRODUCTION${ctx.cli.durabilityProfile ? '; --durability-profile does not reach the UI' : ''}) and no token is set: the UI, including POST /api/v1/sql, is anonymous`;
    out.push(finding(ctx, 'UI-ANONYMOUS', 'fail', msg, ui.reason === 'empty-file-var' ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : vars));
  } else {
    out.push(finding(ctx, 'UI-ANONYMOUS', 'pass', 'the UI is not anonymous', vars));
  }
  return out;
};

// ---- executor -------------------------------------------------------------------------

function execProfileText(ctx: CheckContext): string {
  return `${ctx.pExec.profile}${ctx.pExec.source === 'cli' ? ' (from --durability-profile)' : ''}`;
}

const execChecks: Check = (ctx) => {
  if (!ctx.hasExecutor) return [];
  const out: Finding[] = [];
  const pExec = ctx.pExec.profile;
  const pEnv = ctx.pEnv.profile;
  const st = executorStorage(ctx.env, ctx.cli, pExec);
  const taskBlank = isBlank(ctx.env.get(TASK));
  const grpcOn = st.taskGrpcEnabled || st.barrierGrpcEnabled;
  const pv = profileVars(ctx, ctx.pExec.source);

  // EXEC-TASK-TOKEN-MISSING
  if ((pExec !== DL || ctx.prod) && taskBlank && grpcOn) {
    out.push(finding(ctx, 'EXEC-TASK-TOKEN-MISSING', 'fail', `${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''} and ${TASK} is blank while task/barrier gRPC is on: the executor refuses to start`, [TASK, ...pv], {
      engineMessage: `durability profile '${pExec}' requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN when task or barrier gRPC is enabled`,
    }));
  } else {
    out.push(finding(ctx, 'EXEC-TASK-TOKEN-MISSING', 'pass', !taskBlank ? `${TASK} is set` : !grpcOn ? 'task and barrier gRPC are off' : 'not fail-closed: no task token required at start-up (task gRPC is unauthenticated)', [TASK]));
  }
  // EXEC-REQUIRE-WITHOUT-TOKEN
  const require = isTruthy(ctx.env.get('KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH'));
  if (require && taskBlank && st.taskGrpcEnabled) {
    out.push(finding(ctx, 'EXEC-REQUIRE-WITHOUT-TOKEN', 'fail', `KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH is truthy and ${TASK} is blank: the executor refuses to start`, ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH', TASK], {
      engineMessage: 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH=true requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-REQUIRE-WITHOUT-TOKEN', 'pass', require ? `${TASK} is set` : 'KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH is not truthy', ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH']));
  }
  // The refusals after registration happen only in --connect mode (crates/krishiv-executor/src/cli.rs:112-133);
  // with no --cli the executor is taken as started with --connect, as every deployment runs it.
  const connected = ctx.cli.registerOnce !== true;
  const afterReg = (id: string): Finding =>
    finding(ctx, id, 'pass', 'the executor runs --register-once: it registers, sends one heartbeat and exits; the storage it would build after registering is never opened', ['KRISHIV_DURABILITY_PROFILE'], { fromCli: true });
  // EXEC-MEMORY-CHECKPOINT
  const ckVars = ['KRISHIV_CHECKPOINT_STORAGE', ...pv];
  const explicitMemory = st.checkpointUri !== undefined && rustTrim(st.checkpointUri).startsWith('memory://');
  const cliCk = ctx.cli.checkpointUri !== undefined;
  const eff = effectiveCheckpointUri(st, pExec);
  if (explicitMemory && !allowsMemoryCheckpointUri(pExec, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-MEMORY-CHECKPOINT', 'fail', `explicit memory:// checkpoint URI under ${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''}: the executor refuses to start`, ckVars, {
      engineMessage: `checkpoint URI '${redactUri(st.checkpointUri!)}' is forbidden for durability profile '${pExec}'; use a file:// or s3:// URI`,
      fromCli: cliCk,
    }));
  } else if (!connected) {
    out.push(afterReg('EXEC-MEMORY-CHECKPOINT'));
  } else if (eff !== undefined && rustTrim(eff).startsWith('memory://') && !allowsMemoryCheckpointUri(pEnv, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-MEMORY-CHECKPOINT', 'fail', `checkpoint storage is ${st.checkpointUri === undefined ? 'the dev-local default memory://' : 'memory://'} and memory checkpoints are not allowed under the env profile ${pEnv}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''} (the storage library re-reads the environment): the executor refuses after registering`, ckVars, {
      engineMessage: `checkpoint storage at memory://: memory:// checkpoint URIs are forbidden for durability profile '${pEnv}'`,
      fromCli: cliCk,
    }));
  } else {
    out.push(finding(ctx, 'EXEC-MEMORY-CHECKPOINT', 'pass', eff === undefined ? 'no checkpoint URI (see EXEC-DD-CHECKPOINT-MISSING)' : rustTrim(eff).startsWith('memory://') ? 'memory:// checkpoints are allowed (dev-local without KRISHIV_PRODUCTION)' : 'checkpoint storage is not memory://', ['KRISHIV_CHECKPOINT_STORAGE'], { fromCli: cliCk }));
  }
  // DD requirements (apply_shuffle_defaults and kin, before any mode: cli.rs:67-74,1501-1613)
  const rawS3 = st.shuffleUri?.startsWith('s3://') ?? false;
  const ddShuffle = ['KRISHIV_SHUFFLE_DIR', 'KRISHIV_SHUFFLE_URI', ...pv];
  if (pExec === DD && st.shuffleDir === undefined && (st.shuffleUri === undefined || rawS3)) {
    out.push(finding(ctx, 'EXEC-DD-SHUFFLE-MISSING', 'fail', `${execProfileText(ctx)}: ${rawS3 ? 's3:// shuffle URI without a shuffle dir' : 'neither shuffle dir nor URI'}: the executor refuses to start`, ddShuffle, {
      engineMessage: rawS3
        ? `durability-profile=distributed-durable with shuffle URI '${redactUri(st.shuffleUri!)}' also requires --shuffle-dir (or KRISHIV_SHUFFLE_DIR) so the tiered local + object-store shuffle backend can be built`
        : 'durability-profile=distributed-durable requires --shuffle-uri or --shuffle-dir (set KRISHIV_SHUFFLE_URI, KRISHIV_SHUFFLE_DIR, or pass explicit flags)',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-DD-SHUFFLE-MISSING', 'pass', pExec === DD ? 'shuffle storage is configured' : 'not distributed-durable', ['KRISHIV_SHUFFLE_DIR']));
  }
  if (pExec === DD && st.stateDir === undefined) {
    out.push(finding(ctx, 'EXEC-DD-STATE-DIR-MISSING', 'fail', `${execProfileText(ctx)} without a state dir: the executor refuses to start`, ['KRISHIV_STATE_DIR', ...pv], {
      engineMessage: 'durability-profile=distributed-durable requires --state-dir (set KRISHIV_STATE_DIR or pass --state-dir <path>)',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-DD-STATE-DIR-MISSING', 'pass', pExec === DD ? 'KRISHIV_STATE_DIR is set' : 'not distributed-durable', ['KRISHIV_STATE_DIR']));
  }
  if (pExec === DD && st.checkpointUri === undefined) {
    out.push(finding(ctx, 'EXEC-DD-CHECKPOINT-MISSING', 'fail', `${execProfileText(ctx)} without checkpoint storage: the executor refuses to start`, ['KRISHIV_CHECKPOINT_STORAGE', ...pv], {
      engineMessage:
        'durability-profile=distributed-durable requires --checkpoint-uri with shared storage reachable by every executor, e.g. s3://bucket/checkpoints (set KRISHIV_CHECKPOINT_STORAGE or pass --checkpoint-uri <uri>)',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-DD-CHECKPOINT-MISSING', 'pass', pExec === DD ? 'KRISHIV_CHECKPOINT_STORAGE is set' : 'not distributed-durable', ['KRISHIV_CHECKPOINT_STORAGE']));
  }
  // EXEC-STATE-DIR-REQUIRED: RocksDbStateBackend::open_for_profile gets the executor's own profile,
  // its ephemeral() fallback re-reads the env profile (crates/krishiv-state/src/rocksdb_backend.rs:82-121)
  const stateDirAfterDefault = st.stateDir ?? (pExec === SN ? '/var/lib/krishiv/state' : undefined);
  const stateVars = ['KRISHIV_STATE_DIR', 'KRISHIV_PRODUCTION', PROFILE];
  if (!connected) out.push(afterReg('EXEC-STATE-DIR-REQUIRED'));
  else if (st.stateBackend !== 'disaggregated' && stateDirAfterDefault === undefined && pExec !== DD && requiresFileBackedState(pExec, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-STATE-DIR-REQUIRED', 'fail', `${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''} without KRISHIV_STATE_DIR: the state backend needs a file-backed directory; the executor refuses after registering`, stateVars, {
      engineMessage: 'state backend: durable profile requires a file-backed state directory',
    }));
  } else if (st.stateBackend !== 'disaggregated' && stateDirAfterDefault === undefined && pExec !== DD && requiresFileBackedState(pEnv, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-STATE-DIR-REQUIRED', 'fail', `no state dir, so the executor opens an ephemeral state backend, which the env profile ${pEnv} forbids: the executor refuses after registering`, stateVars, {
      engineMessage: 'state backend: ephemeral state backend is forbidden under durable profiles',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-STATE-DIR-REQUIRED', 'pass', st.stateBackend === 'disaggregated' ? 'disaggregated state backend (see EXEC-DISAGG-NO-ROOT)' : st.stateDir !== undefined ? 'KRISHIV_STATE_DIR is set' : pExec === SN ? 'single-node-durable uses /var/lib/krishiv/state' : pExec === DD ? 'covered by EXEC-DD-STATE-DIR-MISSING' : 'file-backed state not required', ['KRISHIV_STATE_DIR']));
  }
  // shuffle token / anonymous: the local Flight shuffle server checks the env profile (crates/krishiv-shuffle/src/flight.rs:606-617)
  const shuffle = executorShuffleToken(ctx.env, ctx.files);
  const shVars = ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE', 'KRISHIV_SHUFFLE_DIR', 'KRISHIV_SHUFFLE_URI'];
  const reqShuffle = requiresAuthenticatedShuffle(pEnv, ctx.prod);
  const server = connected && st.localShuffleServer;
  if (!connected) out.push(afterReg('EXEC-SHUFFLE-TOKEN-MISSING'));
  else if (server && !shuffle.present && reqShuffle) {
    out.push(finding(ctx, 'EXEC-SHUFFLE-TOKEN-MISSING', 'fail', `the local Flight shuffle server starts and shuffle auth is required under the env profile ${pEnv}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''}, but there is no shuffle token: the executor refuses after registering`, shVars, {
      engineMessage: `shuffle flight server: shuffle auth is required under durability profile '${pEnv}' but no shuffle token is configured; set KRISHIV_SHUFFLE_TOKEN or KRISHIV_SHUFFLE_TOKEN_FILE. Refusing to start an unauthenticated shuffle data plane (SEC-3).`,
    }));
  } else if (shuffle.assumed && server) {
    out.push(finding(ctx, 'EXEC-SHUFFLE-TOKEN-MISSING', 'skip', 'not checked here: KRISHIV_SHUFFLE_TOKEN_FILE does not exist on this machine', ['KRISHIV_SHUFFLE_TOKEN_FILE']));
  } else {
    out.push(finding(ctx, 'EXEC-SHUFFLE-TOKEN-MISSING', 'pass', !server ? `no local Flight shuffle server starts (${st.shuffleBackend === 'none' ? 'no shuffle store' : `${st.shuffleBackend} shuffle backend`})` : shuffle.present ? `shuffle token from ${shuffle.source}` : 'shuffle auth not required (see EXEC-SHUFFLE-ANONYMOUS)', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  if (server && !shuffle.present && !isFailClosed(pEnv, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-SHUFFLE-ANONYMOUS', 'fail', `the local Flight shuffle server starts without a token outside fail-closed mode${pExec !== DL ? ' (--durability-profile does not reach the shuffle server, which reads the env profile)' : ''}: the shuffle data plane is open`, shVars));
  } else {
    out.push(finding(ctx, 'EXEC-SHUFFLE-ANONYMOUS', 'pass', 'the shuffle data plane is not anonymous', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  // object-store shuffle: the backends receive the executor's own profile (cli.rs:591-605, crates/krishiv-shuffle/src/storage_uri.rs:98-152)
  const s3 = st.shuffleBackend === 'object' || st.shuffleBackend === 'tiered';
  const s3Vars = ['KRISHIV_SHUFFLE_URI', ...pv];
  const bucketOf = (uri: string): string => {
    const rest = rustTrim(uri).slice('s3://'.length);
    const slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.slice(0, slash);
  };
  if (!connected) out.push(afterReg('EXEC-S3-SHUFFLE-PROFILE'));
  else if (s3 && pExec === SN) {
    const tiered = st.shuffleBackend === 'tiered';
    out.push(finding(ctx, 'EXEC-S3-SHUFFLE-PROFILE', 'fail', `${tiered ? 'tiered (dir + s3://)' : 's3://'} shuffle under ${execProfileText(ctx)}: the executor refuses after registering`, s3Vars, {
      engineMessage: `${tiered ? 'tiered shuffle' : 's3:// shuffle'} requires distributed-durable or dev-local profile (got 'single-node-durable')`,
    }));
  } else if (s3 && bucketOf(st.shuffleUri!) === '') {
    out.push(finding(ctx, 'EXEC-S3-SHUFFLE-PROFILE', 'fail', 'the s3:// shuffle URI names no bucket: the executor refuses after registering', s3Vars, {
      engineMessage: `s3 URI has no bucket (got '${redactUri(rustTrim(st.shuffleUri!))}')`,
    }));
  } else {
    out.push(finding(ctx, 'EXEC-S3-SHUFFLE-PROFILE', 'pass', s3 ? `s3:// shuffle under ${pExec}` : 'no s3:// shuffle URI', ['KRISHIV_SHUFFLE_URI']));
  }
  const memShuffle = st.shuffleBackend === 'memory';
  if (!connected) out.push(afterReg('EXEC-MEMORY-SHUFFLE'));
  else if (memShuffle && !allowsUnboundedShuffleStore(pExec, ctx.prod)) {
    out.push(finding(ctx, 'EXEC-MEMORY-SHUFFLE', 'fail', `memory:// shuffle under ${execProfileText(ctx)}${ctx.prod ? ' + KRISHIV_PRODUCTION' : ''}: unbounded in-memory shuffle is not allowed; the executor refuses after registering`, ['KRISHIV_SHUFFLE_URI', PROFILE, 'KRISHIV_PRODUCTION'], {
      engineMessage: `memory:// shuffle URIs are forbidden for durability profile '${pExec}'`,
    }));
  } else {
    out.push(finding(ctx, 'EXEC-MEMORY-SHUFFLE', 'pass', memShuffle ? 'memory:// shuffle is allowed (dev-local without KRISHIV_PRODUCTION)' : 'no memory:// shuffle URI', ['KRISHIV_SHUFFLE_URI']));
  }
  if (!connected) out.push(afterReg('EXEC-DISAGG-NO-ROOT'));
  else if (st.stateBackend === 'disaggregated' && !st.dfsRootSet) {
    out.push(finding(ctx, 'EXEC-DISAGG-NO-ROOT', 'fail', 'disaggregated state backend without KRISHIV_STATE_DFS_ROOT: the executor refuses after registering', ['KRISHIV_STATE_DFS_ROOT', 'KRISHIV_STATE_BACKEND'], {
      engineMessage: 'KRISHIV_STATE_BACKEND=disaggregated requires KRISHIV_STATE_DFS_ROOT',
    }));
  } else {
    out.push(finding(ctx, 'EXEC-DISAGG-NO-ROOT', 'pass', st.stateBackend === 'disaggregated' ? 'KRISHIV_STATE_DFS_ROOT is set' : 'state backend is rocksdb', ['KRISHIV_STATE_BACKEND']));
  }
  // EXEC-CONFIG-INVALID: ExecutorConfig::new, before any mode (crates/krishiv-executor/src/cli.rs:84, crates/krishiv-executor/src/transport.rs:85-103)
  const execId = ctx.cli.executorId ?? ctx.env.get('KRISHIV_EXECUTOR_ID');
  if (ctx.cli.slots !== undefined && parseU64(ctx.cli.slots) === 0n) {
    out.push(finding(ctx, 'EXEC-CONFIG-INVALID', 'fail', '--slots 0: the executor refuses to start', [], { engineMessage: 'task slots must be greater than zero', fromCli: true }));
  } else if (execId !== undefined && rustTrim(execId) === '') {
    out.push(finding(ctx, 'EXEC-CONFIG-INVALID', 'fail', 'KRISHIV_EXECUTOR_ID is blank: the executor refuses to start', ['KRISHIV_EXECUTOR_ID'], { engineMessage: 'invalid executor id: executor id cannot be empty' }));
  } else {
    out.push(finding(ctx, 'EXEC-CONFIG-INVALID', 'pass', execId === undefined ? 'executor id defaults to exec-local' : 'executor id is set', ['KRISHIV_EXECUTOR_ID']));
  }
  // EXEC-COORD-TOKEN-MISSING
  out.push(...execCoordToken(ctx));
  return out;
};

function execCoordToken(ctx: CheckContext): Finding[] {
  const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
  const blank = isBlank(ctx.env.get(C));
  const engineMessage = 'registration failed after 30 attempts: missing Bearer token';
  const token = trimmed(ctx.env.get(C));
  if (token !== undefined && !headerSafe(token)) {
    return [
      finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'fail', `${C} holds characters that cannot travel in gRPC metadata (only visible ASCII can): every registration call fails before it is sent`, [C], {
        engineMessage: `registration failed after 30 attempts: ${C} contains characters that are invalid for gRPC metadata`,
      }),
    ];
  }
  if (!blank) return [finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'pass', `executors send ${C}`, [C])];
  if (ctx.role === 'cluster') {
    // The coordinator of this same env: does it require a token on gRPC?
    const anonymous = anonymousRequested(ctx) && anonymousAllowedFor(ctx.pEnv.profile, ctx.prod) && ctx.pCoord.profile === DL;
    if (anonymous) return [finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'pass', 'the coordinator of this env serves anonymous gRPC (see COORD-GRPC-ANONYMOUS)', [C])];
    return [
      finding(ctx, 'EXEC-COORD-TOKEN-MISSING', 'fail', `${C} is blank: executors cannot authenticate to the coordinator of this env (they read only this variable, never _TOKENS or files) and stop after 30 registration attempts`, [C, ...present(ctx, ...TOKEN_VARS.slice(1))], { engineMessage }),
    ];
  }
  const fc = isFailClosed(ctx.pEnv.profile, ctx.prod) || ctx.pExec.profile !== DL;
  return [
    finding(ctx, 'EXEC-COORD-TOKEN-MISSING', fc ? 'fail' : 'warn', `${C} is blank: against an authenticated coordinator${fc ? ' (a fail-closed one always is)' : ''} registration fails after 30 attempts`, [C], { engineMessage }),
  ];
}

const execCoordTokenNotJwt: Check = (ctx) => {
  if (ctx.role !== 'cluster') return [];
  const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
  const vars = [C, 'KRISHIV_OIDC_JWKS_URI', 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'];
  const token = trimmed(ctx.env.get(C));
  if (!jwtMayBeActive(ctx.env, anonymousRequested(ctx))) return [finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', 'JWT is not active on coordinator gRPC: static tokens apply', ['KRISHIV_OIDC_JWKS_URI'])];
  if (parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS')).seconds !== undefined && ctx.tokens.configured) {
    return [finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', 'the reload interval puts static tokens back on gRPC (see COORD-OIDC-OVERRIDDEN-BY-RELOAD)', vars)];
  }
  if (token === undefined) return [finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', `${C} is blank (see EXEC-COORD-TOKEN-MISSING)`, [C])];
  if (looksLikeJwt(token)) return [finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'pass', `${C} is a JWT (it must carry krishiv_role writer or admin and not expire)`, vars)];
  return [
    finding(ctx, 'EXEC-COORD-TOKEN-NOT-JWT', 'fail', `KRISHIV_OIDC_JWKS_URI makes JWT replace static tokens on coordinator gRPC, but the ${C} executors send is not a JWT: registration fails with "invalid API key"`, vars, {
      engineMessage: 'registration failed after 30 attempts: invalid API key',
    }),
  ];
};

// ---- operator -------------------------------------------------------------------------

const operatorChecks: Check = (ctx) => {
  if (ctx.role !== 'operator') return [];
  const out: Finding[] = [];
  const anon = isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS'));
  if (anon && (ctx.prod || ctx.pEnv.profile !== DL)) {
    out.push(finding(ctx, 'OP-ANONYMOUS-FORBIDDEN', 'fail', `KRISHIV_ALLOW_ANONYMOUS under ${ctx.prod ? 'KRISHIV_PRODUCTION' : `env profile ${ctx.pEnv.profile}`}: the operator refuses to start`, ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION', PROFILE], {
      engineMessage: 'anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1',
    }));
  } else {
    out.push(finding(ctx, 'OP-ANONYMOUS-FORBIDDEN', 'pass', anon ? 'KRISHIV_ALLOW_ANONYMOUS under dev-local without KRISHIV_PRODUCTION is accepted' : 'KRISHIV_ALLOW_ANONYMOUS is not truthy', ['KRISHIV_ALLOW_ANONYMOUS']));
  }
  // configure_grpc_auth_for_startup (crates/krishiv-operator/src/main.rs:84-101): a provider counts as installed when the
  // token sources read without error and are configured, even when they resolve to no token (reject-all, auth.rs:313-345).
  const installed = ctx.tokens.configured && ctx.tokens.error === undefined;
  const has = hasStaticTokens(ctx.tokens);
  if (ctx.cli.executorGrpcAddr !== undefined && !installed && !anon) {
    out.push(finding(ctx, 'OP-GRPC-TOKENS-MISSING', 'fail', `--executor-grpc-addr without a static coordinator token${ctx.tokens.error ? ` (${ctx.tokens.error.variable} cannot be read)` : ''}: the operator refuses to start`, tokenVarsOf(ctx), {
      engineMessage: '--executor-grpc-addr requires KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS unless KRISHIV_ALLOW_ANONYMOUS=true',
    }));
  } else if (ctx.cli.executorGrpcAddr !== undefined && !anon && !has) {
    out.push(finding(ctx, 'OP-GRPC-TOKENS-MISSING', 'fail', 'token sources are configured but resolve to no token: the operator starts with a reject-all provider and denies every gRPC call', tokenVarsOf(ctx), {
      class: 'DENY',
      engineMessage: 'invalid API key',
    }));
  } else {
    out.push(finding(ctx, 'OP-GRPC-TOKENS-MISSING', 'pass', ctx.cli.executorGrpcAddr === undefined ? `operator gRPC is off (no --executor-grpc-addr in --cli)${has || !operatorServes(ctx) ? '' : '; note: without a static token its HTTP sidecar answers 401 on every protected route'}` : has ? `static tokens configured${assumedNote(ctx)}` : 'KRISHIV_ALLOW_ANONYMOUS is set', tokenVarsOf(ctx)));
  }
  // OP-COORDINATOR-ID: crates/krishiv-operator/src/main.rs:426-428 (a flag value is never blank: the parser refuses it first)
  const id = ctx.cli.coordinatorId ?? ctx.env.get('KRISHIV_COORDINATOR_ID');
  if (id !== undefined && rustTrim(id) === '') {
    out.push(finding(ctx, 'OP-COORDINATOR-ID', 'fail', 'KRISHIV_COORDINATOR_ID is blank: the operator refuses to start', ['KRISHIV_COORDINATOR_ID'], { engineMessage: 'coordinator id cannot be empty' }));
  } else {
    out.push(finding(ctx, 'OP-COORDINATOR-ID', 'pass', id === undefined ? 'coordinator id defaults to coord-kubernetes' : 'coordinator id is set', ['KRISHIV_COORDINATOR_ID'], { fromCli: ctx.cli.coordinatorId !== undefined }));
  }
  return out;
};

/**
 * The operator serves gRPC and HTTP only with --status-addr or --executor-grpc-addr
 * (crates/krishiv-operator/src/main.rs:62-74). Without --cli it is taken to serve, as the
 * shipped deployment does (deploy/k8s/operator/operator-deployment.yaml passes --executor-grpc-addr).
 */
export function operatorServes(ctx: CheckContext): boolean {
  if (ctx.cli.refusals === undefined) return true;
  return ctx.cli.statusAddr !== undefined || ctx.cli.executorGrpcAddr !== undefined;
}

// ---- shuffle-svc ----------------------------------------------------------------------

const shuffleSvcChecks: Check = (ctx) => {
  if (ctx.role !== 'shuffle-svc') return [];
  const out: Finding[] = [];
  const t = shuffleSvcToken(ctx.env, ctx.files);
  const vars = ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE', PROFILE];
  // KRISHIV_SHUFFLE_ADDR is parsed strictly before anything else (crates/krishiv-shuffle/src/shuffle_svc.rs:90-95)
  const addrRaw = ctx.env.get('KRISHIV_SHUFFLE_ADDR');
  if (addrRaw !== undefined && !parseSocketAddr(addrRaw)) {
    out.push(finding(ctx, 'SSVC-ADDR-INVALID', 'fail', 'KRISHIV_SHUFFLE_ADDR is not an IP:port socket address (host names and surrounding spaces do not parse): shuffle-svc refuses to start', ['KRISHIV_SHUFFLE_ADDR'], { engineMessage: 'invalid socket address syntax' }));
  } else {
    out.push(finding(ctx, 'SSVC-ADDR-INVALID', 'pass', addrRaw === undefined ? 'KRISHIV_SHUFFLE_ADDR unset: 0.0.0.0:7072' : 'KRISHIV_SHUFFLE_ADDR parses', ['KRISHIV_SHUFFLE_ADDR']));
  }
  const required = requiresAuthenticatedShuffle(ctx.pEnv.profile, ctx.prod);
  if (t.state === 'none' && required) {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'fail', `requires_authenticated_shuffle(env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and no shuffle token${t.fileError ? ` (KRISHIV_SHUFFLE_TOKEN_FILE: ${t.fileError})` : ''}: shuffle-svc refuses to start`, vars, {
      engineMessage: `shuffle flight server: shuffle auth is required under durability profile '${ctx.pEnv.profile}' but no shuffle token is configured; set KRISHIV_SHUFFLE_TOKEN or KRISHIV_SHUFFLE_TOKEN_FILE. Refusing to start an unauthenticated shuffle data plane (SEC-3).`,
    }));
  } else if (t.assumed) {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'skip', 'not checked here: KRISHIV_SHUFFLE_TOKEN_FILE does not exist on this machine', ['KRISHIV_SHUFFLE_TOKEN_FILE']));
  } else {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'pass', t.state === 'none' ? 'shuffle auth not required' : `shuffle token from ${t.source}`, ['KRISHIV_SHUFFLE_TOKEN']));
  }
  if (t.state === 'untrimmed') {
    out.push(finding(ctx, 'SSVC-TOKEN-UNTRIMMED', 'fail', 'KRISHIV_SHUFFLE_TOKEN has leading or trailing whitespace: shuffle-svc compares it untrimmed with the trimmed token clients present, so every request gets 401', ['KRISHIV_SHUFFLE_TOKEN'], {
      engineMessage: '401 Unauthorized',
    }));
  } else {
    out.push(finding(ctx, 'SSVC-TOKEN-UNTRIMMED', 'pass', 'KRISHIV_SHUFFLE_TOKEN has no surrounding whitespace', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  if (t.state === 'empty-open') {
    out.push(finding(ctx, 'SSVC-EMPTY-TOKEN-OPEN', 'fail', 'KRISHIV_SHUFFLE_TOKEN="" counts as configured on shuffle-svc (raw, untrimmed) and matches a missing header: the service is open', ['KRISHIV_SHUFFLE_TOKEN']));
  } else {
    out.push(finding(ctx, 'SSVC-EMPTY-TOKEN-OPEN', 'pass', 'KRISHIV_SHUFFLE_TOKEN is not the empty string', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  return out;
};

// ---- clients --------------------------------------------------------------------------

const clientChecks: Check = (ctx) => {
  const out: Finding[] = [];
  if (ctx.role === 'client' || ctx.role === 'client-http') {
    const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
    const t = trimmed(ctx.env.get(C));
    out.push(
      t === undefined
        ? finding(ctx, 'CLIENT-COORD-TOKEN-MISSING', 'fail', `${C} is blank: an authenticated coordinator rejects the client (clients send only this variable)`, [C], { engineMessage: 'missing Bearer token' })
        : !headerSafe(t)
          ? finding(ctx, 'CLIENT-COORD-TOKEN-MISSING', 'fail', `${C} holds characters that cannot travel in an authorization header (only visible ASCII can): the coordinator never receives it`, [C], { engineMessage: 'missing Bearer token' })
          : finding(ctx, 'CLIENT-COORD-TOKEN-MISSING', 'pass', `the client sends ${C}`, [C]),
    );
  }
  if (ctx.role === 'client' || ctx.role === 'client-flight') {
    const key = clientFlightKey(ctx.env);
    const vars = ['KRISHIV_FLIGHT_API_KEY', 'KRISHIV_API_KEY', 'KRISHIV_API_KEYS'];
    out.push(
      key === undefined
        ? finding(ctx, 'CLIENT-FLIGHT-KEY-MISSING', 'fail', 'no Flight API key: KRISHIV_FLIGHT_API_KEY and KRISHIV_API_KEY are blank, and KRISHIV_API_KEYS has no key=… part or its first one has an empty key', vars, { engineMessage: 'missing Bearer token' })
        : !headerSafe(key.key)
          ? finding(ctx, 'CLIENT-FLIGHT-KEY-MISSING', 'fail', `the key from ${key.variable} holds characters that cannot travel in gRPC metadata (only visible ASCII can): the client sends no key`, [key.variable], { engineMessage: 'missing Bearer token' })
          : finding(ctx, 'CLIENT-FLIGHT-KEY-MISSING', 'pass', `the Flight client sends the key from ${key.variable}`, [key.variable]),
    );
  }
  return out;
};

// ---- CLI-only profile -----------------------------------------------------------------

const envCliOnlyProfile: Check = (ctx) => {
  if (!ctx.hasCoordinator && !ctx.hasExecutor) return [];
  const cliP = ctx.hasCoordinator ? ctx.pCoord : ctx.pExec;
  if (cliP.source === 'cli' && cliP.refusal === undefined && cliP.profile !== DL && ctx.pEnv.profile === DL) {
    return [
      finding(ctx, 'ENV-CLI-ONLY-PROFILE', 'warn', `--durability-profile ${cliP.profile} reaches only the daemon's own start-up checks; the env profile is dev-local${ctx.prod ? ' (KRISHIV_PRODUCTION still makes the env fail-closed)' : ', so Flight SQL, the UI, shuffle SEC-3, memory:// checkpoints, legacy fragments and native UDFs run with dev-local rules'}`, [PROFILE], { fromCli: true }),
    ];
  }
  if (cliP.source !== 'cli') return [finding(ctx, 'ENV-CLI-ONLY-PROFILE', 'pass', 'no --durability-profile in --cli', [PROFILE])];
  return [
    finding(ctx, 'ENV-CLI-ONLY-PROFILE', 'pass', cliP.refusal === undefined && cliP.profile === ctx.pEnv.profile
      ? 'the env profile agrees with --durability-profile'
      : `the env profile is ${ctx.pEnv.profile}: the checks the engine makes through the environment use it, --durability-profile reaches only the daemon's own start-up checks`, [PROFILE]),
  ];
};

// ---- the process's own command line ----------------------------------------------------

const cliArgRefused: Check = (ctx) => {
  const refusals = ctx.cli.refusals;
  if (refusals === undefined || !['cluster', 'coordinator', 'executor', 'operator'].includes(ctx.role)) return [];
  // an invalid --durability-profile is MODE-PROFILE-INVALID's finding
  const own = refusals.filter((r) => r.word !== '--durability-profile' || r.message.startsWith('missing value'));
  if (own.length === 0) return [finding(ctx, 'CLI-ARG-REFUSED', 'pass', 'the engine accepts the command line given with --cli', [], { fromCli: true })];
  return own.map((r) =>
    finding(ctx, 'CLI-ARG-REFUSED', 'fail', `the ${r.process} refuses its command line ("${r.message}") and exits before any other check; its parser is at ${PARSER_SOURCE[r.process]}`, [], {
      engineMessage: r.message,
      fromCli: true,
    }),
  );
};

/** The variables whose values travel in an authorization header, and the token files they name. */
const HEADER_VARS = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
  'KRISHIV_UI_TOKEN',
  'KRISHIV_SHUFFLE_TOKEN',
  'KRISHIV_FLIGHT_API_KEY',
  'KRISHIV_API_KEY',
  'KRISHIV_API_KEYS',
];
const HEADER_FILE_VARS = ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE', 'KRISHIV_UI_TOKEN_FILE', 'KRISHIV_SHUFFLE_TOKEN_FILE'];

const tokenNotAscii: Check = (ctx) => {
  const bad: string[] = [];
  for (const name of HEADER_VARS) {
    const v = ctx.env.get(name);
    if (v === undefined) continue;
    const parts =
      name === 'KRISHIV_API_KEYS' ? v.split(',').map((p) => rustTrim(p).split('=')[0] ?? '') : name === 'KRISHIV_COORDINATOR_BEARER_TOKENS' ? splitTokenList(v) : [rustTrim(v)];
    if (parts.some((p) => !headerSafe(rustTrim(p)))) bad.push(name);
  }
  for (const name of HEADER_FILE_VARS) {
    const path = filePathOf(name, ctx.env.get(name));
    if (path === undefined) continue;
    const f = ctx.files.probe(path);
    if (f.state !== 'ok' || f.invalidUtf8) continue;
    const parts = name === 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE' ? splitTokenList(f.content) : [rustTrim(f.content)];
    if (parts.some((p) => !headerSafe(p))) bad.push(name);
  }
  if (bad.length === 0) return [finding(ctx, 'ENG-TOKEN-NOT-ASCII', 'pass', 'every token is visible ASCII', ['KRISHIV_COORDINATOR_BEARER_TOKEN'])];
  return [
    finding(ctx, 'ENG-TOKEN-NOT-ASCII', 'fail', `${bad.join(', ')} hold${bad.length === 1 ? 's' : ''} a token with characters outside visible ASCII (accented letters, control characters, …): HTTP and gRPC servers read the authorization header only as visible ASCII and clients cannot send it, so that token never authenticates`, bad),
  ];
};

export const ENGINE_CHECKS: readonly Check[] = [
  cliArgRefused,
  modeNotFailClosed,
  modeProfileInvalid,
  coordGrpcTokensMissing,
  coordTokenFileUnreadable,
  coordInsecureDurable,
  coordExecTokenMissing,
  coordHttpTokensMissing,
  coordMetadataProfile,
  coordMetadataConfig,
  coordTlsPair,
  coordGrpcDenyAll,
  coordGrpcAnonymous,
  coordHttpAnonymous,
  coordOidcNoAudience,
  coordOidcOverriddenByReload,
  coordReloadDisabled,
  flightChecks,
  uiChecks,
  execChecks,
  execCoordTokenNotJwt,
  operatorChecks,
  shuffleSvcChecks,
  clientChecks,
  tokenNotAscii,
  envCliOnlyProfile,
];

export function runEngineChecks(ctx: CheckContext): Finding[] {
  return ENGINE_CHECKS.flatMap((check) => check(ctx));
}

export type { Profile };
