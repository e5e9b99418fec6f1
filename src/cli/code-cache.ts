/**
 * V8 code cache for the CLI's own bundles. Node 20 has no built-in compile cache
 * (module.enableCompileCache arrived in Node 22), and for a one-shot process compiling and
 * lazily compiling the bundle's functions is a large share of the run (bench/README.md). The
 * build trains a cache per bundle by running representative commands
 * (scripts/build.mjs, KRISHIV_AUTH_TRAIN_CODE_CACHE) and stores it in dist/cache/. At run
 * time a bundle with a cache is compiled with it; a cache V8 rejects (another Node or V8
 * version) is ignored and the bundle compiles as usual. Nothing is written at run time.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

type Loader = (module: NodeJS.Module, filename: string) => void;
interface ModuleInternals {
  _extensions: Record<string, Loader>;
  _resolveFilename(request: string, parent: NodeJS.Module): string;
  wrap(source: string): string;
}

/** Installs the loader; returns the function that writes the trained caches (training only). */
export function installCodeCache(distDir: string, trainTo?: string): () => void {
  const M = Module as unknown as ModuleInternals;
  const original = M._extensions['.cjs'] ?? M._extensions['.js']!;
  const cacheDir = path.join(distDir, 'cache');
  const trained: Array<{ name: string; script: vm.Script }> = [];

  M._extensions['.cjs'] = (module: NodeJS.Module, filename: string): void => {
    if (path.dirname(filename) !== distDir) return original(module, filename);
    const name = path.basename(filename);
    let cachedData: Buffer | undefined;
    if (!trainTo) {
      try {
        cachedData = readFileSync(path.join(cacheDir, `${name}.bin`));
      } catch {
        return original(module, filename);
      }
    }
    const source = readFileSync(filename, 'utf8');
    const script = new vm.Script(M.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
    if (trainTo) trained.push({ name, script });
    const fn = script.runInThisContext() as (...args: unknown[]) => void;
    const req = ((id: string) => module.require(id)) as NodeJS.Require;
    req.resolve = ((request: string) => M._resolveFilename(request, module)) as NodeJS.RequireResolve;
    fn.call(module.exports, module.exports, req, module, filename, path.dirname(filename));
  };

  return () => {
    if (!trainTo) return;
    mkdirSync(trainTo, { recursive: true });
    // Written after the run, so the cache holds the functions this command compiled too.
    for (const { name, script } of trained) writeFileSync(path.join(trainTo, `${name}.bin`), script.createCachedData());
  };
}
