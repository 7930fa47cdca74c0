import { aMessage } from '../../test/support/fixtures';
import { ManualClock } from '../domain/clock';
import type { RetryPolicy } from '../domain/retry';
import { attemptResult } from './lifecycle';

type Outcome = Parameters<typeof attemptResult>[2];

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };
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
    it('schedules the next attempt after a backoff drawn below the jitter ceiling of this attempt', () => {
      // Attempt 1 of 3: the ceiling is the base delay.
      expect(finish(aMessage(), retry(), () => 0.9999)).toMatchObject({ status: 'scheduled', dueAt: T0 + 40 + 999 });
      // Attempt 2 of 3 (one made before): the ceiling doubles.
      expect(finish(aMessage({ attemptCount: 1 }), retry(), () => 0.9999)).toMatchObject({ dueAt: clock.now() + 1_999 });
      // Full jitter: as early as now.
      expect(finish(aMessage(), retry(), () => 0)).toMatchObject({ status: 'scheduled', dueAt: clock.now() });
    });

    it('never waits longer than maxDelayMs on its own', () => {
      const long: RetryPolicy = { maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 10_000 };
      const r = attemptResult(aMessage({ attemptCount: 20 }), long, retry(), T0, clock.now(), () => 0.9999);
      expect(r).toMatchObject({ status: 'scheduled', dueAt: clock.now() + 9_999 });
    });

    it('waits for a Retry-After longer than the backoff, even past maxDelayMs, and ignores a shorter one', () => {
      expect(finish(aMessage(), retry({ statusCode: 429, retryAfterMs: 60_000 }))).toMatchObject({
        status: 'scheduled',
        dueAt: clock.now() + 60_000,
      });
      expect(finish(aMessage(), retry({ statusCode: 429, retryAfterMs: 10 }))).toMatchObject({ dueAt: clock.now() + 500 });
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
      const redriven = aMessage({ attemptCount: 5, attemptBase: 4 });
      expect(finish(redriven)).toMatchObject({ status: 'scheduled', attempt: { attempt: 6 } });
    });
  });

  describe('exhausted budget', () => {
    it('fails the message once its last allowed attempt fails, saying how many were made', () => {
      const r = finish(aMessage({ attemptCount: 2 }));
      expect(r).toMatchObject({ status: 'failed', lastError: 'HTTP 503 (gave up after 3 attempts)', attempt: { attempt: 3 } });
      expect(r.dueAt).toBeUndefined();
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
});
