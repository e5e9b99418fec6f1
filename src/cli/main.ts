/**
 * The CLI frame: global options, lazy command loading, the single error handler and the
 * exit-code table. The only place that sets process.exitCode.
 */
import { EXIT, KrishivError, type ExitCode } from '../errors.js';
import { ENGINE_COMMIT, TOOL_INFO, VERSION } from '../version.js';
import type { InputStream } from '../io/stdin.js';
import type { Config } from '../io/config.js';
import type { Command } from 'commander';
import { Output, type WritableLike } from './output.js';
import { defaultRandomBytes, type CliContext } from './context.js';
import { GLOBAL_OPTIONS, applyGlobalEnv, prescanGlobals, rootVersionRequested } from './globals.js';
import { COMMANDS } from './commands/index.js';
import { fdWriter, lazyStdin } from '../io/terminal.js';
import { tryFastPath } from './fast-parse.js';

export const VERSION_LINE = `krishiv-auth ${VERSION} (engine ${ENGINE_COMMIT})`;

export interface ProcessIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdin: InputStream;
  stdout: WritableLike;
  stderr: WritableLike;
  now?: () => Date;
  randomBytes?: (size: number) => Uint8Array;
}

function processIo(): ProcessIo {
  return { env: process.env, cwd: process.cwd(), stdin: lazyStdin(), stdout: fdWriter(1), stderr: fdWriter(2) };
}

const ROOT_HELP_AFTER = `
Exit codes:
  0   success: key made, token valid, every check passed (warnings allowed unless --strict)
  1   the answer is "no": token rejected, check failed, probe expectation failed, refusal
  2   could not answer: usage error, unreadable or malformed input, network failure
  70  internal error (a bug): please report it; --debug shows the stack

Environment (a flag wins over its variable):
  KRISHIV_AUTH_CONFIG  config file, as --config (else found from the working
                       directory up to the repository root, then
                       ~/.config/krishiv-auth/config.{json,yaml,yml})
  KRISHIV_AUTH_JSON=1  as --json          KRISHIV_AUTH_QUIET=1  as --quiet
  KRISHIV_AUTH_DEBUG=1 as --debug
  KRISHIV_AUTH_FORMAT  check-production --format (text, json, sarif, junit, …)
  KRISHIV_AUTH_STORE   key store for generate-key and keys
  NO_COLOR / CLICOLOR=0      no colour     FORCE_COLOR / CLICOLOR_FORCE=1  colour

Examples:
  $ krishiv-auth -- check-production --env-file examples/production.env
    (the leading -- keeps Node from taking --env-file for itself; installed, the
    sample is node_modules/krishiv-auth/examples/production.env)
  $ krishiv-auth verify --jwks https://idp.example.com/jwks.json - < token.jwt
  $ krishiv-auth generate-key --type bearer --for coordinator --out coord.token
  $ source <(krishiv-auth completion bash)
`;

export async function main(argv: readonly string[], io: ProcessIo = processIo()): Promise<ExitCode> {
  // Fast path: nothing but the version constant is needed.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${VERSION_LINE}\n`);
    return finish(EXIT.OK);
  }
  const pre = prescanGlobals(argv);
  let envError: unknown;
  try {
    applyGlobalEnv(pre, io.env);
  } catch (error) {
    envError = error; // reported below, once output exists
  }
  if (pre.json && rootVersionRequested(argv)) {
    // --json: exactly one JSON document on stdout, the version answer included (cli-contract.md)
    io.stdout.write(`${JSON.stringify({ ok: true, version: VERSION, engine: ENGINE_COMMIT, tool: TOOL_INFO }, null, 2)}\n`);
    return finish(EXIT.OK);
  }
  const entry = COMMANDS.find((c) => c.name === pre.command);
  const out = await Output.create({
    command: entry?.name ?? '',
    json: pre.json,
    quiet: pre.quiet,
    debug: pre.debug,
    noColor: !pre.color,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
  });

  let configPromise: Promise<Config> | undefined;
  const ctx: CliContext = {
    argv,
    env: io.env,
    cwd: io.cwd,
    stdin: io.stdin,
    out,
    globals: pre,
    now: io.now ?? (() => new Date()),
    randomBytes: io.randomBytes ?? defaultRandomBytes,
    config: () => {
      configPromise ??= import('../io/config.js').then(async (m) => {
        const config = await m.loadConfig(io.cwd, pre.config, { home: io.env['HOME'], xdgConfigHome: io.env['XDG_CONFIG_HOME'] });
        out.debugLog(
          config.file !== undefined
            ? `config: ${config.file}${pre.config !== undefined ? ' (named)' : ''}`
            : 'config: none (searched the working directory up to the repository root, then the user config directory)',
        );
        return config;
      });
      return configPromise;
    },
    exitCode: EXIT.OK,
  };

  try {
    if (envError !== undefined) throw envError;
    const mod = entry ? await entry.load() : undefined;
    if (mod && entry) {
      const fast = tryFastPath(mod, ctx, entry.name, argv);
      if (fast) {
        await fast.run();
        return finish(ctx.exitCode);
      }
    }
    const { Command, CommanderError } = await import('commander');
    // With --json, help for stdout is collected and handed over as one JSON document
    // ({ok, help}): stdout carries exactly one JSON document, whatever was asked (cli-contract.md).
    let helpText: string | undefined;
    const helpSink: WritableLike = {
      write: (chunk: string) => {
        helpText = (helpText ?? '') + chunk;
        return true;
      },
      columns: 80,
    };
    const program = configureRoot(new Command('krishiv-auth'), pre.json ? { stdout: helpSink, stderr: io.stderr } : io);
    const helpAnswered = (): ExitCode => {
      if (pre.json && helpText !== undefined) out.writeJson({ ok: true, help: helpText });
      return finish(EXIT.OK);
    };

    for (const c of COMMANDS) {
      if (c === entry && mod) mod.define(program, ctx);
      else program.command(c.name).description(c.summary);
    }
    // A usage error inside a group's subcommand (`keys revoke` without its argument) names
    // the subcommand in the error line, as the subcommand's own errors do.
    for (const group of program.commands) {
      if (group.commands.length === 0) continue;
      group.hook('preSubcommand', (_group, sub) => {
        out.command = `${group.name()} ${sub.name()}`;
      });
    }

    try {
      await program.parseAsync([...argv], { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return helpAnswered();
      // `help [command]` asked for help: commander.help with exit code 0 (help went to stdout)
      if (error.code === 'commander.help' && error.exitCode === 0) return helpAnswered();
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        // bare `krishiv-auth` (or `krishiv-auth keys`): help went to stderr; that is a usage error,
        // reported like every other one (the error line, and the JSON document with --json)
        if (!entry && pre.command !== undefined) {
          // `help nosuch`: commander shows the root usage for a name it does not know
          throw new KrishivError('ERR_UNKNOWN_COMMAND', `unknown command${prefixSuggestion(pre.command, program)}`, {
            input: pre.command,
            cause: error,
          });
        }
        throw new KrishivError('ERR_USAGE', `missing ${entry ? 'subcommand' : 'command'} (see the usage above)`, {
          cause: error,
          details: { commander: error.code },
        });
      }
      const message = error.message.replace(/^error:\s*/i, '');
      if (error.code === 'commander.unknownCommand') {
        const name = /'([^']*)'/.exec(message)?.[1];
        const text = message.replace(/^unknown command '[^']*'\s*/, 'unknown command ').trim();
        throw new KrishivError(
          'ERR_UNKNOWN_COMMAND',
          text.includes('(Did you mean') ? text : `${text}${prefixSuggestion(name ?? '', program)}`,
          {
            ...(name === undefined ? {} : { input: name }),
            cause: error,
          },
        );
      }
      throw new KrishivError('ERR_USAGE', `${message}${shortFlagSuggestion(message, entry !== undefined)}`, {
        cause: error,
        details: { commander: error.code },
      });
    }
    return finish(ctx.exitCode);
  } catch (error) {
    return finish(out.fail(error));
  }
}

/** ` (did you mean check-production?)` for a name that starts one or more commands (`check-prod`). */
export function prefixSuggestion(name: string, program: Pick<Command, 'commands'>): string {
  if (name.length < 2) return '';
  const names = program.commands.filter((c) => c.name().startsWith(name)).map((c) => c.name());
  if (names.length === 0) return '';
  return names.length === 1 ? ` (did you mean ${names[0]}?)` : ` (did you mean one of ${names.join(', ')}?)`;
}

/**
 * `-v` is --version or --verbose elsewhere: say what this tool calls them. A longer word with one
 * dash (`-Xq3…`) is most likely a value that starts with a dash (a JWK thumbprint kid does one
 * time in 64): say how to pass it.
 */
export function shortFlagSuggestion(message: string, inCommand: boolean): string {
  if (/^unknown option '-v'/.test(message)) {
    return inCommand ? ' (did you mean --debug? -V prints the version)' : ' (did you mean -V, --version?)';
  }
  const word = /^unknown option '(-[^-'][^']+)'/.exec(message)?.[1];
  return word === undefined ? '' : ` (if ${word} is a value, not an option, put -- before it)`;
}

function finish(code: ExitCode): ExitCode {
  process.exitCode = code;
  return code;
}

/** The root program: global options, help, and commander's output routed through the frame. */
export function configureRoot(program: Command, io: Pick<ProcessIo, 'stdout' | 'stderr'>): Command {
  program
    .description("Credentials, token checks, rotation, probes and the production checklist for Krishiv's auth")
    .version(VERSION_LINE, '-V, --version', 'print the version and the engine commit its rules follow');
  for (const o of GLOBAL_OPTIONS) program.option(o.flags, o.description);
  return program
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', ROOT_HELP_AFTER)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are reported by the frame's own error line (and JSON document).
      outputError: () => undefined,
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
    });
}
