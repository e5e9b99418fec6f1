import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import type { WritableLike } from '../../src/io/terminal.js';

/** A stdout whose writes fail from the first one on, as fdWriter reports EPIPE or ENOSPC. */
function failingStdout(code: string, discards = false): WritableLike & { written: string[] } {
  const written: string[] = [];
  let failure: NodeJS.ErrnoException | undefined;
  return {
    written,
    write(chunk: string) {
      failure = Object.assign(new Error(code), { code });
      written.push(chunk);
      return false;
    },
    get writeError() {
      return failure;
    },
    discards: () => discards,
  };
}

const sink = (): WritableLike & { text: string } => {
  const s = { text: '', write: (c: string) => ((s.text += c), true) };
  return s;
};

async function output(stdout: WritableLike, json = false): Promise<{ out: Output; stderr: { text: string } }> {
  const stderr = sink();
  const out = await Output.create({ command: 'generate-key', json, quiet: false, debug: false, noColor: true, env: {}, stdout, stderr });
  return { out, stderr };
}

describe('Output and a stdout that cannot be written (issue 12 item 4)', () => {
  it('result, print and writeJson throw ERR_OUTPUT_WRITE naming <stdout> and the reason', async () => {
    for (const json of [false, true]) {
      const { out } = await output(failingStdout('ENOSPC'), json);
      expect(() => out.result({ ok: true }, () => 'answer')).toThrow(
        expect.objectContaining({
          code: 'ERR_OUTPUT_WRITE',
          input: '<stdout>',
          message: 'cannot write the answer: no space left on device',
        }),
      );
    }
    const { out } = await output(failingStdout('EPIPE'));
    expect(() => out.print('x')).toThrow(/broken pipe/);
  });

  it('resultAfterChange says what was done all the same', async () => {
    const { out } = await output(failingStdout('EPIPE'));
    expect(() => out.resultAfterChange('abc was revoked all the same', { ok: true }, () => 'revoked')).toThrow(
      'cannot write the answer: broken pipe (the reader went away); abc was revoked all the same',
    );
  });

  it('reporting that error does not throw again, and still exits 2 with the line on stderr', async () => {
    const { out, stderr } = await output(failingStdout('EPIPE'), true);
    let error: unknown;
    try {
      out.result({ ok: true }, () => 'x');
    } catch (e) {
      error = e;
    }
    expect(out.fail(error)).toBe(2);
    expect(stderr.text).toBe(
      'krishiv-auth generate-key: <stdout>: cannot write the answer: broken pipe (the reader went away) (ERR_OUTPUT_WRITE)\n',
    );
  });

  it('assertStdoutReceives refuses a stdout that reaches no one, and accepts any other', async () => {
    const { out } = await output(failingStdout('EPIPE', true));
    expect(() => out.assertStdoutReceives('the new API key')).toThrow(
      /standard output is \/dev\/null or closed: the new API key is shown only once/,
    );
    const ok = await output(sink());
    expect(() => ok.out.assertStdoutReceives('the new API key')).not.toThrow();
  });
});
