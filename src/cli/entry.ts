/**
 * Process entry (dist/entry.cjs). It answers `--version` and the root `--help` on its own — the help text is
 * rendered by commander at build time and inlined (scripts/build.mjs) — and hands every other
 * invocation to the frame in main.cjs. Writes use fs.writeSync on fd 1: creating the
 * process.stdout stream costs about 2 ms, which is most of the budget here.
 */
import { writeSync } from 'node:fs';
import { ENGINE_COMMIT, VERSION } from '../version.js';
import { createBundleLoader } from './code-cache.js';

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
  runFrame();
}

/** Loads the frame bundle beside this file (scripts/build.mjs) and runs the command. */
function runFrame(): void {
  const trainTo = process.env['KRISHIV_AUTH_TRAIN_CODE_CACHE'] || undefined;
  const loader = createBundleLoader(__dirname, require, { useCache: !process.env['KRISHIV_AUTH_NO_CODE_CACHE'], trainTo });
  if (trainTo) process.on('exit', () => loader.writeTrained());
  const internalError = (what: string, error: unknown): void => {
    writeAll(`krishiv-auth: internal error: ${what}: ${String(error)} (ERR_INTERNAL)\n`, 2);
    process.exitCode = 70;
  };
  let frame: { main(argv: readonly string[]): Promise<number> };
  try {
    frame = loader.load('main.cjs') as typeof frame;
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
    (error: unknown) => internalError('unhandled failure', error),
  );
}

function writeAll(text: string, fd: 1 | 2 = 1): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (error) {
      // A non-blocking pipe that is full: retry; a closed pipe (EPIPE): stop quietly.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return;
    }
  }
}
