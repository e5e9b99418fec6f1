/**
 * Rotation planning, pure (ni-style): the current file, sidecar, clock and arguments go in; a
 * plain description of the work comes out — the fingerprints before and after, the bytes and
 * mode to write, what happens to the sidecar, warnings and notes. `--dry-run` prints it; the
 * executor (`apply.ts`) performs it under a lock. A refusal changes nothing: it is thrown as
 * `ERR_ROTATE_REFUSED` with exit code 1 (contract, "Refusals").
 */
import { EXIT, KrishivError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { engineFingerprint, isEngineFingerprint } from '../util/fingerprint.js';
import { SIDECAR_KIND, type RotationState } from './state.js';
import {
  parseTokenFile,
  serializeTokenFile,
  type ParsedTokenFile,
  type ReloadInterval,
  type TokenFileKind,
  type TokenIssue,
} from './tokens-file.js';

export type RotateAction = 'begin' | 'finish' | 'revoke';

export interface FileSnapshot {
  exists: boolean;
  /** Decoded content ('' when missing). */
  text: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface PlanContext {
  /** The path as the user gave it (shown in messages). */
  file: string;
  kind: TokenFileKind;
  now: Date;
  current: FileSnapshot;
  sidecar: RotationState | null;
  /** This process's uid (null where there is none). */
  uid: number | null;
}

export interface Warning {
  code: string;
  message: string;
}

export type SidecarOp = { op: 'keep' } | { op: 'write'; state: RotationState } | { op: 'delete' };

export interface RotationPlan {
  action: RotateAction;
  file: string;
  kind: TokenFileKind;
  /** Fingerprints in file order before and after. */
  before: string[];
  after: string[];
  added: string | null;
  removed: string[];
  /** The normalised content and mode to write; null when the file stays as it is. */
  write: { content: string; mode: number; previousMode: number | null } | null;
  sidecar: SidecarOp;
  warnings: Warning[];
  notes: string[];
  /** HTTP/UI (and, without reload, gRPC) need a coordinator restart to see the change. */
  restartNeeded: boolean;
  /** When `finish` may run (begin), or null. */
  finishAfter: string | null;
}

export function refuse(message: string, input: string, details?: Record<string, unknown>): never {
  throw new KrishivError('ERR_ROTATE_REFUSED', message, {
    input,
    exitCode: EXIT.FAILED,
    ...(details === undefined ? {} : { details }),
  });
}

/**
 * Mode rule of the contract: new files 0600; an existing file keeps its mode, except that any
 * world access is removed by tightening to 0600 (with a warning); group access is kept with a warning.
 */
export function planMode(previous: number | undefined): { mode: number; warning?: Warning } {
  if (previous === undefined) return { mode: 0o600 };
  const mode = previous & 0o777;
  if ((mode & 0o007) !== 0) {
    return {
      mode: 0o600,
      warning: {
        code: 'mode_tightened',
        message: `the file was ${fmtMode(mode)} (world-accessible): tightened to 0600; grant group access again on purpose if the coordinator reads it through its group`,
      },
    };
  }
  if ((mode & 0o070) !== 0) {
    return {
      mode,
      warning: {
        code: 'group_readable',
        message: `the file is ${fmtMode(mode)} (group-accessible): kept; every member of the group can read the tokens`,
      },
    };
  }
  return { mode };
}

/** A differing owner is reported when we cannot keep it (not root). */
export function planOwner(previousUid: number | undefined, uid: number | null): Warning | undefined {
  if (previousUid === undefined || uid === null || uid === 0 || uid === previousUid) return undefined;
  return {
    code: 'owner_changes',
    message: `the file is owned by uid ${previousUid}; the rewrite will be owned by uid ${uid} (run as root or as the owner to keep it): make sure the coordinator can still read it`,
  };
}

function fmtMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

const fps = (tokens: readonly string[]): string[] => tokens.map((t) => engineFingerprint(t));

function issueWarnings(parsed: ParsedTokenFile): Warning[] {
  return parsed.issues.map((i: TokenIssue) => ({ code: i.code, message: i.message }));
}

function reloadNote(reload: ReloadInterval | null): { warnings: Warning[]; restartNeeded: boolean } {
  if (reload && reload.seconds === null) {
    return {
      warnings: [
        {
          code: 'no_reload',
          message: `${reload.note ?? 'the coordinator never reloads'} (${reload.source}): token-file changes take effect only at a coordinator restart`,
        },
      ],
      restartNeeded: true,
    };
  }
  return { warnings: [], restartNeeded: true };
}

const HTTP_NOTE =
  'coordinator HTTP and the UI never reload: they keep the token set they started with until the coordinator restarts (the HTTP token set is read once at start, crates/krishiv-scheduler/src/coordinator_daemon.rs:646-651)';

function basePlan(action: RotateAction, ctx: PlanContext, parsed: ParsedTokenFile): RotationPlan {
  const before = fps(parsed.tokens);
  return {
    action,
    file: ctx.file,
    kind: ctx.kind,
    before,
    after: before,
    added: null,
    removed: [],
    write: null,
    sidecar: { op: 'keep' },
    warnings: [],
    notes: [],
    restartNeeded: false,
    finishAfter: null,
  };
}

function withWrite(plan: RotationPlan, ctx: PlanContext, tokens: readonly string[]): RotationPlan {
  const { mode, warning } = planMode(ctx.current.exists ? ctx.current.mode : undefined);
  if (warning) plan.warnings.push(warning);
  const owner = planOwner(ctx.current.exists ? ctx.current.uid : undefined, ctx.uid);
  if (owner) plan.warnings.push(owner);
  plan.write = {
    content: serializeTokenFile(tokens),
    mode,
    previousMode: ctx.current.exists && ctx.current.mode !== undefined ? ctx.current.mode & 0o777 : null,
  };
  plan.after = fps(tokens);
  return plan;
}

export interface BeginArgs {
  newToken: string;
  reload: ReloadInterval | null;
  /** For a single-token file: replace the token (clients on the old one lose access at the next reload). */
  replace?: boolean;
}

export function planBegin(ctx: PlanContext, args: BeginArgs): RotationPlan {
  const parsed = parseTokenFile(ctx.current.text, ctx.kind);
  const plan = basePlan('begin', ctx, parsed);
  const newFp = engineFingerprint(args.newToken);
  plan.added = newFp;

  if (ctx.kind === 'token') {
    if (!args.replace) {
      refuse(
        'is a single-token file (KRISHIV_COORDINATOR_BEARER_TOKEN_FILE): the engine reads its whole content as ONE token, so it cannot hold the old and the new token at once and a no-outage rotation is impossible in it. ' +
          'Rotate in a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE instead (rotate begin <tokens-file>), move clients, then replace this file with --replace (a single-token file holds exactly one token, crates/krishiv-scheduler/src/auth.rs:243-245)',
        ctx.file,
        { kind: 'token' },
      );
    }
    if (parsed.tokens[0] === args.newToken) refuse('already holds this token: nothing to replace', ctx.file);
    withWrite(plan, ctx, [args.newToken]);
    plan.removed = plan.before;
    plan.warnings.push({
      code: 'single_token_replaced',
      message:
        'replacing the only token of a single-token file: clients still using the old token are refused on gRPC after the next reload, unless another source (a _TOKENS_FILE) still lists it',
    });
    plan.restartNeeded = true;
    plan.notes.push(HTTP_NOTE);
    return plan;
  }

  if (parsed.tokens.includes(args.newToken)) {
    refuse(`already holds the new token ${newFp}: a rotation needs a token the file does not have`, ctx.file, { fingerprint: newFp });
  }
  plan.warnings.push(...issueWarnings(parsed));
  withWrite(plan, ctx, [args.newToken, ...parsed.tokens]);

  const now = ctx.now.toISOString();
  const present = new Set(plan.before);
  const stacked = ctx.sidecar ? ctx.sidecar.pending.filter((p) => present.has(p.fingerprint)) : [];
  const state: RotationState =
    ctx.sidecar && stacked.length > 0
      ? {
          ...ctx.sidecar,
          updatedAt: now,
          pending: [{ fingerprint: newFp, addedAt: now }, ...stacked],
        }
      : {
          kind: SIDECAR_KIND,
          version: 1,
          file: baseName(ctx.file),
          startedAt: now,
          updatedAt: now,
          pending: [{ fingerprint: newFp, addedAt: now }],
          previous: plan.before,
        };
  if (args.reload) state.reloadIntervalSecs = args.reload.seconds;
  else delete state.reloadIntervalSecs;
  plan.sidecar = { op: 'write', state };
  if (stacked.length > 0) {
    plan.notes.push(
      `a rotation was already pending: begin stacks (pending now ${state.pending.map((p) => p.fingerprint).join(', ')}); finish keeps only the newest`,
    );
  }

  const reload = reloadNote(args.reload);
  plan.warnings.push(...reload.warnings);
  if (args.reload && args.reload.seconds !== null) {
    const after = new Date(ctx.now.getTime() + args.reload.seconds * 1000);
    plan.finishAfter = after.toISOString();
    plan.notes.push(
      `coordinator gRPC accepts the new token within ${formatDuration(args.reload.seconds * 1000)} (the reload interval); move clients to it, then run rotate finish after ${plan.finishAfter}`,
    );
  } else if (!args.reload) {
    plan.notes.push(
      'coordinator gRPC accepts the new token within one reload interval (KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS); move clients to it, then run rotate finish',
    );
  }
  plan.notes.push(`${HTTP_NOTE}: the new token is refused on HTTP until then`);
  plan.restartNeeded = true;
  return plan;
}

export interface FinishArgs {
  /** null: neither --reload-interval nor --env-file (nor config) gave one. */
  reload: ReloadInterval | null;
}

export function planFinish(ctx: PlanContext, args: FinishArgs): RotationPlan {
  const parsed = parseTokenFile(ctx.current.text, ctx.kind);
  const plan = basePlan('finish', ctx, parsed);
  if (ctx.kind === 'token') {
    refuse(
      'is a single-token file: it holds one token, so there is no rotation to finish (replace it with rotate begin --single --replace)',
      ctx.file,
    );
  }
  if (!ctx.current.exists) refuse('does not exist: there is no rotation to finish', ctx.file);
  if (!args.reload) {
    refuse(
      'needs the coordinator reload interval to know when the new token is live: pass --reload-interval <seconds> (0 if the coordinator does not reload) or --env-file <coordinator env file>',
      ctx.file,
    );
  }
  if (parsed.tokens.length === 0) refuse('holds no token: there is no rotation to finish', ctx.file);
  const newest = plan.before[0]!;
  const sidecar = ctx.sidecar;
  if (!sidecar || sidecar.pending.length === 0) {
    if (parsed.tokens.length === 1) {
      plan.notes.push('no rotation is pending and the file holds one token: nothing to do');
      return plan;
    }
    refuse(
      'has no pending rotation (no sidecar from rotate begin), so krishiv-auth cannot tell whether the first token is live yet: remove tokens one by one with rotate revoke --fingerprint, or start over with rotate begin',
      ctx.file,
    );
  }
  const expected = sidecar.pending[0]!.fingerprint;
  if (expected !== newest) {
    refuse(
      `changed since rotate begin: its first token is ${newest}, the pending rotation's newest is ${expected}; check it with rotate status and use rotate revoke for the tokens to remove`,
      ctx.file,
      { first: newest, pending: expected },
    );
  }
  const since = Date.parse(sidecar.updatedAt);
  const elapsedMs = ctx.now.getTime() - since;
  if (args.reload.seconds !== null) {
    const needMs = args.reload.seconds * 1000;
    if (elapsedMs < needMs) {
      const readyAt = new Date(since + needMs).toISOString();
      refuse(
        `only ${formatDuration(Math.max(0, elapsedMs))} of the ${formatDuration(needMs)} reload interval (${args.reload.source}) have passed since rotate begin at ${sidecar.updatedAt}; the coordinator may not accept the new token yet. Nothing changed; try again after ${readyAt}`,
        ctx.file,
        { readyAt, waitSeconds: Math.ceil((needMs - elapsedMs) / 1000), reloadIntervalSecs: args.reload.seconds },
      );
    }
  }
  plan.warnings.push(...issueWarnings(parsed).filter((w) => w.code !== 'duplicate' && w.code !== 'several_per_line'));
  withWrite(plan, ctx, [parsed.tokens[0]!]);
  plan.removed = plan.before.slice(1);
  plan.sidecar = { op: 'delete' };
  plan.restartNeeded = true;
  if (args.reload.seconds === null) {
    plan.warnings.push({
      code: 'no_reload',
      message: `${args.reload.note ?? 'the coordinator does not reload'} (${args.reload.source}): restart the coordinator; until then it keeps accepting the old tokens (and refuses the new one) on gRPC, HTTP and the UI`,
    });
  } else {
    plan.notes.push(`coordinator gRPC stops accepting the removed tokens within ${formatDuration(args.reload.seconds * 1000)}`);
  }
  plan.notes.push(`${HTTP_NOTE}: restart coordinators so HTTP drops the old tokens and accepts the new one`);
  return plan;
}

export interface RevokeArgs {
  fingerprint: string;
  allowEmpty: boolean;
}

export function planRevoke(ctx: PlanContext, args: RevokeArgs): RotationPlan {
  if (!isEngineFingerprint(args.fingerprint)) {
    throw new KrishivError(
      'ERR_USAGE',
      // A value that is no miscopied fingerprint is not echoed: it is often the token itself.
      /^bearer:[0-9a-f]{0,32}$/i.test(args.fingerprint)
        ? `"${args.fingerprint}" is not an engine fingerprint (bearer: followed by 16 lowercase hex digits; see rotate status)`
        : `the value given is not an engine fingerprint (bearer: followed by 16 lowercase hex digits; see rotate status); it is not shown, as it may be a token: a token's own fingerprint is ${engineFingerprint(args.fingerprint)}`,
      {
        input: '--fingerprint',
      },
    );
  }
  const parsed = parseTokenFile(ctx.current.text, ctx.kind);
  const plan = basePlan('revoke', ctx, parsed);
  if (ctx.kind === 'token') {
    refuse(
      'is a single-token file: emptying it makes the engine reject every token (reject-all) and deleting it fails start-up; replace its token with rotate begin --single --replace instead',
      ctx.file,
    );
  }
  if (!ctx.current.exists) refuse('does not exist: there is nothing to revoke', ctx.file);
  const keep = parsed.tokens.filter((t) => engineFingerprint(t) !== args.fingerprint);
  if (keep.length === parsed.tokens.length) {
    refuse(`holds no token with fingerprint ${args.fingerprint} (it holds ${plan.before.join(', ') || 'none'})`, ctx.file, {
      fingerprint: args.fingerprint,
      tokens: plan.before,
    });
  }
  if (parsed.tokens.length - keep.length > 1) {
    refuse(`holds several tokens with fingerprint ${args.fingerprint}: remove them by hand`, ctx.file);
  }
  if (keep.length === 0 && !args.allowEmpty) {
    refuse(
      `${args.fingerprint} is the last token: an empty file makes the engine reject every token (reject-all, crates/krishiv-scheduler/src/auth.rs:338-344). Pass --allow-empty if that is what you want`,
      ctx.file,
      { fingerprint: args.fingerprint },
    );
  }
  withWrite(plan, ctx, keep);
  plan.removed = [args.fingerprint];
  if (keep.length === 0) {
    plan.warnings.push({
      code: 'reject_all',
      message:
        'the file is now empty: unless another token source is configured, the coordinator rejects every token after its next reload (reject-all, crates/krishiv-scheduler/src/auth.rs:338-344)',
    });
  }
  if (ctx.sidecar) {
    const pending = ctx.sidecar.pending.filter((p) => p.fingerprint !== args.fingerprint);
    if (pending.length === 0) plan.sidecar = { op: 'delete' };
    else if (pending.length !== ctx.sidecar.pending.length) plan.sidecar = { op: 'write', state: { ...ctx.sidecar, pending } };
  }
  plan.restartNeeded = true;
  plan.notes.push(`coordinator gRPC stops accepting ${args.fingerprint} within one reload interval (if it reloads at all)`);
  plan.notes.push(`${HTTP_NOTE}: the revoked token stays valid on HTTP until then`);
  return plan;
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}

// ---------------------------------------------------------------------------------------------
// status

export interface StatusToken {
  fingerprint: string;
  line: number;
  newest: boolean;
  pending: boolean;
}

export interface StatusReport {
  ok: boolean;
  file: string;
  exists: boolean;
  kind: TokenFileKind;
  count: number;
  tokens: StatusToken[];
  mode: string | null;
  owner: { uid: number; gid: number } | null;
  pending: null | {
    startedAt: string;
    updatedAt: string;
    fingerprints: string[];
    previous: string[];
    ageSeconds: number;
    reloadIntervalSecs: number | null;
    finishAfter: string | null;
    ready: boolean | null;
  };
  warnings: Array<Warning & { severity: 'error' | 'warning' | 'info' }>;
}

export interface StatusArgs {
  reload: ReloadInterval | null;
  k8sMount: boolean;
  nameLooksSingle: boolean;
}

export function describeStatus(ctx: PlanContext, args: StatusArgs): StatusReport {
  const parsed = parseTokenFile(ctx.current.text, ctx.kind);
  const before = fps(parsed.tokens);
  const pendingSet = new Set(ctx.sidecar?.pending.map((p) => p.fingerprint) ?? []);
  const warnings: StatusReport['warnings'] = parsed.issues.map((i) => ({ code: i.code, severity: i.severity, message: i.message }));
  if (!ctx.current.exists) {
    warnings.push({
      code: 'missing',
      severity: 'warning',
      message:
        ctx.kind === 'token'
          ? 'does not exist: a missing KRISHIV_COORDINATOR_BEARER_TOKEN_FILE is a read error (start-up refused in durable profiles; the old set kept at reload)'
          : 'does not exist: the engine treats a missing _TOKENS_FILE as no tokens (reject-all if it is the only source)',
    });
  } else if (parsed.tokens.length === 0 && ctx.kind === 'tokens') {
    warnings.push({
      code: 'empty',
      severity: 'error',
      message:
        'holds no token: if it is the only token source, the engine rejects every token (reject-all, crates/krishiv-scheduler/src/auth.rs:338-344)',
    });
  }
  if (ctx.current.exists && ctx.current.mode !== undefined) {
    const m = ctx.current.mode & 0o777;
    const fix = args.k8sMount
      ? "the kubelet sets it from the Secret volume's defaultMode: set it to 0400"
      : 'the next rotation tightens it to 0600';
    if ((m & 0o004) !== 0)
      warnings.push({
        code: 'world_readable',
        severity: 'error',
        message: `mode ${fmtMode(m)}: anyone on the host can read the tokens (${fix})`,
      });
    else if ((m & 0o040) !== 0)
      warnings.push({
        code: 'group_readable',
        severity: 'warning',
        message: `mode ${fmtMode(m)}: members of group ${ctx.current.gid ?? '?'} can read the tokens`,
      });
    // Writing is worse than reading: a line added to the file is an accepted admin token (surface §4.4).
    if ((m & 0o002) !== 0) {
      warnings.push({
        code: 'world_writable',
        severity: 'error',
        message: `mode ${fmtMode(m)}: anyone on the host can add a token the coordinator accepts (${fix})`,
      });
    }
  }
  if (ctx.kind === 'token') {
    warnings.push({
      code: 'single_token_file',
      severity: 'info',
      message:
        'a single-token file (KRISHIV_COORDINATOR_BEARER_TOKEN_FILE): one token, never split; a no-outage rotation needs a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
    });
  } else if (args.nameLooksSingle) {
    warnings.push({
      code: 'name_looks_single',
      severity: 'info',
      message:
        'the name suggests a single-token file: if the coordinator reads it as KRISHIV_COORDINATOR_BEARER_TOKEN_FILE, pass --single (it is then one token, never split)',
    });
  }
  if (args.k8sMount) {
    warnings.push({
      code: 'k8s_secret_mount',
      severity: 'info',
      message:
        'lives in a Kubernetes secret mount (..data layout): change it through the Secret (rotate begin --emit k8s-secret --name <secret>), not in place',
    });
  }
  let pending: StatusReport['pending'] = null;
  if (ctx.sidecar) {
    const s = ctx.sidecar;
    const present = new Set(before);
    const missing = s.pending.filter((p) => !present.has(p.fingerprint)).map((p) => p.fingerprint);
    if (missing.length > 0) {
      warnings.push({
        code: 'sidecar_stale',
        severity: 'warning',
        message: `the rotation sidecar lists ${missing.join(', ')}, which the file no longer holds`,
      });
    }
    if (s.pending[0] && before[0] !== s.pending[0].fingerprint) {
      warnings.push({
        code: 'sidecar_mismatch',
        severity: 'warning',
        message: `the file's first token is ${before[0] ?? 'none'}, the pending rotation's newest is ${s.pending[0].fingerprint}: rotate finish will refuse`,
      });
    }
    const since = Date.parse(s.updatedAt);
    const seconds = args.reload ? args.reload.seconds : (s.reloadIntervalSecs ?? null);
    const known = args.reload !== null || s.reloadIntervalSecs !== undefined;
    pending = {
      startedAt: s.startedAt,
      updatedAt: s.updatedAt,
      fingerprints: s.pending.map((p) => p.fingerprint),
      previous: s.previous,
      ageSeconds: Math.floor((ctx.now.getTime() - since) / 1000),
      reloadIntervalSecs: seconds,
      finishAfter: seconds === null ? null : new Date(since + seconds * 1000).toISOString(),
      ready: !known ? null : seconds === null ? true : ctx.now.getTime() - since >= seconds * 1000,
    };
  }
  return {
    ok: true,
    file: ctx.file,
    exists: ctx.current.exists,
    kind: ctx.kind,
    count: parsed.tokens.length,
    tokens: before.map((fingerprint, i) => ({
      fingerprint,
      line: parsed.lines[i]!,
      newest: i === 0,
      pending: pendingSet.has(fingerprint),
    })),
    mode: ctx.current.exists && ctx.current.mode !== undefined ? fmtMode(ctx.current.mode) : null,
    owner: ctx.current.exists && ctx.current.uid !== undefined ? { uid: ctx.current.uid, gid: ctx.current.gid ?? -1 } : null,
    pending,
    warnings,
  };
}

/** The plan as data for --dry-run and --json: fingerprints only, never the content. */
export function planToJson(plan: RotationPlan): Record<string, unknown> {
  return {
    action: plan.action,
    file: plan.file,
    kind: plan.kind,
    before: plan.before,
    after: plan.after,
    added: plan.added,
    removed: plan.removed,
    write: plan.write
      ? {
          mode: fmtMode(plan.write.mode),
          previousMode: plan.write.previousMode === null ? null : fmtMode(plan.write.previousMode),
          bytes: Buffer.byteLength(plan.write.content),
        }
      : null,
    sidecar: plan.sidecar.op === 'write' ? { op: 'write', state: plan.sidecar.state } : { op: plan.sidecar.op },
    warnings: plan.warnings,
    notes: plan.notes,
    restartNeeded: plan.restartNeeded,
    finishAfter: plan.finishAfter,
  };
}
