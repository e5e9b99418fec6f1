/**
 * Loads the CLI's own bundles (dist/*.cjs) with a V8 code cache, bypassing Node's module loader.
 *
 * Why a loader of our own:
 * - Node 20 has no built-in compile cache (module.enableCompileCache arrived in Node 22), and for
 *   a one-shot process compiling, and lazily compiling, the bundle's functions is a large share
 *   of the run (bench/README.md). The build trains a cache per bundle by running representative
 *   commands (scripts/build.mjs, KRISHIV_AUTH_TRAIN_CODE_CACHE) and stores it in dist/cache/. A
 *   cache V8 rejects (another Node or V8 version) is ignored and the bundle compiles as usual.
 * - Our bundles sit side by side in one directory and require each other by `./<name>.cjs`
 *   only (scripts/build.mjs), so they need no resolution: Node's loader would stat, realpath
 *   and wrap each one, and loading `node:module` alone pulls in the ESM loader (together about
 *   1 ms of a ~40 ms run). Anything else a bundle requires (node builtins, the argon2 addon)
 *   goes to the entry's own `require`, which resolves from dist/ as before.
 *
 * Nothing is written at run time; training writes the caches when the process exits.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';

export interface BundleLoaderOptions {
  /** compile with the trained caches in `<distDir>/cache` (default true) */
  useCache?: boolean;
  /** training: remember every compiled bundle so `writeTrained()` can store its cache here */
  trainTo?: string | undefined;
}

export interface BundleLoader {
  /** the exports of `<distDir>/<name>`, loaded once */
  load(name: string): unknown;
  /** training only: writes the cache of every bundle loaded so far, with the functions it ran */
  writeTrained(): void;
}

// The CommonJS wrapper; training and loading must use the same one (V8 checks the source).
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

/** `./name.cjs` with no further path: a sibling bundle. */
function siblingBundle(id: string): string | undefined {
  return id.startsWith('./') && id.endsWith('.cjs') && !id.includes('/', 2) ? id.slice(2) : undefined;
}

export function createBundleLoader(distDir: string, fallback: NodeJS.Require, options: BundleLoaderOptions = {}): BundleLoader {
  const useCache = options.useCache ?? true;
  const trainTo = options.trainTo;
  const modules = new Map<string, { exports: unknown }>();
  const trained: Array<{ name: string; script: Script }> = [];

  const requireForBundles = Object.assign(
    (id: string): unknown => {
      const sibling = siblingBundle(id);
      return sibling === undefined ? fallback(id) : load(sibling);
    },
    { resolve: fallback.resolve, cache: fallback.cache, extensions: fallback.extensions, main: fallback.main },
  ) as NodeJS.Require;

  function load(name: string): unknown {
    const known = modules.get(name);
    if (known) return known.exports;
    const filename = path.join(distDir, name);
    const source = readFileSync(filename, 'utf8');
    let cachedData: Buffer | undefined;
    if (useCache && trainTo === undefined) {
      try {
        cachedData = readFileSync(path.join(distDir, 'cache', `${name}.bin`));
      } catch {
        cachedData = undefined; // not trained (a rarely used command): compile as usual
      }
    }
    const script = new Script(`${WRAP_HEAD}${source}${WRAP_TAIL}`, { filename, ...(cachedData ? { cachedData } : {}) });
    if (trainTo !== undefined) trained.push({ name, script });
    const module = { exports: {} as unknown, id: filename, filename };
    modules.set(name, module); // before it runs: a require cycle sees the partial exports, as in CommonJS
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireForBundles, module, filename, distDir);
    return module.exports;
  }

  return {
    load,
    writeTrained(): void {
      if (trainTo === undefined) return;
      mkdirSync(trainTo, { recursive: true });
      for (const { name, script } of trained) writeFileSync(path.join(trainTo, `${name}.bin`), script.createCachedData());
    },
  };
}
