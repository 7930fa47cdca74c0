import type { Page, PageRequest } from '../../domain/page';
import { MessageNotFoundError, MessageStateConflictError } from '../../messages/errors';
import type { Attempt, Message, MessageStatus } from '../../messages/model';
import type { AttemptResult, CreateResult, DueRef, MessageChange, MessageFilter, MessageStore } from '../../messages/port';
import { UpdateBuilder } from './expression';
import { createMessage } from './idempotency';
import {
  attemptItem,
  attemptsInItem,
  inItemAttempt,
  isMessageItem,
  finishedStatuses,
  MessageAttr as M,
  ownedBy,
  ownedByCondition,
  tenantOf,
  timelineOf,
  toAttempt,
  toMessage,
  trackStatus,
  ttlAt,
  type MessageTableOptions,
} from './message-items';
import { pack } from './packing';
import { pageOf } from './paging';
import { DynamoPendingCounters } from './pending';
import { Attr, Collections, idOf, Index, Keys, Shards } from './schema';
import { mapLimit, mapLimitKeyed, type Table } from './table';

/** Options of the message store. */
export interface DynamoMessageOptions extends MessageTableOptions {
  /** Single-item writes in flight at once for one multi-item call. */
  concurrency: number;
}

const changeFields = new Set<keyof MessageChange>([
  'status',
  'sendAt',
  'dueAt',
  'attemptBase',
  'abortedAt',
  'failedAt',
  'deliveredAt',
  'lastError',
]);

/**
 * Messages in DynamoDB. Every state change is one conditional UpdateItem on the message item;
 * multi-message calls are loops of those (see libs/store/dynamodb.md for why that is safe).
 */
export class DynamoMessageStore implements MessageStore {
  /** The pending counts the stream keeps (`countPending*` read them). */
  private readonly pendingCounters: DynamoPendingCounters;

  constructor(
    private readonly table: Table,
    private readonly o: DynamoMessageOptions,
  ) {
    this.pendingCounters = new DynamoPendingCounters(table, o.concurrency);
  }

  async create(messages: Message[], now: number): Promise<CreateResult[]> {
    // Messages sharing an idempotency key run one after another, so a batch deduplicates within itself.
    const idemKey = (m: Message) => (m.idempotencyKey === undefined ? undefined : `${m.appId}\u0000${m.idempotencyKey}`);
    return mapLimitKeyed(messages, this.o.concurrency, idemKey, (m) => createMessage(this.table, m, now, this.o));
  }

  async get(tenantId: string, messageId: string): Promise<Message | undefined> {
    const item = await this.table.get(Keys.message(messageId));
    return item && ownedBy(item, tenantId) ? toMessage(item) : undefined;
  }

  async list(tenantId: string, filter: MessageFilter, page: PageRequest): Promise<Page<Message>> {
    // The most selective collection index names the partition; the other filters apply after reading.
    const [index, pkAttr, pk, sk] = filter.scheduleId
      ? [Index.bySchedule, Attr.gsi4pk, Collections.scheduleMessages(tenantId, filter.scheduleId), Attr.gsiSk]
      : filter.appId
        ? [Index.byParent, Attr.gsi3pk, Collections.appMessages(tenantId, filter.appId), Attr.gsiSk]
        : [Index.byTenant, Attr.gsi2pk, Collections.tenantMessages(tenantId), Attr.gsiSk];
    const needsFilter = filter.status !== undefined || (filter.scheduleId !== undefined && filter.appId !== undefined);
    return pageOf<Message>(
      this.table,
      {
        query: (before) => ({
          IndexName: index,
          KeyConditionExpression: before ? `${pkAttr} = :pk AND ${sk} < :before` : `${pkAttr} = :pk`,
          ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
        }),
        idOf: (entry) => entry[sk] as string,
        load: async (entries) => {
          const items = await this.table.batchGet(entries.map((e) => Keys.message(e[sk] as string)));
          const found = new Map(items.filter((i) => ownedBy(i, tenantId)).map((i) => [idOf(i.PK as string), toMessage(i)]));
          return entries.map((e) => found.get(e[sk] as string));
        },
        ...(needsFilter && {
          accept: (m: Message) =>
            (filter.status === undefined || m.status === filter.status) && (filter.appId === undefined || m.appId === filter.appId),
        }),
      },
      page,
    );
  }

  async transition(
    tenantId: string,
    messageId: string,
    from: MessageStatus[],
    change: MessageChange,
    now: number,
    action: string,
  ): Promise<Message> {
    const b = new UpdateBuilder();
    for (const [field, value] of Object.entries(change))
      if (changeFields.has(field as keyof MessageChange)) b.set(M[field as keyof MessageChange], value);
    b.set(M.updatedAt, now);
    if (change.status !== undefined) {
      trackStatus(b, { id: messageId, status: change.status, dueAt: change.dueAt, now }, this.o);
      await this.expireWith(b, tenantId, change.status, now);
    }
    b.when((u) => `attribute_exists(PK) AND ${ownedByCondition(u, tenantId)}`);
    b.when((u) => (from.length ? `${u.name(M.status)} IN (${from.map((s) => u.value(s)).join(', ')})` : 'attribute_not_exists(PK)'));
    const item = await this.table.update(Keys.message(messageId), b);
    if (item) return toMessage(item);
    // The failed condition does not say which part failed: read the item to tell a missing message from a conflict.
    const current = await this.get(tenantId, messageId);
    if (!current) throw new MessageNotFoundError(messageId);
    throw new MessageStateConflictError(messageId, current.status, action);
  }

  async attempts(tenantId: string, messageId: string): Promise<Attempt[]> {
    // One query reads the message item (its first attempts) and the attempt items beside it in its partition.
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': Keys.message(messageId).PK },
      ConsistentRead: true,
    });
    const message = items.find(isMessageItem);
    if (!message || !ownedBy(message, tenantId)) return [];
    const byNumber = new Map(attemptsInItem(message).map((a) => [a.attempt, a]));
    for (const i of items) if (i !== message && i.tenantId === tenantId) byNumber.set(i.attempt as number, toAttempt(i));
    return [...byNumber.values()].sort((a, b) => a.attempt - b.attempt);
  }

  async due(after: number, until: number, limit: number): Promise<DueRef[]> {
    // Times are integer milliseconds, so (after, until] is [after + 1, until] for BETWEEN.
    const from = Math.floor(after) + 1;
    if (from > until || limit <= 0) return [];
    // Each shard's first `limit` entries hold every candidate of the overall first `limit`.
    const perShard = await Promise.all(
      Shards.allMessages(this.o.shards).map((shard) =>
        this.table.query(
          {
            IndexName: Index.due,
            KeyConditionExpression: '#shard = :shard AND #due BETWEEN :from AND :until',
            ExpressionAttributeNames: { '#shard': Attr.dueShard, '#due': Attr.dueAt },
            ExpressionAttributeValues: { ':shard': shard, ':from': from, ':until': until },
          },
          limit,
        ),
      ),
    );
    return perShard
      .flat()
      .map((e) => ({ id: idOf(e.PK as string), tenantId: tenantOf(e), dueAt: e.dueAt as number }))
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  /** Partitions of the due index (the AWS engine pages a bucket shard by shard). */
  get shardCount(): number {
    return this.o.shards;
  }

  /**
   * One page of a due-index shard: scheduled messages with `from <= dueAt <= until`, earliest first.
   * Pages by the index's own cursor, so messages sharing one `dueAt` are never skipped at a page edge
   * (unlike `due`, whose cursor is a time). `cursor` is opaque: pass back what the previous page returned.
   */
  async duePage(shard: number, from: number, until: number, limit: number, cursor?: string): Promise<{ refs: DueRef[]; cursor?: string }> {
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.o.shards)
      throw new RangeError(`shard must be 0..${this.o.shards - 1}, got ${shard}`);
    const page = await this.table.queryPage({
      IndexName: Index.due,
      KeyConditionExpression: '#shard = :shard AND #due BETWEEN :from AND :until',
      ExpressionAttributeNames: { '#shard': Attr.dueShard, '#due': Attr.dueAt },
      ExpressionAttributeValues: {
        ':shard': Shards.allMessages(this.o.shards)[shard],
        ':from': Math.ceil(from),
        ':until': Math.floor(until),
      },
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown> } : {}),
    });
    return {
      refs: page.items.map((e) => ({ id: idOf(e.PK as string), tenantId: tenantOf(e), dueAt: e.dueAt as number })),
      ...(page.lastKey ? { cursor: Buffer.from(JSON.stringify(page.lastKey), 'utf8').toString('base64url') } : {}),
    };
  }

  /**
   * Takes over a message left `delivering` by a worker that stopped (its lease, `updatedAt`, is at or
   * before `staleBefore`): one conditional write, so of two takers one wins. Returns it, or undefined.
   */
  async reclaimStale(tenantId: string, messageId: string, staleBefore: number, now: number): Promise<Message | undefined> {
    const b = new UpdateBuilder()
      .set(M.updatedAt, now)
      .when(
        (u) =>
          `${ownedByCondition(u, tenantId)} AND ${u.name(M.status)} = ${u.value('delivering')} ` +
          `AND ${u.name(M.updatedAt)} <= ${u.value(staleBefore)}`,
      );
    const item = await this.table.update(Keys.message(messageId), b);
    return item && toMessage(item);
  }

  async claim(refs: DueRef[], now: number): Promise<Message[]> {
    const claimed = await mapLimit(refs, this.o.concurrency, async (ref) => {
      const b = new UpdateBuilder()
        .set(M.status, 'delivering')
        .set(M.updatedAt, now)
        .remove(Attr.dueAt)
        .when((u) => `${u.name(M.status)} = ${u.value('scheduled')} AND ${u.name(Attr.dueAt)} <= ${u.value(now)}`);
      trackStatus(b, { id: ref.id, status: 'delivering', dueAt: undefined, now }, this.o);
      const item = await this.table.update(Keys.message(ref.id), b);
      return item && toMessage(item);
    });
    return claimed.filter((m): m is Message => m !== undefined);
  }

  /**
   * Without a transaction, the chained message is created first, under its idempotency key (derived from the source and
   * its retry budget, `chainIdempotencyKey`): if the process stops before the source moves, the redelivery's final
   * outcome finds that message instead of creating a second, and none is lost. (A stale result, whose message moved on
   * meanwhile, may still have created its chain: a lease takeover's at-least-once.)
   */
  async complete(results: AttemptResult[], now: number): Promise<Message[]> {
    const chained = await mapLimit(results, this.o.concurrency, async (r): Promise<Message | undefined> => {
      const keep = await this.o.retentionMs?.(r.attempt.tenantId);
      const chain = r.status !== 'scheduled' && r.chain ? await createMessage(this.table, r.chain, now, this.o) : undefined;
      // The attempt rides in the outcome write when the item keeps it; otherwise it is written first: if the process
      // stops before the message moves, recovery retries it and the attempt item of the same number is overwritten.
      const kept = inItemAttempt(r.attempt);
      if (!kept) await this.table.put(attemptItem(r.attempt, keep));
      const key = Keys.message(r.attempt.messageId);
      const chainId = chain?.message.id;
      const finish = (count: boolean) => this.finish(r, now, count, keep, chainId, kept);
      if (await this.table.update(key, finish(true))) return chain?.created ? chain.message : undefined;
      // attemptCount only grows (SQLite's MAX): if a later attempt was already counted, finish without it.
      const current = await this.table.get(key);
      if (current?.status === 'delivering') await this.table.update(key, finish(false));
      return chain?.created ? chain.message : undefined;
    });
    return chained.filter((m): m is Message => m !== undefined);
  }

  /**
   * Sets the TTL of a message moving to `status`: its tenant's retention from now once it is finished;
   * none while it is scheduled again (a redrive), so it cannot expire before it is done.
   */
  private async expireWith(b: UpdateBuilder, tenantId: string, status: MessageStatus, now: number): Promise<void> {
    if (!this.o.retentionMs) return;
    if (finishedStatuses.has(status)) b.set(Attr.ttl, ttlAt(now, await this.o.retentionMs(tenantId)));
    else b.remove(Attr.ttl);
  }

  private finish(r: AttemptResult, now: number, count: boolean, keepMs?: number, chainId?: string, kept?: Uint8Array): UpdateBuilder {
    const id = r.attempt.messageId;
    const b = new UpdateBuilder().set(M.status, r.status).set(M.lastError, r.lastError).set(M.updatedAt, now);
    if (kept) b.setEntry(M.attempts, String(r.attempt.attempt), kept);
    if (r.result) b.set(M.result, pack(r.result));
    if (chainId !== undefined) b.addToSet(M.chained, chainId);
    else if (r.chainCut !== undefined && r.status !== 'scheduled') b.set(M.chainCut, r.chainCut);
    if (keepMs !== undefined && r.status !== 'scheduled') b.set(Attr.ttl, ttlAt(now, keepMs));
    b.set(Attr.dueAt, r.status === 'scheduled' ? (r.dueAt ?? now) : undefined);
    if (r.status === 'delivered') b.set(M.deliveredAt, now);
    if (r.status === 'failed') b.set(M.failedAt, now);
    if (count) b.set(M.attemptCount, r.attempt.attempt);
    trackStatus(b, { id, status: r.status, dueAt: r.dueAt ?? now, now }, this.o);
    return b.when(
      (u) =>
        `${u.name(M.status)} = ${u.value('delivering')}` +
        (count
          ? ` AND (attribute_not_exists(${u.name(M.attemptCount)}) OR ${u.name(M.attemptCount)} <= ${u.value(r.attempt.attempt)})`
          : ''),
    );
  }

  async unclaim(refs: DueRef[], now: number): Promise<number> {
    const moved = await mapLimit(refs, this.o.concurrency, async (ref) => {
      const b = new UpdateBuilder().set(M.status, 'scheduled').set(Attr.dueAt, ref.dueAt).set(M.updatedAt, now);
      trackStatus(b, { id: ref.id, status: 'scheduled', dueAt: ref.dueAt, now }, this.o).when(
        (u) => `${u.name(M.status)} = ${u.value('delivering')} AND ${ownedByCondition(u, ref.tenantId)}`,
      );
      return (await this.table.update(Keys.message(ref.id), b)) !== undefined;
    });
    return moved.filter(Boolean).length;
  }

  async recoverInFlight(now: number): Promise<number> {
    // No index holds in-flight messages (claims would pay for it on every delivery): this start-up and
    // maintenance path scans. The AWS engine relies on SQS redelivery instead.
    const inFlight = await this.table.scan({
      FilterExpression: 'SK = :msg AND #status = :delivering',
      ProjectionExpression: 'PK',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':msg': 'MSG', ':delivering': 'delivering' },
    });
    const moved = await mapLimit(inFlight, this.o.concurrency, async (e) => {
      const id = idOf(e.PK as string);
      const b = new UpdateBuilder().set(M.status, 'scheduled').set(Attr.dueAt, now).set(M.updatedAt, now);
      trackStatus(b, { id, status: 'scheduled', dueAt: now, now }, this.o).when((u) => `${u.name(M.status)} = ${u.value('delivering')}`);
      return (await this.table.update(Keys.message(id), b)) !== undefined;
    });
    return moved.filter(Boolean).length;
  }

  async countPending(keyId: string): Promise<number> {
    return this.pendingCounters.ofKey(keyId);
  }

  async countPendingForTenant(tenantId: string): Promise<number> {
    return this.pendingCounters.ofTenant(tenantId);
  }

  async releaseHeld(tenantId: string, dueAt: number, now: number): Promise<DueRef[]> {
    // Held messages are the scheduled ones without dueAt; the condition re-checks that in the write.
    const released: DueRef[] = [];
    const all = Collections.tenantMessages(tenantId);
    for await (const page of this.collectionPages(tenantId, Index.byTenant, Attr.gsi2pk, all)) {
      const held = page.filter((m) => m.status === 'scheduled' && m.dueAt === undefined);
      const moved = await mapLimit(held, this.o.concurrency, async ({ id }) => {
        const b = new UpdateBuilder().set(Attr.dueAt, dueAt).set(M.updatedAt, now);
        trackStatus(b, { id, status: 'scheduled', dueAt, now }, this.o).when(
          (u) =>
            `${u.name(M.status)} = ${u.value('scheduled')} AND ${ownedByCondition(u, tenantId)} ` +
            `AND attribute_not_exists(${u.name(Attr.dueAt)})`,
        );
        return (await this.table.update(Keys.message(id), b)) ? { id, tenantId, dueAt } : undefined;
      });
      released.push(...moved.filter((r): r is DueRef => r !== undefined));
    }
    return released;
  }

  async tenantsWithHeld(): Promise<string[]> {
    // A maintenance path, like recoverInFlight: no index holds held messages (suspension is rare).
    const held = await this.table.scan({
      FilterExpression: 'SK = :msg AND #status = :scheduled AND attribute_not_exists(#due)',
      ProjectionExpression: Attr.gsi2pk,
      ExpressionAttributeNames: { '#status': 'status', '#due': Attr.dueAt },
      ExpressionAttributeValues: { ':msg': 'MSG', ':scheduled': 'scheduled' },
    });
    return [...new Set(held.map(tenantOf))];
  }

  async abortAllForApp(tenantId: string, appId: string, now: number): Promise<number> {
    const keep = await this.o.retentionMs?.(tenantId);
    let aborted = 0;
    const app = Collections.appMessages(tenantId, appId);
    for await (const page of this.collectionPages(tenantId, Index.byParent, Attr.gsi3pk, app)) {
      const moved = await mapLimit(
        page.filter((m) => m.status === 'scheduled'),
        this.o.concurrency,
        async ({ id }) => {
          const b = new UpdateBuilder().set(M.status, 'aborted').set(M.abortedAt, now).set(M.updatedAt, now).remove(Attr.dueAt);
          if (keep !== undefined) b.set(Attr.ttl, ttlAt(now, keep));
          trackStatus(b, { id, status: 'aborted', dueAt: undefined, now }, this.o).when(
            (u) => `${u.name(M.status)} = ${u.value('scheduled')} AND ${ownedByCondition(u, tenantId)}`,
          );
          return (await this.table.update(Keys.message(id), b)) !== undefined;
        },
      );
      aborted += moved.filter(Boolean).length;
    }
    return aborted;
  }

  /**
   * The tenant's messages of one collection (a KEYS_ONLY index partition), a page of index entries at a time, read
   * strongly: app deletion and releasing held messages pick the scheduled ones among them. No index holds only the
   * scheduled messages, because every create and claim would pay a write for its entry; these rare calls pay reads
   * instead (1 read unit per 4 KB of the collection's items, finished messages included until their TTL deletes them),
   * and write only the messages they change: a conditional write that fails still costs a write unit.
   */
  private async *collectionPages(
    tenantId: string,
    index: string,
    pkAttr: string,
    pk: string,
  ): AsyncGenerator<ReturnType<typeof timelineOf>[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.queryPage({
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pkAttr },
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: start,
      });
      const items = await this.table.batchGet(page.items.map((e) => ({ PK: e.PK as string, SK: e.SK as string })));
      // Status and due time are all the callers pick by: no packed content is opened.
      yield items.filter((i) => ownedBy(i, tenantId)).map(timelineOf);
      start = page.lastKey;
    } while (start);
  }
}
