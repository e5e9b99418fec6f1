/**
 * Baselines as data: which findings a baseline records, what a later run makes of it, and the
 * parser of a baseline file (user input: refused with ERR_BASELINE_INVALID, never anything else).
 * The command-level round trip over a manifest is in test/e2e/check-production-manifest.test.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../src/errors.js';
import { applyBaseline, baselineEntries, parseBaseline, readBaseline, renderBaseline } from '../../src/production/baseline.js';
import { summarize } from '../../src/production/evaluate.js';
import type { Finding, FindingStatus, ProductionReport, WorkloadRef } from '../../src/production/types.js';
import { tempDir } from '../helpers/temp-dir.js';

const POD: WorkloadRef = { file: 'm.yaml', kind: 'Deployment', namespace: 'krishiv', name: 'coordinator', container: 'main' };

function finding(id: string, status: FindingStatus, variables: string[], line?: number, workload?: WorkloadRef): Finding {
  return {
    id,
    predicate: null,
    status,
    class: 'WARN',
    message: `${id} message`,
    remediation: 'fix it',
    location: { file: 'prod.env', ...(line === undefined ? {} : { line }) },
    variables,
    ...(workload ? { workload } : {}),
  };
}

function report(findings: Finding[], strict = false): ProductionReport {
  const summary = summarize(findings);
  return { ok: summary.fail === 0 && (!strict || summary.warn === 0), role: 'coordinator', files: ['prod.env'], strict, summary, findings };
}

const FINDINGS = [
  finding('PROD-OTLP-ENDPOINT', 'warn', ['KRISHIV_OTLP_ENDPOINT'], 7),
  finding('COORD-HTTP-TOKENS-MISSING', 'fail', ['KRISHIV_UI_TOKEN', 'KRISHIV_COORDINATOR_BEARER_TOKEN'], 3),
  finding('COORD-HTTP-TOKENS-MISSING', 'fail', ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_UI_TOKEN'], 9),
  finding('MODE-NOT-FAIL-CLOSED', 'pass', ['KRISHIV_PRODUCTION'], 1),
  finding('ENV-UNKNOWN-FLAG', 'skip', [], 2),
  finding('EXEC-STATE-DIR', 'fail', ['KRISHIV_STATE_DIR'], undefined, POD),
];

describe('baselineEntries / renderBaseline', () => {
  it('records failures and warnings once each, by id, file, workload and sorted variables, never by line', () => {
    expect(baselineEntries(report(FINDINGS))).toEqual([
      {
        id: 'COORD-HTTP-TOKENS-MISSING',
        file: 'prod.env',
        workload: null,
        variables: ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_UI_TOKEN'],
      },
      // a workload's finding: the workload's file, wherever the finding is located
      { id: 'EXEC-STATE-DIR', file: 'm.yaml', workload: 'krishiv/Deployment/coordinator/main', variables: ['KRISHIV_STATE_DIR'] },
      { id: 'PROD-OTLP-ENDPOINT', file: 'prod.env', workload: null, variables: ['KRISHIV_OTLP_ENDPOINT'] },
    ]);
  });

  it('writes a file the parser reads back to the same entries, and the same bytes for the same findings in any order', () => {
    const text = renderBaseline(report(FINDINGS));
    expect(text).not.toMatch(/"line"/);
    expect(parseBaseline(text, 'b.json')).toEqual(baselineEntries(report(FINDINGS)));
    expect(renderBaseline(report([...FINDINGS].reverse()))).toBe(text);
    expect(parseBaseline(renderBaseline(report([])), 'b.json')).toEqual([]);
  });
});

describe('applyBaseline', () => {
  it('waives what the baseline knows, wherever the line moved, and the run passes', () => {
    const baseline = { label: 'b.json', entries: baselineEntries(report(FINDINGS)) };
    const moved = FINDINGS.map((f) =>
      f.location?.line === undefined ? f : { ...f, location: { file: 'prod.env', line: f.location.line + 40 } },
    );
    const out = applyBaseline(report(moved), baseline);
    expect(out.findings.map((f) => f.status)).toEqual(['waived', 'waived', 'waived', 'pass', 'skip', 'waived']);
    expect(out.findings[0]!.waiver).toEqual({ reason: 'in the baseline b.json', owner: 'baseline', expires: '' });
    expect(out.summary).toEqual({ fail: 0, warn: 0, pass: 1, skip: 1, waived: 4 });
    expect(out.ok).toBe(true);
  });

  it('a finding the baseline does not know still fails; an entry nothing matches is BASELINE-STALE (a failure under --strict)', () => {
    const baseline = {
      label: 'b.json',
      entries: [
        ...baselineEntries(report(FINDINGS.slice(0, 1))),
        { id: 'COORD-TLS-MISSING', file: 'old.env', workload: 'krishiv/Deployment/coordinator/main', variables: ['KRISHIV_TLS_CERT'] },
      ],
    };
    const out = applyBaseline(report(FINDINGS), baseline);
    expect(out.findings.filter((f) => f.status === 'fail').map((f) => f.id)).toEqual([
      'COORD-HTTP-TOKENS-MISSING',
      'COORD-HTTP-TOKENS-MISSING',
      'EXEC-STATE-DIR',
    ]);
    const stale = out.findings.filter((f) => f.id === 'BASELINE-STALE');
    expect(stale.map((f) => [f.status, f.message, f.location])).toEqual([
      [
        'warn',
        'baseline entry COORD-TLS-MISSING for krishiv/Deployment/coordinator/main in old.env (KRISHIV_TLS_CERT) matches no current finding',
        { file: 'b.json' },
      ],
    ]);
    expect(out.ok).toBe(false);

    const onlyStale = applyBaseline(report(FINDINGS.slice(0, 1)), baseline);
    expect(onlyStale.summary).toMatchObject({ fail: 0, warn: 1, waived: 1 });
    expect(onlyStale.ok).toBe(true);
    expect(applyBaseline(report(FINDINGS.slice(0, 1), true), baseline).ok).toBe(false);
    // a stale entry is never recorded into the next baseline
    expect(baselineEntries(onlyStale)).toEqual([]);
  });

  it('recomputes the verdict of each workload', () => {
    const r: ProductionReport = {
      ...report(FINDINGS),
      workloads: [{ ...POD, role: 'executor', ok: false, summary: summarize(FINDINGS.slice(5)) }],
    };
    const out = applyBaseline(r, { label: 'b.json', entries: baselineEntries(report(FINDINGS.slice(5))) });
    expect(out.workloads).toEqual([{ ...POD, role: 'executor', ok: true, summary: { fail: 0, warn: 0, pass: 0, skip: 0, waived: 1 } }]);
  });
});

describe('parseBaseline / readBaseline', () => {
  const FORMAT = '"format": "krishiv-auth-baseline/1"';
  it.each([
    ['{', /^is not valid JSON/],
    // (leak audit) a token file named by mistake: the parser's snippet of the text is not quoted
    ['Zq4NoPeWx8Ty2Pk7LmQxLk7Vb2\n', /^is not valid JSON(?!.*Zq4NoPe)/],
    ['{"token": Zq4NoPeWx8Ty2Pk7Lm}', /^is not valid JSON(?!.*Zq4NoPe)/],
    [
      '[]',
      /^is not a krishiv-auth baseline \(expected \{"format": "krishiv-auth-baseline\/1", "entries": \[\.\.\.\]\}; write one with --write-baseline\)$/,
    ],
    ['{"entries": []}', /^is not a krishiv-auth baseline/],
    [`{${FORMAT}, "entries": {}}`, /^is not a krishiv-auth baseline/],
    [`{${FORMAT}, "entries": [null]}`, /^entry 1 is not \{id, file, workload, variables\}$/],
    [
      `{${FORMAT}, "entries": [{"id": "A", "file": null, "workload": null, "variables": []}, {"id": 7, "file": null, "workload": null, "variables": []}]}`,
      /^entry 2 is not/,
    ],
    [`{${FORMAT}, "entries": [{"id": "A", "file": 1, "workload": null, "variables": []}]}`, /^entry 1 is not/],
    [`{${FORMAT}, "entries": [{"id": "A", "file": null, "workload": null, "variables": ["X", 2]}]}`, /^entry 1 is not/],
  ])('%s is refused with ERR_BASELINE_INVALID naming the file', (text, message) => {
    expect(() => parseBaseline(text, 'b.json')).toThrow(
      expect.objectContaining({ code: 'ERR_BASELINE_INVALID', input: 'b.json', message: expect.stringMatching(message) }),
    );
  });

  it('an entry names its file and workload (null for none); its variables are read sorted', () => {
    expect(
      parseBaseline(`{${FORMAT}, "entries": [{"id": "A", "file": null, "workload": "Unit/k", "variables": ["Z", "B"]}]}`, 'b.json'),
    ).toEqual([{ id: 'A', file: null, workload: 'Unit/k', variables: ['B', 'Z'] }]);
    expect(() => parseBaseline(`{${FORMAT}, "entries": [{"id": "A", "workload": null, "variables": []}]}`, 'b.json')).toThrow(
      'entry 1 is not {id, file, workload, variables}',
    );
  });

  it('never throws anything but ERR_BASELINE_INVALID (fast-check)', () => {
    const entry = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        file: fc.oneof(fc.string(), fc.constant(null), fc.boolean()),
        workload: fc.anything(),
        variables: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(fc.oneof(entry, fc.anything())).map((entries) => JSON.stringify({ format: 'krishiv-auth-baseline/1', entries })),
        ),
        (text) => {
          try {
            const entries = parseBaseline(text, 'b.json');
            for (const e of entries) expect([...e.variables].sort()).toEqual(e.variables);
          } catch (error) {
            expect(isKrishivError(error) && error.code).toBe('ERR_BASELINE_INVALID');
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a file that cannot be read is ERR_BASELINE_INVALID naming it as given', async () => {
    const dir = tempDir('baseline-');
    await expect(readBaseline(path.join(dir, 'none.json'), 'none.json')).rejects.toMatchObject({
      code: 'ERR_BASELINE_INVALID',
      input: 'none.json',
    });
    writeFileSync(path.join(dir, 'b.json'), renderBaseline(report(FINDINGS)));
    expect(await readBaseline(path.join(dir, 'b.json'), 'b.json')).toEqual({ label: 'b.json', entries: baselineEntries(report(FINDINGS)) });
  });
});
