import type { Attempt, Message, MessageStatus } from '../../messages/model';
import type { UpdateBuilder } from './expression';
import { Attr, Collections, idOf, Keys, Shards } from './schema';
import type { Item } from './table';

/** What the message items need to know about the table. */
export interface MessageTableOptions {
  /** Partitions of the due index. */
  shards: number;
  /**
   * How long a tenant's finished messages and their attempts are kept (its plan's `retentionDays`): set as
   * their TTL when they are written, so DynamoDB deletes them (up to a few days late). Undefined keeps them.
   */
  retentionMs?: (tenantId: string) => Promise<number>;
}

/** Statuses a message finishes in (its TTL is set when it reaches one). */
export const finishedStatuses: ReadonlySet<MessageStatus> = new Set(['delivered', 'failed', 'aborted']);

/** The TTL attribute's value (epoch seconds) of an item to delete `keepMs` after `fromMs`. */
export const ttlAt = (fromMs: number, keepMs: number): number => Math.ceil((fromMs + keepMs) / 1000);

const messageFields = [
  'id',
  'tenantId',
  'appId',
  'scheduleId',
  'keyId',
  'status',
  'sendAt',
  'dueAt',
  'payload',
  'headers',
  'retryPolicy',
  'idempotencyKey',
  'attemptCount',
  'attemptBase',
  'deliveredAt',
  'failedAt',
  'abortedAt',
  'lastError',
  'onSuccess',
  'onFailure',
  'chainOf',
  'chainDepth',
  'chained',
  'chainCut',
  'result',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Message)[];

/** Whether an item is a message item (not its attempts, nor any other item type). */
export const isMessageItem = (item: Item): boolean => {
  const pk = item[Attr.pk];
  if (typeof pk !== 'string') return false;
  const key = Keys.message(idOf(pk));
  return pk === key.PK && item[Attr.sk] === key.SK;
};

/** The message an item holds (index attributes dropped). */
export const toMessage = (item: Item): Message => {
  const m: Record<string, unknown> = {};
  for (const f of messageFields) if (item[f] !== undefined) m[f] = item[f];
  // `chained` is a string set (ADDed to by each final outcome that chains); ids sort in creation order.
  if (m.chained instanceof Set) m.chained = [...(m.chained as Set<string>)].sort();
  return m as unknown as Message;
};

/** The message as first stored: counters start at zero and only a scheduled message has a dueAt (as in SQLite). */
export const asCreated = (m: Message): Message => {
  const { deliveredAt: _d, failedAt: _f, abortedAt: _a, lastError: _l, result: _r, chained: _c, chainCut: _x, dueAt, ...rest } = m;
  return { ...rest, attemptCount: 0, attemptBase: 0, ...(m.status === 'scheduled' ? { dueAt: dueAt ?? m.sendAt } : {}) };
};

/**
 * The due-index partition of a message in `status`, or undefined when it gets no due-index entry: only a `scheduled`
 * message is on the engines' timeline. The one place that decides it, for new items and status changes alike.
 */
export const dueShardOf = (id: string, status: MessageStatus, o: MessageTableOptions): string | undefined =>
  status === 'scheduled' ? Shards.message(id, o.shards) : undefined;

/** The item of a new message, with its collection keys and, while scheduled, its due entry. */
export const messageItem = (m: Message, o: MessageTableOptions): Item => ({
  ...Keys.message(m.id),
  ...m,
  [Attr.gsi2pk]: Collections.tenantMessages(m.tenantId),
  [Attr.gsi2sk]: m.id,
  [Attr.gsi3pk]: Collections.appMessages(m.tenantId, m.appId),
  [Attr.gsi3sk]: m.id,
  ...(m.scheduleId !== undefined ? { [Attr.gsi4pk]: Collections.scheduleMessages(m.tenantId, m.scheduleId), [Attr.gsi4sk]: m.id } : {}),
  [Attr.dueShard]: dueShardOf(m.id, m.status, o),
});

/**
 * Keeps the due index in step with a status change (`dueShardOf`). The due index's range is `dueAt` itself, so it
 * follows dueAt changes on its own, and a message without dueAt is in no due range, just as SQLite's partial index.
 */
export const trackStatus = (b: UpdateBuilder, id: string, status: MessageStatus, o: MessageTableOptions): UpdateBuilder =>
  b.set(Attr.dueShard, dueShardOf(id, status, o));

/** The item of an attempt, in its message's partition, deleted `keepMs` after it started (when given). */
export const attemptItem = (a: Attempt, keepMs?: number): Item => ({
  ...Keys.attempt(a.messageId, a.attempt),
  ...a,
  ...(keepMs !== undefined ? { [Attr.ttl]: ttlAt(a.startedAt, keepMs) } : {}),
});

const attemptFields = [
  'messageId',
  'tenantId',
  'attempt',
  'startedAt',
  'durationMs',
  'outcome',
  'statusCode',
  'error',
  'responseBody',
] as const satisfies readonly (keyof Attempt)[];

/** The attempt an item holds. */
export const toAttempt = (item: Item): Attempt => {
  const a: Record<string, unknown> = {};
  for (const f of attemptFields) if (item[f] !== undefined) a[f] = item[f];
  return a as unknown as Attempt;
};
