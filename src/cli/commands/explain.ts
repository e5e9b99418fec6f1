import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { action, type CliContext } from '../context.js';
import type { ExplainOptions } from '../../production/explain.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Explain one check-production check: the rule, the engine source, the refusal message and the fix')
    .argument('<id>', 'check id, e.g. COORD-HTTP-TOKENS-MISSING')
    .addHelpText(
      'after',
      `
Exit codes: 0 explained, 2 unknown check id (with suggestions).

Examples:
  $ krishiv-auth explain COORD-HTTP-TOKENS-MISSING
  $ krishiv-auth check-production --list-checks`,
    )
    .action(
      action(ctx, async (id: string) => {
        const options = resolveExplainOptions(id);
        const { runExplain, renderExplain, explainJson } = await import('../../production/explain.js');
        ctx.out.result(runExplain(options), renderExplain, explainJson);
        return EXIT.OK;
      }),
    );
}

/** explain's Options from its argument (pure). */
export function resolveExplainOptions(id: string): ExplainOptions {
  return { id: id.trim() };
}
