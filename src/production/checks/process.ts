/**
 * The process as a whole: its command line (`--cli`, read as the engine's parsers read it), whether it
 * fails closed, its durability profile. One object per check: what it is, where the engine says so, and `evaluate`.
 */
import { asciiLower, rustTrim } from '../../engine/text.js';
import { DL, isFailClosed } from '../model.js';
import { type Finding } from '../types.js';
import { finding, isEngineRole } from './context.js';
import { PARSER_SOURCE } from '../engine-sources.js';
import { type Check } from './common.js';
import { ENGINE, ALL, PROFILE } from './constants.js';
import { type CheckDef } from './define.js';

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
  const cliRefusal =
    ctx.hasCoordinator && ctx.pCoord.source === 'cli'
      ? ctx.pCoord.refusal
      : ctx.hasExecutor && ctx.pExec.source === 'cli'
        ? ctx.pExec.refusal
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
        ? 'the executor silently runs dev-local (no warning at all)'
        : 'the engine warns "invalid durability profile; falling back to DevLocal" and runs dev-local';
    out.push(
      finding(ctx, 'MODE-PROFILE-INVALID', 'warn', `${PROFILE} does not parse: ${who}`, [PROFILE], {
        class: 'WARN',
        engineMessage: 'invalid durability profile; falling back to DevLocal',
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
          engineMessage: r.message,
          fromCli: true,
        },
      ),
    ),
  );
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
    rule: 'the command line given with --cli is one the process refuses before any other check: an unknown option (including --flag=value and a misspelt flag, for which the finding says which flag was meant), a flag without a value (a blank value counts as none), an address that is not IP:port, a number that does not parse, or --connect with --register-once; with --help (-h) the process prints its help and exits 0 instead of starting (a warning)',
    source:
      'crates/krishiv-scheduler/src/coordinator_daemon.rs:1156-1221 (coordinator), crates/krishiv-executor/src/cli.rs:1234-1339 and 1474-1478 (executor), crates/krishiv-operator/src/main.rs:356-423 (operator); --help: crates/krishiv/src/daemon_cmd.rs:121-126 and 291-295',
    fix: 'Fix the flag the message names: flags and values are separate words, listen addresses are IP:port (no host names), and an executor runs with either --connect or --register-once.',
    engineMessage: 'unknown option: <word>',
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
] as const satisfies readonly CheckDef[];
