// Builds dist/ from src/ with esbuild, as CommonJS files (on Node 20 an ES module costs ~7 ms
// more to load than a CommonJS file: bench/README.md). Layout, all flat in dist/:
//   version.txt,       what `--version` and the root `--help` print, rendered by the real frame
//   help.txt           at build time; bin/krishiv-auth.js answers those two from them alone
//   main.cjs           the frame (src/cli/main.ts), loaded by bin/krishiv-auth.js
//   cache/<v8>/<bundle>.bin the V8 code cache of each bundle for this Node's V8, trained below
//                      (`node scripts/build.mjs --train-only` trains another Node's into the same dist/)
//   cmd-<name>.cjs     one bundle per command module, required only when that command runs
//   vendor-<pkg>.cjs   each heavy dependency (commander, jose, chalk, cosmiconfig, …) on its own,
//                      required only by the code path that needs it
// Native addons (argon2) stay external and load from node_modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');

// Dependencies that get a bundle of their own. Anything else is inlined where it is used.
const VENDORED = ['commander', 'chalk', 'cosmiconfig', 'js-yaml', 'jose', 'yocto-spinner'];
// fastest-levenshtein (2 KB) is inlined where it is used: a bundle of its own cost more to load than it weighs.
const EXTERNAL = ['argon2', 'typescript', 'ts-node', '@swc/core'];

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

  /** Rewrites imports of vendored packages and of command modules to the flat sibling bundles. */
  const flatLinks = {
    name: 'flat-links',
    setup(b) {
      const vendorFilter = new RegExp(`^(${VENDORED.map((v) => v.replace(/[/.]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter: vendorFilter }, (args) => {
        if (args.importer.includes(`${path.sep}.vendor-entry${path.sep}`)) return undefined;
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
      b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
        if (!args.importer.endsWith(path.join('src', 'cli', 'commands', 'index.ts'))) return undefined;
        return { path: `./cmd-${args.path.slice(2, -3)}.cjs`, external: true };
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
  await build({ ...common, entryPoints: vendorEntries, outdir: 'dist', external: EXTERNAL, plugins: [flatLinks] });

  const entries = { main: 'src/cli/main.ts' };
  for (const c of commandFiles) entries[`cmd-${c}`] = `src/cli/commands/${c}.ts`;
  await build({ ...common, entryPoints: entries, outdir: 'dist', external: EXTERNAL, plugins: [flatLinks] });

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

// Train the V8 code cache (bin/krishiv-auth.js): run representative commands with the
// trainer on; each writes, at exit, the cache of every bundle it loaded, including the
// functions it compiled. A command that fails here only costs its cache.
{
  const { mkdtempSync, mkdirSync: mk, rmSync: rm } = await import('node:fs');
  const os = await import('node:os');
  const cacheDir = path.join(dist, 'cache');
  mk(cacheDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'krishiv-auth-train-'));
  const bin = path.join(root, 'bin', 'krishiv-auth.js');
  const env = { PATH: process.env.PATH ?? '', HOME: tmp, NO_COLOR: '1', KRISHIV_AUTH_TRAIN_CODE_CACHE: cacheDir };
  const run = (args, input) =>
    spawnSync(process.execPath, ['--', bin, ...args], { cwd: tmp, env, input, encoding: 'utf8', timeout: 60_000 });
  const ex = (f) => path.join(root, 'examples', f);
  run(['fingerprint', '-'], 'training-token\n');
  if (existsSync(path.join(root, 'src/keys'))) {
    run(['generate-key', '--type', 'jwk', '--out', 'k.jwk', '--jwks', 'jwks.json']);
    const token = run(['sign', '--key', 'k.jwk', '--sub', 'trainer', '--aud', 'krishiv']).stdout.trim();
    run(['decode', '-'], token);
    run(['verify', '-', '--jwks', 'jwks.json', '--audience', 'krishiv'], token);
    run(['keys', 'list', '--store', 'keys.json']);
    run(['generate-key', '--type', 'bearer', '--for', 'coordinator', '--out', 'tokens']);
    run(['rotate', 'status', 'tokens']);
    run(['rotate', 'begin', 'tokens', '--out', 'next.token']);
  }
  run(['explain', 'COORD-GRPC-TOKENS-MISSING']);
  // check-production: the env-file runs and a --manifest run in ONE process, so its bundle's
  // cache holds the functions of both paths. Trained in separate runs, the last run's cache
  // replaced the other's: a manifest run then compiled the whole deployment path lazily, or an
  // env-file run its own (~15 ms).
  const cp = [];
  for (const f of ['dev.env', 'production.env']) {
    if (existsSync(ex(f)))
      cp.push(['check-production', '--env-file', ex(f), '--format', 'sarif'], ['check-production', '--env-file', ex(f)]);
  }
  if (existsSync(ex('k8s-production.yaml'))) cp.push(['check-production', '--manifest', ex('k8s-production.yaml')]);
  if (cp.length > 0) {
    const v8 = process.versions.v8;
    const script = `const { createBundleLoader } = require(${JSON.stringify(bin)});
const loader = createBundleLoader(${JSON.stringify(dist)}, require, { trainTo: ${JSON.stringify(path.join(cacheDir, v8))} });
(async () => { const frame = loader.load('main.cjs'); for (const argv of ${JSON.stringify(cp)}) await frame.main(argv); loader.writeTrained(); process.exit(0); })()
  .catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: tmp, env, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) console.error(`build: training check-production's code cache failed (exit ${r.status}):\n${r.stderr}`);
  }
  rm(tmp, { recursive: true, force: true });
}
