import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecretFragments, redactProbeReport } from '../../src/probe/render.js';
import type { ProbeReport } from '../../src/probe/types.js';
import { Secret } from '../../src/util/secret.js';

const TOKEN = 'coord-Reflect-7Hq2Lw9Xz4Vb6Nm1Kp3';
const secret = new Secret(TOKEN);

describe('credentials a server reflects (issue 12)', () => {
  it.each([
    [`bad token ${TOKEN}`, `bad token ${secret.fingerprint}`],
    [`next=${encodeURIComponent('a+b/c=d')}`, `next=${encodeURIComponent('a+b/c=d')}`],
    [`part ${TOKEN.slice(4, 20)} end`, 'part [redacted] end'],
    [`short ${TOKEN.slice(0, 7)} stays`, `short ${TOKEN.slice(0, 7)} stays`],
    ['nothing here', 'nothing here'],
  ])('%j → %j', (text, shown) => {
    expect(maskSecretFragments(text, [secret])).toBe(shown);
  });

  it('percent-encoded reflections are masked as well', () => {
    const s = new Secret('a+b/c=d?e&f#g%h12345');
    expect(maskSecretFragments(`/login?t=${encodeURIComponent(s.reveal())}`, [s])).toBe(`/login?t=${s.fingerprint}`);
  });

  it('base64 and base64url reflections are masked, at any alignment inside a longer encoded text (leak audit)', () => {
    const s = new Secret('QxLk7Vb2Nm9Pz4Rt8Wc3Hy6Jd1Fg5Ks0Ae2Uo7Ib');
    for (const before of ['', 'B', 'Be', 'Bearer ', 'Authorization: Bearer '])
      for (const encoding of ['base64', 'base64url'] as const) {
        const echoed = Buffer.from(`${before}${s.reveal()}`).toString(encoding);
        const out = maskSecretFragments(`you sent ${echoed}`, [s]);
        // what is left of the secret is at most the two partly shared 4-character groups at its edges
        const left = out
          .replace('you sent ', '')
          .split(/\[redacted\]|bearer:[0-9a-f]{16}/)
          .join('');
        expect(left.length, `${before} ${encoding}: ${out}`).toBeLessThanOrEqual(Buffer.from(before).toString(encoding).length + 8);
        expect(out).toMatch(/\[redacted\]|bearer:/);
      }
  });

  it('no window of 8 characters of a token survives anywhere in a report, text or JSON', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{8,60}$/),
        fc.string({ maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 8, max: 60 }),
        (token, noise, from, len) => {
          const s = new Secret(token);
          const piece = token.slice(Math.min(from, token.length - 8), Math.min(from, token.length - 8) + len);
          const report: ProbeReport = {
            ok: false,
            targets: [
              {
                url: 'http://127.0.0.1:1',
                ok: false,
                checks: [
                  {
                    id: 'api_accepts_token',
                    status: 'fail',
                    message: `rejected (${noise}${piece}${noise})`,
                    evidence: {
                      method: 'GET',
                      path: '/x',
                      status: 401,
                      latencyMs: 1,
                      outcome: 'answered',
                      header: `WWW-Authenticate: Bearer token="${token}"`,
                      body: `${piece}`,
                    },
                  },
                ],
              },
            ],
          };
          const out = JSON.stringify(redactProbeReport(report, [s, undefined]));
          expect(out).toContain('"WWW-Authenticate: Bearer token=\\"'); // the header is kept, its token masked
          for (let i = 0; i + 8 <= token.length; i++) expect(out).not.toContain(token.slice(i, i + 8));
        },
      ),
    );
  });
});
