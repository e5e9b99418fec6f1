/**
 * Parses `--cli "<flags>"`: the command line of the krishiv process being checked, because
 * several of its flags change the verdict (surface §3.2, §3.4, §6.4). The string is split
 * into words like a POSIX shell would (single quotes literal, double quotes with `\"`, `\\`,
 * `\$` and `` \` `` escapes, backslash outside quotes escaping the next character; no
 * expansion), then `--flag value` and `--flag=value` are read for the known flags.
 * Unknown flags and other words are kept (for a warning), never fatal. Malformed input
 * (an unterminated quote, a trailing backslash, a known flag without its value, a value
 * given to `--insecure`) throws ERR_CLI_FLAGS_PARSE.
 */
import { KrishivError } from '../../errors.js';

/** Value-taking flags that change the verdict → the CliFlags field they fill. */
export const CLI_VALUE_FLAGS = {
  '--durability-profile': 'durabilityProfile',
  '--flight-addr': 'flightAddr',
  '--shuffle-dir': 'shuffleDir',
  '--shuffle-uri': 'shuffleUri',
  '--state-dir': 'stateDir',
  '--checkpoint-uri': 'checkpointUri',
  '--metadata-backend': 'metadataBackend',
  '--metadata-path': 'metadataPath',
  '--leader-backend': 'leaderBackend',
  '--etcd-endpoints': 'etcdEndpoints',
  '--leader-lease-secs': 'leaderLeaseSecs',
  '--grpc-addr': 'grpcAddr',
  '--http-addr': 'httpAddr',
  '--task-grpc-addr': 'taskGrpcAddr',
  '--barrier-grpc-addr': 'barrierGrpcAddr',
  '--executor-grpc-addr': 'executorGrpcAddr',
  '--coordinator': 'coordinator',
} as const;

/** Boolean flags (present or absent). */
export const CLI_BOOL_FLAGS = { '--insecure': 'insecure', '--connect': 'connect' } as const;

export type CliValueField = (typeof CLI_VALUE_FLAGS)[keyof typeof CLI_VALUE_FLAGS];

export type CliFlags = { [K in CliValueField]?: string } & {
  /** `--insecure` given */
  insecure: boolean;
  /** `--connect` given (the executor's mode flag; it takes no value: krishiv-executor/src/cli.rs:1247) */
  connect?: boolean;
  /** known flags in the order given, with their values (`true` for `--insecure`) */
  given: Array<{ flag: string; value: string | true }>;
  /** flags this tool does not know (kept as written, `--x=y` included) */
  unknown: string[];
  /** words that are not flags (a subcommand such as `coordinator`, or an unknown flag's value) */
  positional: string[];
  /** known flags given more than once (the last one is used) */
  repeated: string[];
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

function isValueFlag(flag: string): flag is keyof typeof CLI_VALUE_FLAGS {
  return Object.hasOwn(CLI_VALUE_FLAGS, flag);
}

/** Parses the `--cli` string into CliFlags. */
export function parseCliFlags(input: string): CliFlags {
  return parseCliWords(splitShellWords(input));
}

/** The same model over words already split (a container's `command`/`args`, a unit's ExecStart). */
export function parseCliWords(words: readonly string[], label = '--cli'): CliFlags {
  const out: CliFlags = { insecure: false, given: [], unknown: [], positional: [], repeated: [] };
  const seen = new Set<string>();
  const note = (flag: string): void => {
    if (seen.has(flag) && !out.repeated.includes(flag)) out.repeated.push(flag);
    seen.add(flag);
  };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (word === '--') {
      out.positional.push(...words.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      out.positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const flag = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    const inline = word.startsWith('--') && eq > 0 ? word.slice(eq + 1) : undefined;
    if (flag === '--insecure' || flag === '--connect') {
      if (inline !== undefined) {
        throw new KrishivError('ERR_CLI_FLAGS_PARSE', `${flag} takes no value`, { input: label });
      }
      note(flag);
      if (flag === '--insecure') out.insecure = true;
      else out.connect = true;
      out.given.push({ flag, value: true });
      continue;
    }
    if (isValueFlag(flag)) {
      let value = inline;
      if (value === undefined) {
        const next = words[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new KrishivError('ERR_CLI_FLAGS_PARSE', `${flag} needs a value`, { input: label });
        }
        value = next;
        i += 1;
      }
      note(flag);
      out[CLI_VALUE_FLAGS[flag]] = value;
      out.given.push({ flag, value });
      continue;
    }
    out.unknown.push(word);
  }
  return out;
}
