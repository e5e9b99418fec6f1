import type { Command } from 'commander';
import { distance } from 'fastest-levenshtein';
import { EXIT, KrishivError } from '../../errors.js';
import { action, type CliContext } from '../context.js';

/** What a finding of each class means for the process, in words. */
const CLASS_MEANING: Record<string, string> = {
  MODE: 'the process is not fail-closed',
  REFUSE: 'the process refuses to start',
  DENY: 'the process runs but rejects every request it should accept',
  OPEN: 'the process serves without authentication',
  WARN: 'the engine warns; the process runs',
  CHECKLIST: "an item of the product's production checklist",
  HYGIENE: 'a hygiene rule of this tool',
};

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
          (c, style) => {
            const row = (label: string, text: string): string => `${style.bold(label)}${' '.repeat(Math.max(1, 13 - label.length))}${text}`;
            return [
              `${style.bold(c.id)}  ${c.class}: ${CLASS_MEANING[c.class]}`,
              '',
              row(c.severity === 'warn' ? 'Warns when:' : 'Fails when:', c.rule),
              row('Roles:', c.roles.join(', ')),
              row('Predicate:', c.predicate ?? '(none: not one of the engine predicates)'),
              row('Source:', c.source),
              ...(c.engineMessage !== undefined ? [row('Engine says:', c.engineMessage)] : []),
              row('Fix:', c.fix),
            ].join('\n');
          },
          (c) => ({ ok: true, check: c }),
        );
        return EXIT.OK;
      }),
    );
}
