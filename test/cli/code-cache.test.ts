import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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
// The loader lives in the process entry (bin/krishiv-auth.js), which exports it when required.
const { createBundleLoader } = req('../../bin/krishiv-auth.js') as {
  createBundleLoader(
    distDir: string,
    fallback: NodeJS.Require,
    options?: { useCache?: boolean; trainTo?: string },
  ): { load(name: string): unknown; writeTrained(): void };
};

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
});
