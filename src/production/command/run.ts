/**
 * check-production's domain run: Options + seams → what to show (the check list, the merged
 * environment, or a report). The env-file path's modules are imported statically (an `await
 * import()` of each cost a namespace object of getters at every start: 1.2-1.5M instructions);
 * the manifest, baseline, --cli and --store paths load only when asked for (chunks of their
 * own, scripts/build.mjs).
 */
import path from 'node:path';
import { CATALOG } from '../catalog.js';
import { loadEnv } from '../env/load.js';
import { probeEnvFiles, findDotenv } from '../token-files.js';
import { evaluate } from '../evaluate.js';
import type { Config } from '../../io/config.js';
import type { CheckDef } from '../checks/define.js';
import type { KeyLookup } from '../checks/keys.js';
import type { EnvSet, ProductionReport } from '../types.js';
import type { CheckProductionOptions } from './options.js';
import { wordForMessage } from '../../util/secret.js';

export interface CheckProductionSeams {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  config: Config;
  now(): Date;
  /** a warning about the input (stderr) */
  warn(message: string): void;
  /** progress worth a line on stderr (a baseline written) */
  info?(message: string): void;
  /** standard input, for `--manifest -` */
  readStdin?: () => Promise<string>;
}

export type CheckProductionResult =
  | { kind: 'list-checks'; checks: readonly CheckDef[] }
  | { kind: 'print-env'; envSet: EnvSet }
  | { kind: 'report'; report: ProductionReport; envSet: EnvSet; catalog: readonly CheckDef[]; storePath?: string; dotenvInCwd?: string };

export async function runCheckProduction(o: CheckProductionOptions, seams: CheckProductionSeams): Promise<CheckProductionResult> {
  if (o.mode === 'list-checks') return { kind: 'list-checks', checks: CATALOG.filter((c) => !o.roleGiven || c.roles.includes(o.role)) };

  // --manifest / --unit alone: no env to read (src/production/deploy.ts, its own bundle)
  const deploy = o.manifests.length > 0 || o.units.length > 0;
  if (deploy && o.envFiles.length === 0 && !o.processEnv) {
    const { deployCommandReport } = await import('../deploy.js');
    const report = await deployCommandReport(deployFlags(o), deployContext(o, seams));
    return {
      kind: 'report',
      report: await baselined(o, seams, report),
      envSet: { files: [], vars: new Map(), shadowed: [] },
      catalog: CATALOG,
    };
  }

  // (Node 20 also scans a script's argv for `--env-file`, nodejs/node#54232; the bin starts
  // node with `--`, and a file named after the script is not loaded into process.env.)
  const envSet = await loadEnv(o.envFiles, o.processEnv ? { ...seams.env } : undefined);
  if (o.mode === 'print-env') return { kind: 'print-env', envSet };

  const cli = o.cli === undefined ? undefined : (await import('../env/cli-flags.js')).parseCliFlags(o.cli, o.role);
  if (cli) {
    if (cli.processes.length === 0 && cli.unknown.length > 0) {
      const server = o.role === 'flight-server' || o.role === 'shuffle-svc';
      if (server && cli.unknown.some((w) => w === '--help' || w === '-h'))
        seams.warn(
          `--cli: \`krishiv ${o.role}\` prints its help and exits 0 without starting when --help or -h is among its words (crates/krishiv/src/daemon_cmd.rs:307-331; its standalone krishiv-${o.role === 'flight-server' ? 'flight-server' : 'shuffle-svc'} binary ignores it); the findings describe it started`,
        );
      else seams.warn(`--cli: the ${o.role} process reads no command-line flags; ${cli.unknown.map(wordForMessage).join(' ')} ignored`);
    } else
      for (const u of cli.unknown) {
        const hint = cli.refusals.find((r) => r.word === u && r.hint !== undefined)?.hint;
        seams.warn(
          `--cli: ${wordForMessage(u)} is not a flag the ${cli.processes.join(' or ')} knows: the engine refuses it (CLI-ARG-REFUSED)${hint !== undefined ? `; ${hint}` : ''}`,
        );
      }
    for (const r of cli.repeated) seams.warn(`--cli: ${r} is given more than once; the last one is used`);
  }
  const storePath = o.store === undefined ? undefined : path.resolve(seams.cwd, o.store);
  const keyLookup =
    storePath === undefined ? undefined : await storeKeyLookup(seams, storePath, o.store!, envSet.vars.get('KRISHIV_API_KEYS')?.value);

  const files = await probeEnvFiles(envSet, { cwd: seams.cwd, requireFiles: o.requireFiles });
  const dotenvInCwd = o.processEnv ? await findDotenv(seams.cwd) : undefined;
  let report = evaluate({
    envSet,
    role: o.role,
    cli: cli ?? {},
    files,
    requireFiles: o.requireFiles,
    processEnv: o.processEnv,
    ...(dotenvInCwd !== undefined ? { dotenvInCwd } : {}),
    strict: o.strict,
    waivers: seams.config.waivers,
    ...(seams.config.file !== undefined ? { configFile: seams.config.file } : {}),
    now: seams.now(),
    ...(keyLookup !== undefined ? { keyLookup } : {}),
  });
  if (deploy) {
    // env files and deployment artefacts together: each evaluated in its own right, one report
    const { deployCommandReport } = await import('../deploy.js');
    report = await deployCommandReport(deployFlags(o), deployContext(o, seams), report);
  }
  report = await baselined(o, seams, report);
  return {
    kind: 'report',
    report,
    envSet,
    catalog: CATALOG,
    ...(storePath !== undefined ? { storePath } : {}),
    ...(dotenvInCwd !== undefined ? { dotenvInCwd } : {}),
  };
}

/** --manifest / --unit flags for src/production/deploy.ts. */
function deployFlags(o: CheckProductionOptions): import('../deploy.js').DeployFlags {
  return {
    manifest: o.manifests,
    unit: o.units,
    ...(o.instance !== undefined ? { instance: o.instance } : {}),
    helmValues: o.helmValues,
    ...(o.roleGiven ? { role: o.role } : {}),
    requireFiles: o.requireFiles,
  };
}

function deployContext(o: CheckProductionOptions, seams: CheckProductionSeams) {
  return {
    role: o.role,
    strict: o.strict,
    now: seams.now(),
    cwd: seams.cwd,
    readStdin: seams.readStdin ?? (async () => ''),
    ...(seams.config.waivers !== undefined ? { waivers: seams.config.waivers } : {}),
    ...(seams.config.file !== undefined ? { configFile: seams.config.file } : {}),
    keepPasses: keepsPasses(o, seams),
  };
}

/**
 * Whether the report needs each passing check as a finding: the text and GitHub reports show
 * passes only as counts, so a manifest run for them counts passes instead of keeping 100,000s of
 * findings; JSON (also --json beside another format), SARIF, JUnit and Markdown list them, and
 * waivers and baselines re-read every finding.
 */
function keepsPasses(o: CheckProductionOptions, seams: CheckProductionSeams): boolean {
  if (o.json || (o.format !== 'text' && o.format !== 'github')) return true;
  if (o.baseline !== undefined || o.writeBaseline !== undefined) return true;
  return (seams.config.waivers?.length ?? 0) > 0;
}

/** --write-baseline / --baseline (src/production/baseline.ts), loaded only when asked for. */
async function baselined(o: CheckProductionOptions, seams: CheckProductionSeams, report: ProductionReport): Promise<ProductionReport> {
  if (o.baseline === undefined && o.writeBaseline === undefined) return report;
  const { baselineStep } = await import('../baseline.js');
  return baselineStep(report, o, { cwd: seams.cwd, info: (m) => (seams.info ?? seams.warn)(m) });
}

/** The KEYS-* lookup over the --store file (src/production/command/store-keys.ts), with the real Argon2id hasher. */
async function storeKeyLookup(seams: CheckProductionSeams, file: string, label: string, apiKeys: string | undefined): Promise<KeyLookup> {
  const [{ openStoreLookup }, { createArgon2Hasher, resolveArgon2Params }, { checkStoreKeys }] = await Promise.all([
    import('../../keys/store-file.js'),
    import('../../keys/hasher.js'),
    import('./store-keys.js'),
  ]);
  const config = seams.config;
  return checkStoreKeys(await openStoreLookup(file, label), apiKeys, {
    now: seams.now(),
    hasher: createArgon2Hasher(),
    dummyParams: resolveArgon2Params(config.argon2, config.file),
  });
}
