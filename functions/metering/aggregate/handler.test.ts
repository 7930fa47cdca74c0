import type { DynamoDBRecord } from 'aws-lambda';
import type { Message } from '../../../libs/messages/model';
import type { Logger } from '../../../libs/observability/logger';
import { messageItem } from '../../../libs/store/dynamodb/message-items';
import type { PendingChange, UsageRow } from '../../../libs/usage/model';
import type { UsageStore } from '../../../libs/usage/port';
import { aMessage } from '../../../test/support/fixtures';
import { nextSequenceNumber, streamRecord } from '../../../test/support/stream-records';
import { makeAggregateHandler } from './handler';

const T = Date.UTC(2026, 10, 23, 12);
const rec = streamRecord;
/** A message item as the table holds it. */
const msg = (id: string, keyId: string, over: Partial<Message> = {}) =>
  messageItem(aMessage({ id, tenantId: 'ten_a', keyId, status: 'scheduled', attemptCount: 0, createdAt: T, updatedAt: T, ...over }), T, {
    shards: 1,
  });
const created = (id: string, keyId = 'key_1') => rec('INSERT', undefined, msg(id, keyId));
const delivered = (id: string, keyId = 'key_1') =>
  rec('MODIFY', msg(id, keyId, { status: 'delivering' }), msg(id, keyId, { status: 'delivered', attemptCount: 1, updatedAt: T + 1 }));
/** A record whose image is not valid AttributeValue JSON: reading it throws. */
const unreadable = (): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: nextSequenceNumber(), NewImage: { SK: { BOGUS: 'x' } as never } },
});

/** An in-memory usage store that can be told to fail its next increments. */
const memoryUsage = () => {
  const rows = new Map<string, UsageRow>();
  let failures = 0;
  const store: UsageStore & {
    calls: UsageRow[][];
    failNext(n?: number): void;
    total(keyId: string): Omit<UsageRow, 'tenantId' | 'keyId' | 'date'> | undefined;
  } = {
    calls: [],
    failNext: (n = 1) => {
      failures = n;
    },
    increment: async (inc) => {
      store.calls.push(inc);
      if (failures > 0) {
        failures--;
        throw new Error('ProvisionedThroughputExceededException');
      }
      for (const r of inc) {
        const id = `${r.keyId}|${r.date}`;
        const cur = rows.get(id) ?? { ...r, requests: 0, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 };
        rows.set(id, {
          ...cur,
          requests: cur.requests + r.requests,
          messagesScheduled: cur.messagesScheduled + r.messagesScheduled,
          deliveries: cur.deliveries + r.deliveries,
          attempts: cur.attempts + r.attempts,
          failures: cur.failures + r.failures,
        });
      }
    },
    query: async () => [...rows.values()],
    requestsSince: async () => 0,
    total: (keyId) => {
      const r = [...rows.values()].find((x) => x.keyId === keyId);
      if (!r) return undefined;
      const { tenantId: _t, keyId: _k, date: _d, ...counters } = r;
      return counters;
    },
  };
  return store;
};

const recordingLogger = () => {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  const logger: Logger & { lines: typeof lines } = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return logger;
};

/** Pending counters in memory: the sum of every change per tenant and per key. */
const memoryPending = () => {
  const counts = new Map<string, number>();
  const add = (id: string, d: number) => counts.set(id, (counts.get(id) ?? 0) + d);
  return {
    counts,
    add: async (changes: PendingChange[]) => {
      for (const c of changes) {
        add(`t:${c.tenantId}`, c.delta);
        if (c.keyId) add(`k:${c.keyId}`, c.delta);
      }
    },
  };
};

const setup = () => {
  const usage = memoryUsage();
  const logger = recordingLogger();
  const pending = memoryPending();
  return { usage, logger, pending, handle: makeAggregateHandler(() => ({ usage, pending, logger })) };
};
const ids = (records: DynamoDBRecord[]) => records.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! }));

describe('metering aggregator', () => {
  it('folds a whole batch into one increment, one row per key and day', async () => {
    const { usage, handle } = setup();
    const records = [created('m1'), created('m2'), created('m3', 'key_2'), delivered('m1'), delivered('m3', 'key_2')];
    expect(await handle({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(usage.calls).toHaveLength(1);
    expect(usage.calls[0]).toHaveLength(2);
    expect(usage.total('key_1')).toEqual({ requests: 0, messagesScheduled: 2, deliveries: 1, attempts: 1, failures: 0 });
    expect(usage.total('key_2')).toEqual({ requests: 0, messagesScheduled: 1, deliveries: 1, attempts: 1, failures: 0 });
  });

  it('sums the pending-count changes of a batch per tenant and key', async () => {
    const { pending, handle } = setup();
    const claim = rec('MODIFY', msg('m1', 'key_1'), msg('m1', 'key_1', { status: 'delivering' }));
    expect(await handle({ Records: [created('m1'), created('m2'), created('m3', 'key_2'), claim, delivered('m1')] })).toEqual({
      batchItemFailures: [],
    });
    expect(Object.fromEntries(pending.counts)).toEqual({ 't:ten_a': 2, 'k:key_1': 1, 'k:key_2': 1 });
  });

  it('writes nothing for a batch of changes metering ignores', async () => {
    const { usage, handle } = setup();
    const claim = rec('MODIFY', msg('m1', 'key_1'), msg('m1', 'key_1', { status: 'delivering' }));
    expect(await handle({ Records: [claim] })).toEqual({ batchItemFailures: [] });
    expect(await handle({ Records: [] })).toEqual({ batchItemFailures: [] });
    expect(usage.calls).toEqual([]);
  });

  it('reports every record failed when the counters cannot be written, and the retried batch counts once', async () => {
    const { usage, logger, handle } = setup();
    const records = [created('m1'), created('m2'), delivered('m1')];
    usage.failNext();
    expect(await handle({ Records: records })).toEqual({ batchItemFailures: ids(records) });
    expect(usage.total('key_1')).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: expect.stringContaining('could not write usage counters') }),
    );
    expect(await handle({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(usage.total('key_1')).toEqual({ requests: 0, messagesScheduled: 2, deliveries: 1, attempts: 1, failures: 0 });
  });

  it('counts only the records before an unreadable one, reports it and all after it: a retry from there counts nothing twice', async () => {
    const { usage, logger, handle } = setup();
    const before = [created('m1'), created('m2')];
    const poison = unreadable();
    const after = [delivered('m1'), created('m3')];
    expect(await handle({ Records: [...before, poison, ...after] })).toEqual({ batchItemFailures: ids([poison, ...after]) });
    expect(usage.total('key_1')).toEqual({ requests: 0, messagesScheduled: 2, deliveries: 0, attempts: 0, failures: 0 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: { sequenceNumber: poison.dynamodb!.SequenceNumber, retried: 3 } }),
    );
    // The stream resumes at the poison record; once it is skipped (retries exhausted, bisected away), the rest counts once.
    expect(await handle({ Records: after })).toEqual({ batchItemFailures: [] });
    expect(usage.total('key_1')).toEqual({ requests: 0, messagesScheduled: 3, deliveries: 1, attempts: 1, failures: 0 });
  });

  it('builds its dependencies once, on the first invocation', async () => {
    const usage = memoryUsage();
    const deps = jest.fn(() => ({ usage, pending: memoryPending(), logger: recordingLogger() }));
    const handle = makeAggregateHandler(deps);
    expect(deps).not.toHaveBeenCalled();
    await handle({ Records: [created('m1')] });
    await handle({ Records: [created('m2')] });
    expect(deps).toHaveBeenCalledTimes(1);
    expect(usage.total('key_1')?.messagesScheduled).toBe(2);
  });
});
