// Builds dist/ from src/ with esbuild:
// - dist/cli/entry.cjs: a tiny CommonJS entry (CJS starts ~4 ms faster than ESM on Node 20)
//   that answers --version itself and otherwise imports main.mjs;
// - dist/cli/main.mjs + dist/chunks/*.mjs: one ESM bundle with code splitting, so each
//   command's code (and jose, commander, chalk…) is a chunk loaded only when it runs.
// Native addons (argon2) stay external. Type-checking is `npm run typecheck` (tsc).
import { build } from 'esbuild';
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
  define: { __KRISHIV_AUTH_VERSION__: JSON.stringify(pkg.version) },
};

await build({
  ...common,
  entryPoints: { 'cli/entry': 'src/cli/entry.ts' },
  outdir: 'dist',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  external: ['./main.mjs'],
});

await build({
  ...common,
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
