/** Text renderings of the `jwks` commands' results (JSON is the result itself). */
import type { Style } from '../text/style.js';
import { renderTable } from '../text/table.js';
import type { AddResult, ListResult, PublicResult, RemoveResult } from './keyset-run.js';

export function renderAdded(r: AddResult, label: string): string {
  const a = r.added;
  const what = `${typeof a.kid === 'string' ? `kid ${a.kid}` : 'a key without kid'} (${String(a.kty)}${typeof a.crv === 'string' ? ` ${a.crv}` : ''})`;
  return `added ${what} to ${label}: ${r.keys} key${r.keys === 1 ? '' : 's'}${r.created ? ', created' : ''}`;
}

/** The keys as a table: on a terminal (`width`) it fits, piped it is as wide as its cells. */
export function renderKeyList(r: ListResult, s: Style, width: number | undefined): string {
  if (r.keys.length === 0) return '';
  const table = [
    ['KID', 'KTY', 'CURVE/SIZE', 'ALG', 'COORDINATOR'],
    ...r.keys.map((k) => [k.kid ?? '-', k.kty, k.detail || '-', k.alg ?? '-', k.engine]),
  ];
  return renderTable(table, {
    width,
    shrinkable: [0],
    style: (line, i) => (i === 0 ? s.bold(line) : r.keys[i - 1]!.usable ? line : s.yellow(line)),
  });
}

export function renderRemoved(r: RemoveResult, label: string): string {
  return `removed kid ${r.kid} from ${label}: ${r.keys} key${r.keys === 1 ? '' : 's'} left`;
}

export function renderPublic(r: PublicResult): string {
  return JSON.stringify(r.jwk, null, 2);
}
