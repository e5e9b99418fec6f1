import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownCode, markdownProse } from '../../src/report/common.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ENGINE_COMMIT } from '../../src/version.js';
import { REPORT, finding, makeReport } from './sample.js';

/** Splits a GFM table row into cells the way GitHub does: on `|` not preceded by `\`. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('markdown', () => {
  const md = renderMarkdown(REPORT);
  const lines = md.split('\n');

  it('starts with a heading and the summary line', () => {
    expect(lines.slice(0, 3)).toEqual([
      '### krishiv-auth check-production: failed',
      '',
      '**✖ 2 failed, 1 warning, 2 passed, 1 skipped, 1 waived — role cluster, 2 files**',
    ]);
  });

  it('tables failures then warnings with check, message and fix, and location', () => {
    const rows = lines.filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
    expect(rows.map(cells)).toEqual([
      [
        '❌ fail',
        '`COORD-HTTP-TOKENS-MISSING`',
        'refusing to start: production mode requires KRISHIV\\_COORDINATOR\\_BEARER\\_TOKEN(S)<br>**Fix:** Set KRISHIV\\_COORDINATOR\\_BEARER\\_TOKEN\\_FILE.',
        'prod.env<br>`KRISHIV_COORDINATOR_BEARER_TOKEN`, `KRISHIV_COORDINATOR_BEARER_TOKENS`',
      ],
      [
        '❌ fail',
        '`PROD-OTLP-ENDPOINT`',
        'OTEL\\_EXPORTER\\_OTLP\\_ENDPOINT is blank; KRISHIV\\_OTLP\\_ENDPOINT is set but the engine never reads it<br>**Fix:** Rename KRISHIV\\_OTLP\\_ENDPOINT to OTEL\\_EXPORTER\\_OTLP\\_ENDPOINT.',
        'prod.env:7<br>`KRISHIV_OTLP_ENDPOINT`',
      ],
      [
        '⚠️ warn',
        '`ENV-UNKNOWN-FLAG`',
        'KRISHIV\\_PRODUCTON is not a Krishiv variable (did you mean KRISHIV\\_PRODUCTION?)<br>**Fix:** Rename it to KRISHIV\\_PRODUCTION.',
        'base.env:3<br>`KRISHIV_PRODUCTON`',
      ],
    ]);
    expect(lines).toContain('| | Check | Message | Location |');
  });

  it('collapses waived, skipped and passed checks in <details>', () => {
    expect(md).toContain(
      '<details>\n<summary>1 waived</summary>\n\n- `MODE-NOT-FAIL-CLOSED`: the process is not fail-closed — staging cluster (owner platform-team, expires 2027-01-31)\n\n</details>',
    );
    expect(md).toContain('<summary>1 not checked here</summary>');
    expect(md).toContain('<details>\n<summary>2 passed</summary>\n\n- `EXEC-WARNISH`\n- `PROD-DURABLE-PROFILE`\n\n</details>');
  });

  it('ends with role, files, version and engine commit', () => {
    expect(lines.at(-1)).toMatch(
      new RegExp(`^<sub>Role \`cluster\` · \`base.env\`, \`prod.env\` · krishiv-auth .+, engine \`${ENGINE_COMMIT}\`</sub>$`),
    );
  });

  it('a clean report has no table', () => {
    const clean = renderMarkdown(makeReport([finding({ id: 'A', status: 'pass' })]));
    expect(clean).toContain('### krishiv-auth check-production: passed');
    expect(clean).not.toContain('| Check |');
  });

  it('keeps a hostile message inside its cell: one row, four cells, no raw HTML', () => {
    const f = finding({
      id: 'X|Y',
      status: 'fail',
      message: 'a | b `code` <img src=x onerror=alert(1)>\n| c | d |\n</details>',
      remediation: '*bold* _it_ [link](http://x)',
      location: { file: 'we|rd`.env', line: 3 },
    });
    const out = renderMarkdown(makeReport([f]));
    const rows = out.split('\n').filter((l) => l.startsWith('| ❌'));
    expect(rows).toHaveLength(1);
    expect(cells(rows[0]!)).toHaveLength(4);
    expect(out).not.toContain('<img');
    expect(out.match(/<\/details>/g)?.length ?? 0).toBe(out.match(/<details>/g)?.length ?? 0);
    expect(cells(rows[0]!)[3]).toBe('we\\|rd\\`.env:3');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['`x`', '\\`x\\`'],
    ['*x* _y_ ~z~', '\\*x\\* \\_y\\_ \\~z\\~'],
    ['[a](b)', '\\[a\\](b)'],
    ['<b>&amp;</b>', '&lt;b&gt;&amp;amp;&lt;/b&gt;'],
    ['one\ntwo\r\nthree', 'one<br>two<br>three'],
    ['back\\slash', 'back\\\\slash'],
    ['# not a heading', '\\# not a heading'],
    ['100%', '100%'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it.each([
    ['KRISHIV_API_KEYS', '`KRISHIV_API_KEYS`'],
    ['a`b', 'a\\`b'],
    ['x|y', 'x\\|y'],
  ])('markdownCode %j → %j', (input, expected) => {
    expect(markdownCode(input)).toBe(expected);
  });
});

describe('markdownProse', () => {
  it.each([
    ['run `krishiv-auth generate-key --type bearer` now', 'run `krishiv-auth generate-key --type bearer` now'],
    ['a `b|c` d', 'a `b\\|c` d'],
    ['one ` unbalanced', 'one \\` unbalanced'],
    ['`<img src=x>`', '`<img src=x>`'],
    ['x_y `a_b` *z*', 'x\\_y `a_b` \\*z\\*'],
    ['`a\nb`', '\\`a<br>b\\`'],
    ['``', '\\`\\`'],
  ])('%j → %j', (input, expected) => {
    expect(markdownProse(input)).toBe(expected);
  });
});
