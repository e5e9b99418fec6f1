import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TIMER_MS, formatDuration, formatRelative, parseDuration, timerDelay } from '../../src/util/duration.js';
import { parseExpiry, parseTime } from '../../src/util/time.js';
import { KrishivError } from '../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['30', 30_000],
    ['1.5', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    [' 10S ', 10_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['', 'abc', '-5', '5x', '1e3', '5 minutes'])('rejects %j with ERR_INVALID_DURATION naming the flag', (text) => {
    try {
      parseDuration(text, '--timeout');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect((error as KrishivError).code).toBe('ERR_INVALID_DURATION');
      expect((error as KrishivError).input).toBe('--timeout');
    }
  });

  it('never throws anything but KrishivError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseDuration(s, 'x');
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
        }
      }),
    );
  });
});

describe('parseTime', () => {
  it.each([
    ['1764000000', '2025-11-24T16:00:00.000Z'],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00+02:00', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['2026-11-24T10:00:00', '2026-11-24T10:00:00.000Z'],
  ])('%j → %s', (text, iso) => {
    expect(parseTime(text, '--now').toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2026-13-45', '', '12:00'])('rejects %j', (text) => {
    expect(() => parseTime(text, '--now')).toThrow(KrishivError);
  });

  it('accepts a duration as an expiry relative to now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseExpiry('90d', '--expires', now).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseExpiry('2027-01-01', '--expires', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('never throws anything but KrishivError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseTime(s, 'x');
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
        }
      }),
    );
  });
});

describe('formatting', () => {
  it.each([
    [850, '850ms'],
    [42_000, '42s'],
    [185_000, '3m 5s'],
    [3 * 3_600_000, '3h'],
    [52 * 3_600_000, '2d 4h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('relative', () => {
    const now = new Date('2026-11-24T13:00:00Z');
    expect(formatRelative(new Date('2026-11-24T10:00:00Z'), now)).toBe('3h ago');
    expect(formatRelative(new Date('2026-11-24T13:05:00Z'), now)).toBe('in 5m');
  });
});

describe('invalid calendar dates are refused, never rolled over (issue 12)', () => {
  it.each([
    ['2026-02-30', 'month 2 of 2026 has 28 days'],
    ['2026-02-29T00:00:00Z', 'month 2 of 2026 has 28 days'],
    ['2026-04-31T10:00', 'month 4 of 2026 has 30 days'],
    ['2026-13-01', 'there is no month 13'],
    ['2026-00-10', 'there is no month 0'],
    ['2026-01-00', 'month 1 of 2026 has 31 days'],
    ['2026-01-01T24:00:00Z', 'the hour must be 00-23'],
    ['2026-01-01T23:60:00Z', 'the minute must be 00-59'],
    ['2026-01-01T23:59:60Z', 'the second must be 00-59'],
  ])('%s: %s', (text, problem) => {
    expect(() => parseTime(text, '--now')).toThrow(`"${text}" is not a real time: ${problem}`);
    expect(() => parseExpiry(text, '--expires', new Date(0))).toThrow(problem);
  });
  it('leap days of leap years stay valid', () => {
    expect(parseTime('2028-02-29', '--now').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseTime('2000-02-29T23:59:59Z', '--now').toISOString()).toBe('2000-02-29T23:59:59.000Z');
  });
  it('every real date round-trips to itself', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const text = d.toISOString().slice(0, 19) + 'Z';
        expect(parseTime(text, '--now').toISOString().slice(0, 19)).toBe(text.slice(0, 19));
      }),
    );
  });
});

describe('timers (issue 12: durations of 25 days or more)', () => {
  it('a delay past 2^31-1 ms is held at the maximum instead of firing at once', () => {
    expect(timerDelay(parseDuration('30d', '--timeout'))).toBe(MAX_TIMER_MS);
    expect(timerDelay(parseDuration('24d', '--timeout'))).toBe(24 * 86_400_000);
    expect(timerDelay(0)).toBe(0);
    expect(timerDelay(Number.NaN)).toBe(0);
  });
});
