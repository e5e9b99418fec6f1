import { KrishivError } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * Parses a point in time of the contract: ISO 8601 (`2026-11-24T10:00:00Z`, `2026-11-24`) or
 * Unix seconds (`1764000000`). Dates without a zone are read as UTC.
 */
export function parseTime(text: string, what: string): Date {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const date = new Date(Number(trimmed) * 1000);
    if (!Number.isNaN(date.getTime())) return date;
  } else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) {
    const problem = calendarProblem(trimmed);
    if (problem !== undefined) {
      throw new KrishivError('ERR_INVALID_TIME', `"${trimmed.slice(0, 40)}" is not a real time: ${problem}`, { input: what });
    }
    const withZone = /T|\s/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? `${trimmed}Z` : trimmed;
    const date = new Date(withZone.replace(' ', 'T'));
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new KrishivError(
    'ERR_INVALID_TIME',
    `"${trimmed.slice(0, 40)}" is not a time (use ISO 8601 such as 2026-11-24T10:00:00Z, or Unix seconds)`,
    { input: what },
  );
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Why the date and time fields at the start of an ISO 8601 text are not a real calendar time
 * (`2026-02-30`, month 13, 24:00, minute 60), or undefined. JavaScript's Date rolls such
 * values over silently (2026-02-30 becomes March 2nd); a date the user mistyped must be refused.
 */
export function calendarProblem(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/i.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `month ${month} of ${year} has ${days} days`;
  if (m[4] !== undefined && Number(m[4]) > 23) return 'the hour must be 00-23';
  if (m[5] !== undefined && Number(m[5]) > 59) return 'the minute must be 00-59';
  if (m[6] !== undefined && Number(m[6]) > 59) return 'the second must be 00-59';
  return undefined;
}

/** A time given either as a duration from `now` (`30d`) or as an absolute time. */
export function parseExpiry(text: string, what: string, now: Date): Date {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/i.test(trimmed)) {
    return new Date(now.getTime() + parseDuration(trimmed, what));
  }
  return parseTime(trimmed, what);
}

/** Seconds since the epoch, as JWT NumericDate. */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
