import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { renderReport, toSarifLog } from '../../src/report/index.js';
import { FINGERPRINT_KEY, artifactLocationFor } from '../../src/report/sarif.js';
import { ENGINE_COMMIT, VERSION } from '../../src/version.js';
import { CATALOG, FINDINGS, REPORT, finding, makeReport } from './sample.js';
import { sarifErrors } from './sarif-schema.js';

function run(log: Sarif.Log): Sarif.Run {
  const r = log.runs[0];
  if (!r) throw new Error('no run');
  return r;
}

describe('SARIF schema', () => {
  it('the sample report validates against the official SARIF 2.1.0 schema', () => {
    expect(sarifErrors(toSarifLog(REPORT, CATALOG))).toEqual([]);
  });

  it('the string form parses to the same log', () => {
    expect(JSON.parse(renderReport('sarif', REPORT, CATALOG))).toEqual(toSarifLog(REPORT, CATALOG));
  });

  it.each([
    ['an empty report', makeReport([], { files: [] })],
    ['only passes', makeReport([finding({ id: 'X', status: 'pass' })])],
    ['strict with warnings', makeReport(FINDINGS, { strict: true })],
    ['role executor', makeReport(FINDINGS, { role: 'executor' })],
    [
      'absolute and odd paths',
      makeReport(
        [
          finding({ id: 'A', status: 'fail', location: { file: '/etc/krishiv/prod env#1.env', line: 3 } }),
          finding({ id: 'B', status: 'warn', location: { file: 'a:b/100%.env' } }),
        ],
        { files: ['/etc/krishiv/prod env#1.env', 'a:b/100%.env'] },
      ),
    ],
    ['no files and a process-env finding', makeReport([finding({ id: 'A', status: 'fail', location: null })], { files: [] })],
  ])('%s validates', (_name, report) => {
    expect(sarifErrors(toSarifLog(report, CATALOG, { srcRoot: '/work/repo' }))).toEqual([]);
  });

  it('the validator does reject a broken log (so the tests above can fail)', () => {
    const log = toSarifLog(REPORT, CATALOG) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!['level'] = 'fatal';
    expect(sarifErrors(log).join('\n')).toMatch(/level/);
  });
});

describe('tool.driver', () => {
  const driver = run(toSarifLog(REPORT, CATALOG)).tool.driver;

  it('carries the tool name, version and the engine commit', () => {
    expect(driver.name).toBe('krishiv-auth');
    expect(driver.version).toBe(VERSION);
    expect(driver.semanticVersion).toBe(VERSION);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.properties?.['engineCommit']).toBe(ENGINE_COMMIT);
    expect(driver.fullName).toContain(ENGINE_COMMIT);
  });

  it('has one rule per catalog check, in catalog order', () => {
    // PROD-DURABLE-PROFILE only passes in the sample: no result, so no extra rule
    expect(driver.rules?.map((r) => r.id)).toEqual(CATALOG.map((c) => c.id));
  });

  it('adds a rule for a failing finding whose id is not in the catalog', () => {
    const log = toSarifLog(makeReport([finding({ id: 'WAIVER-EXPIRED', status: 'fail' })]), CATALOG);
    const rules = run(log).tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toContain('WAIVER-EXPIRED');
    expect(run(log).results?.[0]?.ruleIndex).toBe(rules.findIndex((r) => r.id === 'WAIVER-EXPIRED'));
  });

  it('gives each rule the catalog text as help, and class, predicate and tags as properties', () => {
    const rule = driver.rules?.find((r) => r.id === 'COORD-HTTP-TOKENS-MISSING');
    expect(rule?.shortDescription?.text).toBe(CATALOG[0]!.rule);
    expect(rule?.fullDescription?.text).toContain('surface §3.2');
    expect(rule?.help?.text).toBe(
      [
        'Rule: A fail-closed coordinator needs at least one static bearer token for its HTTP API.',
        'Engine source: surface §3.2; crates/krishiv-coordinator/src/http.rs:120',
        'Engine predicate: requires_http_auth',
        'Engine message: refusing to start: production mode requires KRISHIV_COORDINATOR_BEARER_TOKEN(S)',
        'Fix: Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE to a 0600 file holding a random token.',
        'Class: REFUSE; roles: cluster, coordinator',
      ].join('\n'),
    );
    expect(rule?.help?.markdown).toContain('**Fix.** Set KRISHIV\\_COORDINATOR\\_BEARER\\_TOKEN\\_FILE');
    expect(rule?.help?.markdown).toContain('`requires_http_auth`');
    expect(rule?.properties).toMatchObject({
      class: 'REFUSE',
      predicate: 'requires_http_auth',
      tags: ['security', 'configuration', 'refuse'],
    });
    expect(rule?.name).toBe('CoordHttpTokensMissing');
  });

  it.each([
    ['COORD-HTTP-TOKENS-MISSING', 'error'],
    ['EXEC-WARNISH', 'warning'],
    ['ENV-UNKNOWN-FLAG', 'warning'],
    ['HYG-TOKEN-FILE-MODE', 'error'],
  ])('rule %s has default level %s (catalog severity, else by class)', (id, level) => {
    expect(driver.rules?.find((r) => r.id === id)?.defaultConfiguration?.level).toBe(level);
  });
});

describe('results', () => {
  const results = run(toSarifLog(REPORT, CATALOG)).results ?? [];

  it('has fail (error), warn (warning) and waived (suppressed) findings only, in report order', () => {
    expect(results.map((r) => [r.ruleId, r.level, r.suppressions ? 'suppressed' : ''])).toEqual([
      ['COORD-HTTP-TOKENS-MISSING', 'error', ''],
      ['PROD-OTLP-ENDPOINT', 'error', ''],
      ['ENV-UNKNOWN-FLAG', 'warning', ''],
      ['MODE-NOT-FAIL-CLOSED', 'error', 'suppressed'],
    ]);
  });

  it('points ruleIndex at the rule with the same id', () => {
    const rules = run(toSarifLog(REPORT, CATALOG)).tool.driver.rules ?? [];
    for (const r of results) expect(rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
  });

  it('names the env file and gives the line when the variable exists', () => {
    const otlp = results.find((r) => r.ruleId === 'PROD-OTLP-ENDPOINT');
    expect(otlp?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'prod.env', uriBaseId: '%SRCROOT%', index: 1 },
      region: { startLine: 7 },
    });
  });

  it('names the file only for an absent variable', () => {
    const coord = results.find((r) => r.ruleId === 'COORD-HTTP-TOKENS-MISSING');
    expect(coord?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'prod.env', uriBaseId: '%SRCROOT%', index: 1 } });
  });

  it('points a --process-env/--cli finding at the last env file, without a line, and says so', () => {
    const mode = results.find((r) => r.ruleId === 'MODE-NOT-FAIL-CLOSED');
    expect(mode?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'prod.env', uriBaseId: '%SRCROOT%', index: 1 } });
    expect(mode?.message.text).toBe(
      'the process is not fail-closed (the value comes from the process environment or --cli, not from this file)\nFix: Set KRISHIV_PRODUCTION=1.',
    );
  });

  it('without any env file, a finding gets a logical location', () => {
    const log = toSarifLog(makeReport([finding({ id: 'A', status: 'fail', location: null })], { files: [] }), CATALOG);
    expect(run(log).results?.[0]?.locations).toEqual([
      { logicalLocations: [{ name: 'environment', fullyQualifiedName: 'process environment or --cli', kind: 'module' }] },
    ]);
  });

  it('carries the waiver as an accepted external suppression with its justification', () => {
    const mode = results.find((r) => r.ruleId === 'MODE-NOT-FAIL-CLOSED');
    expect(mode?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'staging cluster (owner platform-team, expires 2027-01-31)',
        properties: { owner: 'platform-team', expires: '2027-01-31' },
      },
    ]);
  });

  it("leaves waived findings out with waived: 'omit'", () => {
    const log = toSarifLog(REPORT, CATALOG, { waived: 'omit' });
    expect(run(log).results?.map((r) => r.ruleId)).toEqual(['COORD-HTTP-TOKENS-MISSING', 'PROD-OTLP-ENDPOINT', 'ENV-UNKNOWN-FLAG']);
    expect(JSON.parse(renderReport('sarif', REPORT, CATALOG, { sarifWaived: 'omit' })).runs[0].results).toHaveLength(3);
  });

  it('gives message text with the fix, and status, class, predicate and variables as properties', () => {
    const otlp = results.find((r) => r.ruleId === 'PROD-OTLP-ENDPOINT');
    expect(otlp?.message.text).toBe(`${FINDINGS[1]!.message}\nFix: ${FINDINGS[1]!.remediation}`);
    expect(otlp?.properties).toEqual({ status: 'fail', class: 'CHECKLIST', predicate: null, variables: ['KRISHIV_OTLP_ENDPOINT'] });
  });

  it('adds relatedLocations for every location involved', () => {
    const f = finding({
      id: 'ENV-TOKEN-REUSE',
      status: 'warn',
      location: { file: 'prod.env', line: 2 },
      variables: ['A_TOKEN', 'B_TOKEN'],
      locations: [
        { file: 'prod.env', line: 2, variable: 'A_TOKEN' },
        { file: 'base.env', line: 9, variable: 'B_TOKEN' },
      ],
    });
    const r = run(toSarifLog(makeReport([f]), CATALOG)).results?.[0];
    expect(r?.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'prod.env', uriBaseId: '%SRCROOT%', index: 1 }, region: { startLine: 2 } },
        message: { text: 'A_TOKEN' },
      },
      {
        id: 2,
        physicalLocation: { artifactLocation: { uri: 'base.env', uriBaseId: '%SRCROOT%', index: 0 }, region: { startLine: 9 } },
        message: { text: 'B_TOKEN' },
      },
    ]);
  });
});

describe('partialFingerprints', () => {
  const fp = (report: ReturnType<typeof makeReport>): string[] =>
    (run(toSarifLog(report, CATALOG)).results ?? []).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY] ?? '');

  it('are stable across runs and ignore line numbers, messages and catalog changes', () => {
    const moved = makeReport(
      FINDINGS.map((f) => ({
        ...f,
        message: `${f.message}, reworded`,
        location: f.location ? { ...f.location, line: (f.location.line ?? 0) + 10 } : null,
      })),
    );
    expect(fp(moved)).toEqual(fp(REPORT));
    expect(fp(REPORT)).toEqual(fp(REPORT));
    expect(fp(REPORT).every((x) => /^[0-9a-f]{32}$/.test(x))).toBe(true);
  });

  it('differ by check id, file and variables', () => {
    const base = finding({ id: 'A', status: 'fail', variables: ['X'] });
    const all = fp(
      makeReport([base, { ...base, id: 'B' }, { ...base, location: { file: 'other.env', line: 1 } }, { ...base, variables: ['Y'] }]),
    );
    expect(new Set(all).size).toBe(4);
  });

  it('stay unique when one check fires twice on the same variables', () => {
    const base = finding({ id: 'A', status: 'fail', variables: ['X'] });
    const [a, b] = fp(makeReport([base, { ...base, location: { file: 'prod.env', line: 9 } }]));
    expect(b).toBe(`${a}:2`);
  });
});

describe('run metadata', () => {
  it.each([
    [REPORT, 1, 'a check failed'],
    [makeReport([finding({ id: 'A', status: 'pass' })]), 0, 'no check failed'],
  ])('invocations say the tool could answer, with the contract exit code', (report, exitCode, description) => {
    expect(run(toSarifLog(report, CATALOG)).invocations).toEqual([
      {
        executionSuccessful: true,
        exitCode,
        exitCodeDescription: description,
        properties: { role: report.role, strict: report.strict, summary: report.summary },
      },
    ]);
  });

  it('uses role-specific automationDetails so several roles can be uploaded side by side', () => {
    expect(run(toSarifLog(makeReport([], { role: 'executor' }), CATALOG)).automationDetails).toEqual({ id: 'check-production/executor/' });
  });

  it('lists the env files as analysis targets and %SRCROOT% as a file URI when srcRoot is given', () => {
    const r = run(toSarifLog(REPORT, CATALOG, { srcRoot: '/home/ci/my repo' }));
    expect(r.artifacts?.map((a) => a.location?.uri)).toEqual(['base.env', 'prod.env']);
    expect(r.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe('file:///home/ci/my%20repo/');
  });

  it('starts with the $schema and version 2.1.0', () => {
    const log = toSarifLog(REPORT, CATALOG);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  });
});

describe('artifactLocationFor', () => {
  it.each([
    ['prod.env', { uri: 'prod.env', uriBaseId: '%SRCROOT%' }],
    ['./deploy/prod.env', { uri: 'deploy/prod.env', uriBaseId: '%SRCROOT%' }],
    ['../shared/.env', { uri: '../shared/.env', uriBaseId: '%SRCROOT%' }],
    ['my env/100%.env', { uri: 'my%20env/100%25.env', uriBaseId: '%SRCROOT%' }],
    ['a:b.env', { uri: 'a%3Ab.env', uriBaseId: '%SRCROOT%' }],
    ['x#y?.env', { uri: 'x%23y%3F.env', uriBaseId: '%SRCROOT%' }],
    ['/etc/krishiv/prod.env', { uri: 'file:///etc/krishiv/prod.env' }],
    ['C:\\deploy\\prod.env', { uri: 'file:///C:/deploy/prod.env' }],
    ['./', { uri: '.', uriBaseId: '%SRCROOT%' }],
    ['.\\deploy\\prod.env', { uri: 'deploy/prod.env', uriBaseId: '%SRCROOT%' }],
  ])('%s → %o', (path, expected) => {
    expect(artifactLocationFor(path)).toEqual(expected);
  });
});
