/**
 * The bundle tree scripts/build.mjs writes (dist/bundles.json): every source module has one home
 * per process, so a module's state and classes are one (`instanceof KrishivError` holds across
 * bundles), and the lazily loaded parts of check-production stay out of its env-file start-up.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIST = path.join(ROOT, 'dist');
const tree = JSON.parse(readFileSync(path.join(DIST, 'bundles.json'), 'utf8')) as Record<
  string,
  { parent: string | null; modules: string[] }
>;
const ancestors = (name: string): string[] => {
  const out: string[] = [];
  for (let p = tree[name]!.parent; p !== null; p = tree[p]!.parent) out.push(p);
  return out;
};

describe('the bundle tree', () => {
  it('lists every bundle of our code in dist/, and each parent is a bundle', () => {
    // entry.cjs is the loader of the tree (src/cli/entry.cjs), not a bundle of it
    const files = readdirSync(DIST).filter((f) => f.endsWith('.cjs') && !f.startsWith('vendor-') && f !== 'entry.cjs');
    expect(Object.keys(tree).sort()).toEqual(files.sort());
    for (const b of Object.values(tree)) if (b.parent !== null) expect(Object.keys(tree)).toContain(b.parent);
  });

  it('no module is in a bundle and in one of its ancestors (bundles loaded together share one copy)', () => {
    const twice = Object.keys(tree).flatMap((name) =>
      ancestors(name).flatMap((a) => tree[name]!.modules.filter((m) => tree[a]!.modules.includes(m)).map((m) => `${m}: ${name} and ${a}`)),
    );
    expect(twice).toEqual([]);
  });

  it('the error class, the exit table and the global options live in main.cjs only', () => {
    for (const m of ['src/errors.ts', 'src/cli/globals.ts', 'src/cli/context.ts']) {
      expect(Object.keys(tree).filter((name) => tree[name]!.modules.includes(m))).toEqual(['main.cjs']);
    }
    const withClass = readdirSync(DIST).filter(
      (f) => f.endsWith('.cjs') && /class(?: [\w$]+)? extends Error\{name="KrishivError"/.test(readFileSync(path.join(DIST, f), 'utf8')),
    );
    expect(withClass).toEqual(['main.cjs']);
  });

  it("check-production's manifest, baseline, --cli and --store code is not in its bundle (loaded only when asked for)", () => {
    const own = tree['cmd-check-production.cjs']!.modules;
    for (const m of [
      'src/production/deploy.ts',
      'src/production/manifest/load.ts',
      'src/production/baseline.ts',
      'src/production/env/cli-flags.ts',
      'src/keys/store-file.ts',
    ]) {
      expect(own).not.toContain(m);
    }
  });

  it('the manifest reader carries no js-yaml: it loads vendor-js-yaml-loader.cjs, the loader and failsafe schema only, when a text needs it (scripts/build.mjs YAML_PARTS)', () => {
    // by suffix: where node_modules is a link (a git worktree's), the paths are its target's
    const deploy = tree['cp-deploy.cjs']!.modules;
    expect(deploy.filter((m) => m.includes('node_modules/js-yaml/'))).toEqual([]);
    expect(deploy.some((m) => m.endsWith('.krishiv-yaml-parts.cjs'))).toBe(true);
    const map = JSON.parse(readFileSync(path.join(DIST, 'vendor-js-yaml-loader.cjs.map'), 'utf8')) as { sources: string[] };
    const yaml = map.sources.filter((m) => m.includes('js-yaml/lib/')).map((m) => m.split('js-yaml/lib/')[1]);
    expect(yaml).toContain('loader.js');
    expect(yaml).toContain('schema/failsafe.js');
    for (const m of ['dumper.js', 'schema/default.js', 'schema/core.js', 'schema/json.js', 'type/timestamp.js', 'type/binary.js']) {
      expect(yaml).not.toContain(m);
    }
  });

  it('the build trained every cache set the entry names (it picks them by name, without looking on disk)', () => {
    const { CACHE_VARIANTS, COMMAND_CACHE_SETS } = createRequire(import.meta.url)(path.join(DIST, 'entry.cjs')) as {
      CACHE_VARIANTS: Array<{ name: string }>;
      COMMAND_CACHE_SETS: string[];
    };
    const sets = [...CACHE_VARIANTS.map((v) => v.name), ...COMMAND_CACHE_SETS];
    expect(sets.length).toBeGreaterThan(5);
    // every V8 the build (or a bench on another Node) trained: the e2e suite also runs on Nodes dist/ was not trained for
    const trained = readdirSync(path.join(DIST, 'cache'));
    expect(trained.length).toBeGreaterThan(0);
    for (const v8 of trained) {
      const cache = path.join(DIST, 'cache', v8);
      expect(
        sets.filter((s) => !existsSync(path.join(cache, s, 'main.cjs.bin'))),
        v8,
      ).toEqual([]);
      // the entry's own cache, one for every kind of run (the bootstrap loads it first)
      expect(existsSync(path.join(cache, 'entry.cjs.bin')), v8).toBe(true);
    }
  });

  it('bin/krishiv-auth.js is src/cli/boot.cjs, dist/entry.cjs is src/cli/entry.cjs, as the build writes them: minified', () => {
    const bin = readFileSync(path.join(ROOT, 'bin', 'krishiv-auth.js'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n// Built from src/cli/boot.cjs')).toBe(true);
    expect(bin.length).toBeLessThan(readFileSync(path.join(ROOT, 'src', 'cli', 'boot.cjs'), 'utf8').length / 2);
    expect(bin).not.toContain('/**');
    const entry = readFileSync(path.join(DIST, 'entry.cjs'), 'utf8');
    // in the bundles' wrapper, which the bootstrap slices off up to its call
    expect(entry.startsWith('(function (exports, require, module, __filename, __dirname) {\n')).toBe(true);
    expect(entry).toContain('\n}).call(this, exports, require, module, __filename, __dirname);\n');
    expect(entry.length).toBeLessThan(readFileSync(path.join(ROOT, 'src', 'cli', 'entry.cjs'), 'utf8').length / 2);
    expect(entry).not.toContain('/**');
  });

  it("node:path is bound as the module in every bundle, not copied through esbuild's interop at each start (scripts/build.mjs BUILTIN_NS)", () => {
    const copied = readdirSync(DIST)
      .filter((f) => f.endsWith('.cjs') && !f.startsWith('vendor-'))
      .filter((f) => /\(require\("node:path"\)\)/.test(readFileSync(path.join(DIST, f), 'utf8')));
    expect(copied).toEqual([]);
  });

  it('the entry and every bundle are ASCII (one other character and Node reads the whole file as two-byte text, which V8 scans slower)', () => {
    const files = [
      path.join(ROOT, 'bin', 'krishiv-auth.js'),
      ...readdirSync(DIST)
        .filter((f) => f.endsWith('.cjs'))
        .map((f) => path.join(DIST, f)),
    ];
    expect(files.filter((f) => /[^\x00-\x7f]/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});

describe("what a run reads (src/cli/entry.cjs: a set's bundles read together)", () => {
  // a preload that records each file of dist/ the run opens, in order (not its caches)
  const dir = tempDir('krishiv-auth-opens-');
  const preload = path.join(dir, 'opens.cjs');
  writeFileSync(
    preload,
    `const fs = require('node:fs'); const open = fs.openSync;
fs.openSync = function (p, ...rest) {
  const s = String(p);
  if (s.startsWith(${JSON.stringify(`${DIST}${path.sep}`)}) && s.endsWith('.cjs')) fs.appendFileSync(process.env.OPENS_LOG, s.slice(${DIST.length + 1}) + '\\n');
  return open.call(this, p, ...rest);
};\n`,
  );
  let n = 0;
  async function opened(args: string[], input?: string): Promise<string[]> {
    const log = path.join(dir, `opens-${n++}.log`);
    writeFileSync(log, '');
    const r = await runCli(args, {
      env: { NODE_OPTIONS: `--require ${preload}`, OPENS_LOG: log },
      ...(input === undefined ? {} : { input }),
    });
    expect(r.code, r.stderr).not.toBe(70);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }
  const entry = createRequire(import.meta.url)(path.join(DIST, 'entry.cjs')) as {
    CACHE_VARIANTS: Array<{ name: string; bundles: string[] }>;
  };
  const bundlesOf = (name: string) => entry.CACHE_VARIANTS.find((v) => v.name === name)!.bundles;

  it('--manifest reads its set at once, first, and js-yaml only for a text the plain reader leaves', async () => {
    const plain = await opened(['check-production', '--manifest', 'examples/k8s-production.yaml']);
    expect(plain).toEqual(['entry.cjs', ...bundlesOf('deploy')]);
    // an anchor and its alias: js-yaml's to read
    const anchored = path.join(dir, 'anchored.yaml');
    writeFileSync(anchored, 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x}\ndata:\n  a: b\n  same: *m\n');
    expect(await opened(['check-production', '--manifest', anchored])).toEqual([
      'entry.cjs',
      ...bundlesOf('deploy'),
      'vendor-js-yaml-loader.cjs',
    ]);
  });

  it('--format reads its set at once; each command with a set of its own reads the frame and its bundle first', async () => {
    const report = await opened(['check-production', '--env-file', 'examples/production.env', '--format', 'sarif']);
    expect(report).toEqual(['entry.cjs', ...bundlesOf('report')]);
    // the usual set: check-production on env files
    expect(await opened(['check-production', '--env-file', 'examples/production.env'])).toEqual([
      'entry.cjs',
      'main.cjs',
      'cmd-check-production.cjs',
    ]);
    const fingerprint = await opened(['fingerprint', '-'], 'a-token\n');
    expect(fingerprint.slice(0, 3)).toEqual(['entry.cjs', 'main.cjs', 'cmd-fingerprint.cjs']);
    const explain = await opened(['explain', 'COORD-GRPC-TOKENS-MISSING']);
    expect(explain.slice(0, 3)).toEqual(['entry.cjs', 'main.cjs', 'cmd-explain.cjs']);
  });
});
