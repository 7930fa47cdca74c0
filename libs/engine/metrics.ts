/**
 * Delivery metrics the engines emit per finished attempt. The AWS runtime implements it with
 * Powertools (CloudWatch EMF, libs/observability/powertools.ts); the embedded runtime passes `noMetrics`.
 */
export interface DeliveryMetrics {
  /**
   * One finished attempt: outcome 'delivered' | 'retry' | 'failed'; lateness = attempt start − sendAt (ms), first attempts only;
   * duration of the HTTP call (ms).
   */
  attempt(input: { outcome: 'delivered' | 'retry' | 'failed'; latenessMs?: number; durationMs: number }): void;
  /** Writes buffered metrics (end of an invocation). */
  flush(): void;
}

/** Metrics that go nowhere (embedded runtime, tests). */
export const noMetrics: DeliveryMetrics = {
  attempt: () => undefined,
  flush: () => undefined,
};
