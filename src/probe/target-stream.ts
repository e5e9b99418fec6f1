/**
 * `--targets` read as a stream (a file or `-` for standard input): one target per line, parsed as
 * it arrives, so a fleet of any size is probed with memory flat in the number of targets.
 */
import { KrishivError } from '../errors.js';
import { parseTargetLine, type TargetLine } from './targets.js';

/** A line longer than this is not a target line: refused rather than buffered. */
const MAX_TARGET_LINE = 64 * 1024;

/** Splits a byte stream into lines (LF or CRLF), each at most `max` characters. */
export async function* streamLines(stream: AsyncIterable<Buffer | string>, name: string, max = MAX_TARGET_LINE): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let n = 0;
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      n++;
      yield pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
    }
    if (pending.length > max) {
      throw new KrishivError('ERR_USAGE', `line ${n + 1} is longer than ${max} characters`, { input: name });
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield pending.replace(/\r$/, '');
}

/** The target lines of a stream, parsed one by one (blank and comment lines skipped). */
export async function* streamTargets(
  stream: AsyncIterable<Buffer | string>,
  name: string,
  resolvePath: (file: string) => string,
): AsyncGenerator<TargetLine> {
  let i = 0;
  for await (const line of streamLines(stream, name)) {
    i++;
    const t = parseTargetLine(line, `${name}:${i}`, resolvePath);
    if (t) yield t;
  }
}
