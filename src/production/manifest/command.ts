/**
 * Which Krishiv process a command line starts, as the engine's binaries decide it:
 *
 * - the multi-call `krishiv` binary takes its subcommand from argv[0]'s file name when it is
 *   one of the symlinks (`krishiv-coordinator`, `krishiv-clusterd`, `krishiv-executor`,
 *   `krishiv-job-coordinator`, `krishiv-flight-server`, `krishiv-shuffle-svc`, `krishiv-mcp`:
 *   crates/krishiv/src/main.rs:143-157), else from its first argument; the daemon
 *   subcommands are crates/krishiv/src/daemon_cmd.rs:22-31, the rest are one-shot client
 *   commands (crates/krishiv/src/cli.rs);
 * - `krishiv-operator` is its own binary (crates/krishiv-operator/src/main.rs).
 * - A shell (`sh -c '…'`) is followed only when the script is one simple command (optionally
 *   after `exec`), with nothing a shell would expand or chain; anything else is undecided.
 *
 * Pure: words in, decision out.
 */
import { parseCliWords, type CliFlags } from '../env/cli-flags.js';
import { wordForMessage } from '../../util/secret.js';
import type { EvaluateOptions } from '../evaluate.js';
import type { EnvVar, Role } from '../types.js';
import { isKrishivError } from '../../errors.js';

export type ProcessDecision =
  | {
      kind: 'krishiv';
      role: Role;
      process: string;
      flags: string[];
      /** where `flags` start in argv; -1: inside a shell script */
      flagOffset: number;
      /** a shell script's place in argv (its flags are inside that one word) */
      scriptAt?: number;
    }
  | { kind: 'undecided'; reason: string }
  | { kind: 'other' };

const SYMLINKS: Readonly<Record<string, string>> = {
  'krishiv-coordinator': 'coordinator',
  'krishiv-clusterd': 'clusterd',
  'krishiv-executor': 'executor',
  'krishiv-job-coordinator': 'job-coordinator',
  'krishiv-flight-server': 'flight-server',
  'krishiv-shuffle-svc': 'shuffle-svc',
  'krishiv-mcp': 'mcp',
};

const DAEMON_ROLES: Readonly<Record<string, Role>> = {
  coordinator: 'coordinator',
  // clusterd is a coordinator with leader election; it starts no executors
  // (crates/krishiv-scheduler/src/coordinator_daemon.rs:1620-1650): executors are their own workloads
  clusterd: 'coordinator',
  executor: 'executor',
  'flight-server': 'flight-server',
  'shuffle-svc': 'shuffle-svc',
};

/** One-shot commands that talk to a remote coordinator or Flight SQL server. */
const CLIENT_COMMANDS = new Set([
  'sql',
  'submit',
  'jobs',
  'pipeline',
  'stream',
  'table',
  'savepoint',
  'checkpoints',
  'restore',
  'state',
  'ivm',
]);

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

const mentionsKrishiv = (words: readonly string[]): boolean => words.some((w) => /krishiv/i.test(w));
/**
 * A script that names a Krishiv program as a word of its own (`krishiv sql …`,
 * `/usr/local/bin/krishiv-executor …`); a bucket, secret or namespace with the word in its name
 * (`store/krishiv-bench`, `krishiv-cert-tokens`) is not one.
 */
const KRISHIV_PROGRAM_IN_SCRIPT =
  /(?:^|[\s;&|(`"'])(?:[\w.~-]*\/)*krishiv(?:-(?:coordinator|clusterd|executor|job-coordinator|flight-server|shuffle-svc|mcp|operator))?(?=$|[\s;&|)`"'])/m;
const namesKrishivProgram = (w: string): boolean => !w.startsWith('-') && /^krishiv/i.test(basename(w));

/** What a one-line script's words may add up to once its variables are expanded. */
const SCRIPT_EXPANSION_LIMIT = 1024 * 1024;

/** A variable's value as the process's environment gives it (undefined: not set there). */
export type EnvLookup = (name: string) => string | undefined;

/**
 * The words of a shell script that is one simple command, as a POSIX shell reads it: quotes,
 * backslashes, line continuations, and `$NAME`/`${NAME}` from `env` (unquoted: split on blanks).
 * A string says why the script is not decided here: anything that chains, redirects, substitutes,
 * globs or branches, a second line, a variable the container's environment does not set (the image
 * may), an assignment before the command.
 */
export function simpleCommandWords(script: string, env: EnvLookup): string[] | string {
  const text = script.replace(/[ \t\n]+$/, ''); // a block scalar's final newline
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let done = 0; // the length of the words so far: `$A$A$A…` may not grow without bound
  const size = (): number => done + cur.length;
  const end = (): void => {
    if (inWord) {
      words.push(cur);
      done += cur.length;
    }
    cur = '';
    inWord = false;
  };
  /** `$…` at `i` (the dollar sign): the variable's name and where it ends, or why not (no copy of the rest: a long script stays linear). */
  const braced = /\{([A-Za-z_][A-Za-z0-9_]*)\}/y;
  const bare = /[A-Za-z_][A-Za-z0-9_]*/y;
  const variable = (i: number): { name: string; next: number } | string | undefined => {
    const c = text[i + 1];
    if (c === '{') {
      braced.lastIndex = i + 1;
      const m = braced.exec(text);
      return m ? { name: m[1]!, next: i + 1 + m[0].length } : 'a parameter expansion with an operator';
    }
    bare.lastIndex = i + 1;
    const m = bare.exec(text);
    if (m) return { name: m[0], next: i + 1 + m[0].length };
    if (c === undefined || c === '"' || /\s/.test(c)) return undefined; // a literal $
    return 'a special parameter or substitution';
  };
  const value = (name: string): string | undefined => env(name);
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === '\n') return 'more than one line';
    else if (c === '\\') {
      if (text[i + 1] === '\n') i += 2;
      else {
        if (i + 1 < text.length) cur += text[i + 1];
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return 'a quote that is never closed';
      cur += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; ) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== '\n') cur += text[j + 1];
          j += 2;
        } else if (d === '`') return 'a command substitution';
        else if (d === '$') {
          const v = variable(j);
          if (typeof v === 'string') return v;
          if (v === undefined) {
            cur += '$';
            j++;
            continue;
          }
          const x = value(v.name);
          if (x === undefined) return `$${v.name}, which the container's environment does not set`;
          if (x.length > SCRIPT_EXPANSION_LIMIT - size()) return 'expansions that grow past 1 MiB';
          cur += x;
          j = v.next;
        } else {
          cur += d;
          j++;
        }
      }
      if (j >= text.length) return 'a quote that is never closed';
      i = j + 1;
    } else if (c === '$') {
      const v = variable(i);
      if (typeof v === 'string') return v;
      if (v === undefined) {
        cur += '$';
        inWord = true;
        i++;
        continue;
      }
      const x = value(v.name);
      if (x === undefined) return `$${v.name}, which the container's environment does not set`;
      if (/[*?[]/.test(x)) return `$${v.name} unquoted, whose value the shell would glob`;
      if (x.length > SCRIPT_EXPANSION_LIMIT - size()) return 'expansions that grow past 1 MiB';
      // field splitting on blanks (IFS unset: space, tab, newline)
      x.split(/[ \t\n]+/).forEach((piece, k) => {
        if (k > 0) end();
        cur += piece;
        if (piece !== '') inWord = true;
      });
      i = v.next;
    } else if (c === '#' && !inWord)
      break; // a comment to the end of the (only) line
    else if (';&|<>`(){}*?['.includes(c) || (c === '~' && !inWord)) return 'more than one simple command';
    else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  end();
  if (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) return 'an assignment before the command';
  if (words.length > 0 && /^(if|for|while|case|until|then|do|!|\[\[)$/.test(words[0]!)) return 'a compound command';
  return words;
}

/**
 * Decides the process of `argv` (command and args joined, `$(VAR)` already expanded). `env` is the
 * environment the process gets, for a shell script's `$NAME` (without it, a script that uses one
 * is undecided).
 */
export function decideProcess(argv: readonly string[], env?: EnvLookup, depth = 0): ProcessDecision {
  if (argv.length === 0) return { kind: 'other' };
  const exe = basename(argv[0]!);
  if (SHELLS.has(exe) && depth === 0) {
    // options before the script (`-c`, `-ec`, `-lc`); `-o name` and anything else: not followed
    let i = 1;
    let command = false;
    let optionsOk = true;
    for (; i < argv.length && /^-/.test(argv[i]!); i++) {
      const w = argv[i]!;
      if (w === '--') {
        i++;
        break;
      }
      if (!/^-[a-zA-Z]+$/.test(w) || w.includes('o')) optionsOk = false;
      if (w.includes('c')) command = true;
    }
    if (!command || !optionsOk || i >= argv.length) {
      return mentionsKrishiv(argv) ? { kind: 'undecided', reason: `${exe} runs a script file, which is not read here` } : { kind: 'other' };
    }
    const script = argv[i]!;
    const words = simpleCommandWords(script, env ?? (() => undefined));
    if (typeof words === 'string') {
      return KRISHIV_PROGRAM_IN_SCRIPT.test(script)
        ? {
            kind: 'undecided',
            reason: `a shell script (${exe} -c) that is not one simple command (${words}); the process it starts cannot be decided`,
          }
        : { kind: 'other' };
    }
    const inner = decideProcess(words[0] === 'exec' ? words.slice(1) : words, env, depth + 1);
    // the flags of a script are not argv entries of the manifest: no offset into command/args
    return inner.kind === 'krishiv' ? { ...inner, flagOffset: -1, scriptAt: i } : inner;
  }
  const sub = SYMLINKS[exe];
  if (sub !== undefined) return daemon(sub, argv.slice(1), 1);
  if (exe === 'krishiv') {
    const first = argv[1];
    if (first === undefined) return { kind: 'undecided', reason: '`krishiv` without a subcommand prints its help' };
    if (Object.hasOwn(DAEMON_ROLES, first) || first === 'job-coordinator' || first === 'mcp' || first === 'health')
      return daemon(first, argv.slice(2), 2);
    if (CLIENT_COMMANDS.has(first))
      return { kind: 'krishiv', role: 'client', process: `krishiv ${first}`, flags: argv.slice(2), flagOffset: 2 };
    return { kind: 'undecided', reason: `\`krishiv ${first}\` is not a daemon or client command check-production models` };
  }
  if (exe === 'krishiv-operator')
    return { kind: 'krishiv', role: 'operator', process: 'krishiv-operator', flags: argv.slice(1), flagOffset: 1 };
  if (/^krishiv/.test(exe)) return { kind: 'undecided', reason: `unknown Krishiv binary ${exe}` };
  // a wrapper (`tini -- krishiv …`, `dumb-init /usr/local/bin/krishiv …`) names a Krishiv program as
  // a word of its own; a flag's value that merely contains the word (etcd's
  // `--initial-cluster-token=krishiv-ha`) is not one
  return argv.slice(1, 3).some(namesKrishivProgram)
    ? { kind: 'undecided', reason: `${exe} starts the process; what it runs cannot be decided` }
    : { kind: 'other' };
}

function daemon(sub: string, flags: string[], offset: number): ProcessDecision {
  const role = DAEMON_ROLES[sub];
  if (role !== undefined) return { kind: 'krishiv', role, process: `krishiv ${sub}`, flags, flagOffset: offset };
  return {
    kind: 'undecided',
    reason: `\`krishiv ${sub}\` is not a process check-production models (roles: coordinator, clusterd, executor, flight-server, shuffle-svc, operator, clients)`,
  };
}

/**
 * A decided process's flags through the engine's command-line model (`words`: its flags, `$(VAR)`
 * already expanded), plus what the binary itself implies: krishiv-clusterd builds its leader
 * election at start (crates/krishiv-scheduler/src/coordinator_daemon.rs:1639), and `krishiv executor`
 * (its symlink too) prints its help when --help is anywhere among its words (crates/krishiv/src/daemon_cmd.rs:291-295).
 */
export function processCli(decision: Extract<ProcessDecision, { kind: 'krishiv' }>, words: readonly string[]): CliFlags {
  const cli = parseCliWords(words, decision.role, { multiCallExecutor: decision.process === 'krishiv executor' });
  if (decision.process === 'krishiv clusterd') cli.clusterd = true;
  // The model skips leading words that are not flags (`--cli "krishiv executor --connect"` names
  // the program); here the program and subcommand are already taken off, so such a word is an
  // argument the process gets (`krishiv-executor executor --connect`), and the coordinator,
  // executor and operator parsers stop at it: "unknown option"
  // (crates/krishiv-scheduler/src/coordinator_daemon.rs:1216-1219, crates/krishiv-executor/src/cli.rs:1333-1336,
  // crates/krishiv-operator/src/main.rs:422)
  const first = cli.positional[0];
  if (first !== undefined && cli.processes.length > 0) {
    // (`krishiv executor` looks for --help before it parses: it prints its help whatever the word)
    const refused = cli.processes.filter((process) => !(process === 'executor' && cli.helpBy?.includes('executor')));
    cli.refusals = refused.map((process) => ({ process, word: first, message: `unknown option: ${wordForMessage(first)}` }));
    if (cli.helpBy !== undefined) {
      cli.helpBy = cli.helpBy.filter((process) => !refused.includes(process));
      cli.help = cli.helpBy.length > 0;
    }
  }
  return cli;
}

/**
 * The command-line word a finding's message is about: the word a refusal names (`unknown option:
 * --insecure` is no given flag), else a given flag the message names (`--insecure` before the others,
 * then in the order given).
 */
export function flagNamedBy(cli: CliFlags, message: string): string | undefined {
  for (const r of cli.refusals) if (message.includes(r.message)) return r.word;
  let first: string | undefined;
  for (const g of cli.given) {
    if (!message.includes(g.flag)) continue;
    if (g.flag === '--insecure') return g.flag;
    first ??= g.flag;
  }
  return first;
}

/** Where `flag` is in the argv the decision was made from (inside a shell script: the script's word). */
export function argvIndexOf(decision: Extract<ProcessDecision, { kind: 'krishiv' }>, flag: string): number | undefined {
  const i = decision.flags.indexOf(flag);
  if (i < 0) return undefined;
  return decision.flagOffset < 0 ? decision.scriptAt : decision.flagOffset + i;
}

/**
 * The env variable of the flag whose value is word `i` of a command line (`--durability-profile X`,
 * `--durability-profile=X`: KRISHIV_DURABILITY_PROFILE), by the engine's naming of flags and
 * variables; undefined when the word is no flag's value. What is tried for a value not known here
 * that the word expands follows it (evaluate.ts).
 */
export function flagVariableOf(words: readonly string[], i: number): string | undefined {
  const w = words[i] ?? '';
  const eq = /^(--[A-Za-z0-9-]+)=/.exec(w);
  const flag = eq ? eq[1] : w.startsWith('-') ? undefined : words[i - 1];
  return flag?.startsWith('--') && flag.length > 2 ? `KRISHIV_${flag.slice(2).replace(/-/g, '_').toUpperCase()}` : undefined;
}

/**
 * How a command line reads with other values for the variables it expands that are not known here
 * (undefined: it expands none): evaluate.ts tries them. Each such variable is matched to the flag
 * it is the value of (`--flag $(X)`, `--flag=${X}`), whose env variable (KRISHIV_FLAG) decides the
 * values tried. `written`: the words as written; `reference`: how a word names a variable (global,
 * the name in group 1: a manifest's `$(X)`, a unit's `$X`/`${X}`); `reread`: the words expanded
 * with other values.
 */
export function variedCommandLine(
  written: readonly string[],
  reference: RegExp,
  expands: ReadonlySet<string>,
  vars: ReadonlyMap<string, EnvVar>,
  decision: Extract<ProcessDecision, { kind: 'krishiv' }>,
  reread: (lookup: (name: string) => string | undefined) => readonly string[],
): EvaluateOptions['commandLine'] {
  const variables = new Set([...expands].filter((n) => vars.get(n)?.assumption !== undefined));
  if (variables.size === 0) return undefined;
  const uses = new Map<string, string>();
  written.forEach((w, i) => {
    for (const m of w.matchAll(reference)) {
      const name = m[1]!;
      const flag = variables.has(name) && !uses.has(name) ? flagVariableOf(written, i) : undefined;
      if (flag !== undefined) uses.set(name, flag);
    }
  });
  return {
    variables,
    uses,
    cliFor: (other) => {
      const lk = (n: string): string | undefined => other.get(n)?.value;
      try {
        const d = decideProcess(reread(lk), lk);
        return d.kind === 'krishiv' && d.role === decision.role && d.process === decision.process ? processCli(d, d.flags) : undefined;
      } catch (error) {
        if (isKrishivError(error)) return undefined;
        throw error;
      }
    },
  };
}
