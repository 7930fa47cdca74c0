import { ConflictError } from '../../domain/errors';
import { idempotencyWindowMs, type Message } from '../../messages/model';
import type { CreateResult } from '../../messages/port';
import { asCreated, messageItem, toMessage, type MessageTableOptions } from './message-items';
import { Attr, Keys } from './schema';
import { isConditionFailed, type Table } from './table';

/** Rounds of reserve → read before giving up (only reached if records keep expiring and being re-taken meanwhile). */
const maxRounds = 5;

/**
 * Stores one message, honouring its idempotency key without a transaction:
 *
 * 1. Reserve: put `IDEM#<appId>#<key>` → { messageId, expiresAt } if no record exists or it has
 *    expired (`expiresAt <= now`; TTL deletes old records on AWS but never decides, dynalite has none).
 * 2. The reservation holder writes the message (`attribute_not_exists`).
 * 3. A call that loses the reservation returns the reserved message. If that message is missing (its
 *    writer crashed between 1 and 2, or is still on its way), it writes its own content under the
 *    reserved id, with the same `attribute_not_exists` guard: whichever write lands first is the one
 *    message, and only that call reports `created: true`.
 *
 * So a key never yields two messages, and a crash between the two writes never loses the message
 * for good: the client's retry completes it.
 */
export const createMessage = async (table: Table, m: Message, now: number, o: MessageTableOptions): Promise<CreateResult> => {
  const message = asCreated(m);
  if (m.idempotencyKey === undefined) return writeOnce(table, message, now, o, true);
  const key = Keys.idempotency(m.appId, m.idempotencyKey);
  for (let round = 0; round < maxRounds; round++) {
    const expiresAt = now + idempotencyWindowMs;
    try {
      await table.put(
        { ...key, messageId: m.id, tenantId: m.tenantId, expiresAt, [Attr.ttl]: Math.ceil(expiresAt / 1000) },
        { expression: 'attribute_not_exists(PK) OR expiresAt <= :now', values: { ':now': now } },
      );
      return await writeOnce(table, message, now, o, false);
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const record = await table.get(key);
    // Deleted or expired since our put failed: reserve again.
    if (!record || (record.expiresAt as number) <= now) continue;
    const original = await table.get(Keys.message(record.messageId as string));
    if (original) return { message: toMessage(original), created: false };
    return writeOnce(table, { ...message, id: record.messageId as string }, now, o, false);
  }
  throw new ConflictError(`idempotency key ${m.idempotencyKey} is being reused concurrently; retry the request`);
};

/**
 * Writes a message at `now` unless its id already exists. A fresh id that exists is a bug (`strict`); a
 * reserved id that exists was written by a concurrent duplicate, whose message is the result.
 */
const writeOnce = async (table: Table, message: Message, now: number, o: MessageTableOptions, strict: boolean): Promise<CreateResult> => {
  try {
    await table.put(messageItem(message, now, o), { expression: 'attribute_not_exists(PK)' });
    return { message, created: true };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const existing = strict ? undefined : await table.get(Keys.message(message.id));
    if (!existing) throw new ConflictError(`message ${message.id} already exists`, { cause: err });
    return { message: toMessage(existing), created: false };
  }
};
