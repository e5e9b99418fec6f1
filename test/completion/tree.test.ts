import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandTree } from '../../src/completion/tree.js';
import { resolveCompletionOptions } from '../../src/cli/commands/completion.js';

describe('commandTree', () => {
  it('reads commands, options, fixed values, file values and given argument values from a commander program', () => {
    const program = new Command('tool').option('--json', 'json').option('--config <file>', 'config file');
    program
      .command('check')
      .option('-f, --format <format>', 'text|json (default text)')
      .option('--env-file <file>', 'env file')
      .argument('[x]', 'x');
    program.command('explain').argument('<id>', 'check id');
    const group = program.command('keys');
    group.command('list').option('--all', 'all');
    const tree = commandTree(program, { 'explain id': ['A', 'B'] });
    expect(tree.program).toBe('tool');
    expect(tree.globalOptions.map((o) => o.names)).toEqual([['--json'], ['--config'], ['-h', '--help']]);
    expect(tree.globalOptions[1]).toMatchObject({ takesValue: true, file: true });
    const check = tree.commands.find((c) => c.name === 'check')!;
    expect(check.options[0]).toMatchObject({ names: ['-f', '--format'], values: ['text', 'json'] });
    expect(check.options[1]).toMatchObject({ names: ['--env-file'], file: true });
    expect(tree.commands.find((c) => c.name === 'explain')!.args).toEqual([{ values: ['A', 'B'] }]);
    expect(tree.commands.find((c) => c.name === 'keys')!.subcommands.map((c) => c.name)).toEqual(['list']);
    expect(tree.commands.at(-1)).toMatchObject({ name: 'help', args: [{ values: ['check', 'explain', 'keys'] }] });
  });
});

describe('resolveCompletionOptions', () => {
  it.each([
    ['bash', 'bash'],
    [' ZSH ', 'zsh'],
    ['fish', 'fish'],
  ])('%j → %s', (arg, shell) => {
    expect(resolveCompletionOptions(arg)).toEqual({ shell });
  });
  it('another shell is a usage error naming it', () => {
    expect(() => resolveCompletionOptions('powershell')).toThrow(expect.objectContaining({ code: 'ERR_USAGE', input: 'powershell' }));
  });
});
