import { enqueue, isoAt } from './enqueue';
import { note } from './report';
import type { Stack } from './stack';

/**
 * Delivers `n` messages due at once and waits for them, so the server's delivery path (and the
 * receiver) are JIT-compiled and connected before anything is measured; then forgets them.
 * Returns how long the warm-up took, ms.
 */
export const warmDeliveries = async (s: Stack, n: number): Promise<number> => {
  if (n <= 0) return 0;
  const started = performance.now();
  const e = await enqueue(s.api, s.tenant, { n, concurrency: 4, batchSize: 100, sendAt: () => isoAt(Date.now()), timeLimitMs: 60_000 });
  const missing = await s.receiver.waitFor(
    e.ids.filter((id): id is string => id !== undefined),
    Date.now() + 60_000,
  );
  if (missing) note(`warm-up: ${missing} of ${n} messages never arrived`);
  s.receiver.reset();
  return Math.round(performance.now() - started);
};
