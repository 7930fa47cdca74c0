import type { Message } from './types';

/** The `q` quantile (0–1) of sorted values, nearest rank; null for none. */
export const quantile = (sorted: number[], q: number): number | null =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : null;

/** Per-minute delivery figures for a chart: x (unix seconds), deliveries, lateness p50 and p99 (seconds). */
export interface MinuteSeries {
  x: number[];
  deliveries: number[];
  p50: (number | null)[];
  p99: (number | null)[];
}

/**
 * Deliveries per minute over the `minutes` before `now`, and the lateness of first-attempt deliveries (delivered −
 * sendAt: the request's own duration included) per minute.
 */
export const perMinute = (messages: Message[], now: number, minutes = 60): MinuteSeries => {
  const end = Math.floor(now / 60_000) * 60_000 + 60_000;
  const start = end - minutes * 60_000;
  const counts = new Array<number>(minutes).fill(0);
  const lateness: number[][] = Array.from({ length: minutes }, () => []);
  for (const m of messages) {
    if (!m.deliveredAt) continue;
    const at = Date.parse(m.deliveredAt);
    if (at < start || at >= end) continue;
    const i = Math.floor((at - start) / 60_000);
    counts[i]++;
    if (m.attemptCount === 1) lateness[i].push(Math.max(0, at - Date.parse(m.sendAt)) / 1_000);
  }
  const sorted = lateness.map((l) => l.sort((a, b) => a - b));
  return {
    x: counts.map((_, i) => (start + i * 60_000) / 1_000),
    deliveries: counts,
    p50: sorted.map((l) => quantile(l, 0.5)),
    p99: sorted.map((l) => quantile(l, 0.99)),
  };
};
