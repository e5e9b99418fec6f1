/**
 * `explain <ID>` as a domain run: one check of the catalog, or the closest ids when the id is
 * unknown; and its text rendering (the JSON document is `{ok, check}`).
 */
import { distance } from '../util/edit-distance.js';
import { KrishivError } from '../errors.js';
import type { Style } from '../text/style.js';
import { CATALOG, findCheck } from './catalog.js';
import type { CheckInfo } from './types.js';

export interface ExplainOptions {
  /** the id as given, trimmed */
  id: string;
}

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

/** The check, or ERR_CHECK_UNKNOWN (exit 2) with up to three suggestions. */
export function runExplain(options: ExplainOptions): CheckInfo {
  const info = findCheck(options.id);
  if (info) return info;
  const wanted = options.id.toUpperCase();
  const ranked = CATALOG.map((c) => ({
    id: c.id,
    d: c.id.includes(wanted) || (wanted.length >= 3 && c.id.startsWith(wanted)) ? 0 : distance(wanted, c.id),
  }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .filter((c) => c.d <= Math.max(3, Math.floor(wanted.length / 3)))
    .slice(0, 3)
    .map((c) => c.id);
  const hint = ranked.length > 0 ? `; did you mean ${ranked.join(', ')}?` : '';
  throw new KrishivError('ERR_CHECK_UNKNOWN', `unknown check id${hint} (list them with check-production --list-checks)`, {
    input: options.id,
    details: { suggestions: ranked },
  });
}

export function renderExplain(c: CheckInfo, style: Style): string {
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
}

export function explainJson(c: CheckInfo): { ok: true; check: CheckInfo } {
  return { ok: true, check: c };
}
