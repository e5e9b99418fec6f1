import type { Command } from 'commander';
import { distance } from 'fastest-levenshtein';
import { EXIT, KrishivError } from '../../errors.js';
import { action, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Explain one check-production check: the rule, the engine source, the refusal message and the fix')
    .argument('<id>', 'check id, e.g. COORD-HTTP-TOKENS-MISSING')
    .addHelpText('after', `
Exit codes: 0 explained, 2 unknown check id (with suggestions).

Examples:
  $ krishiv-auth explain COORD-HTTP-TOKENS-MISSING
  $ krishiv-auth check-production --list-checks`)
    .action(
      action(ctx, async (id: string) => {
        const { CATALOG, findCheck } = await import('../../production/catalog.js');
        const info = findCheck(id.trim());
        if (!info) {
          const wanted = id.trim().toUpperCase();
          const ranked = CATALOG.map((c) => ({ id: c.id, d: c.id.includes(wanted) || (wanted.length >= 3 && c.id.startsWith(wanted)) ? 0 : distance(wanted, c.id) }))
            .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
            .filter((c) => c.d <= Math.max(3, Math.floor(wanted.length / 3)))
            .slice(0, 3)
            .map((c) => c.id);
          const hint = ranked.length > 0 ? `; did you mean ${ranked.join(', ')}?` : '';
          throw new KrishivError('ERR_CHECK_UNKNOWN', `unknown check id${hint} (list them with check-production --list-checks)`, {
            input: id,
            details: { suggestions: ranked },
          });
        }
        ctx.out.result(
          info,
          (c, style) =>
            [
              `${style.bold(c.id)}  ${c.class} (${c.severity === 'warn' ? 'warns' : 'fails'} when unmet)`,
              '',
              `${style.bold('Rule:')}       ${c.rule}`,
              `${style.bold('Roles:')}      ${c.roles.join(', ')}`,
              `${style.bold('Predicate:')}  ${c.predicate ?? '(none: not one of the engine predicates)'}`,
              `${style.bold('Source:')}     ${c.source}`,
              ...(c.engineMessage !== undefined ? [`${style.bold('Engine says:')} ${c.engineMessage}`] : []),
              `${style.bold('Fix:')}        ${c.fix}`,
            ].join('\n'),
          (c) => ({ ok: true, check: c }),
        );
        return EXIT.OK;
      }),
    );
}
