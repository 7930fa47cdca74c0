import { quotaWindow, takeToken, utcDate, type Bucket } from './limits';

describe('takeToken', () => {
  const throttle = { rateLimit: 10, burstLimit: 20 };

  it('allows a burst, then the steady rate', () => {
    let bucket: Bucket | undefined;
    const t0 = 1_000_000;
    let ok = 0;
    for (let i = 0; i < 25; i++) {
      const r = takeToken(bucket, throttle, t0);
      bucket = r.bucket;
      if (r.ok) ok++;
    }
    expect(ok).toBe(20);
    const refused = takeToken(bucket, throttle, t0);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 100 });
    // 10 per second afterwards: 5 tokens after half a second.
    let later = 0;
    for (let i = 0; i < 10; i++) {
      const r = takeToken(bucket, throttle, t0 + 500);
      bucket = r.bucket;
      if (r.ok) later++;
    }
    expect(later).toBe(5);
  });

  it('never holds more than the burst', () => {
    const r = takeToken({ tokens: 0, at: 0 }, throttle, 3_600_000);
    expect(r.bucket.tokens).toBe(19);
  });
});

describe('quotaWindow', () => {
  it('resets days at UTC midnight', () => {
    const w = quotaWindow('DAY', Date.UTC(2026, 10, 23, 23, 59, 59, 999));
    expect(w).toEqual({ start: Date.UTC(2026, 10, 23), end: Date.UTC(2026, 10, 24) });
    expect(quotaWindow('DAY', Date.UTC(2026, 10, 24)).start).toBe(Date.UTC(2026, 10, 24));
  });

  it('starts weeks on Monday', () => {
    // 2026-11-23 is a Monday; 2026-11-29 a Sunday.
    expect(quotaWindow('WEEK', Date.UTC(2026, 10, 29, 12)).start).toBe(Date.UTC(2026, 10, 23));
    expect(quotaWindow('WEEK', Date.UTC(2026, 10, 23)).end).toBe(Date.UTC(2026, 10, 30));
  });

  it('ends months at the month end, February and leap years included', () => {
    expect(quotaWindow('MONTH', Date.UTC(2026, 0, 31, 23, 59))).toEqual({ start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 1, 1) });
    expect(quotaWindow('MONTH', Date.UTC(2028, 1, 29, 12)).end).toBe(Date.UTC(2028, 2, 1));
    expect(quotaWindow('MONTH', Date.UTC(2026, 11, 31, 23)).end).toBe(Date.UTC(2027, 0, 1));
  });

  it('formats UTC dates', () => {
    expect(utcDate(Date.UTC(2026, 2, 5, 23, 30))).toBe('2026-03-05');
  });
});
