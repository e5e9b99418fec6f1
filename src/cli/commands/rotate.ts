/**
 * `krishiv-auth rotate begin|finish|revoke|status <file>`: four commander subcommands, each with
 * its own options and help → resolveRotateOptions (pure) → the step's domain run
 * (src/rotate/steps.ts: planner + locked executor) → its answer printed here.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
import type { Config } from '../../io/config.js';
import { validateNamespace, validateSecretKey, validateSecretName } from '../../rotate/k8s.js';
import type { RotateOptions, Step, StepIo } from '../../rotate/steps.js';
import { parseDuration } from '../../util/duration.js';
import { action, type CliContext } from '../context.js';
import { mutuallyExclusive, positiveDuration } from '../validators.js';

/** Every flag of every step, as commander gives them (each step accepts only its own). */
export interface RotateFlags {
  single?: boolean;
  multi?: boolean;
  envFile?: string;
  reloadInterval?: string;
  state?: string;
  dryRun?: boolean;
  emit?: string;
  name?: string;
  namespace?: string;
  key?: string;
  newTokenFile?: string;
  allowWeakToken?: boolean;
  out?: string;
  force?: boolean;
  replace?: boolean;
  confirm?: string;
  grpc?: string;
  timeout?: string;
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

Exit codes: 0 done · 1 refused (nothing changed) or a --confirm check failed · 2 bad input

Examples:
  $ krishiv-auth rotate begin /etc/krishiv/tokens --out new.token
  $ krishiv-auth rotate status /etc/krishiv/tokens --env-file /etc/krishiv/coordinator.env
  $ krishiv-auth rotate finish /etc/krishiv/tokens --reload-interval 30 --confirm grpc://127.0.0.1:2001
  $ krishiv-auth rotate revoke /etc/krishiv/tokens --fingerprint bearer:0a984251ab8665e8
  $ krishiv-auth rotate begin tokens --emit k8s-secret --name krishiv-coordinator-tokens --state tokens.rotation.json | kubectl apply -f -`;

export function define(program: Command, ctx: CliContext): void {
  const rotate = program
    .command('rotate')
    .description('Rotate bearer-token files without an outage: begin, finish, revoke, status')
    .usage('<step> <file> [options]')
    .addHelpText('after', HELP_AFTER);
  const step = (name: Step, description: string, example: string, writes: boolean): Command => {
    const c = rotate
      .command(name)
      .description(description)
      .argument('<file>', 'the tokens file (KRISHIV_COORDINATOR_BEARER_TOKENS_FILE)')
      .option('--single', 'the file is a KRISHIV_COORDINATOR_BEARER_TOKEN_FILE (one token, never split)')
      .option('--multi', 'the file is a KRISHIV_COORDINATOR_BEARER_TOKENS_FILE even if its name looks singular')
      .option('--env-file <file>', "the coordinator's env file: reload interval, and which variable names this file")
      .option('--reload-interval <secs>', 'the coordinator reload interval (0 = it never reloads)')
      .option('--state <file>', 'rotation sidecar (default <file>.rotation.json)')
      .addHelpText('after', `\nExamples:\n  $ krishiv-auth rotate ${example}`)
      .action(action(ctx, (file: string, flags: RotateFlags) => runStep(ctx, name, file, flags)));
    if (!writes) return c;
    return c
      .option('--dry-run', 'print the plan as data, change nothing')
      .option('--emit <format>', 'k8s-secret: print a Secret manifest instead of writing the file')
      .option('--name <name>', '--emit: the Secret name')
      .option('--namespace <ns>', '--emit: the Secret namespace')
      .option('--key <key>', '--emit: the data key (default: the file name, as in a secret mount)');
  };
  step(
    'begin',
    'Add a new token in front (generated: 32 random bytes, base64url) and start a rotation',
    'begin /etc/krishiv/tokens --out new.token',
    true,
  )
    .option('--new-token-file <file>', 'take the new token from this file (- for stdin) instead of generating one')
    .option('--allow-weak-token', 'with --new-token-file: accept a token check-production calls a placeholder or weak')
    .option('--out <file>', 'write the new token to this file (0600) instead of printing it')
    .option('--force', 'replace an existing --out file (refused without it)')
    .option('--replace', 'with --single: replace the token (clients on the old one lose access)');
  step(
    'finish',
    'Keep only the newest token, once one reload interval has passed since begin',
    'finish /etc/krishiv/tokens --reload-interval 30 --confirm grpc://127.0.0.1:2001',
    true,
  )
    .option('--confirm <url>', 'check the coordinator: grpc://host:port, or its HTTP URL with --grpc')
    .option('--grpc <host:port>', 'with --confirm: coordinator gRPC address (the only surface that reloads)')
    .option('--timeout <duration>', 'with --confirm: per-call timeout (default 5s)');
  step('revoke', 'Remove one token by its engine fingerprint', 'revoke /etc/krishiv/tokens --fingerprint bearer:0a984251ab8665e8', true)
    .option('--fingerprint <fp>', 'bearer:<16 hex> of the token to remove (see rotate status)')
    .option('--allow-empty', 'allow removing the last token (the engine then rejects every token)');
  step(
    'status',
    'Fingerprints, count, mode, owner, pending rotation and warnings',
    'status /etc/krishiv/tokens --env-file /etc/krishiv/coordinator.env',
    false,
  );
}

/** Every flag, env variable and config value a rotate step reads, validated into Options. Pure. */
export function resolveRotateOptions(step: Step, file: string, flags: RotateFlags, config: Config, cwd: string): RotateOptions {
  if (file === '') throw new KrishivError('ERR_USAGE', `missing file: rotate ${step} <file>`);
  mutuallyExclusive({ '--single': flags.single, '--multi': flags.multi });
  const absolute = path.resolve(cwd, file);
  let reloadFlag: RotateOptions['reloadFlag'] = null;
  if (flags.reloadInterval !== undefined) {
    const seconds = Math.ceil(parseDuration(flags.reloadInterval, '--reload-interval') / 1000);
    reloadFlag =
      seconds === 0
        ? { seconds: null, source: '--reload-interval 0', note: 'the coordinator never reloads' }
        : { seconds, source: '--reload-interval' };
  }
  const secs = config.rotate?.reloadIntervalSecs;
  const reloadConfig: RotateOptions['reloadConfig'] =
    secs === undefined
      ? null
      : secs === 0
        ? { seconds: null, source: 'config rotate.reloadInterval 0', note: 'the coordinator never reloads' }
        : { seconds: secs, source: 'config rotate.reloadInterval' };
  const envFile =
    flags.envFile === undefined
      ? undefined
      : {
          path: path.resolve(cwd, flags.envFile),
          label: flags.envFile,
          read: path.resolve(cwd, flags.envFile) === path.resolve(flags.envFile) ? flags.envFile : path.resolve(cwd, flags.envFile),
        };
  const state = {
    path: flags.state === undefined ? `${absolute}.rotation.json` : path.resolve(cwd, flags.state),
    label: flags.state ?? `${file}.rotation.json`,
    given: flags.state !== undefined,
  };
  const common = {
    cwd,
    file,
    absolute,
    single: Boolean(flags.single),
    multi: Boolean(flags.multi),
    envFile,
    reloadFlag,
    reloadConfig,
    state,
  };
  if (step === 'status') return { ...common, step };
  let emit: { name: string; namespace?: string; key: string } | undefined;
  if (flags.emit !== undefined) {
    if (flags.emit !== 'k8s-secret')
      throw new KrishivError('ERR_USAGE', `--emit "${flags.emit}" is not supported (k8s-secret)`, { input: '--emit' });
    if (flags.name === undefined) throw new KrishivError('ERR_USAGE', '--emit k8s-secret needs --name <secret name>', { input: '--name' });
    emit = { name: validateSecretName(flags.name), key: validateSecretKey(flags.key ?? path.basename(file)) };
    if (flags.namespace !== undefined) emit.namespace = validateNamespace(flags.namespace);
  } else if (flags.name !== undefined || flags.namespace !== undefined || flags.key !== undefined) {
    throw new KrishivError('ERR_USAGE', '--name, --namespace and --key go with --emit k8s-secret');
  }
  const writes = { ...common, dryRun: Boolean(flags.dryRun), emit };
  if (step === 'revoke') {
    if (flags.fingerprint === undefined)
      throw new KrishivError('ERR_USAGE', 'rotate revoke needs --fingerprint bearer:<hex> (see rotate status)', { input: '--fingerprint' });
    return { ...writes, step, fingerprint: flags.fingerprint.trim(), allowEmpty: Boolean(flags.allowEmpty) };
  }
  if (step === 'finish') {
    if (flags.confirm === undefined) {
      if (flags.grpc !== undefined) throw new KrishivError('ERR_USAGE', '--grpc goes with --confirm', { input: '--grpc' });
      return { ...writes, step, confirm: undefined };
    }
    if (/^grpcs?:\/\//i.test(flags.confirm) && flags.grpc !== undefined) {
      throw new KrishivError(
        'ERR_USAGE',
        'give the gRPC address once: --confirm grpc://host:port, or --confirm <http url> --grpc host:port',
      );
    }
    if (/^https?:\/\//i.test(flags.confirm) && flags.grpc === undefined) {
      throw new KrishivError(
        'ERR_USAGE',
        '--confirm checks over gRPC, the only surface that reloads: add --grpc host:port (coordinator gRPC, :2001 by default), or give --confirm grpc://host:port',
        { input: '--confirm' },
      );
    }
    const timeoutMs = flags.timeout === undefined ? 5000 : positiveDuration(flags.timeout, '--timeout');
    return { ...writes, step, confirm: { url: flags.confirm, grpc: flags.grpc, timeoutMs } };
  }
  if (flags.out !== undefined && path.resolve(cwd, flags.out) === absolute)
    throw new KrishivError('ERR_USAGE', '--out must not be the tokens file itself', { input: '--out' });
  if (flags.force && flags.out === undefined) throw new KrishivError('ERR_USAGE', '--force goes with --out', { input: '--force' });
  const t = flags.newTokenFile;
  return {
    ...writes,
    step,
    newToken:
      t === undefined ? { from: 'generate' } : t === '-' ? { from: 'stdin' } : { from: 'file', path: path.resolve(cwd, t), label: t },
    allowWeakToken: Boolean(flags.allowWeakToken),
    out: flags.out === undefined ? undefined : { path: path.resolve(cwd, flags.out), label: flags.out },
    force: Boolean(flags.force),
    replace: Boolean(flags.replace),
  };
}

async function runStep(ctx: CliContext, step: Step, file: string, flags: RotateFlags): Promise<ExitCode> {
  ctx.out.command = `rotate ${step}`;
  const [steps, apply] = await Promise.all([import('../../rotate/steps.js'), import('../../rotate/apply.js')]);
  const o = resolveRotateOptions(step, file, flags, await ctx.config(), ctx.cwd);
  // without --out the new token is shown once, on stdout: refuse before changing anything when that reaches no one
  if (o.step === 'begin' && !o.dryRun && o.out === undefined) ctx.out.assertStdoutReceives('the new token');
  const io: StepIo = {
    now: () => ctx.now(),
    randomBytes: (n) => ctx.randomBytes(n),
    readStdin: async (limit) => (await import('../../io/stdin.js')).readStdin(ctx.stdin, limit),
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    pauses: apply.parsePauses(ctx.env['KRISHIV_AUTH_TEST_PAUSE']),
    info: (m) => ctx.out.info(m),
    progress: async (text) => {
      const p = await ctx.out.progress(text);
      return () => p.stop();
    },
  };
  const r = await (o.step === 'begin'
    ? steps.runBegin(o, io)
    : o.step === 'finish'
      ? steps.runFinish(o, io)
      : o.step === 'revoke'
        ? steps.runRevoke(o, io)
        : steps.runStatus(o, io));
  for (const w of r.warn) ctx.out.warn(w);
  for (const i of r.info) ctx.out.info(i);
  for (const h of r.hint) ctx.out.hint(h);
  try {
    ctx.out.result(r.doc, (_d, s) => r.text(s));
  } catch (error) {
    if (!isKrishivError(error) || error.code !== 'ERR_OUTPUT_WRITE' || (r.undo === undefined && r.kept === undefined)) throw error;
    const done = r.undo ? await r.undo() : r.kept;
    throw new KrishivError('ERR_OUTPUT_WRITE', `${error.message}; ${done}`, { input: '<stdout>', cause: error });
  }
  for (const h of r.after) ctx.out.hint(h);
  return r.exit;
}
