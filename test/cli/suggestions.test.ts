import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/cli/output.js';
import { prefixSuggestion, shortFlagSuggestion } from '../../src/cli/main.js';

const program = { commands: ['check-production', 'explain', 'keys', 'verify'].map((n) => ({ name: () => n })) } as unknown as Parameters<
  typeof prefixSuggestion
>[1];

describe('did you mean', () => {
  it('a prefix of one command names it; of several, lists them; too short or no match, nothing', () => {
    expect(prefixSuggestion('check-prod', program)).toBe(' (did you mean check-production?)');
    expect(prefixSuggestion('e', program)).toBe('');
    expect(prefixSuggestion('ex', program)).toBe(' (did you mean explain?)');
    expect(prefixSuggestion('zz', program)).toBe('');
  });
  it('-v: --version at the root, --debug inside a command; other options untouched', () => {
    expect(shortFlagSuggestion("unknown option '-v'", false)).toBe(' (did you mean -V, --version?)');
    expect(shortFlagSuggestion("unknown option '-v'", true)).toBe(' (did you mean --debug? -V prints the version)');
    expect(shortFlagSuggestion("unknown option '-x'", true)).toBe('');
    expect(shortFlagSuggestion("unknown option '-vv'", true)).toBe(' (if -vv is a value, not an option, put -- before it)');
    expect(shortFlagSuggestion("unknown option '-Xq3Lw'", true)).toBe(' (if -Xq3Lw is a value, not an option, put -- before it)');
    expect(shortFlagSuggestion("unknown option '--nope'", true)).toBe('');
  });
});

describe('colorLevel', () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };
  it('CLICOLOR=0 turns colour off on a terminal; CLICOLOR_FORCE turns it on when piped', () => {
    expect(colorLevel(tty, {}, false)).toBe(1);
    expect(colorLevel(tty, { CLICOLOR: '0' }, false)).toBe(0);
    expect(colorLevel(tty, { CLICOLOR: '1' }, false)).toBe(1);
    expect(colorLevel(pipe, { CLICOLOR: '1' }, false)).toBe(0);
    expect(colorLevel(pipe, { CLICOLOR_FORCE: '1' }, false)).toBe(1);
    expect(colorLevel(pipe, { CLICOLOR_FORCE: '0' }, false)).toBe(0);
  });
  it('NO_COLOR and --no-color win over CLICOLOR_FORCE; FORCE_COLOR keeps its meaning', () => {
    expect(colorLevel(pipe, { CLICOLOR_FORCE: '1', NO_COLOR: '1' }, false)).toBe(0);
    expect(colorLevel(pipe, { CLICOLOR_FORCE: '1' }, true)).toBe(0);
    expect(colorLevel(tty, { CLICOLOR: '0', FORCE_COLOR: '3' }, false)).toBe(3);
    expect(colorLevel(tty, { FORCE_COLOR: '0', CLICOLOR_FORCE: '1' }, false)).toBe(0);
  });
});
