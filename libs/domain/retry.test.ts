import { defaultRetryPolicy, mergeRetryPolicy, retryCeilingMs, retryDelayMs, retryFloorMs, type RetryPolicy } from './retry';

describe('retryDelayMs', () => {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 10_000, maxAgeMs: 86_400_000 };

  it('grows the jitter ceiling exponentially', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0.9999)).toBe(1_000);
    expect(retryDelayMs(policy, 2, undefined, () => 0.9999)).toBe(2_000);
    expect(retryDelayMs(policy, 3, undefined, () => 0.9999)).toBe(4_000);
  });

  it('reaches maxDelayMs and never exceeds it', () => {
    expect(retryDelayMs(policy, 30, undefined, () => 0.9999)).toBe(10_000);
    expect(retryDelayMs(policy, 30, undefined, () => 1 - Number.EPSILON)).toBe(10_000);
  });

  it('draws in the upper half of the ceiling (equal jitter)', () => {
    expect(retryDelayMs(policy, 4, undefined, () => 0)).toBe(4_000);
    expect(retryDelayMs(policy, 4, undefined, () => 0.5)).toBe(6_000);
  });

  it('never waits less than the 1 s floor, whatever the policy', () => {
    const storm: RetryPolicy = { maxAttempts: 50, baseDelayMs: 10, maxDelayMs: 10, maxAgeMs: 86_400_000 };
    expect(retryDelayMs(storm, 1, undefined, () => 0)).toBe(retryFloorMs);
    expect(retryDelayMs(storm, 20, undefined, () => 0.9999)).toBe(retryFloorMs);
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(retryFloorMs);
  });

  it('honours a longer Retry-After, even past maxDelayMs', () => {
    expect(retryDelayMs(policy, 1, 5_000, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(policy, 1, 50_000, () => 0.5)).toBe(50_000);
  });

  it('keeps the backoff when Retry-After is shorter', () => {
    expect(retryDelayMs(policy, 3, 10, () => 0.5)).toBe(3_000);
  });
});

describe('the default policy', () => {
  /** Cumulative delay after each retry, for a given draw. */
  const schedule = (draw: number) => {
    const p = defaultRetryPolicy;
    let at = 0;
    const out: number[] = [];
    for (let attempt = 1; attempt < p.maxAttempts; attempt++) {
      at += retryDelayMs(p, attempt, undefined, () => draw);
      out.push(at);
      if (at >= p.maxAgeMs) break;
    }
    return out;
  };

  it('spans about a day: its attempts reach the 24 h window when delays fall high, and 23 h at least when they fall low', () => {
    const high = schedule(0.9999);
    const low = schedule(0);
    expect(high.at(-1)).toBeGreaterThanOrEqual(defaultRetryPolicy.maxAgeMs);
    expect(low.at(-1)).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(low.length).toBe(defaultRetryPolicy.maxAttempts - 1);
  });

  it('reaches maxDelayMs (2 h) from the 14th retry on', () => {
    expect(retryCeilingMs(defaultRetryPolicy, 13)).toBeLessThan(defaultRetryPolicy.maxDelayMs);
    expect(retryCeilingMs(defaultRetryPolicy, 14)).toBe(defaultRetryPolicy.maxDelayMs);
  });
});

describe('mergeRetryPolicy', () => {
  it('fills the fields a stored or partial policy lacks from the default', () => {
    expect(mergeRetryPolicy({ maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 3_600_000 })).toEqual({
      maxAttempts: 8,
      baseDelayMs: 1_000,
      maxDelayMs: 3_600_000,
      maxAgeMs: defaultRetryPolicy.maxAgeMs,
    });
  });

  it('takes the override over the base, and raises maxDelayMs to baseDelayMs', () => {
    expect(mergeRetryPolicy(defaultRetryPolicy, { baseDelayMs: 10_000_000 })).toMatchObject({
      baseDelayMs: 10_000_000,
      maxDelayMs: 10_000_000,
    });
  });
});
