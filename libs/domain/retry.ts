/** How a message is retried. Per app, overridable per message. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Backoff base: the ceiling of the first retry's delay, doubled for each further attempt. */
  baseDelayMs: number;
  /** Ceiling of any single delay. */
  maxDelayMs: number;
  /**
   * How long retries may go on, counted from when the message was due (its `sendAt`, or its creation when
   * that is later; a redrive sets a new `sendAt`): no retry is scheduled past it, the last one at most at it.
   */
  maxAgeMs: number;
}

/**
 * @default the retry policy of a new app: retries for about a day. Delay ceilings grow from 1 s to 2 h
 * (1, 2, 4 … 4,096 s, then 2 h), each delay drawn in the upper half of its ceiling: when they fall high,
 * `maxAgeMs` ends the retries at 24 h (after about 25 attempts); when they fall low, the 36 attempts
 * last about 23 h.
 */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 36, baseDelayMs: 1_000, maxDelayMs: 7_200_000, maxAgeMs: 86_400_000 };

/**
 * Shortest wait before any retry, whatever the policy or the receiver's `Retry-After` says: a retry
 * storm (a receiver that fails at once, a tiny backoff) costs at most one attempt per message a second.
 */
export const retryFloorMs = 1_000;

/**
 * Most attempts one message may make over its whole life, redrives included: a redrive starts a new
 * retry budget, but only within this cap (a redrive of a message that reached it is refused).
 */
export const maxLifetimeAttempts = 100;

/**
 * A complete policy: the fields `override` sets taken from it, the rest from `base`, then the defaults
 * (for policies stored before a field existed).
 */
export const mergeRetryPolicy = (base: Partial<RetryPolicy>, override?: Partial<RetryPolicy>): RetryPolicy => {
  const merged = { ...defaultRetryPolicy, ...base, ...override };
  return { ...merged, maxDelayMs: Math.max(merged.maxDelayMs, merged.baseDelayMs) };
};

/** Hard bounds on any retry policy a client may set. */
export const retryPolicyLimits = {
  maxAttempts: { min: 1, max: 50 },
  baseDelayMs: { min: retryFloorMs, max: 86_400_000 },
  maxDelayMs: { min: retryFloorMs, max: 7 * 86_400_000 },
  maxAgeMs: { min: 60_000, max: 7 * 86_400_000 },
} as const;

/** The ceiling of the delay before the retry that follows failed attempt number `attempt` (1-based). */
export const retryCeilingMs = (policy: RetryPolicy, attempt: number): number =>
  Math.max(retryFloorMs, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 40)));

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based): exponential backoff
 * with "equal" jitter, a draw between half the ceiling `min(maxDelayMs, baseDelayMs × 2^(attempt−1))` and
 * the ceiling itself — spread enough to scatter a burst of failures, narrow enough that the schedule of
 * a policy can be told in advance (full jitter, from 0, made a day-long policy anything from hours to a day).
 * Never under `retryFloorMs`. A `Retry-After` from the receiver wins when it asks for longer, even past
 * `maxDelayMs` (the receiver knows its own recovery time; the delivery client clamps it to a day).
 */
export const retryDelayMs = (policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number => {
  const ceiling = retryCeilingMs(policy, attempt);
  const jittered = Math.max(retryFloorMs, Math.min(ceiling, Math.floor(ceiling / 2 + random() * (ceiling / 2 + 1))));
  if (retryAfterMs !== undefined && retryAfterMs > jittered) return retryAfterMs;
  return jittered;
};
