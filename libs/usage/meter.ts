import type { Logger } from '../observability/logger';
import { aggregateUsage } from './aggregate';
import type { UsageEvent } from './model';
import type { UsageStore } from './port';

/** Options of the meter. */
export interface MeterOptions {
  /** How often buffered events are written. @default 1_000 */
  flushIntervalMs: number;
}

/**
 * Counts usage off the hot path: events are buffered in memory and written as aggregated
 * increments (one upsert per key and day) once a second and on close.
 */
export class Meter {
  private events: UsageEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly o: MeterOptions;

  constructor(
    private readonly usage: UsageStore,
    private readonly logger: Logger,
    options: Partial<MeterOptions> = {},
  ) {
    this.o = { flushIntervalMs: 1_000, ...options };
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.flushIntervalMs);
    this.timer.unref();
  }

  record(event: UsageEvent): void {
    this.events.push(event);
  }

  /** Writes everything recorded so far. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.events.length) return;
      const batch = this.events;
      this.events = [];
      try {
        await this.usage.increment(aggregateUsage(batch));
      } catch (err) {
        this.events = batch.concat(this.events);
        this.logger.error('could not write usage counters; will retry', { err, events: batch.length });
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
