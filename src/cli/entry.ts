/**
 * Process entry (built as CommonJS, which starts measurably faster than an ES module):
 * answers `--version` from a constant without loading anything else, and hands every other
 * invocation to the ESM frame in main.mjs.
 */
import { ENGINE_COMMIT, VERSION } from '../version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`krishiv-auth ${VERSION} (engine ${ENGINE_COMMIT})\n`);
} else {
  // A real dynamic import of the ESM bundle beside this file (see scripts/build.mjs).
  const frame = './main.mjs';
  (import(frame) as Promise<{ main(argv: readonly string[]): Promise<number> }>).then(
    (m) => m.main(argv),
    (error: unknown) => {
      process.stderr.write(`krishiv-auth: internal error: cannot load the CLI: ${String(error)} (ERR_INTERNAL)\n`);
      process.exitCode = 70;
    },
  );
}
