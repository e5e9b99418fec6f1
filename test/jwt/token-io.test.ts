/**
 * Where decode and verify read their tokens from: the argument, `-` or a piped stdin (one token,
 * or one per line when a batch is allowed), a --batch file. An argument that is not a token is
 * named only when it is an existing file: anything else may be a secret.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputStream } from '../../src/io/stdin.js';
import { readTokenInput } from '../../src/jwt/token-io.js';
import { tempDir } from '../helpers/temp-dir.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
const JWT2 = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiIn0.c2ln';

/** A stdin double: a pipe holding `text`, or a terminal. */
function stdin(text: string | undefined): InputStream {
  return {
    isTTY: text === undefined,
    async *[Symbol.asyncIterator]() {
      if (text !== undefined) yield Buffer.from(text);
    },
  };
}
const NO_BATCH = { allowBatch: false };
const BATCH = { allowBatch: true };

describe('readTokenInput', () => {
  it('takes the argument as the token, Bearer prefix and spaces stripped', async () => {
    expect(await readTokenInput(` Bearer ${JWT} `, stdin(undefined), BATCH)).toEqual({
      items: [{ token: JWT, input: 'token argument' }],
      batch: false,
      fromArgv: true,
    });
  });

  it('an argument without a dot is refused without echoing it (it may be a secret)', async () => {
    const secret = 'Zq9secret-looking-value-1234567890';
    const e = await readTokenInput(secret, stdin(undefined), BATCH).catch((error: unknown) => error);
    expect(e).toMatchObject({
      code: 'ERR_TOKEN_MALFORMED',
      input: 'token argument',
      message: 'malformed token: a JWT has 3 dot-separated segments, this has no dot (to read a token from a file, use `- < file`)',
    });
    expect(JSON.stringify(e) + String((e as Error).message)).not.toContain(secret);
  });

  it('an argument naming an existing file says how to read it', async () => {
    const file = path.join(tempDir('token-io-'), 'token');
    writeFileSync(file, JWT);
    await expect(readTokenInput(file, stdin(undefined), BATCH)).rejects.toMatchObject({
      code: 'ERR_TOKEN_MALFORMED',
      message: `the token argument is the token itself, and "${file}" is a file: read it with \`- < ${file}\``,
    });
  });

  it('`-`, or no argument with a piped stdin, reads one token from stdin', async () => {
    for (const arg of ['-', undefined]) {
      expect(await readTokenInput(arg, stdin(`\uFEFFAuthorization: Bearer ${JWT}\n`), BATCH)).toEqual({
        items: [{ token: JWT, input: '<stdin>' }],
        batch: false,
        fromArgv: false,
      });
    }
  });

  it('several lines on stdin are a batch (blank and # lines skipped, each named by its line) where a batch is allowed', async () => {
    const text = `# tokens\n${JWT}\n\nnot a token\n${JWT2}\n`;
    const r = await readTokenInput('-', stdin(text), BATCH);
    expect(r.batch).toBe(true);
    expect(r.items.map((i) => [i.input, i.token, i.error?.code])).toEqual([
      ['<stdin>:2', JWT, undefined],
      ['<stdin>:4', undefined, 'ERR_TOKEN_MALFORMED'],
      ['<stdin>:5', JWT2, undefined],
    ]);
    // decode takes one token: the same input is one malformed token there
    await expect(readTokenInput('-', stdin(text), NO_BATCH)).rejects.toMatchObject({ code: 'ERR_TOKEN_MALFORMED', input: '<stdin>' });
  });

  it('no argument and a terminal on stdin: ERR_TOKEN_MISSING; an empty pipe: no token given', async () => {
    await expect(readTokenInput(undefined, stdin(undefined), BATCH)).rejects.toMatchObject({
      code: 'ERR_TOKEN_MISSING',
      message: 'no token given: pass it as an argument, `-` to read stdin, or pipe it in',
    });
    await expect(readTokenInput(undefined, stdin(' \n'), NO_BATCH)).rejects.toMatchObject({ code: 'ERR_TOKEN_MISSING', input: '<stdin>' });
  });

  it('a single token on stdin is capped (4 × 64 KiB) before it is read whole', async () => {
    await expect(readTokenInput('-', stdin('a'.repeat(4 * 64 * 1024 + 1)), NO_BATCH)).rejects.toMatchObject({
      code: 'ERR_FILE_TOO_LARGE',
      input: '<stdin>',
    });
  });

  it('--batch reads a file, one token a line named file:line; with a token argument as well it is a usage error', async () => {
    const file = path.join(tempDir('token-io-'), 'tokens.txt');
    writeFileSync(file, `${JWT}\n# old\n${JWT2}\n`);
    const r = await readTokenInput(undefined, stdin(undefined), { allowBatch: true, batchFile: file });
    expect(r).toEqual({
      items: [
        { token: JWT, input: `${file}:1`, line: 1 },
        { token: JWT2, input: `${file}:3`, line: 3 },
      ],
      batch: true,
      fromArgv: false,
    });
    await expect(readTokenInput(JWT, stdin(undefined), { allowBatch: true, batchFile: file })).rejects.toMatchObject({
      code: 'ERR_USAGE',
      input: '--batch',
      message: 'give either a token argument or --batch <file>, not both',
    });
  });
});
