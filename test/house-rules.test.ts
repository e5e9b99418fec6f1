/**
 * The house rules that a linter would check, as a test over src/ (typescript-eslint's typed
 * rules need the TypeScript 5 JS API, which TypeScript 7 no longer ships).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/run-cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}
const files = sources(path.join(ROOT, 'src')).map((f) => ({ rel: path.relative(ROOT, f), text: readFileSync(f, 'utf8') }));
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('house rules', () => {
  it('reads the sources it checks (an empty list would pass every rule)', () => {
    expect(files.map((f) => f.rel)).toEqual(expect.arrayContaining([path.join('src', 'cli', 'main.ts'), path.join('src', 'errors.ts')]));
    expect(files.length).toBeGreaterThan(100);
  });

  it('only src/cli/output.ts prints (no console.*)', () => {
    const offenders = files.filter((f) => /\bconsole\.(log|error|warn|info|debug)\(/.test(code(f.text))).map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('nothing outside src/cli imports from it (types shared with renderers live in src/text and src/io)', () => {
    const offenders = files
      .filter((f) => !f.rel.startsWith(path.join('src', 'cli') + path.sep))
      .filter((f) => /from\s+'(\.\.\/)+cli\//.test(f.text) || /import\('(\.\.\/)+cli\//.test(f.text))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('chalk is never used through its default export (it ignores NO_COLOR decisions made per stream)', () => {
    const offenders = files.filter((f) => /import\s+chalk\s+from\s+'chalk'|import\('chalk'\)\)\.default/.test(f.text)).map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('no global fetch (undici costs ~250 ms of start-up and exit): node:http/https only', () => {
    const offenders = files.filter((f) => /(^|[^.\w])fetch\(/.test(code(f.text))).map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('heavy modules are imported lazily (await import) and never statically', () => {
    const heavy = [
      'jose',
      'argon2',
      'commander',
      'chalk',
      'cosmiconfig',
      'node:https',
      'node:http',
      'node:http2',
      'oidc-provider',
      'yocto-spinner',
    ];
    const offenders = files.flatMap((f) =>
      heavy.filter((m) => new RegExp(`^import (?!type )[^;]*from '${m}';`, 'm').test(f.text)).map((m) => `${f.rel}: ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('command modules use only the commander API the start-up fast path records (no runtime commander import)', () => {
    const commands = files.filter((f) => f.rel.startsWith(path.join('src', 'cli', 'commands')));
    const offenders = commands
      .filter((f) => /import\s+\{[^}]*\}\s+from\s+'commander'/.test(f.text.replace(/import type[^;]*;/g, '')))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });
});

describe('plain words: no user-visible text cites the summary document or its notation', () => {
  const SUMMARY = /surface §|§\s?\d|\bP_(cfg|env|exec)\b/;
  it('no string in src/ cites "surface §N" or P_cfg/P_env/P_exec (comments may)', () => {
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => SUMMARY.test(code(f.text))).map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('neither the README nor docs/ cite it', () => {
    const docs = [
      path.join(ROOT, 'README.md'),
      ...readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join(ROOT, 'docs', f)),
    ];
    expect(docs.length).toBeGreaterThan(5);
    const offenders = docs.filter((f) => SUMMARY.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});

describe('tests', () => {
  it('make their temporary directories with test/helpers/temp-dir.ts only (removed with the test, under the run TMPDIR)', () => {
    const tests = sources(path.join(ROOT, 'test')).map((f) => ({ rel: path.relative(ROOT, f), text: readFileSync(f, 'utf8') }));
    expect(tests.map((f) => f.rel)).toContain(path.join('test', 'helpers', 'temp-dir.ts'));
    const allowed = ['temp-dir.ts', 'temp-dir.test.ts', 'global-tmp.ts'].map((n) => path.join('test', 'helpers', n));
    const offenders = tests
      .filter((f) => !allowed.includes(f.rel) && /\bmkdtemp(Sync)?\(|\btmpdir\(\)/.test(code(f.text)))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });
});
