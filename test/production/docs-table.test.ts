/**
 * docs/commands/check-production.md's "Every check" table is the catalog, rendered: one place
 * for every id and rule. Regenerate with KRISHIV_AUTH_WRITE_DOCS=1 npx vitest run test/production/docs-table.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { ROLES, type Role } from '../../src/production/types.js';

const ENGINE: Role[] = ['cluster', 'coordinator', 'executor', 'flight-server', 'operator', 'shuffle-svc'];
const rolesText = (roles: readonly Role[]): string =>
  roles.length === ROLES.length
    ? 'all'
    : roles.length === ENGINE.length && ENGINE.every((r) => roles.includes(r))
      ? 'engine roles'
      : roles.join(', ');
const cell = (s: string): string => s.replaceAll('|', '\\|');

export function checkTable(): string {
  const head = '| id | class | unmet → | roles | predicate | rule | engine source |\n|---|---|---|---|---|---|---|';
  const rows = CATALOG.map(
    (c) =>
      `| \`${c.id}\` | ${c.class} | ${c.severity ?? 'fail'} | ${rolesText(c.roles)} | ${c.predicate ? `\`${c.predicate}\`` : '–'} | ${cell(c.rule)} | ${cell(c.source)} |`,
  );
  return [head, ...rows].join('\n');
}

describe('docs/commands/check-production.md', () => {
  it('lists every check exactly as the catalog does', () => {
    const file = new URL('../../docs/commands/check-production.md', import.meta.url);
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('| id | class | unmet → |');
    const end = text.indexOf('\n\n', start);
    expect(start).toBeGreaterThan(0);
    const current = text.slice(start, end);
    if (process.env['KRISHIV_AUTH_WRITE_DOCS'] === '1' && current !== checkTable())
      writeFileSync(file, text.slice(0, start) + checkTable() + text.slice(end));
    else expect(current).toBe(checkTable());
  });
});
