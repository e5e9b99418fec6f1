/**
 * A unit whose environment holds a specifier only the target host knows (%H, %m, …): the checks
 * are tried with other values for it, and a verdict that depends on it is not decided here.
 */
import { describe, expect, it } from 'vitest';
import { tableProbe } from '../../../src/production/model.js';
import { standIn } from '../../../src/production/manifest/stand-in.js';
import { evaluateUnit } from '../../../src/production/unit/run.js';

const probe = async () => tableProbe({});
const run = (unit: string) =>
  evaluateUnit('flight.service', unit, { requireFiles: false, now: new Date(0) }, { readEnvFile: () => undefined, probe });
const statusOf = (findings: Array<{ id: string; status: string }>, id: string): string[] =>
  findings.filter((f) => f.id === id).map((f) => f.status);

describe('a specifier only the target host knows', () => {
  it('KRISHIV_API_KEYS=%H: whether the key list parses is not decided; that it is set passes', async () => {
    const r = await run(`[Service]
Environment=KRISHIV_PRODUCTION=1 KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED=1
Environment=KRISHIV_API_KEYS=%H
ExecStart=/usr/local/bin/krishiv-flight-server --addr 0.0.0.0:50051
`);
    for (const id of ['FLIGHT-API-KEYS-MALFORMED', 'ENG-API-KEY-ENTRY', 'HYG-WEAK-SECRET', 'HYG-PLACEHOLDER-SECRET'])
      expect(statusOf(r.findings, id), id).toEqual(['skip']);
    const f = r.findings.find((x) => x.id === 'FLIGHT-API-KEYS-MALFORMED')!;
    expect(f.message).toBe(
      'not checked here: the verdict depends on the value of KRISHIV_API_KEYS (%H (a value of the host it runs on) is known only on the target host), which is set but not known here: it fails for an entry without "=" and passes for others',
    );
    expect(f.location).toEqual({ file: 'flight.service', line: 3 });
    expect(statusOf(r.findings, 'FLIGHT-API-KEYS-MISSING')).toEqual(['pass']);
    expect(statusOf(r.findings, 'FLIGHT-ANONYMOUS')).toEqual(['pass']);
    expect(JSON.stringify(r.findings)).not.toContain(standIn('unit/%H'));
  });

  it('a specifier inside a longer value: only it is tried with other values', async () => {
    const r = await run(`[Service]
Environment=KRISHIV_PRODUCTION=1 KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED=1
Environment="KRISHIV_API_KEYS=Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=%H"
ExecStart=/usr/local/bin/krishiv-flight-server --addr 0.0.0.0:50051
`);
    // key=<host name>: an entry with "=" whatever the host is called, so it parses
    expect(statusOf(r.findings, 'FLIGHT-API-KEYS-MALFORMED')).toEqual(['pass']);
    expect(statusOf(r.findings, 'ENG-API-KEY-ENTRY')).toEqual(['pass']);
    // a value with a comma in it would add a second (short) key: not decided
    const weak = r.findings.find((x) => x.id === 'HYG-WEAK-SECRET')!;
    expect(weak.status).toBe('skip');
    expect(weak.message).toContain('it fails for a list of key=value pairs and passes for others');
    expect(JSON.stringify(r.findings)).not.toContain(standIn('unit/%H'));
  });

  it('ExecStart= expanding it (--durability-profile ${P}): the profile values are tried', async () => {
    const r = await run(`[Service]
Environment=KRISHIV_PRODUCTION=1 P=%H
ExecStart=/usr/local/bin/krishiv-coordinator --grpc-addr 0.0.0.0:2001 --durability-profile \${P}
`);
    expect(statusOf(r.findings, 'MODE-PROFILE-INVALID')).toEqual(['skip']);
    expect(statusOf(r.findings, 'PROD-DURABLE-PROFILE')).toEqual(['skip']);
    expect(r.findings.find((x) => x.id === 'PROD-DURABLE-PROFILE')!.message).toContain('it fails for "dev-local"');
    expect(statusOf(r.findings, 'PROD-COORDINATOR-AUTH')).toEqual(['fail']);
    expect(JSON.stringify(r.findings)).not.toContain(standIn('unit/%H'));
  });

  it('a unit without such a specifier tries nothing', async () => {
    const r = await run(`[Service]
Environment=KRISHIV_PRODUCTION=1 KRISHIV_API_KEYS=Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a
ExecStart=/usr/local/bin/krishiv-flight-server --addr 0.0.0.0:50051
`);
    expect(r.variants).toEqual({ runs: 0, jointRuns: 0, checkRuns: 0, jointCheckRuns: 0 });
  });
});
