import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { mergeEnv } from '../../../src/production/env/merge.js';
import { loadEnv } from '../../../src/production/env/load.js';
import { KrishivError } from '../../../src/errors.js';
import type { EnvSet } from '../../../src/production/types.js';
import { tempDir } from '../../helpers/temp-dir.js';

function values(set: EnvSet): Record<string, string> {
  return Object.fromEntries([...set.vars.values()].map((v) => [v.name, v.value]));
}

describe('mergeEnv precedence (contract, check-production)', () => {
  it.each<[string, Array<[string, string]>, Record<string, string> | undefined, Record<string, string>]>([
    [
      'later file wins',
      [
        ['a.env', 'A=1\nB=1\n'],
        ['b.env', 'A=2\n'],
      ],
      undefined,
      { A: '2', B: '1' },
    ],
    ['first declaration wins inside a file', [['a.env', 'A=1\nA=2\n']], undefined, { A: '1' }],
    [
      'later file wins even over a duplicate',
      [
        ['a.env', 'A=1\n'],
        ['b.env', 'A=2\nA=3\n'],
      ],
      undefined,
      { A: '2' },
    ],
    [
      'process env wins over every file',
      [
        ['a.env', 'A=1\n'],
        ['b.env', 'A=2\n'],
      ],
      { A: 'p' },
      { A: 'p' },
    ],
    ['process env variables join the set', [['a.env', 'A=1\n']], { P: 'p' }, { A: '1', P: 'p' }],
    ['$VAR sees process env first', [['a.env', 'A=1\nB=$A\n']], { A: 'p' }, { A: 'p', B: 'p' }],
    [
      '$VAR sees earlier files before its own earlier lines',
      [
        ['a.env', 'A=1\n'],
        ['b.env', 'A=2\nB=$A\n'],
      ],
      undefined,
      { A: '2', B: '1' },
    ],
    [
      '$VAR sees the merged earlier files (later of them wins)',
      [
        ['a.env', 'A=1\n'],
        ['b.env', 'A=2\n'],
        ['c.env', 'B=$A\n'],
      ],
      undefined,
      { A: '2', B: '2' },
    ],
    ['$VAR sees own earlier lines, first declaration', [['a.env', 'A=1\nA=2\nB=$A\n']], undefined, { A: '1', B: '1' }],
    [
      '$VAR cannot see later lines or later files',
      [
        ['a.env', 'B=$A\nA=1\n'],
        ['b.env', 'C=$D\n'],
        ['c.env', 'D=4\n'],
      ],
      undefined,
      { B: '', A: '1', C: '', D: '4' },
    ],
    ['undefined $VAR is empty', [['a.env', 'A=x${NOPE}y\n']], undefined, { A: 'xy' }],
  ])('%s', (_name, files, proc, expected) => {
    expect(
      values(
        mergeEnv(
          files.map(([file, text]) => ({ file, text })),
          proc,
        ),
      ),
    ).toEqual(expected);
  });

  it('keeps origins, first-declaration order and every shadowed declaration', () => {
    const set = mergeEnv(
      [
        { file: 'base.env', text: 'A=1\nB=1\nA=dup\n' },
        { file: 'prod.env', text: '# prod\nC=3\nB=2\n' },
      ],
      { C: 'proc' },
    );
    expect(set.files).toEqual(['base.env', 'prod.env']);
    expect([...set.vars.keys()]).toEqual(['A', 'B', 'C']);
    expect(set.vars.get('A')?.origin).toEqual({ source: 'file', file: 'base.env' });
    expect(set.vars.get('A')?.line).toBe(1);
    expect(set.vars.get('B')?.origin).toEqual({ source: 'file', file: 'prod.env' });
    expect(set.vars.get('B')?.line).toBe(3);
    expect(set.vars.get('C')?.origin).toEqual({ source: 'process-env' });
    expect(set.shadowed.map((v) => [v.name, v.value, v.origin.file, v.line])).toEqual([
      ['A', 'dup', 'base.env', 3],
      ['B', '1', 'base.env', 2],
      ['C', '3', 'prod.env', 2],
    ]);
  });

  it('records unresolved names only when nothing defines them', () => {
    const set = mergeEnv([{ file: 'a.env', text: 'A=${TOKEN_SRC}\nB=$HOME/x\nC=$A\n' }], { HOME: '/root' });
    expect(set.vars.get('A')?.unresolved).toEqual(['TOKEN_SRC']);
    expect(set.vars.get('B')?.unresolved).toEqual([]);
    expect(set.vars.get('B')?.value).toBe('/root/x');
    expect(set.vars.get('C')?.references).toEqual(['A']);
    expect(set.vars.get('C')?.unresolved).toEqual([]);
  });

  it('a refused file names the file and line', () => {
    expect(() =>
      mergeEnv([
        { file: 'ok.env', text: 'A=1\n' },
        { file: 'bad.env', text: 'A=1\nB="open\n' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ERR_ENV_PARSE', input: 'bad.env:2' }));
  });

  it('ignores inherited and undefined process env entries', () => {
    const proc = Object.create({ INHERITED: 'x' }) as Record<string, string | undefined>;
    proc['SET'] = 's';
    proc['UNSET'] = undefined;
    expect(values(mergeEnv([], proc))).toEqual({ SET: 's' });
  });
});

describe('merge properties', () => {
  const name = fc.constantFrom('A', 'B', 'C', 'D');
  const value = fc.stringMatching(/^[a-z0-9]{0,6}$/);
  const file = fc.array(fc.tuple(name, value), { maxLength: 8 });
  const files = fc.array(file, { maxLength: 4 });
  const proc = fc.option(fc.dictionary(name, value, { maxKeys: 3 }), { nil: undefined });

  it('later file wins, first-in-file wins, process env wins', () => {
    fc.assert(
      fc.property(files, proc, (fileDecls, processEnv) => {
        const inputs = fileDecls.map((decls, i) => ({ file: `f${i}.env`, text: decls.map(([n, v]) => `${n}=${v}\n`).join('') }));
        const set = mergeEnv(inputs, processEnv);
        const expected = new Map<string, string>();
        fileDecls.forEach((decls) => {
          const firstInFile = new Map<string, string>();
          for (const [n, v] of decls) if (!firstInFile.has(n)) firstInFile.set(n, v);
          for (const [n, v] of firstInFile) expected.set(n, v);
        });
        for (const [n, v] of Object.entries(processEnv ?? {})) expected.set(n, v);
        expect(values(set)).toEqual(Object.fromEntries(expected));
        const total = fileDecls.reduce((s, d) => s + d.length, 0) + Object.keys(processEnv ?? {}).length;
        expect(set.vars.size + set.shadowed.length).toBe(total);
      }),
      { numRuns: 500 },
    );
  });

  it('$VAR resolves from process env, then earlier files (later wins), then own earlier lines (first wins)', () => {
    // each line is NAME=plain or NAME=${REF}
    const line = fc.oneof(
      fc.tuple(name, value).map(([n, v]) => ({ n, text: v, ref: undefined as string | undefined })),
      fc.tuple(name, name).map(([n, r]) => ({ n, text: `\${${r}}`, ref: r as string | undefined })),
    );
    fc.assert(
      fc.property(fc.array(fc.array(line, { maxLength: 6 }), { maxLength: 4 }), proc, (fileLines, processEnv) => {
        const inputs = fileLines.map((lines, i) => ({ file: `f${i}.env`, text: lines.map((l) => `${l.n}=${l.text}\n`).join('') }));
        const set = mergeEnv(inputs, processEnv);
        // model
        const merged = new Map<string, string>();
        fileLines.forEach((lines, i) => {
          const own = new Map<string, string>();
          const values: string[] = [];
          for (const l of lines) {
            const v = l.ref === undefined ? l.text : (processEnv?.[l.ref] ?? merged.get(l.ref) ?? own.get(l.ref) ?? '');
            values.push(v);
            if (!own.has(l.n)) own.set(l.n, v);
          }
          for (const [n, v] of own) merged.set(n, v);
          // the parser agrees line by line
          const file = `f${i}.env`;
          const all = [...set.vars.values(), ...set.shadowed].filter((d) => d.origin.file === file);
          all.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
          expect(all.map((d) => d.value)).toEqual(values);
        });
        for (const [n, v] of Object.entries(processEnv ?? {})) merged.set(n, v);
        expect(values(set)).toEqual(Object.fromEntries(merged));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but KrishivError on arbitrary files', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }), proc, (texts, processEnv) => {
        try {
          mergeEnv(
            texts.map((text, i) => ({ file: `f${i}`, text })),
            processEnv,
          );
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('loadEnv (real files)', () => {
  it('reads files in order; a missing or unreadable file is ERR_ENV_READ naming it', async () => {
    const dir = tempDir('env-load-');
    const a = path.join(dir, 'a.env');
    const b = path.join(dir, 'b.env');
    await writeFile(a, '\uFEFFA=1\nB=$A\n');
    await writeFile(b, 'A=2\n');
    expect(values(await loadEnv([a, b]))).toEqual({ A: '2', B: '1' });

    const missing = path.join(dir, 'missing.env');
    await expect(loadEnv([a, missing])).rejects.toMatchObject({ code: 'ERR_ENV_READ', input: missing });
    await expect(loadEnv([dir])).rejects.toMatchObject({ code: 'ERR_ENV_READ', input: dir });
    if (process.getuid?.() !== 0) {
      await chmod(b, 0o000);
      await expect(loadEnv([b])).rejects.toMatchObject({ code: 'ERR_ENV_READ', input: b });
    }

    const bad = path.join(dir, 'latin1.env');
    await writeFile(bad, Buffer.from([0x41, 0x3d, 0x31, 0x0a, 0x42, 0x3d, 0xe9, 0x0a]));
    await expect(loadEnv([bad])).rejects.toMatchObject({ code: 'ERR_ENV_PARSE', input: `${bad}:2` });
  });
});
