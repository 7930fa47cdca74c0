/**
 * Delivery metrics the engines emit per finished attempt. The AWS runtime implements it with
 * Powertools (CloudWatch EMF, libs/observability/powertools.ts); the embedded runtime with prom-client (libs/metrics/prometheus.ts).
 */
export interface DeliveryMetrics {
  /**
   * One finished attempt: outcome 'delivered' | 'retry' | 'failed'; lateness = attempt start − sendAt (ms), first attempts only;
   * duration of the HTTP call (ms); the app's target type (`http`, …), when known.
   */
  attempt(input: { outcome: 'delivered' | 'retry' | 'failed'; latenessMs?: number; durationMs: number; targetType?: string }): void;
  /** Writes buffered metrics (end of an invocation). */
  flush(): void;
}

/** Metrics that go nowhere (embedded runtime, tests). */
export const noMetrics: DeliveryMetrics = {
  attempt: () => undefined,
  flush: () => undefined,
};
