// @ts-check
'use strict';
/**
 * The krishiv-auth bootstrap, as written: the build (scripts/build.mjs) minifies it into
 * bin/krishiv-auth.js, the one file Node itself loads. Node 20 compiles that file at every start
 * with no code cache (module.enableCompileCache arrived in Node 22), each function again when it
 * is first called, so it holds only what must run before any cache can be used:
 * - `--version` and the root `--help`, answered from two text files the build writes (the help
 *   is rendered by commander at build time; a test checks it);
 * - the reading of a file whole into one reused buffer, and the slice of a built file that is its
 *   wrapper function, which the entry's bundle loader uses for every bundle (fileReader,
 *   wrapperSource);
 * - the loading of dist/entry.cjs (src/cli/entry.cjs: the bundle loader, the cache sets, the
 *   start of a run) with its own trained V8 code cache, and the one-line internal error when that
 *   fails. Moved there, the entry's functions come compiled from the cache: ~0.3 ms of every
 *   start (bench/README.md).
 * Edit this file, then `npm run build`. It is type-checked with the rest (tsconfig `checkJs`).
 *
 * The shebang is a plain `#!/usr/bin/env node` (BusyBox `env`, as in `node:*-alpine` images, has
 * no `-S`). Node scans every argument up to the first `--` for `--env-file` and exits 9 when
 * the file named is missing, before this file runs (nodejs/node#54232; Node 20 to 26). A
 * leading `--` (`krishiv-auth -- check-production --env-file x.env`) stops that scan and is
 * dropped here, so the tool reports a missing file itself (exit 2).
 *
 * `--debug` loads the entry through Node's own loader with source maps on (and the entry loads
 * the bundles so), so stacks name the sources instead of minified columns.
 */
const { closeSync, openSync, readFileSync, readSync, writeSync } = require('node:fs');
const path = require('node:path');

// This file runs as bin/krishiv-auth.js. Paths on a start's way are joined as text, their parts
// being normalised already (__dirname is the real path, the rest fixed names): path.join would
// normalise each again in interpreted JavaScript, compiled for it on its first call
// (bench/README.md).
const DIST = `${path.dirname(__dirname)}${path.sep}dist`;

// The build writes each bundle (and the entry) inside the CommonJS wrapper, calling itself when
// Node's own loader loads it (--debug, tests, training): `(function (exports, ...) {\n...\n}).call(this, ...);`.
// The loader compiles a slice of the file's text, up to the call: adding the wrapper to the text
// instead makes a rope that V8 copies into one string to compile (a second copy of every bundle
// in the young generation: one garbage collection more for `verify`). Training and loading must
// use the same text (V8 checks the source).
const BUILT_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const BUILT_CALL = '.call(this, exports, require, module, __filename, __dirname);';
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

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
 * What readWhole read: the first `length` bytes of `buffer`, valid until its next read.
 * @typedef {object} FileBytes
 * @property {Buffer} buffer
 * @property {number} length
 */

// One buffer for every file read, the entry's text and cache, then each bundle's: a text is
// copied into a string, and V8 deserialises a cache before `new Script` returns, so neither is
// needed after. A buffer per file was ~750 KB of fresh memory at every start (page faults), and
// four more ArrayBuffers for the garbage collector to sweep.
let scratch = Buffer.allocUnsafe(1 << 19);

/**
 * Reads `file` whole into the shared buffer (grown when it is too small), from byte `at` on: the
 * bytes before it are kept, so several files can be read into one text (the entry's bundle loader).
 * @param {string} file
 * @param {number} [at]
 * @returns {FileBytes} the buffer and the end of what it holds
 */
function readWhole(file, at = 0) {
  const fd = openSync(file, 'r');
  try {
    for (let n = at; ; ) {
      if (n === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, n);
        scratch = bigger;
      }
      const got = readSync(fd, scratch, n, scratch.length - n, null);
      if (got === 0) return { buffer: scratch, length: n };
      n += got;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes read as latin1 text (the bundles are ASCII: exact, unvalidated), by Buffer's own
 * latin1Slice where Node has it (20 to 26 do): toString's JavaScript would be compiled for this.
 * @param {FileBytes} read
 * @returns {string}
 */
function latin1({ buffer, length }) {
  const b = /** @type {Buffer & { latin1Slice?: (start: number, end: number) => string }} */ (buffer);
  return typeof b.latin1Slice === 'function' ? b.latin1Slice(0, length) : b.toString('latin1', 0, length);
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
 * The one-line error of a CLI that cannot run (exit 70).
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
 * @typedef {object} Entry dist/entry.cjs (src/cli/entry.cjs)
 * @property {(argv: readonly string[], boot: Boot) => void} start
 */

/**
 * What the entry takes from here.
 * @typedef {object} Boot
 * @property {string} dist
 * @property {typeof readWhole} readWhole
 * @property {typeof latin1} latin1
 * @property {typeof wrapperSource} wrapperSource
 * @property {typeof internalError} internalError
 * @property {boolean} debug
 */

/**
 * `--version` and the root `--help`: their text as the build wrote it.
 * @param {string} file
 */
function printText(file) {
  let failed;
  try {
    failed = writeAll(1, readFileSync(path.join(DIST, file), 'utf8'));
  } catch (error) {
    internalError(`cannot read ${file}`, error);
    return;
  }
  if (failed !== undefined) {
    // the answer reached no one: an error, as for every command (src/cli/output.ts)
    writeAll(2, `krishiv-auth: <stdout>: cannot write the answer: ${failed} (ERR_OUTPUT_WRITE)\n`);
    process.exitCode = 2;
  }
}

/**
 * dist/entry.cjs through Node's own loader (source-mapped stacks for --debug).
 * @param {string} filename
 * @returns {Entry}
 */
function requireEntry(filename) {
  process.setSourceMapsEnabled(true);
  return require(filename);
}

/**
 * Training (the build): writes the entry's cache at exit, once.
 * @param {import('node:vm').Script} script
 * @param {string} cacheFile
 */
function trainEntry(script, cacheFile) {
  process.on('exit', () => {
    const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    if (!existsSync(cacheFile)) writeFileSync(cacheFile, script.createCachedData());
  });
}

// A run, in straight lines: in this file, every function a start calls is compiled from its
// text first (no cache), so the path of a command calls only readWhole, latin1 and wrapperSource.
if (require.main === module) {
  // `krishiv-auth -- <command> ...`: the `--` only kept Node from claiming `--env-file` (above).
  const args = process.argv.slice(2);
  const argv = args[0] === '--' ? args.slice(1) : args;
  const only = argv.length === 1 ? argv[0] : undefined;
  const text =
    only === '--version' || only === '-V' ? 'version.txt' : only === '--help' || only === '-h' || only === 'help' ? 'help.txt' : undefined;
  if (text !== undefined) printText(text);
  else {
    // KRISHIV_AUTH_TRAIN_CODE_CACHE=<dir> (the build): the entry compiles with no cache and writes
    // one to <dir>/<v8>/entry.cjs.bin at exit, from a run otherwise as usual (its functions are
    // the ones a usual run calls); the bundles' caches are trained by the build itself.
    const trainTo = process.env['KRISHIV_AUTH_TRAIN_CODE_CACHE'] || undefined;
    const debug = trainTo === undefined && argv.includes('--debug');
    const filename = `${DIST}${path.sep}entry.cjs`;
    /** @type {Entry | undefined} */
    let entry;
    try {
      if (debug) entry = requireEntry(filename);
      else {
        // dist/entry.cjs with its own cache (one for every kind of run: this runs before the run's
        // kind is known)
        const { Script } = require('node:vm');
        const source = wrapperSource(latin1(readWhole(filename)));
        const cacheFile =
          trainTo === undefined
            ? `${DIST}${path.sep}cache${path.sep}${process.versions.v8}${path.sep}entry.cjs.bin`
            : path.join(trainTo, process.versions.v8, 'entry.cjs.bin');
        /** @type {Uint8Array | undefined} */
        let cachedData;
        if (trainTo === undefined && !process.env['KRISHIV_AUTH_NO_CODE_CACHE']) {
          try {
            const read = readWhole(cacheFile);
            cachedData = new Uint8Array(read.buffer.buffer, read.buffer.byteOffset, read.length);
          } catch {
            cachedData = undefined; // not built with a cache for this Node: compile as usual
          }
        }
        const script = new Script(source, cachedData ? { filename, cachedData } : { filename });
        if (trainTo !== undefined) trainEntry(script, cacheFile);
        const module = { exports: /** @type {Entry} */ (/** @type {unknown} */ ({})) };
        /** @type {(...args: unknown[]) => void} */ (script.runInThisContext()).call(
          module.exports,
          module.exports,
          require,
          module,
          filename,
          DIST,
        );
        entry = module.exports;
      }
    } catch (error) {
      internalError('cannot load the CLI', error);
    }
    entry?.start(argv, { dist: DIST, readWhole, latin1, wrapperSource, internalError, debug });
  }
} else module.exports = { readWhole, latin1, wrapperSource };
