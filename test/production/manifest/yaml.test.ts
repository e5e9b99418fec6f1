import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../../src/errors.js';
import { keyLine, lineOf, parseYamlStream } from '../../../src/production/manifest/yaml.js';

const SOAK = process.env['KRISHIV_AUTH_SOAK'] === 'full' ? 2000 : 200;

describe('parseYamlStream', () => {
  it('reads multi-document streams with the line of every mapping and key', () => {
    const docs = parseYamlStream('---\na: 1\n---\n# only a comment\n---\nkind: Pod\nspec:\n  containers:\n    - name: c\n      env:\n        - name: X\n          value: "1"\n', 'f.yaml');
    expect(docs).toHaveLength(2);
    const pod = docs[1]!.value as { spec: { containers: Array<{ env: Array<object> }> } };
    expect(lineOf(pod)).toBe(6);
    expect(lineOf(pod.spec.containers[0])).toBe(9);
    expect(lineOf(pod.spec.containers[0]!.env[0])).toBe(11);
    expect(keyLine(pod.spec.containers[0]!.env[0], 'value')).toBe(12);
  });

  it('reads YAML 1.1 scalars as kubectl does: yes/on/off are booleans, 0644 is octal, quoted stays a string', () => {
    const [doc] = parseYamlStream('a: yes\nb: off\nc: "yes"\nd: 0644\ne: 420\nf: y\ng: ~\n', 'f.yaml');
    expect(doc!.value).toEqual({ a: true, b: false, c: 'yes', d: 420, e: 420, f: true, g: null });
  });

  it('applies << merge keys (explicit keys win)', () => {
    const [doc] = parseYamlStream('base: &b {x: 1, p: 2}\nm:\n  <<: *b\n  p: 3\n', 'f.yaml');
    expect((doc!.value as { m: unknown }).m).toEqual({ x: 1, p: 3 });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    expect(() => parseYamlStream(lines.join('\n'), 'bomb.yaml')).toThrow(/alias/);
  });

  it('refuses deep nesting with the file and line', () => {
    const text = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    try {
      parseYamlStream(text, 'deep.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isKrishivError(error) && error.code).toBe('ERR_MANIFEST_PARSE');
      expect(isKrishivError(error) && error.input).toMatch(/^deep\.yaml:\d+$/);
    }
  });

  it('names file and line of malformed YAML and of a duplicate key (go-yaml v2 refuses both)', () => {
    for (const [text, line] of [['a: 1\nb: [1, 2\nc: 3\n', 3], ['a: 1\nb:\n  c: 1\n  c: 2\n', 4], ['ok: 1\n---\n  bad: : x\n', 3]] as const) {
      try {
        parseYamlStream(text, 'm.yaml');
        expect.unreachable();
      } catch (error) {
        expect(isKrishivError(error)).toBe(true);
        if (isKrishivError(error)) {
          expect(error.code).toBe('ERR_MANIFEST_PARSE');
          expect(error.input).toBe(`m.yaml:${line}`);
        }
      }
    }
  });

  it('never throws anything but its typed error (fast-check)', () => {
    const yamlish = fc.array(fc.constantFrom('a', ':', ' ', '\n', '-', '&x', '*x', '[', ']', '{', '}', '"', "'", '#', '---', '<<', '!!str', '|', '>', '0644', 'yes', '\t', '%YAML 1.1'), { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 80 })), (text) => {
        try {
          parseYamlStream(text, 'p.yaml');
        } catch (error) {
          if (!isKrishivError(error)) throw error;
          expect(error.input).toMatch(/^p\.yaml:\d+$/);
        }
      }),
      { numRuns: SOAK },
    );
  });
});
