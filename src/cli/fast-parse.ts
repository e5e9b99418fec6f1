/**
 * The start-up fast path. Loading commander costs ~5 ms of CPU on every run (bench/README.md),
 * a fifth of a whole `node -e 0`, and most invocations are plain and correct. So a command
 * module's `define(program, ctx)` is first run against a tiny recorder that mimics the subset
 * of commander's API the commands use; when the argv is plain (known options, right arity, no
 * help), it is parsed here with commander's own rules and the recorded action runs directly.
 * Anything else — `--help`, an unknown option, a missing value, an API call the recorder does
 * not know — returns `undefined`, and the frame runs the real commander program, which then
 * produces exactly commander's help and error messages. test/cli/fast-parse.test.ts checks,
 * for every command, that both paths give the action the same arguments.
 */
import type { Command } from 'commander';
import type { CliContext, CommandModule } from './context.js';
import { globalOptionAt } from './globals.js';

export interface RecordedOption {
  flags: string;
  short?: string;
  long?: string;
  /** commander's attributeName(): camelCase of the long flag without --no- */
  attribute: string;
  negate: boolean;
  required: boolean;
  optional: boolean;
  variadic: boolean;
  defaultValue: unknown;
  parseArg?: (value: string, previous: unknown) => unknown;
  mandatory: boolean;
}

export interface RecordedArgument {
  required: boolean;
  variadic: boolean;
  defaultValue: unknown;
  parseArg?: (value: string, previous: unknown) => unknown;
}

export interface RecordedCommand {
  name: string;
  options: RecordedOption[];
  args: RecordedArgument[];
  action?: (...args: unknown[]) => unknown;
  unsupported: boolean;
  /** nested subcommands (`keys list`); one level deep */
  children: RecordedCommand[];
}

/** How many argv entries a root global option at `i` spans: 0 when it is not one, -1 when its value is missing or it is combined with other letters (`-qx`: commander's). */
function globalOptionSpan(argv: readonly string[], i: number): number {
  const at = globalOptionAt(argv, i);
  return at === undefined ? 0 : at.missingValue || at.combined ? -1 : at.span;
}

function camelcase(str: string): string {
  return str.split('-').reduce((acc, word) => acc + word[0]!.toUpperCase() + word.slice(1));
}

/**
 * commander's split of an option's flags (`-f, --format <fmt>`, `--no-color`) into its short and
 * long names: the words between spaces, `|` and `,` that start with `-`. Plain string work (this
 * runs for every option of the command at every start; a regular expression is compiled first).
 */
function parseFlags(flags: string): { short?: string; long?: string } {
  const out: { short?: string; long?: string } = {};
  const sep = (c: string | undefined): boolean => c === ' ' || c === '|' || c === ',';
  for (let i = 0; i < flags.length; ) {
    while (i < flags.length && sep(flags[i])) i++;
    let j = i;
    while (j < flags.length && !sep(flags[j])) j++;
    const p = flags.slice(i, j);
    if (p.startsWith('--')) out.long = p;
    else if (p.startsWith('-')) out.short = p;
    i = j;
  }
  return out;
}

/** An option name without its leading dashes (`--env-file` → `env-file`, `-f` → `f`). */
function undashed(name: string): string {
  return name.startsWith('--') ? name.slice(2) : name.startsWith('-') ? name.slice(1) : name;
}

/** commander's variadic test (`/\w\.\.\.[>\]]$/`): the flags end in `<name...>` or `[name...]`. */
function isVariadic(flags: string): boolean {
  const k = flags.length - 4;
  if (k < 1 || !flags.startsWith('...', k) || (flags[k + 3] !== '>' && flags[k + 3] !== ']')) return false;
  const c = flags.charCodeAt(k - 1);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Records one subcommand's definition through a commander-shaped object. */
function makeRecorder(): { program: Command; commands: RecordedCommand[] } {
  const commands: RecordedCommand[] = [];
  const methods = [
    'description',
    'summary',
    'addHelpText',
    'alias',
    'showHelpAfterError',
    'usage',
    'helpOption',
    'allowExcessArguments',
    'showSuggestionAfterError',
  ];

  const makeCommand = (name: string, into: RecordedCommand[], depth: number): unknown => {
    const rec: RecordedCommand = { name, options: [], args: [], unsupported: false, children: [] };
    into.push(rec);
    // a plain object: a method it lacks throws when called, and recordCommand gives up (commander runs)
    const cmd: Record<string, unknown> = {};
    const self: unknown = cmd;
    const chain = (): unknown => self;
    for (const m of methods) cmd[m] = chain;
    const addOption = (mandatory: boolean) => (flags: string, _desc?: string, fnOrDefault?: unknown, maybeDefault?: unknown) => {
      const { short, long } = parseFlags(flags);
      const negate = Boolean(long?.startsWith('--no-'));
      const parseArg = typeof fnOrDefault === 'function' ? (fnOrDefault as RecordedOption['parseArg']) : undefined;
      const defaultValue = typeof fnOrDefault === 'function' ? maybeDefault : fnOrDefault;
      const name = undashed(long ?? short ?? '');
      const option: RecordedOption = {
        flags,
        attribute: camelcase(negate && name.startsWith('no-') ? name.slice(3) : name),
        negate,
        required: flags.includes('<'),
        optional: flags.includes('['),
        variadic: isVariadic(flags),
        defaultValue,
        mandatory,
      };
      if (short !== undefined) option.short = short;
      if (long !== undefined) option.long = long;
      if (parseArg) option.parseArg = parseArg;
      rec.options.push(option);
      return self;
    };
    cmd['option'] = addOption(false);
    cmd['requiredOption'] = addOption(true);
    cmd['argument'] = (spec: string, _desc?: string, fnOrDefault?: unknown, maybeDefault?: unknown) => {
      const arg: RecordedArgument = {
        required: spec.startsWith('<'),
        variadic: spec.slice(1, -1).endsWith('...'),
        defaultValue: typeof fnOrDefault === 'function' ? maybeDefault : fnOrDefault,
      };
      if (typeof fnOrDefault === 'function') arg.parseArg = fnOrDefault as RecordedArgument['parseArg'];
      rec.args.push(arg);
      return self;
    };
    cmd['action'] = (fn: (...args: unknown[]) => unknown) => {
      rec.action = fn;
      return self;
    };
    cmd['command'] = (sub: string) => {
      if (depth >= 1 || /[<[]/.test(sub)) rec.unsupported = true; // deeper nesting or inline args: commander
      return makeCommand(sub.split(' ')[0]!, rec.children, depth + 1);
    };
    return self;
  };
  const root = {
    command: (spec: string) => makeCommand(spec.split(' ')[0]!, commands, 0),
  };
  return { program: root as unknown as Command, commands };
}

function usable(rec: RecordedCommand): boolean {
  if (rec.unsupported) return false;
  if (rec.children.length === 0) return rec.action !== undefined;
  // a group (`keys`): no options, arguments or action of its own; every child usable
  return rec.options.length === 0 && rec.args.length === 0 && rec.action === undefined && rec.children.every(usable);
}

/** The recorded definition of one command, or undefined when the recorder cannot follow it. */
export function recordCommand(mod: CommandModule, ctx: CliContext, commandName: string): RecordedCommand | undefined {
  try {
    const r = makeRecorder();
    mod.define(r.program, ctx);
    const rec = r.commands.find((c) => c.name === commandName);
    if (!rec || r.commands.length !== 1 || !usable(rec)) return undefined;
    return rec;
  } catch {
    return undefined;
  }
}

export interface FastInvocation {
  run(): Promise<void>;
}

/**
 * Tries the fast path for `argv` with the command module `mod`. Returns an invocation to run,
 * or undefined when the real commander program must handle this argv.
 */
export function tryFastPath(mod: CommandModule, ctx: CliContext, commandName: string, argv: readonly string[]): FastInvocation | undefined {
  const top = recordCommand(mod, ctx, commandName);
  if (!top) return undefined;
  const target = selectLeaf(top, commandName, argv);
  if (!target?.rec.action) return undefined;
  const rec = target.rec;
  const parsed = parseArgv(rec, rec.name, target.argv);
  if (!parsed) return undefined;
  const action = rec.action!;
  return {
    run: async () => {
      const opts = parsed.opts;
      const fakeCommand = { opts: () => opts, optsWithGlobals: () => ({ ...opts }), name: () => commandName, args: parsed.operands };
      await action(...parsed.args, opts, fakeCommand);
    },
  };
}

/**
 * For a group command (`keys`), the child named right after it (only global options may sit
 * between) and the argv without the group's name; for a plain command, itself.
 */
export function selectLeaf(
  top: RecordedCommand,
  commandName: string,
  argv: readonly string[],
): { rec: RecordedCommand; argv: string[] } | undefined {
  if (top.children.length === 0) return { rec: top, argv: [...argv] };
  let at = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === commandName) {
      at = i;
      break;
    }
    const span = globalOptionSpan(argv, i);
    if (span <= 0) return undefined;
    i += span - 1;
  }
  if (at < 0) return undefined;
  for (let i = at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    const span = globalOptionSpan(argv, i);
    if (span < 0) return undefined;
    if (span > 0) {
      i += span - 1;
      continue;
    }
    const child = top.children.find((c) => c.name === a);
    if (!child) return undefined;
    return { rec: child, argv: [...argv.slice(0, at), ...argv.slice(at + 1)] };
  }
  return undefined;
}

interface Parsed {
  args: unknown[];
  opts: Record<string, unknown>;
  operands: string[];
}

/** commander's parse of `argv` for one subcommand, or undefined when anything is unusual. */
export function parseArgv(
  rec: Pick<RecordedCommand, 'options' | 'args'>,
  commandName: string,
  argv: readonly string[],
): Parsed | undefined {
  const opts: Record<string, unknown> = {};
  const sources: Record<string, 'default' | 'cli'> = {};
  for (const o of rec.options) {
    if (o.negate) {
      const positive = `--${o.long!.slice(5)}`; // --no-color: --color
      if (!rec.options.some((p) => p.long === positive)) {
        opts[o.attribute] = o.defaultValue === undefined ? true : o.defaultValue;
        sources[o.attribute] = 'default';
      }
    } else if (o.defaultValue !== undefined) {
      opts[o.attribute] = o.defaultValue;
      sources[o.attribute] = 'default';
    }
  }
  const find = (flag: string): RecordedOption | undefined => rec.options.find((o) => o.long === flag || o.short === flag);
  const isOptionLike = (arg: string): boolean => arg.length > 1 && arg[0] === '-';

  const assign = (o: RecordedOption, value: string | null | undefined): boolean => {
    let val: unknown = value;
    const old = opts[o.attribute];
    if (val !== null && val !== undefined && o.parseArg) {
      try {
        val = o.parseArg(val as string, old);
      } catch {
        return false; // commander reports invalid values; let it
      }
    } else if (val !== null && val !== undefined && o.variadic) {
      val = sources[o.attribute] === 'default' || !Array.isArray(old) ? [val] : [...old, val];
    }
    if (val === null || val === undefined) {
      if (o.negate) val = false;
      else if (!o.required && !o.optional) val = true;
      else if (o.optional) val = true;
      else val = '';
    }
    opts[o.attribute] = val;
    sources[o.attribute] = 'cli';
    return true;
  };

  const operands: string[] = [];
  let seenCommand = false;
  let active: RecordedOption | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      // after `--` everything is an operand; the command name must already be seen
      if (!seenCommand) return undefined;
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (active && !isOptionLike(arg)) {
      if (!assign(active, arg)) return undefined;
      continue;
    }
    active = null;
    if (!seenCommand) {
      if (arg === commandName) {
        seenCommand = true;
        continue;
      }
      const span = globalOptionSpan(argv, i);
      if (span <= 0) return undefined;
      i += span - 1;
      continue;
    }
    if (isOptionLike(arg)) {
      if (arg === '-h' || arg === '--help' || arg === '-V' || arg === '--version') return undefined;
      const o = find(arg);
      if (o) {
        if (o.required) {
          const value = argv[i + 1];
          if (value === undefined || isOptionLike(value)) return undefined;
          i++;
          if (!assign(o, value)) return undefined;
        } else if (o.optional) {
          const value = argv[i + 1];
          if (value !== undefined && !isOptionLike(value)) {
            i++;
            if (!assign(o, value)) return undefined;
          } else if (!assign(o, null)) return undefined;
        } else if (!assign(o, undefined)) return undefined;
        active = o.variadic ? o : null;
        continue;
      }
      const span = globalOptionSpan(argv, i);
      if (span < 0) return undefined;
      if (span > 0) {
        i += span - 1;
        continue;
      }
      const eq = /^(--[^=]+)=([\s\S]*)$/.exec(arg);
      if (eq) {
        const o2 = find(eq[1]!);
        if (o2 && (o2.required || o2.optional)) {
          if (!assign(o2, eq[2]!)) return undefined;
          continue;
        }
      }
      return undefined; // short-flag groups, unknown options, negative numbers…: commander decides
    }
    operands.push(arg);
  }
  if (!seenCommand) return undefined;
  for (const o of rec.options) if (o.mandatory && opts[o.attribute] === undefined) return undefined;

  // positional arguments, as commander's _processArguments
  const args: unknown[] = [];
  for (let k = 0; k < rec.args.length; k++) {
    const a = rec.args[k]!;
    let value: unknown = a.defaultValue;
    if (a.variadic) {
      if (k < operands.length) {
        value = operands.slice(k);
        if (a.parseArg) {
          let acc: unknown = a.defaultValue;
          try {
            for (const v of operands.slice(k)) acc = a.parseArg(v, acc);
          } catch {
            return undefined;
          }
          value = acc;
        }
      } else if (value === undefined) value = [];
    } else if (k < operands.length) {
      value = operands[k];
      if (a.parseArg) {
        try {
          value = a.parseArg(operands[k]!, a.defaultValue);
        } catch {
          return undefined;
        }
      }
    }
    if (a.required && k >= operands.length) return undefined;
    args.push(value);
  }
  const lastVariadic = rec.args.length > 0 && rec.args[rec.args.length - 1]!.variadic;
  if (!lastVariadic && operands.length > rec.args.length) return undefined;
  return { args, opts, operands };
}
