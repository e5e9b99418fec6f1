/**
 * The one reader of the global options in raw argv (src/cli/globals.ts), used by the frame's
 * pre-scan and the start-up fast path, against commander's reading of the same root program.
 */
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, globalOptionAt, prescanGlobals, rootVersionRequested } from '../../src/cli/globals.js';
import { configureRoot } from '../../src/cli/main.js';

const sink = { write: () => true };

/** commander's global options for `argv`, or undefined when commander refuses it. */
function commanderGlobals(argv: string[]): Record<string, unknown> | undefined {
  const program = configureRoot(new Command('krishiv-auth'), { stdout: sink, stderr: sink });
  program
    .command('x')
    .argument('[rest...]')
    .allowUnknownOption()
    .action(() => undefined);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return undefined;
    throw error;
  }
  return program.opts();
}

describe('global options', () => {
  it('commander defines exactly the table (root help lists them from it)', () => {
    const program = configureRoot(new Command('krishiv-auth'), { stdout: sink, stderr: sink });
    expect(program.options.map((o) => o.flags).filter((f) => f !== '-V, --version')).toEqual(GLOBAL_OPTIONS.map((o) => o.flags));
  });

  it.each([
    [['check-production', '--json', '--env-file', 'a.env'], { json: true, command: 'check-production' }],
    [['--config', 'c.yaml', 'verify', '-q'], { config: 'c.yaml', quiet: true, command: 'verify' }],
    [['--config=c.json', '--no-color', 'keys', 'list'], { config: 'c.json', color: false, command: 'keys' }],
    [['help', 'rotate', '--debug'], { debug: true, command: 'rotate' }],
    [['verify', '--', '--json'], { command: 'verify' }],
    [['--config'], {}],
    [['--json=1', 'x'], { command: 'x' }],
  ])('%j', (argv, expected) => {
    expect(prescanGlobals(argv)).toEqual({ json: false, color: true, quiet: false, debug: false, command: undefined, ...expected });
  });

  it('globalOptionAt: spans, values and a missing value', () => {
    expect(globalOptionAt(['--config', 'f'], 0)).toMatchObject({ value: 'f', span: 2, missingValue: false });
    expect(globalOptionAt(['--config'], 0)).toMatchObject({ value: undefined, span: 1, missingValue: true });
    expect(globalOptionAt(['--config=f'], 0)).toMatchObject({ value: 'f', span: 1 });
    expect(globalOptionAt(['-q'], 0)?.option.flags).toBe('-q, --quiet');
    expect(globalOptionAt(['--quiet=yes'], 0)).toBeUndefined();
    expect(globalOptionAt(['--jsonx'], 0)).toBeUndefined();
    expect(globalOptionAt(['json'], 0)).toBeUndefined();
  });

  it('rootVersionRequested: -V/--version before the command name only', () => {
    expect(rootVersionRequested(['--json', '--version'])).toBe(true);
    expect(rootVersionRequested(['--config', '-V'])).toBe(false); // -V is the config file's name
    expect(rootVersionRequested(['verify', '--version'])).toBe(false);
    expect(rootVersionRequested(['--', '-V'])).toBe(false);
  });

  it('-q written together with more letters is -q and then the rest, as commander reads it (seed -856071858: "-q ")', () => {
    expect(prescanGlobals(['x', '-q ']).quiet).toBe(true);
    expect(prescanGlobals(['x', '-qz']).quiet).toBe(true);
    expect(globalOptionAt(['-qz'], 0)).toMatchObject({ span: 1, combined: true });
    expect(globalOptionAt(['-q'], 0)).toMatchObject({ span: 1, combined: false });
    expect(globalOptionAt(['-xq'], 0)).toBeUndefined();
    expect(rootVersionRequested(['-qV'])).toBe(true);
    expect(rootVersionRequested(['-qqV'])).toBe(true);
    expect(rootVersionRequested(['-qx'])).toBe(false);
  });

  it('reads argv as commander does (any mix of global options and other words after a command)', () => {
    const token = fc.oneof(
      fc.constantFrom(['--json'], ['--no-color'], ['-q'], ['--quiet'], ['--debug'], ['--config'], ['--config=c.yaml']),
      fc.constantFrom('c.json', 'word', '-x', '--other', '--json=1', '').map((w) => [w]),
      fc.string({ maxLength: 5 }).map((w) => [w]),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const argv = ['x', ...tokens.flat()];
        const expected = commanderGlobals(argv);
        const pre = prescanGlobals(argv);
        expect(() => prescanGlobals(argv)).not.toThrow();
        if (expected === undefined) return;
        expect({ json: pre.json, color: pre.color, quiet: pre.quiet, debug: pre.debug, config: pre.config }).toEqual({
          json: expected['json'] === true,
          color: expected['color'] !== false,
          quiet: expected['quiet'] === true,
          debug: expected['debug'] === true,
          config: expected['config'],
        });
      }),
      { numRuns: 300 },
    );
  });
});
