/**
 * The coordinator daemon (`krishiv coordinator`, `krishiv clusterd`): its start-up refusals, gRPC and
 * HTTP auth, metadata store, TLS and OIDC (crates/krishiv-scheduler/src/coordinator_daemon.rs, auth.rs, grpc.rs).
 */
import { rustTrim } from '../../engine/text.js';
import {
  DD,
  DL,
  SN,
  anonymousAllowedFor,
  etcdEndpoints,
  hasStaticTokens,
  isBlank,
  isTruthy,
  jwksConfigured,
  jwtMayBeActive,
  headerSafe,
  parseReloadInterval,
  parseU64,
  requiresHttpAuth,
  tokenSetState,
  trimmed,
} from '../model.js';
import { type Finding } from '../types.js';
import { finding, notCheckedHere, present, type CheckContext } from './context.js';
import { type Check, assumedNote, anonymousRequested, oidcUnused, operatorServes, profileVars, tokenVarsOf } from './common.js';
import { COORD, HTTP_MSG, TASK, PROFILE } from './constants.js';
import { type CheckDef } from './define.js';
import { engineLog, NOT_FOUND } from '../engine-sources.js';
import { logsPrinted } from './printed.js';

// ---- coordinator ----------------------------------------------------------------------
// The coordinator's refusals are strings boxed as errors and printed as they are (printed.ts).

/**
 * A TLS config the gRPC server cannot take: `builder.tls_config(tls)?` (crates/krishiv-scheduler/src/grpc.rs:973) returns a
 * tonic::transport::Error, returned as it is (crates/krishiv-scheduler/src/coordinator_daemon.rs:1580, 318), whose Display is
 * only its kind (tonic 0.14, src/transport/error.rs: `transport error`); the cause rides in `source()`, never printed.
 */
const TLS_REFUSAL = 'transport error';
/** The start-up banner of an anonymous coordinator, a log line (crates/krishiv-scheduler/src/coordinator_daemon.rs:1442-1450): its message text. */
const ANONYMOUS_LOG =
  'SECURITY: coordinator is serving UNAUTHENTICATED gRPC control-plane + HTTP admin/federation — anyone able to reach this port can control the engine. Acceptable ONLY for local development on a trusted host. Do NOT expose this coordinator to an untrusted network; network-policy isolation alone is not a substitute for authentication. Configure KRISHIV_COORDINATOR_BEARER_TOKEN/KRISHIV_COORDINATOR_BEARER_TOKENS (or an OIDC/JWKS provider) and drop --insecure to authenticate it.';
/** The deny-all warning, a log line (crates/krishiv-scheduler/src/coordinator_daemon.rs:1464-1470): its message text. */
/**
 * The JWT provider's refusal of a missing audience under KRISHIV_PRODUCTION (crates/krishiv-scheduler/src/auth.rs:727-731), logged as the
 * `error` field of a warning and not installed (auth.rs:809-814): the log line, as engineLog writes it.
 */
const NO_AUDIENCE_LOG = engineLog('failed to load OIDC JWKS; JWT auth provider not installed', {
  error: 'KRISHIV_OIDC_AUDIENCE must be set when JWT auth is active in production mode',
});
const DENY_ALL_LOG =
  'coordinator gRPC has no auth provider and anonymous access is denied by default: ALL control-plane RPCs will be rejected. Configure KRISHIV_COORDINATOR_BEARER_TOKEN/KRISHIV_COORDINATOR_BEARER_TOKENS or an OIDC/JWKS provider.';

function coordProfileText(ctx: CheckContext): string {
  return `${ctx.pCoord.profile}${ctx.pCoord.source === 'cli' ? ' (from --durability-profile)' : ''}`;
}

const coordGrpcTokensMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const p = ctx.pCoord.profile;
  const vars = [...tokenVarsOf(ctx), ...profileVars(ctx, ctx.pCoord.source)];
  if (p === DL)
    return [
      finding(
        ctx,
        'COORD-GRPC-TOKENS-MISSING',
        'pass',
        'not a durable profile: the coordinator does not require static gRPC tokens at start-up',
        vars,
      ),
    ];
  const state = tokenSetState(ctx.tokens);
  if (state === 'non-empty') {
    return [
      finding(
        ctx,
        'COORD-GRPC-TOKENS-MISSING',
        'pass',
        `static token set is non-empty (${ctx.tokens.sources.join(', ')})${assumedNote(ctx)}`,
        vars,
      ),
    ];
  }
  if (state === 'error') {
    return [
      finding(
        ctx,
        'COORD-GRPC-TOKENS-MISSING',
        'pass',
        'token sources are configured; the refusal comes from the unreadable file (COORD-TOKEN-FILE-UNREADABLE)',
        vars,
      ),
    ];
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
  if (ctx.role === 'operator' && !operatorServes(ctx))
    return [
      finding(
        ctx,
        'COORD-TOKEN-FILE-UNREADABLE',
        'pass',
        'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)',
        ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'],
        { fromCli: true },
      ),
    ];
  const fileVars = present(ctx, 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE').filter(
    (n) => trimmed(ctx.env.get(n)) !== undefined,
  );
  if (fileVars.length === 0)
    return [
      finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'pass', 'no coordinator token file is configured', [
        'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
      ]),
    ];
  const err = ctx.tokens.error;
  if (err) {
    const p = ctx.role === 'operator' ? ctx.pEnv.profile : ctx.pCoord.profile;
    const cls = ctx.role !== 'operator' && p !== DL ? 'REFUSE' : 'DENY';
    const effect =
      cls === 'REFUSE'
        ? `${p} refuses to start`
        : 'no static provider is installed (even an inline KRISHIV_COORDINATOR_BEARER_TOKEN is ignored) and the HTTP token list is empty';
    return [
      finding(
        ctx,
        'COORD-TOKEN-FILE-UNREADABLE',
        'fail',
        `${err.variable} cannot be read (${err.message}): ${effect}`,
        [err.variable, ...fileVars.filter((v) => v !== err.variable)],
        {
          class: cls,
          // a durable coordinator refuses with the read error (coordinator_daemon.rs:1312-1316); otherwise configuring
          // the gRPC provider logs it and installs none (crates/krishiv-scheduler/src/auth.rs:326-336): a log the operator never prints
          ...(cls === 'REFUSE'
            ? { engineMessage: `failed to read coordinator bearer token configuration: ${err.message}` }
            : logsPrinted(ctx.role)
              ? { engineMessage: engineLog('failed to reload coordinator gRPC auth provider', { error: err.message }) }
              : {}),
        },
      ),
    ];
  }
  if (ctx.tokens.assumed.length === fileVars.length) {
    return [
      finding(
        ctx,
        'COORD-TOKEN-FILE-UNREADABLE',
        'skip',
        `not checked here: ${notCheckedHere(ctx, fileVars, `${fileVars.join(', ')} ${fileVars.length > 1 ? 'do' : 'does'} not exist on this machine (use --require-files on the target host)`)}`,
        fileVars,
      ),
    ];
  }
  const note = ctx.tokens.assumed.length > 0 ? `; not checked here: ${ctx.tokens.assumed.join(', ')}` : '';
  return [finding(ctx, 'COORD-TOKEN-FILE-UNREADABLE', 'pass', `token files are readable${note}`, fileVars)];
};

const coordInsecureDurable: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const p = ctx.pCoord.profile;
  const vars = ['KRISHIV_ALLOW_ANONYMOUS', ...profileVars(ctx, ctx.pCoord.source)];
  if (!anonymousRequested(ctx))
    return [finding(ctx, 'COORD-INSECURE-DURABLE', 'pass', 'anonymous gRPC is not requested (KRISHIV_ALLOW_ANONYMOUS / --insecure)', vars)];
  if (p === DL)
    return [
      finding(
        ctx,
        'COORD-INSECURE-DURABLE',
        'pass',
        'anonymous gRPC requested, but the profile is dev-local (see COORD-GRPC-ANONYMOUS)',
        vars,
      ),
    ];
  return [
    finding(
      ctx,
      'COORD-INSECURE-DURABLE',
      'fail',
      `${coordProfileText(ctx)} with ${ctx.cli.insecure ? '--insecure' : 'KRISHIV_ALLOW_ANONYMOUS'}: the coordinator refuses to start`,
      vars,
      {
        engineMessage: `${p} rejects --insecure coordinator gRPC`,
        fromCli: ctx.cli.insecure === true && !isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS')),
      },
    ),
  ];
};

const coordExecTokenMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [TASK, ...profileVars(ctx, ctx.pCoord.source)];
  if (ctx.pCoord.profile !== DD)
    return [
      finding(
        ctx,
        'COORD-EXEC-TOKEN-MISSING',
        'pass',
        'not distributed-durable: the coordinator does not require the executor task token at start-up',
        vars,
      ),
    ];
  if (!isBlank(ctx.env.get(TASK))) return [finding(ctx, 'COORD-EXEC-TOKEN-MISSING', 'pass', `${TASK} is set`, vars)];
  return [
    finding(
      ctx,
      'COORD-EXEC-TOKEN-MISSING',
      'fail',
      `${coordProfileText(ctx)} and ${TASK} is blank: the coordinator refuses to start`,
      vars,
      {
        engineMessage:
          'distributed-durable requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN so executor task-control gRPC is authenticated',
      },
    ),
  ];
};

const coordHttpTokensMissing: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [...tokenVarsOf(ctx), 'KRISHIV_ALLOW_ANONYMOUS_HTTP', 'KRISHIV_PRODUCTION'];
  if (!requiresHttpAuth(ctx.pCoord.profile, ctx.prod)) {
    return [
      finding(
        ctx,
        'COORD-HTTP-TOKENS-MISSING',
        'pass',
        'requires_http_auth is false (dev-local without KRISHIV_PRODUCTION): see COORD-HTTP-ANONYMOUS',
        vars,
      ),
    ];
  }
  if (isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS_HTTP'))) {
    return [
      finding(
        ctx,
        'COORD-HTTP-TOKENS-MISSING',
        'pass',
        'KRISHIV_ALLOW_ANONYMOUS_HTTP bypasses the start-up check (see COORD-HTTP-ANONYMOUS)',
        vars,
      ),
    ];
  }
  if (hasStaticTokens(ctx.tokens))
    return [finding(ctx, 'COORD-HTTP-TOKENS-MISSING', 'pass', `HTTP has static bearer tokens${assumedNote(ctx)}`, vars)];
  const why = ctx.tokens.error
    ? `the token configuration cannot be read (${ctx.tokens.error.variable}), so the HTTP token list is empty`
    : ctx.tokens.configured
      ? 'the token sources resolve to no token'
      : 'no static token source is set (HTTP never accepts JWTs)';
  return [
    finding(
      ctx,
      'COORD-HTTP-TOKENS-MISSING',
      'fail',
      `requires_http_auth(${coordProfileText(ctx)}${ctx.prod ? ', prod' : ''}) and ${why}: the coordinator refuses to start`,
      vars,
      { engineMessage: HTTP_MSG },
    ),
  ];
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
    if (backend !== undefined && backend !== 'rocksdb' && backend !== 'redb')
      problems.push({
        msg: `single-node-durable requires --metadata-backend rocksdb; got '${backend}'`,
        vars: ['KRISHIV_METADATA_BACKEND'],
      });
    else if (backend !== undefined && path === undefined)
      problems.push({ msg: 'single-node-durable requires --metadata-path', vars: ['KRISHIV_METADATA_PATH', 'KRISHIV_METADATA_BACKEND'] });
    if (leader !== undefined && leader !== 'single')
      problems.push({ msg: 'single-node-durable requires --leader-backend single', vars: ['KRISHIV_LEADER_BACKEND'] });
  } else if (p === DD) {
    if (backend !== 'etcd')
      problems.push({ msg: 'distributed-durable requires --metadata-backend etcd', vars: ['KRISHIV_METADATA_BACKEND'] });
    if (leader !== 'etcd') problems.push({ msg: 'distributed-durable requires --leader-backend etcd', vars: ['KRISHIV_LEADER_BACKEND'] });
    if (endpoints.length === 0)
      problems.push({ msg: 'distributed-durable requires --etcd-endpoints or KRISHIV_ETCD_ENDPOINTS', vars: ['KRISHIV_ETCD_ENDPOINTS'] });
  }
  const allVars = ['KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_BACKEND', 'KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_METADATA_PATH'];
  if (problems.length === 0) {
    return [
      finding(
        ctx,
        'COORD-METADATA-PROFILE',
        'pass',
        p === DL
          ? 'dev-local: no metadata/leader requirement (memory metadata is accepted, even with KRISHIV_PRODUCTION)'
          : `metadata and leader settings satisfy ${p}`,
        present(ctx, ...allVars).length ? present(ctx, ...allVars) : [PROFILE],
      ),
    ];
  }
  return problems.map((pr) =>
    finding(
      ctx,
      'COORD-METADATA-PROFILE',
      'fail',
      `${coordProfileText(ctx)}: the coordinator refuses to start: ${pr.msg}`,
      [...pr.vars, ...profileVars(ctx, ctx.pCoord.source)],
      { engineMessage: pr.msg },
    ),
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
  // checked while parsing, before the profile checks: it comes first even under distributed-durable (coordinator_daemon.rs:1225-1228)
  if (leader === 'etcd' && etcdEndpoints(ctx.env, ctx.cli).length === 0) {
    problems.push({
      msg: '--leader-backend etcd requires --etcd-endpoints or KRISHIV_ETCD_ENDPOINTS',
      vars: ['KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_LEADER_BACKEND'],
    });
  }
  // krishiv-clusterd builds its leader election at start and knows two backends; the standalone
  // coordinator never reads the value. Under a durable profile the profile's own refusal comes first
  // (COORD-METADATA-PROFILE). crates/krishiv-scheduler/src/coordinator_daemon.rs:116-126, 1639
  const leaderValue = leader ?? 'single';
  if (ctx.cli.clusterd && ctx.pCoord.profile === DL && leaderValue !== 'single' && leaderValue !== 'etcd') {
    problems.push({ msg: `unknown --leader-backend '${leaderValue}' (supported: single, etcd)`, vars: ['KRISHIV_LEADER_BACKEND'] });
  }
  // the env lease is parsed untrimmed and falls back to 15 when it does not parse; a flag that does not parse refuses (coordinator_daemon.rs:1144-1147,1200-1205)
  if (lease !== undefined && parseU64(lease) === 0n)
    problems.push({ msg: '--leader-lease-secs must be greater than zero', vars: ['KRISHIV_LEADER_LEASE_SECS'] });
  // The metadata-store builder's match arms, in their order (coordinator_daemon.rs:187-293); it runs only
  // after the profile checks pass, which already refuse what the durable profiles forbid.
  const metaVars = ['KRISHIV_METADATA_BACKEND', 'KRISHIV_METADATA_PATH'];
  const pc = ctx.pCoord.profile;
  const profileRefuses =
    (pc === SN && backend !== undefined && backend !== 'rocksdb' && backend !== 'redb') || (pc === DD && backend !== 'etcd');
  if (profileRefuses) {
    // COORD-METADATA-PROFILE's refusal comes first
  } else if (backend === 'memory') {
    // a path is ignored, not refused
  } else if (backend === undefined && path === undefined) {
    // backend chosen from the profile (distributed-durable is refused by COORD-METADATA-PROFILE)
  } else if (backend === 'etcd') {
    if (etcdEndpoints(ctx.env, ctx.cli).length === 0 && ctx.pCoord.profile !== DD && leader !== 'etcd') {
      problems.push({
        msg: '--metadata-backend etcd requires --etcd-endpoints (or KRISHIV_ETCD_ENDPOINTS)',
        vars: ['KRISHIV_ETCD_ENDPOINTS', 'KRISHIV_METADATA_BACKEND'],
      });
    }
  } else if ((backend === 'rocksdb' || backend === 'redb') && path === undefined) {
    problems.push({ msg: '--metadata-backend rocksdb requires --metadata-path', vars: metaVars });
  } else if ((backend === 'rocksdb' || backend === 'redb') && path === '') {
    // RocksDbMetadataStore::open("") cannot open an empty path (coordinator_daemon.rs:259-262)
    problems.push({ msg: "rocksdb store '': No such file or directory (os error 2)", vars: metaVars });
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
    return [
      finding(
        ctx,
        'COORD-METADATA-CONFIG',
        'pass',
        'coordinator id, leader lease and metadata backend parse',
        present(ctx, 'KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_LEASE_SECS', 'KRISHIV_COORDINATOR_ID').length
          ? present(ctx, 'KRISHIV_METADATA_BACKEND', 'KRISHIV_LEADER_LEASE_SECS', 'KRISHIV_COORDINATOR_ID')
          : ['KRISHIV_METADATA_BACKEND'],
      ),
    ];
  }
  return problems.map((pr) =>
    finding(ctx, 'COORD-METADATA-CONFIG', 'fail', `the coordinator refuses its configuration: ${pr.msg}`, pr.vars, {
      engineMessage: pr.msg,
    }),
  );
};

/** Whether a PEM text holds a complete section of one of these labels (`-----BEGIN L-----` … `-----END L-----`). */
function pemHas(text: string, labels: readonly string[]): boolean {
  return labels.some((l) => {
    const begin = text.indexOf(`-----BEGIN ${l}-----`);
    return begin >= 0 && text.indexOf(`-----END ${l}-----`, begin) >= 0;
  });
}

/**
 * What tonic refuses in the files it was given when the gRPC server takes its TLS config
 * (crates/krishiv-scheduler/src/grpc.rs:972-973, tonic 0.14.6 TlsAcceptor::new): the client CA
 * first (no CERTIFICATE section leaves no root, and the verifier refuses), then the key (no
 * PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY section). Only the sure cases: a section that is
 * there but does not parse is not looked into.
 */
function tlsPemProblem(
  ctx: CheckContext,
  ca: string | undefined,
  key: string | undefined,
): { variable: string; message: string; engineMessage: string } | undefined {
  const text = (p: string | undefined): string | undefined => {
    const f = p === undefined ? undefined : ctx.files.probe(p);
    return f?.state === 'ok' ? f.content : undefined;
  };
  const caText = text(ca);
  if (caText !== undefined && !pemHas(caText, ['CERTIFICATE']))
    return {
      variable: 'KRISHIV_CA_CERT',
      message:
        'KRISHIV_CA_CERT holds no PEM CERTIFICATE: the coordinator refuses when its gRPC server takes the TLS config, at the end of start-up (it prints only "transport error"; the cause, no root trust anchors were provided, is not printed)',
      engineMessage: TLS_REFUSAL,
    };
  const keyText = text(key);
  if (keyText !== undefined && !pemHas(keyText, ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']))
    return {
      variable: 'KRISHIV_TLS_KEY',
      message:
        'KRISHIV_TLS_KEY holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY): the coordinator refuses when its gRPC server takes the TLS config, at the end of start-up (it prints only "transport error"; the cause, Error parsing TLS private key - no RSA or PKCS8-encoded keys found., is not printed)',
      engineMessage: TLS_REFUSAL,
    };
  return undefined;
}

const coordTlsPair: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const cert = ctx.env.get('KRISHIV_TLS_CERT');
  const key = ctx.env.get('KRISHIV_TLS_KEY');
  const ca = ctx.env.get('KRISHIV_CA_CERT');
  if ((cert === undefined) !== (key === undefined)) {
    return [
      finding(
        ctx,
        'COORD-TLS-PAIR',
        'fail',
        `only ${cert !== undefined ? 'KRISHIV_TLS_CERT' : 'KRISHIV_TLS_KEY'} is set (an empty value counts as set): the coordinator refuses at the end of start-up`,
        [cert !== undefined ? 'KRISHIV_TLS_KEY' : 'KRISHIV_TLS_CERT', cert !== undefined ? 'KRISHIV_TLS_CERT' : 'KRISHIV_TLS_KEY'],
        {
          engineMessage: 'KRISHIV_TLS_CERT and KRISHIV_TLS_KEY must both be set or both unset',
        },
      ),
    ];
  }
  const out: Finding[] = [];
  const unchecked: string[] = [];
  const toRead: Array<[string, string | undefined]> =
    cert !== undefined
      ? [
          ['KRISHIV_TLS_CERT', cert],
          ['KRISHIV_TLS_KEY', key],
          ['KRISHIV_CA_CERT', ca],
        ]
      : [['KRISHIV_CA_CERT', cert !== undefined ? ca : undefined]];
  for (const [name, p] of toRead) {
    if (p === undefined) continue;
    // std::fs::read("") fails like a missing file: a present-but-empty variable refuses (crates/krishiv-scheduler/src/grpc.rs:914-936)
    const f = p === '' ? ({ state: 'missing' } as const) : ctx.files.probe(p);
    if (f.state === 'unchecked') unchecked.push(name);
    else if (f.state === 'missing' || f.state === 'unreadable') {
      // std::fs::read: the bytes whatever they are, so only the OS error counts (crates/krishiv-scheduler/src/grpc.rs:920-928)
      const e = f.state === 'missing' ? NOT_FOUND : (f.engineError ?? f.error);
      out.push(
        finding(
          ctx,
          'COORD-TLS-PAIR',
          'fail',
          `${name}${p === '' ? ' is set but empty, so it names no file:' : ' cannot be read:'} the coordinator refuses at the end of start-up`,
          [name],
          { engineMessage: `${name}: cannot read ${p}: ${e}` },
        ),
      );
      break; // the first read that fails stops the coordinator (cert, then key, then CA)
    }
  }
  if (out.length > 0) return out;
  const pem = cert === undefined || unchecked.length > 0 ? undefined : tlsPemProblem(ctx, ca, key);
  if (pem !== undefined) return [finding(ctx, 'COORD-TLS-PAIR', 'fail', pem.message, [pem.variable], { engineMessage: pem.engineMessage })];
  if (cert === undefined)
    return [
      finding(ctx, 'COORD-TLS-PAIR', 'pass', 'no server TLS configured (no profile requires it; gRPC is plaintext)', [
        'KRISHIV_TLS_CERT',
        'KRISHIV_TLS_KEY',
      ]),
    ];
  if (unchecked.length > 0)
    return [
      finding(
        ctx,
        'COORD-TLS-PAIR',
        'skip',
        `TLS pair set; not checked here: ${notCheckedHere(ctx, unchecked, `${unchecked.join(', ')} (files do not exist on this machine)`)}`,
        ['KRISHIV_TLS_CERT', 'KRISHIV_TLS_KEY'],
      ),
    ];
  return [
    finding(ctx, 'COORD-TLS-PAIR', 'pass', 'KRISHIV_TLS_CERT and KRISHIV_TLS_KEY are both set and readable', [
      'KRISHIV_TLS_CERT',
      'KRISHIV_TLS_KEY',
    ]),
  ];
};

const coordGrpcDenyAll: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = [...tokenVarsOf(ctx), 'KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_OIDC_JWKS_URI'];
  if (anonymousRequested(ctx)) {
    if (anonymousAllowedFor(ctx.pEnv.profile, ctx.prod)) {
      return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'pass', 'anonymous gRPC is allowed (see COORD-GRPC-ANONYMOUS)', vars)];
    }
    return [
      finding(
        ctx,
        'COORD-GRPC-DENY-ALL',
        'fail',
        `anonymous gRPC requested but refused (${ctx.prod ? 'KRISHIV_PRODUCTION is truthy' : `the env profile is ${ctx.pEnv.profile}`}): the engine logs an error and installs no provider at all, not even the static tokens, so every RPC is rejected`,
        ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION'],
        {
          engineMessage: 'anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1',
        },
      ),
    ];
  }
  const state = tokenSetState(ctx.tokens);
  if (jwtMayBeActive(ctx.env, anonymousRequested(ctx)) && state !== 'non-empty') {
    return [
      finding(
        ctx,
        'COORD-GRPC-DENY-ALL',
        'pass',
        'the JWT provider is installed if the JWKS loads at start (a JWKS load failure falls back to static tokens)',
        vars,
      ),
    ];
  }
  if (state === 'non-empty' && ctx.tokens.assumed.length === 0 && ctx.tokens.tokens.every((t) => !headerSafe(t))) {
    return [
      finding(
        ctx,
        'COORD-GRPC-DENY-ALL',
        'fail',
        'every configured coordinator token holds characters that cannot travel in an authorization header (only visible ASCII can): no client can present one, so every call is rejected',
        vars,
        {
          engineMessage: 'missing Bearer token',
        },
      ),
    ];
  }
  if (state === 'non-empty')
    return [finding(ctx, 'COORD-GRPC-DENY-ALL', 'pass', `static token provider installed${assumedNote(ctx)}`, vars)];
  const engineMessage = DENY_ALL_LOG;
  if (state === 'error') {
    return [
      finding(
        ctx,
        'COORD-GRPC-DENY-ALL',
        'fail',
        `the token configuration cannot be read (${ctx.tokens.error!.variable}): no provider is installed and every RPC is rejected`,
        vars,
        { engineMessage },
      ),
    ];
  }
  if (ctx.tokens.configured) {
    return [
      finding(
        ctx,
        'COORD-GRPC-DENY-ALL',
        'fail',
        'token sources are configured but resolve to no token: the engine installs a reject-all provider (every token → invalid API key)',
        vars,
        { engineMessage: 'invalid API key' },
      ),
    ];
  }
  return [
    finding(
      ctx,
      'COORD-GRPC-DENY-ALL',
      'fail',
      'no static token source, no JWT and no anonymous access: every gRPC call is rejected and executors never register',
      vars,
      { engineMessage },
    ),
  ];
};

/**
 * The operator asks KRISHIV_ALLOW_ANONYMOUS before any token source and then returns: configured
 * coordinator tokens are never installed, so its gRPC (--executor-grpc-addr) takes every call
 * (crates/krishiv-operator/src/main.rs:84-88; crates/krishiv-scheduler/src/auth.rs:490-492).
 */
const operatorGrpcAnonymous: Check = (ctx) => {
  const vars = ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION', PROFILE];
  const anon = isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS'));
  // refused under production or a durable env profile: OP-ANONYMOUS-FORBIDDEN
  if (!anon || !anonymousAllowedFor(ctx.pEnv.profile, ctx.prod))
    return [finding(ctx, 'COORD-GRPC-ANONYMOUS', 'pass', 'operator gRPC is not anonymous', vars)];
  if (ctx.cli.executorGrpcAddr === undefined)
    return [
      finding(
        ctx,
        'COORD-GRPC-ANONYMOUS',
        'pass',
        'KRISHIV_ALLOW_ANONYMOUS is set, but the operator serves no coordinator gRPC without --executor-grpc-addr in --cli',
        vars,
      ),
    ];
  return [
    finding(
      ctx,
      'COORD-GRPC-ANONYMOUS',
      'fail',
      `KRISHIV_ALLOW_ANONYMOUS under dev-local without KRISHIV_PRODUCTION: the operator's gRPC (--executor-grpc-addr) is unauthenticated${hasStaticTokens(ctx.tokens) ? '; the configured coordinator tokens are never installed, because the operator asks for anonymous access first (crates/krishiv-operator/src/main.rs:84-88)' : ''}`,
      vars,
    ),
  ];
};

const coordGrpcAnonymous: Check = (ctx) => {
  if (ctx.role === 'operator') return operatorGrpcAnonymous(ctx);
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION', PROFILE];
  if (anonymousRequested(ctx) && anonymousAllowedFor(ctx.pEnv.profile, ctx.prod) && ctx.pCoord.profile === DL) {
    return [
      finding(
        ctx,
        'COORD-GRPC-ANONYMOUS',
        'fail',
        `${ctx.cli.insecure ? '--insecure' : 'KRISHIV_ALLOW_ANONYMOUS'} under dev-local without KRISHIV_PRODUCTION: coordinator gRPC is unauthenticated`,
        vars,
        {
          engineMessage: ANONYMOUS_LOG,
        },
      ),
    ];
  }
  return [finding(ctx, 'COORD-GRPC-ANONYMOUS', 'pass', 'coordinator gRPC is not anonymous', vars)];
};

const coordHttpAnonymous: Check = (ctx) => {
  if (!ctx.hasCoordinator && ctx.role !== 'operator') return [];
  if (ctx.role === 'operator' && !operatorServes(ctx))
    return [
      finding(
        ctx,
        'COORD-HTTP-ANONYMOUS',
        'pass',
        'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)',
        ['KRISHIV_ALLOW_ANONYMOUS_HTTP'],
        { fromCli: true },
      ),
    ];
  const override = isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS_HTTP'));
  const vars = ['KRISHIV_ALLOW_ANONYMOUS_HTTP', 'KRISHIV_PRODUCTION', PROFILE];
  if (override) {
    return [
      finding(
        ctx,
        'COORD-HTTP-ANONYMOUS',
        'fail',
        `KRISHIV_ALLOW_ANONYMOUS_HTTP is truthy: the ${ctx.role === 'operator' ? 'operator sidecar' : 'coordinator'} HTTP control plane (/api/v1/jobs, …) is unauthenticated${ctx.prod ? (logsPrinted(ctx.role) ? ' even in production (the engine only logs a warning)' : ' even in production') : ''}`,
        vars,
        {
          predicate: 'allow_anonymous_http_override',
          // the warning's message text (crates/krishiv-common/src/production.rs:110-114), in a process that prints its log
          ...(ctx.prod && logsPrinted(ctx.role)
            ? { engineMessage: 'anonymous HTTP override is active in production mode; control-plane routes are unauthenticated' }
            : {}),
        },
      ),
    ];
  }
  if (ctx.role !== 'operator' && !requiresHttpAuth(ctx.pCoord.profile, ctx.prod)) {
    return [
      finding(
        ctx,
        'COORD-HTTP-ANONYMOUS',
        'fail',
        'requires_http_auth is false (dev-local without KRISHIV_PRODUCTION): the HTTP control plane has no bearer middleware',
        vars,
      ),
    ];
  }
  return [
    finding(
      ctx,
      'COORD-HTTP-ANONYMOUS',
      'pass',
      ctx.role === 'operator'
        ? 'the operator sidecar always requires auth (built as distributed-durable)'
        : 'HTTP control plane requires a bearer token',
      vars,
    ),
  ];
};

const coordOidcNoAudience: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_OIDC_AUDIENCE', 'KRISHIV_OIDC_JWKS_URI'];
  if (!jwksConfigured(ctx.env))
    return [
      finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'pass', 'OIDC is not configured (KRISHIV_OIDC_JWKS_URI unset)', ['KRISHIV_OIDC_JWKS_URI']),
    ];
  const unused = oidcUnused(ctx);
  if (unused !== undefined) return [finding(ctx, 'COORD-OIDC-NO-AUDIENCE', 'pass', unused, ['KRISHIV_OIDC_JWKS_URI'])];
  if (ctx.env.has('KRISHIV_OIDC_AUDIENCE')) {
    // read raw (crates/krishiv-scheduler/src/auth.rs:725-726): spaces are an audience no IdP issues, as "" is
    const blank = rustTrim(ctx.env.get('KRISHIV_OIDC_AUDIENCE')!) === '';
    return [
      finding(
        ctx,
        'COORD-OIDC-NO-AUDIENCE',
        blank ? 'warn' : 'pass',
        blank
          ? 'KRISHIV_OIDC_AUDIENCE is set but blank: the engine counts it as set, untrimmed, and only accepts tokens whose aud contains that blank value (or that have no aud)'
          : 'KRISHIV_OIDC_AUDIENCE is set (tokens without an aud claim are still accepted)',
        vars,
      ),
    ];
  }
  if (ctx.prod) {
    return [
      finding(
        ctx,
        'COORD-OIDC-NO-AUDIENCE',
        'warn',
        'KRISHIV_OIDC_JWKS_URI without KRISHIV_OIDC_AUDIENCE under KRISHIV_PRODUCTION: the JWT provider is not installed (a logged warning, no refusal) and static tokens are used',
        vars,
        {
          engineMessage: NO_AUDIENCE_LOG,
        },
      ),
    ];
  }
  return [
    finding(
      ctx,
      'COORD-OIDC-NO-AUDIENCE',
      'warn',
      'KRISHIV_OIDC_JWKS_URI without KRISHIV_OIDC_AUDIENCE outside KRISHIV_PRODUCTION: tokens for any audience are accepted',
      vars,
    ),
  ];
};

const coordOidcOverriddenByReload: Check = (ctx) => {
  if (!ctx.hasCoordinator) return [];
  const vars = ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS', 'KRISHIV_OIDC_JWKS_URI', ...ctx.tokens.sources];
  const reload = parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'));
  if (jwksConfigured(ctx.env) && oidcUnused(ctx) === undefined && reload.seconds !== undefined && ctx.tokens.configured) {
    const today = jwtMayBeActive(ctx.env, anonymousRequested(ctx))
      ? ''
      : ' (today the missing KRISHIV_OIDC_AUDIENCE already disables JWT under KRISHIV_PRODUCTION; this bites once it is set)';
    return [
      finding(
        ctx,
        'COORD-OIDC-OVERRIDDEN-BY-RELOAD',
        'warn',
        `JWKS, a ${reload.seconds}s reload interval and static tokens: the first reload tick (immediate) replaces the JWT provider with static tokens, so JWT is effectively off on gRPC${today}`,
        vars,
      ),
    ];
  }
  return [
    finding(
      ctx,
      'COORD-OIDC-OVERRIDDEN-BY-RELOAD',
      'pass',
      jwksConfigured(ctx.env) ? 'no reload interval with static tokens: the JWT provider stays installed' : 'OIDC is not configured',
      vars.slice(0, 2),
    ),
  ];
};

const coordReloadDisabled: Check = (ctx) => {
  if (!ctx.hasCoordinator && ctx.role !== 'operator') return [];
  if (ctx.role === 'operator' && !operatorServes(ctx))
    return [
      finding(
        ctx,
        'COORD-RELOAD-DISABLED',
        'pass',
        'the operator serves nothing without --status-addr or --executor-grpc-addr (it runs the controller alone)',
        ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'],
        { fromCli: true },
      ),
    ];
  const fileVars = ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE'].filter(
    (n) => trimmed(ctx.env.get(n)) !== undefined,
  );
  const vars = ['KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS', ...fileVars];
  if (fileVars.length === 0) return [finding(ctx, 'COORD-RELOAD-DISABLED', 'pass', 'no coordinator token file: nothing to reload', vars)];
  const reload = parseReloadInterval(ctx.env.get('KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS'));
  if (reload.seconds !== undefined)
    return [
      finding(
        ctx,
        'COORD-RELOAD-DISABLED',
        'pass',
        `token files are re-read every ${reload.seconds}s on gRPC (HTTP and UI still need a restart)`,
        vars,
      ),
    ];
  const why = reload.warning
    ? 'is not a whole number (the engine warns and never reloads)'
    : reload.raw === undefined
      ? 'is unset (the registry default 30 is not what the code does: unset means no reload)'
      : 'is 0 or empty (no reload)';
  return [
    finding(
      ctx,
      'COORD-RELOAD-DISABLED',
      'warn',
      `${fileVars.join(', ')} set but KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS ${why}: the files are read once at start`,
      vars,
      reload.warning ? { engineMessage: reloadWarningLog(reload.raw!) } : {},
    ),
  ];
};

/**
 * The warning for a reload interval that is not a u64 (crates/krishiv-scheduler/src/auth.rs:363-372), as engineLog writes a
 * log line: the trimmed value and u64's parse error (core::num::ParseIntError; never empty here: a blank value is no reload).
 */
function reloadWarningLog(raw: string): string {
  const value = rustTrim(raw);
  const error = /^\+?[0-9]+$/.test(value) ? 'number too large to fit in target type' : 'invalid digit found in string';
  return engineLog('invalid coordinator auth reload interval', { value, error });
}

export const COORDINATOR_CHECKS = [
  {
    id: 'COORD-GRPC-TOKENS-MISSING',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'validate_runtime_security_config',
    rule: "a durable profile (the coordinator's own: --durability-profile, else the env) and the static coordinator token set is empty (OIDC/JWT does not count); a configured source that resolves to no token is empty too",
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1297-1350',
    fix: 'Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE (a mounted secret) or KRISHIV_COORDINATOR_BEARER_TOKEN(S).',
    engineMessage:
      '<profile> requires non-empty KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS so coordinator gRPC is authenticated',
    evaluate: coordGrpcTokensMissing,
  },
  {
    id: 'COORD-TOKEN-FILE-UNREADABLE',
    class: 'REFUSE',
    roles: [...COORD, 'operator'],
    predicate: 'validate_runtime_security_config',
    rule: '_TOKEN_FILE missing, unreadable or not UTF-8, or _TOKENS_FILE unreadable or not UTF-8 (NotFound is fine): every static source is then ignored (a refusal under a durable coordinator profile, reject-all otherwise)',
    source: 'crates/krishiv-scheduler/src/auth.rs:243-253,276-284',
    fix: 'Make the file exist and be readable by the engine user; _TOKEN_FILE must never go missing, even during rotation.',
    engineMessage:
      'failed to read coordinator bearer token configuration: <io error> (a durable coordinator); otherwise the log failed to reload coordinator gRPC auth provider error=<io error>',
    evaluate: coordTokenFileUnreadable,
  },
  {
    id: 'COORD-INSECURE-DURABLE',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'validate_runtime_security_config',
    rule: "a durable profile (the coordinator's own) with KRISHIV_ALLOW_ANONYMOUS truthy or --insecure",
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1297-1350',
    fix: 'Remove KRISHIV_ALLOW_ANONYMOUS / --insecure; configure bearer tokens instead.',
    engineMessage: '<profile> rejects --insecure coordinator gRPC',
    evaluate: coordInsecureDurable,
  },
  {
    id: 'COORD-EXEC-TOKEN-MISSING',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'validate_runtime_security_config',
    rule: "distributed-durable (the coordinator's own profile) and KRISHIV_EXECUTOR_TASK_BEARER_TOKEN blank",
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1352-1357',
    fix: 'Set KRISHIV_EXECUTOR_TASK_BEARER_TOKEN (a random value, different from the coordinator token) on the coordinator and every executor.',
    engineMessage:
      'distributed-durable requires non-empty KRISHIV_EXECUTOR_TASK_BEARER_TOKEN so executor task-control gRPC is authenticated',
    evaluate: coordExecTokenMissing,
  },
  {
    id: 'COORD-HTTP-TOKENS-MISSING',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'requires_http_auth',
    rule: 'HTTP auth is required (a durable coordinator profile, or KRISHIV_PRODUCTION), KRISHIV_ALLOW_ANONYMOUS_HTTP is not truthy and the static token set is empty (HTTP is always on)',
    source: 'crates/krishiv-common/src/production.rs:96-98; crates/krishiv-scheduler/src/coordinator_daemon.rs:1297-1350',
    fix: 'Configure a static coordinator bearer token source; HTTP never accepts JWTs.',
    engineMessage: HTTP_MSG,
    evaluate: coordHttpTokensMissing,
  },
  {
    id: 'COORD-METADATA-PROFILE',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'validate_profile_storage',
    rule: 'metadata/leader settings the profile refuses: single-node-durable needs rocksdb (or its legacy alias redb) with --metadata-path, or no backend, and leader single; distributed-durable needs etcd metadata, etcd leader and endpoints',
    source: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1250-1295',
    fix: 'distributed-durable: KRISHIV_METADATA_BACKEND=etcd, KRISHIV_LEADER_BACKEND=etcd, KRISHIV_ETCD_ENDPOINTS=…; single-node-durable: KRISHIV_METADATA_BACKEND=rocksdb with KRISHIV_METADATA_PATH (or neither).',
    engineMessage: 'distributed-durable requires --metadata-backend etcd',
    evaluate: coordMetadataProfile,
  },
  {
    id: 'COORD-METADATA-CONFIG',
    class: 'REFUSE',
    roles: COORD,
    predicate: 'requires_fail_closed_metadata',
    rule: 'coordinator config the daemon refuses: an empty coordinator id, etcd leader without endpoints, a lease of 0 (the env value is read untrimmed, so " 0" falls back to 15); then the metadata-store builder, arm by arm: memory (a path is ignored), no backend and no path (the profile decides), etcd, rocksdb/redb with a path, rocksdb/redb without one (refused), a path with any other backend or none (refused), an unknown backend (refused)',
    source:
      'crates/krishiv-scheduler/src/coordinator_daemon.rs:1223-1233 (parse checks) and 187-293 (the metadata-store builder, arms in order)',
    fix: 'Use a supported metadata backend (memory, rocksdb, etcd), give --metadata-path only with rocksdb, a non-zero lease and a non-empty coordinator id.',
    engineMessage: "unknown --metadata-backend '<b>'; supported: memory, rocksdb, etcd",
    evaluate: coordMetadataConfig,
  },
  {
    id: 'COORD-TLS-PAIR',
    class: 'REFUSE',
    roles: COORD,
    predicate: null,
    rule: 'exactly one of KRISHIV_TLS_CERT / KRISHIV_TLS_KEY is set, or a TLS/CA file cannot be read; a variable that is set but empty names no file and refuses too; with TLS on, a KRISHIV_CA_CERT without a PEM certificate or a KRISHIV_TLS_KEY without a PEM private key is refused by the gRPC server',
    source:
      'crates/krishiv-scheduler/src/grpc.rs:914-936 (read at the end of start-up: crates/krishiv-scheduler/src/coordinator_daemon.rs:1569-1570) and 972-973 (the TLS config taken by the gRPC server)',
    fix: 'Set both KRISHIV_TLS_CERT and KRISHIV_TLS_KEY to readable PEM files, or neither.',
    engineMessage: `KRISHIV_TLS_CERT and KRISHIV_TLS_KEY must both be set or both unset; or <VARIABLE>: cannot read <path>: <io error>; or ${TLS_REFUSAL}`,
    evaluate: coordTlsPair,
  },
  {
    id: 'COORD-GRPC-DENY-ALL',
    class: 'DENY',
    roles: COORD,
    predicate: 'anonymous_allowed_for',
    rule: 'coordinator gRPC gets no auth provider (no static source, no JWT, not anonymous, or anonymous refused under prod/durable env) or a reject-all provider: every RPC is rejected, executors never register',
    source: 'crates/krishiv-scheduler/src/auth.rs:338-345,423-470',
    fix: 'Configure a static token source (and remove KRISHIV_ALLOW_ANONYMOUS under KRISHIV_PRODUCTION).',
    engineMessage: DENY_ALL_LOG,
    evaluate: coordGrpcDenyAll,
  },
  {
    id: 'COORD-GRPC-ANONYMOUS',
    class: 'OPEN',
    roles: [...COORD, 'operator'],
    predicate: 'anonymous_allowed_for',
    rule: "KRISHIV_ALLOW_ANONYMOUS (or --insecure) with a dev-local profile and no KRISHIV_PRODUCTION: coordinator gRPC is unauthenticated (the operator's with --executor-grpc-addr too, even with tokens configured: it asks for anonymous access before any token source)",
    source: 'crates/krishiv-scheduler/src/auth.rs:423-470 and 490-492; crates/krishiv-operator/src/main.rs:84-88',
    fix: 'Remove KRISHIV_ALLOW_ANONYMOUS / --insecure and configure bearer tokens.',
    engineMessage: ANONYMOUS_LOG,
    evaluate: coordGrpcAnonymous,
  },
  {
    id: 'COORD-HTTP-ANONYMOUS',
    class: 'OPEN',
    roles: [...COORD, 'operator'],
    predicate: 'requires_http_auth',
    rule: 'coordinator (or operator sidecar) HTTP control plane is anonymous: requires_http_auth is false, or KRISHIV_ALLOW_ANONYMOUS_HTTP is truthy (honoured even in production)',
    source: 'crates/krishiv-common/src/production.rs:96-118',
    fix: 'Unset KRISHIV_ALLOW_ANONYMOUS_HTTP and run fail-closed (KRISHIV_PRODUCTION=1 or a durable env profile).',
    engineMessage: 'anonymous HTTP override is active in production mode; control-plane routes are unauthenticated',
    evaluate: coordHttpAnonymous,
  },
  {
    id: 'COORD-OIDC-NO-AUDIENCE',
    class: 'WARN',
    roles: COORD,
    predicate: null,
    rule: 'OIDC can be in use (KRISHIV_OIDC_JWKS_URI is an http or https URL and anonymous gRPC is not asked for) and KRISHIV_OIDC_AUDIENCE is unset: under KRISHIV_PRODUCTION the JWT provider is not installed (a logged warning); otherwise any audience is accepted',
    source: 'crates/krishiv-scheduler/src/auth.rs:663-672 (the JWKS fetch) and 725-734 (the audience rule)',
    fix: 'Set KRISHIV_OIDC_AUDIENCE to the audience your IdP puts in tokens for Krishiv.',
    engineMessage: NO_AUDIENCE_LOG,
    severity: 'warn',
    evaluate: coordOidcNoAudience,
  },
  {
    id: 'COORD-OIDC-OVERRIDDEN-BY-RELOAD',
    class: 'WARN',
    roles: COORD,
    predicate: null,
    rule: 'OIDC can be in use, a reload interval > 0 and a static token source: the first (immediate) reload tick replaces the JWT provider with static tokens',
    source:
      'crates/krishiv-scheduler/src/coordinator_daemon.rs:1363-1376 and 1305-1310; crates/krishiv-scheduler/src/auth.rs:313-345 and 386-405',
    fix: 'Choose one: JWT on gRPC (no reload interval) or rotating static tokens (no JWKS).',
    severity: 'warn',
    evaluate: coordOidcOverriddenByReload,
  },
  {
    id: 'COORD-RELOAD-DISABLED',
    class: 'WARN',
    roles: [...COORD, 'operator'],
    predicate: null,
    rule: 'a coordinator token _FILE is set but KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS is unset, 0 or invalid: the file is read once (registry default 30 is not what the code does)',
    source: 'crates/krishiv-scheduler/src/auth.rs:359-405',
    fix: 'Set KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS=30 (gRPC only; HTTP and UI still need a restart).',
    engineMessage: 'invalid coordinator auth reload interval',
    severity: 'warn',
    evaluate: coordReloadDisabled,
  },
] as const satisfies readonly CheckDef[];
