/**
 * probe's seams over the real machine: bounded file reads, the targets stream (a file, or
 * standard input), env files, and the network with its clock and randomness. The command
 * (src/cli/commands/probe.ts) hands in what it holds; the modules behind the seams load here,
 * only when probe runs.
 */
import path from 'node:path';
import { isKrishivError } from '../errors.js';
import type { ProbeCommandSeams } from './command.js';

export interface ProbeHost {
  cwd: string;
  stdin: AsyncIterable<Buffer | string>;
  now(): Date;
  randomBytes(size: number): Uint8Array;
  /** a note for people (stderr) */
  note(text: string): void;
  /** --jsonl: one document per call (stdout) */
  line(doc: unknown): void;
}

/** Files, standard input, output and the network for probe. */
export async function probeSeams(host: ProbeHost): Promise<Omit<ProbeCommandSeams, 'progress'>> {
  const [fsMod, envMod, netMod] = await Promise.all([import('../io/fs.js'), import('./env-source.js'), import('./net.js')]);
  return {
    readFile: (f, limit) => fsMod.readTextFile(f, { limit }),
    exists: async (f) => (await fsMod.statPath(f)) !== undefined,
    readEnvFile: (f) => envMod.readProbeEnvFile(f),
    openTargets: async (name) => {
      if (name === '-') return host.stdin;
      // Open errors (missing file, a directory) as the typed errors every command gives; the
      // content is then streamed, never read whole.
      await fsMod.readTextFile(name, { limit: 0 }).catch((e: unknown) => {
        if (isKrishivError(e) && e.code === 'ERR_FILE_TOO_LARGE') return;
        throw e;
      });
      return (await import('node:fs')).createReadStream(path.resolve(host.cwd, name));
    },
    resolveFrom: (targetsFile, file) =>
      path.resolve(targetsFile === '-' ? host.cwd : path.dirname(path.resolve(host.cwd, targetsFile)), file),
    io: (jwks, ca, limits) => netMod.createProbeIo(host, jwks, ca, limits),
    note: (text) => host.note(`note: ${text}`),
    line: (doc) => host.line(doc),
  };
}
