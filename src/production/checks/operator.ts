/** The Kubernetes operator (`krishiv-operator`, crates/krishiv-operator/src/main.rs). */
import { rustTrim } from '../../engine/text.js';
import { DL, hasStaticTokens, isTruthy } from '../model.js';
import { type Finding } from '../types.js';
import { finding, type CheckContext } from './context.js';
import { tokenVarsOf, assumedNote, operatorServes } from './common.js';
import { PROFILE } from './constants.js';
import type { CheckDef } from './define.js';
import { operatorPrints } from './printed.js';

// ---- operator -------------------------------------------------------------------------

const anonymousAsked = (ctx: CheckContext): boolean => isTruthy(ctx.env.get('KRISHIV_ALLOW_ANONYMOUS'));

// The operator's refusals are strings returned from main: it prints their Debug form, `Error: "…"` (printed.ts).
/** GrpcAuthSetupError's Display as a string (crates/krishiv-operator/src/main.rs:86; crates/krishiv-scheduler/src/auth.rs:425) */
const ANONYMOUS_REFUSAL = operatorPrints('anonymous gRPC access is forbidden when KRISHIV_PRODUCTION=1');
/** crates/krishiv-operator/src/main.rs:93-99 */
const GRPC_TOKENS_REFUSAL = operatorPrints(
  '--executor-grpc-addr requires KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS unless KRISHIV_ALLOW_ANONYMOUS=true',
);
/** crates/krishiv-operator/src/main.rs:426-428 */
const COORDINATOR_ID_REFUSAL = operatorPrints('coordinator id cannot be empty');

export const OPERATOR_CHECKS = [
  {
    id: 'OP-ANONYMOUS-FORBIDDEN',
    class: 'REFUSE',
    roles: ['operator'],
    predicate: 'anonymous_allowed_for',
    rule: 'operator with KRISHIV_ALLOW_ANONYMOUS truthy under KRISHIV_PRODUCTION or a durable env profile',
    source: 'crates/krishiv-operator/src/main.rs:84-88; crates/krishiv-scheduler/src/auth.rs:423-470',
    fix: 'Remove KRISHIV_ALLOW_ANONYMOUS from the operator.',
    engineMessage: ANONYMOUS_REFUSAL,
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'operator') return [];
      const anon = anonymousAsked(ctx);
      if (anon && (ctx.prod || ctx.pEnv.profile !== DL)) {
        return [
          finding(
            ctx,
            'OP-ANONYMOUS-FORBIDDEN',
            'fail',
            `KRISHIV_ALLOW_ANONYMOUS under ${ctx.prod ? 'KRISHIV_PRODUCTION' : `env profile ${ctx.pEnv.profile}`}: the operator refuses to start`,
            ['KRISHIV_ALLOW_ANONYMOUS', 'KRISHIV_PRODUCTION', PROFILE],
            { engineMessage: ANONYMOUS_REFUSAL },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'OP-ANONYMOUS-FORBIDDEN',
          'pass',
          anon ? 'KRISHIV_ALLOW_ANONYMOUS under dev-local without KRISHIV_PRODUCTION is accepted' : 'KRISHIV_ALLOW_ANONYMOUS is not truthy',
          ['KRISHIV_ALLOW_ANONYMOUS'],
        ),
      ];
    },
  },
  {
    id: 'OP-GRPC-TOKENS-MISSING',
    class: 'REFUSE',
    roles: ['operator'],
    predicate: null,
    rule: 'operator with --executor-grpc-addr, no static coordinator token source (or one that cannot be read) and no KRISHIV_ALLOW_ANONYMOUS: it refuses; sources that are configured but resolve to no token install reject-all: it starts and denies every call',
    source: 'crates/krishiv-operator/src/main.rs:84-101; crates/krishiv-scheduler/src/auth.rs:313-345 (reject-all)',
    fix: 'Give the operator KRISHIV_COORDINATOR_BEARER_TOKEN(S) or a token file.',
    engineMessage: GRPC_TOKENS_REFUSAL,
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'operator') return [];
      const anon = anonymousAsked(ctx);
      // configure_grpc_auth_for_startup (crates/krishiv-operator/src/main.rs:84-101): a provider counts as installed when the
      // token sources read without error and are configured, even when they resolve to no token (reject-all, auth.rs:313-345).
      const installed = ctx.tokens.configured && ctx.tokens.error === undefined;
      const has = hasStaticTokens(ctx.tokens);
      const grpc = ctx.cli.executorGrpcAddr !== undefined;
      if (grpc && !installed && !anon) {
        return [
          finding(
            ctx,
            'OP-GRPC-TOKENS-MISSING',
            'fail',
            `--executor-grpc-addr without a static coordinator token${ctx.tokens.error ? ` (${ctx.tokens.error.variable} cannot be read: ${ctx.tokens.error.message})` : ''}: the operator refuses to start`,
            tokenVarsOf(ctx),
            { engineMessage: GRPC_TOKENS_REFUSAL },
          ),
        ];
      }
      if (grpc && !anon && !has) {
        return [
          finding(
            ctx,
            'OP-GRPC-TOKENS-MISSING',
            'fail',
            'token sources are configured but resolve to no token: the operator starts with a reject-all provider and denies every gRPC call',
            tokenVarsOf(ctx),
            {
              class: 'DENY',
              // the status every gRPC call is answered with (the operator prints nothing)
              engineMessage: 'invalid API key',
            },
          ),
        ];
      }
      const why = !grpc
        ? `operator gRPC is off (no --executor-grpc-addr in --cli)${has || !operatorServes(ctx) ? '' : '; note: without a static token its HTTP sidecar answers 401 on every protected route'}`
        : anon
          ? 'KRISHIV_ALLOW_ANONYMOUS is set: the operator asks for anonymous gRPC before any token source and installs no token provider (see COORD-GRPC-ANONYMOUS)'
          : `static tokens configured${assumedNote(ctx)}`;
      return [finding(ctx, 'OP-GRPC-TOKENS-MISSING', 'pass', why, tokenVarsOf(ctx))];
    },
  },
  {
    id: 'OP-COORDINATOR-ID',
    class: 'REFUSE',
    roles: ['operator'],
    predicate: null,
    rule: 'KRISHIV_COORDINATOR_ID is set but blank: the operator refuses to start (a blank --coordinator-id is refused by its parser first)',
    source: 'crates/krishiv-operator/src/main.rs:338-339 and 426-428',
    fix: 'Set KRISHIV_COORDINATOR_ID to a non-blank id, or unset it (default coord-kubernetes).',
    engineMessage: COORDINATOR_ID_REFUSAL,
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'operator') return [];
      // a flag value is never blank: the parser refuses it first
      const id = ctx.cli.coordinatorId ?? ctx.env.get('KRISHIV_COORDINATOR_ID');
      if (id !== undefined && rustTrim(id) === '') {
        return [
          finding(
            ctx,
            'OP-COORDINATOR-ID',
            'fail',
            'KRISHIV_COORDINATOR_ID is blank: the operator refuses to start',
            ['KRISHIV_COORDINATOR_ID'],
            { engineMessage: COORDINATOR_ID_REFUSAL },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'OP-COORDINATOR-ID',
          'pass',
          id === undefined ? 'coordinator id defaults to coord-kubernetes' : 'coordinator id is set',
          ['KRISHIV_COORDINATOR_ID'],
          { fromCli: ctx.cli.coordinatorId !== undefined },
        ),
      ];
    },
  },
] as const satisfies readonly CheckDef[];
