/** Helpers the engine-area check files share (no check lives here). */
import { isTruthy, jwksUrlUsable } from '../model.js';
import { type Finding } from '../types.js';
import { present, type CheckContext } from './context.js';
import { PROFILE, TOKEN_VARS } from './constants.js';

export type Check = (ctx: CheckContext) => Finding[];

export function profileVars(_ctx: CheckContext, source: 'cli' | 'env' | 'default'): string[] {
  return source === 'cli' ? [] : [PROFILE];
}

export function tokenVarsOf(ctx: CheckContext): string[] {
  const set = present(ctx, ...TOKEN_VARS);
  return set.length > 0 ? set : ['KRISHIV_COORDINATOR_BEARER_TOKEN'];
}

export function assumedNote(ctx: CheckContext): string {
  return ctx.tokens.assumed.length > 0
    ? ` (assuming ${ctx.tokens.assumed.join(', ')} holds a token on the target host: not checked here)`
    : '';
}

export function anonymousRequested(ctx: CheckContext): boolean {
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
  if (anonymousRequested(ctx))
    return 'anonymous gRPC is asked for (KRISHIV_ALLOW_ANONYMOUS / --insecure): the coordinator never tries OIDC';
  if (!jwksUrlUsable(uri))
    return 'KRISHIV_OIDC_JWKS_URI is not an http or https URL the JWKS fetch accepts: the JWT provider is never installed and static tokens apply';
  return undefined;
}

/**
 * The operator serves gRPC and HTTP only with --status-addr or --executor-grpc-addr
 * (crates/krishiv-operator/src/main.rs:62-74). Without --cli it is taken to serve, as the
 * shipped deployment does (deploy/k8s/operator/operator-deployment.yaml passes --executor-grpc-addr).
 */
export function operatorServes(ctx: CheckContext): boolean {
  if (ctx.cli.refusals === undefined) return true;
  return ctx.cli.statusAddr !== undefined || ctx.cli.executorGrpcAddr !== undefined;
}
