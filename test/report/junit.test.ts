import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { escapeXmlAttr, escapeXmlText, renderJunit } from '../../src/report/junit.js';
import { ENGINE_COMMIT, VERSION } from '../../src/version.js';
import { CATALOG, FINDINGS, REPORT, finding, makeReport } from './sample.js';
import { XmlError, allElements, parseXml, type XmlElement } from './xml.js';

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

describe('the test XML parser (so well-formedness tests can fail)', () => {
  it.each([
    ['<a>', /unclosed/],
    ['<a></b>', /mismatched/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a x="<"/>', /< in attribute/],
    ['<a>&</a>', /bare &/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a>]]></a>', /]]>/],
    ['<a>\u0001</a>', /forbids/],
    ['<a>&#1;</a>', /invalid char/],
    ['<a/><b/>', /after the root/],
    ['<a><!-- x -- y --></a>', /inside a comment/],
    ['<a x=1/>', /expected quote/],
    ['<a x="1"y="2"/>', /whitespace/],
  ])('rejects %j', (doc, message) => {
    expect(() => parseXml(doc)).toThrow(XmlError);
    expect(() => parseXml(doc)).toThrow(message);
  });

  it('decodes entities and character references', () => {
    const el = parseXml('<?xml version="1.0" encoding="UTF-8"?><a t="&quot;x&#10;y&apos;">&lt;&amp;&gt;&#x41;</a>');
    expect(el).toEqual({ name: 'a', attrs: { t: '"x\ny\'' }, children: [], text: '<&>A' });
  });
});

describe('junit', () => {
  const doc = parseXml(renderJunit(REPORT));

  it('is well-formed, with totals on <testsuites> and the tool identity in its name', () => {
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toEqual({
      name: `krishiv-auth ${VERSION} check-production (engine ${ENGINE_COMMIT}) — role cluster`,
      tests: '7',
      failures: '2',
      errors: '0',
      skipped: '2',
      time: '0',
    });
  });

  it('has one suite per class present, in class order', () => {
    expect(doc.children.map((s) => [s.attrs['name'], s.attrs['tests'], s.attrs['failures'], s.attrs['skipped']])).toEqual([
      ['check-production.cluster.MODE', '1', '0', '1'],
      ['check-production.cluster.REFUSE', '1', '1', '0'],
      ['check-production.cluster.WARN', '1', '0', '0'],
      ['check-production.cluster.CHECKLIST', '2', '1', '0'],
      ['check-production.cluster.HYGIENE', '2', '0', '1'],
    ]);
  });

  const cases = allElements(doc).filter((e) => e.name === 'testcase');
  const byName = (name: string): XmlElement | undefined => cases.find((c) => c.attrs['name'] === name);

  it('has one testcase per finding with file and line when known', () => {
    expect(cases.map((c) => c.attrs['name'])).toHaveLength(FINDINGS.length);
    expect(byName('PROD-OTLP-ENDPOINT')?.attrs).toMatchObject({
      file: 'prod.env',
      line: '7',
      classname: 'check-production.cluster.CHECKLIST',
    });
    expect(byName('COORD-HTTP-TOKENS-MISSING')?.attrs['line']).toBeUndefined();
    expect(byName('MODE-NOT-FAIL-CLOSED')?.attrs['file']).toBeUndefined();
  });

  it('a failure carries message, class as type, and the detail with location and fix', () => {
    const failure = child(byName('PROD-OTLP-ENDPOINT'), 'failure');
    expect(failure?.attrs).toEqual({ message: FINDINGS[1]!.message, type: 'CHECKLIST' });
    expect(failure?.text).toBe(
      `${FINDINGS[1]!.message}\nat prod.env:7\nvariables: KRISHIV_OTLP_ENDPOINT\nfix: ${FINDINGS[1]!.remediation}`,
    );
  });

  it('a warning is system-out, not a failure', () => {
    const warn = byName('ENV-UNKNOWN-FLAG');
    expect(child(warn, 'failure')).toBeUndefined();
    expect(child(warn, 'system-out')?.text).toMatch(/^warning: KRISHIV_PRODUCTON is not a Krishiv variable/);
  });

  it('under --strict a warning is also a failure of type warning', () => {
    const strict = parseXml(renderJunit(makeReport(FINDINGS, { strict: true })));
    const warn = allElements(strict).find((e) => e.name === 'testcase' && e.attrs['name'] === 'ENV-UNKNOWN-FLAG');
    expect(child(warn, 'failure')?.attrs['type']).toBe('warning');
    expect(strict.attrs['failures']).toBe('3');
  });

  it.each([
    ['HYG-TOKEN-FILE-MODE', 'not checked here: /run/secrets/coord-token does not exist here: not checked'],
    ['MODE-NOT-FAIL-CLOSED', 'waived: staging cluster (owner platform-team, expires 2027-01-31)'],
  ])('%s is skipped with the reason', (name, message) => {
    expect(child(byName(name), 'skipped')?.attrs['message']).toBe(message);
  });

  it('a skip message that already says "not checked here" is not prefixed twice', () => {
    const f = {
      ...FINDINGS.find((x) => x.status === 'skip')!,
      message: 'not checked here: KRISHIV_UI_TOKEN_FILE does not exist on this machine',
    };
    const xml = parseXml(renderJunit(makeReport([f])));
    const tc = allElements(xml).find((e) => e.name === 'testcase');
    expect(child(tc, 'skipped')?.attrs['message']).toBe('not checked here: KRISHIV_UI_TOKEN_FILE does not exist on this machine');
  });

  it('a pass is an empty testcase', () => {
    expect(byName('PROD-DURABLE-PROFILE')?.children).toEqual([]);
  });

  it('names repeated checks by their variables so testcases stay distinct', () => {
    const xml = parseXml(
      renderJunit(
        makeReport([
          finding({ id: 'HYG-WEAK-SECRET', status: 'fail', variables: ['A_TOKEN'] }),
          finding({ id: 'HYG-WEAK-SECRET', status: 'fail', variables: ['B_TOKEN'] }),
        ]),
      ),
    );
    expect(
      allElements(xml)
        .filter((e) => e.name === 'testcase')
        .map((e) => e.attrs['name']),
    ).toEqual(['HYG-WEAK-SECRET (A_TOKEN)', 'HYG-WEAK-SECRET (B_TOKEN)']);
  });

  it('an empty report still has one (empty) suite', () => {
    const xml = parseXml(renderReport('junit', makeReport([]), CATALOG));
    expect(xml.children.map((c) => c.attrs)).toEqual([
      { name: 'check-production.cluster', tests: '0', failures: '0', errors: '0', skipped: '0', time: '0' },
    ]);
  });
});

describe('XML escaping', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<tag>', '&lt;tag&gt;'],
    [']]>', ']]&gt;'],
    ['line1\nline2', 'line1\nline2'],
    ['cr\r', 'cr&#13;'],
    ['bell\u0007 esc\u001b[31m', 'bell\ufffd esc\ufffd[31m'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
    ['pair \ud83d\ude00 ok', 'pair \ud83d\ude00 ok'],
    ['\ufffe\uffff', '\ufffd\ufffd'],
  ])('text %j → %j', (input, expected) => {
    expect(escapeXmlText(input)).toBe(expected);
  });

  it.each([
    ['say "hi" & \'bye\'', 'say &quot;hi&quot; &amp; &apos;bye&apos;'],
    ['tab\tnl\ncr\r', 'tab&#9;nl&#10;cr&#13;'],
  ])('attribute %j → %j', (input, expected) => {
    expect(escapeXmlAttr(input)).toBe(expected);
  });

  it('keeps newlines in attribute values through a parser', () => {
    const f = finding({ id: 'X', status: 'fail', message: 'two\nlines & <more> "quoted"\ttab' });
    const failure = allElements(parseXml(renderJunit(makeReport([f])))).find((e) => e.name === 'failure');
    expect(failure?.attrs['message']).toBe('two\nlines & <more> "quoted"\ttab');
  });
});
