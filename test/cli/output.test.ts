import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { Output, safeForTerminal, safeJson } from '../../src/cli/output.js';

function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (c: string) => chunks.push(c), isTTY: false } };
}

async function output(json: boolean) {
  const out = sink();
  const err = sink();
  const o = await Output.create({
    command: 'verify',
    json,
    quiet: false,
    debug: true,
    noColor: true,
    env: {},
    stdout: out.stream,
    stderr: err.stream,
  });
  return { o, out: out.chunks, err: err.chunks };
}

describe('terminal safety of everything written (issue 12)', () => {
  it('control characters from data become visible text; newline and tab stay', () => {
    expect(safeForTerminal('a\u001b]0;t\u0007b\u009b31m\u202ec\td\ne\r', false)).toBe('a\\x1b]0;t\\x07b\\x9b31m\\u{202e}c\td\ne\\x0d');
    expect(safeForTerminal('\u001b[31mred\u001b[39m', true)).toBe('\u001b[31mred\u001b[39m');
    expect(safeForTerminal('\u001b[31mred\u001b[39m', false)).toBe('\\x1b[31mred\\x1b[39m');
  });
  it('JSON keeps its data and loses every raw control byte', () => {
    const doc = { s: 'x\u009b\u001b\u202ey\u2028' };
    const text = safeJson(JSON.stringify(doc));
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual(doc);
  });
  it('a URL password never reaches stdout or stderr, in an error, its JSON or its --debug cause', async () => {
    const { o, out, err } = await output(true);
    const cause = new Error('fetch https://alice:hunter2pw@idp.example/.well-known failed');
    o.fail(
      new KrishivError('ERR_OIDC_DISCOVERY', 'issuer mismatch: asked for "https://alice:hunter2pw@idp.example/"', {
        input: 'https://alice:hunter2pw@idp.example/',
        cause,
        details: { expected: 'https://alice:hunter2pw@idp.example/' },
      }),
    );
    const all = out.join('') + err.join('');
    expect(all).not.toContain('hunter2pw');
    expect(all).toContain('https://alice:***@idp.example/');
    expect(JSON.parse(out.join('')).error.code).toBe('ERR_OIDC_DISCOVERY');
  });
  it('human results too', async () => {
    const { o, out } = await output(false);
    o.result({ sub: 'evil\u001b[2J' }, (d) => `subject ${d.sub} at https://u:pw12345@h/`);
    expect(out.join('')).toBe('subject evil\\x1b[2J at https://u:***@h/\n');
  });
});
