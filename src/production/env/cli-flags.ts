/**
 * `--cli "<flags>"`: the command line of the krishiv process being checked, read the way the
 * engine's own argument parsers read it, because several flags change the verdict and a bad one
 * stops the process before any check.
 *
 * The string is split into words like a POSIX shell would (single quotes literal, double quotes
 * with `\"`, `\\`, `\$` and `` \` `` escapes, backslash outside quotes escaping the next
 * character; no expansion). Leading words that are not flags (a program path, a subcommand such
 * as `krishiv executor`) are skipped. The rest goes through a model of each process's parser:
 * - coordinator and clusterd: crates/krishiv-scheduler/src/coordinator_daemon.rs:1108-1248;
 * - executor: crates/krishiv-executor/src/cli.rs:1152-1342 (`--connect` and `--register-once`
 *   are switches; they may not be combined);
 * - operator: crates/krishiv-operator/src/main.rs:331-433;
 * - the standalone Flight SQL server and shuffle service read no flags but `--help`
 *   (crates/krishiv/src/daemon_cmd.rs:307-345).
 * As in the engine: a value is the next word whatever it looks like, a value that is empty after
 * trimming is "missing value for <flag>", `--flag=value` is an unknown option, and the first bad
 * word stops the process (a refusal, reported as a finding, not an input error). A word that is a
 * near miss of a flag the process knows (`--durabilty-profile`, `--flight-addr=…`) is refused like
 * any unknown option, as the engine refuses it, and the refusal says which flag was meant.
 *
 * Input errors (ERR_CLI_FLAGS_PARSE, exit 2): a string the shell could not split.
 */
import { distance } from '../../util/edit-distance.js';
import { parseSocketAddr } from '../../engine/addr.js';
import { parseDurabilityProfile, parseU64, profileParseError } from '../../engine/readers.js';
import { rustTrim } from '../../engine/text.js';
import { KrishivError } from '../../errors.js';
import { wordForMessage } from '../../util/secret.js';
import { decideProcess, processCli } from '../manifest/command.js';
import type { Role } from '../types.js';
export { PARSER_SOURCE } from '../engine-sources.js';

/** A process whose command line the engine parses. */
export type EngineProcess = 'coordinator' | 'executor' | 'operator';

/** The CliFlags fields a flag fills. */
export type CliValueField =
  | 'durabilityProfile'
  | 'flightAddr'
  | 'shuffleDir'
  | 'shuffleUri'
  | 'stateDir'
  | 'checkpointUri'
  | 'metadataBackend'
  | 'metadataPath'
  | 'leaderBackend'
  | 'etcdEndpoints'
  | 'leaderLeaseSecs'
  | 'grpcAddr'
  | 'httpAddr'
  | 'taskGrpcAddr'
  | 'barrierGrpcAddr'
  | 'executorGrpcAddr'
  | 'statusAddr'
  | 'shuffleFlightAddr'
  | 'httpSidecarAddr'
  | 'coordinatorId'
  | 'executorId'
  | 'slots'
  | 'coordinator';

type Kind =
  | { t: 'switch'; field?: 'insecure' | 'connect' | 'registerOnce' | 'help' }
  | { t: 'value'; field?: CliValueField; check?: (value: string) => string | undefined };

const addr =
  (flag: string, message = (v: string) => `invalid socket address for ${flag}: ${v}`) =>
  (v: string) =>
    parseSocketAddr(v) ? undefined : message(v);
const u64 = parseU64;
const profileParses = (v: string): boolean => parseDurabilityProfile(v) !== undefined;

/** crates/krishiv-scheduler/src/coordinator_daemon.rs:1156-1221 */
const COORDINATOR: Record<string, Kind> = {
  '--coordinator-id': { t: 'value', field: 'coordinatorId' },
  '--grpc-addr': { t: 'value', field: 'grpcAddr', check: addr('--grpc-addr') },
  '--http-addr': { t: 'value', field: 'httpAddr', check: addr('--http-addr') },
  '--shuffle-dir': { t: 'value', field: 'shuffleDir' },
  '--durability-profile': {
    t: 'value',
    field: 'durabilityProfile',
    check: (v) => (profileParses(v) ? undefined : profileParseError(v)),
  },
  '--metadata-backend': { t: 'value', field: 'metadataBackend' },
  '--metadata-path': { t: 'value', field: 'metadataPath' },
  '--leader-backend': { t: 'value', field: 'leaderBackend' },
  '--etcd-endpoints': { t: 'value', field: 'etcdEndpoints' },
  '--etcd-lease-key': { t: 'value' },
  '--leader-lease-secs': {
    t: 'value',
    field: 'leaderLeaseSecs',
    check: (v) => (u64(v) === undefined ? `invalid integer for --leader-lease-secs: ${v}` : undefined),
  },
  '--insecure': { t: 'switch', field: 'insecure' },
  '--flight-addr': { t: 'value', field: 'flightAddr', check: addr('--flight-addr') },
  '--help': { t: 'switch', field: 'help' },
  '-h': { t: 'switch', field: 'help' },
};

const grpcOrOff = (flag: string) => (v: string) => (v === 'off' ? undefined : addr(flag)(v));

/** crates/krishiv-executor/src/cli.rs:1234-1339 */
const EXECUTOR: Record<string, Kind> = {
  '--executor-id': { t: 'value', field: 'executorId' },
  '--host': { t: 'value' },
  '--slots': { t: 'value', field: 'slots', check: (v) => (u64(v) === undefined ? '--slots must be a positive integer' : undefined) },
  '--coordinator': { t: 'value', field: 'coordinator' },
  '--register-once': { t: 'switch', field: 'registerOnce' },
  '--connect': { t: 'switch', field: 'connect' },
  '--http-addr': { t: 'value', field: 'httpAddr', check: addr('--http-addr') },
  '--task-grpc-addr': { t: 'value', field: 'taskGrpcAddr', check: grpcOrOff('--task-grpc-addr') },
  '--barrier-grpc-addr': { t: 'value', field: 'barrierGrpcAddr', check: grpcOrOff('--barrier-grpc-addr') },
  '--shuffle-flight-addr': { t: 'value', field: 'shuffleFlightAddr', check: addr('--shuffle-flight-addr') },
  '--heartbeat-interval-secs': {
    t: 'value',
    check: (v) => {
      const n = u64(v);
      if (n === undefined) return '--heartbeat-interval-secs must be a positive integer';
      return n === 0n ? '--heartbeat-interval-secs must be greater than zero' : undefined;
    },
  },
  '--shuffle-dir': { t: 'value', field: 'shuffleDir' },
  '--shuffle-uri': { t: 'value', field: 'shuffleUri' },
  '--checkpoint-uri': { t: 'value', field: 'checkpointUri' },
  '--state-dir': { t: 'value', field: 'stateDir' },
  '--durability-profile': {
    t: 'value',
    field: 'durabilityProfile',
    check: (v) =>
      profileParses(v) ? undefined : `unknown --durability-profile '${v}'; supported: dev-local, single-node-durable, distributed-durable`,
  },
  '--help': { t: 'switch', field: 'help' },
  '-h': { t: 'switch', field: 'help' },
};

const opAddr = (flag: string) => addr(flag, (v) => `invalid socket address: ${v}`);
const opSlots = (v: string): string | undefined => {
  const n = u64(v);
  if (n === undefined) return '--bootstrap-executor-slots must be a number';
  return n === 0n ? '--bootstrap-executor-slots must be greater than zero' : undefined;
};

/** crates/krishiv-operator/src/main.rs:356-423 */
const OPERATOR: Record<string, Kind> = {
  '--namespace': { t: 'value' },
  '--all-namespaces': { t: 'switch' },
  '--coordinator-id': { t: 'value', field: 'coordinatorId' },
  '--label-selector': { t: 'value' },
  '--field-selector': { t: 'value' },
  '--bootstrap-executor-id': { t: 'value' },
  '--bootstrap-executor-host': { t: 'value' },
  '--bootstrap-executor-slots': { t: 'value', check: opSlots },
  '--status-addr': { t: 'value', field: 'statusAddr', check: opAddr('--status-addr') },
  '--executor-grpc-addr': { t: 'value', field: 'executorGrpcAddr', check: opAddr('--executor-grpc-addr') },
  '--http-sidecar-addr': { t: 'value', field: 'httpSidecarAddr', check: opAddr('--http-sidecar-addr') },
  '--coordinator-endpoint': { t: 'value' },
  '--help': { t: 'switch', field: 'help' },
  '-h': { t: 'switch', field: 'help' },
};

const SPECS: Record<EngineProcess, Record<string, Kind>> = { coordinator: COORDINATOR, executor: EXECUTOR, operator: OPERATOR };

/** The processes whose command line a role's `--cli` is (cluster: the coordinator and its executors). */
export function processesOf(role: Role): EngineProcess[] {
  switch (role) {
    case 'cluster':
      return ['coordinator', 'executor'];
    case 'coordinator':
    case 'executor':
    case 'operator':
      return [role];
    default:
      return [];
  }
}

/** Every flag a process of this role knows (for "did you mean"). */
export function knownFlags(role: Role): string[] {
  return [...new Set(processesOf(role).flatMap((p) => Object.keys(SPECS[p])))];
}

export interface CliRefusal {
  process: EngineProcess;
  /** the word that stopped the parser */
  word: string;
  /** the engine's own message (values as given on the command line; no secret is read from a flag) */
  message: string;
  /** the word is a near miss of a flag the process knows: which one was meant (the tool's words, not the engine's) */
  hint?: string;
}

export type CliFlags = { [K in CliValueField]?: string } & {
  /** `--insecure` given (coordinator) */
  insecure: boolean;
  /** executor `--connect` / `--register-once` given */
  connect?: boolean;
  registerOnce?: boolean;
  /** `--help`: a process prints its help and exits 0 without starting */
  help?: boolean;
  /** the processes that print their help and exit 0 (their parse accepted the words, or `krishiv executor` saw --help/-h) */
  helpBy?: EngineProcess[];
  /**
   * the executor accepted its words, none of them --connect, --register-once or --help: it runs its
   * startup checks, prints its contract summary and exits 0 (crates/krishiv-executor/src/cli.rs:1187, 113-114)
   */
  executorDryRun?: boolean;
  /** the process is krishiv-clusterd (set by the manifest and unit readers, which see the binary) */
  clusterd?: boolean;
  /** flags in the order given, with their values (`true` for a switch) */
  given: Array<{ flag: string; value: string | true }>;
  /** words no process of the role knows */
  unknown: string[];
  /** the leading words that are not flags (program, subcommand) */
  positional: string[];
  /** flags given more than once (the last one is used) */
  repeated: string[];
  /** the first word each process refuses, with the engine's message */
  refusals: CliRefusal[];
  /** the processes that read this command line (none: the role's process ignores its flags) */
  processes: EngineProcess[];
};

/** Splits a command line into words like a POSIX shell, without expansion. */
export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i] as string;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new KrishivError('ERR_CLI_FLAGS_PARSE', 'a single quote is never closed', { input: '--cli' });
      current += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      let closed = false;
      while (i < n) {
        const d = input[i] as string;
        if (d === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(input[i + 1] as string)) {
          if (input[i + 1] !== '\n') current += input[i + 1];
          i += 2;
          continue;
        }
        current += d;
        i += 1;
      }
      if (!closed) throw new KrishivError('ERR_CLI_FLAGS_PARSE', 'a double quote is never closed', { input: '--cli' });
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= n) throw new KrishivError('ERR_CLI_FLAGS_PARSE', 'the flags end in a lone backslash', { input: '--cli' });
      if (input[i + 1] !== '\n') {
        current += input[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i += 1;
    } else {
      current += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** A near miss of a known flag: `--flag=value` for a known flag, or a typo within two edits. */
function nearMiss(word: string, known: readonly string[]): string | undefined {
  if (!word.startsWith('-')) return undefined;
  const eq = word.indexOf('=');
  if (eq > 0 && known.includes(word.slice(0, eq))) return word.slice(0, eq);
  const bare = eq > 0 ? word.slice(0, eq) : word;
  if (bare.length < 4) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    if (k.length < 4) continue;
    const d = distance(bare, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** What a near miss meant to say: `--flag=value` written as two words, a switch given a value, or a typo. */
function nearMissHint(word: string, flag: string, kind: Kind | undefined): string {
  const eq = word.indexOf('=');
  if (eq > 0 && word.slice(0, eq) === flag) {
    return kind?.t === 'switch'
      ? `${flag} is a switch and takes no value; did you mean ${flag}?`
      : `the engine reads flags and values as separate words; did you mean ${flag} ${word.slice(eq + 1) === '' ? '<value>' : wordForMessage(word.slice(eq + 1))}?`;
  }
  return `did you mean ${flag}?`;
}

/** What the words of a command line cannot say themselves: which program runs them. */
export interface CliContext {
  /** the executor runs as the multi-call `krishiv executor` (also through its `krishiv-executor` symlink) */
  multiCallExecutor?: boolean;
}

/** One process's parse of its own words, as the engine does it: the first bad word stops it. */
function runParser(
  process: EngineProcess,
  words: readonly string[],
  into: CliFlags,
  hints: ReadonlyMap<string, string>,
  context: CliContext,
): void {
  const spec = SPECS[process];
  const helpWord = (w: string): boolean => w === '--help' || w === '-h';
  // `krishiv executor` looks for --help/-h among all its words before parsing any
  // (crates/krishiv/src/daemon_cmd.rs:291-295); the others (and the standalone krishiv-executor
  // binary, crates/krishiv-executor/src/main.rs:50) parse first and print help only after a
  // clean parse (crates/krishiv/src/daemon_cmd.rs:121-126, crates/krishiv-operator/src/main.rs:31-35)
  const multiCall = context.multiCallExecutor === true || into.positional.includes('executor');
  if (process === 'executor' && multiCall && words.some(helpWord)) {
    into.help = true;
    (into.helpBy ??= []).push(process);
    return;
  }
  let help = false;
  let mode: 'connect' | 'registerOnce' | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const kind = Object.hasOwn(spec, word) ? spec[word] : undefined;
    if (kind === undefined) {
      // (a word out of place may be a flag's secret value: shown only when name-shaped)
      const hint = hints.get(word);
      into.refusals.push({ process, word, message: `unknown option: ${wordForMessage(word)}`, ...(hint !== undefined ? { hint } : {}) });
      return;
    }
    if (kind.t === 'switch') {
      if (kind.field === 'connect' || kind.field === 'registerOnce') {
        if (mode !== undefined && mode !== kind.field) {
          into.refusals.push({ process, word, message: '--register-once and --connect are mutually exclusive' });
          return;
        }
        mode = kind.field;
      }
      if (kind.field === 'help') help = true;
      else if (kind.field !== undefined) into[kind.field] = true;
      continue;
    }
    const value = words[i + 1];
    if (value === undefined || rustTrim(value) === '') {
      into.refusals.push({ process, word, message: `missing value for ${word}` });
      return;
    }
    i += 1;
    const problem = kind.check?.(value);
    if (problem !== undefined) {
      into.refusals.push({ process, word, message: problem });
      // an invalid profile is also what the profile readers see (MODE-PROFILE-INVALID reports it)
      if (word === '--durability-profile') into.durabilityProfile = value;
      return;
    }
    if (kind.field !== undefined) into[kind.field] = value;
  }
  if (help) {
    into.help = true;
    (into.helpBy ??= []).push(process);
  } else if (process === 'executor' && mode === undefined) into.executorDryRun = true;
}

/**
 * Parses the `--cli` string for a role (default cluster: the coordinator and its executors). When
 * it starts with the program (`krishiv clusterd …`, `/usr/local/bin/krishiv-executor …`,
 * `krishiv-operator …`), the program is decided as for a container's command
 * (src/production/manifest/command.ts): what the binary implies holds (krishiv-clusterd's leader
 * election; `krishiv executor`'s --help anywhere), every word goes to that program's parser (with
 * `cluster` too), a word between the subcommand and the flags is an argument the process refuses,
 * and a program of another role than the one checked is an input error. Anything else before the
 * first flag is skipped.
 */
export function parseCliFlags(input: string, role: Role = 'cluster'): CliFlags {
  const words = splitShellWords(input);
  const decision = words.length > 0 && !(words[0] as string).startsWith('-') ? decideProcess(words) : undefined;
  if (decision?.kind !== 'krishiv') return parseCliWords(words, role);
  const fits =
    decision.role === role ||
    (role === 'cluster' && (decision.role === 'coordinator' || decision.role === 'executor')) ||
    (decision.role === 'client' && (role === 'client-http' || role === 'client-flight'));
  if (!fits) {
    throw new KrishivError(
      'ERR_CLI_FLAGS_PARSE',
      `it starts ${decision.process}, a ${decision.role} process, but the role checked is ${role}; give --role ${decision.role}`,
      { input: '--cli' },
    );
  }
  // the words are that one program's: `krishiv clusterd --connect` is refused even when the role is cluster
  const cli = processCli(decision, decision.flags);
  const program = decision.flagOffset >= 0 ? words.slice(0, decision.flagOffset) : words.slice(0, 1);
  cli.positional = [...program, ...cli.positional];
  return cli;
}

/** The same model over words already split: a container's `command`/`args`, a unit's `ExecStart=`. */
export function parseCliWords(words: readonly string[], role: Role = 'cluster', context: CliContext = {}): CliFlags {
  const processes = processesOf(role);
  const out: CliFlags = { insecure: false, given: [], unknown: [], positional: [], repeated: [], refusals: [], processes };
  let start = 0;
  while (start < words.length && !(words[start] as string).startsWith('-')) start += 1;
  out.positional = words.slice(0, start);
  const rest = words.slice(start);
  if (processes.length === 0) {
    // The role's process reads no flags (or is not a krishiv process): nothing is checked, nothing refused.
    out.unknown = rest.filter((w) => w.startsWith('-'));
    return out;
  }
  const kindOf = (w: string): Kind | undefined => {
    for (const p of processes) if (Object.hasOwn(SPECS[p], w)) return SPECS[p][w];
    return undefined;
  };
  // One pass: the flags each process sees (cluster: the flags that mean something to it), near misses, repeats.
  const perProcess = new Map<EngineProcess, string[]>(processes.map((p) => [p, []]));
  const seen = new Set<string>();
  const hints = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i] as string;
    const kind = kindOf(word);
    if (kind === undefined) {
      const miss = nearMiss(word, knownFlags(role));
      if (miss !== undefined) hints.set(word, nearMissHint(word, miss, kindOf(miss)));
      out.unknown.push(word);
      for (const list of perProcess.values()) list.push(word);
      continue;
    }
    const value = kind.t === 'value' ? rest[i + 1] : undefined;
    if (seen.has(word) && !out.repeated.includes(word)) out.repeated.push(word);
    seen.add(word);
    out.given.push({ flag: word, value: kind.t === 'switch' ? true : (value ?? '') });
    for (const [p, list] of perProcess) {
      if (!Object.hasOwn(SPECS[p], word)) continue;
      list.push(word);
      if (value !== undefined) list.push(value);
    }
    if (kind.t === 'value' && value !== undefined) i += 1;
  }
  for (const [p, list] of perProcess) runParser(p, list, out, hints, context);
  return out;
}
