import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { CATALOG, REPORT, finding, makeReport } from './sample.js';

/** Undoes the runner's escaping, as actions/runner does when it reads a command. */
function unescape(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Parses one workflow command line the way the runner does (`::name k=v,k=v::data`). */
function parseCommand(line: string): { command: string; props: Record<string, string>; data: string } {
  const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { command: m[1]!, props, data: unescape(m[3]!) };
}

describe('github', () => {
  it('prints one error per failure, one warning per warning, then a notice with the summary', () => {
    expect(renderGithub(REPORT).split('\n')).toEqual([
      '::error file=prod.env,title=COORD-HTTP-TOKENS-MISSING (REFUSE)::refusing to start: production mode requires KRISHIV_COORDINATOR_BEARER_TOKEN(S)%0AFix: Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE.',
      '::error file=prod.env,line=7,title=PROD-OTLP-ENDPOINT (CHECKLIST)::OTEL_EXPORTER_OTLP_ENDPOINT is blank; KRISHIV_OTLP_ENDPOINT is set but the engine never reads it%0AFix: Rename KRISHIV_OTLP_ENDPOINT to OTEL_EXPORTER_OTLP_ENDPOINT.',
      '::warning file=base.env,line=3,title=ENV-UNKNOWN-FLAG (HYGIENE)::KRISHIV_PRODUCTON is not a Krishiv variable (did you mean KRISHIV_PRODUCTION?)%0AFix: Rename it to KRISHIV_PRODUCTION.',
      '::notice title=krishiv-auth check-production::✖ 2 failed, 1 warning, 2 passed, 1 skipped, 1 waived — role cluster, 2 files',
    ]);
  });

  it('lists failures before warnings whatever the report order', () => {
    const report = makeReport([finding({ id: 'W', status: 'warn' }), finding({ id: 'F', status: 'fail' })]);
    expect(
      renderReport('github', report, CATALOG)
        .split('\n')
        .map((l) => l.slice(0, 8)),
    ).toEqual(['::error ', '::warnin', '::notice']);
  });

  it('omits file and line for a value from --process-env/--cli and says so', () => {
    const line = renderGithub(makeReport([finding({ id: 'X', status: 'fail', location: null, message: 'm', remediation: '' })])).split(
      '\n',
    )[0]!;
    expect(line).toBe('::error title=X (HYGIENE)::m (from the process environment or --cli)');
  });

  it.each([
    ['100%', '100%25'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['a:b,c', 'a:b,c'],
    ['%0A literal', '%250A literal'],
  ])('data %j → %j', (input, expected) => {
    expect(escapeData(input)).toBe(expected);
  });

  it.each([
    ['deploy/prod.env', 'deploy/prod.env'],
    ['C:\\x,y.env', 'C%3A\\x%2Cy.env'],
    ['100%\n', '100%25%0A'],
    ['ID (CLASS)', 'ID (CLASS)'],
  ])('property %j → %j', (input, expected) => {
    expect(escapeProperty(input)).toBe(expected);
  });

  it('round-trips hostile messages and paths through the runner parser on one line', () => {
    const f = finding({
      id: 'ID:1,2',
      status: 'fail',
      message: 'bad\nline %0A ::set-output name=x::y, and: more',
      remediation: 'fix\r\nit',
      location: { file: 'dir,with:odd%/prod.env', line: 12 },
    });
    const lines = renderGithub(makeReport([f])).split('\n');
    expect(lines).toHaveLength(2);
    expect(parseCommand(lines[0]!)).toEqual({
      command: 'error',
      props: { file: 'dir,with:odd%/prod.env', line: '12', title: 'ID:1,2 (HYGIENE)' },
      data: 'bad\nline %0A ::set-output name=x::y, and: more\nFix: fix\nit',
    });
  });
});
