import type { Command } from 'commander';
import { EXIT, KrishivError } from '../../errors.js';
import { action, type CliContext } from '../context.js';
import { SHELLS, type Shell } from '../../completion/script.js';

const SHELL_NAMES = 'bash|zsh|fish';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (commands, flags, roles, formats, check ids)')
    .argument('<shell>', `${SHELL_NAMES}`)
    .addHelpText(
      'after',
      `
Exit codes: 0 printed, 2 unknown shell.

Examples:
  $ source <(krishiv-auth completion bash)          # this shell
  $ krishiv-auth completion bash > ~/.local/share/bash-completion/completions/krishiv-auth
  $ krishiv-auth completion zsh > "\${fpath[1]}/_krishiv-auth"
  $ krishiv-auth completion fish > ~/.config/fish/completions/krishiv-auth.fish`,
    )
    .action(
      action(ctx, async (shellName: string) => {
        const { shell } = resolveCompletionOptions(shellName);
        const [{ completionScript }, { commandTree }] = await Promise.all([
          import('../../completion/script.js'),
          import('../../completion/tree.js'),
        ]);
        const script = completionScript(
          shell,
          commandTree(await fullProgram(ctx), { 'explain id': (await import('../../production/catalog.js')).CHECK_IDS }),
        );
        ctx.out.result({ ok: true, shell, script }, (d) => d.script);
        return EXIT.OK;
      }),
    );
}

/** completion's Options from its argument (pure). */
export function resolveCompletionOptions(shellName: string): { shell: Shell } {
  const shell = SHELLS.find((s) => s === shellName.trim().toLowerCase());
  if (shell === undefined) throw new KrishivError('ERR_USAGE', `unknown shell; use one of ${SHELLS.join(', ')}`, { input: shellName });
  return { shell };
}

/** The root program with every command defined on it (every command module is loaded). */
async function fullProgram(ctx: CliContext): Promise<Command> {
  const [{ Command: CommanderCommand }, { configureRoot }, { COMMANDS }] = await Promise.all([
    import('commander'),
    import('../main.js'),
    import('./index.js'),
  ]);
  const sink = { write: () => true };
  const program = configureRoot(new CommanderCommand('krishiv-auth'), { stdout: sink, stderr: sink });
  for (const entry of COMMANDS) (await entry.load()).define(program, ctx);
  return program;
}
