import { aMessage } from '../../test/support/fixtures';
import { ManualClock } from '../domain/clock';
import type { RetryPolicy } from '../domain/retry';
import { attemptResult, retryDeadline, slowRetry } from './lifecycle';

type Outcome = Parameters<typeof attemptResult>[2];

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, maxAgeMs: 86_400_000 };
const retry = (over: Partial<Extract<Outcome, { kind: 'retry' }>> = {}): Outcome => ({
  kind: 'retry',
  statusCode: 503,
  error: 'HTTP 503',
  durationMs: 12.4,
  ...over,
});

describe('attemptResult', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(T0);
  });
  /** The attempt started at T0 and ended now, 40 ms later. */
  const finish = (m = aMessage(), outcome: Outcome = retry(), random: () => number = () => 0.5) => {
    clock.advance(40);
    return attemptResult(m, policy, outcome, T0, clock.now(), random);
  };

  describe('success', () => {
    it('delivers, recording the attempt with its status, body and rounded duration', () => {
      const m = aMessage({ attemptCount: 2, attemptBase: 0 });
      const r = finish(m, { kind: 'success', statusCode: 204, durationMs: 7.6, responseBody: 'ok' });
      expect(r).toEqual({
        status: 'delivered',
        attempt: {
          messageId: m.id,
          tenantId: m.tenantId,
          attempt: 3,
          startedAt: T0,
          durationMs: 8,
          outcome: 'success',
          statusCode: 204,
          responseBody: 'ok',
        },
      });
    });
  });

  describe('retry', () => {
    it('schedules the next attempt after a backoff drawn in the upper half of the jitter ceiling of this attempt', () => {
      const m = aMessage({ sendAt: T0, createdAt: T0 });
      // Attempt 1 of 3: the ceiling is the base delay.
      expect(finish(m, retry(), () => 0.9999)).toMatchObject({ status: 'scheduled', dueAt: T0 + 40 + 1_000 });
      // Attempt 2 of 3 (one made before): the ceiling doubles, and the draw is never under half of it.
      expect(finish({ ...m, attemptCount: 1 }, retry(), () => 0.9999)).toMatchObject({ dueAt: clock.now() + 2_000 });
      expect(finish({ ...m, attemptCount: 1 }, retry(), () => 0)).toMatchObject({ dueAt: clock.now() + 1_000 });
      // Never sooner than the 1 s floor.
      expect(finish(m, retry(), () => 0)).toMatchObject({ status: 'scheduled', dueAt: clock.now() + 1_000 });
    });

    it('never waits longer than maxDelayMs on its own', () => {
      const long: RetryPolicy = { maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 10_000, maxAgeMs: 86_400_000 };
      const r = attemptResult(aMessage({ attemptCount: 20, sendAt: T0, createdAt: T0 }), long, retry(), T0, clock.now(), () => 0.9999);
      expect(r).toMatchObject({ status: 'scheduled', dueAt: clock.now() + 10_000 });
    });

    it('waits for a Retry-After longer than the backoff, even past maxDelayMs, and ignores a shorter one', () => {
      const m = aMessage({ sendAt: T0, createdAt: T0 });
      expect(finish(m, retry({ statusCode: 429, retryAfterMs: 60_000 }))).toMatchObject({
        status: 'scheduled',
        dueAt: clock.now() + 60_000,
      });
      expect(finish(m, retry({ statusCode: 429, retryAfterMs: 10 }))).toMatchObject({ dueAt: clock.now() + 1_000 });
    });

    it('records the attempt as a retry and keeps why it failed', () => {
      const m = aMessage();
      const r = finish(m, retry({ statusCode: 503, error: 'HTTP 503', responseBody: 'busy' }));
      expect(r.attempt).toEqual({
        messageId: m.id,
        tenantId: m.tenantId,
        attempt: 1,
        startedAt: T0,
        durationMs: 12,
        outcome: 'retry',
        statusCode: 503,
        error: 'HTTP 503',
        responseBody: 'busy',
      });
      expect(r.lastError).toBe('HTTP 503');
      expect(finish(m, retry({ error: undefined, statusCode: 502 })).lastError).toBe('HTTP 502');
      expect(finish(m, retry({ error: undefined, statusCode: undefined })).lastError).toBe('delivery failed');
    });

    it('counts the budget from the last redrive, not from creation', () => {
      // Five attempts in all, but only one since the redrive: two more are allowed.
      const redriven = aMessage({ attemptCount: 5, attemptBase: 4, sendAt: T0, createdAt: T0 });
      expect(finish(redriven)).toMatchObject({ status: 'scheduled', attempt: { attempt: 6 } });
    });
  });

  describe('exhausted budget', () => {
    it('fails the message once its last allowed attempt fails, saying how many were made', () => {
      const r = finish(aMessage({ attemptCount: 2 }));
      expect(r).toMatchObject({ status: 'failed', lastError: 'HTTP 503 (gave up after 3 attempts)', attempt: { attempt: 3 } });
      expect(r.dueAt).toBeUndefined();
    });

    it('records the last attempt as exhausted, not as a retry', () => {
      expect(finish(aMessage({ attemptCount: 2 })).attempt.outcome).toBe('exhausted');
      expect(finish(aMessage({ attemptCount: 1 })).attempt.outcome).toBe('retry');
    });

    it('brings a retry that would fall past the retry window forward to its end, then stops', () => {
      const day: RetryPolicy = { maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 7_200_000, maxAgeMs: 86_400_000 };
      const m = aMessage({ sendAt: T0, createdAt: T0 - 1_000, attemptCount: 20 });
      const deadline = retryDeadline(m, day);
      expect(deadline).toBe(T0 + 86_400_000);
      clock.set(deadline - 60_000);
      expect(attemptResult(m, day, retry(), clock.now(), clock.now(), () => 0.9999)).toMatchObject({
        status: 'scheduled',
        dueAt: deadline,
        attempt: { outcome: 'retry' },
      });
      clock.set(deadline);
      expect(attemptResult({ ...m, attemptCount: 21 }, day, retry(), clock.now(), clock.now())).toMatchObject({
        status: 'failed',
        lastError: 'HTTP 503 (gave up after 22 attempts over 24 h, its retry window)',
        attempt: { outcome: 'exhausted' },
      });
    });

    it('counts the window from creation when the message was created after its sendAt', () => {
      const late = aMessage({ sendAt: T0 - 3 * 86_400_000, createdAt: T0 });
      expect(retryDeadline(late, policy)).toBe(T0 + 86_400_000);
      expect(finish(late)).toMatchObject({ status: 'scheduled' });
    });

    it('stops at the lifetime cap of 100 attempts, whatever budget a redrive gave', () => {
      const many: RetryPolicy = { ...policy, maxAttempts: 50 };
      const m = aMessage({ attemptCount: 99, attemptBase: 90 });
      expect(attemptResult(m, many, retry(), T0, clock.now())).toMatchObject({
        status: 'failed',
        lastError: 'HTTP 503 (gave up after 100 attempts, the most one message may make)',
        attempt: { attempt: 100, outcome: 'exhausted' },
      });
      expect(attemptResult({ ...m, attemptCount: 98 }, many, retry(), T0, clock.now())).toMatchObject({ status: 'scheduled' });
    });

    it('fails at once with a one-attempt policy, and a Retry-After changes nothing', () => {
      const once: RetryPolicy = { ...policy, maxAttempts: 1 };
      const r = attemptResult(aMessage(), once, retry({ retryAfterMs: 5_000 }), T0, clock.now());
      expect(r).toMatchObject({ status: 'failed', lastError: 'HTTP 503 (gave up after 1 attempt)' });
    });

    it('fails after the budget of a redrive is used up', () => {
      expect(finish(aMessage({ attemptCount: 7, attemptBase: 5 }))).toMatchObject({
        status: 'failed',
        lastError: 'HTTP 503 (gave up after 3 attempts)',
        attempt: { attempt: 8 },
      });
    });
  });

  describe('permanent failure', () => {
    it('fails at once with budget left, recording a permanent_failure', () => {
      const r = finish(aMessage(), { kind: 'permanent', statusCode: 400, error: 'HTTP 400', durationMs: 3, responseBody: 'bad' });
      expect(r).toMatchObject({
        status: 'failed',
        lastError: 'HTTP 400',
        attempt: { attempt: 1, outcome: 'permanent_failure', statusCode: 400, error: 'HTTP 400', responseBody: 'bad' },
      });
      expect(r.dueAt).toBeUndefined();
    });

    it('names a refusal without a status by its error', () => {
      const r = finish(aMessage(), { kind: 'permanent', error: 'target refused: private address', durationMs: 0 });
      expect(r).toMatchObject({ status: 'failed', lastError: 'target refused: private address' });
      expect(r.attempt).not.toHaveProperty('statusCode');
    });
  });

  describe('slowRetry', () => {
    const m = aMessage({ sendAt: T0, createdAt: T0 });
    const scheduled = (dueAt: number) => ({ ...finish(m), dueAt });

    it('pushes a retry to at least the given delay from now', () => {
      expect(slowRetry(scheduled(T0 + 2_000), m, policy, 60_000, T0)).toMatchObject({ status: 'scheduled', dueAt: T0 + 60_000 });
    });

    it('leaves a later retry, and any ending result, as it is', () => {
      const later = scheduled(T0 + 120_000);
      expect(slowRetry(later, m, policy, 60_000, T0)).toBe(later);
      const failed = finish(aMessage({ attemptCount: 2 }));
      expect(slowRetry(failed, m, policy, 60_000, T0)).toBe(failed);
    });

    it('never pushes a retry past the retry window', () => {
      const deadline = retryDeadline(m, policy);
      expect(slowRetry(scheduled(deadline - 5_000), m, policy, 60_000, deadline - 10_000)).toMatchObject({ dueAt: deadline });
    });
  });
});
