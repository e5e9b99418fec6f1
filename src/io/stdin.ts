import { KrishivError } from '../errors.js';

export interface InputStream extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  /** whole input at once without streams, when the descriptor allows it (else undefined) */
  readAllSync?: (limit: number) => Buffer | undefined;
}

/** Reads all of stdin up to `limit` bytes; more is a typed error naming `<stdin>`. */
export async function readStdin(stream: InputStream, limit: number): Promise<string> {
  const whole = stream.readAllSync?.(limit);
  if (whole !== undefined) {
    if (whole.length > limit) {
      throw new KrishivError('ERR_FILE_TOO_LARGE', `more than ${limit} bytes on standard input`, { input: '<stdin>' });
    }
    return whole.toString('utf8');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buf.length;
    if (total > limit) {
      throw new KrishivError('ERR_FILE_TOO_LARGE', `more than ${limit} bytes on standard input`, { input: '<stdin>' });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
