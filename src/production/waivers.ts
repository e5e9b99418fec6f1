/**
 * Waivers from the config (`waivers: [{id, reason, owner, expires, role?}]`): a live waiver
 * turns the matching failing or warning findings into `waived`; an expired waiver waives
 * nothing and fails on its own (WAIVER-EXPIRED); a live waiver that matches nothing warns
 * (WAIVER-UNMATCHED). Waivers limited to another role are ignored for this run.
 */
import type { Waiver } from '../io/config.js';
import { closest, distance } from '../util/edit-distance.js';
import { CHECK_IDS, checkInfo } from './catalog.js';
import { ROLES, type Finding, type Role } from './types.js';

function waiverFinding(id: 'WAIVER-EXPIRED' | 'WAIVER-UNMATCHED', message: string, configFile: string | undefined): Finding {
  const info = checkInfo(id);
  return {
    id,
    predicate: null,
    status: id === 'WAIVER-EXPIRED' ? 'fail' : 'warn',
    class: info.class,
    message,
    remediation: info.fix,
    location: configFile ? { file: configFile } : null,
    variables: [],
  };
}

export function applyWaivers(findings: Finding[], waivers: readonly Waiver[], role: Role, now: Date, configFile?: string): Finding[] {
  const out = findings.map((f) => ({ ...f }));
  const extra: Finding[] = [];
  waivers.forEach((w, i) => {
    const id = w.id.trim().toUpperCase();
    const what = `waiver ${i + 1} (${id}, owner ${w.owner})`;
    if (w.role !== undefined && !(ROLES as readonly string[]).includes(w.role)) {
      extra.push(
        waiverFinding('WAIVER-UNMATCHED', `${what} names role "${w.role}", which is not a role (${ROLES.join(', ')})`, configFile),
      );
      return;
    }
    if (w.role !== undefined && w.role !== role) return;
    const day = w.expires.toISOString().slice(0, 10);
    if (w.expires.getTime() <= now.getTime()) {
      extra.push(waiverFinding('WAIVER-EXPIRED', `${what} expired on ${day}: "${w.reason}"`, configFile));
      return;
    }
    let matched = 0;
    for (const f of out) {
      if (f.id === id && (f.status === 'fail' || f.status === 'warn')) {
        f.status = 'waived';
        f.waiver = { reason: w.reason, owner: w.owner, expires: w.expires.toISOString() };
        matched++;
      }
    }
    if (matched === 0) {
      // a typo in the id would otherwise read as "nothing to waive": name the check meant
      const known = (CHECK_IDS as readonly string[]).includes(id);
      const near = known ? undefined : closest(id, [...CHECK_IDS]);
      const hint = near !== undefined && distance(id, near) <= Math.max(3, Math.floor(id.length / 3)) ? `; did you mean ${near}?` : '';
      const message = known
        ? `${what} matches no failing or warning finding`
        : `${what} names no known check${hint} (list them with check-production --list-checks)`;
      extra.push(waiverFinding('WAIVER-UNMATCHED', message, configFile));
    }
  });
  return [...out, ...extra];
}
