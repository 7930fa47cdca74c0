/** How a message is retried. Per app, overridable per message. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Backoff base: the cap of the first retry's delay, doubled for each further attempt. */
  baseDelayMs: number;
  /** Upper bound of any single delay. */
  maxDelayMs: number;
}

/** @default the retry policy of a new app: 8 attempts over roughly an hour at most. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 3_600_000 };

/** A policy with the fields `override` sets taken from it, the rest from `base`. */
export const mergeRetryPolicy = (base: RetryPolicy, override?: Partial<RetryPolicy>): RetryPolicy => {
  if (!override) return base;
  const merged = { ...base, ...override };
  return { ...merged, maxDelayMs: Math.max(merged.maxDelayMs, merged.baseDelayMs) };
};

/** Hard bounds on any retry policy a client may set. */
export const retryPolicyLimits = {
  maxAttempts: { min: 1, max: 50 },
  baseDelayMs: { min: 10, max: 86_400_000 },
  maxDelayMs: { min: 10, max: 7 * 86_400_000 },
} as const;

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * exponential backoff with full jitter, `random(0, min(max, base * 2^(attempt-1)))`.
 * A `Retry-After` from the receiver wins when it asks for longer, even past `maxDelayMs` (the receiver
 * knows its own recovery time; the delivery client already clamps it to a day).
 */
export const retryDelayMs = (policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 40));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs !== undefined && retryAfterMs > jittered) return retryAfterMs;
  return jittered;
};
