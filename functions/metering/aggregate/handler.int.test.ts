/**
 * The aggregator against the real DynamoDB store on dynalite. dynalite has no streams, so the test
 * synthesises them (test/support/table-stream.ts): after every store call it turns the table's changes into the
 * records DynamoDB Streams (NEW_AND_OLD_IMAGES) would deliver.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { DeliveryOutcome } from '../../../libs/messages/outcome';
import type { RetryPolicy } from '../../../libs/domain/retry';
import { resultOf } from '../../../libs/messages/chain';
import { attemptResult } from '../../../libs/messages/lifecycle';
import type { MessageStore } from '../../../libs/messages/port';
import { toScheduleDto } from '../../../libs/schedules/dto';
import type { ScheduleStore } from '../../../libs/schedules/port';
import { createSqliteStores } from '../../../libs/store/sqlite';
import type { Message } from '../../../libs/messages/model';
import { createLogger } from '../../../libs/observability/logger';
import { useDynamoStores } from '../../../test/support/dynalite';
import { aSchedule, aMessage as fixtureMessage } from '../../../test/support/fixtures';
import { tableStream } from '../../../test/support/table-stream';
import { makeAggregateHandler } from './handler';

const T0 = Date.UTC(2026, 10, 23, 9);
const day = '2026-11-23';
const tenantId = 'ten_metered';
const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxAgeMs: 86_400_000 };

const db = useDynamoStores({ shards: 3 });

// Hundreds of dynalite calls (a table scan after every store call): about 4 s, past jest's default 5 s on a loaded machine.
jest.setTimeout(30_000);

const streamOf = () => tableStream(db.client, db.tableName);

const aMessage = (n: number, keyId: string, kind: string): Message =>
  fixtureMessage({
    id: `msg_${keyId}_${String(n).padStart(3, '0')}`,
    tenantId,
    appId: 'app_1',
    keyId,
    sendAt: T0,
    payload: JSON.stringify({ kind }),
    createdAt: T0,
    updatedAt: T0,
  });

/** The receiver of the reference scenario (e2e/usage.test.ts), plus one that never recovers. */
const outcomeOf = (m: Message): DeliveryOutcome => {
  const { kind } = JSON.parse(m.payload) as { kind: string };
  if (kind === 'fail') return { kind: 'permanent', statusCode: 400, durationMs: 3 };
  if ((kind === 'retry' && m.attemptCount === 0) || kind === 'down') return { kind: 'retry', statusCode: 500, durationMs: 3 };
  return { kind: 'success', statusCode: 200, durationMs: 3 };
};

describe('metering aggregator on the DynamoDB store', () => {
  it('counts a message flow exactly as the embedded meter does, whatever the batch boundaries', async () => {
    const stream = await streamOf();
    const records: DynamoDBRecord[] = [];
    const step = async (op: () => Promise<unknown>) => {
      await op();
      records.push(...(await stream.changes()));
    };

    // Reference scenario: 37 scheduled, 3 permanent failures, 2 successes on a retry (one batch call).
    const ctl = Array.from({ length: 37 }, (_, i) => aMessage(i, 'key_ctl', i < 3 ? 'fail' : i < 5 ? 'retry' : 'ok'));
    await step(() => db.stores.messages.create(ctl, T0));
    // Another key: one message retried until the budget is spent, one unclaimed before delivery (no attempt), then delivered.
    const down = aMessage(1, 'key_other', 'down');
    const unclaimed = aMessage(2, 'key_other', 'ok');
    await step(() => db.stores.messages.create([down, unclaimed], T0));
    await step(() => db.stores.messages.claim([{ id: unclaimed.id, tenantId, dueAt: T0 }], T0));
    await step(() => db.stores.messages.unclaim([{ id: unclaimed.id, tenantId, dueAt: T0 }], T0));
    // A message nobody's key created (none to count against).
    const keyless = { ...aMessage(1, 'nokey', 'ok'), keyId: undefined };
    await step(() => db.stores.messages.create([keyless], T0));

    // The engine: claim what is due, deliver, complete; retries come back a moment later.
    let now = T0;
    for (let round = 0; round < 10; round++) {
      const due = await db.stores.messages.due(0, now, 100);
      if (!due.length) break;
      let claimed: Message[] = [];
      await step(async () => (claimed = await db.stores.messages.claim(due, now)));
      await step(() =>
        db.stores.messages.complete(
          claimed.map((m) => attemptResult(m, policy, outcomeOf(m), now, now + 3)),
          now + 5,
        ),
      );
      now += 2_000; // past any retry's delay (the 1 s floor)
    }
    expect(await db.stores.messages.due(0, now + 3_600_000, 1)).toEqual([]);
    const attempts = await Promise.all([...ctl, down, unclaimed, keyless].map((m) => db.stores.messages.attempts(tenantId, m.id)));
    expect(attempts.flat()).toHaveLength(39 + 3 + 1 + 1);
    // Each rode in its message's outcome write: the stream holds no attempt items, only message changes.
    expect(records.filter((r) => r.dynamodb?.NewImage?.SK?.S?.startsWith('ATT#'))).toEqual([]);

    const usage = db.stores.usage;
    const increments: number[] = [];
    const handle = makeAggregateHandler(() => ({
      usage: {
        ...usage,
        increment: (rows) => {
          increments.push(rows.length);
          return usage.increment(rows);
        },
      },
      pending: db.stores.pendingCounters,
      logger: createLogger('silent'),
    }));
    // Stream batches cut anywhere: between a claim and its completion, an attempt item and its message.
    for (let i = 0; i < records.length; i += 17)
      expect(await handle({ Records: records.slice(i, i + 17) })).toEqual({ batchItemFailures: [] });
    expect(increments.length).toBeGreaterThan(1);

    const zero = { requests: 0 };
    expect(await usage.query(tenantId, day, day, 'key_ctl')).toEqual([
      { tenantId, keyId: 'key_ctl', date: day, ...zero, messagesScheduled: 37, deliveries: 34, attempts: 39, failures: 3 },
    ]);
    expect(await usage.query(tenantId, day, day, 'key_other')).toEqual([
      { tenantId, keyId: 'key_other', date: day, ...zero, messagesScheduled: 2, deliveries: 1, attempts: 4, failures: 1 },
    ]);
    expect((await usage.query(tenantId, day, day)).map((r) => r.keyId).sort()).toEqual(['key_ctl', 'key_other']);

    // Every message has ended: nothing is pending, whatever the batch boundaries.
    expect(await db.stores.messages.countPendingForTenant(tenantId)).toBe(0);
    expect(await db.stores.messages.countPending('key_ctl')).toBe(0);

    // The aggregator's own writes (usage rows, pending counters) come back on the stream: they count nothing.
    const own = await stream.changes();
    const ownKeys = own.map((r) => `${r.dynamodb?.Keys?.PK?.S}|${r.dynamodb?.Keys?.SK?.S}`);
    expect(ownKeys.filter((k) => k.startsWith('USE#')).sort()).toEqual([`USE#key_ctl|${day}`, `USE#key_other|${day}`]);
    expect(ownKeys.filter((k) => !k.startsWith('USE#')).every((k) => k.endsWith('|PENDING'))).toBe(true);
    const calls = increments.length;
    expect(await handle({ Records: own })).toEqual({ batchItemFailures: [] });
    expect(increments).toHaveLength(calls);
  });

  it('retries a batch whose counter write failed without losing or doubling it', async () => {
    const stream = await streamOf();
    // One snapshot per write: a stream has a record per write, not one per net change.
    await db.stores.messages.create([aMessage(1, 'key_a', 'ok'), aMessage(2, 'key_a', 'ok')], T0);
    const records = await stream.changes();
    const claimed = await db.stores.messages.claim([{ id: 'msg_key_a_001', tenantId, dueAt: T0 }], T0);
    records.push(...(await stream.changes()));
    await db.stores.messages.complete(
      claimed.map((m) => attemptResult(m, policy, outcomeOf(m), T0, T0 + 3)),
      T0 + 5,
    );
    records.push(...(await stream.changes()));

    let fail = true;
    const handle = makeAggregateHandler(() => ({
      usage: {
        ...db.stores.usage,
        increment: async (rows) => {
          if (fail)
            throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
          await db.stores.usage.increment(rows);
        },
      },
      pending: db.stores.pendingCounters,
      logger: createLogger('silent'),
    }));
    const first = await handle({ Records: records });
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.dynamodb!.SequenceNumber));
    expect(await db.stores.usage.query(tenantId, day, day)).toEqual([]);
    fail = false;
    expect(await handle({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await db.stores.usage.query(tenantId, day, day, 'key_a')).toEqual([
      { tenantId, keyId: 'key_a', date: day, requests: 0, messagesScheduled: 2, deliveries: 1, attempts: 1, failures: 0 },
    ]);
  });

  it('keeps pending counts per tenant and key from the stream: created, claimed, aborted, retried', async () => {
    const stream = await streamOf();
    const handle = makeAggregateHandler(() => ({
      usage: db.stores.usage,
      pending: db.stores.pendingCounters,
      logger: createLogger('silent'),
    }));
    const [m1, m2, m3] = [1, 2, 3].map((n) => aMessage(n, 'key_a', 'retry'));
    const step = async (op: () => Promise<unknown>) => {
      await op();
      expect(await handle({ Records: await stream.changes() })).toEqual({ batchItemFailures: [] });
    };
    await step(() => db.stores.messages.create([m1, m2, m3, { ...aMessage(4, 'nokey', 'ok'), keyId: undefined }], T0));
    expect([await db.stores.messages.countPendingForTenant(tenantId), await db.stores.messages.countPending('key_a')]).toEqual([4, 3]);
    let claimed: Message[] = [];
    await step(async () => (claimed = await db.stores.messages.claim([{ id: m1.id, tenantId, dueAt: T0 }], T0)));
    await step(() => db.stores.messages.transition(tenantId, m2.id, ['scheduled'], { status: 'aborted', abortedAt: T0 }, T0, 'abort'));
    expect([await db.stores.messages.countPendingForTenant(tenantId), await db.stores.messages.countPending('key_a')]).toEqual([2, 1]);
    await step(() =>
      db.stores.messages.complete(
        claimed.map((m) => attemptResult(m, policy, outcomeOf(m), T0, T0 + 3)),
        T0 + 5,
      ),
    );
    expect([await db.stores.messages.countPendingForTenant(tenantId), await db.stores.messages.countPending('key_a')]).toEqual([3, 2]);
  });
});

describe('schedule stats from the stream', () => {
  it('count finished runs as the embedded store does in its outcome write, whatever the batch boundaries', async () => {
    const sqlite = createSqliteStores({ filename: ':memory:' });
    try {
      const schedule = aSchedule({ id: 'sch_stats', tenantId, appId: 'app_1' });
      await db.stores.schedules.create(schedule);
      await sqlite.schedules.create(schedule);
      const stream = await streamOf();
      const records: DynamoDBRecord[] = [];
      const runs = ['ok', 'fail', 'retry', 'ok'].map((kind, i) => ({ ...aMessage(i, 'key_s', kind), scheduleId: schedule.id }));
      const both = async (op: (s: MessageStore) => Promise<unknown>) => {
        await op(db.stores.messages);
        records.push(...(await stream.changes()));
        await op(sqlite.messages);
      };
      await both((s) => s.create(runs, T0));
      let now = T0;
      for (let round = 0; round < 5; round++) {
        const due = await db.stores.messages.due(0, now, 100);
        if (!due.length) break;
        const claimed = await db.stores.messages.claim(due, now);
        records.push(...(await stream.changes()));
        await sqlite.messages.claim(due, now);
        const results = claimed.map((m, i) => {
          const outcome = outcomeOf(m);
          const r = attemptResult(m, policy, { ...outcome, durationMs: 10 * (i + 1) + round }, now, now + 3);
          return r.status === 'scheduled' ? r : { ...r, scheduleId: schedule.id, result: resultOf(outcome, r.attempt.durationMs) };
        });
        await both((s) => s.complete(results, now + 5));
        now += 2_000;
      }
      const handle = makeAggregateHandler(() => ({
        usage: db.stores.usage,
        runStats: db.stores.schedules,
        pending: db.stores.pendingCounters,
        logger: createLogger('silent'),
      }));
      for (let i = 0; i < records.length; i += 5)
        expect(await handle({ Records: records.slice(i, i + 5) })).toEqual({ batchItemFailures: [] });

      const statsOf = async (s: { schedules: Pick<ScheduleStore, 'get'> }) =>
        toScheduleDto((await s.schedules.get(tenantId, schedule.id))!, now).stats;
      const aws = await statsOf(db.stores);
      expect(aws).toEqual(await statsOf(sqlite));
      expect(aws).toMatchObject({ runs: 4, succeeded: 3, failed: 1, skipped: 0, lastStatus: 'delivered' });
    } finally {
      sqlite.close();
    }
  });
});
