import { spanText } from '../domain/clock';
import type { DeliveryOutcome } from './outcome';
import { maxLifetimeAttempts, retryDelayMs, retryFloorMs, type RetryPolicy } from '../domain/retry';
import type { Message } from './model';
import type { AttemptResult } from './port';

/** When retries of `m` under `policy` stop: `maxAgeMs` after it was due (its sendAt, or its creation when later). */
export const retryDeadline = (m: Pick<Message, 'sendAt' | 'createdAt'>, policy: RetryPolicy): number =>
  Math.max(m.sendAt, m.createdAt) + policy.maxAgeMs;

/**
 * What one delivery attempt leads to: success → `delivered`; a retryable failure with budget left →
 * `scheduled` again after backoff (or `Retry-After`); otherwise → `failed`. The budget is `maxAttempts`
 * since creation or the last redrive, no retry past the policy's deadline (`retryDeadline`; a later one
 * is brought forward to it), and `maxLifetimeAttempts` over the message's life. A retryable failure
 * that ends the message is recorded as `exhausted`, a permanent one as `permanent_failure`. Pure,
 * shared by both runtimes.
 */
export const attemptResult = (
  m: Message,
  policy: RetryPolicy,
  outcome: DeliveryOutcome,
  startedAt: number,
  now: number,
  random: () => number = Math.random,
): AttemptResult => {
  const attempt = m.attemptCount + 1;
  const used = attempt - m.attemptBase;
  const record = {
    messageId: m.id,
    tenantId: m.tenantId,
    attempt,
    startedAt,
    durationMs: Math.round(outcome.durationMs),
    ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    ...(outcome.kind !== 'success' && outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.responseBody !== undefined ? { responseBody: outcome.responseBody } : {}),
  } as const;
  if (outcome.kind === 'success') return { attempt: { ...record, outcome: 'success' }, status: 'delivered' };
  const reason = outcome.error ?? (outcome.statusCode !== undefined ? `HTTP ${outcome.statusCode}` : 'delivery failed');
  if (outcome.kind === 'permanent') return { attempt: { ...record, outcome: 'permanent_failure' }, status: 'failed', lastError: reason };
  const deadline = retryDeadline(m, policy);
  const plural = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;
  let why: string | undefined;
  if (used >= policy.maxAttempts) why = `gave up after ${plural(used)}`;
  else if (attempt >= maxLifetimeAttempts) why = `gave up after ${plural(attempt)}, the most one message may make`;
  else if (deadline - now < retryFloorMs) why = `gave up after ${plural(used)} over ${spanText(policy.maxAgeMs)}, its retry window`;
  if (why) return { attempt: { ...record, outcome: 'exhausted' }, status: 'failed', lastError: `${reason} (${why})` };
  return {
    attempt: { ...record, outcome: 'retry' },
    status: 'scheduled',
    dueAt: Math.min(deadline, now + retryDelayMs(policy, used, outcome.retryAfterMs, random)),
    lastError: reason,
  };
};

/**
 * A retry pushed to at least `minDelayMs` from now (an app whose circuit breaker is open), still no later
 * than the policy's deadline; any other result unchanged.
 */
export const slowRetry = (r: AttemptResult, m: Message, policy: RetryPolicy, minDelayMs: number, now: number): AttemptResult => {
  if (r.status !== 'scheduled' || r.dueAt === undefined || r.dueAt >= now + minDelayMs) return r;
  return { ...r, dueAt: Math.max(r.dueAt, Math.min(now + minDelayMs, retryDeadline(m, policy))) };
};
