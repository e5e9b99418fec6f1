/**
 * The four `rotate` steps as domain runs: Options (built by the command's pure resolveRotateOptions)
 * → read the env file and the target → the pure planner (./plan.ts) run by the locked executor
 * (./apply.ts) → an Outcome: the messages for stderr, the answer (its JSON document and its text
 * rendering, ./render.ts) and, for `begin`, how to undo the rotation when the new token cannot be
 * handed over. The command prints; nothing here writes to a terminal.
 */
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import { formatMode } from '../io/fs.js';
import type { Style } from '../text/style.js';
import { engineFingerprint } from '../util/fingerprint.js';
import type { Pauses, Target } from './apply.js';
import type { ConfirmCheck, ConfirmSeams } from './confirm.js';
import type { RotationPlan } from './plan.js';
import type { ReloadInterval, TokenFileKind } from './tokens-file.js';

export type Step = 'begin' | 'finish' | 'revoke' | 'status';

interface CommonOptions {
  cwd: string;
  /** as the user gave it (messages), and resolved against the working directory */
  file: string;
  absolute: string;
  single: boolean;
  multi: boolean;
  /** `read`: the path handed to the env reader (as given when relative to this process's directory) */
  envFile: { path: string; label: string; read: string } | undefined;
  /** --reload-interval wins, then the env file's KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS, then the config */
  reloadFlag: ReloadInterval | null;
  reloadConfig: ReloadInterval | null;
  state: { path: string; label: string; given: boolean };
}

interface WriteOptions {
  dryRun: boolean;
  emit: { name: string; namespace?: string; key: string } | undefined;
}

export type RotateOptions =
  | (CommonOptions &
      WriteOptions & {
        step: 'begin';
        newToken: { from: 'generate' } | { from: 'stdin' } | { from: 'file'; path: string; label: string };
        allowWeakToken: boolean;
        out: { path: string; label: string } | undefined;
        force: boolean;
        replace: boolean;
      })
  | (CommonOptions & WriteOptions & { step: 'finish'; confirm: { url: string; grpc: string | undefined; timeoutMs: number } | undefined })
  | (CommonOptions & WriteOptions & { step: 'revoke'; fingerprint: string; allowEmpty: boolean })
  | (CommonOptions & { step: 'status' });

export interface StepIo {
  now(): Date;
  randomBytes(size: number): Uint8Array;
  readStdin(limit: number): Promise<string>;
  uid: number | null;
  pauses: Pauses;
  /** finish --confirm: something to say while it runs, and a spinner while it waits */
  info(message: string): void;
  progress(text: string): Promise<() => void>;
}

export interface Outcome {
  exit: 0 | 1;
  warn: string[];
  info: string[];
  hint: string[];
  /** the answer: `doc` with --json, `text` otherwise */
  doc: Record<string, unknown>;
  text: (s: Style) => string;
  /** hints after the answer */
  after: string[];
  /** what stays done when the answer cannot be written (a change was made) */
  kept?: string;
  /** begin without --out: undoes the rotation when the answer (the only copy of the token) cannot be written */
  undo?: () => Promise<string>;
}

/** Warnings about the rewrite of the file itself: not true with --emit, which writes no token file. */
const FILE_WRITE_WARNINGS = new Set(['mode_tightened', 'group_readable', 'owner_changes', 'group_changed']);

interface Prepared {
  apply: typeof import('./apply.js');
  kind: TokenFileKind;
  kindKnown: boolean;
  nameLooksSingle: boolean;
  reload: ReloadInterval | null;
  target: Target;
}

/** Reads the env file (kind and reload interval), resolves the target (links, mounts). */
async function prepare(o: RotateOptions): Promise<Prepared> {
  const [tf, apply] = await Promise.all([import('./tokens-file.js'), import('./apply.js')]);
  let kind: TokenFileKind = o.single ? 'token' : 'tokens';
  let kindKnown = o.single || o.multi;
  let reload = o.reloadFlag ?? o.reloadConfig;
  if (o.envFile !== undefined) {
    // The engine-exact dotenv reader (dotenvy 0.15.7 rules: export, quotes, $VAR, first declaration wins).
    const { readEnvFile, mergeEnv } = await import('../production/env/index.js');
    const env = mergeEnv([await readEnvFile(o.envFile.read)]);
    const value = (name: string): string | undefined => env.vars.get(name)?.value;
    const same = (v: string | undefined): boolean =>
      v !== undefined && tf.rustTrim(v) !== '' && path.resolve(o.cwd, tf.rustTrim(v)) === o.absolute;
    const single = value(tf.TOKEN_FILE_VAR);
    const multi = value(tf.TOKENS_FILE_VAR);
    if (same(single) && !same(multi)) {
      if (o.multi) throw new KrishivError('ERR_USAGE', `--multi contradicts ${o.envFile.label}, where this file is ${tf.TOKEN_FILE_VAR}`);
      kind = 'token';
      kindKnown = true;
    } else if (same(multi)) {
      if (o.single)
        throw new KrishivError('ERR_USAGE', `--single contradicts ${o.envFile.label}, where this file is ${tf.TOKENS_FILE_VAR}`);
      kind = 'tokens';
      kindKnown = true;
    }
    reload = o.reloadFlag ?? tf.engineReloadInterval(value(tf.RELOAD_INTERVAL_VAR), o.envFile.label);
  }
  const target = await apply.resolveTarget(o.absolute, o.state.given ? o.state.path : undefined).catch((error: unknown) => {
    // errors name the file as the user gave it, not its absolute path
    if (isKrishivError(error) && error.input === o.absolute)
      throw new KrishivError(error.code, error.message, { input: o.file, cause: error, exitCode: error.exitCode });
    throw error;
  });
  target.file = o.file;
  target.stateLabel = o.state.label;
  if (o.step !== 'status' && o.emit !== undefined && target.k8sMount && !o.state.given) {
    throw new KrishivError(
      'ERR_USAGE',
      'the file is in a read-only Kubernetes secret mount, so the rotation sidecar cannot live beside it: add --state <writable file> (and reuse it for finish)',
      {
        input: '--state',
      },
    );
  }
  return { apply, kind, kindKnown, nameLooksSingle: tf.nameLooksSingle(path.basename(o.file)), reload, target };
}

function messages(plan: RotationPlan, cleaned: string[], emit: boolean): Pick<Outcome, 'warn' | 'info' | 'hint'> {
  return {
    warn: plan.warnings.filter((w) => !(emit && FILE_WRITE_WARNINGS.has(w.code))).map((w) => w.message),
    info: cleaned.map((c) => `removed ${c}, a temp file left by an interrupted run`),
    hint: [...plan.notes],
  };
}

async function dryRun(plan: RotationPlan, warn: string[]): Promise<Outcome> {
  const [planner, render] = await Promise.all([import('./plan.js'), import('./render.js')]);
  const data = planner.planToJson(plan);
  return { exit: 0, warn, info: [], hint: [], doc: { ok: true, dryRun: true, plan: data }, text: () => render.renderPlan(data), after: [] };
}

async function manifest(
  plan: RotationPlan,
  emit: NonNullable<WriteOptions['emit']>,
  extra: Record<string, unknown>,
): Promise<Pick<Outcome, 'doc' | 'text'>> {
  const k8s = await import('./k8s.js');
  const args = { ...emit, content: plan.write?.content ?? '' };
  return {
    doc: { ok: true, file: plan.file, ...extra, tokens: plan.after, manifest: k8s.secretManifestObject(args) },
    text: () => k8s.renderSecretManifest(args),
  };
}

// ---------------------------------------------------------------------------------------------

export async function runBegin(o: Extract<RotateOptions, { step: 'begin' }>, io: StepIo): Promise<Outcome> {
  const p = await prepare(o);
  const { apply, target } = p;
  const [tf, planner, render] = await Promise.all([import('./tokens-file.js'), import('./plan.js'), import('./render.js')]);
  const file = o.file;
  if (!p.kindKnown && p.nameLooksSingle && p.kind === 'tokens') {
    planner.refuse(
      'has a name like a single-token file: if the coordinator reads it as KRISHIV_COORDINATOR_BEARER_TOKEN_FILE, two tokens in it become ONE token containing a newline and every client is refused. Pass --single if it is that file, or --multi if it is a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
      file,
    );
  }
  if (o.replace && p.kind !== 'token')
    throw new KrishivError('ERR_USAGE', '--replace is for a single-token file (--single)', { input: '--replace' });

  const warn: string[] = [];
  let newToken: string;
  if (o.newToken.from !== 'generate') {
    const label = o.newToken.from === 'stdin' ? '<stdin>' : o.newToken.label;
    const text =
      o.newToken.from === 'stdin' ? await io.readStdin(64 * 1024) : await apply.readSmallFile(o.newToken.path, 64 * 1024, o.newToken.label);
    newToken = tf.validateNewToken(text, label);
    // check-production's placeholder and weak-secret rules: the coordinator would run on this token.
    const { secretWeakness } = await import('../production/hygiene.js');
    const weakness = secretWeakness(newToken);
    if (weakness?.status === 'fail') {
      if (!o.allowWeakToken) {
        planner.refuse(
          `the new token ${weakness.reason} (check-production's ${weakness.check} would fail it); nothing changed. Use a generated token (leave out --new-token-file), or pass --allow-weak-token`,
          label,
        );
      }
      warn.push(`the new token ${weakness.reason}; accepted because of --allow-weak-token`);
    } else if (weakness !== undefined) {
      warn.push(`the new token ${weakness.reason}`);
    }
  } else {
    newToken = tf.generateToken((n) => io.randomBytes(n));
  }
  const out = o.out;
  if (out !== undefined) {
    const fsMod = await import('../io/fs.js');
    // by device and inode: a link to the tokens file, the sidecar or an input is caught too
    fsMod.assertNotAnInput(out.path, '--out', [
      { path: target.real, label: `the tokens file ${file}` },
      { path: target.statePath, label: `the sidecar ${target.stateLabel}` },
      ...(o.envFile === undefined ? [] : [{ path: o.envFile.path, label: `--env-file ${o.envFile.label}` }]),
      ...(o.newToken.from === 'file' ? [{ path: o.newToken.path, label: `--new-token-file ${o.newToken.label}` }] : []),
    ]);
    if (!o.force && !o.dryRun && (await fsMod.statPath(out.path)) !== undefined) throw fsMod.existsError(out.label);
  }

  let outWritten = false;
  const result = await apply
    .executeRotation({
      target,
      kind: p.kind,
      now: () => io.now(),
      uid: io.uid,
      plan: (pctx) => planner.planBegin(pctx, { newToken, reload: p.reload, replace: o.replace }),
      // --out is written once the plan passed every refusal and before the token file or the sidecar
      // changes: a --out that cannot be written must not leave a token in the file that nobody holds.
      beforeWrite: async () => {
        if (out === undefined) return;
        try {
          outWritten = (await apply.writeSecretFile(out.path, newToken, o.force, out.label)).created;
        } catch (error) {
          if (isKrishivError(error))
            throw new KrishivError(error.code, error.message, { input: out.label, cause: error, exitCode: error.exitCode });
          throw error;
        }
      },
      dryRun: o.dryRun,
      emit: o.emit !== undefined,
      pauses: io.pauses,
    })
    .catch(async (error: unknown) => {
      // the rotation did not happen (refused, lock lost, write failed): no --out file holding a token that is nowhere
      if (outWritten && out !== undefined) (await import('../io/fs.js')).removeIfUnchanged(out.path, `${newToken}\n`);
      throw error;
    });
  const plan = result.plan;
  if (o.dryRun) return dryRun(plan, warn);

  const fingerprint = engineFingerprint(newToken);
  const tokenPart = out === undefined ? { token: newToken } : { out: out.label };
  const base = messages(plan, result.cleaned, o.emit !== undefined);
  const outcome = { exit: 0 as const, ...base, warn: [...warn, ...base.warn], after: [] as string[] };
  // Without --out the token exists only in what is printed: if that fails, the rotation is undone.
  const handOver =
    out === undefined
      ? {
          undo: () =>
            apply.undoRotation(target, result).then(
              (how) => `the new token was not kept: ${how}`,
              (cause: unknown) =>
                `and undoing the rotation failed (${isKrishivError(cause) ? `${cause.input ? `${cause.input}: ` : ''}${cause.message}` : String(cause)}): remove the new token with rotate revoke ${file} --fingerprint ${fingerprint}`,
            ),
        }
      : { kept: `the rotation was made all the same (the new token is in ${out.label})` };
  if (o.emit) {
    const m = await manifest(plan, o.emit, { ...tokenPart, fingerprint });
    return {
      ...outcome,
      ...m,
      ...handOver,
      after: out === undefined ? ['the new token is inside the manifest only; add --out <file> to also keep it in a file'] : [],
    };
  }
  const mode = formatMode(result.written?.mode ?? plan.write?.mode ?? 0o600);
  const doc = {
    ok: true,
    file,
    ...tokenPart,
    fingerprint,
    tokens: plan.after,
    mode,
    created: result.written?.created ?? false,
    ownerChanged: result.ownerChanged,
    sidecar: o.state.label,
    pending: plan.sidecar.op === 'write' ? plan.sidecar.state.pending.map((x) => x.fingerprint) : [],
    finishAfter: plan.finishAfter,
    restartNeeded: plan.restartNeeded,
    warnings: plan.warnings,
    notes: plan.notes,
    cleaned: result.cleaned,
  };
  return {
    ...outcome,
    ...handOver,
    doc,
    text: (s) => render.renderBegin({ file, ...tokenPart, fingerprint, tokens: plan.after, mode, finishAfter: plan.finishAfter }, s),
  };
}

/** The --confirm probes: gRPC (the only surface that reloads) and, given an HTTP URL, the jobs API. */
async function confirmSeams(c: NonNullable<Extract<RotateOptions, { step: 'finish' }>['confirm']>): Promise<ConfirmSeams> {
  let grpcTarget: string;
  let httpUrl: URL | undefined;
  if (/^grpcs?:\/\//i.test(c.url)) {
    grpcTarget = c.url.replace(/^grpc:\/\//i, 'http://').replace(/^grpcs:\/\//i, 'https://');
  } else if (/^https?:\/\//i.test(c.url)) {
    grpcTarget = c.grpc!;
    const { parseUrl } = await import('../io/http.js');
    httpUrl = parseUrl(c.url, '--confirm');
  } else {
    grpcTarget = c.grpc ?? c.url;
  }
  const [{ parseGrpcTarget, grpcUnaryCall, COORDINATOR_PROBE_METHOD }, { timerDelay }] = await Promise.all([
    import('../io/grpc.js'),
    import('../util/duration.js'),
  ]);
  parseGrpcTarget(grpcTarget);
  const timeoutMs = c.timeoutMs;
  const seams: ConfirmSeams = {
    grpc: async (token) => {
      const r = await grpcUnaryCall({
        target: grpcTarget,
        path: COORDINATOR_PROBE_METHOD,
        metadata: { authorization: `Bearer ${token}` },
        timeoutMs,
      });
      return { status: r.status, statusName: r.statusName, message: r.message };
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, timerDelay(ms))),
    nowMs: () => Date.now(),
  };
  if (httpUrl) {
    const { httpRequest } = await import('../io/http.js');
    const jobs = new URL('/api/v1/jobs', httpUrl);
    seams.http = async (token) => (await httpRequest(jobs, { headers: { authorization: `Bearer ${token}` }, timeoutMs })).status;
  }
  return seams;
}

export async function runFinish(o: Extract<RotateOptions, { step: 'finish' }>, io: StepIo): Promise<Outcome> {
  const p = await prepare(o);
  const [tf, planner, render, confirm] = await Promise.all([
    import('./tokens-file.js'),
    import('./plan.js'),
    import('./render.js'),
    import('./confirm.js'),
  ]);
  const seams = o.confirm === undefined ? undefined : await confirmSeams(o.confirm);
  const checks: ConfirmCheck[] = [];
  let newToken = '';
  let oldTokens: string[] = [];
  const result = await p.apply.executeRotation({
    target: p.target,
    kind: p.kind,
    now: () => io.now(),
    uid: io.uid,
    plan: (pctx) => {
      const plan = planner.planFinish(pctx, { reload: p.reload });
      const tokens = tf.parseTokenFile(pctx.current.text, pctx.kind).tokens;
      newToken = tokens[0] ?? '';
      oldTokens = tokens.slice(1);
      return plan;
    },
    beforeWrite: async (plan) => {
      if (!seams || plan.write === null || o.dryRun) return;
      const check = await confirm.confirmNewAccepted(seams, newToken, p.reload?.seconds !== null);
      checks.push(check);
      if (check.status === 'fail') planner.refuse(`${check.message}; nothing removed`, o.file, { checks });
    },
    dryRun: o.dryRun,
    emit: o.emit !== undefined,
    pauses: io.pauses,
  });
  const plan = result.plan;
  if (o.dryRun) return dryRun(plan, []);
  const base = { ...messages(plan, result.cleaned, o.emit !== undefined), after: [] as string[] };
  let ok = true;
  if (seams && plan.write !== null && !o.emit) {
    const seconds = p.reload?.seconds ?? null;
    if (seconds === null) {
      io.info(
        '--confirm: the coordinator does not reload, so the old tokens stay valid until it restarts; not waiting for them to be refused',
      );
    } else if (oldTokens.length > 0) {
      const stop = await io.progress(`waiting up to ${seconds + 5}s for coordinator gRPC to refuse the old tokens`);
      const after = await confirm.confirmOldRejected(seams, oldTokens, (seconds + 5) * 1000);
      stop();
      checks.push(...after);
      ok = after.every((c) => c.status === 'pass');
    }
    checks.push(...(await confirm.reportHttp(seams, newToken, oldTokens)));
  }
  if (o.emit) return { exit: 0, ...base, ...(await manifest(plan, o.emit, { kept: plan.after[0] ?? null, removed: plan.removed })) };
  const doc = {
    ok,
    file: o.file,
    kept: plan.after[0] ?? null,
    removed: plan.removed,
    tokens: plan.after,
    changed: plan.write !== null,
    mode: plan.write ? formatMode(plan.write.mode) : null,
    restartNeeded: plan.restartNeeded,
    confirm: seams ? { checks } : null,
    warnings: plan.warnings,
    notes: plan.notes,
    cleaned: result.cleaned,
  };
  return {
    exit: ok ? 0 : 1,
    ...base,
    doc,
    text: (s) => render.renderChange(plan, s, checks),
    kept: plan.write ? `${o.file} was rewritten all the same` : 'nothing was changed',
  };
}

export async function runRevoke(o: Extract<RotateOptions, { step: 'revoke' }>, io: StepIo): Promise<Outcome> {
  const p = await prepare(o);
  const [planner, render] = await Promise.all([import('./plan.js'), import('./render.js')]);
  const result = await p.apply.executeRotation({
    target: p.target,
    kind: p.kind,
    now: () => io.now(),
    uid: io.uid,
    plan: (pctx) => planner.planRevoke(pctx, { fingerprint: o.fingerprint, allowEmpty: o.allowEmpty }),
    dryRun: o.dryRun,
    emit: o.emit !== undefined,
    pauses: io.pauses,
  });
  const plan = result.plan;
  if (o.dryRun) return dryRun(plan, []);
  const base = { ...messages(plan, result.cleaned, o.emit !== undefined), after: [] as string[] };
  if (o.emit) return { exit: 0, ...base, ...(await manifest(plan, o.emit, { removed: plan.removed })) };
  const doc = {
    ok: true,
    file: o.file,
    removed: plan.removed,
    tokens: plan.after,
    mode: plan.write ? formatMode(plan.write.mode) : null,
    restartNeeded: plan.restartNeeded,
    warnings: plan.warnings,
    notes: plan.notes,
    cleaned: result.cleaned,
  };
  return {
    exit: 0,
    ...base,
    doc,
    text: (s) => render.renderChange(plan, s, []),
    kept: plan.write ? `${o.file} was rewritten all the same` : 'nothing was changed',
  };
}

export async function runStatus(o: Extract<RotateOptions, { step: 'status' }>, io: StepIo): Promise<Outcome> {
  const p = await prepare(o);
  const [planner, render] = await Promise.all([import('./plan.js'), import('./render.js')]);
  const current = await p.apply.readSnapshot(p.target.real, o.file);
  const sidecar = await p.apply.readState(p.target.statePath, p.target.stateLabel);
  const now = io.now();
  const report = planner.describeStatus(
    { file: o.file, kind: p.kind, now, current, sidecar, uid: io.uid },
    { reload: p.reload, k8sMount: p.target.k8sMount, nameLooksSingle: !p.kindKnown && p.nameLooksSingle },
  );
  return {
    exit: 0,
    warn: [],
    info: [],
    hint: [],
    after: [],
    doc: report as unknown as Record<string, unknown>,
    text: (s) => render.renderStatus(report, s, now),
  };
}
