/**
 * The only module that writes to the terminal. stdout carries the answer (one JSON document
 * with --json); stderr carries progress, warnings, hints and errors. Colour is decided per
 * stream: off with --no-color or NO_COLOR, on with FORCE_COLOR (or CLICOLOR_FORCE), off with
 * CLICOLOR=0, else on for a TTY. chalk is
 * loaded only when some stream is coloured, so piped and CI runs never pay for it.
 */
import { redactUrlPasswords } from '../util/secret.js';
import { EXIT, KrishivError, describeSystemError, isKrishivError, type ExitCode } from '../errors.js';
import { TOOL_INFO } from '../version.js';

import type { WritableLike } from '../io/terminal.js';
export type { WritableLike } from '../io/terminal.js';

// Style and PLAIN live in src/text/style.ts, below both the CLI and the renderers, so a renderer
// can use them without loading this module.
import { PLAIN, type Style } from '../text/style.js';
export { PLAIN, type Style } from '../text/style.js';

export interface OutputOptions {
  command: string;
  json: boolean;
  quiet: boolean;
  debug: boolean;
  /** --no-color given */
  noColor: boolean;
  env: Readonly<Record<string, string | undefined>>;
  stdout: WritableLike;
  stderr: WritableLike;
}

/** Colour level for one stream under the contract's rules (0 = off). */
export function colorLevel(stream: WritableLike, env: Readonly<Record<string, string | undefined>>, noColor: boolean): number {
  if (noColor) return 0;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return 0;
    const n = Number(force);
    return n >= 1 && n <= 3 ? n : 1;
  }
  // the CLICOLOR convention (BSD ls, git, …): CLICOLOR_FORCE forces colour, CLICOLOR=0 turns it off
  const clicolorForce = env['CLICOLOR_FORCE'];
  if (clicolorForce !== undefined && clicolorForce !== '' && clicolorForce !== '0') return 1;
  if (env['CLICOLOR'] === '0') return 0;
  if (!stream.isTTY) return 0;
  if (env['TERM'] === 'dumb') return 0;
  return 1;
}

async function makeStyle(level: number): Promise<Style> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: level as 1 | 2 | 3 });
  return Object.freeze({
    enabled: true,
    bold: (s: string) => c.bold(s),
    dim: (s: string) => c.dim(s),
    red: (s: string) => c.red(s),
    green: (s: string) => c.green(s),
    yellow: (s: string) => c.yellow(s),
    blue: (s: string) => c.blue(s),
    cyan: (s: string) => c.cyan(s),
    magenta: (s: string) => c.magenta(s),
    gray: (s: string) => c.gray(s),
  });
}

export interface Progress {
  update(text: string): void;
  stop(finalText?: string): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly out: Style;
  readonly err: Style;
  #command: string;
  readonly #opts: OutputOptions;
  #wroteJson = false;

  private constructor(opts: OutputOptions, out: Style, err: Style) {
    this.#opts = opts;
    this.#command = opts.command;
    this.json = opts.json;
    this.quiet = opts.quiet;
    this.debug = opts.debug;
    this.out = out;
    this.err = err;
  }

  static async create(opts: OutputOptions): Promise<Output> {
    const outLevel = opts.json ? 0 : colorLevel(opts.stdout, opts.env, opts.noColor);
    const errLevel = colorLevel(opts.stderr, opts.env, opts.noColor);
    const [out, err] = await Promise.all([makeStyle(outLevel), makeStyle(errLevel)]);
    return new Output(opts, out, err);
  }

  /** Name of the running command, for error lines (`krishiv-auth verify: …`). */
  get command(): string {
    return this.#command;
  }
  set command(name: string) {
    this.#command = name;
  }

  get stdoutIsTTY(): boolean {
    return Boolean(this.#opts.stdout.isTTY);
  }
  get stderrIsTTY(): boolean {
    return Boolean(this.#opts.stderr.isTTY);
  }
  get columns(): number {
    return this.#opts.stdout.columns ?? 100;
  }

  /** Prints the answer: one JSON document with --json, else the human rendering. */
  result<T>(data: T, render: (data: T, style: Style) => string, toJson?: (data: T) => unknown): void {
    if (this.json) {
      this.writeJson(toJson ? toJson(data) : data);
      return;
    }
    const text = safeForTerminal(render(data, this.out), this.out.enabled);
    if (text !== '') this.#stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * result() after a change that stays made (a file written, a key revoked): when the answer
   * cannot be written, the error says what was done all the same (`kept`).
   */
  resultAfterChange<T>(kept: string, data: T, render: (data: T, style: Style) => string, toJson?: (data: T) => unknown): void {
    try {
      this.result(data, render, toJson);
    } catch (error) {
      if (!isKrishivError(error) || error.code !== 'ERR_OUTPUT_WRITE') throw error;
      throw new KrishivError(error.code, `${error.message}; ${kept}`, { input: '<stdout>', cause: error });
    }
  }

  /** Writes to stdout; a write that fails is an error (exit 2): the answer reached no one. */
  #stdout(text: string): void {
    this.#opts.stdout.write(text);
    const failure = this.#opts.stdout.writeError;
    if (failure) {
      throw new KrishivError('ERR_OUTPUT_WRITE', `cannot write the answer: ${describeSystemError(failure)}`, {
        input: '<stdout>',
        cause: failure,
      });
    }
  }

  /**
   * Before a command hands a secret over on stdout (it is shown once and kept nowhere else):
   * refuses when stdout is /dev/null or was closed, so nothing is created that no one receives.
   */
  assertStdoutReceives(what: string): void {
    if (this.#opts.stdout.discards?.()) {
      throw new KrishivError(
        'ERR_OUTPUT_WRITE',
        `standard output is /dev/null or closed: ${what} is shown only once and would reach no one; nothing changed (redirect stdout to a file you keep, or use --out where the command has it)`,
        { input: '<stdout>' },
      );
    }
  }

  /** Writes one JSON document to stdout, adding the `tool` block. */
  writeJson(doc: unknown): void {
    if (this.#wroteJson) throw new KrishivError('ERR_INTERNAL', 'a second JSON document was about to be written');
    this.#wroteJson = true;
    this.#stdout(`${safeJson(JSON.stringify(withTool(doc), null, 2))}\n`);
  }

  /** One line of JSON Lines output (batch modes: the only exception to one document). */
  writeJsonLine(doc: unknown): void {
    this.#stdout(`${safeJson(JSON.stringify(withTool(doc)))}\n`);
  }

  /** Raw text to stdout (already rendered). */
  print(text: string, kind: 'text' | 'json' = 'text'): void {
    text = kind === 'json' ? safeJson(text) : safeForTerminal(text, this.out.enabled);
    this.#stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * A warning on stderr. --quiet drops it, except `always` ones: the warnings the contract
   * says are always given (decode verified nothing; a secret was given on argv).
   */
  warn(message: string, options: { always?: boolean } = {}): void {
    if (this.quiet && options.always !== true) return;
    this.#opts.stderr.write(`${this.err.yellow('warning:')} ${visibleControls(message)}\n`);
  }

  hint(message: string): void {
    if (this.quiet || this.json) return;
    this.#opts.stderr.write(`${this.err.dim('hint:')} ${visibleControls(message)}\n`);
  }

  info(message: string): void {
    if (this.quiet || this.json) return;
    this.#opts.stderr.write(`${visibleControls(message)}\n`);
  }

  debugLog(message: string): void {
    if (this.debug) this.#opts.stderr.write(`${this.err.gray(`debug: ${visibleControls(message)}`)}\n`);
  }

  /** A spinner on stderr, shown only on a TTY and never with --json or --quiet. */
  async progress(text: string): Promise<Progress> {
    if (!this.stderrIsTTY || this.json || this.quiet) return NO_PROGRESS;
    const { default: yoctoSpinner } = await import('yocto-spinner');
    const stream = this.#opts.stderr.stream?.() ?? (this.#opts.stderr as NodeJS.WriteStream);
    const spinner = yoctoSpinner({ text, stream }).start();
    return {
      update: (t: string) => {
        spinner.text = t;
      },
      stop: (finalText?: string) => {
        spinner.stop(finalText);
      },
    };
  }

  /**
   * Reports an error: one line on stderr and, with --json, the error document on stdout.
   * Returns the exit code for it.
   */
  fail(error: unknown): ExitCode {
    const known = isKrishivError(error);
    const code: ExitCode = known ? error.exitCode : EXIT.INTERNAL;
    const prefix = `krishiv-auth${this.#command ? ` ${this.#command}` : ''}:`;
    let line: string;
    if (known) {
      line = `${prefix} ${error.input !== undefined ? `${error.input}: ` : ''}${oneLine(error.message)} (${error.code})`;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      line = `${prefix} internal error: ${oneLine(message)} (ERR_INTERNAL). This is a bug in krishiv-auth; please report it${this.debug ? '' : ' (run with --debug for the stack)'}`;
    }
    // user input (a file name, a flag value) must not bring its own escape sequences
    this.#opts.stderr.write(`${this.err.red(visibleControls(line))}\n`);
    if (this.debug) {
      let cause: unknown = error;
      let depth = 0;
      while (cause && depth < 5) {
        if (cause instanceof Error && cause.stack) this.#opts.stderr.write(`${this.err.gray(visibleControls(cause.stack))}\n`);
        cause = cause instanceof Error ? cause.cause : undefined;
        depth++;
      }
    }
    if (this.json && !this.#wroteJson) {
      const body = known
        ? error.toJSON()
        : { code: 'ERR_INTERNAL', message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
      // not through writeJson: a stdout that already failed must not turn the report of an error into another error
      this.#wroteJson = true;
      this.#opts.stdout.write(`${safeJson(JSON.stringify(withTool({ ok: false, error: body }), null, 2))}\n`);
    }
    return code;
  }
}

/** Control characters (ESC, CR, …; not tab or newline) as visible `\xNN`, so text from input cannot drive the terminal. */
function visibleControls(text: string): string {
  text = redactUrlPasswords(text);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /\x1b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Human stdout with URL passwords masked (`https://svc:***@host`: an OIDC issuer or a server
 * message may carry one) and every control character from the data made visible (`\x1b`, `\x9b`,
 * `\u{202e}`): a claim, a server message or a file value must not move the cursor, retitle the
 * terminal or reorder the line. Kept: newline and tab, and, when colour is on, our own SGR colour
 * sequences (`ESC [ … m`, all that Style writes).
 */
export function safeForTerminal(text: string, keepSgr: boolean): string {
  return redactUrlPasswords(text).replace(UNSAFE_TEXT, (m) => {
    if (m.length > 1) return keepSgr ? m : `\\x1b${m.slice(1)}`;
    const code = m.charCodeAt(0);
    return code > 0xff ? `\\u{${code.toString(16)}}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** JSON text with C1 controls, DEL, line separators and bidi overrides as \u escapes: the same data, no raw control byte. */
export function safeJson(json: string): string {
  // eslint-disable-next-line no-control-regex
  return redactUrlPasswords(json).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function withTool(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const record = doc as Record<string, unknown>;
    if ('ok' in record) {
      const { ok, ...rest } = record;
      return { ok, ...rest, tool: TOOL_INFO };
    }
    return { ...record, tool: TOOL_INFO };
  }
  return doc;
}
