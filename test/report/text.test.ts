import { describe, expect, it } from 'vitest';
import { PLAIN, type Style } from '../../src/text/style.js';
import { renderReport } from '../../src/report/index.js';
import { summaryLine } from '../../src/report/common.js';
import { renderText } from '../../src/report/text.js';
import { CATALOG, FINDINGS, REPORT, finding, makeReport } from './sample.js';

/** A style that wraps text in visible markers, to see what is coloured and to strip it again. */
const MARKED: Style = {
  enabled: true,
  bold: (s) => `[b]${s}[/]`,
  dim: (s) => `[d]${s}[/]`,
  red: (s) => `[r]${s}[/]`,
  green: (s) => `[g]${s}[/]`,
  yellow: (s) => `[y]${s}[/]`,
  blue: (s) => `[bl]${s}[/]`,
  cyan: (s) => `[c]${s}[/]`,
  magenta: (s) => `[m]${s}[/]`,
  gray: (s) => `[gr]${s}[/]`,
};
const unmark = (s: string): string => s.replace(/\[(?:b|d|r|g|y|bl|c|m|gr|\/)\]/g, '');

describe('text', () => {
  it('groups failures, warnings, waived and skipped, counts passes, and ends with the summary', () => {
    expect(renderText(REPORT, { style: PLAIN })).toMatchInlineSnapshot(`
      "Failures (2)
        ✖ COORD-HTTP-TOKENS-MISSING  REFUSE
          refusing to start: production mode requires KRISHIV_COORDINATOR_BEARER_TOKEN(S)
          at prod.env  (KRISHIV_COORDINATOR_BEARER_TOKEN, KRISHIV_COORDINATOR_BEARER_TOKENS)
          fix: Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE.
        ✖ PROD-OTLP-ENDPOINT  CHECKLIST
          OTEL_EXPORTER_OTLP_ENDPOINT is blank; KRISHIV_OTLP_ENDPOINT is set but the engine never reads it
          at prod.env:7  (KRISHIV_OTLP_ENDPOINT)
          fix: Rename KRISHIV_OTLP_ENDPOINT to OTEL_EXPORTER_OTLP_ENDPOINT.

      Warnings (1)
        ! ENV-UNKNOWN-FLAG  HYGIENE
          KRISHIV_PRODUCTON is not a Krishiv variable (did you mean KRISHIV_PRODUCTION?)
          at base.env:3  (KRISHIV_PRODUCTON)
          fix: Rename it to KRISHIV_PRODUCTION.

      Waived (1)
        ~ MODE-NOT-FAIL-CLOSED  MODE
          the process is not fail-closed
          at process environment or --cli  (KRISHIV_PRODUCTION)
          waived: staging cluster — platform-team, until 2027-01-31
          fix: Set KRISHIV_PRODUCTION=1.

      Skipped, not checked here (1)
        - HYG-TOKEN-FILE-MODE  HYGIENE
          /run/secrets/coord-token does not exist here: not checked
          at prod.env:2  (KRISHIV_COORDINATOR_BEARER_TOKEN_FILE)

      2 checks passed

      ✖ 2 failed, 1 warning, 2 passed, 1 skipped, 1 waived — role cluster, 2 files"
    `);
  });

  it('lists passes with verbose', () => {
    const text = renderText(REPORT, { verbose: true });
    expect(text).toContain('Passed (2)\n  ✔ EXEC-WARNISH  WARN\n  ✔ PROD-DURABLE-PROFILE  CHECKLIST');
    expect(text).not.toContain('checks passed');
  });

  it('a clean report is the summary with a tick', () => {
    expect(
      renderReport('text', makeReport([finding({ id: 'A', status: 'pass' })], { files: ['prod.env'] }), CATALOG),
    ).toMatchInlineSnapshot(`
      "1 check passed

      ✔ 0 failed, 0 warnings, 1 passed — role cluster, 1 file"
    `);
  });

  it('colour only decorates: stripped of colour it is the plain rendering', () => {
    const coloured = renderText(REPORT, { style: MARKED });
    expect(coloured).not.toBe(renderText(REPORT));
    expect(unmark(coloured)).toBe(renderText(REPORT, { style: PLAIN }));
    expect(coloured).toContain('[r]✖[/] [b]COORD-HTTP-TOKENS-MISSING[/]');
    expect(coloured).toContain('[r][b]✖ 2 failed');
  });

  it('indents every line of a multi-line message and neutralises terminal control sequences', () => {
    const f = finding({
      id: 'X',
      status: 'fail',
      message: 'line one\r\nline two\u001b[2J\u0007',
      remediation: 'a\nb',
      location: { file: 'evil\u001b]0;title\u0007.env', line: 2 },
    });
    expect(renderText(makeReport([f]))).toMatchInlineSnapshot(`
      "Failures (1)
        ✖ X  HYGIENE
          line one
          line two\\x1b[2J\\x07
          at evil\\x1b]0;title\\x07.env:2
          fix: a
          b

      ✖ 1 failed, 0 warnings, 0 passed — role cluster, 2 files"
    `);
  });
});

describe('summaryLine', () => {
  it.each([
    [makeReport(FINDINGS), '✖ 2 failed, 1 warning, 2 passed, 1 skipped, 1 waived — role cluster, 2 files'],
    [makeReport([finding({ id: 'W', status: 'warn' })], { files: ['a.env'] }), '✔ 0 failed, 1 warning, 0 passed — role cluster, 1 file'],
    [
      makeReport([finding({ id: 'W', status: 'warn' }), finding({ id: 'V', status: 'warn' })], { strict: true, role: 'executor' }),
      '✖ 0 failed, 2 warnings (--strict: warnings fail), 0 passed — role executor, 2 files',
    ],
    [makeReport([], { files: [] }), '✔ 0 failed, 0 warnings, 0 passed — role cluster, 0 files'],
  ])('case %#', (report, line) => {
    expect(summaryLine(report)).toBe(line);
  });
});
