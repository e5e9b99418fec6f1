import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderProbeReport, wrapWords } from '../../src/probe/render.js';
import type { ProbeReport } from '../../src/probe/types.js';
import { PLAIN } from '../../src/text/style.js';

const report: ProbeReport = {
  ok: false,
  targets: [
    {
      url: 'http://127.0.0.1:2002',
      ok: false,
      checks: [
        {
          id: 'health',
          status: 'pass',
          message: 'GET /healthz answered 200 ok',
          evidence: { method: 'GET', path: '/healthz', status: 200, latencyMs: 3, outcome: 'answered' },
        },
        {
          id: 'flight_requires_auth',
          status: 'fail',
          message:
            'Flight SQL 127.0.0.1:2003: every call is denied: the server has KRISHIV_API_KEYS but no policy engine, so Flight SQL answers PERMISSION_DENIED before looking at any key (crates/krishiv-flight-sql/src/service.rs:304-309)',
          evidence: {
            method: 'POST',
            path: '/arrow.flight.protocol.FlightService/Handshake',
            status: 7,
            latencyMs: 2,
            outcome: 'answered',
          },
        },
        { id: 'jwks', status: 'skip', message: 'no JWKS configured', evidence: null },
      ],
    },
  ],
};

describe('probe table', () => {
  it('piped (no width): one line per check, unchanged', () => {
    const text = renderProbeReport(report, PLAIN);
    expect(text.split('\n').filter((l) => l.startsWith('  flight_requires_auth'))).toHaveLength(1);
    expect(text).toContain('(crates/krishiv-flight-sql/src/service.rs:304-309)\n');
  });

  it.each([80, 100, 60])('on a %i-column terminal every line fits and no word is cut', (width) => {
    const text = renderProbeReport(report, PLAIN, width);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(width);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const flight = report.targets[0]!.checks[1]!.message;
    // the message's words all appear whole, in order
    const shown = words(text);
    let at = 0;
    for (const w of words(flight)) {
      at = shown.indexOf(w, at);
      expect(at).toBeGreaterThanOrEqual(0);
    }
  });

  it('wrapWords: lines within the width, words kept whole unless longer than it', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 40 }), fc.integer({ min: 12, max: 100 }), (ws, width) => {
        const lines = wrapWords(ws.join(' '), width);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
        expect(lines.join(' ').split(' ').filter(Boolean)).toEqual(ws);
      }),
    );
  });
});

describe('redactInPlace', () => {
  it('masks like redactProbeReport, in place', async () => {
    const { redactInPlace, redactProbeReport } = await import('../../src/probe/render.js');
    const { Secret } = await import('../../src/util/secret.js');
    const secret = new Secret('reflected-secret-0123456789');
    const make = () => ({
      url: 'http://u:pw@h/',
      checks: [{ message: 'got reflected-secret-0123456789 and secret-0123 and 56789xyz' }, { n: 1, m: ['x reflected-se'] }],
    });
    const a = make();
    const copy = redactProbeReport(make(), [secret]);
    expect(redactInPlace(a, [secret])).toBe(a);
    expect(a).toEqual(copy);
    expect(JSON.stringify(a)).not.toContain('reflected-secret');
  });
});
