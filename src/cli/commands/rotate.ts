/**
 * `krishiv-auth rotate begin|finish|revoke|status <file>`: four commander subcommands, each with
 * its own options and help → resolveRotateOptions (src/rotate/options.ts, pure) → the step's
 * domain run (src/rotate/steps.ts: planner + locked executor) → its answer printed here.
 */
import type { Command } from 'commander';
import { KrishivError, isKrishivError, type ExitCode } from '../../errors.js';
import { resolveRotateOptions, type RotateFlags } from '../../rotate/options.js';
import type { Step, StepIo } from '../../rotate/steps.js';
import { action, type CliContext } from '../context.js';

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
  $ krishiv-auth -- rotate status /etc/krishiv/tokens --env-file /etc/krishiv/coordinator.env
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
