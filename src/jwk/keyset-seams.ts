/** The jwks commands' seams over the real machine: bounded reads, standard input, the lock, atomic writes. */
import { readTextFile, statPath, writeFileAtomic } from '../io/fs.js';
import { withFileLock } from '../io/lock.js';
import { type InputStream, readStdin } from '../io/stdin.js';
import type { JwksSeams } from './keyset-run.js';

export function keysetSeams(stdin: InputStream): JwksSeams {
  return {
    readFile: (file, label, limit) => readTextFile(file, { limit, label }),
    readStdin: (limit) => readStdin(stdin, limit),
    exists: async (file) => (await statPath(file)) !== undefined,
    locked: (file, label, fn) => withFileLock(file, fn, { label }),
    write: async (file, text, isNew) => {
      await writeFileAtomic(file, text, isNew ? { mode: 0o644 } : {});
    },
  };
}
