/**
 * The product's own "Production checklist" (contract table PROD-*), mapped onto the engine
 * model where they overlap. Class CHECKLIST; items fail when unmet, except
 * PROD-PRODUCTION-FLAG, which warns when the process is fail-closed only through a profile.
 */
import {
  DD,
  DL,
  SN,
  effectiveCheckpointUri,
  executorStorage,
  isBlank,
  isFailClosed,
  isTruthy,
  requiresManualKafkaCommit,
  trimmed,
  uiEnabled,
} from '../model.js';
import type { Finding } from '../types.js';
import { asciiLower } from '../../engine/text.js';
import { finding, isEngineRole, type CheckContext } from './context.js';
import { oidcUnused } from './common.js';
import { ENGINE, COORD, EXEC } from './constants.js';
import type { CheckDef } from './define.js';

const PROFILE = 'KRISHIV_DURABILITY_PROFILE';

/** A checklist item: engine roles only (not clients), then the item's own rule. */
function item(
  rule: (ctx: CheckContext, out: Finding[]) => void,
  applies: (ctx: CheckContext) => boolean = () => true,
): (ctx: CheckContext) => Finding[] {
  return (ctx) => {
    if (!isEngineRole(ctx.role) || !applies(ctx)) return [];
    const out: Finding[] = [];
    rule(ctx, out);
    return out;
  };
}

/** `memory://` or `ephemeral://`, ASCII letters in either case (was `/^(memory|ephemeral):\/\//i`). */
function isInMemoryUri(uri: string): boolean {
  const head = asciiLower(uri.slice(0, 12));
  return head.startsWith('memory://') || head.startsWith('ephemeral://');
}

export const CHECKLIST_CHECKS = [
  {
    id: 'PROD-PRODUCTION-FLAG',
    class: 'CHECKLIST',
    roles: ENGINE,
    predicate: 'requires_http_auth',
    rule: 'KRISHIV_PRODUCTION=1 (fails when the process is not fail-closed at all; warns when fail-closed only through a durable profile)',
    source:
      "the product's production checklist; crates/krishiv-common/src/production.rs:96-98; crates/krishiv-scheduler/src/auth.rs:725-734 (the audience rule follows only KRISHIV_PRODUCTION)",
    fix: 'Set KRISHIV_PRODUCTION=1 (the OIDC audience rule only follows this flag).',
    evaluate: item((ctx, out) => {
      const fc = isFailClosed(ctx.pEnv.profile, ctx.prod);
      out.push(
        ctx.prod
          ? finding(ctx, 'PROD-PRODUCTION-FLAG', 'pass', 'KRISHIV_PRODUCTION is truthy', ['KRISHIV_PRODUCTION'])
          : fc
            ? finding(
                ctx,
                'PROD-PRODUCTION-FLAG',
                'warn',
                `fail-closed only through the env profile ${ctx.pEnv.profile}: set KRISHIV_PRODUCTION=1 as well (the OIDC audience rule follows only that flag)`,
                ['KRISHIV_PRODUCTION'],
              )
            : finding(
                ctx,
                'PROD-PRODUCTION-FLAG',
                'fail',
                'KRISHIV_PRODUCTION is not truthy and the env profile is dev-local: not fail-closed at all',
                ['KRISHIV_PRODUCTION', PROFILE],
              ),
      );
    }),
  },
  {
    id: 'PROD-COORDINATOR-AUTH',
    class: 'CHECKLIST',
    roles: COORD,
    predicate: null,
    rule: 'a static coordinator bearer token source is set (OIDC does not replace it)',
    source:
      "the product's production checklist; crates/krishiv-scheduler/src/coordinator_daemon.rs:1297-1350 (HTTP and durable start-up need static tokens)",
    fix: 'Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE or KRISHIV_COORDINATOR_BEARER_TOKEN(S).',
    evaluate: item(
      (ctx, out) => {
        out.push(
          ctx.tokens.configured
            ? finding(
                ctx,
                'PROD-COORDINATOR-AUTH',
                'pass',
                `static coordinator token source: ${ctx.tokens.sources.join(', ')}`,
                ctx.tokens.sources,
              )
            : finding(
                ctx,
                'PROD-COORDINATOR-AUTH',
                'fail',
                `no static coordinator bearer token source${ctx.env.has('KRISHIV_OIDC_JWKS_URI') ? ' (OIDC does not replace it: HTTP and durable start-up need static tokens)' : ''}`,
                ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_COORDINATOR_BEARER_TOKEN'],
              ),
        );
      },
      (ctx) => ctx.hasCoordinator,
    ),
  },
  {
    id: 'PROD-OIDC-AUDIENCE',
    class: 'CHECKLIST',
    roles: COORD,
    predicate: null,
    rule: 'KRISHIV_OIDC_AUDIENCE is set when KRISHIV_OIDC_JWKS_URI is',
    source: "the product's production checklist; crates/krishiv-scheduler/src/auth.rs:663-672 and 725-734",
    fix: 'Set KRISHIV_OIDC_AUDIENCE.',
    evaluate: item(
      (ctx, out) => {
        // "when using OIDC": only when the coordinator can install the JWT provider at all
        const unused = oidcUnused(ctx);
        out.push(
          unused !== undefined
            ? finding(ctx, 'PROD-OIDC-AUDIENCE', 'pass', unused, ['KRISHIV_OIDC_JWKS_URI'])
            : isBlank(ctx.env.get('KRISHIV_OIDC_AUDIENCE'))
              ? finding(
                  ctx,
                  'PROD-OIDC-AUDIENCE',
                  'fail',
                  ctx.env.has('KRISHIV_OIDC_AUDIENCE')
                    ? // read raw: a blank value is an audience, OIDC stays on (crates/krishiv-scheduler/src/auth.rs:725-726)
                      'KRISHIV_OIDC_JWKS_URI is set and KRISHIV_OIDC_AUDIENCE is set but blank: the engine takes the blank value as the audience, so only tokens with that aud (or none) pass'
                    : `KRISHIV_OIDC_JWKS_URI is set and KRISHIV_OIDC_AUDIENCE is unset: ${ctx.prod ? 'in production the engine silently disables OIDC' : 'any audience passes'}`,
                  ['KRISHIV_OIDC_AUDIENCE', 'KRISHIV_OIDC_JWKS_URI'],
                )
              : finding(ctx, 'PROD-OIDC-AUDIENCE', 'pass', 'KRISHIV_OIDC_AUDIENCE is set', ['KRISHIV_OIDC_AUDIENCE']),
        );
      },
      (ctx) => ctx.hasCoordinator,
    ),
  },
  {
    id: 'PROD-UI-TOKEN',
    class: 'CHECKLIST',
    roles: COORD,
    predicate: null,
    rule: 'a UI token source is set when the UI is on',
    source: "the product's production checklist; crates/krishiv-ui/src/router.rs:24-62",
    fix: 'Set KRISHIV_UI_TOKEN_FILE (or KRISHIV_UI_TOKEN), or KRISHIV_UI=off.',
    evaluate: item(
      (ctx, out) => {
        // PROD-UI-TOKEN
        const uiSource =
          trimmed(ctx.env.get('KRISHIV_UI_TOKEN')) !== undefined
            ? 'KRISHIV_UI_TOKEN'
            : trimmed(ctx.env.get('KRISHIV_UI_TOKEN_FILE')) !== undefined
              ? 'KRISHIV_UI_TOKEN_FILE'
              : undefined;
        out.push(
          !uiEnabled(ctx.env)
            ? finding(ctx, 'PROD-UI-TOKEN', 'pass', 'the UI is off (KRISHIV_UI=off)', ['KRISHIV_UI'])
            : uiSource
              ? finding(ctx, 'PROD-UI-TOKEN', 'pass', `UI token source: ${uiSource}`, [uiSource])
              : finding(ctx, 'PROD-UI-TOKEN', 'fail', 'the UI is on and has no token source (KRISHIV_UI_TOKEN / KRISHIV_UI_TOKEN_FILE)', [
                  'KRISHIV_UI_TOKEN',
                  'KRISHIV_UI_TOKEN_FILE',
                ]),
        );
      },
      (ctx) => ctx.hasCoordinator,
    ),
  },
  {
    id: 'PROD-EXECUTOR-TASK-TOKEN',
    class: 'CHECKLIST',
    roles: ['cluster', 'executor', 'coordinator'],
    predicate: null,
    rule: 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN is set (coordinator: under distributed-durable)',
    source:
      "the product's production checklist; crates/krishiv-executor/src/cli.rs:1365-1387; crates/krishiv-scheduler/src/coordinator_daemon.rs:1327-1334",
    fix: 'Set KRISHIV_EXECUTOR_TASK_BEARER_TOKEN.',
    evaluate: item((ctx, out) => {
      const T = 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN';
      if (ctx.hasExecutor || (ctx.role === 'coordinator' && ctx.pCoord.profile === DD)) {
        out.push(
          isBlank(ctx.env.get(T))
            ? finding(ctx, 'PROD-EXECUTOR-TASK-TOKEN', 'fail', `${T} is blank`, [T])
            : finding(ctx, 'PROD-EXECUTOR-TASK-TOKEN', 'pass', `${T} is set`, [T]),
        );
      } else if (ctx.role === 'coordinator') {
        out.push(
          finding(
            ctx,
            'PROD-EXECUTOR-TASK-TOKEN',
            'pass',
            'not distributed-durable: the coordinator does not send a task token at start-up',
            [T],
          ),
        );
      }
    }),
  },
  {
    id: 'PROD-CHECKPOINT-STORAGE',
    class: 'CHECKLIST',
    roles: EXEC,
    predicate: 'allows_memory_checkpoint_uri',
    rule: 'checkpoint storage is durable: s3:// under distributed-durable, a local path or file:// only under single-node-durable, never memory:// or ephemeral://',
    source:
      "the product's production checklist; crates/krishiv-executor/src/cli.rs:1585-1613; crates/krishiv-state/src/checkpoint/storage_uri.rs:17-60",
    fix: 'Set KRISHIV_CHECKPOINT_STORAGE=s3://bucket/checkpoints.',
    evaluate: item(
      (ctx, out) => {
        const p = ctx.pExec.profile;
        const st = executorStorage(ctx.env, ctx.cli, p);
        const uri = effectiveCheckpointUri(st, p);
        const C = 'KRISHIV_CHECKPOINT_STORAGE';
        const fromCli = ctx.cli.checkpointUri !== undefined;
        let verdict: { ok: boolean; msg: string };
        if (uri === undefined) verdict = { ok: false, msg: `no checkpoint storage under ${p}` };
        else if (isInMemoryUri(uri))
          verdict = {
            ok: false,
            msg: `checkpoint storage is ${uri.split('//')[0]}//${st.checkpointUri === undefined ? ' (the dev-local default)' : ''}`,
          };
        // s3:// is shared storage under every profile; a dev-local profile is PROD-DURABLE-PROFILE's finding
        else if (uri.startsWith('s3://')) verdict = { ok: true, msg: 'checkpoints go to s3://' };
        else if (p === SN)
          verdict = {
            ok: true,
            msg: `single-node-durable with local checkpoint storage${st.checkpointUri === undefined ? ' (default file:///var/lib/krishiv/checkpoints)' : ''}`,
          };
        else
          verdict = {
            ok: false,
            msg:
              p === DD
                ? `distributed-durable needs s3:// checkpoints reachable by every executor; ${/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://') ? 'the engine implements no other object store and takes this as a local path' : 'a local path is per-executor'}`
                : 'local checkpoint storage under dev-local',
          };
        out.push(finding(ctx, 'PROD-CHECKPOINT-STORAGE', verdict.ok ? 'pass' : 'fail', verdict.msg, [C], { fromCli }));
      },
      (ctx) => ctx.hasExecutor,
    ),
  },
  {
    id: 'PROD-DURABLE-PROFILE',
    class: 'CHECKLIST',
    roles: ENGINE,
    predicate: 'profile_requires_durable_window_state',
    rule: 'the profile (env, or --cli) is single-node-durable or distributed-durable',
    source: "the product's production checklist; crates/krishiv-common/src/durability.rs:29-64",
    fix: 'Set KRISHIV_DURABILITY_PROFILE=distributed-durable (or single-node-durable).',
    evaluate: item((ctx, out) => {
      const reading = ctx.hasCoordinator ? ctx.pCoord : ctx.hasExecutor ? ctx.pExec : ctx.pEnv;
      const durable = reading.refusal === undefined && (reading.profile === SN || reading.profile === DD);
      out.push(
        durable
          ? finding(
              ctx,
              'PROD-DURABLE-PROFILE',
              'pass',
              `profile ${reading.profile}${reading.source === 'cli' ? ' (from --durability-profile)' : ''}`,
              [PROFILE],
              { fromCli: reading.source === 'cli' },
            )
          : finding(
              ctx,
              'PROD-DURABLE-PROFILE',
              'fail',
              `the profile is ${reading.refusal ? 'invalid' : reading.profile}, not single-node-durable or distributed-durable`,
              [PROFILE],
              { fromCli: reading.source === 'cli' },
            ),
      );
    }),
  },
  {
    id: 'PROD-NO-ANONYMOUS-OVERRIDE',
    class: 'CHECKLIST',
    roles: [...COORD, 'operator'],
    predicate: 'allow_anonymous_http_override',
    rule: 'neither KRISHIV_ALLOW_ANONYMOUS nor KRISHIV_ALLOW_ANONYMOUS_HTTP is truthy (nor --insecure)',
    source:
      "the product's production checklist; crates/krishiv-common/src/production.rs:105-118; crates/krishiv-scheduler/src/auth.rs:423-470",
    fix: 'Remove the anonymous overrides.',
    evaluate: item(
      (ctx, out) => {
        const on = ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_ALLOW_ANONYMOUS_HTTP'].filter((n) => isTruthy(ctx.env.get(n)));
        const cliInsecure = ctx.cli.insecure === true && ctx.hasCoordinator;
        out.push(
          on.length === 0 && !cliInsecure
            ? finding(ctx, 'PROD-NO-ANONYMOUS-OVERRIDE', 'pass', 'no anonymous override is set', [
                'KRISHIV_ALLOW_ANONYMOUS',
                'KRISHIV_ALLOW_ANONYMOUS_HTTP',
              ])
            : finding(
                ctx,
                'PROD-NO-ANONYMOUS-OVERRIDE',
                'fail',
                `anonymous override set: ${[...on, ...(cliInsecure ? ['--insecure'] : [])].join(', ')}`,
                on,
                { fromCli: on.length === 0 },
              ),
        );
      },
      (ctx) => ctx.hasCoordinator || ctx.role === 'operator',
    ),
  },
  {
    id: 'PROD-KAFKA-COMMIT',
    class: 'CHECKLIST',
    roles: EXEC,
    predicate: 'requires_manual_kafka_commit',
    rule: 'requires_manual_kafka_commit holds (fail-closed), so Kafka commits are bound to checkpoints',
    source: "the product's production checklist; crates/krishiv-common/src/production.rs:121-123",
    fix: 'Run fail-closed: KRISHIV_PRODUCTION=1 or a durable env profile.',
    evaluate: item(
      (ctx, out) => {
        const manual = requiresManualKafkaCommit(ctx.pEnv.profile, ctx.prod);
        out.push(
          manual
            ? finding(ctx, 'PROD-KAFKA-COMMIT', 'pass', 'requires_manual_kafka_commit holds: Kafka commits are bound to checkpoints', [
                'KRISHIV_PRODUCTION',
                PROFILE,
              ])
            : finding(
                ctx,
                'PROD-KAFKA-COMMIT',
                'fail',
                `requires_manual_kafka_commit is false (env profile ${ctx.pEnv.profile === DL ? 'dev-local' : ctx.pEnv.profile} without KRISHIV_PRODUCTION): Kafka sources auto-commit, not bound to checkpoints`,
                ['KRISHIV_PRODUCTION', PROFILE],
              ),
        );
      },
      (ctx) => ctx.hasExecutor,
    ),
  },
  {
    id: 'PROD-OTLP-ENDPOINT',
    class: 'CHECKLIST',
    roles: ENGINE,
    predicate: null,
    rule: 'OTEL_EXPORTER_OTLP_ENDPOINT is set (KRISHIV_OTLP_ENDPOINT is never read)',
    source:
      "the product's production checklist; crates/krishiv-common/src/env_registry.rs:1487-1575 (KRISHIV_OTLP_ENDPOINT is not a flag the engine knows)",
    fix: 'Set OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317.',
    evaluate: item((ctx, out) => {
      const O = 'OTEL_EXPORTER_OTLP_ENDPOINT';
      if (!isBlank(ctx.env.get(O))) out.push(finding(ctx, 'PROD-OTLP-ENDPOINT', 'pass', `${O} is set`, [O]));
      else {
        const legacy = ctx.env.has('KRISHIV_OTLP_ENDPOINT') ? ' (KRISHIV_OTLP_ENDPOINT is set, but the engine never reads it)' : '';
        out.push(
          finding(
            ctx,
            'PROD-OTLP-ENDPOINT',
            'fail',
            `${O} is blank: no traces are exported${legacy}`,
            ctx.env.has('KRISHIV_OTLP_ENDPOINT') ? [O, 'KRISHIV_OTLP_ENDPOINT'] : [O],
          ),
        );
      }
    }),
  },
] as const satisfies readonly CheckDef[];
