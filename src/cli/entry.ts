/**
 * Process entry (dist/entry.cjs). It answers `--version` and the root `--help` on its own — the help text is
 * rendered by commander at build time and inlined (scripts/build.mjs) — and hands every other
 * invocation to the frame in main.cjs. Writes use fs.writeSync on fd 1: creating the
 * process.stdout stream costs about 2 ms, which is most of the budget here.
 */
import { writeSync } from 'node:fs';
import { ENGINE_COMMIT, VERSION } from '../version.js';
import { installCodeCache } from './code-cache.js';

declare const __KRISHIV_AUTH_ROOT_HELP__: string | undefined;

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;

if (only === '--version' || only === '-V') {
  writeAll(`krishiv-auth ${VERSION} (engine ${ENGINE_COMMIT})\n`);
} else if (
  (only === '--help' || only === '-h' || only === 'help') &&
  typeof __KRISHIV_AUTH_ROOT_HELP__ === 'string' &&
  __KRISHIV_AUTH_ROOT_HELP__ !== ''
) {
  writeAll(__KRISHIV_AUTH_ROOT_HELP__);
} else {
  if (!process.env['KRISHIV_AUTH_NO_CODE_CACHE']) {
    const trainTo = process.env['KRISHIV_AUTH_TRAIN_CODE_CACHE'] || undefined;
    const writeTrained = installCodeCache(__dirname, trainTo);
    if (trainTo) process.on('exit', writeTrained);
  }
  // The frame bundle beside this file (see scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/ban-ts-comment
  // @ts-ignore -- a build output, not a source module
  (import('./main.cjs') as Promise<{ main(argv: readonly string[]): Promise<number> }>).then(
    (m) => m.main(argv),
    (error: unknown) => {
      process.stderr.write(`krishiv-auth: internal error: cannot load the CLI: ${String(error)} (ERR_INTERNAL)\n`);
      process.exitCode = 70;
    },
  );
}

function writeAll(text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (error) {
      // A non-blocking pipe that is full: retry; a closed pipe (EPIPE): stop quietly.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return;
    }
  }
}
