import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

function dist(files: Record<string, string>): string {
  const dir = tempDir('kcc-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const req = createRequire(import.meta.url);
// The loader lives in the entry (dist/entry.cjs, built from src/cli/entry.cjs); it reads files with the
// bootstrap's reader (bin/krishiv-auth.js, built from src/cli/boot.cjs), which exports it when required.
type LoaderOptions = { useCache?: boolean; trainTo?: string; cacheDir?: string; variantDir?: string };
const boot = req('../../bin/krishiv-auth.js') as object;
const entry = req('../../dist/entry.cjs') as {
  createBundleLoader(
    distDir: string,
    fallback: NodeJS.Require,
    tools: object,
    options?: LoaderOptions,
  ): { load(name: string): unknown; writeTrained(): void };
  cacheVariant(argv: readonly string[]): string | undefined;
};
const createBundleLoader = (distDir: string, fallback: NodeJS.Require, options?: LoaderOptions) =>
  entry.createBundleLoader(distDir, fallback, boot, options);
const { cacheVariant } = entry;

describe('createBundleLoader', () => {
  it('loads sibling bundles once, hands everything else to the fallback require, and trains a cache per bundle', () => {
    const dir = dist({
      'a.cjs': 'exports.answer = () => require("./b.cjs").n * 2; exports.sep = require("node:path").sep; exports.self = __filename;\n',
      'b.cjs': 'globalThis.__kccLoads = (globalThis.__kccLoads ?? 0) + 1; exports.n = 21;\n',
    });
    const train = path.join(dir, 'trained');
    const loader = createBundleLoader(dir, req, { trainTo: train });
    const a = loader.load('a.cjs') as { answer(): number; sep: string; self: string };
    expect([a.answer(), a.answer(), a.sep, a.self]).toEqual([42, 42, '/', path.join(dir, 'a.cjs')]);
    expect(loader.load('b.cjs')).toEqual({ n: 21 });
    expect((globalThis as { __kccLoads?: number }).__kccLoads).toBe(1);
    loader.writeTrained(); // the entry calls this at process exit
    expect(readdirSync(train).sort()).toEqual(['a.cjs.bin', 'b.cjs.bin']);
  });

  it('uses a trained cache, and compiles anyway when V8 rejects one or none exists', () => {
    const dir = dist({
      'c.cjs': 'exports.value = "ok";\n',
      'd.cjs': 'exports.value = "also ok";\n',
      'cache/c.cjs.bin': 'not a V8 code cache',
    });
    const loader = createBundleLoader(dir, req);
    expect((loader.load('c.cjs') as { value: string }).value).toBe('ok');
    expect((loader.load('d.cjs') as { value: string }).value).toBe('also ok');

    const trained = dist({ 'e.cjs': 'exports.value = [1, 2, 3].map((n) => n * 2);\n' });
    const trainer = createBundleLoader(trained, req, { trainTo: path.join(trained, 'cache') });
    trainer.load('e.cjs');
    trainer.writeTrained();
    expect((createBundleLoader(trained, req).load('e.cjs') as { value: number[] }).value).toEqual([2, 4, 6]);
  });

  it('a nested path or another extension is not a sibling bundle: the fallback resolves it', () => {
    const dir = dist({
      'f.cjs':
        'exports.tried = []; for (const id of ["./sub/g.cjs", "./h.js"]) { try { require(id) } catch (e) { exports.tried.push(id) } }\n',
    });
    const seen: string[] = [];
    const fallback = Object.assign((id: string) => {
      seen.push(id);
      throw new Error(`not here: ${id}`);
    }, req) as NodeJS.Require;
    expect((createBundleLoader(dir, fallback).load('f.cjs') as { tried: string[] }).tried).toEqual(['./sub/g.cjs', './h.js']);
    expect(seen).toEqual(['./sub/g.cjs', './h.js']);
  });

  it('a bundle keeps the first cache trained for it (a later run on another path does not replace it)', () => {
    const dir = dist({ 'p.cjs': 'exports.f = (n) => n + 1;\n' });
    const train = path.join(dir, 'trained');
    const first = createBundleLoader(dir, req, { trainTo: train });
    first.load('p.cjs');
    first.writeTrained();
    const before = readFileSync(path.join(train, 'p.cjs.bin'));
    const second = createBundleLoader(dir, req, { trainTo: train });
    (second.load('p.cjs') as { f(n: number): number }).f(1); // compiles f: a different cache
    second.writeTrained();
    expect(readFileSync(path.join(train, 'p.cjs.bin')).equals(before)).toBe(true);
  });

  it('a path variant uses its own trained cache first, else the usual one, else none', () => {
    const dir = dist({ 'q.cjs': 'exports.v = 1;\n', 'r.cjs': 'exports.v = 2;\n', 's.cjs': 'exports.v = 3;\n' });
    const trainer = createBundleLoader(dir, req, { trainTo: path.join(dir, 'cache') });
    trainer.load('q.cjs');
    trainer.load('r.cjs');
    trainer.writeTrained();
    mkdirSync(path.join(dir, 'cache', 'deploy'));
    writeFileSync(path.join(dir, 'cache', 'deploy', 'q.cjs.bin'), 'not a V8 code cache'); // rejected: compiles anyway
    const loader = createBundleLoader(dir, req, { cacheDir: path.join(dir, 'cache'), variantDir: path.join(dir, 'cache', 'deploy') });
    expect(['q.cjs', 'r.cjs', 's.cjs'].map((n) => (loader.load(n) as { v: number }).v)).toEqual([1, 2, 3]);
  });

  it('check-production runs given --manifest or --unit use the deploy cache set, --format the report set; other runs the usual one', () => {
    expect(cacheVariant(['check-production', '--manifest', 'k8s.yaml'])).toBe('deploy');
    expect(cacheVariant(['--json', 'check-production', '--unit=x.service'])).toBe('deploy');
    expect(cacheVariant(['check-production', '--env-file', 'prod.env'])).toBeUndefined();
    expect(cacheVariant(['check-production', '--env-file', 'prod.env', '-f', 'sarif'])).toBe('report');
    expect(cacheVariant(['verify', '--manifest'])).toBe('verify'); // verify's own set: --manifest is not its flag
    expect(cacheVariant(['check-production', '--', '--manifest'])).toBeUndefined();
  });

  it('other runs use the set named after their command when it has one (COMMAND_CACHE_SETS: no stat at start)', () => {
    expect(cacheVariant(['decode', '-'])).toBe('decode');
    expect(cacheVariant(['--json', 'verify', '--jwks', 'j.json', '-'])).toBe('verify');
    expect(cacheVariant(['--config', 'x.json', 'keys', 'list'])).toBe('keys'); // an option's value is not the command
    expect(cacheVariant(['probe', 'verify'])).toBeUndefined(); // the command is the first word: probe has none
    expect(cacheVariant(['check-production', '--env-file', 'decode'])).toBeUndefined();
    expect(cacheVariant(['--', 'decode'])).toBeUndefined();
  });

  it('a bundle built inside the wrapper loads through the loader (compiled up to its self-call) and through Node', () => {
    const built =
      '(function (exports, require, module, __filename, __dirname) {\nexports.v = 7; exports.name = __filename;\n}).call(this, exports, require, module, __filename, __dirname);\n//# sourceMappingURL=w.cjs.map\n';
    const dir = dist({ 'w.cjs': built });
    const loaded = createBundleLoader(dir, req).load('w.cjs') as { v: number; name: string };
    expect(loaded).toEqual({ v: 7, name: path.join(dir, 'w.cjs') });
    expect(req(path.join(dir, 'w.cjs'))).toEqual({ v: 7, name: path.join(dir, 'w.cjs') });
  });
});
