import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { explainJson, renderExplain, runExplain } from '../../src/production/explain.js';
import { PLAIN } from '../../src/text/style.js';
import { resolveExplainOptions } from '../../src/cli/commands/explain.js';

describe('explain', () => {
  it('every check of the catalog explains itself in words: its class meaning, rule, source and fix, nothing undefined', () => {
    for (const c of CATALOG) {
      const text = renderExplain(runExplain({ id: c.id }), PLAIN);
      expect(text, c.id).not.toMatch(/: undefined|\(undefined\)|: null$/m);
      expect(text.split('\n')[0], c.id).toMatch(new RegExp(`^${c.id}  ${c.class}: \\w`));
      expect(text, c.id).toMatch(/^(Fails|Warns) when: /m);
      expect(text, c.id).toContain(`Fix:`);
      expect(explainJson(c)).toEqual({ ok: true, check: c });
    }
  });
  it('an unknown id is ERR_CHECK_UNKNOWN with the closest ids; ids are matched case-insensitively', () => {
    expect(() => runExplain({ id: 'COORD-HTTP-TOKENS-MISING' })).toThrow(
      expect.objectContaining({
        code: 'ERR_CHECK_UNKNOWN',
        details: { suggestions: expect.arrayContaining(['COORD-HTTP-TOKENS-MISSING']) },
      }),
    );
    expect(runExplain({ id: 'coord-http-tokens-missing' }).id).toBe('COORD-HTTP-TOKENS-MISSING');
  });
  it('resolveExplainOptions trims the id', () => {
    expect(resolveExplainOptions('  PROD-OTLP-ENDPOINT \n')).toEqual({ id: 'PROD-OTLP-ENDPOINT' });
  });
});
