/** How a failed call is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (so `retries + 1` attempts at most). */
  retries: number;
  /** Cap of the first backoff window; window n is `baseDelayMs × 2^(n-1)`. */
  baseDelayMs: number;
  /** Longest wait between attempts; a `Retry-After` asking for longer ends the retries instead. */
  maxDelayMs: number;
}

/**
 * Milliseconds to wait before retry `retry` (1-based): the server's `Retry-After` when it gave one, otherwise
 * exponential backoff with full jitter, `random(0, min(maxDelayMs, baseDelayMs × 2^(retry-1)))`. Undefined
 * means do not retry: the server asked for a longer wait than the policy allows (a used-up daily quota, say),
 * which the caller should see at once rather than sit through.
 */
export const retryDelay = (
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number | undefined => {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > policy.maxDelayMs ? undefined : ms;
  }
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * window);
};

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export const parseRetryAfter = (value: string | null, now: number = Date.now()): number | undefined => {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and zone (`Tue, 01 Dec 2026 10:00:30 GMT`); bare numbers like `-3` are not dates.
  const at = /GMT$/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
};
