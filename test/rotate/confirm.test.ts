import { describe, expect, it } from 'vitest';
import type { KrishivError } from '../../src/errors.js';
import { engineFingerprint as fp } from '../../src/util/fingerprint.js';
import { confirmNewAccepted, confirmOldRejected, reportHttp, type ConfirmSeams, type GrpcAnswer } from '../../src/rotate/confirm.js';

/** A fake coordinator whose accepted set changes when the clock passes `reloadAt`. */
function seams(
  accepted: (token: string, nowMs: number) => boolean | null,
  http?: (token: string) => number,
): ConfirmSeams & { clock: number; calls: number } {
  const s = {
    clock: 0,
    calls: 0,
    grpc: async (token: string): Promise<GrpcAnswer> => {
      s.calls++;
      const a = accepted(token, s.clock);
      if (a === null) return { status: null, statusName: null, message: '' };
      return a
        ? { status: 12, statusName: 'UNIMPLEMENTED', message: '' }
        : { status: 16, statusName: 'UNAUTHENTICATED', message: 'invalid API key' };
    },
    sleep: async (ms: number) => {
      s.clock += ms;
    },
    nowMs: () => s.clock,
    ...(http ? { http: async (t: string) => http(t) } : {}),
  };
  return s;
}

describe('confirmNewAccepted', () => {
  it.each([
    ['accepted (any status but 16)', true, 'pass', `coordinator gRPC accepts the new token ${fp('new')} (UNIMPLEMENTED (12))`],
    [
      'refused (16)',
      false,
      'fail',
      `coordinator gRPC refuses the new token ${fp('new')} (UNAUTHENTICATED (16): invalid API key): it has not reloaded the file (is KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS set on it?)`,
    ],
  ])('%s', async (_n, ok, status, message) => {
    const check = await confirmNewAccepted(
      seams(() => ok),
      'new',
    );
    expect(check.status).toBe(status);
    expect(check.message).toBe(message);
    expect(JSON.stringify(check)).not.toContain('"new"');
  });

  it('refused while the coordinator never reloads: only a restart helps', async () => {
    const check = await confirmNewAccepted(
      seams(() => false),
      'new',
      false,
    );
    expect(check.message).toBe(
      `coordinator gRPC refuses the new token ${fp('new')} (UNAUTHENTICATED (16): invalid API key): the coordinator does not reload, so it accepts the new token only after a restart: restart it, then run finish again`,
    );
  });

  it('a server without grpc-status is an input error (exit 2)', async () => {
    try {
      await confirmNewAccepted(
        seams(() => null),
        'new',
      );
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_NETWORK');
      expect((error as KrishivError).exitCode).toBe(2);
    }
  });
});

describe('confirmOldRejected', () => {
  it('polls until the coordinator reloads', async () => {
    const s = seams((t, now) => t === 'new' || now < 3000);
    const checks = await confirmOldRejected(s, ['old1', 'old2'], 10_000);
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(s.clock).toBe(3000);
  });

  it('fails when an old token is still accepted after the wait', async () => {
    const s = seams((t) => t !== 'old1');
    const checks = await confirmOldRejected(s, ['old1', 'old2'], 3000);
    expect(checks.map((c) => [c.fingerprint, c.status])).toEqual([
      [fp('old1'), 'pass'],
      [fp('old2'), 'fail'],
    ]);
    expect(checks[1]!.message).toBe(
      `coordinator gRPC still accepts the old token ${fp('old2')} (UNIMPLEMENTED (12)) after 3s: it has not reloaded the file`,
    );
    expect(s.clock).toBeLessThanOrEqual(3000);
  });
});

describe('reportHttp', () => {
  it('reports that HTTP keeps its start-up set', async () => {
    const checks = await reportHttp(
      seams(
        () => true,
        (t) => (t === 'new' ? 401 : 200),
      ),
      'new',
      ['old'],
    );
    expect(checks.map((c) => c.message)).toEqual([
      'coordinator HTTP: new token refused (401) — HTTP never reloads; restart the coordinator',
      `coordinator HTTP: old token ${fp('old')} accepted (200) — HTTP keeps its start-up set until a coordinator restart`,
    ]);
    expect(checks.every((c) => c.status === 'info')).toBe(true);
  });

  it('is empty without an HTTP URL', async () => {
    expect(
      await reportHttp(
        seams(() => true),
        'new',
        ['old'],
      ),
    ).toEqual([]);
  });
});
