// Builds dist/ from src/ with esbuild, as CommonJS files (on Node 20 an ES module costs ~7 ms
// more to load than a CommonJS file: bench/README.md). Layout, all flat in dist/:
//   version.txt,       what `--version` and the root `--help` print, rendered by the real frame
//   help.txt           at build time; bin/krishiv-auth.js answers those two from them alone
//   main.cjs           the core bundle: the frame (src/cli/main.ts), loaded by bin/krishiv-auth.js
//                      before any command, and what every bundle shares (CORE below: the error
//                      class and exit table, the global options, the command context); one copy
//                      per process
//   cmd-<name>.cjs     one bundle per command module, required only when that command runs
//   <chunk>.cjs        a part of a command that only some runs need (CHUNKS below), required lazily
//   vendor-<pkg>.cjs   each heavy dependency (commander, jose, chalk, cosmiconfig, …) on its own,
//                      required only by the code path that needs it
//   cache/<v8>/<bundle>.bin the V8 code cache of each bundle for this Node's V8, trained below
//                      (`node scripts/build.mjs --train-only` trains another Node's into the same dist/)
// Native addons (argon2) stay external and load from node_modules.
//
// The bundles form a tree: main ← cmd-<name> ← its chunks; a bundle is loaded only after its
// parent. Every source module has ONE home per process: a module two bundles use lives in the
// nearest bundle both descend from (main, the command, …) and the others require it from there
// (`require('./main.cjs').__krishivModules['src/errors.ts']`, initialised on first use). Only
// sibling commands, which never run in one process, each keep their own copy of a module main
// does not hold. So `instanceof KrishivError` holds across bundles.
// A separate core.cjs under main.cjs was measured: +0.4 ms of every command's start-up (one more
// file, cache and top-level run) for nothing main.cjs does not give (bench/README.md).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire, isBuiltin } from 'node:module';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');

// Dependencies that get a bundle of their own. Anything else is inlined where it is used.
const VENDORED = ['commander', 'chalk', 'cosmiconfig', 'js-yaml', 'jose', 'yocto-spinner'];
// …except where one code path is its main user: there it is inlined (one file fewer to load).
// js-yaml in the manifest reader (check-production's deploy chunk, trained with it: a --manifest
// run loads one bundle fewer, ~0.5 ms); the config loader keeps vendor-js-yaml.cjs.
const INLINED_FOR = { 'js-yaml': `src${path.sep}production${path.sep}manifest${path.sep}` };
// fastest-levenshtein (2 KB) is inlined where it is used: a bundle of its own cost more to load than it weighs.
const EXTERNAL = ['argon2', 'typescript', 'ts-node', '@swc/core'];

// What every bundle shares (see the top): the error class and exit table, the global options and
// their one parser, the command context, and the small helpers the frame itself uses. Not more:
// a helper only some commands run (engine/text.ts: the checks') made main.cjs's trained cache,
// which every command deserialises, carry those commands' functions.
const CORE = [
  'src/errors.ts',
  'src/version.ts',
  'src/cli/globals.ts',
  'src/cli/context.ts',
  'src/util/duration.ts',
  'src/util/time.ts',
  'src/io/read.ts',
];

// Parts of a command that only some of its runs need, each a bundle of its own with its own code
// cache (so an env-file check-production neither reads nor deserialises the manifest path's code).
// `entries` are the modules the command imports lazily (`await import(…)`).
const CHUNKS = [
  // --manifest / --unit: Kubernetes objects, systemd units, workloads; and the engine's
  // command-line parsers, which every container's args and every unit's ExecStart go through
  // (and --cli, less often: it costs that run a larger bundle, not the manifest runs one more)
  { name: 'cp-deploy', parent: 'cmd-check-production', entries: ['src/production/deploy.ts', 'src/production/env/cli-flags.ts'] },
  // --baseline / --write-baseline
  { name: 'cp-baseline', parent: 'cmd-check-production', entries: ['src/production/baseline.ts'] },
  // --store: the key store and Argon2id
  {
    name: 'cp-keys',
    parent: 'cmd-check-production',
    entries: ['src/production/command/store-keys.ts', 'src/keys/store-file.ts', 'src/keys/hasher.ts'],
  },
];

const commandFiles = readdirSync(path.join(root, 'src/cli/commands'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3));

const trainOnly = process.argv.includes('--train-only');
if (trainOnly && !existsSync(path.join(dist, 'main.cjs'))) {
  console.error('build --train-only: dist/ is not built; run `npm run build` first');
  process.exit(1);
}
if (!trainOnly) await buildAll();

async function buildAll() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });

  /** Imports of vendored packages go to their flat sibling bundles; our JSON data loads as JSON.parse. */
  const flatLinks = {
    name: 'flat-links',
    setup(b) {
      const vendorFilter = new RegExp(`^(${VENDORED.map((v) => v.replace(/[/.]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter: vendorFilter }, (args) => {
        if (args.importer.includes(`${path.sep}.vendor-entry${path.sep}`)) return undefined;
        if (INLINED_FOR[args.path] !== undefined && args.importer.includes(INLINED_FOR[args.path])) return undefined;
        return { path: `./vendor-${args.path.replace(/[^a-z0-9]+/gi, '-')}.cjs`, external: true };
      });
      // commander requires child_process only to run executable subcommands, which this CLI
      // never has; loading it (and net, dgram, streams behind it) costs ~2 ms per run.
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.importer.includes(`${path.sep}commander${path.sep}`) ? { path: 'child_process', namespace: 'no-child-process' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'no-child-process' }, () => ({
        contents:
          "const no = () => { throw new Error('krishiv-auth has no executable subcommands'); };\nmodule.exports = { spawn: no, execFile: no, fork: no };\n",
        loader: 'js',
      }));
      // Our JSON data (the engine's flag registry) as JSON.parse of a string, not an object
      // literal: V8 parses JSON faster than it runs the equivalent literal's code, once.
      b.onLoad({ filter: /[\\/]src[\\/].*\.json$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const text = JSON.stringify(JSON.parse(await readFile(args.path, 'utf8')));
        return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});\n`, loader: 'js' };
      });
    },
  };

  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20.12',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    legalComments: 'none',
    minify: true,
    keepNames: false,
    logLevel: 'warning',
    sourcemap: 'linked',
    // Dynamic import() of a sibling bundle becomes a lazy require(): no ESM loader at run time.
    supported: { 'dynamic-import': false },
    define: { __KRISHIV_AUTH_VERSION__: JSON.stringify(pkg.version) },
    // Each bundle inside the CommonJS wrapper, calling itself under Node's loader; bin/krishiv-auth.js
    // compiles the wrapper alone, a slice of the file's text (no second copy of the text to compile).
    banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
    footer: { js: '}).call(this, exports, require, module, __filename, __dirname);' },
    external: EXTERNAL,
  };

  // Vendor bundles: a tiny re-export entry per package.
  const vendorDir = path.join(root, 'node_modules', '.vendor-entry');
  mkdirSync(vendorDir, { recursive: true });
  const vendorEntries = {};
  for (const v of VENDORED) {
    const file = path.join(vendorDir, `${v.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
    let hasDefault = false;
    try {
      const m = await import(v);
      hasDefault = 'default' in m;
    } catch {
      hasDefault = false;
    }
    writeFileSync(file, `export * from '${v}';\n${hasDefault ? `export { default } from '${v}';\n` : ''}`);
    vendorEntries[`vendor-${v.replace(/[^a-z0-9]+/gi, '-')}`] = file;
  }
  await build({ ...common, entryPoints: vendorEntries, outdir: 'dist', plugins: [flatLinks] });
  await buildApp(common, flatLinks);

  // Render `--version` and the root help with the real frame (piped: 80 columns, no colour);
  // bin/krishiv-auth.js prints these files for the two commonest plain invocations.
  for (const [args, file, start] of [
    [['--version'], 'version.txt', 'krishiv-auth '],
    [['--help'], 'help.txt', 'Usage: krishiv-auth'],
  ]) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dist, 'main.cjs'))}).main(${JSON.stringify(args)})`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    if (r.status !== 0 || !r.stdout.startsWith(start)) {
      console.error(`build: rendering ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
      process.exit(1);
    }
    writeFileSync(path.join(dist, file), r.stdout);
  }
}

/**
 * The app bundles (main, one per command, CHUNKS): a first esbuild pass over every entry
 * maps which source modules each bundle reaches; each module gets its home (the top comment);
 * then each bundle is built on its own, with the modules homed elsewhere replaced by a line that
 * requires them from their home bundle.
 */
async function buildApp(common, flatLinks) {
  /** @type {Map<string, {name: string, parent: string | undefined, entries: string[], primary?: string}>} */
  const bundles = new Map();
  const add = (b) => bundles.set(b.name, b);
  // main.cjs is the core bundle: the frame, which every command loads first, and CORE.
  add({ name: 'main', parent: undefined, entries: ['src/cli/main.ts', ...CORE], primary: 'src/cli/main.ts' });
  for (const c of commandFiles) {
    const entry = `src/cli/commands/${c}.ts`;
    add({ name: `cmd-${c}`, parent: 'main', entries: [entry], primary: entry });
  }
  for (const c of CHUNKS) add({ ...c });
  for (const b of bundles.values()) {
    if (b.parent !== undefined && !bundles.has(b.parent)) throw new Error(`build: ${b.name}'s parent ${b.parent} is not a bundle`);
  }

  // npm packages in their CommonJS form: wrapped, nothing of theirs is even instantiated until
  // first required (an ES module build's functions are hoisted into the bundle's top level: js-yaml's
  // made main.cjs's cache 10 KB larger for every command).
  const npmKind = (args) => (args.path.startsWith('.') || path.isAbsolute(args.path) ? args.kind : 'require-call');
  const npmAsCommonJs = {
    name: 'npm-as-commonjs',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.npm || isBuiltin(args.path) || EXTERNAL.includes(args.path)) return undefined;
        return b.resolve(args.path, {
          kind: 'require-call',
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { npm: true },
        });
      });
    },
  };

  // Pass 1: the module graph (metafile input keys are paths relative to the root, as CORE's).
  const all = [...new Set([...bundles.values()].flatMap((b) => b.entries))];
  const analysis = await build({
    ...common,
    entryPoints: all,
    outdir: 'dist',
    write: false,
    metafile: true,
    sourcemap: false,
    plugins: [flatLinks, npmAsCommonJs],
  });
  const graph = analysis.metafile.inputs;
  for (const e of all) if (!graph[e]) throw new Error(`build: ${e} (a bundle entry) is not a source module`);
  /** @type {Map<string, string>} entry module → its bundle */
  const entryOf = new Map();
  for (const b of bundles.values()) {
    for (const e of b.entries) {
      if (entryOf.has(e)) throw new Error(`build: ${e} is an entry of both ${entryOf.get(e)} and ${b.name}`);
      entryOf.set(e, b.name);
    }
  }
  const chain = (name) => {
    const out = [];
    for (let n = name; n !== undefined; n = bundles.get(n).parent) out.push(n);
    return out; // self first, main last
  };
  // The top-level command a bundle belongs to (main belongs to every one).
  const commandOf = (name) => chain(name).find((n) => bundles.get(n).parent === 'main');
  /**
   * The bundle whose entry `m` is, as seen from bundle `from`. A chunk's entry is only its own
   * command's, and only if main does not hold it already (main's closure is mapped first).
   */
  const entryHome = (m, from) => {
    const e = entryOf.get(m);
    if (e === undefined) return undefined;
    const c = commandOf(e);
    if (c === undefined || c === e) return e;
    if (c !== commandOf(from)) return undefined;
    const above = chain(bundles.get(e).parent).filter((a) => usersOf.get(m)?.has(a));
    return above.length > 0 ? above[above.length - 1] : e;
  };
  // closure(b): what b's entries reach without entering another bundle's entry
  /** @type {Map<string, Set<string>>} module → bundles that reach it */
  const usersOf = new Map();
  for (const b of bundles.values()) {
    const seen = new Set();
    const stack = [...b.entries];
    while (stack.length > 0) {
      const m = stack.pop();
      if (seen.has(m)) continue;
      seen.add(m);
      if (!usersOf.has(m)) usersOf.set(m, new Set());
      usersOf.get(m).add(b.name);
      for (const imp of graph[m]?.imports ?? []) {
        if (imp.external || !graph[imp.path]) continue;
        const home = entryHome(imp.path, b.name);
        if (home !== undefined && home !== b.name) continue;
        stack.push(imp.path);
      }
    }
  }
  const lca = (names) => {
    const [first, ...rest] = names;
    const common = chain(first).filter((n) => rest.every((r) => chain(r).includes(n)));
    return common[0];
  };
  /** The home of module `m` as seen from bundle `from` (which reaches it). */
  const homeFor = (m, from) => {
    const home = entryHome(m, from);
    if (home !== undefined) return home;
    const cmd = commandOf(from);
    const users = [...(usersOf.get(m) ?? [from])].filter((u) => {
      const uc = commandOf(u);
      return uc === undefined || uc === cmd;
    });
    return lca(users.includes(from) ? users : [...users, from]);
  };
  // Which modules each bundle must hand out to others (its registry).
  /** @type {Map<string, Set<string>>} */
  const exported = new Map([...bundles.keys()].map((n) => [n, new Set()]));
  for (const [m, users] of usersOf) {
    for (const u of users) {
      const home = homeFor(m, u);
      if (home !== u) exported.get(home).add(m);
    }
  }
  for (const b of bundles.values())
    for (const e of b.entries) if (e !== b.primary && homeFor(e, b.name) === b.name) exported.get(b.name).add(e);

  // The export names of each handed-out module of ours, so the line that stands for it in
  // another bundle can copy them once into plain bindings: read through esbuild's CommonJS
  // interop instead, every use of an import was a chain of getters (~0.6 ms of an env-file
  // check-production, in V8's interpreter).
  const handedOut = [...new Set([...exported.values()].flatMap((set) => [...set]))].filter((m) => /\.(ts|mjs)$/.test(m)); // ES modules
  const names = new Map();
  if (handedOut.length > 0) {
    const { external: _e, ...plain } = common;
    const r = await build({
      ...plain,
      bundle: false,
      format: 'esm',
      entryPoints: handedOut,
      outdir: 'dist',
      write: false,
      metafile: true,
      sourcemap: false,
      logLevel: 'error',
    });
    for (const out of Object.values(r.metafile.outputs)) if (out.entryPoint !== undefined) names.set(out.entryPoint, out.exports);
  }

  /** Replaces every module homed in another bundle by a require of that bundle's registry. */
  const homes = (bundle) => ({
    name: 'homes',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.homes || args.namespace !== 'file' || args.kind === 'entry-point') return undefined;
        if (isBuiltin(args.path) || EXTERNAL.includes(args.path)) return undefined;
        const r = await b.resolve(args.path, {
          kind: npmKind(args),
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { homes: true },
        });
        if (r.errors.length > 0 || r.external) return r;
        const key = path.relative(root, r.path).split(path.sep).join('/');
        if (!usersOf.has(key)) return r;
        const home = homeFor(key, bundle.name);
        if (home === bundle.name) return r;
        const target = bundles.get(home);
        if (target.primary === key) return { path: `./${home}.cjs`, external: true };
        return { path: `${home}:${key}`, namespace: 'krishiv-home' };
      });
      b.onLoad({ filter: /.*/, namespace: 'krishiv-home' }, (args) => {
        const at = args.path.indexOf(':');
        const home = args.path.slice(0, at);
        const key = args.path.slice(at + 1);
        const from = `require(${JSON.stringify(`./${home}.cjs`)}).__krishivModules[${JSON.stringify(key)}]`;
        const list = names.get(key);
        if (list === undefined) return { contents: `module.exports = ${from};\n`, loader: 'js' }; // CommonJS (npm, JSON)
        // ES module: its exports copied once (none is reassigned after it loads: no `export let`)
        const binds = list.map((n, i) => `const _${i} = m[${JSON.stringify(n)}];`).join('\n');
        const spec = list.map((n, i) => `_${i} as ${n === 'default' ? 'default' : JSON.stringify(n)}`).join(', ');
        return { contents: `const m = ${from};\n${binds}\nexport { ${spec} };\n`, loader: 'js' };
      });
      b.onResolve({ filter: /.*/, namespace: 'krishiv-home' }, (args) => ({ path: args.path, external: true }));
    },
  });

  // What a bundle initialises when it loads: its primary module and what that imports statically.
  const loadedWith = (bundle) => {
    const seen = new Set();
    const stack = bundle.primary === undefined ? [] : [bundle.primary];
    while (stack.length > 0) {
      const m = stack.pop();
      if (seen.has(m)) continue;
      seen.add(m);
      for (const imp of graph[m]?.imports ?? []) {
        if (imp.kind === 'import-statement' && !imp.external && graph[imp.path] && homeFor(imp.path, bundle.name) === bundle.name)
          stack.push(imp.path);
      }
    }
    return seen;
  };

  // Pass 2: each bundle from a generated entry: its primary module's exports, and a registry of
  // the modules it hands out. One the bundle initialises when it loads is handed out as a plain
  // object of its exports (no getters to compile and call); any other through a getter whose
  // `require` initialises it on first use, not when the bundle loads.
  const entryDir = path.join(root, 'node_modules', '.krishiv-bundle-entry');
  rmSync(entryDir, { recursive: true, force: true });
  mkdirSync(entryDir, { recursive: true });
  const built = await Promise.all(
    [...bundles.values()].map(async (bundle) => {
      const abs = (m) => JSON.stringify(path.join(root, m));
      const early = loadedWith(bundle);
      const imports = [];
      const named = (list, prefix) => list.map((n, j) => `${n === 'default' ? 'default' : JSON.stringify(n)} as ${prefix}${j}`).join(', ');
      const plain = (list, prefix) => `{ ${list.map((n, j) => `${JSON.stringify(n)}: ${prefix}${j}`).join(', ')} }`;
      const registry = [...exported.get(bundle.name)].sort().map((m, i) => {
        const list = names.get(m);
        if (list === undefined) return `  get ${JSON.stringify(m)}() { return require(${abs(m)}); },`; // CommonJS
        if (early.has(m)) {
          imports.push(`import { ${named(list, `_${i}_`)} } from ${abs(m)};`);
          return `  get ${JSON.stringify(m)}() { return ${plain(list, `_${i}_`)}; },`;
        }
        // Initialised on first use: through a one-function module, so the bundle builds no
        // namespace object (a getter per export, defined when it loads) for the module itself.
        const snap = path.join(entryDir, bundle.name, `${i}.mjs`);
        mkdirSync(path.dirname(snap), { recursive: true });
        writeFileSync(snap, `import { ${named(list, '_')} } from ${abs(m)};\nexport function exports() { return ${plain(list, '_')}; }\n`);
        return `  get ${JSON.stringify(m)}() { return require(${JSON.stringify(snap)}).exports(); },`;
      });
      const file = path.join(entryDir, `${bundle.name}.mjs`);
      writeFileSync(
        file,
        `${bundle.primary !== undefined ? `export * from ${abs(bundle.primary)};\n` : ''}${imports.join('\n')}\nexport const __krishivModules = {\n${registry.join('\n')}\n};\n`,
      );
      const r = await build({
        ...common,
        entryPoints: { [bundle.name]: file },
        outdir: 'dist',
        metafile: true,
        plugins: [flatLinks, homes(bundle)],
      });
      const out = r.metafile.outputs[`dist/${bundle.name}.cjs`];
      const modules = Object.keys(out.inputs).filter((m) => !m.startsWith('krishiv-home:') && !m.includes('.krishiv-bundle-entry'));
      return [`${bundle.name}.cjs`, { parent: bundle.parent === undefined ? null : `${bundle.parent}.cjs`, modules: modules.sort() }];
    }),
  );
  // The tree and each bundle's modules (test/e2e/bundles.test.ts checks one home per process).
  writeFileSync(path.join(dist, 'bundles.json'), `${JSON.stringify(Object.fromEntries(built), null, 1)}\n`);
}

// Train the V8 code cache (bin/krishiv-auth.js): run representative commands with the trainer
// on; each process writes, at exit, the cache of every bundle it loaded that has none yet, with
// the functions it compiled. So the ORDER below decides which path a shared bundle's cache
// serves (main.cjs: an env-file check-production, the start-up the issues measure; the other
// commands compile what they use of it lazily). A command that fails here only costs its cache.
{
  const { mkdtempSync, mkdirSync: mk, rmSync: rm } = await import('node:fs');
  const os = await import('node:os');
  const cacheDir = path.join(dist, 'cache');
  const v8 = process.versions.v8;
  rm(path.join(cacheDir, v8), { recursive: true, force: true }); // a bundle keeps the first cache trained
  mk(cacheDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'krishiv-auth-train-'));
  const bin = path.join(root, 'bin', 'krishiv-auth.js');
  const { CACHE_VARIANTS } = createRequire(import.meta.url)(bin);
  const env = { PATH: process.env.PATH ?? '', HOME: tmp, NO_COLOR: '1', KRISHIV_AUTH_TRAIN_CODE_CACHE: cacheDir };
  /**
   * The runs of one command in ONE process, so the caches it writes hold the functions of all of
   * them (in separate processes a bundle would keep the first run's only). Returns their stdout.
   */
  const session = (what, runs, input, variant) => {
    if (runs.length === 0) return '';
    const trainTo = variant === undefined ? path.join(cacheDir, v8) : path.join(cacheDir, v8, variant);
    const script = `const { createBundleLoader } = require(${JSON.stringify(bin)});
const loader = createBundleLoader(${JSON.stringify(dist)}, require, { trainTo: ${JSON.stringify(trainTo)} });
(async () => { const frame = loader.load('main.cjs'); for (const argv of ${JSON.stringify(runs)}) await frame.main(argv); loader.writeTrained(); process.exit(0); })()
  .catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: tmp, env, input, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) console.error(`build: training the code cache of ${what} failed (exit ${r.status}):\n${r.stderr}`);
    return r.stdout ?? '';
  };
  const ex = (f) => path.join(root, 'examples', f);
  const examples = (files) => files.filter((f) => existsSync(ex(f))).map(ex);
  // check-production, env files: its bundle and main.cjs. Only this path's functions go into
  // their caches (the manifest path's made them ~20 % larger; issue 13).
  session(
    'check-production (env files)',
    examples(['dev.env', 'production.env']).map((f) => ['check-production', '--env-file', f]),
  );
  // check-production, manifests and units: a cache set of their own (CACHE_VARIANTS in the bin),
  // so each path's runs deserialise only the functions that path runs (issue 13).
  if (!CACHE_VARIANTS.some((v) => v.name === 'deploy')) throw new Error('build: bin/krishiv-auth.js has no "deploy" cache variant');
  session(
    'check-production (manifests)',
    examples(['k8s-production.yaml', 'k8s-failing.yaml']).map((f) => ['check-production', '--manifest', f]),
    undefined,
    'deploy',
  );
  // …and runs given --format (CI: sarif, junit, github, markdown): the reporters' functions in
  // the default set made every text run ~0.5 ms slower (2.3M instructions, callgrind).
  if (!CACHE_VARIANTS.some((v) => v.name === 'report')) throw new Error('build: bin/krishiv-auth.js has no "report" cache variant');
  session(
    'check-production (--format)',
    examples(['dev.env', 'production.env']).flatMap((f) =>
      ['sarif', 'junit', 'github', 'markdown'].map((format) => ['check-production', '--env-file', f, '--format', format]),
    ),
    undefined,
    'report',
  );
  // Every other command: a set of its own (named after it; the bin picks it by the command's
  // name), main.cjs's cache included: trained on check-production, main.cjs made the commands
  // that use other parts of it (stdin, fingerprints) compile those at every start (decode and
  // verify ~2-3M instructions).
  const own = (command, runs, input) => session(command, runs, input, command);
  own('fingerprint', [['fingerprint', '-']], 'training-token\n');
  if (existsSync(path.join(root, 'src/keys'))) {
    own('generate-key', [
      ['generate-key', '--type', 'jwk', '--out', 'k.jwk', '--jwks', 'jwks.json'],
      ['generate-key', '--type', 'bearer', '--for', 'coordinator', '--out', 'tokens'],
    ]);
    const token = own('sign', [['sign', '--key', 'k.jwk', '--sub', 'trainer', '--aud', 'krishiv']]).trim();
    own('decode', [['decode', '-']], token);
    own('verify', [['verify', '-', '--jwks', 'jwks.json', '--audience', 'krishiv']], token);
    own('keys', [['keys', 'list', '--store', 'keys.json']]);
    own('rotate', [
      ['rotate', 'status', 'tokens'],
      ['rotate', 'begin', 'tokens', '--out', 'next.token'],
    ]);
  }
  own('explain', [['explain', 'COORD-GRPC-TOKENS-MISSING']]);
  rm(tmp, { recursive: true, force: true });
}
