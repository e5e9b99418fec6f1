/**
 * `decode` as a domain run: read the token (argument, `-` or piped stdin), split it, decode its
 * header, claims and times. Nothing is verified. Renderers: renderDecode / decodeJson in decode.ts.
 */
import type { InputStream } from '../io/stdin.js';
import { decodeToken, type DecodeResult } from './decode.js';
import { parseCompactJws } from './input.js';
import { readTokenInput } from './token-io.js';

export interface DecodeOptions {
  /** the token argument: the token itself, `-`, or undefined (stdin when piped) */
  token: string | undefined;
  /** relative times against this time instead of the clock (--now) */
  now?: Date;
}

export interface DecodeSeams {
  stdin: InputStream;
  now: () => Date;
}

export interface DecodeRun {
  result: DecodeResult;
  /** the token came on the command line (the caller warns: argv is visible in ps) */
  fromArgv: boolean;
}

export async function runDecode(options: DecodeOptions, seams: DecodeSeams): Promise<DecodeRun> {
  const input = await readTokenInput(options.token, seams.stdin, { allowBatch: false });
  const item = input.items[0]!;
  const token = item.token!;
  const jws = parseCompactJws(token, item.input);
  return { result: decodeToken(token, jws, options.now ?? seams.now()), fromArgv: input.fromArgv };
}
