import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Message } from '../../messages/model';
import type { DueRef } from '../../messages/port';
import type { RunOutcome } from '../../schedules/port';
import type { PendingChange, UsageEvent } from '../../usage/model';
import { isMessageItem, timelineOf, toMessage } from './message-items';

/** The message item a stream image holds, or undefined when it holds another item (attempts, usage rows, etc.). */
const messageItemOf = (image: Record<string, unknown> | undefined) => {
  // aws-lambda's AttributeValue and the SDK's describe the same wire shape.
  const item = image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
  return item && isMessageItem(item) ? item : undefined;
};

/** The message a stream image holds, when the image is a message item. */
const messageOf = (image: Record<string, unknown> | undefined): Message | undefined => {
  const item = messageItemOf(image);
  return item && toMessage(item);
};

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The usage events of one DynamoDB stream record (table stream view `NEW_AND_OLD_IMAGES`), matching
 * what the embedded runtime records in-process (libs/runtime/local.ts), so `aggregateUsage` folds the
 * same message flow into the same counters on both runtimes:
 *
 * - **message_created**: the INSERT of a message item with a `keyId` (the conditional put of a new
 *   message; an idempotent replay writes no message item). `at` = `createdAt`, as embedded.
 * - **attempt_finished**: the MODIFY of a message item that `complete` moves out of `delivering`.
 *   `final` is the status it moves to (`delivered` / `failed`; a retry goes back to `scheduled`).
 *   `at` = the new `updatedAt`, i.e. the `now` of `complete` (embedded: the clock just after it).
 *
 * Why the message item and not the attempt item: whether an attempt was the last is
 * decided by the retry policy (an outcome `retry` past the budget ends `failed`), which only the
 * message's status records; and the attempt item and the message move arrive as two records, possibly
 * in two batches, so pairing them would need state. One move out of `delivering` per completed
 * attempt gives both the count and `final` from one record.
 *
 * Moves out of `delivering` that are not attempts are told apart: `unclaim` (delivering → scheduled,
 * delivery not started) and recovery keep `attemptCount`, so a move back to `scheduled` counts only
 * when `attemptCount` grew; `skip` (→ aborted) is not counted, as embedded. A crash between the
 * attempt put and the move counts nothing until the redelivery completes, as embedded. Known gap: a
 * stale result completing after a later attempt was counted (`complete` then moves without raising
 * `attemptCount`) back to `scheduled` is not counted here, while embedded counts it.
 *
 * REMOVE records (TTL, deletions) and every other item type yield nothing.
 */
export const usageEventsOf = (record: DynamoDBRecord): UsageEvent[] => {
  const next = messageOf(record.dynamodb?.NewImage);
  if (!next || typeof next.keyId !== 'string' || typeof next.tenantId !== 'string') return [];
  const base = { tenantId: next.tenantId, keyId: next.keyId };
  if (record.eventName === 'INSERT') return [{ type: 'message_created', ...base, at: num(next.createdAt) }];
  if (record.eventName !== 'MODIFY') return [];
  const prev = messageOf(record.dynamodb?.OldImage);
  if (prev?.status !== 'delivering') return [];
  const at = num(next.updatedAt);
  if (next.status === 'delivered' || next.status === 'failed') return [{ type: 'attempt_finished', ...base, at, final: next.status }];
  if (next.status === 'scheduled' && num(next.attemptCount) > num(prev.attemptCount)) return [{ type: 'attempt_finished', ...base, at }];
  return [];
};

/** The usage events of a batch of stream records, in record order. */
export const usageEvents = (records: Iterable<DynamoDBRecord>): UsageEvent[] => {
  const events: UsageEvent[] = [];
  for (const r of records) events.push(...usageEventsOf(r));
  return events;
};

/**
 * The finished schedule run of one stream record, for the schedule's `stats`: the MODIFY of a schedule's message that
 * `complete` moves out of `delivering` to `delivered` or `failed` (the same moves the embedded store counts in its
 * outcome transaction), with its final attempt's duration from its `result` and its finish time.
 */
export const runOutcomeOf = (record: DynamoDBRecord): RunOutcome | undefined => {
  if (record.eventName !== 'MODIFY') return undefined;
  const next = messageOf(record.dynamodb?.NewImage);
  if (!next?.scheduleId || (next.status !== 'delivered' && next.status !== 'failed')) return undefined;
  if (messageOf(record.dynamodb?.OldImage)?.status !== 'delivering') return undefined;
  return {
    tenantId: next.tenantId,
    scheduleId: next.scheduleId,
    status: next.status,
    finishedAt: num(next.status === 'delivered' ? next.deliveredAt : next.failedAt),
    durationMs: num(next.result?.durationMs),
  };
};

/**
 * The pending-count change of one stream record: +1 when a message item becomes `scheduled` (INSERT, or MODIFY from
 * another status: a retry, an unclaim, a hold, a redrive), -1 when it stops being so (MODIFY to another status: a claim,
 * an abort; REMOVE). Held messages (scheduled without `dueAt`) count as scheduled, as the port says. A write that keeps
 * the status (a reschedule) changes nothing.
 */
export const pendingChangeOf = (record: DynamoDBRecord): PendingChange | undefined => {
  const prev = messageOf(record.dynamodb?.OldImage);
  const next = messageOf(record.dynamodb?.NewImage);
  const m = next ?? prev;
  if (!m || typeof m.tenantId !== 'string') return undefined;
  const delta = (next?.status === 'scheduled' ? 1 : 0) - (prev?.status === 'scheduled' ? 1 : 0);
  if (delta === 0) return undefined;
  return { tenantId: m.tenantId, ...(typeof m.keyId === 'string' ? { keyId: m.keyId } : {}), delta };
};

/** The pending-count changes of a batch of stream records. */
export const pendingChanges = (records: Iterable<DynamoDBRecord>): PendingChange[] => {
  const out: PendingChange[] = [];
  for (const r of records) {
    const c = pendingChangeOf(r);
    if (c) out.push(c);
  }
  return out;
};

/**
 * The message one stream record puts on the due timeline, for the AWS engine's hand-off (functions/engine/handoff): a
 * message item whose new image is `scheduled` with a `dueAt`, where the old image was none (INSERT), another status
 * (a retry or an unclaim from `delivering`, a redrive from `failed` or `aborted`) or `scheduled` without a `dueAt` (a
 * held message released). A held message (no `dueAt`) and a write that leaves the due time alone hand nothing over.
 * infra/engine.ts `handoffFilterPatterns` lets only such records reach the function.
 */
export const dueRefOf = (record: DynamoDBRecord): DueRef | undefined => {
  // Only the plain attributes: the hand-off never unpacks a payload it does not send.
  const timeline = (image: Record<string, unknown> | undefined) => {
    const item = messageItemOf(image);
    return item && timelineOf(item);
  };
  const next = timeline(record.dynamodb?.NewImage);
  if (next?.status !== 'scheduled' || typeof next.dueAt !== 'number') return undefined;
  const prev = timeline(record.dynamodb?.OldImage);
  if (prev?.status === 'scheduled' && prev.dueAt !== undefined) return undefined;
  return { id: next.id, tenantId: next.tenantId, dueAt: next.dueAt };
};
