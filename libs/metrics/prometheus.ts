import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryMetrics } from '../engine/metrics';

/** Why a request was refused with 429: the plan's throttle, its quota, its pending-message limit, or guessed credentials. */
export const RefusalReason = { throttle: 'throttle', quota: 'quota', pending: 'pending', badCredentials: 'bad_credentials' } as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

/** Where the gauges read their values at each scrape. Every source is optional: a missing one leaves its gauge out. */
export interface MetricsSources {
  /** Messages `scheduled` (waiting for their time or a retry); may be counted asynchronously. */
  pending?: () => number | Promise<number>;
  /** The embedded engine: entries in its due window, messages claimed and waiting for a slot, deliveries in flight. */
  engine?: () => { window: number; queued: number; inFlight: number };
  /** Bytes of the SQLite write-ahead log. */
  walBytes?: () => number;
  /** Open `GET /v1/events` streams. */
  streams?: () => number;
}

/** Options of the metrics. */
export interface PrometheusMetricsOptions {
  /** Include Node's process metrics (CPU, memory, event-loop lag, GC), prefixed `punctual_`. @default true */
  processMetrics: boolean;
}

const seconds = (ms: number) => ms / 1_000;
/** Known HTTP methods as labels; anything else counts as `other`, so a client cannot create label values. */
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The embedded runtime's operator metrics (`GET /metrics`, Prometheus text): deliveries and attempts, lateness and
 * attempt duration, the engine's gauges, HTTP requests and refusals, SQLite's WAL. One registry per runtime, not the
 * process-wide default, so two servers in one process (tests) keep their own counts. Labels are bounded sets (outcome,
 * target type, route template, status, reason): never a tenant, app, key or message id.
 */
export class PrometheusMetrics implements DeliveryMetrics {
  readonly registry = new Registry();
  private sources: MetricsSources = {};
  private readonly deliveries: Counter<'outcome' | 'target_type'>;
  private readonly attempts: Counter<'outcome' | 'target_type'>;
  private readonly lateness: Histogram;
  private readonly duration: Histogram<'target_type'>;
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly refusals: Counter<'reason'>;
  private readonly checkpoints: Histogram;

  constructor(options: Partial<PrometheusMetricsOptions> = {}) {
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: 'punctual_deliveries_total',
      help: 'Messages that reached a final state: delivered, or failed (retries exhausted or a permanent error).',
      labelNames: ['outcome', 'target_type'],
      registers,
    });
    this.attempts = new Counter({
      name: 'punctual_attempts_total',
      help: 'Delivery attempts, by what they led to: delivered, retry (another attempt is scheduled) or failed.',
      labelNames: ['outcome', 'target_type'],
      registers,
    });
    this.lateness = new Histogram({
      name: 'punctual_delivery_lateness_seconds',
      help: "How late first attempts started after the message's sendAt.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.duration = new Histogram({
      name: 'punctual_attempt_duration_seconds',
      help: 'How long delivery attempts took (request to response, or to the error).',
      labelNames: ['target_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.requests = new Counter({
      name: 'punctual_http_requests_total',
      help: "HTTP requests answered, by the route's template (or the page: /docs, /console, /metrics; unmatched), method and status.",
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.refusals = new Counter({
      name: 'punctual_http_refusals_total',
      help: "Requests refused with 429, by reason: the plan's throttle, its quota, its pending-message limit, or bad credentials.",
      labelNames: ['reason'],
      registers,
    });
    this.checkpoints = new Histogram({
      name: 'punctual_sqlite_checkpoint_duration_seconds',
      help: 'How long the background WAL checkpoints took.',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    const sources = () => this.sources;
    for (const [name, help, read] of [
      ['punctual_messages_pending', 'Messages scheduled: waiting for their time, or for a retry.', (s) => s.pending?.()],
      ['punctual_messages_in_flight', 'Deliveries in flight now.', (s) => s.engine?.().inFlight],
      ['punctual_engine_queued_messages', 'Messages claimed and waiting for a delivery slot.', (s) => s.engine?.().queued],
      ['punctual_engine_window_messages', "Messages in the engine's in-memory due window.", (s) => s.engine?.().window],
      ['punctual_sqlite_wal_bytes', 'Size of the SQLite write-ahead log.', (s) => s.walBytes?.()],
      ['punctual_event_streams', 'Open GET /v1/events streams.', (s) => s.streams?.()],
    ] as const satisfies readonly (readonly [string, string, (s: MetricsSources) => number | Promise<number> | undefined])[]) {
      // Read at each scrape (prom-client calls `collect` with the gauge as `this`, and awaits it), so nothing is sampled in between.
      new Gauge({
        name,
        help,
        registers,
        async collect(this: Gauge) {
          const value = await read(sources());
          if (value !== undefined) this.set(value);
        },
      });
    }
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'punctual_' });
  }

  /** Names the gauges' sources (the composition root calls it once its parts exist). */
  watch(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  attempt(input: { outcome: 'delivered' | 'retry' | 'failed'; latenessMs?: number; durationMs: number; targetType?: string }): void {
    const target_type = input.targetType ?? 'unknown';
    this.attempts.inc({ outcome: input.outcome, target_type });
    if (input.outcome !== 'retry') this.deliveries.inc({ outcome: input.outcome, target_type });
    if (input.latenessMs !== undefined) this.lateness.observe(seconds(Math.max(0, input.latenessMs)));
    this.duration.observe({ target_type }, seconds(input.durationMs));
  }

  /** Nothing is buffered: a scrape reads the live values. */
  flush(): void {}

  /** One answered HTTP request; `route` is a template or a page name, never the raw path. */
  request(route: string, method: string, status: number): void {
    this.requests.inc({ route, method: methods.has(method) ? method : 'other', status: String(status) });
  }

  /** One request refused with 429. */
  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  /** One background WAL checkpoint. */
  checkpoint(durationMs: number): void {
    this.checkpoints.observe(seconds(durationMs));
  }

  /** The Prometheus text exposition of everything. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
