import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/production/evaluate.js';
import { tableProbe } from '../../src/production/model.js';
import { applyWaivers } from '../../src/production/waivers.js';
import type { Waiver } from '../../src/io/config.js';
import { envSetOf, GOOD } from './helpers.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const w = (id: string, expires: string, role?: string): Waiver => ({
  id,
  reason: 'tracked in OPS-12',
  owner: 'platform-team',
  expires: new Date(expires),
  ...(role ? { role } : {}),
});

function report(waivers: Waiver[], env: Record<string, string> = { ...GOOD, KRISHIV_ALLOW_ANONYMOUS_HTTP: '1' }, strict = false) {
  return evaluate({
    envSet: envSetOf(env),
    role: 'cluster',
    cli: {},
    files: tableProbe({}),
    waivers,
    now: NOW,
    configFile: '.krishiv-authrc.json',
    strict,
  });
}

describe('waivers', () => {
  it('a live waiver turns the failures of its id into waived, with the waiver attached', () => {
    const r = report([w('COORD-HTTP-ANONYMOUS', '2027-01-31'), w('PROD-NO-ANONYMOUS-OVERRIDE', '2027-01-31')]);
    const f = r.findings.filter((x) => x.id === 'COORD-HTTP-ANONYMOUS');
    expect(f.map((x) => x.status)).toEqual(['waived']);
    expect(f[0]!.waiver).toEqual({ reason: 'tracked in OPS-12', owner: 'platform-team', expires: '2027-01-31T00:00:00.000Z' });
    expect(r.summary.waived).toBe(2);
    expect(r.summary.fail).toBe(0);
    expect(r.ok).toBe(true);
  });
  it('an expired waiver waives nothing and fails on its own', () => {
    const r = report([w('COORD-HTTP-ANONYMOUS', '2026-11-01')]);
    expect(r.findings.find((x) => x.id === 'COORD-HTTP-ANONYMOUS')!.status).toBe('fail');
    const e = r.findings.find((x) => x.id === 'WAIVER-EXPIRED')!;
    expect(e).toMatchObject({ status: 'fail', location: { file: '.krishiv-authrc.json' } });
    expect(e.message).toBe('waiver 1 (COORD-HTTP-ANONYMOUS, owner platform-team) expired on 2026-11-01: "tracked in OPS-12"');
  });
  it('a waiver that matches nothing warns', () => {
    const r = report([w('COORD-TLS-PAIR', '2027-01-31')]);
    expect(r.findings.find((x) => x.id === 'WAIVER-UNMATCHED')).toMatchObject({
      status: 'warn',
      message: 'waiver 1 (COORD-TLS-PAIR, owner platform-team) matches no failing or warning finding',
    });
  });
  it('a waiver whose id is no check says which check it probably meant', () => {
    const r = report([w('COORD-HTTP-ANONYMUS', '2027-01-31')]);
    expect(r.findings.find((x) => x.id === 'COORD-HTTP-ANONYMOUS')!.status).toBe('fail');
    expect(r.findings.find((x) => x.id === 'WAIVER-UNMATCHED')!.message).toBe(
      'waiver 1 (COORD-HTTP-ANONYMUS, owner platform-team) names no known check; did you mean COORD-HTTP-ANONYMOUS? (list them with check-production --list-checks)',
    );
    const far = report([w('NOTHING-LIKE-IT-AT-ALL-REALLY', '2027-01-31')]);
    expect(far.findings.find((x) => x.id === 'WAIVER-UNMATCHED')!.message).toBe(
      'waiver 1 (NOTHING-LIKE-IT-AT-ALL-REALLY, owner platform-team) names no known check (list them with check-production --list-checks)',
    );
  });
  it('a waiver for another role is ignored; ids are case-insensitive', () => {
    const r = report([w('coord-http-anonymous', '2027-01-31', 'operator')]);
    expect(r.findings.find((x) => x.id === 'COORD-HTTP-ANONYMOUS')!.status).toBe('fail');
    expect(r.findings.some((x) => x.id.startsWith('WAIVER-'))).toBe(false);
    const s = report([w('coord-http-anonymous', '2027-01-31', 'cluster')]);
    expect(s.findings.find((x) => x.id === 'COORD-HTTP-ANONYMOUS')!.status).toBe('waived');
  });
  it('a waiver naming a role that does not exist warns', () => {
    const r = report([w('COORD-HTTP-ANONYMOUS', '2027-01-31', 'coordinater')]);
    expect(r.findings.find((x) => x.id === 'WAIVER-UNMATCHED')!.message).toContain('names role "coordinater", which is not a role');
  });
  it('waives warnings too (so --strict can pass)', () => {
    const r = report([w('ENV-SECRET-IN-MANIFEST', '2027-01-31')], GOOD, true);
    expect(r.summary.warn).toBe(0);
    expect(r.ok).toBe(true);
  });
  it('does not mutate its input', () => {
    const findings = report([]).findings;
    const before = JSON.stringify(findings);
    applyWaivers(findings, [w('COORD-HTTP-ANONYMOUS', '2027-01-31')], 'cluster', NOW);
    expect(JSON.stringify(findings)).toBe(before);
  });
});
