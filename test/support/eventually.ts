/** Waiting for something asynchronous in a test with real servers, without asserting how long it takes. Tests only. */

export interface EventuallyOptions {
  /** How long to keep polling before failing: a generous bound, never a timing assertion. @default 10_000 */
  timeoutMs?: number;
  /** Pause between two checks. @default 20 */
  intervalMs?: number;
  /** What the error says on timeout; a function, so it can tell the last state seen. @default "condition not met within N ms" */
  failure?: () => string;
}

const defaults = { timeoutMs: 10_000, intervalMs: 20 };

/**
 * Polls `check` until it returns something other than `undefined` or `false`, and resolves with that;
 * rejects when `timeoutMs` passes first. A check that throws fails at once (an assertion inside is final).
 */
export const eventually = async <T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<Exclude<T, undefined | false>> => {
  const { timeoutMs, intervalMs, failure } = { ...defaults, ...options };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(failure?.() ?? `condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
