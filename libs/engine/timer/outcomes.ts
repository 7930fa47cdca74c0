import type { Clock } from '../../domain/clock';
import type { Message } from '../../messages/model';
import type { AttemptResult, DueRef, MessageStore } from '../../messages/port';
import type { Logger } from '../../observability/logger';
import { logAttempt } from '../attempt';
import { cutRefusedChains, type AdmitChains } from '../chains';
import type { DeliveryMetrics } from '../metrics';

/** What the outcome writer needs. */
export interface OutcomeWriterDeps {
  messages: Pick<MessageStore, 'complete'>;
  clock: Clock;
  logger: Logger;
  /** Observes every recorded attempt (metering). */
  onAttempt?: (m: Message, r: AttemptResult) => void;
  /** Counts each recorded attempt (operator metrics). @default none */
  metrics?: DeliveryMetrics;
  /** Takes the recorded retries and the chained messages created (the engine puts them in its window). */
  retry: (refs: (DueRef & { appId: string })[]) => Promise<void>;
  /**
   * Admits the chained messages as the API admits messages (the tenant's plan): per message, why it is refused, or
   * undefined. A refused chain is cut, the reason recorded on its source. @default every chain admitted
   */
  admitChains?: AdmitChains;
  /** Observes the chained messages created (metering against the source's key, live events). */
  onChained?: (messages: Message[]) => void;
}

/**
 * Group commit of finished attempts: the results of one event-loop turn are written in one
 * `complete` (one SQLite transaction), then logged, observed, and their retries handed back.
 * Writes never overlap; a failed write leaves its messages `delivering`, recovered (and delivered
 * again, at least once) at the next start.
 */
export class OutcomeWriter {
  private pending: { m: Message; r: AttemptResult; targetType?: string }[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OutcomeWriterDeps) {}

  /** Queues one attempt's result (to a target of `targetType`) for the next group commit (at the end of this event-loop turn). */
  add(m: Message, r: AttemptResult, targetType?: string): void {
    this.pending.push({ m, r, targetType });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Writes what is queued, after any write in progress; resolves once written (or failed and logged). */
  flush(): Promise<void> {
    // A write that throws past its own handling must not stop the ones after it.
    this.writing = this.writing
      .then(() => this.write())
      .catch((err: unknown) => this.deps.logger.error('could not hand back recorded outcomes', { err }));
    return this.writing;
  }

  private async write(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    await cutRefusedChains(
      batch.map((b) => b.r),
      this.deps.admitChains,
      this.deps.logger,
    );
    let chained: Message[];
    try {
      chained = await this.deps.messages.complete(
        batch.map((b) => b.r),
        this.deps.clock.now(),
      );
    } catch (err) {
      this.deps.logger.error('could not record delivery outcomes', { err, count: batch.length });
      return;
    }
    const retries: (DueRef & { appId: string })[] = [];
    for (const { m, r, targetType } of batch) {
      logAttempt(this.deps.logger, m, r);
      this.deps.onAttempt?.(m, r);
      this.deps.metrics?.attempt({
        outcome: r.status === 'scheduled' ? 'retry' : r.status,
        durationMs: r.attempt.durationMs,
        ...(m.attemptCount === 0 ? { latenessMs: r.attempt.startedAt - m.sendAt } : {}),
        ...(targetType ? { targetType } : {}),
      });
      if (r.status === 'scheduled') retries.push({ id: m.id, tenantId: m.tenantId, dueAt: r.dueAt!, appId: m.appId });
    }
    if (chained?.length) {
      this.deps.onChained?.(chained);
      for (const c of chained) retries.push({ id: c.id, tenantId: c.tenantId, dueAt: c.dueAt ?? c.sendAt, appId: c.appId });
    }
    if (retries.length) await this.deps.retry(retries);
  }
}
