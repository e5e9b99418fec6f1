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
