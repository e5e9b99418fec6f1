/**
 * Differential test of the start-up fast path against commander itself: for every command,
 * whenever the fast path accepts an argv, the real commander program must accept it too and
 * hand the action exactly the same arguments and options.
 */
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { parseArgv, recordCommand, selectLeaf, type RecordedCommand } from '../../src/cli/fast-parse.js';
import type { CommandModule } from '../../src/cli/context.js';
import { configureRoot } from '../../src/cli/main.js';

const sink = { write: () => true };
const ctx = { globals: { json: false, color: false, quiet: false, debug: false } } as unknown as CliContext;

function commanderParse(define: (p: Command, c: CliContext) => void, path: string[], argv: string[]) {
  const program = configureRoot(new Command('krishiv-auth'), { stdout: sink, stderr: sink });
  define(program, ctx);
  let sub: Command = program;
  for (const name of path) sub = sub.commands.find((c) => c.name() === name)!;
  let captured: { args: unknown[]; opts: Record<string, unknown> } | undefined;
  sub.action((...all: unknown[]) => {
    const cmd = all[all.length - 1] as Command;
    captured = { args: all.slice(0, -2), opts: { ...cmd.opts() } };
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { error: error.code };
    throw error;
  }
  return captured ? { ...captured } : { error: 'no action' };
}

const valueArb = fc.oneof(
  fc.constantFrom('x', 'a,b', 'key=value', '30s', '', ' ', '-', '--', '-x', '--y', '=', 'path/to/file.env'),
  fc.string({ maxLength: 6 }),
);

function tokensFor(rec: RecordedCommand): fc.Arbitrary<string[]> {
  const flagTokens = rec.options.flatMap((o) => {
    const names = [o.long, o.short].filter((n): n is string => n !== undefined);
    return names.map((n) =>
      o.required || o.optional
        ? fc.oneof(
            valueArb.map((v) => [n, v]),
            valueArb.map((v) => (n.startsWith('--') ? [`${n}=${v}`] : [n, v])),
            fc.constant([n]),
          )
        : fc.constant([n]),
    );
  });
  const token = fc.oneof(
    ...(flagTokens.length ? flagTokens : [fc.constant<string[]>([])]),
    valueArb.map((v) => [v]),
    fc.constantFrom(
      ['--json'],
      ['--quiet'],
      ['-q'],
      ['--debug'],
      ['--no-color'],
      ['--config', 'c.json'],
      ['--config=c.yaml'],
      ['--nope'],
      ['-h'],
      ['--'],
    ),
  );
  // Besides random tokens, as many positionals as the command takes, placed anywhere: a command with
  // a required argument and many options (rotate begin, jwks add) then still gives the fast path
  // plenty of argvs it accepts, whatever the random seed (a fixed share was flaky).
  const required = rec.args.filter((a) => a.required).length;
  const most = rec.args.some((a) => a.variadic) ? required + 2 : rec.args.length;
  return fc
    .tuple(
      fc.array(token, { maxLength: 6 }),
      fc.array(valueArb, { minLength: required, maxLength: Math.max(required, most) }),
      fc.array(fc.nat(), { maxLength: 4 }),
    )
    .map(([groups, positionals, at]) => {
      const out = groups.map((g) => [...g]);
      positionals.forEach((p, i) => out.splice(Math.min(out.length, at[i] ?? out.length), 0, [p]));
      return out.flat();
    });
}

describe('fast path agrees with commander', () => {
  for (const entry of COMMANDS) {
    it(`${entry.name}`, async () => {
      const mod = await entry.load();
      const top = recordCommand(mod, ctx, entry.name);
      // Every command of the contract must be readable by the recorder, or it loses the fast path.
      expect(top, `${entry.name} uses a commander API the fast path does not record`).toBeDefined();
      const leaves = top!.children.length
        ? top!.children.map((c) => ({ rec: c, path: [entry.name, c.name] }))
        : [{ rec: top!, path: [entry.name] }];
      for (const leaf of leaves) {
        let accepted = 0;
        fc.assert(
          fc.property(tokensFor(leaf.rec), fc.nat(3), fc.boolean(), (tokens, at, globalBetween) => {
            const argv = [
              ...tokens.slice(0, at),
              ...leaf.path.flatMap((p, i) => (i > 0 && globalBetween ? ['--json', p] : [p])),
              ...tokens.slice(at),
            ];
            const selected = selectLeaf(top!, entry.name, argv);
            if (!selected) return;
            const fast = parseArgv(selected.rec, selected.rec.name, selected.argv);
            if (!fast) return;
            expect(selected.rec).toBe(leaf.rec);
            accepted++;
            const real = commanderParse(mod.define, leaf.path, argv);
            expect(real, argv.join(' ')).toEqual({ args: fast.args, opts: fast.opts });
          }),
          { numRuns: 1000 },
        );
        expect(accepted, `the generator must exercise the fast path of ${leaf.path.join(' ')}`).toBeGreaterThan(20);
      }
    });
  }

  it('gives up on a definition that uses an API it does not record (commander then runs it)', () => {
    const uses = (call: (cmd: Record<string, (...a: unknown[]) => unknown>) => unknown): CommandModule =>
      ({
        define: (program: { command(spec: string): unknown }) => {
          const cmd = program.command('odd') as unknown as Record<string, (...a: unknown[]) => unknown>;
          cmd['option']!('--file <f>', 'a file');
          call(cmd);
          cmd['action']!(() => undefined);
        },
      }) as unknown as CommandModule;
    expect(
      recordCommand(
        uses(() => undefined),
        ctx,
        'odd',
      ),
    ).toBeDefined();
    expect(
      recordCommand(
        uses((cmd) => cmd['hook']!('preAction', () => undefined)),
        ctx,
        'odd',
      ),
    ).toBeUndefined();
    expect(
      recordCommand(
        uses((cmd) => cmd['addOption']!({})),
        ctx,
        'odd',
      ),
    ).toBeUndefined();
    expect(
      recordCommand(
        uses((cmd) => cmd['command']!('deeper <x>')),
        ctx,
        'odd',
      ),
    ).toBeUndefined();
  });

  it('declines help, unknown options and excess arguments', async () => {
    const mod = await COMMANDS.find((c) => c.name === 'fingerprint')!.load();
    const rec = recordCommand(mod, ctx, 'fingerprint')!;
    expect(parseArgv(rec, 'fingerprint', ['fingerprint', '--help'])).toBeUndefined();
    expect(parseArgv(rec, 'fingerprint', ['fingerprint', '--nope'])).toBeUndefined();
    expect(parseArgv(rec, 'fingerprint', ['fingerprint', 'a', 'b'])).toBeUndefined();
    expect(parseArgv(rec, 'fingerprint', ['fingerprint', '--file'])).toBeUndefined();
    expect(parseArgv(rec, 'fingerprint', ['--json', 'fingerprint', '--file', 'f'])).toEqual({
      args: [undefined],
      opts: { file: 'f' },
      operands: [],
    });
  });
});
