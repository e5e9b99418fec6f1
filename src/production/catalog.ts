/**
 * The check catalog, derived: every check is one object (id, class, roles, predicate, rule in
 * words, fix, engine source, engine message, evaluate) in the file of its engine area under
 * ./checks/. This list, in run order, feeds --list-checks, `explain <ID>`, the SARIF rules, the
 * severities, the default text of every finding and `evaluate`; `CheckId` is derived from it.
 */
import { CHECKLIST_CHECKS } from './checks/checklist.js';
import { CLIENT_CHECKS } from './checks/client.js';
import { COORDINATOR_CHECKS } from './checks/coordinator.js';
import type { CheckDef } from './checks/define.js';
import { EXECUTOR_CHECKS } from './checks/executor.js';
import { FLIGHT_CHECKS } from './checks/flight.js';
import { HYGIENE_CHECKS } from './checks/hygiene.js';
import { OPERATOR_CHECKS } from './checks/operator.js';
import { PROCESS_CHECKS } from './checks/process.js';
import { SHUFFLE_CHECKS } from './checks/shuffle.js';
import { UI_CHECKS } from './checks/ui.js';
import { checkInfo, registerCatalog } from './checks/info.js';
import { BASELINE_CHECKS, DEPLOY_CHECKS } from './manifest/catalog.js';

const LIST = [
  ...PROCESS_CHECKS,
  ...COORDINATOR_CHECKS,
  ...FLIGHT_CHECKS,
  ...UI_CHECKS,
  ...EXECUTOR_CHECKS,
  ...OPERATOR_CHECKS,
  ...SHUFFLE_CHECKS,
  ...CLIENT_CHECKS,
  ...CHECKLIST_CHECKS,
  ...HYGIENE_CHECKS,
  // --manifest / --unit and baselines (no evaluate: their own modules produce the findings)
  ...DEPLOY_CHECKS,
  ...BASELINE_CHECKS,
];

/** Every check id, as a type (a typo in a waiver test or a reporter is a compile error). */
export type CheckId = (typeof LIST)[number]['id'];

/**
 * The checks in run order, each with its severity (unmet status) and SARIF tags filled in on the
 * definition itself, read-only by type. (A copy of each, `{ ...c, severity, tags }`, cost every
 * run ~1 ms: ~110 objects of as many shapes, each copy building its own chain of hidden classes;
 * freezing each, a frozen shape of each of those shapes.)
 */
const SECURITY: readonly string[] = Object.freeze(['security']);
const SECRETS: readonly string[] = Object.freeze(['security', 'secrets']);
const BY_ID = new Map<string, CheckDef>();
export const CATALOG: readonly CheckDef[] = Object.freeze(
  LIST.map((c): CheckDef => {
    const def = c as { severity?: 'fail' | 'warn'; tags?: readonly string[] };
    def.severity ??= 'fail';
    def.tags = c.id.startsWith('HYG-') || c.id.startsWith('KEYS-') ? SECRETS : SECURITY;
    BY_ID.set(c.id, c as CheckDef);
    return c as CheckDef;
  }),
);

registerCatalog(BY_ID);

export { checkInfo };

export function findCheck(id: string): CheckDef | undefined {
  return BY_ID.get(id.toUpperCase());
}

export const CHECK_IDS: readonly CheckId[] = CATALOG.map((i) => i.id as CheckId);
