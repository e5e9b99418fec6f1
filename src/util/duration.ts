import { KrishivError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration of the contract: a number of seconds (`30`, `1.5`) or a number with a
 * unit (`500ms`, `30s`, `15m`, `2h`, `7d`, `1w`). Returns milliseconds.
 * @param what names the input in the error (`--timeout`)
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i.exec(trimmed);
  if (!match) {
    throw new KrishivError(
      'ERR_INVALID_DURATION',
      `"${trimmed.slice(0, 40)}" is not a duration (use seconds or a unit: 500ms, 30s, 15m, 2h, 7d)`,
      { input: what },
    );
  }
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const ms = value * UNIT_MS[unit]!;
  if (!Number.isFinite(ms) || ms > 1000 * 86_400_000 * 365) {
    throw new KrishivError('ERR_INVALID_DURATION', `"${trimmed}" is too long`, { input: what });
  }
  return Math.round(ms);
}

/** Formats milliseconds as a short human duration: `850ms`, `42s`, `3m 5s`, `3h`, `2d 4h`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  const s = Math.round(abs / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** "3h ago" / "in 5m" relative to `now`. */
export function formatRelative(when: Date, now: Date): string {
  const delta = when.getTime() - now.getTime();
  if (Math.abs(delta) < 1000) return 'now';
  return delta < 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(delta)}`;
}

/** The longest delay Node's timers hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay for setTimeout. Node turns anything above MAX_TIMER_MS into 1 ms (with only a
 * warning), so `--timeout 30d` timed out at once; a longer timeout is held at the maximum,
 * which no command ever reaches.
 */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}
