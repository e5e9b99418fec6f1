/**
 * The text renderings of `generate-key` and `keys` (the JSON forms are the results themselves).
 * One home per command output; the commands only call these.
 */
import type { Style } from '../text/style.js';
import { renderTable as renderTextTable } from '../text/table.js';
import type { KeyVerdict } from './api-key.js';
import type { ApiKeyResult, BearerMade, JwkResult } from './generate-key.js';
import type { ImportResult } from './manage.js';
import type { PublicRecord } from './store.js';

/** generate-key --type api-key: the key, then the KRISHIV_API_KEYS entry. */
export function renderApiKey(r: ApiKeyResult): string {
  return `${r.key}\n${r.entry}`;
}

/** generate-key --type bearer: the token (or, with --out, its fingerprint), then the variable line. */
export function renderBearer(made: BearerMade): string {
  const first = made.result.token ?? made.result.fingerprint;
  return made.line ? `${first}\n${made.line}` : first;
}

/** generate-key --type jwk: kid, alg and the files, as the user named them. */
export function renderJwk(r: JwkResult, s: Style, names: { out: string; jwks: string | undefined }): string {
  return [
    `${s.bold('kid')}      ${r.kid}`,
    `${s.bold('alg')}      ${r.alg}`,
    `${s.bold('private')}  ${names.out} (${r.mode})`,
    ...(r.jwks
      ? [`${s.bold('jwks')}     ${names.jwks} (${r.jwks.keys} key${r.jwks.keys === 1 ? '' : 's'}${r.jwks.created ? ', created' : ''})`]
      : []),
  ].join('\n');
}

/** keys list: a table, revoked and expired rows dimmed; nothing when there is no row. On a terminal (`width`) it fits the width. */
export function renderKeyTable(
  rows: readonly {
    id: string;
    name: string;
    tenant: string | null;
    roles: string[];
    createdAt: string;
    expiresAt: string | null;
    state: string;
  }[],
  s: Style,
  width: number | undefined,
): string {
  if (rows.length === 0) return '';
  const day = (iso: string | null): string => (iso === null ? '-' : iso.replace(/T.*$/, ''));
  const table = [
    ['ID', 'NAME', 'TENANT', 'ROLES', 'CREATED', 'EXPIRES', 'STATE'],
    ...rows.map((r) => [r.id, r.name, r.tenant ?? '-', r.roles.join(',') || '-', day(r.createdAt), day(r.expiresAt), r.state]),
  ];
  // on a terminal the table fits its width (names and tenants cut with …); piped, it is as wide as its cells
  return renderTextTable(table, {
    width,
    shrinkable: [1, 2, 3],
    style: (line, i) => (i === 0 ? s.bold(line) : table[i]![6] === 'active' ? line : s.dim(line)),
  });
}

/** keys verify: one verdict on one line (the key by its public prefix, never the secret). */
export function renderVerdict(v: KeyVerdict, s: Style): string {
  const key = v.key ?? '(not a key)';
  if (v.ok && v.record) {
    const r = v.record;
    const extra = [
      r.tenant ? `tenant ${r.tenant}` : '',
      r.roles.length ? `roles ${r.roles.join(',')}` : '',
      r.expiresAt ? `expires ${r.expiresAt}` : '',
    ].filter(Boolean);
    return `${s.green('active')}    ${key}  ${r.name} (id ${r.id}${extra.length ? `, ${extra.join(', ')}` : ''})`;
  }
  return `${s.red('rejected')}  ${key}  ${v.reason}: ${v.message}`;
}

/** keys verify in batch: the verdict numbered by its input line. */
export function renderBatchVerdict(line: number, width: number, v: KeyVerdict, s: Style): string {
  return `${String(line).padStart(width)}  ${renderVerdict(v, s)}`;
}

/** keys revoke */
export function renderRevoked(r: { record: PublicRecord }): string {
  return `revoked ${r.record.id} (${r.record.name})${r.record.revokeReason ? `: ${r.record.revokeReason}` : ''}`;
}

/** keys import: one line per entry. */
export function renderImport(d: ImportResult, s: Style): string {
  return d.results
    .map((r) => {
      const word = d.dryRun && r.status === 'imported' ? 'to import' : r.status;
      const mark = r.status === 'imported' || r.status === 'present' ? s.green(word.padEnd(9)) : s.red(word.padEnd(9));
      return `${mark}  ${r.key}  ${r.subject}: ${r.message}`;
    })
    .join('\n');
}
