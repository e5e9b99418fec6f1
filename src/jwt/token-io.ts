/**
 * Reading tokens for decode/verify: argument, `-`, stdin when it is not a TTY, or a batch
 * file. The small io edge of the jwt capability; the decisions are in input.ts.
 */
import { statSync } from 'node:fs';
import { KrishivError } from '../errors.js';
import { readStdin, type InputStream } from '../io/stdin.js';
import { MAX_BATCH_BYTES, MAX_TOKEN_BYTES, cleanToken, resolveTokenSource, splitTokenLines } from './input.js';

export interface TokenItem {
  /** the cleaned token, or undefined when the line could not be read (then `error`) */
  token: string | undefined;
  error?: KrishivError;
  /** how to name it in errors: `<stdin>:3`, `tokens.txt:7`, `token argument` */
  input: string;
  line?: number;
}

export interface TokenInput {
  items: TokenItem[];
  /** more than one token may come (batch file, or several lines on stdin) */
  batch: boolean;
  fromArgv: boolean;
}

export async function readTokenInput(
  arg: string | undefined,
  stdin: InputStream,
  options: { allowBatch: boolean; batchFile?: string | undefined },
): Promise<TokenInput> {
  if (options.batchFile !== undefined) {
    if (arg !== undefined) {
      throw new KrishivError('ERR_USAGE', 'give either a token argument or --batch <file>, not both', { input: '--batch' });
    }
    const { readTextFile } = await import('../io/fs.js');
    const text = await readTextFile(options.batchFile, { limit: MAX_BATCH_BYTES });
    const items = toItems(splitTokenLines(text, options.batchFile), options.batchFile);
    return { items, batch: true, fromArgv: false };
  }
  const source = resolveTokenSource(arg, Boolean(stdin.isTTY));
  if (source.kind === 'missing') {
    throw new KrishivError('ERR_TOKEN_MISSING', 'no token given: pass it as an argument, `-` to read stdin, or pipe it in');
  }
  if (source.kind === 'argv') {
    fileNameForToken(source.value);
    return { items: [{ token: cleanToken(source.value, 'token argument'), input: 'token argument' }], batch: false, fromArgv: true };
  }
  const text = await readStdin(stdin, options.allowBatch ? MAX_BATCH_BYTES : MAX_TOKEN_BYTES * 4);
  const nonBlank = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (options.allowBatch && nonBlank.length > 1) {
    const items = toItems(splitTokenLines(text, '<stdin>'), '<stdin>');
    return { items, batch: true, fromArgv: false };
  }
  return { items: [{ token: cleanToken(text, '<stdin>'), input: '<stdin>' }], batch: false, fromArgv: false };
}

function toItems(lines: ReturnType<typeof splitTokenLines>, input: string): TokenItem[] {
  return lines.map((t) => {
    const item: TokenItem = { token: t.token, input: `${input}:${t.line}`, line: t.line };
    if (t.error) item.error = t.error;
    return item;
  });
}

/**
 * `verify token.jwt`: the argument is the token itself, so a file name (or anything without the
 * two dots of a JWT) is a mistake; say how to read a file. The argument is echoed only when it
 * names an existing file: otherwise it may be a secret.
 */
function fileNameForToken(arg: string): void {
  const value = arg.trim();
  const dots = value.split('.').length - 1;
  if (dots >= 2) return;
  let isFile = false;
  try {
    isFile = statSync(value, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    isFile = false;
  }
  if (isFile) {
    throw new KrishivError(
      'ERR_TOKEN_MALFORMED',
      `the token argument is the token itself, and "${value}" is a file: read it with \`- < ${value}\``,
      {
        input: 'token argument',
      },
    );
  }
  if (dots === 0) {
    throw new KrishivError(
      'ERR_TOKEN_MALFORMED',
      'malformed token: a JWT has 3 dot-separated segments, this has no dot (to read a token from a file, use `- < file`)',
      { input: 'token argument' },
    );
  }
}
