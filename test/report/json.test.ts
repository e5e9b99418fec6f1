import { describe, expect, it } from 'vitest';
import { renderReport, toJsonDocument } from '../../src/report/index.js';
import { TOOL_INFO } from '../../src/version.js';
import { CATALOG, FINDINGS, REPORT, finding, makeReport } from './sample.js';

describe('json', () => {
  it('is the contract document', () => {
    const doc = toJsonDocument(REPORT);
    expect(Object.keys(doc)).toEqual(['ok', 'role', 'files', 'strict', 'summary', 'findings']);
    expect(doc).toMatchObject({
      ok: false,
      role: 'cluster',
      files: ['base.env', 'prod.env'],
      strict: false,
      summary: { fail: 2, warn: 1, pass: 2, skip: 1, waived: 1 },
    });
    expect(doc.findings[1]).toEqual({
      id: 'PROD-OTLP-ENDPOINT',
      predicate: null,
      status: 'fail',
      class: 'CHECKLIST',
      message: FINDINGS[1]!.message,
      remediation: FINDINGS[1]!.remediation,
      location: { file: 'prod.env', line: 7 },
      variables: ['KRISHIV_OTLP_ENDPOINT'],
    });
  });

  it.each([
    ['a variable with a line', { file: 'prod.env', line: 7 }, { file: 'prod.env', line: 7 }],
    ['an absent variable: no line key at all', { file: 'prod.env' }, { file: 'prod.env' }],
    ['--process-env / --cli', null, null],
  ])('location for %s', (_name, location, expected) => {
    const doc = toJsonDocument(makeReport([finding({ id: 'A', status: 'fail', location })]));
    expect(doc.findings[0]?.location).toStrictEqual(expected);
  });

  it('adds the waiver to waived findings only', () => {
    const doc = toJsonDocument(REPORT);
    expect(doc.findings.find((f) => f.status === 'waived')?.waiver).toEqual({
      reason: 'staging cluster',
      owner: 'platform-team',
      expires: '2027-01-31',
    });
    expect(doc.findings.filter((f) => 'waiver' in f)).toHaveLength(1);
  });

  it('copies only the contract fields of a finding (nothing else can leak)', () => {
    const extra = {
      ...finding({ id: 'A', status: 'fail' }),
      engineMessage: 'refusing',
      locations: [{ file: 'a', variable: 'B' }],
      raw: 'hunter2',
    } as Parameters<typeof makeReport>[0][number];
    const doc = toJsonDocument(makeReport([extra]));
    expect(Object.keys(doc.findings[0]!)).toEqual([
      'id',
      'predicate',
      'status',
      'class',
      'message',
      'remediation',
      'location',
      'variables',
    ]);
  });

  it('the string form is the document with tool last, as the frame prints it', () => {
    const text = renderReport('json', REPORT, CATALOG);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toEqual({ ...toJsonDocument(REPORT), tool: { ...TOOL_INFO } });
    expect(Object.keys(parsed).at(-1)).toBe('tool');
    expect(text).toBe(JSON.stringify({ ...toJsonDocument(REPORT), tool: TOOL_INFO }, null, 2));
  });
});
