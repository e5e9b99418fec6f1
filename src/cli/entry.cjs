// @ts-check
'use strict';
/**
 * The krishiv-auth process entry, as written: the build (scripts/build.mjs) minifies it into
 * bin/krishiv-auth.js, the one file Node itself loads. Node 20 compiles that file at every
 * start with no code cache (module.enableCompileCache arrived in Node 22), and its comments and
 * names were ~1.6M instructions of every run (~0.35 ms; bench/README.md). Edit this file, then
 * `npm run build`. It is type-checked with the rest (tsconfig `checkJs`).
 *
 * It answers `--version` and the root `--help` from two text files the build writes (the help is
 * rendered by commander at build time; a test checks it), and loads the CLI bundles in dist/
 * with their V8 code cache for everything else.
 *
 * Why a loader of our own, and why here:
 * - For a one-shot process, compiling (and lazily compiling) the bundles' functions is a large
 *   share of the run (bench/README.md). The build trains a cache per bundle by running
 *   representative commands with KRISHIV_AUTH_TRAIN_CODE_CACHE set (scripts/build.mjs) and
 *   stores it in dist/cache/. A cache V8 rejects (another Node or V8 version) is ignored and the
 *   bundle compiles as usual. `KRISHIV_AUTH_NO_CODE_CACHE=1` turns the cache off.
 * - The bundles sit side by side and require each other by `./<name>.cjs` only, so they need no
 *   resolution. Node's loader would stat, realpath and wrap each one; loading `node:module`
 *   alone pulls in the ESM loader; and every module Node loads before ours costs as much again.
 *   Anything else a bundle requires (node builtins, the argon2 addon) goes to this file's own
 *   `require`, which resolves from the package as usual.
 * - Output is written with fs.writeSync: creating process.stdout costs ~2 ms.
 *
 * Nothing is written at run time; training writes the caches when the process exits.
 *
 * The shebang is a plain `#!/usr/bin/env node` (BusyBox `env`, as in `node:*-alpine` images, has
 * no `-S`). Node scans every argument up to the first `--` for `--env-file` and exits 9 when
 * the file named is missing, before this file runs (nodejs/node#54232; Node 20 to 26). A
 * leading `--` (`krishiv-auth -- check-production --env-file x.env`) stops that scan and is
 * dropped here, so the tool reports a missing file itself (exit 2).
 *
 * `--debug` loads the bundles through Node's own loader with source maps on, so stacks name
 * the TypeScript sources (src/.../file.ts:line) instead of minified bundle columns.
 */
const { closeSync, openSync, readFileSync, readSync, writeSync } = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist'); // this file runs as bin/krishiv-auth.js

// The CommonJS wrapper; training and loading must use the same one (V8 checks the source).
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';
// The build writes each bundle inside the wrapper already (scripts/build.mjs), calling itself when
// Node's own loader loads it (--debug, tests): `(function (exports, ...) {\n...\n}).call(this, ...);`.
// The loader compiles a slice of the file's text, up to the call: adding the wrapper to the text
// instead makes a rope that V8 copies into one string to compile (a second copy of every bundle
// in the young generation: one garbage collection more for `verify`).
const BUILT_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const BUILT_CALL = '.call(this, exports, require, module, __filename, __dirname);';

/**
 * The first `length` bytes of `buffer` as a latin1 string.
 * @param {Buffer} buffer
 * @param {number} length
 */
const latin1 = (buffer, length) =>
  typeof (/** @type {any} */ (buffer).latin1Slice) === 'function'
    ? /** @type {any} */ (buffer).latin1Slice(0, length)
    : buffer.toString('latin1', 0, length);

/**
 * @param {string} text a bundle's text
 * @returns {string} the wrapper function's source
 */
function wrapperSource(text) {
  if (text.startsWith(BUILT_HEAD)) {
    const end = text.lastIndexOf(BUILT_CALL);
    if (end > 0) return text.slice(0, end);
  }
  return `${WRAP_HEAD}${text}${WRAP_TAIL}`;
}

/**
 * @typedef {object} BundleLoaderOptions
 * @property {boolean} [useCache] compile with the trained caches (default true)
 * @property {string} [cacheDir] where they are (default `<distDir>/cache`)
 * @property {string} [variantDir] caches trained on this run's path, tried before `cacheDir`'s
 * @property {string} [trainTo] training: remember every compiled bundle so `writeTrained()` can store its cache here
 * @property {boolean} [viaRequire] load through Node's loader (source-mapped stacks for --debug); no cache
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
 * @param {BundleLoaderOptions} [options]
 * @returns {BundleLoader}
 */
function createBundleLoader(distDir, fallback, options = {}) {
  const { Script } = require('node:vm');
  const useCache = options.useCache ?? true;
  const cacheDir = options.cacheDir ?? path.join(distDir, 'cache');
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

  // One buffer for every file the loader reads, a bundle's text and then its cache: the text is
  // copied into a string, and V8 deserialises the cache before `new Script` returns, so neither
  // is needed after. A buffer per file was ~750 KB of fresh memory at every start (page faults),
  // and four more ArrayBuffers for the garbage collector to sweep.
  let scratch = Buffer.allocUnsafe(1 << 19);
  /**
   * Reads `file` whole into `scratch` (grown when it is too small).
   * @param {string} file
   * @returns {number} its length
   */
  const readInto = (file) => {
    const fd = openSync(file, 'r');
    try {
      for (let n = 0; ; ) {
        if (n === scratch.length) {
          const bigger = Buffer.allocUnsafe(scratch.length * 2);
          scratch.copy(bigger, 0, 0, n);
          scratch = bigger;
        }
        const got = readSync(fd, scratch, n, scratch.length - n, null);
        if (got === 0) return n;
        n += got;
      }
    } finally {
      closeSync(fd);
    }
  };

  /**
   * @param {string} name
   * @returns {unknown}
   */
  function load(name) {
    if (options.viaRequire) return fallback(path.join(distDir, name));
    const known = modules.get(name);
    if (known) return known.exports;
    const filename = path.join(distDir, name);
    // the bundles are ASCII (test/e2e/bundles.test.ts): latin1 reads them exactly, unvalidated
    const source = latin1(scratch, readInto(filename));
    /** @type {Uint8Array | undefined} */
    let cachedData;
    if (useCache && trainTo === undefined) {
      for (const dir of options.variantDir === undefined ? [cacheDir] : [options.variantDir, cacheDir]) {
        try {
          cachedData = new Uint8Array(scratch.buffer, scratch.byteOffset, readInto(path.join(dir, `${name}.bin`)));
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
    wrapper.call(module.exports, module.exports, bundleRequire, module, filename, distDir);
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
 * Writes all of `text`; returns the error code of a write that failed (EPIPE, ENOSPC, EBADF), else undefined.
 * @param {1 | 2} fd
 * @param {string} text
 * @returns {string | undefined}
 */
function writeAll(fd, text) {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      // A non-blocking pipe that is full: wait for the reader (never a busy spin), then retry.
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      return code ?? 'EIO';
    }
  }
  return undefined;
}

/**
 * @param {string} what
 * @param {unknown} error
 */
function internalError(what, error) {
  const missing = /** @type {NodeJS.ErrnoException} */ (error)?.code === 'ENOENT';
  const detail = missing ? `${DIST} is missing or incomplete: run \`npm ci\` (or \`npm run build\`)` : String(error);
  writeAll(2, `krishiv-auth: internal error: ${what}: ${detail} (ERR_INTERNAL)\n`);
  process.exitCode = 70;
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
 * @type {ReadonlyArray<{ name: string, command: string, flags: readonly string[] }>}
 */
const CACHE_VARIANTS = [
  { name: 'deploy', command: 'check-production', flags: ['--manifest', '--unit'] },
  { name: 'report', command: 'check-production', flags: ['--format', '-f'] },
];
const COMMAND_CACHE_SETS = ['decode', 'explain', 'fingerprint', 'generate-key', 'keys', 'rotate', 'sign', 'verify'];

/**
 * The set for `argv`: a check-production path above, else the set named after the command (the
 * first word that looks like a command name) when it has one.
 * @param {readonly string[]} argv
 * @returns {string | undefined}
 */
function cacheVariant(argv) {
  for (const v of CACHE_VARIANTS) {
    if (!argv.includes(v.command)) continue;
    for (const a of argv) {
      if (a === '--') break;
      if (v.flags.some((f) => a === f || a.startsWith(`${f}=`))) return v.name;
    }
  }
  for (const a of argv) {
    if (a === '--') break;
    if (/^[a-z][a-z-]*$/.test(a)) return COMMAND_CACHE_SETS.includes(a) ? a : undefined;
  }
  return undefined;
}

/** @param {readonly string[]} args */
function run(args) {
  // `krishiv-auth -- <command> ...`: the `--` only kept Node from claiming `--env-file` (above).
  const argv = args[0] === '--' ? args.slice(1) : args;
  const only = argv.length === 1 ? argv[0] : undefined;
  const text =
    only === '--version' || only === '-V' ? 'version.txt' : only === '--help' || only === '-h' || only === 'help' ? 'help.txt' : undefined;
  if (text !== undefined) {
    let failed;
    try {
      failed = writeAll(1, readFileSync(path.join(DIST, text), 'utf8'));
    } catch (error) {
      internalError(`cannot read ${text}`, error);
      return;
    }
    if (failed !== undefined) {
      // the answer reached no one: an error, as for every command (src/cli/output.ts)
      writeAll(2, `krishiv-auth: <stdout>: cannot write the answer: ${failed} (ERR_OUTPUT_WRITE)\n`);
      process.exitCode = 2;
    }
    return;
  }
  const trainTo = process.env['KRISHIV_AUTH_TRAIN_CODE_CACHE'] || undefined;
  const debug = trainTo === undefined && argv.includes('--debug');
  if (debug) process.setSourceMapsEnabled(true);
  // One cache per V8 version (the build trains its own Node's; `npm run bench` with BENCH_NODE
  // trains that Node's): V8 rejects a cache made by another version.
  const v8 = process.versions.v8;
  const loader = createBundleLoader(
    DIST,
    require,
    debug
      ? { viaRequire: true }
      : trainTo === undefined
        ? cacheOptions(path.join(DIST, 'cache', v8), argv)
        : { trainTo: path.join(trainTo, v8) },
  );
  if (trainTo !== undefined) process.on('exit', () => loader.writeTrained());
  /** @type {{ main(argv: readonly string[]): Promise<number> }} */
  let frame;
  try {
    frame = /** @type {typeof frame} */ (loader.load('main.cjs'));
  } catch (error) {
    internalError('cannot load the CLI', error);
    return;
  }
  frame.main(argv).then(
    () => {
      // main has set process.exitCode, every write went out synchronously (fd writes) and every
      // command has finished its work. Exit now: draining the event loop would first run V8's
      // scheduled young-generation GC task, ~1 ms spent on a heap about to be thrown away.
      process.exit();
    },
    (error) => internalError('unhandled failure', error),
  );
}

/**
 * @param {string} cacheDir
 * @param {readonly string[]} argv
 * @returns {BundleLoaderOptions}
 */
function cacheOptions(cacheDir, argv) {
  const useCache = !process.env['KRISHIV_AUTH_NO_CODE_CACHE'];
  const variant = useCache ? cacheVariant(argv) : undefined;
  return variant === undefined ? { useCache, cacheDir } : { useCache, cacheDir, variantDir: path.join(cacheDir, variant) };
}

if (require.main === module) run(process.argv.slice(2));
else module.exports = { createBundleLoader, cacheVariant, CACHE_VARIANTS, COMMAND_CACHE_SETS };
