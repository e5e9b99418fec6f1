/**
 * JUnit XML for CI test dashboards: `<testsuites>` with one `<testsuite>` per finding class
 * (MODE, REFUSE, DENY, OPEN, WARN, CHECKLIST, HYGIENE, in that order), one `<testcase>` per
 * finding. fail → `<failure>`; skip and waived → `<skipped>` (with the reason); warn →
 * `<system-out>` (and a `<failure type="warning">` under --strict, where warnings fail, so the
 * dashboard agrees with the exit code); pass → an empty testcase.
 *
 * The XML is written by hand with the escaper below rather than a library: the output uses
 * five element names and a dozen attributes, and the only hard part — escaping text and
 * attribute values and dropping characters XML 1.0 forbids — is ten lines that the tests
 * cover with a well-formedness parser and fast-check.
 */
import type { Finding, FindingClass, ProductionReport } from '../production/types.js';
import { TOOL_INFO } from '../version.js';
import { NO_FILE_LOCATION, formatLocation, summaryLine, waiverText } from './common.js';
import { groupByWorkload, workloadKey, workloadLabel } from '../production/workload.js';

const CLASS_ORDER: readonly FindingClass[] = ['MODE', 'REFUSE', 'DENY', 'OPEN', 'WARN', 'CHECKLIST', 'HYGIENE'];

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF) become U+FFFD; they cannot be written even as character references.
 */
function dropInvalidXmlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** Escapes element text: `&`, `<`, `>` (the last so `]]>` can never appear). */
export function escapeXmlText(text: string): string {
  return dropInvalidXmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/**
 * Escapes an attribute value (double-quoted): the text escapes plus `"` and `'`, and tab,
 * LF and CR as character references, which attribute-value normalisation would otherwise
 * turn into spaces.
 */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(pairs: Record<string, string | number | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join('');
}

function detail(f: Finding): string {
  const lines = [f.message, `at ${formatLocation(f) ?? NO_FILE_LOCATION}`];
  if (f.variables.length > 0) lines.push(`variables: ${f.variables.join(', ')}`);
  if (f.predicate) lines.push(`engine predicate: ${f.predicate}`);
  if (f.remediation) lines.push(`fix: ${f.remediation}`);
  return lines.join('\n');
}

function testcase(f: Finding, classname: string, strict: boolean, counts: Map<string, number>): string {
  // a check can fire once per variable: add the variables so testcase names stay distinct
  const repeated = (counts.get(f.id) ?? 0) > 1 && f.variables.length > 0;
  const name = repeated ? `${f.id} (${f.variables.join(', ')})` : f.id;
  const open = `    <testcase${attrs({ name, classname, file: f.location?.file, line: f.location?.line, time: 0 })}`;
  switch (f.status) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n      <failure${attrs({ message: f.message, type: f.class })}>${escapeXmlText(detail(f))}</failure>\n    </testcase>`;
    case 'warn': {
      const out = `      <system-out>${escapeXmlText(`warning: ${detail(f)}`)}</system-out>`;
      const failure = strict
        ? `      <failure${attrs({ message: `warning (--strict): ${f.message}`, type: 'warning' })}>${escapeXmlText(detail(f))}</failure>\n`
        : '';
      return `${open}>\n${failure}${out}\n    </testcase>`;
    }
    case 'skip':
      // the checks' own skip messages mostly start with "not checked here" already
      return `${open}>\n      <skipped${attrs({ message: /^not checked here\b/.test(f.message) ? f.message : `not checked here: ${f.message}` })}/>\n    </testcase>`;
    case 'waived': {
      const w = f.waiver;
      const why = w ? `waived: ${waiverText(w)}` : 'waived';
      return `${open}>\n      <skipped${attrs({ message: why })}/>\n      <system-out>${escapeXmlText(detail(f))}</system-out>\n    </testcase>`;
    }
  }
}

export function renderJunit(report: ProductionReport): string {
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  const failed = (f: Finding): boolean => f.status === 'fail' || (report.strict && f.status === 'warn');
  const skipped = (f: Finding): boolean => f.status === 'skip' || f.status === 'waived';
  // the counting attributes of a <testsuite>/<testsuites> element, in JUnit's order
  const tally = (found: readonly Finding[]) => ({
    tests: found.length,
    failures: found.filter(failed).length,
    errors: 0,
    skipped: found.filter(skipped).length,
    time: 0,
  });

  const suites: string[] = [];
  const classes = [...CLASS_ORDER, ...new Set(report.findings.map((f) => f.class).filter((c) => !CLASS_ORDER.includes(c)))];
  // --manifest / --unit: one suite per workload (findings of no workload keep the class suites)
  const grouped = report.workloads ? groupByWorkload(report.findings) : undefined;
  const loose = grouped ? (grouped.get('') ?? []) : report.findings;
  for (const w of report.workloads ?? []) {
    const found = grouped?.get(workloadKey(w)) ?? [];
    const suiteName = `check-production.${workloadLabel(w)}`;
    const wcounts = new Map<string, number>();
    for (const f of found) wcounts.set(f.id, (wcounts.get(f.id) ?? 0) + 1);
    const head = `  <testsuite${attrs({ name: suiteName, ...tally(found), file: w.file })}>`;
    suites.push([head, ...found.map((f) => testcase(f, suiteName, report.strict, wcounts)), '  </testsuite>'].join('\n'));
  }
  for (const cls of classes) {
    const found = loose.filter((f) => f.class === cls);
    if (found.length === 0) continue;
    const suiteName = `check-production.${report.role}.${cls}`;
    const head = `  <testsuite${attrs({ name: suiteName, ...tally(found) })}>`;
    suites.push([head, ...found.map((f) => testcase(f, suiteName, report.strict, counts)), '  </testsuite>'].join('\n'));
  }
  if (suites.length === 0) {
    // some consumers reject a <testsuites> without a suite
    suites.push(`  <testsuite${attrs({ name: `check-production.${report.role}`, ...tally([]) })}/>`);
  }
  const root = `<testsuites${attrs({
    name: `${TOOL_INFO.name} ${TOOL_INFO.version} check-production (engine ${TOOL_INFO.engine}) — role ${report.role}`,
    ...tally(report.findings),
  })}>`;
  const comment = `<!-- ${summaryLine(report).replace(/--/g, '- -')} -->`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', comment, root, ...suites, '</testsuites>'].join('\n');
}
