import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, isReportFormat, renderReport, type ReportFormat } from '../../src/report/index.js';
import { renderGithub } from '../../src/report/github.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { CATALOG, REPORT } from './sample.js';

describe('renderReport', () => {
  it('knows the contract formats', () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'sarif', 'junit', 'github', 'markdown']);
  });

  it.each([
    ['text', true],
    ['json', true],
    ['markdown', true],
    ['xml', false],
    ['JSON', false],
    ['', false],
    ['toString', false],
    ['__proto__', false],
  ])('isReportFormat(%j) is %s', (name, expected) => {
    expect(isReportFormat(name)).toBe(expected);
  });

  it.each<[ReportFormat, string]>([
    ['text', renderText(REPORT)],
    ['json', renderJson(REPORT)],
    ['sarif', renderSarif(REPORT, CATALOG)],
    ['junit', renderJunit(REPORT)],
    ['github', renderGithub(REPORT)],
    ['markdown', renderMarkdown(REPORT)],
  ])('%s dispatches to its reporter, without a trailing newline', (format, expected) => {
    const out = renderReport(format, REPORT, CATALOG);
    expect(out).toBe(expected);
    expect(out.endsWith('\n')).toBe(false);
  });

  it('is deterministic: the same report renders to the same bytes', () => {
    for (const format of REPORT_FORMATS)
      expect(renderReport(format, REPORT, CATALOG)).toBe(renderReport(format, structuredClone(REPORT), structuredClone(CATALOG)));
  });
});
