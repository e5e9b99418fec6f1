/**
 * No reporter may print a secret value. The report below is what the checks produce for the
 * fixture env (messages name variables only); every format is searched for each known value
 * in the spellings the formats' escaping could give it (JSON, XML, URI, GitHub, Markdown),
 * and a canary report that does carry the values proves the search would find them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownProse } from '../../src/report/common.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import type { Finding } from '../../src/production/types.js';
import { CATALOG, finding, makeReport } from './sample.js';

const SECRETS_FILE = 'test/fixtures/report/secrets.env';
const secrets = readFileSync(new URL('../fixtures/report/secrets.env', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => /^[A-Z_]+=/.test(l))
  // single quotes are dotenv's strong quotes: the value is what is between them
  .map((l) => ({ name: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1') }));
// the parts of list values are secrets on their own
const values = [...new Set(secrets.flatMap((s) => [s.value, ...s.value.split(/[,:]/).filter((p) => p.length >= 8)]))];

/** The spellings a value could take in one of the formats. */
function spellings(value: string): string[] {
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
    encodeURIComponent(value),
    value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'),
    value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C'),
    value.replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`),
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`),
    markdownProse(value),
  ];
}

function leaks(output: string): string[] {
  return values.filter((v) => spellings(v).some((s) => output.includes(s)));
}

const clean: Finding[] = secrets.map((s, i) =>
  finding({
    id: i % 2 === 0 ? 'HYG-WEAK-SECRET' : 'ENV-TOKEN-REUSE',
    status: i % 3 === 0 ? 'fail' : i % 3 === 1 ? 'warn' : 'waived',
    message: `${s.name} is weak or reused (value not shown)`,
    remediation: `Generate a new value with krishiv-auth generate-key and put it in ${s.name}_FILE.`,
    location: { file: SECRETS_FILE, line: i + 2 },
    variables: [s.name],
    locations: [{ file: SECRETS_FILE, line: i + 2, variable: s.name }],
    waiver: { reason: 'rotating next sprint', owner: 'sec', expires: '2027-01-01' },
  }),
);

describe('secrets never appear in any format', () => {
  it.each(REPORT_FORMATS)('%s', (format) => {
    const out = renderReport(format, makeReport(clean, { files: [SECRETS_FILE] }), CATALOG, { verbose: true });
    expect(out).toContain('KRISHIV_UI_TOKEN');
    expect(leaks(out)).toEqual([]);
  });

  it.each(REPORT_FORMATS.filter((f) => f !== 'text'))('the search finds a value that %s does print (canary)', (format) => {
    // a report that wrongly carries every value in every text field a format shows
    const dirty = clean.map((f, i) => ({
      ...f,
      status: 'fail' as const,
      message: `leak ${values.join(' ')}`,
      remediation: values[i % values.length]!,
    }));
    const out = renderReport(format, makeReport(dirty, { files: [SECRETS_FILE] }), CATALOG);
    expect(leaks(out)).toEqual(values);
  });

  it('the search finds a value that text prints (canary)', () => {
    const dirty = clean.map((f) => ({ ...f, status: 'fail' as const, message: values.join(' ') }));
    expect(leaks(renderReport('text', makeReport(dirty), CATALOG))).toEqual(values);
  });
});
