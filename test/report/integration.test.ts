/**
 * The reporters over real reports: env files read by the real reader, evaluated by the real
 * checks for every role, rendered with the real catalog. SARIF validates, JUnit parses, the
 * github output has one line per failure or warning, and no secret value of the fixture
 * appears in any format (except the placeholder `changeme`, which the catalog documents and
 * HYG-PLACEHOLDER-SECRET names as the word it found).
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { loadEnv, parseCliFlags } from '../../src/production/env/index.js';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe } from '../../src/production/model.js';
import { ROLES, type ProductionReport } from '../../src/production/types.js';
import { REPORT_FORMATS, renderReport, toSarifLog } from '../../src/report/index.js';
import { sarifErrors } from './sarif-schema.js';
import { allElements, parseXml } from './xml.js';

const FILES = ['test/fixtures/report/production.env', 'test/fixtures/report/secrets.env'];
const SECRET_NAMES = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
  'KRISHIV_UI_TOKEN',
  'KRISHIV_API_KEYS',
  'KRISHIV_SHUFFLE_TOKEN',
];

async function reports(): Promise<{ reports: ProductionReport[]; secrets: string[] }> {
  const envSet = await loadEnv(FILES);
  const secrets = new Set<string>();
  for (const name of SECRET_NAMES) {
    const v = envSet.vars.get(name);
    if (!v) throw new Error(`fixture lacks ${name}`);
    secrets.add(v.value);
    for (const part of v.value.split(/[,:]/)) if (part.length >= 8) secrets.add(part);
  }
  const out = ROLES.map((role) =>
    evaluate({
      envSet,
      role,
      cli: parseCliFlags('--durability-profile distributed-durable'),
      files: tableProbe({}),
      now: new Date('2026-11-24T12:00:00Z'),
    }),
  );
  return { reports: out, secrets: [...secrets] };
}

describe('reporters over real check-production reports', () => {
  it.each(ROLES)('role %s: every format renders and keeps its structure', async (role) => {
    const { reports: all } = await reports();
    const report = all.find((r) => r.role === role)!;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(sarifErrors(toSarifLog(report, CATALOG, { srcRoot: '/work/repo' }))).toEqual([]);
    const junit = parseXml(renderReport('junit', report, CATALOG));
    expect(allElements(junit).filter((e) => e.name === 'testcase')).toHaveLength(report.findings.length);
    const github = renderReport('github', report, CATALOG).split('\n');
    expect(github).toHaveLength(report.summary.fail + report.summary.warn + 1);
    expect(renderReport('text', report, CATALOG).split('\n').at(-1)).toMatch(new RegExp(`— role ${role}, 2 files$`));
  });

  it('SARIF has one rule per catalog check, and every result names its env file, with a line when the variable exists', async () => {
    const { reports: all } = await reports();
    const report = all.find((r) => r.role === 'cluster')!;
    const results = toSarifLog(report, CATALOG).runs[0]!.results ?? [];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      expect(FILES).toContain(uri);
    }
    const rules = toSarifLog(report, CATALOG).runs[0]!.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(CATALOG.map((c) => c.id));
    expect(rules.find((r) => r.id === 'ENV-UNKNOWN-FLAG')?.defaultConfiguration?.level).toBe('warning');
    expect(rules.find((r) => r.id === 'COORD-HTTP-TOKENS-MISSING')?.defaultConfiguration?.level).toBe('error');
    const typo = results.find((r) => r.ruleId === 'ENV-UNKNOWN-FLAG');
    expect(typo?.locations?.[0]?.physicalLocation).toMatchObject({ artifactLocation: { uri: FILES[0] }, region: { startLine: 4 } });
  });

  it('no secret value of the fixture appears in any format, for any role', async () => {
    const { reports: all, secrets } = await reports();
    // a documented placeholder is public text (HYG-PLACEHOLDER-SECRET names the word it found)
    const documented = JSON.stringify(CATALOG);
    expect(secrets.filter((s) => documented.includes(s))).toEqual(['changeme']);
    const searched = secrets.filter((s) => !documented.includes(s));
    for (const report of all) {
      for (const format of REPORT_FORMATS) {
        const out = renderReport(format, report, CATALOG, { verbose: true });
        const leaked = searched.filter(
          (s) => out.includes(s) || out.includes(JSON.stringify(s).slice(1, -1)) || out.includes(encodeURIComponent(s)),
        );
        expect(leaked, `${report.role} ${format}`).toEqual([]);
      }
    }
  });
});
