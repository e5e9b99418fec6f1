/**
 * check-production over a systemd service unit: the environment systemd gives ExecStart=
 * (Environment=, then EnvironmentFile= over it), the process and flags of ExecStart=, then
 * the same checks as an env file. I/O (env files, token files) comes in through seams.
 */
import { KrishivError } from '../../errors.js';
import { applyAssumptions, undecidedBySources } from '../assumptions.js';
import { evaluateWithStats, summarize, type VariantStats } from '../evaluate.js';
import { checkInfo } from '../catalog.js';
import type { FileProbe } from '../model.js';
import type { EnvSet, EnvVar, Finding, Role, UnknownPiece, WorkloadRef, WorkloadSummary } from '../types.js';
import { argvIndexOf, decideProcess, flagNamedBy, processCli, variedCommandLine } from '../manifest/command.js';
import { marker, partsOf, standIn, valueOfParts } from '../manifest/stand-in.js';
import {
  execPrefixes,
  expandExecWords,
  expandSpecifiers,
  lineAt,
  parseSystemdEnvFile,
  parseUnitFile,
  splitUnitWords,
  unitName,
  type UnitLine,
} from './systemd.js';

/** What ExecStart= may add up to once its $VAR/${VAR} are expanded. */
const EXEC_EXPANSION_LIMIT = 4 * 1024 * 1024;

export interface UnitSeams {
  /** reads an EnvironmentFile= path on this machine; undefined when it does not exist here */
  readEnvFile: (path: string) => string | undefined;
  /** the token-file probe for the unit's environment */
  probe: (envSet: EnvSet) => Promise<FileProbe>;
}

export interface UnitOptions {
  instance?: string;
  role?: Role;
  requireFiles: boolean;
  now: Date;
}

function info(
  id: string,
  status: Finding['status'],
  message: string,
  location: Finding['location'],
  workload: WorkloadRef,
  variables: string[] = [],
): Finding {
  const c = checkInfo(id);
  return { id, predicate: c.predicate, status, class: c.class, message, remediation: c.fix, location, variables, workload };
}

/** A unit's findings and workload; `variants`: what its runs with other values cost (absent when the checks did not run). */
export interface UnitResult {
  findings: Finding[];
  workloads: WorkloadSummary[];
  variants?: VariantStats;
}

export async function evaluateUnit(file: string, text: string, options: UnitOptions, seams: UnitSeams): Promise<UnitResult> {
  const u = unitName(file, options.instance);
  if (u.template && options.instance === undefined) {
    throw new KrishivError('ERR_USAGE', `is a template unit (${u.file}); give the instance it runs as with --instance <name> (for %i/%I)`, {
      input: file,
    });
  }
  const unit = parseUnitFile(text, file);
  const service = unit.sections.get('Service') ?? [];
  // %u, %g, %h, %U, %G follow User=/Group= (the last setting wins; an empty one resets)
  for (const s of service) {
    if (s.key !== 'User' && s.key !== 'Group') continue;
    const field = s.key === 'User' ? 'user' : 'group';
    if (s.value === '') delete u[field];
    else u[field] = s.value;
  }
  const name = u.template ? u.file.replace('@.', `@${u.instance ?? ''}.`) : u.file;
  const workload: WorkloadRef = { file, kind: 'Unit', name };

  const env = new Map<string, EnvVar>();
  const fromFiles = new Map<string, EnvVar>();
  const envFiles: Array<{ path: string; optional: boolean; line: number }> = [];
  let exec: UnitLine | undefined;
  const mk = (n: string, value: string, f: string, line: number): EnvVar => ({
    name: n,
    value,
    raw: value,
    quoting: 'none',
    origin: { source: 'file', file: f },
    line,
    references: [],
    unresolved: [],
  });
  for (const s of service) {
    const label = `${file}:${s.line}`;
    if (s.key === 'Environment') {
      if (s.value === '') {
        env.clear();
        continue;
      }
      // systemd splits the words first, then resolves specifiers in each (config_parse_environ); a
      // specifier only the target host knows makes that variable "set, value unknown"
      for (const raw of splitUnitWords(s.value, label)) {
        const hostOnly: string[] = [];
        const pieces: UnknownPiece[][] = [];
        // each specifier only the host knows is one unknown piece of the value (marked, then split)
        const word = expandSpecifiers(raw, u, label, (spec, what) => {
          hostOnly.push(`${spec} (${what})`);
          const source = `unit/${spec}`;
          pieces.push([{ source, kind: 'any', text: standIn(source) }]);
          return marker(pieces.length - 1);
        });
        const eq = word.indexOf('=');
        const n = eq > 0 ? word.slice(0, eq) : '';
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) continue; // systemd: "Invalid environment assignment, ignoring"
        env.delete(n);
        const parts = hostOnly.length > 0 ? partsOf(word.slice(eq + 1), pieces) : undefined;
        const v = mk(n, parts ? valueOfParts(parts) : word.slice(eq + 1), file, s.line);
        if (hostOnly.length > 0) {
          v.assumption = { kind: 'unknown', reason: `${hostOnly.join(', ')} is known only on the target host` };
          // a marker character written in the unit itself: the whole value stands in
          v.parts = parts ?? [{ source: `unit/${n}`, kind: 'any', text: v.value }];
        }
        env.set(n, v);
      }
    } else if (s.key === 'EnvironmentFile') {
      if (s.value === '') {
        envFiles.length = 0;
        continue;
      }
      const optional = s.value.startsWith('-');
      // a specifier only the target host knows stays as written: the file is then not found here
      const where = expandSpecifiers(optional ? s.value.slice(1) : s.value, u, label, (spec) => spec);
      envFiles.push({ path: where, optional, line: s.line });
    } else if (s.key === 'ExecStart') {
      if (s.value === '') exec = undefined;
      else exec = s;
    }
  }

  const own: Finding[] = [];
  /** EnvironmentFile= lines not on this machine: they may set or override any variable */
  const unknownFiles: string[] = [];
  for (const ef of envFiles) {
    const content = seams.readEnvFile(ef.path);
    if (content === undefined) {
      unknownFiles.push(`EnvironmentFile=${ef.optional ? '-' : ''}${ef.path}`);
      own.push(
        info(
          'UNIT-ENV-FILE-NOT-HERE',
          'skip',
          `not checked here: EnvironmentFile=${ef.optional ? '-' : ''}${ef.path} does not exist on this machine${ef.optional ? '' : ' (on the target, a missing file stops the unit)'}; its variables are unknown`,
          { file, line: ef.line },
          workload,
        ),
      );
      continue;
    }
    for (const e of parseSystemdEnvFile(content)) {
      fromFiles.delete(e.name);
      fromFiles.set(e.name, mk(e.name, e.value, ef.path, e.line));
    }
  }
  // EnvironmentFile= overrides Environment= (systemd.exec(5))
  const vars = new Map<string, EnvVar>(env);
  for (const [n, v] of fromFiles) vars.set(n, v);

  const undecided = (reason: string): UnitResult => {
    // the reason may quote ExecStart= after $VAR expansion: masked as the checks' messages are
    const raw = info('DEPLOY-PROCESS-UNDECIDED', 'skip', `not checked: ${reason}`, { file, line: exec?.line ?? 1 }, workload);
    const f = applyAssumptions([raw], vars)[0] ?? raw;
    const all = [...own, f];
    return { findings: all, workloads: [{ ...workload, line: exec?.line ?? 1, role: null, ok: true, summary: summarize(all) }] };
  };
  if (!exec) return options.role !== undefined ? { findings: [], workloads: [] } : undecided('the unit has no ExecStart=');
  const label = `${file}:${exec.line}`;
  const pre = execPrefixes(exec.value);
  const prefixLength = exec.value.length - pre.rest.length;
  const starts: number[] = [];
  // systemd splits the words first, then resolves specifiers in each (config_parse_exec); each word
  // keeps the line it is written on (continuation lines), and so do the words a $VAR splits into
  const hostOnly: string[] = [];
  let words = splitUnitWords(pre.rest, label, starts).map((w) =>
    expandSpecifiers(w, u, label, (spec, what) => {
      hostOnly.push(`${spec} (${what})`);
      return spec;
    }),
  );
  if (hostOnly.length > 0) {
    if (options.role !== undefined) return { findings: [], workloads: [] };
    return undecided(`ExecStart= uses ${[...new Set(hostOnly)].join(', ')}, known only on the target host`);
  }
  const written = words;
  const writtenLines = starts.map((at) => lineAt(exec!, at + prefixLength));
  // the command line with $VAR expanded from `lookup` (read again with other values for the ones not known here)
  const argv = (lookup: (n: string) => string | undefined): { words: string[]; lines: number[] } => {
    let out = written;
    let lines = writtenLines;
    if (!pre.noExpand) {
      const expanded: string[] = [];
      const at: number[] = [];
      // `$A $A $A …` with a large A may not grow without bound
      let total = 0;
      written.forEach((w, i) => {
        for (const x of expandExecWords([w], lookup)) {
          total += x.length;
          if (total > EXEC_EXPANSION_LIMIT)
            throw new KrishivError('ERR_UNIT_PARSE', 'ExecStart= grows past 4 MiB once its $VAR are expanded: refused, not read', {
              input: label,
            });
          expanded.push(x);
          at.push(writtenLines[i]!);
        }
      });
      out = expanded;
      lines = at;
    }
    return pre.argv0Separate ? { words: out.slice(1), lines: lines.slice(1) } : { words: out, lines };
  };
  const expands = new Set<string>();
  const lookup = (n: string): string | undefined => {
    expands.add(n);
    return vars.get(n)?.value;
  };
  const first = argv(lookup);
  words = first.words;
  const wordLines = first.lines;
  const decision = decideProcess(words, lookup);
  if (decision.kind !== 'krishiv') {
    if (options.role !== undefined) return { findings: [], workloads: [] };
    return undecided(decision.kind === 'undecided' ? decision.reason : `ExecStart= runs ${words[0] ?? 'nothing'}, not a Krishiv binary`);
  }
  if (options.role !== undefined && options.role !== decision.role) return { findings: [], workloads: [] };
  // a flag the process refuses, a misspelt one included, is its CLI-ARG-REFUSED finding
  const cli = processCli(decision, decision.flags);
  const envSet: EnvSet = { files: [file, ...envFiles.map((e) => e.path)], vars, shadowed: [] };
  // ExecStart= expanding a value not known here: read again with the values evaluate tries
  const commandLine = variedCommandLine(written, /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, expands, vars, decision, (lk) => argv(lk).words);
  const { report, variants } = evaluateWithStats({
    ...(commandLine !== undefined ? { commandLine } : {}),
    envSet,
    role: decision.role,
    cli,
    files: await seams.probe(envSet),
    requireFiles: options.requireFiles,
    processEnv: false,
    now: options.now,
  });
  // a file not here may set any variable, and overrides Environment= (systemd.exec(5)): what a
  // finding concludes from the variables it names is not decided here
  if (unknownFiles.length > 0) {
    const files = unknownFiles.join(', ');
    undecidedBySources(report.findings, () => files, `${unknownFiles.length > 1 ? 'are' : 'is'} not on this machine`);
  }
  // a finding about the command line, or about an absent variable: the line of the flag its message
  // names (ExecStart= may run over several lines), else the ExecStart= line
  const lineOf = (message: string): number => {
    const flag = flagNamedBy(cli, message);
    const at = flag === undefined ? undefined : argvIndexOf(decision, flag);
    return (at === undefined ? undefined : wordLines[at]) ?? exec.line;
  };
  const findings = [...report.findings, ...own].map((f): Finding => {
    const out: Finding = { ...f, workload };
    if (!f.location || f.location.line === undefined) out.location = { file, line: lineOf(f.message) };
    return out;
  });
  const summary = summarize(findings);
  return { findings, workloads: [{ ...workload, line: exec.line, role: decision.role, ok: summary.fail === 0, summary }], variants };
}
