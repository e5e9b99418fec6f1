// @ts-check
'use strict';
/**
 * The krishiv-auth entry, as written: the build (scripts/build.mjs) minifies it into
 * dist/entry.cjs, which the bootstrap (src/cli/boot.cjs, bin/krishiv-auth.js) loads with the
 * entry's own trained V8 code cache. Edit this file, then `npm run build`. It is type-checked with
 * the rest (tsconfig `checkJs`).
 *
 * It starts a run (`start`): it loads the CLI bundles in dist/ with their V8 code cache, picking
 * the cache set the run's kind uses, and hands the arguments to the frame (main.cjs).
 *
 * Why a loader of our own:
 * - For a one-shot process, compiling (and lazily compiling) the bundles' functions is a large
 *   share of the run (bench/README.md). The build trains a cache per bundle by running
 *   representative commands through createBundleLoader with `trainTo` (scripts/build.mjs) and
 *   stores it in dist/cache/. A cache V8 rejects (another Node or V8 version) is ignored and the
 *   bundle compiles as usual. `KRISHIV_AUTH_NO_CODE_CACHE=1` turns the cache off.
 * - The bundles sit side by side and require each other by `./<name>.cjs` only, so they need no
 *   resolution. Node's loader would stat, realpath and wrap each one; loading `node:module`
 *   alone pulls in the ESM loader; and every module Node loads before ours costs as much again.
 *   Anything else a bundle requires (node builtins, the argon2 addon) goes to the bootstrap's
 *   `require`, which resolves from the package as usual.
 * - Output is written with fs.writeSync: creating process.stdout costs ~2 ms.
 *
 * Nothing is written at run time; training writes the caches when its process exits.
 *
 * `--debug` loads the bundles through Node's own loader with source maps on, so stacks name
 * the TypeScript sources (src/.../file.ts:line) instead of minified bundle columns.
 */
const path = require('node:path');

/** @typedef {import('./boot.cjs').Boot} Boot */

/**
 * What the loader takes from the bootstrap: its file reading (one buffer for every file read) and
 * the slice of a built file that is its wrapper function.
 * @typedef {Pick<Boot, 'readWhole' | 'latin1' | 'wrapperSource'>} LoaderTools
 */

/**
 * @typedef {object} BundleLoaderOptions
 * @property {boolean} [useCache] compile with the trained caches (default true)
 * @property {string} [cacheDir] where they are (default `<distDir>/cache`)
 * @property {string} [variantDir] caches trained on this run's path, tried before `cacheDir`'s
 * @property {string} [trainTo] training: remember every compiled bundle so `writeTrained()` can store its cache here
 * @property {boolean} [viaRequire] load through Node's loader (source-mapped stacks for --debug); no cache
 * @property {readonly string[]} [together] bundles this run will load, read at once into one text (see `readTogether`)
 */

/**
 * @typedef {object} BundleLoader
 * @property {(name: string) => unknown} load the exports of `<distDir>/<name>`, loaded once
 * @property {() => void} writeTrained training only: writes the cache of every bundle loaded so far that has none yet
 */

/**
 * `./name.cjs` with no further path: a sibling bundle.
 * @param {string} id
 * @returns {string | undefined}
 */
function siblingBundle(id) {
  return id.startsWith('./') && id.endsWith('.cjs') && !id.includes('/', 2) ? id.slice(2) : undefined;
}

/**
 * @param {string} distDir
 * @param {NodeJS.Require} fallback
 * @param {LoaderTools} tools
 * @param {BundleLoaderOptions} [options]
 * @returns {BundleLoader}
 */
function createBundleLoader(distDir, fallback, tools, options = {}) {
  const { Script } = require('node:vm');
  const useCache = options.useCache ?? true;
  // Paths on a start's way are joined as text (see the bootstrap), the directories normalised once.
  const root = path.resolve(distDir);
  const cacheDir = options.cacheDir === undefined ? `${root}${path.sep}cache` : path.resolve(options.cacheDir);
  const variantDir = options.variantDir === undefined ? undefined : path.resolve(options.variantDir);
  const trainTo = options.trainTo;
  /** @type {Map<string, { exports: unknown }>} */
  const modules = new Map();
  /** @type {Array<{ name: string, script: import('node:vm').Script }>} */
  const trained = [];

  /** @param {string} id */
  const requireForBundles = (id) => {
    const sibling = siblingBundle(id);
    return sibling === undefined ? fallback(id) : load(sibling);
  };
  const bundleRequire = /** @type {NodeJS.Require} */ (
    Object.assign(requireForBundles, {
      resolve: fallback.resolve,
      cache: fallback.cache,
      extensions: fallback.extensions,
      main: fallback.main,
    })
  );

  const { readWhole, latin1, wrapperSource } = tools;
  const texts = options.together === undefined || options.viaRequire ? undefined : readTogether(root, options.together, tools);

  /**
   * @param {string} name
   * @returns {unknown}
   */
  function load(name) {
    if (options.viaRequire) return fallback(`${root}${path.sep}${name}`);
    const known = modules.get(name);
    if (known) return known.exports;
    const filename = `${root}${path.sep}${name}`;
    // the bundles are ASCII (test/e2e/bundles.test.ts): latin1 reads them exactly, unvalidated
    const source = texts?.get(name) ?? latin1(readWhole(filename));
    /** @type {Uint8Array | undefined} */
    let cachedData;
    if (useCache && trainTo === undefined) {
      for (const dir of variantDir === undefined ? [cacheDir] : [variantDir, cacheDir]) {
        try {
          const read = readWhole(`${dir}${path.sep}${name}.bin`);
          cachedData = new Uint8Array(read.buffer.buffer, read.buffer.byteOffset, read.length);
          break;
        } catch {
          cachedData = undefined; // not trained (a rarely used command): compile as usual
        }
      }
    }
    const script = new Script(wrapperSource(source), cachedData ? { filename, cachedData } : { filename });
    if (trainTo !== undefined) trained.push({ name, script });
    const module = { exports: /** @type {unknown} */ ({}), id: filename, filename };
    modules.set(name, module); // before it runs: a require cycle sees the partial exports, as in CommonJS
    const wrapper = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
    wrapper.call(module.exports, module.exports, bundleRequire, module, filename, root);
    return module.exports;
  }

  return {
    load,
    writeTrained() {
      if (trainTo === undefined) return;
      const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
      mkdirSync(trainTo, { recursive: true });
      // The first training run that loads a bundle trains it (scripts/build.mjs orders the runs):
      // a later run on another path would replace its cache with one full of that path's code.
      for (const { name, script } of trained) {
        const file = path.join(trainTo, `${name}.bin`);
        if (!existsSync(file)) writeFileSync(file, script.createCachedData());
      }
    },
  };
}

/**
 * The texts of `names` (in `root`) as slices of one string, read into the bootstrap's buffer one
 * after another. A bundle's text lives as long as the process (V8 compiles lazily from it), and
 * V8 places a string over 128 KB in its large-object space, which the young generation's
 * collection promotes without copying, while a smaller one is copied at each collection it lives
 * through and counts towards the next: `--manifest` read main.cjs and cp-deploy.cjs (140 KB) into
 * the young generation, and ran one scavenge more for it (bench/README.md, issue 15: within noise
 * in the wall clock, and one read instead of three). The read stops at a file it cannot read: that
 * bundle, and those after it, are read when loaded, which reports the error.
 * @param {string} root
 * @param {readonly string[]} names
 * @param {LoaderTools} tools
 * @returns {Map<string, string>}
 */
function readTogether(root, names, { readWhole, latin1 }) {
  /** @type {number[]} */
  const ends = [];
  /** @type {import('./boot.cjs').FileBytes | undefined} */
  let read;
  for (const name of names) {
    try {
      read = readWhole(`${root}${path.sep}${name}`, read === undefined ? 0 : read.length);
    } catch {
      break;
    }
    ends.push(read.length);
  }
  /** @type {Map<string, string>} */
  const texts = new Map();
  if (read === undefined) return texts;
  const all = latin1(read);
  for (let i = 0; i < ends.length; i++) texts.set(/** @type {string} */ (names[i]), all.slice(i === 0 ? 0 : ends[i - 1], ends[i]));
  return texts;
}

/**
 * Which trained cache set a run uses (`cache/<v8>/<set>/`, then `cache/<v8>/` for a bundle the
 * set lacks). The build trains the usual set on an env-file check-production, the start-up
 * issue 13 measures (main.cjs's cache holds the functions that path runs), one set per
 * check-production path in CACHE_VARIANTS and one per command in COMMAND_CACHE_SETS, each in a
 * process of its own (scripts/build.mjs trains exactly these), so every run deserialises the
 * functions its kind of run uses, and compiles few others (issue 13). Named here, not looked up
 * on disk: a stat at every start cost more than the rare miss (a set whose training failed),
 * which falls back to the usual set when its file is not there.
 * `bundles`: what a run of the set loads, read together (readTogether); a command's set loads the
 * frame and the command's bundle. test/e2e/bundles.test.ts checks both against what runs load.
 * @type {ReadonlyArray<{ name: string, command: string, flags: readonly string[], bundles: readonly string[] }>}
 */
const CACHE_VARIANTS = [
  {
    name: 'deploy',
    command: 'check-production',
    flags: ['--manifest', '--unit'],
    bundles: ['main.cjs', 'cmd-check-production.cjs', 'cp-deploy.cjs'],
  },
  { name: 'report', command: 'check-production', flags: ['--format', '-f'], bundles: ['main.cjs', 'cmd-check-production.cjs'] },
];
/** check-production on env files: the usual set (the caches in `cache/<v8>/` itself) */
const USUAL_SET = { bundles: ['main.cjs', 'cmd-check-production.cjs'] };
const COMMAND_CACHE_SETS = ['decode', 'explain', 'fingerprint', 'generate-key', 'keys', 'rotate', 'sign', 'verify'];

/**
 * The set for `argv`: a check-production path above, else the set named after the command (the
 * first word that looks like a command name) when it has one.
 * @param {readonly string[]} argv
 * @returns {string | undefined}
 */
function cacheVariant(argv) {
  return cacheSet(argv)?.name;
}

/**
 * A word that looks like a command name (`[a-z][a-z-]*`), by a loop: a regular expression is
 * compiled at its first use in every run (~20-40 µs), with no cache for it.
 * @param {string} word
 */
function commandLike(word) {
  if (word.length === 0) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (i > 0 && c === 0x2d))) return false;
  }
  return true;
}

/**
 * The set of a run (`name`: its cache directory; none for the usual set, check-production's on env
 * files) and the bundles it loads.
 * @param {readonly string[]} argv
 * @returns {{ name?: string, bundles: readonly string[] } | undefined}
 */
function cacheSet(argv) {
  for (const v of CACHE_VARIANTS) {
    if (!argv.includes(v.command)) continue;
    for (const a of argv) {
      if (a === '--') break;
      if (v.flags.some((f) => a === f || a.startsWith(`${f}=`))) return v;
    }
  }
  for (const a of argv) {
    if (a === '--') break;
    if (!commandLike(a)) continue;
    if (a === 'check-production') return USUAL_SET;
    return COMMAND_CACHE_SETS.includes(a) ? { name: a, bundles: ['main.cjs', `cmd-${a}.cjs`] } : undefined;
  }
  return undefined;
}

/**
 * Starts a run: the bundles' loader for this kind of run, then the frame.
 * @param {readonly string[]} argv the arguments, without a leading `--` (the bootstrap drops it)
 * @param {Boot} boot
 */
function start(argv, boot) {
  // One cache per V8 version (the build trains its own Node's; `npm run bench` with BENCH_NODE
  // trains that Node's): V8 rejects a cache made by another version.
  const loader = createBundleLoader(
    boot.dist,
    require,
    boot,
    boot.debug ? { viaRequire: true } : cacheOptions(`${boot.dist}${path.sep}cache${path.sep}${process.versions.v8}`, argv),
  );
  /** @type {{ main(argv: readonly string[]): Promise<number> }} */
  let frame;
  try {
    frame = /** @type {typeof frame} */ (loader.load('main.cjs'));
  } catch (error) {
    boot.internalError('cannot load the CLI', error);
    return;
  }
  frame.main(argv).then(
    () => {
      // main has set process.exitCode, every write went out synchronously (fd writes) and every
      // command has finished its work. Exit now: draining the event loop would first run V8's
      // scheduled young-generation GC task, ~1 ms spent on a heap about to be thrown away.
      process.exit();
    },
    (error) => boot.internalError('unhandled failure', error),
  );
}

/**
 * @param {string} cacheDir
 * @param {readonly string[]} argv
 * @returns {BundleLoaderOptions}
 */
function cacheOptions(cacheDir, argv) {
  const useCache = !process.env['KRISHIV_AUTH_NO_CODE_CACHE'];
  const set = useCache ? cacheSet(argv) : undefined;
  if (set === undefined) return { useCache, cacheDir };
  if (set.name === undefined) return { useCache, cacheDir, together: set.bundles };
  return { useCache, cacheDir, variantDir: `${cacheDir}${path.sep}${set.name}`, together: set.bundles };
}

module.exports = { start, createBundleLoader, cacheVariant, CACHE_VARIANTS, COMMAND_CACHE_SETS };
