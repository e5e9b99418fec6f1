/**
 * SARIF 2.1.0 for check-production, shaped for GitHub code scanning:
 * - one rule per catalog check (plus any finding id the catalog lacks), with the rule, engine
 *   source, engine message and fix as `help` (the same text as `explain <ID>`);
 * - results for `fail` (error) and `warn` (warning) findings, and `waived` findings as results
 *   carrying an accepted `external` suppression with the waiver's justification (the waiver
 *   was reviewed, so `notReviewed` would be false; and an audit trail of what is waived
 *   belongs in the log). `options.waived: 'omit'` leaves them out instead, because GitHub
 *   code scanning does not honour `suppressions` and shows such results as open alerts
 *   (github/codeql-action#1230);
 * - every result names an env file (GitHub rejects results without a location): the
 *   finding's file, with `region.startLine` when the variable exists; for a value from
 *   --process-env or --cli, the last (winning) env file without a line, and the message says so.
 *   With no env file at all (only --process-env) there is no file to name: such results get a
 *   logical location, valid SARIF that GitHub's upload refuses ("expected artifact location");
 * - `partialFingerprints` from check id, file and variable names (never lines, which move,
 *   nor messages, which may change wording), so alerts stay matched across runs;
 * - `invocations[0]` with `executionSuccessful` (the check could answer) and the contract's
 *   exit code (0 when `ok`, else 1). No command line: argv may hold a secret.
 * Pure: the fingerprint hash is the only computation beyond shaping data.
 */
import { workloadLabel } from '../production/workload.js';
import { sipHash13 } from '../util/fingerprint.js';
import type * as Sarif from 'sarif';
import type { CheckInfo, Finding, ProductionReport } from '../production/types.js';
import { ENGINE_COMMIT, TOOL_INFO } from '../version.js';
import { defaultSeverity, indexCatalog, markdownCode, markdownProse, neutraliseControls, waiverText } from './common.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where the rules come from; replace with the tool's own home page once it has one. */
const INFORMATION_URI = 'https://github.com/KrishivAI/krishiv';
export const FINGERPRINT_KEY = 'krishivAuthFinding/v1';
const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** how waived findings appear: as suppressed results (default) or not at all */
  waived?: 'suppress' | 'omit';
  /** absolute directory the relative env-file paths are relative to, for `originalUriBaseIds` */
  srcRoot?: string;
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(path);
}

function encodeSegments(path: string): string {
  // encodeURIComponent throws on a lone surrogate: make the text well-formed first
  const wellFormed = path.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return wellFormed
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * The artifact location of an env file path as the user gave it: a relative path becomes a
 * percent-encoded relative reference under %SRCROOT% (`/` separators, without a leading
 * `./`), an absolute one a `file://` URI. Encoding every segment keeps the result a valid URI reference for any
 * file name (spaces, `%`, `#`, `?`, a `:` that would otherwise read as a scheme).
 */
export function artifactLocationFor(path: string): Sarif.ArtifactLocation {
  if (isAbsolutePath(path)) {
    const unified = path.replace(/\\/g, '/');
    const withRoot = unified.startsWith('/') ? unified : `/${unified}`;
    // keep a Windows drive letter readable: file:///C:/…
    const encoded = encodeSegments(withRoot).replace(/^\/([A-Za-z])%3A(?=\/|$)/, '/$1:');
    return { uri: `file://${encoded}` };
  }
  // a backslash is a Windows separator here (SARIF URIs use `/`), not part of a file name
  let relative = path.replace(/\\/g, '/');
  while (relative.startsWith('./')) relative = relative.slice(2);
  if (relative === '') relative = '.';
  return { uri: encodeSegments(relative), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const loc = artifactLocationFor(dir);
  const uri = loc.uri ?? '';
  return uri.endsWith('/') ? uri : `${uri}/`;
}

function pascalCase(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');
  return name || 'Check';
}

function levelFor(severity: 'fail' | 'warn'): Sarif.ReportingConfiguration.level {
  return severity === 'warn' ? 'warning' : 'error';
}

function ruleHelpText(check: CheckInfo): string {
  const lines = [`Rule: ${check.rule}`, `Engine source: ${check.source}`];
  if (check.predicate) lines.push(`Engine predicate: ${check.predicate}`);
  if (check.engineMessage) lines.push(`Engine message: ${check.engineMessage}`);
  lines.push(`Fix: ${check.fix}`);
  lines.push(`Class: ${check.class}; roles: ${check.roles.join(', ')}`);
  return neutraliseControls(lines.join('\n'));
}

function ruleHelpMarkdown(check: CheckInfo): string {
  const parts = [`**Rule.** ${markdownProse(check.rule)}`, `**Engine source.** ${markdownProse(check.source)}`];
  if (check.predicate) parts.push(`**Engine predicate.** ${markdownCode(check.predicate)}`);
  if (check.engineMessage) parts.push(`**Engine message.**\n\n> ${markdownProse(check.engineMessage)}`);
  parts.push(`**Fix.** ${markdownProse(check.fix)}`);
  parts.push(
    `Class ${markdownCode(check.class)} · roles ${check.roles.map(markdownCode).join(', ')} · engine ${markdownCode(ENGINE_COMMIT)}`,
  );
  return parts.join('\n\n');
}

function ruleFromCheck(check: CheckInfo): Sarif.ReportingDescriptor {
  const severity = defaultSeverity(check);
  const tags = ['security', 'configuration', check.class.toLowerCase(), ...(check.tags ?? [])];
  return {
    id: check.id,
    name: pascalCase(check.id),
    shortDescription: { text: neutraliseControls(check.rule) || check.id },
    fullDescription: { text: neutraliseControls(`${check.rule} (${check.source})`) },
    help: { text: ruleHelpText(check), markdown: ruleHelpMarkdown(check) },
    defaultConfiguration: { level: levelFor(severity) },
    properties: {
      class: check.class,
      predicate: check.predicate,
      roles: [...check.roles],
      severity,
      precision: 'very-high',
      tags: [...new Set(tags)],
    },
  };
}

/** A rule for a finding id the catalog does not list (so every result has a rule). */
function ruleFromFinding(f: Finding): Sarif.ReportingDescriptor {
  const severity: 'fail' | 'warn' = f.status === 'warn' || (f.status !== 'fail' && f.class === 'WARN') ? 'warn' : 'fail';
  return {
    id: f.id,
    name: pascalCase(f.id),
    shortDescription: { text: neutraliseControls(f.id) || 'check' },
    help: { text: neutraliseControls(f.remediation || f.id) },
    defaultConfiguration: { level: levelFor(severity) },
    properties: {
      class: f.class,
      predicate: f.predicate,
      severity,
      precision: 'very-high',
      tags: ['security', 'configuration', f.class.toLowerCase()],
    },
  };
}

function fingerprint(f: Finding, file: string | undefined): string {
  const key = [f.id, file ?? '', [...f.variables].sort().join(','), ...(f.workload ? [workloadLabel(f.workload)] : [])].join('\u0000');
  // Two keyed SipHash-1-3 halves: stable across runs and machines, no node:crypto at start-up.
  const bytes = new TextEncoder().encode(key);
  const hex = (k0: bigint, k1: bigint): string => sipHash13(bytes, k0, k1).toString(16).padStart(16, '0');
  return hex(0x6b72697368697621n, 0x7361726966n) + hex(0x7061727469616cn, 0x66696e6765727072n);
}

function resultMessage(f: Finding, fileFallback: boolean): string {
  let text = f.message.trim() || f.id;
  if (fileFallback) text += ' (the value comes from the process environment or --cli, not from this file)';
  if (f.remediation.trim()) text += `\nFix: ${f.remediation.trim()}`;
  return neutraliseControls(text);
}

/** Builds the SARIF log object (use `renderSarif` for the text). */
export function toSarifLog(report: ProductionReport, catalog: readonly CheckInfo[], options: SarifOptions = {}): Sarif.Log {
  const byId = indexCatalog(catalog);
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const check of byId.values()) {
    ruleIndex.set(check.id, rules.length);
    rules.push(ruleFromCheck(check));
  }

  const artifacts: Sarif.Artifact[] = [];
  const artifactIndex = new Map<string, number>();
  // keyed by the location, not the spelling: `./prod.env` and `prod.env` are one artifact
  const addArtifact = (file: string): number => {
    const location = artifactLocationFor(file);
    const key = `${location.uriBaseId ?? ''} ${location.uri ?? ''}`;
    let index = artifactIndex.get(key);
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(key, index);
      artifacts.push({ location, roles: ['analysisTarget'] });
    }
    return index;
  };
  for (const file of report.files) addArtifact(file);

  const waivedMode = options.waived ?? 'suppress';
  const seen = new Map<string, number>();
  const results: Sarif.Result[] = [];
  for (const f of report.findings) {
    if (f.status !== 'fail' && f.status !== 'warn' && !(f.status === 'waived' && waivedMode === 'suppress')) continue;
    let index = ruleIndex.get(f.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.id, index);
      rules.push(ruleFromFinding(f));
    }
    const check = byId.get(f.id);
    const severity: 'fail' | 'warn' = f.status === 'fail' ? 'fail' : f.status === 'warn' ? 'warn' : check ? defaultSeverity(check) : 'fail';

    // GitHub needs a file: a value from --process-env/--cli points at the last (winning) env file
    const file = f.location?.file ?? report.files[report.files.length - 1];
    const fileFallback = !f.location && file !== undefined;
    const locations: Sarif.Location[] = [];
    if (file !== undefined) {
      const physicalLocation: Sarif.PhysicalLocation = { artifactLocation: { ...artifactLocationFor(file), index: addArtifact(file) } };
      const line = f.location?.line;
      if (line !== undefined && Number.isInteger(line) && line >= 1) physicalLocation.region = { startLine: line };
      const location: Sarif.Location = { physicalLocation };
      if (f.workload) {
        // namespace/kind/name/container (or Unit/name): the workload the finding is about
        const w = f.workload;
        location.logicalLocations = [
          {
            name: neutraliseControls(w.container ?? w.name),
            fullyQualifiedName: neutraliseControls(workloadLabel(w)),
            kind: w.kind === 'Unit' ? 'module' : 'object',
          },
        ];
      }
      locations.push(location);
    } else {
      locations.push({ logicalLocations: [{ name: 'environment', fullyQualifiedName: 'process environment or --cli', kind: 'module' }] });
    }

    let fp = fingerprint(f, f.location?.file);
    const count = (seen.get(fp) ?? 0) + 1;
    seen.set(fp, count);
    if (count > 1) fp = `${fp}:${count}`;

    const result: Sarif.Result = {
      ruleId: f.id,
      ruleIndex: index,
      kind: 'fail',
      level: levelFor(severity),
      message: { text: resultMessage(f, fileFallback) },
      locations,
      partialFingerprints: { [FINGERPRINT_KEY]: fp },
      properties: {
        status: f.status,
        class: f.class,
        predicate: f.predicate,
        variables: [...f.variables],
        ...(f.workload ? { workload: workloadLabel(f.workload) } : {}),
      },
    };
    const related = (f.locations ?? []).filter((l) => l.file !== undefined);
    if (related.length > 0) {
      result.relatedLocations = related.map((l, i) => {
        const physicalLocation: Sarif.PhysicalLocation = {
          artifactLocation: { ...artifactLocationFor(l.file), index: addArtifact(l.file) },
        };
        if (l.line !== undefined && Number.isInteger(l.line) && l.line >= 1) physicalLocation.region = { startLine: l.line };
        return { id: i + 1, physicalLocation, message: { text: neutraliseControls(l.variable) || 'variable' } };
      });
    }
    if (f.status === 'waived') {
      const w = f.waiver;
      result.suppressions = [
        w
          ? {
              kind: 'external',
              status: 'accepted',
              justification: neutraliseControls(waiverText(w)),
              properties: { owner: w.owner, expires: w.expires },
            }
          : { kind: 'external', status: 'accepted' },
      ];
    }
    results.push(result);
  }

  const srcRoot: Sarif.ArtifactLocation =
    options.srcRoot && isAbsolutePath(options.srcRoot)
      ? { uri: directoryUri(options.srcRoot), description: { text: 'the directory check-production ran in' } }
      : { description: { text: 'the directory check-production ran in; env file paths are relative to it' } };

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: TOOL_INFO.name,
        fullName: `${TOOL_INFO.name} check-production (engine ${ENGINE_COMMIT})`,
        version: TOOL_INFO.version,
        semanticVersion: TOOL_INFO.version,
        informationUri: INFORMATION_URI,
        rules,
        properties: { engineCommit: ENGINE_COMMIT, engineRepository: INFORMATION_URI },
      },
    },
    automationDetails: { id: `check-production/${report.role}/` },
    originalUriBaseIds: { [SRCROOT]: srcRoot },
    artifacts,
    invocations: [
      {
        executionSuccessful: true,
        exitCode: report.ok ? 0 : 1,
        exitCodeDescription: report.ok ? 'no check failed' : 'a check failed',
        properties: { role: report.role, strict: report.strict, summary: { ...report.summary } },
      },
    ],
    columnKind: 'unicodeCodePoints',
    results,
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function renderSarif(report: ProductionReport, catalog: readonly CheckInfo[], options: SarifOptions = {}): string {
  return JSON.stringify(toSarifLog(report, catalog, options), null, 2);
}
