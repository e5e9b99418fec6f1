/**
 * Arbitrary finding text (messages, fixes, ids, variable names, file paths, waiver fields,
 * catalog text) never breaks a format's structure: SARIF still validates against the
 * official schema, JUnit is well-formed XML with one testcase per finding and the failure
 * message intact, github output stays one command per line and round-trips through the
 * runner's unescaping, Markdown keeps one table row of four cells per finding, JSON parses
 * back to the document, and text carries no control character but newline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckInfo, Finding, FindingClass, FindingStatus, ProductionReport } from '../../src/production/types.js';
import { ROLES } from '../../src/production/types.js';
import { renderReport, toJsonDocument } from '../../src/report/index.js';
import { sarifErrors } from './sarif-schema.js';
import { allElements, parseXml } from './xml.js';

const HOSTILE = [
  '\n',
  '\r',
  '\r\n',
  '%',
  '%0A',
  ',',
  ':',
  '::',
  '<',
  '>',
  '&',
  '"',
  "'",
  '|',
  '`',
  ']]>',
  '--',
  '-->',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\ud800',
  '\udfff',
  '\ufffe',
  '\u2028',
  '<br>',
  '<details>',
  '*',
  '_',
  '[x](y)',
  '\\',
  '/',
  './',
  '../',
  ' ',
  '\t',
  '#',
  '?',
  'C:\\',
  '//',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 5 })), { maxLength: 8 }).map((parts) => parts.join('')),
);
const CLASSES: FindingClass[] = ['MODE', 'REFUSE', 'DENY', 'OPEN', 'WARN', 'CHECKLIST', 'HYGIENE'];
const STATUSES: FindingStatus[] = ['pass', 'fail', 'warn', 'skip', 'waived'];

const location = fc.option(
  fc.record({ file: text, line: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }) }, { requiredKeys: ['file'] }),
  { nil: null },
);

const findingArb: fc.Arbitrary<Finding> = fc.record({
  id: text,
  predicate: fc.option(text, { nil: null }),
  status: fc.constantFrom(...STATUSES),
  class: fc.constantFrom(...CLASSES),
  message: text,
  remediation: text,
  location,
  variables: fc.array(text, { maxLength: 3 }),
  locations: fc.option(
    fc.array(fc.record({ file: text, line: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }), variable: text }), {
      maxLength: 2,
    }),
    { nil: undefined },
  ),
  waiver: fc.option(fc.record({ reason: text, owner: text, expires: text }), { nil: undefined }),
});

const reportArb: fc.Arbitrary<ProductionReport> = fc
  .record({
    findings: fc.array(findingArb, { maxLength: 6 }),
    files: fc.array(text, { maxLength: 3 }),
    strict: fc.boolean(),
    role: fc.constantFrom(...ROLES),
  })
  .map(({ findings, files, strict, role }) => {
    const summary = { fail: 0, warn: 0, pass: 0, skip: 0, waived: 0 };
    for (const f of findings) summary[f.status]++;
    return { ok: summary.fail === 0 && !(strict && summary.warn > 0), role, files, strict, summary, findings };
  });

const catalogArb: fc.Arbitrary<CheckInfo[]> = fc.array(
  fc.record({
    id: text,
    class: fc.constantFrom(...CLASSES),
    roles: fc.subarray([...ROLES]),
    predicate: fc.option(text, { nil: null }),
    rule: text,
    source: text,
    engineMessage: fc.option(text, { nil: undefined }),
    fix: text,
    severity: fc.option(fc.constantFrom('fail' as const, 'warn' as const), { nil: undefined }),
    tags: fc.option(fc.array(text, { maxLength: 2 }), { nil: undefined }),
  }),
  { maxLength: 3 },
);

const RUNS = { numRuns: 150 };

describe('no finding text breaks a format', () => {
  it('SARIF validates against the official schema', () => {
    fc.assert(
      fc.property(reportArb, catalogArb, (report, catalog) => {
        expect(sarifErrors(JSON.parse(renderReport('sarif', report, catalog)))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('JUnit is well-formed, one testcase per finding, failure messages intact', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const doc = parseXml(renderReport('junit', report, []));
        const cases = allElements(doc).filter((e) => e.name === 'testcase');
        expect(cases).toHaveLength(report.findings.length);
        // cases are grouped by class, so look each failure up by its message
        for (const f of report.findings.filter((x) => x.status === 'fail')) {
          const found = cases.some((c) =>
            c.children.some((ch) => ch.name === 'failure' && ch.attrs['message'] === replaceInvalid(f.message)),
          );
          expect(found, JSON.stringify(f.message)).toBe(true);
        }
        expect(Number(doc.attrs['tests'])).toBe(report.findings.length);
      }),
      RUNS,
    );
  });

  it('github prints one command per line that round-trips through the runner parser', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const lines = renderReport('github', report, []).split('\n');
        const actionable = [...report.findings.filter((f) => f.status === 'fail'), ...report.findings.filter((f) => f.status === 'warn')];
        expect(lines).toHaveLength(actionable.length + 1);
        lines.forEach((line, i) => {
          expect(line).toMatch(/^::(error|warning|notice)( [a-z]+=[^,:\r\n]*(,[a-z]+=[^,:\r\n]*)*)?::[^\r\n]*$/);
          if (i < actionable.length) {
            const f = actionable[i]!;
            const props = Object.fromEntries(
              line
                .slice(2, line.indexOf('::', 2))
                .split(' ')
                .slice(1)
                .join(' ')
                .split(',')
                .filter(Boolean)
                .map((p) => [p.slice(0, p.indexOf('=')), unescapeGithub(p.slice(p.indexOf('=') + 1))]),
            );
            if (f.location?.file) expect(props['file']).toBe(neutralised(f.location.file));
            else expect(props['file']).toBeUndefined();
          }
        });
      }),
      RUNS,
    );
  });

  it('Markdown keeps one table row of four cells per failure or warning', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const md = renderReport('markdown', report, []);
        const rows = md.split('\n').filter((l) => /^\| (❌ fail|⚠️ warn) \|/.test(l));
        const actionable = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
        expect(rows).toHaveLength(actionable.length);
        for (const row of rows) expect(row.replace(/^\||\|$/g, '').split(/(?<!\\)\|/)).toHaveLength(4);
        // every <details> the renderer opens is closed; text inside a code span is code, not HTML
        // (markdownProse keeps balanced `spans` as they are: seed -57407588 quoted `<details>`)
        const html = md.replace(/(?<!\\)`[^`\r\n]+`/g, '');
        expect(html.match(/<details>/g)?.length ?? 0).toBe(html.match(/<\/details>/g)?.length ?? 0);
      }),
      RUNS,
    );
  });

  it('JSON parses back to the document', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const parsed = JSON.parse(renderReport('json', report, [])) as Record<string, unknown>;
        const { tool, ...rest } = parsed;
        expect(tool).toBeDefined();
        expect(rest).toEqual(JSON.parse(JSON.stringify(toJsonDocument(report))));
      }),
      RUNS,
    );
  });

  it('text has no control character but newline, and ends with the summary line', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const out = renderReport('text', report, [], { verbose: true });
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        expect(out.split('\n').at(-1)).toMatch(/^[✔✖] \d+ failed, /);
      }),
      RUNS,
    );
  });
});

function replaceInvalid(s: string): string {
  // what an XML parser gives back for a JUnit attribute: forbidden characters as U+FFFD
  // eslint-disable-next-line no-control-regex
  return s.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

function unescapeGithub(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

function neutralised(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}
