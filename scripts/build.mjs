// Builds dist/ from src/ with esbuild:
// - dist/cli/main.mjs + dist/chunks/*.mjs: one ESM bundle with code splitting, so each
//   command's code (and jose, commander, chalk…) is a chunk loaded only when it runs;
// - dist/cli/entry.cjs: a tiny CommonJS entry (CJS starts ~4 ms faster than ESM on Node 20)
//   that answers --version and the root --help itself (the help text is rendered by the real
//   commander program right after the ESM build, then inlined) and otherwise imports main.mjs.
// Native addons (argon2) stay external. Type-checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.12',
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  define: { __KRISHIV_AUTH_VERSION__: JSON.stringify(pkg.version) },
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // Native addon, and optional peers of cosmiconfig we never use (no config file runs code).
  external: ['argon2', 'typescript', 'ts-node', '@swc/core'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __krishivCreateRequire } from 'node:module'; const require = __krishivCreateRequire(import.meta.url);",
  },
});

// Render the root help with the real program (piped, so 80 columns and no colour).
const help = spawnSync(
  process.execPath,
  ['--input-type=module', '-e', `import('${path.join(root, 'dist/cli/main.mjs')}').then((m) => m.main(['--help']))`],
  { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } },
);
if (help.status !== 0 || !help.stdout.startsWith('Usage: krishiv-auth')) {
  console.error(`build: rendering the root help failed (exit ${help.status}):\n${help.stderr}`);
  process.exit(1);
}

await build({
  ...common,
  define: {
    __KRISHIV_AUTH_VERSION__: JSON.stringify(pkg.version),
    __KRISHIV_AUTH_ROOT_HELP__: JSON.stringify(help.stdout),
  },
  entryPoints: { 'cli/entry': 'src/cli/entry.ts' },
  outdir: 'dist',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  external: ['./main.mjs'],
});
