import type { QuotaPeriod, Throttle } from '../plans/catalogue';

/** A token bucket's state: tokens left at `at`. */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Takes one token from a bucket of `burstLimit` refilled at `rateLimit` per second.
 * Returns the new state, and when refused, how long until a token is back.
 */
export const takeToken = (
  bucket: Bucket | undefined,
  throttle: Throttle,
  now: number,
): { ok: boolean; bucket: Bucket; retryAfterMs: number } => {
  const prior = bucket ?? { tokens: throttle.burstLimit, at: now };
  const tokens = Math.min(throttle.burstLimit, prior.tokens + (Math.max(0, now - prior.at) * throttle.rateLimit) / 1000);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now }, retryAfterMs: 0 };
  return { ok: false, bucket: { tokens, at: now }, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / throttle.rateLimit) };
};

/** The UTC window of a quota period containing `now`: days, ISO weeks (from Monday), calendar months. */
export const quotaWindow = (period: QuotaPeriod, now: number): { start: number; end: number } => {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  if (period === 'DAY') return { start: day, end: day + 86_400_000 };
  if (period === 'WEEK') {
    const start = day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    return { start, end: start + 7 * 86_400_000 };
  }
  return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
};

/** The last UTC day `utcDate` formatted: [start, end) and its string (the meter asks once per event). */
let dayStart = Number.NaN;
let dayString = '';

/** `YYYY-MM-DD` of a UTC instant. */
export const utcDate = (ms: number): string => {
  if (ms >= dayStart && ms < dayStart + 86_400_000) return dayString;
  const s = new Date(ms).toISOString().slice(0, 10);
  dayStart = Math.floor(ms / 86_400_000) * 86_400_000;
  dayString = s;
  return s;
};
