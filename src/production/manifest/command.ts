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
import { parseCliWords, splitShellWords, type CliFlags } from '../env/cli-flags.js';
import type { Role } from '../types.js';

export type ProcessDecision =
  | { kind: 'krishiv'; role: Role; process: string; flags: string[]; flagOffset: number }
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

/** Decides the process of `argv` (command and args joined, `$(VAR)` already expanded). */
export function decideProcess(argv: readonly string[], depth = 0): ProcessDecision {
  if (argv.length === 0) return { kind: 'other' };
  const exe = basename(argv[0]!);
  if (SHELLS.has(exe) && depth === 0) {
    const c = argv.indexOf('-c');
    const flagsOk = argv.slice(1, c < 0 ? argv.length : c).every((w) => /^-[a-z]+$/.test(w));
    if (c < 0 || !flagsOk || c + 1 >= argv.length) {
      return mentionsKrishiv(argv) ? { kind: 'undecided', reason: `${exe} runs a script file, which is not read here` } : { kind: 'other' };
    }
    const script = argv[c + 1]!;
    // Anything a shell would expand, chain, redirect or branch on makes the process undecidable.
    if (/[;&|<>`$(){}\n*?[\]#~]/.test(script) || /^\s*(if|for|while|case|until)\b/.test(script)) {
      return mentionsKrishiv([script])
        ? {
            kind: 'undecided',
            reason: `a shell script (${exe} -c) that is more than one simple command; the process it starts cannot be decided`,
          }
        : { kind: 'other' };
    }
    let words: string[];
    try {
      words = splitShellWords(script);
    } catch {
      return mentionsKrishiv([script])
        ? { kind: 'undecided', reason: `a shell script (${exe} -c) that does not parse` }
        : { kind: 'other' };
    }
    if (words[0] === 'exec') words = words.slice(1);
    const inner = decideProcess(words, depth + 1);
    // the flags of a script are not argv entries of the manifest: no offset into command/args
    return inner.kind === 'krishiv' ? { ...inner, flagOffset: -1 } : inner;
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
  return mentionsKrishiv(argv.slice(0, 3))
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
 * election at start (crates/krishiv-scheduler/src/coordinator_daemon.rs:1639).
 */
export function processCli(decision: Extract<ProcessDecision, { kind: 'krishiv' }>, words: readonly string[]): CliFlags {
  const cli = parseCliWords(words, decision.role);
  if (decision.process === 'krishiv clusterd') cli.clusterd = true;
  return cli;
}
