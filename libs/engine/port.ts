/**
 * One verb per meaning, in both engines (embedded: libs/engine/timer; AWS: libs/engine/eventbridge), their
 * functions, infrastructure and docs:
 * - enqueue: take messages that became due at `dueAt` (created, redriven, retried); the `Engine` port below.
 * - hand off (AWS): the table stream gives every message entering `scheduled` to the engine's enqueue
 *   (functions/engine/handoff); the services' own engine handle there takes nothing.
 * - claim: move a due `scheduled` message to `delivering`, conditionally (an abort that won stays aborted).
 * - unclaim: move a claimed message whose delivery has not started back to `scheduled`, at its due time (or later, when
 *   it must wait for its tenant's next minute on AWS).
 * - park (embedded): hold a due entry of an app whose queue is full aside, unclaimed, until it drains.
 * - skip: abort a claimed message the vet refuses (a misfired schedule run) instead of delivering it.
 * - hold: hand a claimed message of a suspended tenant back unattempted, off the due timeline (`scheduled`, no dueAt),
 *   until its tenant is resumed; release: put a resumed tenant's held messages back on it.
 * - deliver: one attempt of a claimed message: the request, its recorded outcome, the retry enqueued.
 * - recover: after an unclean stop, return every `delivering` message to `scheduled` (embedded start);
 *   take over: the AWS equivalent for one message whose claim's lease ran out.
 * - refill (embedded): load the due window from the store's due index; fire: the window's alarm goes off.
 * - send (AWS): put messages on the delivery queue (SQS), each with the delay until it is due.
 * - book (AWS): make sure a minute bucket has its Scheduler `at()` wake-up; wake: that wake-up runs and
 *   queues one page job per due-index shard; page: send one page of a bucket shard to the delivery queue.
 * - sweep (AWS): the minute job: materialise due schedule runs and re-send overdue messages.
 * - tick: one pass of a periodic job (the schedule materialiser's); nudge: ask the materialiser for one soon.
 */
import type { Message } from '../messages/model';
import type { DueRef } from '../messages/port';

/** What the services tell the delivery engine. Embedded: an in-memory window; AWS: SQS and minute buckets. */
export interface Engine {
  /**
   * Messages that became due at `dueAt` (created, redriven or retried). Must not lose them if it
   * cannot act now: the store is the truth.
   */
  enqueue(refs: DueRef[]): Promise<void>;
}

/**
 * A reason not to deliver a claimed message at all (a schedule run past its misfire grace,
 * libs/schedules/misfire.ts), or undefined to deliver it. The engine then skips the message.
 */
export type Vet = (m: Message, now: number) => Promise<string | undefined>;

/**
 * Whether a claimed message must wait instead of being delivered (its tenant is suspended, libs/tenancy): the engine then
 * holds it, unattempted, until the tenant is resumed and its held messages are released.
 */
export type Hold = (m: Message) => Promise<boolean>;
