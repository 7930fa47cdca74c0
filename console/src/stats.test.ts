import { perMinute, quantile } from './stats';
import type { Message } from './types';

const delivered = (sendAt: number, deliveredAt: number, attemptCount = 1): Message =>
  ({
    id: 'msg',
    appId: 'app',
    status: 'delivered',
    sendAt: new Date(sendAt).toISOString(),
    deliveredAt: new Date(deliveredAt).toISOString(),
    attemptCount,
  }) as Message;

describe('quantile', () => {
  it('takes the nearest rank', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('perMinute', () => {
  const now = Date.UTC(2026, 5, 1, 12, 30, 30);
  it('counts deliveries per minute of the last hour and their first-attempt lateness', () => {
    const s = perMinute(
      [
        delivered(now - 1_000, now - 900), // this minute, 0.1 s late
        delivered(now - 2_000, now - 1_500), // this minute, 0.5 s late
        delivered(now - 120_000, now - 119_000, 3), // two minutes ago, a retry: counted, no lateness
        delivered(now - 7_200_000, now - 7_200_000), // two hours ago: outside
      ],
      now,
    );
    expect(s.x).toHaveLength(60);
    expect(s.deliveries[59]).toBe(2);
    expect(s.p50[59]).toBeCloseTo(0.1);
    expect(s.p99[59]).toBeCloseTo(0.5);
    expect(s.deliveries[57]).toBe(1);
    expect(s.p50[57]).toBeNull();
    expect(s.deliveries.reduce((a, b) => a + b)).toBe(3);
  });
});
