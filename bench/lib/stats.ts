/** Order statistics of a sample, in the sample's unit (ms for latencies). */
export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export const percentile = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

/** Summarises values (any order); figures rounded to 0.01. */
export const summarize = (values: ArrayLike<number>): Summary => {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : v);
  return {
    count: sorted.length,
    min: r(sorted.length ? sorted[0] : NaN),
    mean: r(sorted.length ? sum / sorted.length : NaN),
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
};

/** A rate rounded to a whole number per second. */
export const perSecond = (count: number, ms: number): number => (ms > 0 ? Math.round((count * 1000) / ms) : NaN);

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with another process's Date.now()). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
