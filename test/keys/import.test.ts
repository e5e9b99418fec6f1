import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../src/errors.js';
import { importCandidates, isEnvFileText } from '../../src/keys/import.js';

const KEY = `krishiv_abcdefgh_${'A'.repeat(43)}`;
const KEY2 = `krishiv_bcdefghi_${'B'.repeat(43)}`;

describe('importCandidates', () => {
  it('splits as the Flight server does: commas, trimmed parts, key cut at the first =', () => {
    const c = importCandidates(` ${KEY} = alice , ,${KEY2}=bob=x `, 'v');
    expect(c.map((x) => [x.entry, x.label, x.subject, x.key?.id])).toEqual([
      [1, 'krishiv_abcdefgh_…', 'alice', 'abcdefgh'],
      [2, 'krishiv_bcdefghi_…', 'bob=x', 'bcdefghi'],
    ]);
  });
  it('reports keys in another format, empty keys and repeats without storing them', () => {
    const c = importCandidates(`legacy=ops,=nobody,${KEY}=a,${KEY}=b`, 'v');
    expect(c.map((x) => [x.label, Boolean(x.key), Boolean(x.duplicate), x.problem?.slice(0, 20)])).toEqual([
      ['entry 1', false, false, 'not a krishiv_<id>_<'],
      ['entry 2', false, false, 'the key is empty'],
      ['krishiv_abcdefgh_…', true, false, undefined],
      ['krishiv_abcdefgh_…', false, true, 'listed twice in the '],
    ]);
  });
  it('an unset value and an entry without = are refused, never echoing the value', () => {
    expect(() => importCandidates('  ', 'v')).toThrow(/no key to import/);
    try {
      importCandidates('secretwithoutequals', 'v');
      expect.unreachable();
    } catch (error) {
      expect(isKrishivError(error) && error.code).toBe('ERR_ENV_PARSE');
      expect(String((error as Error).message)).not.toContain('secretwithoutequals');
    }
  });
  it("never throws anything but the tool's errors, whatever the value", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        try {
          const out = importCandidates(raw, 'v');
          for (const c of out) expect(c.problem === undefined).toBe(c.key !== undefined && !c.duplicate);
        } catch (error) {
          expect(isKrishivError(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isEnvFileText', () => {
  it('recognises a KRISHIV_API_KEYS declaration line, not a bare value', () => {
    expect(isEnvFileText('A=1\nexport KRISHIV_API_KEYS="x=y"\n')).toBe(true);
    expect(isEnvFileText(`${KEY}=alice`)).toBe(false);
  });
});
