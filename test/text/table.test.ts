import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hangingWrap, renderTable, wrapWords } from '../../src/text/table.js';

const rows = [
  ['ID', 'NAME', 'STATE'],
  ['abcdefgh', 'a rather long key name for the ci robot', 'active, with a note that goes on for a while'],
];

describe('renderTable', () => {
  it('without a width: aligned columns, the last not padded (as piped output always was)', () => {
    expect(
      renderTable([
        ['A', 'BB'],
        ['ccc', 'd'],
      ]),
    ).toBe('A    BB\nccc  d');
  });
  it('with a width: every line fits; the last column wraps under itself, shrinkable columns are cut with …', () => {
    for (const width of [40, 50, 60, 80]) {
      const text = renderTable(rows, { width, shrinkable: [1] });
      for (const line of text.split('\n')) expect(line.length, `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
    const narrow = renderTable(rows, { width: 50, shrinkable: [1] });
    expect(narrow).toContain('…');
    expect(narrow.replace(/\s+/g, ' ')).toContain('active, with a note that goes on for a while');
  });
  it('a table that fits is unchanged by the width', () => {
    expect(renderTable(rows, { width: 200 })).toBe(renderTable(rows));
  });
  it('style sees each line with its row index', () => {
    expect(renderTable([['H'], ['x']], { style: (l, i) => `${i}:${l}` })).toBe('0:H\n1:x');
  });
});

describe('wrapWords / hangingWrap', () => {
  it('no line is wider than the width, and every character of every word is kept in order', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 30 }), fc.integer({ min: 4, max: 40 }), (words, width) => {
        const text = words.join(' ');
        const lines = wrapWords(text, width);
        if (text.length > width) for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
        expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
      }),
    );
  });
  it('hangingWrap indents continuation lines; without a width it returns the text', () => {
    expect(hangingWrap('one two three four', 4, 24)).toBe('one two three four');
    expect(hangingWrap('one two three four five six', 4, 24)).toBe('one two three four\n    five six');
    expect(hangingWrap('x y', 4, undefined)).toBe('x y');
  });
});
