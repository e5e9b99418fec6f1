import type { Command, Option } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { action, type CliContext } from '../context.js';
import type { CompletionCommand, CompletionOption, CompletionTree, Shell, ValueSpec } from '../../completion/script.js';

const SHELL_NAMES = 'bash|zsh|fish';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (commands, flags, roles, formats, check ids)')
    .argument('<shell>', `${SHELL_NAMES}`)
    .addHelpText('after', `
Exit codes: 0 printed, 2 unknown shell.

Examples:
  $ source <(krishiv-auth completion bash)          # this shell
  $ krishiv-auth completion bash > ~/.local/share/bash-completion/completions/krishiv-auth
  $ krishiv-auth completion zsh > "\${fpath[1]}/_krishiv-auth"
  $ krishiv-auth completion fish > ~/.config/fish/completions/krishiv-auth.fish`)
    .action(
      action(ctx, async (shellName: string) => {
        const { SHELLS, completionScript } = await import('../../completion/script.js');
        const shell = SHELLS.find((s) => s === shellName.trim().toLowerCase());
        if (shell === undefined) {
          throw new KrishivError('ERR_USAGE', `unknown shell; use one of ${SHELLS.join(', ')}`, { input: shellName });
        }
        const tree = await commandTree(ctx);
        const script = completionScript(shell, tree);
        ctx.out.result({ shell, script }, (d) => d.script, (d) => ({ ok: true, shell: d.shell as Shell, script: d.script }));
        return EXIT.OK;
      }),
    );
}

/** The whole command tree, from the commands' own definitions (every command module is loaded). */
async function commandTree(ctx: CliContext): Promise<CompletionTree> {
  const [{ Command: CommanderCommand }, { configureRoot }, { COMMANDS }, { CHECK_IDS }, { valuesFromDescription }] = await Promise.all([
    import('commander'),
    import('../main.js'),
    import('./index.js'),
    import('../../production/catalog.js'),
    import('../../completion/script.js'),
  ]);
  const sink = { write: () => true };
  const program = configureRoot(new CommanderCommand('krishiv-auth'), { stdout: sink, stderr: sink });
  for (const entry of COMMANDS) {
    const mod = await entry.load();
    mod.define(program, ctx);
  }
  const names = COMMANDS.map((c) => c.name);

  const valueOf = (name: string, description: string, choices: readonly string[] | undefined): ValueSpec => {
    if (choices && choices.length > 0) return { values: choices };
    const fromHelp = valuesFromDescription(description);
    if (fromHelp) return { values: fromHelp };
    return /file|pem/i.test(name) ? { file: true } : {};
  };
  const option = (o: Option): CompletionOption => {
    const takesValue = o.required || o.optional;
    const valueName = /[<[]([^>\]]*)[>\]]/.exec(o.flags)?.[1] ?? '';
    const names = [o.short, o.long].filter((n): n is string => n !== undefined);
    return {
      names,
      takesValue,
      description: o.description,
      ...(takesValue ? valueOf(valueName, o.description, o.argChoices) : {}),
    };
  };
  const command = (c: Command): CompletionCommand => ({
    name: c.name(),
    description: c.summary() || c.description().split('\n')[0]!,
    options: c.options.filter((o) => !o.hidden).map(option),
    args: c.registeredArguments.map((a) => {
      const spec: ValueSpec =
        c.name() === 'explain' && a.name() === 'id' ? { values: CHECK_IDS } : valueOf(a.name(), a.description, a.argChoices);
      return a.variadic ? { ...spec, variadic: true } : spec;
    }),
    subcommands: c.commands.map(command),
  });
  const commands = program.commands.map(command);
  commands.push({
    name: 'help',
    description: 'show help for a command',
    options: [],
    args: [{ values: names }],
    subcommands: [],
  });
  return {
    program: 'krishiv-auth',
    globalOptions: [...program.options.map(option), { names: ['-h', '--help'], takesValue: false, description: 'show help' }],
    commands,
  };
}
