import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { RetentionStore } from './port';

/** Options of the retention sweep. */
export interface RetentionSweeperOptions {
  /** How often a batch is swept. @default 2_000 */
  intervalMs: number;
  /** Messages, and idempotency records, examined per batch. @default 1_000 */
  batchSize: number;
}

export const retentionSweeperDefaults: RetentionSweeperOptions = { intervalMs: 2_000, batchSize: 1_000 };

/** What the sweep needs. */
export interface RetentionSweeperDeps {
  store: RetentionStore;
  /** How long the tenant's finished messages are kept (its plan's `retentionDays`). */
  retentionMs: (tenantId: string) => Promise<number>;
  clock: Clock;
  logger: Logger;
}

/** What one batch did. */
export interface SweepResult {
  /** Finished messages examined, and deleted (with their attempts). */
  finished: number;
  deleted: number;
  /** Expired idempotency records deleted. */
  idempotency: number;
  /** Whether the walk over the messages came back to the start. */
  wrapped: boolean;
}

/**
 * The embedded store's retention: in the background, a batch every `intervalMs`, it deletes delivered,
 * failed and aborted messages (and their attempts) older than their tenant's plan's retention, counted
 * from when they finished, and idempotency records past their 24 h. Each batch examines at most
 * `batchSize` rows of each table, so the work per tick is bounded whatever the size of the database;
 * the walk goes round the tables again and again. A plan change applies to what is already stored.
 */
export class RetentionSweeper {
  private readonly o: RetentionSweeperOptions;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private messageCursor?: string;
  private idempotencyCursor?: string;

  constructor(
    private readonly deps: RetentionSweeperDeps,
    options: Partial<RetentionSweeperOptions> = {},
  ) {
    this.o = { ...retentionSweeperDefaults, ...options };
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.deps.logger.error('retention sweep failed; trying again at the next interval', { err }))
        .finally(() => {
          this.running = undefined;
        });
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a batch in progress. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Sweeps one batch of each table. */
  async sweep(): Promise<SweepResult> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const page = await store.finished(this.messageCursor, this.o.batchSize);
    this.messageCursor = page.cursor;
    const retention = new Map<string, number>();
    const expired = [];
    for (const ref of page.refs) {
      let ms = retention.get(ref.tenantId);
      if (ms === undefined) {
        ms = await this.deps.retentionMs(ref.tenantId);
        retention.set(ref.tenantId, ms);
      }
      if (ref.finishedAt + ms <= now) expired.push(ref);
    }
    const deleted = await store.deleteFinished(expired);
    const idem = await store.deleteExpiredIdempotency(now, this.idempotencyCursor, this.o.batchSize);
    this.idempotencyCursor = idem.cursor;
    if (deleted || idem.deleted) this.deps.logger.debug('retention sweep', { deleted, idempotency: idem.deleted });
    return { finished: page.refs.length, deleted, idempotency: idem.deleted, wrapped: page.cursor === undefined };
  }
}
