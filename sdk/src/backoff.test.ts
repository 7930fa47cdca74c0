import { parseRetryAfter, retryDelay } from './backoff';

const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retryDelay', () => {
  it('draws from a window that doubles per retry (full jitter)', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, undefined, top))).toEqual([99, 199, 399, 799]);
    expect(retryDelay(3, policy, undefined, () => 0)).toBe(0);
    expect(retryDelay(2, policy, undefined, () => 0.5)).toBe(100);
  });

  it('never draws past maxDelayMs', () => {
    expect(retryDelay(10, policy, undefined, () => 0.999_999)).toBe(999);
  });

  it("waits what the server's Retry-After asks, without jitter", () => {
    expect(retryDelay(1, policy, 0, () => 0.5)).toBe(0);
    expect(retryDelay(1, policy, 1, () => 0.5)).toBe(1_000);
  });

  it('gives up when Retry-After asks for longer than maxDelayMs (a used-up quota)', () => {
    expect(retryDelay(1, policy, 2, () => 0.5)).toBeUndefined();
    expect(retryDelay(1, policy, 86_400, () => 0.5)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 17 ', now)).toBe(17);
  });

  it('reads an HTTP date as seconds from now, never negative', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});
