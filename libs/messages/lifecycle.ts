import type { DeliveryOutcome } from './outcome';
import { retryDelayMs, type RetryPolicy } from '../domain/retry';
import type { Message } from './model';
import type { AttemptResult } from './port';

/**
 * What one delivery attempt leads to: success → `delivered`; a retryable failure with budget
 * left → `scheduled` again after backoff (or `Retry-After`); otherwise → `failed`.
 * The budget counts attempts since creation or the last redrive. Pure, shared by both runtimes.
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
    outcome: outcome.kind === 'success' ? 'success' : outcome.kind === 'retry' ? 'retry' : 'permanent_failure',
    ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    ...(outcome.kind !== 'success' && outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.responseBody !== undefined ? { responseBody: outcome.responseBody } : {}),
  } as const;
  if (outcome.kind === 'success') return { attempt: record, status: 'delivered' };
  const reason = outcome.error ?? (outcome.statusCode !== undefined ? `HTTP ${outcome.statusCode}` : 'delivery failed');
  if (outcome.kind === 'retry' && used < policy.maxAttempts) {
    return {
      attempt: record,
      status: 'scheduled',
      dueAt: now + retryDelayMs(policy, used, outcome.retryAfterMs, random),
      lastError: reason,
    };
  }
  const lastError = outcome.kind === 'retry' ? `${reason} (gave up after ${used} attempt${used === 1 ? '' : 's'})` : reason;
  return { attempt: record, status: 'failed', lastError };
};
