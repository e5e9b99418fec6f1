/**
 * The root program's global options, in one table, and the one reader of them in raw argv.
 * The frame's pre-scan (src/cli/main.ts: output mode and config before any command loads), the
 * start-up fast path (src/cli/fast-parse.ts: options that may sit anywhere around a command) and
 * commander's root definition (`configureRoot`) all read GLOBAL_OPTIONS.
 */
import { KrishivError } from '../errors.js';

export interface GlobalOptions {
  json: boolean;
  /** false when --no-color was given */
  color: boolean;
  quiet: boolean;
  debug: boolean;
  config?: string;
}

export interface GlobalOptionSpec {
  /** commander's flags string */
  readonly flags: string;
  /** the spellings on the command line */
  readonly names: readonly string[];
  /** takes a value (`--config <file>`, `--config=<file>`) */
  readonly takesValue: boolean;
  readonly description: string;
  /** what it sets */
  apply(g: GlobalOptions, value: string | undefined): void;
}

/** In the order root help lists them (after -V, --version). */
export const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  {
    flags: '--json',
    names: ['--json'],
    takesValue: false,
    description: 'print one JSON document on stdout (also for errors)',
    apply: (g) => {
      g.json = true;
    },
  },
  {
    flags: '--no-color',
    names: ['--no-color'],
    takesValue: false,
    description: 'disable colour (also NO_COLOR)',
    apply: (g) => {
      g.color = false;
    },
  },
  {
    flags: '-q, --quiet',
    names: ['-q', '--quiet'],
    takesValue: false,
    description: 'print only the answer and errors',
    apply: (g) => {
      g.quiet = true;
    },
  },
  {
    flags: '--config <file>',
    names: ['--config'],
    takesValue: true,
    description: 'read configuration from this JSON or YAML file',
    apply: (g, value) => {
      if (value !== undefined) g.config = value;
    },
  },
  {
    flags: '--debug',
    names: ['--debug'],
    takesValue: false,
    description: 'show stacks and causes on errors',
    apply: (g) => {
      g.debug = true;
    },
  },
];

export interface GlobalOptionAt {
  option: GlobalOptionSpec;
  /** the value (`--config f`, `--config=f`); undefined when the option takes none or it is missing */
  value: string | undefined;
  /** argv entries it spans (1 or 2) */
  span: number;
  /** a value was expected and argv ended */
  missingValue: boolean;
  /**
   * a short switch written together with more letters (`-qx`): commander reads it as `-q -x`, so
   * the switch applies and the rest is another word (the fast path leaves such argv to commander)
   */
  combined: boolean;
}

/**
 * The global option at `argv[i]`, or undefined when `argv[i]` is not one. As commander reads
 * it: a value is the next entry whatever it looks like, or the part after `=`.
 */
export function globalOptionAt(argv: readonly string[], i: number): GlobalOptionAt | undefined {
  const a = argv[i]!;
  if (a[0] !== '-') return undefined;
  const eq = a.startsWith('--') ? a.indexOf('=') : -1;
  const name = eq < 0 ? a : a.slice(0, eq);
  const option = GLOBAL_OPTIONS.find((o) => o.names.includes(name));
  if (option === undefined) {
    const combined = a.length > 2 && a[1] !== '-' ? shortSwitch(a.slice(0, 2)) : undefined;
    return combined === undefined ? undefined : { option: combined, value: undefined, span: 1, missingValue: false, combined: true };
  }
  if (eq >= 0) return option.takesValue ? { option, value: a.slice(eq + 1), span: 1, missingValue: false, combined: false } : undefined;
  if (!option.takesValue) return { option, value: undefined, span: 1, missingValue: false, combined: false };
  const value = argv[i + 1];
  return value === undefined
    ? { option, value, span: 1, missingValue: true, combined: false }
    : { option, value, span: 2, missingValue: false, combined: false };
}

/** The global switch (no value) spelt `-x`, if any. */
function shortSwitch(flag: string): GlobalOptionSpec | undefined {
  return GLOBAL_OPTIONS.find((o) => !o.takesValue && o.names.includes(flag));
}

/** Global options as seen in raw argv, before commander runs (needed for usage errors), and the command named. */
export function prescanGlobals(argv: readonly string[]): GlobalOptions & { command: string | undefined } {
  const g: GlobalOptions & { command: string | undefined } = {
    json: false,
    color: true,
    quiet: false,
    debug: false,
    command: undefined,
  };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const at = globalOptionAt(argv, i);
    if (at !== undefined) {
      at.option.apply(g, at.value);
      i += at.span - 1;
    } else if (!a.startsWith('-') && positionals.length < 2) positionals.push(a);
  }
  // `help <command>` loads that command's module.
  g.command = positionals[0] === 'help' ? positionals[1] : positionals[0];
  return g;
}

/** `-V`/`--version` among the root options, before the command name (as commander reads it). */
export function rootVersionRequested(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (a === '-V' || a === '--version') return true;
    const at = globalOptionAt(argv, i);
    if (at?.combined) {
      // `-qV`: commander reads -q, then -V
      for (const c of a.slice(2)) {
        if (c === 'V') return true;
        if (shortSwitch(`-${c}`) === undefined) break;
      }
    }
    if (at !== undefined) i += at.span - 1;
    else if (!a.startsWith('-')) return false;
  }
  return false;
}

/**
 * Environment variables for the global options, for CI jobs that set them once: a flag on the
 * command line wins over its variable (and `--no-color` over everything).
 */
export const GLOBAL_ENV = {
  config: 'KRISHIV_AUTH_CONFIG',
  json: 'KRISHIV_AUTH_JSON',
  quiet: 'KRISHIV_AUTH_QUIET',
  debug: 'KRISHIV_AUTH_DEBUG',
} as const;

/** A boolean environment variable: 1/true/yes/on or 0/false/no/off/empty; anything else is a usage error. */
export function envSwitch(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const raw = env[name];
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === '' || v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
  throw new KrishivError('ERR_USAGE', `expected 1 or 0 (true/false, yes/no, on/off), got "${raw.slice(0, 20)}"`, { input: name });
}

/** Fills the global options argv left unset from their environment variables (GLOBAL_ENV). */
export function applyGlobalEnv(g: GlobalOptions, env: Readonly<Record<string, string | undefined>>): void {
  if (g.config === undefined) {
    const file = env[GLOBAL_ENV.config];
    if (file !== undefined && file.trim() !== '') g.config = file;
  }
  if (!g.json && envSwitch(env, GLOBAL_ENV.json)) g.json = true;
  if (!g.quiet && envSwitch(env, GLOBAL_ENV.quiet)) g.quiet = true;
  if (!g.debug && envSwitch(env, GLOBAL_ENV.debug)) g.debug = true;
}
