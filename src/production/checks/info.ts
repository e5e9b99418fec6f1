/**
 * The catalog as seen from a finding: `catalog.ts` registers its entries here when it loads, so
 * the check files (which the catalog imports) can look an entry up without importing the catalog
 * back. Evaluation always loads the catalog first (evaluate.ts imports it).
 */
import type { CheckInfo } from '../types.js';

let byId: ReadonlyMap<string, CheckInfo> | undefined;

export function registerCatalog(entries: ReadonlyMap<string, CheckInfo>): void {
  byId = entries;
}

export function checkInfo(id: string): CheckInfo {
  const info = byId?.get(id);
  if (!info) throw new Error(byId ? `check ${id} is not in the catalog` : 'the check catalog is not loaded');
  return info;
}
