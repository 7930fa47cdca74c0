import type { Message } from '../messages/model';
import type { DueRef } from '../messages/port';

/** What the services tell the delivery engine. Embedded: an in-memory window; AWS: SQS and minute buckets. */
export interface Engine {
  /** Messages that became due at `dueAt` (created, redriven or retried). Must not lose them if it cannot act now: the store is the truth. */
  enqueue(refs: DueRef[]): Promise<void>;
}

/**
 * A reason not to deliver a claimed message at all (a schedule run past its misfire grace,
 * libs/schedules/misfire.ts), or undefined to deliver it. The engine then skips the message.
 */
export type Vet = (m: Message, now: number) => Promise<string | undefined>;
