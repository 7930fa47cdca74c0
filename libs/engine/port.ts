import type { DueRef } from '../messages/port';

/** What the services tell the delivery engine. Embedded: an in-memory window; AWS: SQS and minute buckets. */
export interface Engine {
  /** Messages that became due at `dueAt` (created, redriven or retried). Must not lose them if it cannot act now: the store is the truth. */
  enqueue(refs: DueRef[]): Promise<void>;
}
