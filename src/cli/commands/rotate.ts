/**
 * `krishiv-auth rotate begin|finish|revoke|status <file>`: flags → options → the pure planner
 * (src/rotate/plan.ts) run by the locked executor (src/rotate/apply.ts) → rendering.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT, KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
import { formatMode } from '../../io/fs.js';
import { parseDuration, timerDelay } from '../../util/duration.js';
import { engineFingerprint } from '../../util/fingerprint.js';
import { action, type CliContext } from '../context.js';
import type { RotationPlan } from '../../rotate/plan.js';
import type { ReloadInterval, TokenFileKind } from '../../rotate/tokens-file.js';
import type { ConfirmCheck } from '../../rotate/confirm.js';

interface CommonOptions {
  single?: boolean;
  multi?: boolean;
  envFile?: string;
  reloadInterval?: string;
  state?: string;
  dryRun?: boolean;
}

interface EmitOptions {
  emit?: string;
  name?: string;
  namespace?: string;
  key?: string;
}

interface BeginOptions extends CommonOptions, EmitOptions {
  newTokenFile?: string;
  allowWeakToken?: boolean;
  out?: string;
  force?: boolean;
  replace?: boolean;
}

interface FinishOptions extends CommonOptions, EmitOptions {
  confirm?: string;
  grpc?: string;
  timeout?: string;
}

interface RevokeOptions extends CommonOptions, EmitOptions {
  fingerprint?: string;
  allowEmpty?: boolean;
}

const HELP_AFTER = `
Files: KRISHIV_COORDINATOR_BEARER_TOKENS_FILE holds tokens split on newlines AND commas, each
trimmed; there is no comment syntax (a "# ..." line is a token). The rewrite is normalised:
one token per line, newest first, duplicates removed, a final newline. Rotation state lives in
<file>.rotation.json (0600, fingerprints and times only).

Reload: coordinator gRPC re-reads the file every KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS
(unset, empty, invalid or 0 = never). Coordinator HTTP and the UI never reload: restart
coordinators after finish or revoke.

Steps:
  begin   add a new token in front (generated: 32 random bytes, base64url) and start a rotation
  finish  keep only the newest token, once one reload interval has passed since begin
  revoke  remove one token by its engine fingerprint (--fingerprint)
  status  fingerprints, count, mode, owner, pending rotation and warnings

Exit codes: 0 done · 1 refused (nothing changed) or a --confirm check failed · 2 bad input

Examples:
  $ krishiv-auth rotate begin /etc/krishiv/tokens --out new.token
  $ krishiv-auth rotate status /etc/krishiv/tokens --env-file /etc/krishiv/coordinator.env
  $ krishiv-auth rotate finish /etc/krishiv/tokens --reload-interval 30 --confirm grpc://127.0.0.1:2001
  $ krishiv-auth rotate revoke /etc/krishiv/tokens --fingerprint bearer:0a984251ab8665e8
  $ krishiv-auth rotate begin tokens --emit k8s-secret --name krishiv-coordinator-tokens --state tokens.rotation.json | kubectl apply -f -`;

type Step = 'begin' | 'finish' | 'revoke' | 'status';
type AllOptions = BeginOptions & FinishOptions & RevokeOptions;

const COMMON_KEYS = ['single', 'multi', 'envFile', 'reloadInterval', 'state'];
const EMIT_KEYS = ['emit', 'name', 'namespace', 'key'];
/** Which options each step takes (one commander command, so the start-up fast path applies). */
const STEP_OPTIONS: Record<Step, readonly string[]> = {
  begin: [...COMMON_KEYS, 'dryRun', ...EMIT_KEYS, 'newTokenFile', 'allowWeakToken', 'out', 'force', 'replace'],
  finish: [...COMMON_KEYS, 'dryRun', ...EMIT_KEYS, 'confirm', 'grpc', 'timeout'],
  revoke: [...COMMON_KEYS, 'dryRun', ...EMIT_KEYS, 'fingerprint', 'allowEmpty'],
  status: COMMON_KEYS,
};

const FLAG_NAMES: Record<string, string> = {
  single: '--single', multi: '--multi', envFile: '--env-file', reloadInterval: '--reload-interval', state: '--state', dryRun: '--dry-run',
  emit: '--emit', name: '--name', namespace: '--namespace', key: '--key', newTokenFile: '--new-token-file', allowWeakToken: '--allow-weak-token', out: '--out', force: '--force',
  replace: '--replace', confirm: '--confirm', grpc: '--grpc', timeout: '--timeout', fingerprint: '--fingerprint', allowEmpty: '--allow-empty',
};

export function define(program: Command, ctx: CliContext): void {
  program
    .command('rotate')
    .description('Rotate bearer-token files without an outage: begin, finish, revoke, status')
    .usage('<step> <file> [options]')
    .argument('[step]', 'begin | finish | revoke | status')
    .argument('[file]', 'the tokens file (KRISHIV_COORDINATOR_BEARER_TOKENS_FILE)')
    .option('--single', 'the file is a KRISHIV_COORDINATOR_BEARER_TOKEN_FILE (one token, never split)')
    .option('--multi', 'the file is a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE even if its name looks singular')
    .option('--env-file <file>', "the coordinator's env file: reload interval, and which variable names this file")
    .option('--reload-interval <secs>', 'the coordinator reload interval (0 = it never reloads)')
    .option('--state <file>', 'rotation sidecar (default <file>.rotation.json)')
    .option('--dry-run', 'begin/finish/revoke: print the plan as data, change nothing')
    .option('--new-token-file <file>', 'begin: take the new token from this file (- for stdin) instead of generating one')
    .option('--allow-weak-token', "begin --new-token-file: accept a token check-production calls a placeholder or weak")
    .option('--out <file>', 'begin: write the new token to this file (0600) instead of printing it')
    .option('--force', 'begin: replace an existing --out file (refused without it)')
    .option('--replace', 'begin --single: replace the token (clients on the old one lose access)')
    .option('--confirm <url>', 'finish: check the coordinator: grpc://host:port, or its HTTP URL with --grpc')
    .option('--grpc <host:port>', 'finish --confirm: coordinator gRPC address (the only surface that reloads)')
    .option('--timeout <duration>', 'finish --confirm: per-call timeout (default 5s)')
    .option('--fingerprint <fp>', 'revoke: bearer:<16 hex> of the token to remove (see rotate status)')
    .option('--allow-empty', 'revoke: allow removing the last token (the engine then rejects every token)')
    .option('--emit <format>', 'k8s-secret: print a Secret manifest instead of writing the file')
    .option('--name <name>', '--emit: the Secret name')
    .option('--namespace <ns>', '--emit: the Secret namespace')
    .option('--key <key>', '--emit: the data key (default: the file name, as in a secret mount)')
    .addHelpText('after', HELP_AFTER)
    .action(action(ctx, (step: string | undefined, file: string | undefined, opts: AllOptions) => runStep(ctx, step, file, opts)));
}

async function runStep(ctx: CliContext, step: string | undefined, file: string | undefined, opts: AllOptions): Promise<ExitCode> {
  if (step === undefined) throw new KrishivError('ERR_USAGE', 'missing step: rotate begin|finish|revoke|status <file> (see rotate --help)');
  if (!Object.hasOwn(STEP_OPTIONS, step)) {
    throw new KrishivError('ERR_USAGE', `unknown step "${step.slice(0, 40)}": use begin, finish, revoke or status`, { input: step.slice(0, 40) });
  }
  const s = step as Step;
  ctx.out.command = `rotate ${s}`;
  if (file === undefined || file === '') throw new KrishivError('ERR_USAGE', `missing file: rotate ${s} <file>`);
  const allowed = STEP_OPTIONS[s];
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined && !allowed.includes(key)) {
      throw new KrishivError('ERR_USAGE', `${FLAG_NAMES[key] ?? key} does not apply to rotate ${s}`, { input: FLAG_NAMES[key] ?? key });
    }
  }
  if (s === 'begin') return runBegin(ctx, file, opts);
  if (s === 'finish') return runFinish(ctx, file, opts);
  if (s === 'revoke') return runRevoke(ctx, file, opts);
  return runStatus(ctx, file, opts);
}

// ---------------------------------------------------------------------------------------------

interface Resolved {
  kind: TokenFileKind;
  /** true when --single/--multi or the env file said which kind it is */
  kindKnown: boolean;
  nameLooksSingle: boolean;
  reload: ReloadInterval | null;
}

async function resolveCommon(ctx: CliContext, file: string, opts: CommonOptions): Promise<Resolved> {
  const tf = await import('../../rotate/tokens-file.js');
  if (opts.single && opts.multi) throw new KrishivError('ERR_USAGE', 'give --single or --multi, not both');
  let kind: TokenFileKind = opts.single ? 'token' : 'tokens';
  let kindKnown = Boolean(opts.single || opts.multi);
  let reload: ReloadInterval | null = null;
  let envValue: ((name: string) => string | undefined) | undefined;
  if (opts.envFile !== undefined) {
    // The engine-exact dotenv reader (dotenvy 0.15.7 rules: export, quotes, $VAR, first declaration wins).
    const { readEnvFile, mergeEnv } = await import('../../production/env/index.js');
    const shown = path.resolve(ctx.cwd, opts.envFile) === path.resolve(opts.envFile) ? opts.envFile : path.resolve(ctx.cwd, opts.envFile);
    const env = mergeEnv([await readEnvFile(shown)]);
    envValue = (name) => env.vars.get(name)?.value;
    const resolved = path.resolve(ctx.cwd, file);
    const single = envValue(tf.TOKEN_FILE_VAR);
    const multi = envValue(tf.TOKENS_FILE_VAR);
    const same = (p: string | undefined): boolean => p !== undefined && tf.rustTrim(p) !== '' && path.resolve(ctx.cwd, tf.rustTrim(p)) === resolved;
    if (same(single) && !same(multi)) {
      if (opts.multi) throw new KrishivError('ERR_USAGE', `--multi contradicts ${opts.envFile}, where this file is ${tf.TOKEN_FILE_VAR}`);
      kind = 'token';
      kindKnown = true;
    } else if (same(multi)) {
      if (opts.single) throw new KrishivError('ERR_USAGE', `--single contradicts ${opts.envFile}, where this file is ${tf.TOKENS_FILE_VAR}`);
      kind = 'tokens';
      kindKnown = true;
    }
  }
  if (opts.reloadInterval !== undefined) {
    const ms = parseDuration(opts.reloadInterval, '--reload-interval');
    const seconds = Math.ceil(ms / 1000);
    reload = seconds === 0 ? { seconds: null, source: '--reload-interval 0', note: 'the coordinator never reloads' } : { seconds, source: '--reload-interval' };
  } else if (envValue !== undefined) {
    reload = tf.engineReloadInterval(envValue(tf.RELOAD_INTERVAL_VAR), opts.envFile!);
  } else {
    const config = await ctx.config();
    const secs = config.rotate?.reloadIntervalSecs;
    if (secs !== undefined) {
      reload = secs === 0 ? { seconds: null, source: 'config rotate.reloadInterval 0', note: 'the coordinator never reloads' } : { seconds: secs, source: 'config rotate.reloadInterval' };
    }
  }
  return { kind, kindKnown, nameLooksSingle: tf.nameLooksSingle(path.basename(file)), reload };
}

async function prepare(ctx: CliContext, file: string, opts: CommonOptions & EmitOptions, sub: string) {
  void sub;
  const apply = await import('../../rotate/apply.js');
  const resolved = await resolveCommon(ctx, file, opts);
  const absolute = path.resolve(ctx.cwd, file);
  const target = await apply.resolveTarget(absolute, opts.state === undefined ? undefined : path.resolve(ctx.cwd, opts.state)).catch((error: unknown) => {
    // errors name the file as the user gave it, not its absolute path
    if (isKrishivError(error) && error.input === absolute) throw new KrishivError(error.code, error.message, { input: file, cause: error, exitCode: error.exitCode });
    throw error;
  });
  target.file = file;
  target.stateLabel = opts.state ?? `${file}.rotation.json`;
  let emit: { name: string; namespace?: string; key: string } | undefined;
  if (opts.emit !== undefined) {
    if (opts.emit !== 'k8s-secret') throw new KrishivError('ERR_USAGE', `--emit "${opts.emit}" is not supported (k8s-secret)`, { input: '--emit' });
    if (opts.name === undefined) throw new KrishivError('ERR_USAGE', '--emit k8s-secret needs --name <secret name>', { input: '--name' });
    const k8s = await import('../../rotate/k8s.js');
    emit = { name: k8s.validateSecretName(opts.name), key: k8s.validateSecretKey(opts.key ?? path.basename(file)) };
    if (opts.namespace !== undefined) emit.namespace = k8s.validateNamespace(opts.namespace);
    if (target.k8sMount && opts.state === undefined) {
      throw new KrishivError('ERR_USAGE', 'the file is in a read-only Kubernetes secret mount, so the rotation sidecar cannot live beside it: add --state <writable file> (and reuse it for finish)', {
        input: '--state',
      });
    }
  } else if (opts.name !== undefined || opts.namespace !== undefined || opts.key !== undefined) {
    throw new KrishivError('ERR_USAGE', '--name, --namespace and --key go with --emit k8s-secret');
  }
  return { apply, resolved, target, emit };
}

function uid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/** Warnings about the rewrite of the file itself: not true with --emit, which writes no token file. */
const FILE_WRITE_WARNINGS = new Set(['mode_tightened', 'group_readable', 'owner_changes', 'group_changed']);

function printWarnings(ctx: CliContext, plan: RotationPlan, cleaned: string[], emit: boolean): void {
  for (const w of plan.warnings) if (!(emit && FILE_WRITE_WARNINGS.has(w.code))) ctx.out.warn(w.message);
  for (const c of cleaned) ctx.out.info(`removed ${c}, a temp file left by an interrupted run`);
  for (const n of plan.notes) ctx.out.hint(n);
}

async function emitManifest(
  ctx: CliContext,
  plan: RotationPlan,
  emit: { name: string; namespace?: string; key: string },
  extra: Record<string, unknown>,
): Promise<void> {
  const k8s = await import('../../rotate/k8s.js');
  const args = { ...emit, content: plan.write?.content ?? '' };
  ctx.out.result(
    { ok: true, file: plan.file, ...extra, tokens: plan.after, manifest: k8s.secretManifestObject(args) },
    () => k8s.renderSecretManifest(args),
  );
}

function dryRunResult(ctx: CliContext, plan: RotationPlan, toJson: (p: RotationPlan) => Record<string, unknown>, render: (p: Record<string, unknown>) => string): ExitCode {
  const data = toJson(plan);
  ctx.out.result({ ok: true, dryRun: true, plan: data }, (d) => render(d.plan));
  return EXIT.OK;
}

async function runBegin(ctx: CliContext, file: string, opts: BeginOptions): Promise<ExitCode> {
  const { apply, resolved, target, emit } = await prepare(ctx, file, opts, 'begin');
  const tf = await import('../../rotate/tokens-file.js');
  const planner = await import('../../rotate/plan.js');
  const render = await import('../../rotate/render.js');

  if (!resolved.kindKnown && resolved.nameLooksSingle && resolved.kind === 'tokens') {
    planner.refuse(
      'has a name like a single-token file: if the coordinator reads it as KRISHIV_COORDINATOR_BEARER_TOKEN_FILE, two tokens in it become ONE token containing a newline and every client is refused. Pass --single if it is that file, or --multi if it is a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
      file,
    );
  }
  if (opts.replace && resolved.kind !== 'token') throw new KrishivError('ERR_USAGE', '--replace is for a single-token file (--single)', { input: '--replace' });

  let newToken: string;
  if (opts.newTokenFile !== undefined) {
    let text: string;
    if (opts.newTokenFile === '-') {
      const { readStdin } = await import('../../io/stdin.js');
      text = await readStdin(ctx.stdin, 64 * 1024);
    } else {
      text = await apply.readSmallFile(path.resolve(ctx.cwd, opts.newTokenFile), 64 * 1024, opts.newTokenFile);
    }
    const label = opts.newTokenFile === '-' ? '<stdin>' : opts.newTokenFile;
    newToken = tf.validateNewToken(text, label);
    // check-production's placeholder and weak-secret rules: the coordinator would run on this token.
    const { secretWeakness } = await import('../../production/hygiene.js');
    const weakness = secretWeakness(newToken);
    if (weakness?.status === 'fail') {
      if (!opts.allowWeakToken) {
        planner.refuse(`the new token ${weakness.reason} (check-production's ${weakness.check} would fail it); nothing changed. Use a generated token (leave out --new-token-file), or pass --allow-weak-token`, label);
      }
      ctx.out.warn(`the new token ${weakness.reason}; accepted because of --allow-weak-token`);
    } else if (weakness !== undefined) {
      ctx.out.warn(`the new token ${weakness.reason}`);
    }
  } else {
    newToken = tf.generateToken(ctx.randomBytes);
  }
  if (opts.out !== undefined && path.resolve(ctx.cwd, opts.out) === path.resolve(ctx.cwd, file)) {
    throw new KrishivError('ERR_USAGE', '--out must not be the tokens file itself', { input: '--out' });
  }
  if (opts.force && opts.out === undefined) throw new KrishivError('ERR_USAGE', '--force goes with --out', { input: '--force' });
  const outPath = opts.out === undefined ? undefined : path.resolve(ctx.cwd, opts.out);
  if (outPath !== undefined) {
    const { assertNotAnInput } = await import('../../io/fs.js');
    // by device and inode: a link to the tokens file, the sidecar or an input is caught too
    assertNotAnInput(outPath, '--out', [
      { path: target.real, label: `the tokens file ${file}` },
      { path: target.statePath, label: `the sidecar ${target.stateLabel}` },
      ...(opts.envFile === undefined ? [] : [{ path: path.resolve(ctx.cwd, opts.envFile), label: `--env-file ${opts.envFile}` }]),
      ...(opts.newTokenFile === undefined || opts.newTokenFile === '-' ? [] : [{ path: path.resolve(ctx.cwd, opts.newTokenFile), label: `--new-token-file ${opts.newTokenFile}` }]),
    ]);
    if (!opts.force && !opts.dryRun && (await import('../../io/fs.js').then((m) => m.statPath(outPath))) !== undefined) {
      throw (await import('../../io/fs.js')).existsError(opts.out!);
    }
  } else if (!opts.dryRun) {
    // the new token is shown once, on stdout: refuse before changing anything when that reaches no one
    ctx.out.assertStdoutReceives('the new token');
  }

  let outWritten = false;
  const undoOut = async (): Promise<void> => {
    if (!outWritten || outPath === undefined) return;
    const { removeIfUnchanged } = await import('../../io/fs.js');
    removeIfUnchanged(outPath, `${newToken}\n`);
  };
  const result = await apply.executeRotation({
    target,
    kind: resolved.kind,
    now: () => ctx.now(),
    uid: uid(),
    plan: (pctx) => planner.planBegin(pctx, { newToken, reload: resolved.reload, replace: Boolean(opts.replace) }),
    // --out is written once the plan passed every refusal and before the token file or the sidecar
    // changes: a --out that cannot be written must not leave a token in the file that nobody holds.
    beforeWrite: async () => {
      if (outPath === undefined) return;
      try {
        outWritten = (await apply.writeSecretFile(outPath, newToken, Boolean(opts.force), opts.out)).created;
      } catch (error) {
        if (isKrishivError(error)) throw new KrishivError(error.code, error.message, { input: opts.out, cause: error, exitCode: error.exitCode });
        throw error;
      }
    },
    dryRun: Boolean(opts.dryRun),
    emit: emit !== undefined,
    pauses: apply.parsePauses(ctx.env['KRISHIV_AUTH_TEST_PAUSE']),
  }).catch(async (error: unknown) => {
    // the rotation did not happen (refused, lock lost, write failed): no --out file holding a token that is nowhere
    await undoOut();
    throw error;
  });
  const plan = result.plan;
  if (opts.dryRun) return dryRunResult(ctx, plan, planner.planToJson, render.renderPlan);
  // Without --out the token exists only in what is printed now: if that fails, undo the rotation.
  const handOver = async (print: () => Promise<void> | void): Promise<void> => {
    try {
      await print();
    } catch (error) {
      if (!isKrishivError(error) || error.code !== 'ERR_OUTPUT_WRITE') throw error;
      if (opts.out !== undefined) {
        throw new KrishivError(error.code, `${error.message}; the rotation was made all the same (the new token is in ${opts.out})`, { input: '<stdout>', cause: error });
      }
      const undo = await apply.undoRotation(target, result).then(
        (how) => `the new token was not kept: ${how}`,
        (cause: unknown) =>
          `and undoing the rotation failed (${isKrishivError(cause) ? `${cause.input ? `${cause.input}: ` : ''}${cause.message}` : String(cause)}): remove the new token with rotate revoke ${file} --fingerprint ${engineFingerprint(newToken)}`,
      );
      throw new KrishivError('ERR_OUTPUT_WRITE', `${error.message}; ${undo}`, { input: '<stdout>', cause: error });
    }
  };

  printWarnings(ctx, plan, result.cleaned, emit !== undefined);
  const fingerprint = engineFingerprint(newToken);
  const tokenPart = opts.out === undefined ? { token: newToken } : { out: opts.out };

  if (emit) {
    await handOver(() => emitManifest(ctx, plan, emit, { ...tokenPart, fingerprint }));
    if (opts.out === undefined) ctx.out.hint('the new token is inside the manifest only; add --out <file> to also keep it in a file');
    return EXIT.OK;
  }
  const mode = formatMode(result.written?.mode ?? plan.write?.mode ?? 0o600);
  await handOver(() => ctx.out.result(
    {
      ok: true,
      file,
      ...tokenPart,
      fingerprint,
      tokens: plan.after,
      mode,
      created: result.written?.created ?? false,
      ownerChanged: result.ownerChanged,
      sidecar: opts.state ?? `${file}.rotation.json`,
      pending: plan.sidecar.op === 'write' ? plan.sidecar.state.pending.map((p) => p.fingerprint) : [],
      finishAfter: plan.finishAfter,
      restartNeeded: plan.restartNeeded,
      warnings: plan.warnings,
      notes: plan.notes,
      cleaned: result.cleaned,
    },
    (d, s) => render.renderBegin({ file, ...tokenPart, fingerprint, tokens: d.tokens, mode, finishAfter: d.finishAfter }, s),
  ));
  return EXIT.OK;
}

async function runFinish(ctx: CliContext, file: string, opts: FinishOptions): Promise<ExitCode> {
  const { apply, resolved, target, emit } = await prepare(ctx, file, opts, 'finish');
  const planner = await import('../../rotate/plan.js');
  const render = await import('../../rotate/render.js');
  const tf = await import('../../rotate/tokens-file.js');

  let seams: import('../../rotate/confirm.js').ConfirmSeams | undefined;
  if (opts.confirm !== undefined) seams = await confirmSeams(opts);
  else if (opts.grpc !== undefined) throw new KrishivError('ERR_USAGE', '--grpc goes with --confirm', { input: '--grpc' });
  const confirm = await import('../../rotate/confirm.js');

  const checks: ConfirmCheck[] = [];
  let newToken = '';
  let oldTokens: string[] = [];
  const result = await apply.executeRotation({
    target,
    kind: resolved.kind,
    now: () => ctx.now(),
    uid: uid(),
    plan: (pctx) => {
      const plan = planner.planFinish(pctx, { reload: resolved.reload });
      const tokens = tf.parseTokenFile(pctx.current.text, pctx.kind).tokens;
      newToken = tokens[0] ?? '';
      oldTokens = tokens.slice(1);
      return plan;
    },
    beforeWrite: async (plan) => {
      if (!seams || plan.write === null || opts.dryRun) return;
      const check = await confirm.confirmNewAccepted(seams, newToken, resolved.reload?.seconds !== null);
      checks.push(check);
      if (check.status === 'fail') {
        planner.refuse(`${check.message}; nothing removed`, file, { checks });
      }
    },
    dryRun: Boolean(opts.dryRun),
    emit: emit !== undefined,
    pauses: apply.parsePauses(ctx.env['KRISHIV_AUTH_TEST_PAUSE']),
  });
  const plan = result.plan;
  if (opts.dryRun) return dryRunResult(ctx, plan, planner.planToJson, render.renderPlan);
  printWarnings(ctx, plan, result.cleaned, emit !== undefined);

  let ok = true;
  if (seams && plan.write !== null && !emit) {
    const seconds = resolved.reload?.seconds ?? null;
    if (seconds === null) {
      ctx.out.info('--confirm: the coordinator does not reload, so the old tokens stay valid until it restarts; not waiting for them to be refused');
    } else if (oldTokens.length > 0) {
      const progress = await ctx.out.progress(`waiting up to ${seconds + 5}s for coordinator gRPC to refuse the old tokens`);
      const after = await confirm.confirmOldRejected(seams, oldTokens, (seconds + 5) * 1000);
      progress.stop();
      checks.push(...after);
      ok = after.every((c) => c.status === 'pass');
    }
    checks.push(...(await confirm.reportHttp(seams, newToken, oldTokens)));
  }
  if (emit) {
    await emitManifest(ctx, plan, emit, { kept: plan.after[0] ?? null, removed: plan.removed });
    return EXIT.OK;
  }
  ctx.out.resultAfterChange(
    plan.write ? `${file} was rewritten all the same` : 'nothing was changed',
    {
      ok,
      file,
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
    },
    (_d, s) => render.renderChange(plan, s, checks),
  );
  return ok ? EXIT.OK : EXIT.FAILED;
}

async function confirmSeams(opts: FinishOptions): Promise<import('../../rotate/confirm.js').ConfirmSeams> {
  const url = opts.confirm!;
  let grpcTarget: string;
  let httpUrl: URL | undefined;
  const m = /^grpcs?:\/\//i.exec(url);
  if (m) {
    grpcTarget = url.replace(/^grpc:\/\//i, 'http://').replace(/^grpcs:\/\//i, 'https://');
    if (opts.grpc !== undefined) throw new KrishivError('ERR_USAGE', 'give the gRPC address once: --confirm grpc://host:port, or --confirm <http url> --grpc host:port');
  } else if (/^https?:\/\//i.test(url)) {
    if (opts.grpc === undefined) {
      throw new KrishivError('ERR_USAGE', '--confirm checks over gRPC, the only surface that reloads: add --grpc host:port (coordinator gRPC, :2001 by default), or give --confirm grpc://host:port', {
        input: '--confirm',
      });
    }
    grpcTarget = opts.grpc;
    const { parseUrl } = await import('../../io/http.js');
    httpUrl = parseUrl(url, '--confirm');
  } else {
    grpcTarget = opts.grpc ?? url;
  }
  const { parseGrpcTarget, grpcUnaryCall, COORDINATOR_PROBE_METHOD } = await import('../../io/grpc.js');
  parseGrpcTarget(grpcTarget);
  const timeoutMs = opts.timeout === undefined ? 5000 : parseDuration(opts.timeout, '--timeout');
  if (timeoutMs <= 0) throw new KrishivError('ERR_USAGE', 'must be more than 0', { input: '--timeout' });
  const seams: import('../../rotate/confirm.js').ConfirmSeams = {
    grpc: async (token) => {
      const r = await grpcUnaryCall({ target: grpcTarget, path: COORDINATOR_PROBE_METHOD, metadata: { authorization: `Bearer ${token}` }, timeoutMs });
      return { status: r.status, statusName: r.statusName, message: r.message };
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, timerDelay(ms))),
    nowMs: () => Date.now(),
  };
  if (httpUrl) {
    const { httpRequest } = await import('../../io/http.js');
    const jobs = new URL('/api/v1/jobs', httpUrl);
    seams.http = async (token) => (await httpRequest(jobs, { headers: { authorization: `Bearer ${token}` }, timeoutMs })).status;
  }
  return seams;
}

async function runRevoke(ctx: CliContext, file: string, opts: RevokeOptions): Promise<ExitCode> {
  if (opts.fingerprint === undefined) throw new KrishivError('ERR_USAGE', 'rotate revoke needs --fingerprint bearer:<hex> (see rotate status)', { input: '--fingerprint' });
  const { apply, resolved, target, emit } = await prepare(ctx, file, opts, 'revoke');
  const planner = await import('../../rotate/plan.js');
  const render = await import('../../rotate/render.js');
  const fingerprint = opts.fingerprint.trim();
  const result = await apply.executeRotation({
    target,
    kind: resolved.kind,
    now: () => ctx.now(),
    uid: uid(),
    plan: (pctx) => planner.planRevoke(pctx, { fingerprint, allowEmpty: Boolean(opts.allowEmpty) }),
    dryRun: Boolean(opts.dryRun),
    emit: emit !== undefined,
    pauses: apply.parsePauses(ctx.env['KRISHIV_AUTH_TEST_PAUSE']),
  });
  const plan = result.plan;
  if (opts.dryRun) return dryRunResult(ctx, plan, planner.planToJson, render.renderPlan);
  printWarnings(ctx, plan, result.cleaned, emit !== undefined);
  if (emit) {
    await emitManifest(ctx, plan, emit, { removed: plan.removed });
    return EXIT.OK;
  }
  ctx.out.resultAfterChange(
    plan.write ? `${file} was rewritten all the same` : 'nothing was changed',
    {
      ok: true,
      file,
      removed: plan.removed,
      tokens: plan.after,
      mode: plan.write ? formatMode(plan.write.mode) : null,
      restartNeeded: plan.restartNeeded,
      warnings: plan.warnings,
      notes: plan.notes,
      cleaned: result.cleaned,
    },
    (_d, s) => render.renderChange(plan, s, []),
  );
  return EXIT.OK;
}

async function runStatus(ctx: CliContext, file: string, opts: CommonOptions): Promise<ExitCode> {
  const { apply, resolved, target } = await prepare(ctx, file, opts, 'status');
  const planner = await import('../../rotate/plan.js');
  const render = await import('../../rotate/render.js');
  const current = await apply.readSnapshot(target.real, file);
  const sidecar = await apply.readState(target.statePath, target.stateLabel);
  const report = planner.describeStatus(
    { file, kind: resolved.kind, now: ctx.now(), current, sidecar, uid: uid() },
    { reload: resolved.reload, k8sMount: target.k8sMount, nameLooksSingle: !resolved.kindKnown && resolved.nameLooksSingle },
  );
  const now = ctx.now();
  ctx.out.result(report, (r, s) => render.renderStatus(r, s, now));
  return EXIT.OK;
}
