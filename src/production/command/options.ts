/**
 * check-production's flags, environment and config → Options, in one pure function: every
 * usage rule of the command lives here (ERR_USAGE, naming the flag).
 */
import { closest } from '../../util/edit-distance.js';
import { KrishivError } from '../../errors.js';
import type { Config } from '../../io/config.js';
import type { ReportFormat } from '../../report/index.js';
import { ROLES, type Role } from '../types.js';

export interface CheckProductionFlags {
  envFile?: string[];
  role?: string;
  processEnv?: boolean;
  cli?: string;
  format?: string;
  output?: string;
  strict?: boolean;
  store?: string;
  requireFiles?: boolean;
  listChecks?: boolean;
  printEnv?: boolean;
  manifest?: string[];
  unit?: string[];
  instance?: string;
  helmValues?: string[];
  baseline?: string;
  writeBaseline?: string;
}

export interface CheckProductionOptions {
  /** what to print: the check list, the merged environment, or a report */
  mode: 'list-checks' | 'print-env' | 'check';
  /** the report format (mode check) */
  format: ReportFormat;
  /** list-checks and print-env: JSON instead of text */
  asJson: boolean;
  /** the global --json: stdout carries one JSON document */
  json: boolean;
  output?: string;
  role: Role;
  /** --role given (list-checks then lists that role's checks only) */
  roleGiven: boolean;
  envFiles: string[];
  processEnv: boolean;
  /** the process's command line, as given to --cli */
  cli?: string;
  strict: boolean;
  /** the key store named on purpose (--store or checkProduction.store): KEYS-* run only then */
  store?: string;
  requireFiles: boolean;
  /** --manifest / --unit (src/production/deploy.ts) */
  manifests: string[];
  units: string[];
  instance?: string;
  helmValues: string[];
  /** --baseline / --write-baseline (src/production/baseline.ts) */
  baseline?: string;
  writeBaseline?: string;
}

// The reporters' own list, as a type-checked copy: importing src/report here would load every reporter at start-up.
export const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'];
const isFormat = (name: string): name is ReportFormat => (FORMATS as readonly string[]).includes(name);

function usage(message: string, input: string): KrishivError {
  return new KrishivError('ERR_USAGE', message, { input });
}

export function resolveCheckProductionOptions(
  flags: CheckProductionFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<Config, 'checkProduction'>,
  globals: { json: boolean },
): CheckProductionOptions {
  const cp = config.checkProduction ?? {};
  const format = flags.format ?? (globals.json ? 'json' : env['KRISHIV_AUTH_FORMAT']?.trim() || cp.format || 'text');
  if (!isFormat(format)) throw usage(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`, '--format');
  if (globals.json && format !== 'json' && flags.output === undefined) {
    throw usage(
      `--json prints the JSON report on stdout; it cannot be combined with --format ${format} unless --output takes the ${format} report`,
      '--format',
    );
  }
  const roleName = flags.role ?? cp.role ?? 'cluster';
  if (!(ROLES as readonly string[]).includes(roleName)) {
    throw usage(`unknown role "${roleName}"; did you mean ${closest(roleName, [...ROLES])}? (roles: ${ROLES.join(', ')})`, '--role');
  }
  if (flags.listChecks && flags.printEnv)
    throw usage('--list-checks and --print-env each print something else; give one of them', '--print-env');
  const mode = flags.listChecks ? 'list-checks' : flags.printEnv ? 'print-env' : 'check';
  if (mode !== 'check' && flags.format !== undefined && flags.format !== 'text' && flags.format !== 'json') {
    throw usage(`--${mode} prints text or json, not ${flags.format}`, '--format');
  }
  const manifests = flags.manifest ?? [];
  const units = flags.unit ?? [];
  const deploy = manifests.length > 0 || units.length > 0;
  if (deploy && mode === 'print-env')
    throw usage('--print-env reads env files; it cannot be combined with --manifest or --unit', '--print-env');
  if (flags.instance !== undefined && units.length === 0)
    throw usage('--instance names the instance of a template unit; give --unit as well', '--instance');
  const envFiles = flags.envFile !== undefined && flags.envFile.length > 0 ? flags.envFile : deploy ? [] : [...(cp.envFiles ?? [])];
  if (mode !== 'list-checks' && envFiles.length === 0 && !flags.processEnv && !deploy) {
    throw usage(
      'nothing to check: give --env-file <file> (repeatable), set checkProduction.envFiles in the config, or use --process-env',
      '--env-file',
    );
  }
  const store = flags.store ?? cp.store;
  const options: CheckProductionOptions = {
    mode,
    format,
    asJson: flags.format === 'json' || (flags.format === undefined && globals.json),
    json: globals.json,
    role: roleName as Role,
    roleGiven: flags.role !== undefined,
    envFiles,
    processEnv: flags.processEnv === true,
    strict: flags.strict ?? cp.strict ?? false,
    requireFiles: flags.requireFiles === true,
    manifests,
    units,
    helmValues: flags.helmValues ?? [],
  };
  if (flags.instance !== undefined) options.instance = flags.instance;
  if (flags.baseline !== undefined) options.baseline = flags.baseline;
  if (flags.writeBaseline !== undefined) options.writeBaseline = flags.writeBaseline;
  if (flags.output !== undefined) options.output = flags.output;
  if (flags.cli !== undefined) options.cli = flags.cli;
  if (store !== undefined) options.store = store;
  return options;
}
