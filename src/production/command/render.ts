/**
 * How check-production shows its result: on stdout (text or one JSON document), or in the file
 * --output names (written atomically, never over one of the run's inputs), with a summary line
 * on stderr. The command hands in its output channel; nothing here reads flags.
 */
import path from 'node:path';
import { assertNotAnInput, writeFileAtomic } from '../../io/fs.js';
import * as reporters from '../../report/index.js';
import { PLAIN, type Style } from '../../text/style.js';
import { hangingWrap } from '../../text/table.js';
import { printEnvJson, printEnvText } from '../env/print-env.js';
import { FILE_VARIABLES, filePathOf } from '../model.js';
import { TOOL_INFO } from '../../version.js';
import { redactUrlPasswords } from '../../util/secret.js';
import type { CheckDef } from '../checks/define.js';
import type { CheckProductionOptions } from './options.js';
import type { CheckProductionResult } from './run.js';

export interface CheckProductionOutput {
  style: Style;
  /** terminal width for wrapping on a TTY; undefined when piped */
  width: number | undefined;
  quiet: boolean;
  print(text: string, kind?: 'text' | 'json'): void;
  info(message: string): void;
  writeJson(doc: unknown): void;
}

export interface OutputContext {
  cwd: string;
  configFile?: string;
}

/** Writes the result; returns whether every check passed (always true for a listing). */
export async function showCheckProduction(
  result: CheckProductionResult,
  o: CheckProductionOptions,
  out: CheckProductionOutput,
  where: OutputContext,
): Promise<boolean> {
  if (result.kind === 'list-checks') {
    const doc = { ok: true, checks: result.checks };
    if (o.output !== undefined) {
      await writeOutput(
        o.output,
        `${o.asJson ? JSON.stringify({ ...doc, tool: TOOL_INFO }, null, 2) : await checksText(result.checks, PLAIN, undefined)}\n`,
        await outputInputs(result, o, where),
        where.cwd,
      );
      if (o.json) out.writeJson(doc);
      else out.info(`${result.checks.length} checks written to ${o.output}`);
    } else if (o.asJson) out.writeJson(doc);
    else out.print(await checksText(result.checks, out.style, out.width));
    return true;
  }
  if (result.kind === 'print-env') {
    const doc = { ok: true, ...printEnvJson(result.envSet) };
    if (o.output !== undefined) {
      await writeOutput(
        o.output,
        o.asJson ? `${JSON.stringify({ ...doc, tool: TOOL_INFO }, null, 2)}\n` : printEnvText(result.envSet),
        await outputInputs(result, o, where),
        where.cwd,
      );
      if (o.json) out.writeJson(doc);
      else out.info(`${result.envSet.vars.size} variables written to ${o.output}`);
    } else if (o.asJson) out.writeJson(doc);
    else {
      const text = printEnvText(result.envSet);
      if (text !== '') out.print(text);
    }
    return true;
  }
  const { report } = result;
  if (o.output !== undefined) {
    const text = reporters.renderReport(o.format, report, result.catalog, { srcRoot: where.cwd });
    await writeOutput(o.output, `${text}\n`, await outputInputs(result, o, where), where.cwd);
    if (o.json) out.writeJson(reporters.toJsonDocument(report));
    else if (!out.quiet) out.info(`${reporters.summaryLine(report)} (${o.format} report written to ${o.output})`);
  } else if (o.format === 'json') out.writeJson(reporters.toJsonDocument(report));
  else {
    out.print(
      reporters.renderReport(o.format, report, result.catalog, { style: out.style, srcRoot: where.cwd }),
      o.format === 'sarif' ? 'json' : 'text',
    );
    if (o.format !== 'text') out.info(reporters.summaryLine(report));
  }
  return report.ok;
}

/** --list-checks as text: id, class, unmet status, roles, then the rule, wrapped to the terminal. */
async function checksText(checks: readonly CheckDef[], style: Style, width: number | undefined): Promise<string> {
  return checks
    .map(
      (c) =>
        `${style.bold(c.id.padEnd(32))} ${c.class.padEnd(9)} ${c.severity === 'warn' ? 'warn' : 'fail'}  ${c.roles.length >= 9 ? 'all roles' : c.roles.join(',')}\n${' '.repeat(33)}${hangingWrap(c.rule, 33, width)}`,
    )
    .join('\n');
}

async function writeOutput(file: string, text: string, inputs: { path: string; label: string }[], cwd: string): Promise<void> {
  assertNotAnInput(path.resolve(cwd, file), '--output', inputs);
  // the same URL-password masking as stdout gets (output.ts): a message may quote a value with one
  await writeFileAtomic(file, redactUrlPasswords(text), { label: file });
}

/**
 * --output never replaces one of the run's inputs (compared by device and inode, so a link or
 * another spelling of the same file is caught): the env files, the config file, the key store,
 * the token and TLS files the env names, a .env the engine would load.
 */
async function outputInputs(
  result: CheckProductionResult,
  o: CheckProductionOptions,
  where: OutputContext,
): Promise<{ path: string; label: string }[]> {
  const inputs = [
    ...(result.kind === 'list-checks' ? [] : o.envFiles.map((f) => ({ path: path.resolve(where.cwd, f), label: `--env-file ${f}` }))),
    ...(where.configFile === undefined ? [] : [{ path: where.configFile, label: `the config file ${where.configFile}` }]),
    ...(result.kind === 'list-checks'
      ? []
      : [
          ...o.manifests.filter((m) => m !== '-').map((m) => ({ path: path.resolve(where.cwd, m), label: `--manifest ${m}` })),
          ...o.units.map((u) => ({ path: path.resolve(where.cwd, u), label: `--unit ${u}` })),
        ]),
    ...(o.baseline === undefined ? [] : [{ path: path.resolve(where.cwd, o.baseline), label: `--baseline ${o.baseline}` }]),
  ];
  if (result.kind === 'list-checks') return inputs;
  for (const name of FILE_VARIABLES) {
    const p = filePathOf(name, result.envSet.vars.get(name)?.value);
    if (p !== undefined) inputs.push({ path: path.resolve(where.cwd, p), label: `${name} (${p})` });
  }
  if (result.kind === 'report') {
    if (result.storePath !== undefined) inputs.push({ path: result.storePath, label: `the key store ${o.store}` });
    if (result.dotenvInCwd !== undefined) inputs.push({ path: result.dotenvInCwd, label: result.dotenvInCwd });
  }
  return inputs;
}
