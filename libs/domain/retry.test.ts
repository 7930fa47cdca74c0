import { retryDelayMs } from './retry';

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows the jitter ceiling exponentially', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0.999)).toBe(99);
    expect(retryDelayMs(policy, 2, undefined, () => 0.999)).toBe(199);
    expect(retryDelayMs(policy, 3, undefined, () => 0.999)).toBe(399);
  });

  it('never exceeds maxDelayMs', () => {
    expect(retryDelayMs(policy, 30, undefined, () => 0.999)).toBe(999);
  });

  it('uses full jitter down to zero', () => {
    expect(retryDelayMs(policy, 4, undefined, () => 0)).toBe(0);
  });

  it('honours a longer Retry-After, even past maxDelayMs', () => {
    expect(retryDelayMs(policy, 1, 500, () => 0.5)).toBe(500);
    expect(retryDelayMs(policy, 1, 5_000, () => 0.5)).toBe(5_000);
  });

  it('keeps the backoff when Retry-After is shorter', () => {
    expect(retryDelayMs(policy, 3, 10, () => 0.5)).toBe(200);
  });
});
