/**
 * The process as a whole: its command line (`--cli`, read as the engine's parsers read it), whether it
 * fails closed, its durability profile. One object per check: what it is, where the engine says so, and `evaluate`.
 */
import { asciiLower, rustTrim } from '../../engine/text.js';
import { DL, executorStorage, isFailClosed } from '../model.js';
import { bindOutcome, describeListener, listenersOf, type BindEvent, type ListenProcess, type Listener } from '../listeners.js';
import { ipv4Of } from '../../engine/addr.js';
import { type Finding, type Role } from '../types.js';
import { finding, isEngineRole, type CheckContext } from './context.js';
import { engineLog, PARSER_SOURCE } from '../engine-sources.js';
import { type Check } from './common.js';
import { ENGINE, ALL, PROFILE } from './constants.js';
import { type CheckDef } from './define.js';
import { executorPrints, logsPrinted, printedBy } from './printed.js';

// ---- mode ---------------------------------------------------------------------------

const modeNotFailClosed: Check = (ctx) => {
  if (!isEngineRole(ctx.role)) return [];
  const fc = isFailClosed(ctx.pEnv.profile, ctx.prod);
  const vars = ['KRISHIV_PRODUCTION', PROFILE];
  if (fc) {
    return [
      finding(
        ctx,
        'MODE-NOT-FAIL-CLOSED',
        'pass',
        `fail-closed: ${ctx.prod ? 'KRISHIV_PRODUCTION is truthy' : `env profile ${ctx.pEnv.profile}`}`,
        vars,
      ),
    ];
  }
  const cliOnly =
    ctx.cli.durabilityProfile !== undefined
      ? " (--durability-profile reaches only the daemon's own start-up checks; Flight SQL, the UI and the storage libraries read the env profile, crates/krishiv-common/src/production.rs:23-48)"
      : '';
  return [
    finding(
      ctx,
      'MODE-NOT-FAIL-CLOSED',
      'fail',
      `not fail-closed: KRISHIV_PRODUCTION is not truthy and the env profile is dev-local${cliOnly}`,
      vars,
    ),
  ];
};

const modeProfileInvalid: Check = (ctx) => {
  const out: Finding[] = [];
  const raw = ctx.env.get(PROFILE);
  // as each process prints it: the coordinator's as it is, the executor's as its LocalExecution (printed.ts)
  const cliRefusal =
    ctx.hasCoordinator && ctx.pCoord.source === 'cli'
      ? ctx.pCoord.refusal
      : ctx.hasExecutor && ctx.pExec.source === 'cli' && ctx.pExec.refusal !== undefined
        ? executorPrints(ctx.pExec.refusal)
        : undefined;
  if (cliRefusal !== undefined) {
    out.push(
      finding(ctx, 'MODE-PROFILE-INVALID', 'fail', `--durability-profile does not parse: the daemon refuses to start`, [], {
        class: 'REFUSE',
        engineMessage: cliRefusal,
        fromCli: true,
      }),
    );
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
    out.push(
      finding(ctx, 'MODE-PROFILE-INVALID', 'fail', `${PROFILE} does not parse: the coordinator refuses to start (exit 2)`, [PROFILE], {
        class: 'REFUSE',
        engineMessage,
      }),
    );
  } else {
    const who =
      ctx.role === 'executor'
        ? // its own start-up checks read the value silently (crates/krishiv-executor/src/cli.rs:1222-1225); the libraries that
          // re-read it warn (crates/krishiv-shuffle/src/flight.rs:613, crates/krishiv-state/src/checkpoint/storage_uri.rs:26,
          // crates/krishiv-state/src/rocksdb_backend.rs:83, crates/krishiv-executor/src/fragment/common.rs:39)
          'the executor runs dev-local: its start-up checks take the value silently, and the libraries that re-read it after it registers (the shuffle Flight server, memory:// checkpoints, the ephemeral state fallback, task fragments) warn "invalid durability profile; falling back to DevLocal"'
        : logsPrinted(ctx.role)
          ? 'the engine warns "invalid durability profile; falling back to DevLocal" and runs dev-local'
          : 'the operator runs dev-local (its warning is never printed: it installs no log subscriber)';
    out.push(
      finding(ctx, 'MODE-PROFILE-INVALID', 'warn', `${PROFILE} does not parse: ${who}`, [PROFILE], {
        class: 'WARN',
        // the common resolver's warning (crates/krishiv-common/src/production.rs:38-43), as engineLog writes a log line
        // (the operator prints no log: printed.ts)
        ...(logsPrinted(ctx.role)
          ? {
              engineMessage: engineLog('invalid durability profile; falling back to DevLocal', {
                env: PROFILE,
                value: raw,
                error: engineMessage,
              }),
            }
          : {}),
      }),
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
      finding(
        ctx,
        'ENV-CLI-ONLY-PROFILE',
        'warn',
        `--durability-profile ${cliP.profile} reaches only the daemon's own start-up checks; the env profile is dev-local${ctx.prod ? ' (KRISHIV_PRODUCTION still makes the env fail-closed)' : ', so Flight SQL, the UI, shuffle SEC-3, memory:// checkpoints, legacy fragments and native UDFs run with dev-local rules'}`,
        [PROFILE],
        { fromCli: true },
      ),
    ];
  }
  if (cliP.source !== 'cli') return [finding(ctx, 'ENV-CLI-ONLY-PROFILE', 'pass', 'no --durability-profile in --cli', [PROFILE])];
  return [
    finding(
      ctx,
      'ENV-CLI-ONLY-PROFILE',
      'pass',
      cliP.refusal === undefined && cliP.profile === ctx.pEnv.profile
        ? 'the env profile agrees with --durability-profile'
        : `the env profile is ${ctx.pEnv.profile}: the checks the engine makes through the environment use it, --durability-profile reaches only the daemon's own start-up checks`,
      [PROFILE],
    ),
  ];
};

// ---- the process's own command line ----------------------------------------------------

const cliArgRefused: Check = (ctx) => {
  const refusals = ctx.cli.refusals;
  if (refusals === undefined || !['cluster', 'coordinator', 'executor', 'operator'].includes(ctx.role)) return [];
  // an invalid --durability-profile is MODE-PROFILE-INVALID's finding
  const own = refusals.filter((r) => r.word !== '--durability-profile' || r.message.startsWith('missing value'));
  const help = (ctx.cli.helpBy ?? []).map((p) =>
    finding(
      ctx,
      'CLI-ARG-REFUSED',
      'warn',
      `--help: the ${p} prints its help and exits 0 without starting (${HELP_SOURCE[p]}); the other findings describe it started without --help`,
      [],
      { fromCli: true },
    ),
  );
  // an executor given neither --connect nor --register-once: a dry run (its refusals, when any, come first)
  if (own.length === 0 && ctx.role === 'executor' && ctx.cli.executorDryRun === true)
    help.push(
      finding(
        ctx,
        'CLI-ARG-REFUSED',
        'warn',
        'the executor is given neither --connect nor --register-once: it runs its startup checks, prints its contract summary and exits 0 without registering or serving (a dry run: crates/krishiv-executor/src/cli.rs:1187 and 113-114; a container of it restarts without end); the other findings describe it started with --connect',
        [],
        { fromCli: true },
      ),
    );
  if (own.length === 0)
    return help.length > 0
      ? help
      : [finding(ctx, 'CLI-ARG-REFUSED', 'pass', 'the engine accepts the command line given with --cli', [], { fromCli: true })];
  return help.concat(
    own.map((r) =>
      finding(
        ctx,
        'CLI-ARG-REFUSED',
        'fail',
        `the ${r.process} refuses its command line ("${r.message}") and exits before any other check; its parser is at ${PARSER_SOURCE[r.process]}${r.hint !== undefined ? ` (${r.hint})` : ''}`,
        [],
        {
          // what the process prints; an unknown option's message runs on with the process's help (printed.ts)
          engineMessage: printedBy(r.process, r.message, r.message.startsWith('unknown option: ')),
          fromCli: true,
        },
      ),
    ),
  );
};

// ---- listen addresses -------------------------------------------------------------------

/** The engine processes of a role whose listeners are checked. */
const LISTENING: Partial<Record<Role, readonly ListenProcess[]>> = {
  cluster: ['coordinator', 'executor'],
  coordinator: ['coordinator'],
  executor: ['executor'],
  operator: ['operator'],
  'flight-server': ['flight-server'],
  'shuffle-svc': ['shuffle-svc'],
};

/** The variables a listener's address came from (a flag names none). */
function listenerVars(...ls: Listener[]): string[] {
  const out: string[] = [];
  for (const l of ls) {
    const v = l.from.variable ?? l.from.ignored;
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

/** What the process does when this listener is the one that fails. */
function whenItFails(p: ListenProcess, l: Listener): string {
  return l.fatal
    ? `the ${p} exits${l.afterRegistration ? ' (after it registered with its coordinator)' : ''} with "${l.failure}"`
    : `the ${p} logs "${l.failure}" and runs on without ${l.surface}`;
}

/** Why two listeners on one port collide only on some hosts. */
function hostWhy(a: Listener, b: Listener): string {
  const mapped = [a, b].some((l) => l.addr.family === 6 && ipv4Of(l.addr) !== undefined);
  if (mapped)
    return 'IPv6 sockets also take IPv4 (net.ipv6.bindv6only=0, the Linux default; with 1 an IPv4-mapped address does not bind at all)';
  if (a.addr.family !== b.addr.family) return '[::] also takes the IPv4 port (net.ipv6.bindv6only=0, the Linux default)';
  return 'the two scope ids name the same interface';
}

function bindEventFinding(ctx: CheckContext, p: ListenProcess, e: BindEvent): Finding {
  if (e.kind === 'fails') {
    const { winner, loser } = e;
    const vars = listenerVars(loser, winner);
    const message = `the ${p} binds ${describeListener(winner)} before ${describeListener(loser)}, on an address the first one holds: the ${loser.surface} bind fails and ${whenItFails(p, loser)}`;
    return finding(ctx, 'LISTEN-ADDR-COLLISION', 'fail', message, vars, {
      class: loser.fatal ? 'REFUSE' : 'DENY',
      engineMessage: loser.failure,
      fromCli: loser.from.flag !== undefined,
    });
  }
  const { first, second } = e;
  const vars = listenerVars(second, first);
  const fromCli = second.from.flag !== undefined;
  if (e.kind === 'host')
    return finding(
      ctx,
      'LISTEN-ADDR-COLLISION',
      'skip',
      `not decided here: the ${p} binds ${describeListener(first)} and ${describeListener(second)} on one port; they collide only where ${hostWhy(first, second)}`,
      vars,
      { fromCli },
    );
  const fatal = first.fatal || second.fatal;
  return finding(
    ctx,
    'LISTEN-ADDR-COLLISION',
    'fail',
    `the ${p} binds ${describeListener(first)} and ${describeListener(second)} at the same time (${first.awaited || second.awaited ? `${first.awaited ? second.surface : first.surface} in a task or thread of its own` : 'each in a task or thread of its own'}), so which bind fails is a race: if ${first.surface} comes second, ${whenItFails(p, first)}; if ${second.surface} does, ${whenItFails(p, second)}`,
    vars,
    {
      class: fatal ? 'REFUSE' : 'DENY',
      engineMessage: (second.fatal || !first.fatal ? second : first).failure,
      fromCli,
    },
  );
}

const listenCollision: Check = (ctx) => {
  const processes = LISTENING[ctx.role];
  if (processes === undefined) return [];
  const out: Finding[] = [];
  for (const p of processes) {
    const refusal = ctx.cli.refusals?.find((r) => r.process === p);
    if (refusal !== undefined) {
      out.push(
        finding(ctx, 'LISTEN-ADDR-COLLISION', 'pass', `the ${p} refuses its command line first (CLI-ARG-REFUSED): it binds nothing`, [], {
          fromCli: true,
        }),
      );
      continue;
    }
    if (ctx.cli.helpBy?.includes(p as 'coordinator' | 'executor' | 'operator')) {
      out.push(
        finding(ctx, 'LISTEN-ADDR-COLLISION', 'pass', `the ${p} prints its help and exits: it binds nothing`, [], { fromCli: true }),
      );
      continue;
    }
    // task/barrier gRPC and the shuffle Flight server bind only with --connect (crates/krishiv-executor/src/cli.rs:113-133);
    // as for every executor check, the executor is taken as started with --connect (every shipped manifest does)
    // unless the command line says --register-once
    const connect = ctx.cli.registerOnce !== true;
    const localShuffle = p === 'executor' && executorStorage(ctx.env, ctx.cli, ctx.pExec.profile).localShuffleServer;
    const listeners = listenersOf(p, ctx.env, ctx.cli, { connect, localShuffle });
    const events = bindOutcome(listeners);
    for (const e of events) out.push(bindEventFinding(ctx, p, e));
    if (events.length > 0) continue;
    const vars = listenerVars(...listeners);
    let why: string;
    if (p === 'operator' && listeners.length === 0)
      why =
        ctx.cli.refusals === undefined
          ? 'the operator takes its listen addresses from its command line only (--status-addr, --executor-grpc-addr, --http-sidecar-addr): give it with --cli to check them'
          : 'the operator serves nothing without --status-addr or --executor-grpc-addr (crates/krishiv-operator/src/main.rs:62-74)';
    else if (listeners.length === 0 && (p === 'flight-server' || p === 'shuffle-svc'))
      why = `${p === 'flight-server' ? 'KRISHIV_FLIGHT_ADDR' : 'KRISHIV_SHUFFLE_ADDR'} does not parse: the ${p} refuses before it binds (${p === 'flight-server' ? 'FLIGHT' : 'SSVC'}-ADDR-INVALID)`;
    else if (listeners.length <= 1)
      why = `the ${p} binds ${listeners.length === 0 ? 'no listener' : describeListener(listeners[0]!)}${p === 'executor' && !connect ? ' and, with --register-once, no gRPC or shuffle listener' : ''}: nothing to collide with`;
    else why = `the ${p} binds ${listeners.map(describeListener).join(', ')}: no two share a port`;
    if (listeners.some((l) => l.addr.port === 0)) why += '; port 0 lets the kernel pick a free port';
    if (p === 'coordinator' && listeners[0]?.addr.port === 0) why += ' (and with HTTP on port 0 no liveness listener is bound)';
    out.push(finding(ctx, 'LISTEN-ADDR-COLLISION', 'pass', why, vars, { fromCli: vars.length === 0 && ctx.cli.refusals !== undefined }));
  }
  return out;
};

/** Where each process prints its help instead of starting. */
const HELP_SOURCE = {
  coordinator: 'crates/krishiv/src/daemon_cmd.rs:121-126, after its configuration parsed',
  executor: 'crates/krishiv/src/daemon_cmd.rs:291-295 and crates/krishiv-executor/src/cli.rs:45-50',
  operator: 'crates/krishiv-operator/src/main.rs:31-35, after its command line parsed',
} as const;

export const PROCESS_CHECKS = [
  {
    id: 'CLI-ARG-REFUSED',
    class: 'REFUSE',
    roles: ['cluster', 'coordinator', 'executor', 'operator'],
    predicate: null,
    rule: 'the command line given with --cli is one the process refuses before any other check: an unknown option (including --flag=value and a misspelt flag, for which the finding says which flag was meant), a flag without a value (a blank value counts as none), an address that is not IP:port, a number that does not parse, or --connect with --register-once; with --help (-h) the process prints its help and exits 0 instead of starting, and an executor given neither --connect nor --register-once runs dry: it prints its contract summary and exits 0 (both warnings)',
    source:
      'crates/krishiv-scheduler/src/coordinator_daemon.rs:1156-1221 (coordinator), crates/krishiv-executor/src/cli.rs:1234-1339 and 1474-1478 (executor), crates/krishiv-operator/src/main.rs:356-423 (operator); --help: crates/krishiv/src/daemon_cmd.rs:121-126 and 291-295; the dry run: crates/krishiv-executor/src/cli.rs:1187 and 113-114',
    fix: 'Fix the flag the message names: flags and values are separate words, listen addresses are IP:port (no host names), and an executor runs with either --connect or --register-once.',
    engineMessage: `${printedBy('coordinator', 'unknown option: <word>', true)} (coordinator); ${printedBy('executor', 'unknown option: <word>', true)} (executor); ${printedBy('operator', 'unknown option: <word>', true)} (operator)`,
    evaluate: cliArgRefused,
  },
  {
    id: 'MODE-NOT-FAIL-CLOSED',
    class: 'MODE',
    roles: ENGINE,
    predicate: 'requires_http_auth',
    rule: 'KRISHIV_PRODUCTION is not truthy and the env profile is dev-local: no fail-closed rule applies',
    source:
      'crates/krishiv-common/src/production.rs:96-98 (requires_http_auth); crates/krishiv-common/src/production.rs:23-48 (the env profile)',
    fix: 'Set KRISHIV_PRODUCTION=1 and KRISHIV_DURABILITY_PROFILE=single-node-durable or distributed-durable in the environment (not only on the command line).',
    evaluate: modeNotFailClosed,
  },
  {
    id: 'MODE-PROFILE-INVALID',
    class: 'REFUSE',
    roles: ALL,
    predicate: 'resolve_durability_profile',
    rule: 'KRISHIV_DURABILITY_PROFILE (or --durability-profile) does not parse: the coordinator refuses, the executor silently runs dev-local, the common resolver warns and uses dev-local',
    source:
      'crates/krishiv-common/src/durability.rs:78-99; crates/krishiv-scheduler/src/coordinator_daemon.rs:1132-1136; crates/krishiv-executor/src/cli.rs:1222-1225',
    fix: 'Use one of dev-local, single-node-durable, distributed-durable (hyphens, not underscores).',
    engineMessage: "unknown durability profile '<value>'",
    evaluate: modeProfileInvalid,
  },
  {
    id: 'ENV-CLI-ONLY-PROFILE',
    class: 'HYGIENE',
    roles: ['cluster', 'coordinator', 'executor'],
    predicate: 'resolve_durability_profile',
    rule: 'a durable profile given only by --durability-profile: Flight, the UI, shuffle auth, memory:// checkpoints, the ephemeral state fallback, legacy fragments, UDFs and anonymous gRPC still follow the env profile (dev-local)',
    source:
      'crates/krishiv-common/src/production.rs:23-48 (the env profile, read by Flight SQL, the UI, shuffle and the storage libraries); crates/krishiv-scheduler/src/coordinator_daemon.rs:1178-1181 and crates/krishiv-executor/src/cli.rs:1320-1331 (the flag reaches only the daemon)',
    fix: 'Set KRISHIV_DURABILITY_PROFILE in the environment as well.',
    severity: 'warn',
    evaluate: envCliOnlyProfile,
  },
  {
    id: 'LISTEN-ADDR-COLLISION',
    class: 'REFUSE',
    roles: ENGINE,
    predicate: null,
    rule: "two listeners of one process ask for the same port on addresses that overlap (equal, or either one unspecified, on Linux): the bind awaited later fails and the process exits (the coordinator's HTTP before its gRPC; the executor's HTTP, task gRPC, barrier gRPC, then its shuffle Flight server after registering; the operator's status UI, executor gRPC, HTTP sidecar); where the loser is the coordinator's liveness listener (its HTTP port + 2) or its co-located Flight SQL, which bind in a task or thread of their own, the coordinator logs the error and runs on without it (class DENY), or which bind fails is a race; [::] against IPv4 and IPv4-mapped addresses depend on net.ipv6.bindv6only (a skip); port 0 never collides",
    source:
      'crates/krishiv-scheduler/src/coordinator_daemon.rs:465-467, 494-529, 538-541, 1565 and 1652 (coordinator, clusterd; defaults 1114-1131); crates/krishiv/src/daemon_cmd.rs:237-246 (co-located Flight SQL); crates/krishiv-executor/src/cli.rs:90-94, 385-411, 607-612 and 646-654 (executor; defaults 1192-1211); crates/krishiv-operator/src/main.rs:159-183 (operator; default 347-350)',
    fix: 'Give every listener of the process a port of its own (the coordinator also binds its HTTP port + 2 for liveness): change the flag or variable the message names.',
    engineMessage: 'Address already in use (os error 98)',
    evaluate: listenCollision,
  },
] as const satisfies readonly CheckDef[];
