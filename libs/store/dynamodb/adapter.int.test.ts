/**
 * What the shared contract cannot see: the DynamoDB layout (sparse indexes), the races that single-item
 * conditional writes must win without transactions, and paging across several requests.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../../domain/ids';
import { InvalidCursorError } from '../../domain/page';
import { randomBytes } from 'node:crypto';
import { idempotencyWindowMs, maxPayloadBytes, maxResultBodyBytes } from '../../messages/model';
import type { Schedule } from '../../schedules/model';
import { inItemAttempts } from './message-items';
import { Index, Keys } from './schema';
import { createDynamoStores } from '../dynamodb';
import { itemSize } from '../../../test/support/capacity';
import { pendingCountsSettler } from '../../../test/support/table-stream';
import { attemptItemsOf, rawItem, useDynamoStores } from '../../../test/support/dynalite';
import { anApp, aSchedule as fixtureSchedule, messagesLike } from '../../../test/support/fixtures';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const A = newId('ten');
const appId = newId('app');

const aMessage = messagesLike({ tenantId: A, appId });

const db = useDynamoStores({ shards: 4 });

const attemptItems = (id: string) => attemptItemsOf(db, id);
const raw = (id: string) => rawItem(db, Keys.message(id));

describe('DynamoDB store', () => {
  describe('sparse indexes', () => {
    it('keeps a message in the due index only while it is scheduled', async () => {
      const settle = await pendingCountsSettler(db.client, db.tableName, db.stores.pendingCounters);
      const keyId = newId('key');
      const m = aMessage({ keyId, sendAt: T0 });
      await db.stores.messages.create([m], T0);
      expect(await raw(m.id)).toMatchObject({ dueShard: expect.stringMatching(/^DUE#MSG#[0-3]$/), dueAt: T0 });
      await db.stores.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
      expect(await raw(m.id)).not.toHaveProperty('dueShard');
      await settle();
      expect(await db.stores.messages.countPending(keyId)).toBe(0);
      await db.stores.messages.complete([{ attempt: attempt(m.id, 1), status: 'scheduled', dueAt: T0 + 500 }], T0 + 10);
      await settle();
      expect(await db.stores.messages.countPending(keyId)).toBe(1);
      expect(await db.stores.messages.due(0, T0 + 500, 10)).toEqual([{ id: m.id, tenantId: A, dueAt: T0 + 500 }]);
    });

    it('puts a redriven message back in the due range at its new time', async () => {
      const m = aMessage();
      await db.stores.messages.create([m], T0);
      await db.stores.messages.transition(A, m.id, ['scheduled'], { status: 'aborted', dueAt: undefined, abortedAt: T0 }, T0, 'abort');
      expect(await db.stores.messages.due(0, T0 + 120_000, 10)).toEqual([]);
      await db.stores.messages.transition(
        A,
        m.id,
        ['failed', 'aborted'],
        { status: 'scheduled', sendAt: T0 + 5, dueAt: T0 + 5 },
        T0,
        'redrive',
      );
      expect(await db.stores.messages.due(0, T0 + 120_000, 10)).toEqual([{ id: m.id, tenantId: A, dueAt: T0 + 5 }]);
    });

    it('with dueEntryBeyondMs, gives a due entry only to a message due further ahead than that at each write', async () => {
      const stores = createDynamoStores({ client: db.client, tableName: db.tableName, shards: 4, dueEntryBeyondMs: 15 * 60_000 });
      const soon = aMessage({ sendAt: T0 + 15 * 60_000 });
      const later = aMessage({ sendAt: T0 + 15 * 60_000 + 1 });
      await stores.messages.create([soon, later], T0);
      expect(await raw(soon.id)).not.toHaveProperty('dueShard');
      expect(await raw(soon.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 15 * 60_000 });
      expect(await raw(later.id)).toMatchObject({ dueShard: expect.stringMatching(/^DUE#MSG#[0-3]$/), status: 'scheduled' });
      expect((await stores.messages.due(0, T0 + 3_600_000, 10)).map((r) => r.id)).toEqual([later.id]);

      // A retry due soon leaves the index; one due beyond the bound is back in it.
      const at = T0 + 15 * 60_000 + 1;
      await stores.messages.claim([{ id: later.id, tenantId: A, dueAt: at }], at);
      await stores.messages.complete([{ attempt: attempt(later.id, 1), status: 'scheduled', dueAt: at + 30_000 }], at);
      expect(await raw(later.id)).not.toHaveProperty('dueShard');
      await stores.messages.claim([{ id: later.id, tenantId: A, dueAt: at + 30_000 }], at + 30_000);
      await stores.messages.complete([{ attempt: attempt(later.id, 2), status: 'scheduled', dueAt: at + 3_600_000 }], at + 30_000);
      expect(await raw(later.id)).toMatchObject({ dueShard: expect.stringMatching(/^DUE#MSG#[0-3]$/), dueAt: at + 3_600_000 });
      // A redrive at once has none either.
      await stores.messages.transition(A, soon.id, ['scheduled'], { status: 'aborted', dueAt: undefined, abortedAt: T0 }, T0, 'abort');
      await stores.messages.transition(A, soon.id, ['aborted'], { status: 'scheduled', sendAt: T0, dueAt: T0 }, T0, 'redrive');
      expect(await raw(soon.id)).not.toHaveProperty('dueShard');
      expect(await raw(soon.id)).toMatchObject({ status: 'scheduled', dueAt: T0 });
    });

    it('merges the shards into one earliest-first list', async () => {
      const times = Array.from({ length: 30 }, (_, i) => T0 + ((i * 7919) % 30) * 1000);
      const messages = times.map((sendAt) => aMessage({ sendAt }));
      await db.stores.messages.create(messages, T0);
      const due = await db.stores.messages.due(T0 + 2_000, T0 + 20_000, 10);
      expect(due.map((d) => d.dueAt)).toEqual(
        [...times]
          .sort((a, b) => a - b)
          .filter((t) => t > T0 + 2_000)
          .slice(0, 10),
      );
    });

    it('moves a schedule along the due index with its cursor, and out of it when paused', async () => {
      const s = aSchedule({ nextRunAt: T0 + 1_000 });
      await db.stores.schedules.create(s);
      await db.stores.schedules.update({
        tenantId: A,
        scheduleId: s.id,
        expected: { state: 'active', nextRunAt: T0 + 1_000 },
        change: { nextRunAt: T0 + 9_000 },
      });
      expect((await db.stores.schedules.due(T0 + 5_000, 10)).map((x) => x.id)).toEqual([]);
      expect((await db.stores.schedules.due(T0 + 9_000, 10)).map((x) => x.id)).toEqual([s.id]);
      await db.stores.schedules.update({ tenantId: A, scheduleId: s.id, expected: undefined, change: { state: 'paused' } });
      expect(await db.stores.schedules.due(T0 + 9_000, 10)).toEqual([]);
      const entries = await db.client.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: Index.byParent,
          KeyConditionExpression: 'G3 = :p',
          ExpressionAttributeValues: { ':p': `T#${A}#APP#${appId}#SCH` },
        }),
      );
      expect(entries.Items).toHaveLength(1);
    });
  });

  describe('compact message item', () => {
    it('packs what never changes into one attribute, so a 1 KiB JSON payload fits a 1 KB item', async () => {
      const payload = JSON.stringify({
        type: 'order.created',
        order: { id: 'ord_ntOXbWiGPFlzY4CXawX0', items: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${i}`, quantity: i })) },
        note: 'leave the parcel with the neighbour',
      }).padEnd(1024, ' ');
      const m = aMessage({ keyId: newId('key'), payload, headers: { 'x-order': '7' } });
      await db.stores.messages.create([m], T0);
      const item = await raw(m.id);
      expect(item).not.toHaveProperty('payload');
      expect(item.c).toBeInstanceOf(Uint8Array);
      expect(itemSize(item)).toBeLessThanOrEqual(1024);
      expect(await db.stores.messages.get(A, m.id)).toEqual({ ...m, attemptCount: 0, attemptBase: 0, dueAt: m.sendAt });
    });

    it('round-trips the biggest message: an incompressible 256 KiB payload, its item full of attempts, a 64 KiB result', async () => {
      const payload = JSON.stringify(
        randomBytes(maxPayloadBytes)
          .toString('base64')
          .slice(0, maxPayloadBytes - 2),
      );
      expect(Buffer.byteLength(payload)).toBe(maxPayloadBytes);
      const m = aMessage({ sendAt: T0, payload });
      await db.stores.messages.create([m], T0);
      // Each excerpt packs to just under the most an attempt may take in the item.
      const retries = Array.from({ length: inItemAttempts }, (_, i) => ({
        ...attempt(m.id, i + 1),
        statusCode: 503,
        responseBody: randomBytes(1_950).toString('base64'),
      }));
      for (const a of retries) {
        await db.stores.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
        await db.stores.messages.complete([{ attempt: a, status: 'scheduled', dueAt: T0 }], T0);
      }
      expect(await attemptItems(m.id)).toEqual([]);
      await db.stores.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
      const result = {
        status: 200,
        durationMs: 5,
        body: randomBytes(maxResultBodyBytes).toString('base64'),
        bodyEncoding: 'base64' as const,
        bodyTruncated: true,
      };
      const last = { ...attempt(m.id, inItemAttempts + 1), outcome: 'success' as const, statusCode: 200 };
      await db.stores.messages.complete([{ attempt: last, status: 'delivered', result }], T0 + 5);
      expect(await db.stores.messages.get(A, m.id)).toMatchObject({ status: 'delivered', payload, result });
      expect(await db.stores.messages.attempts(A, m.id)).toEqual([...retries, last]);
      expect(itemSize(await raw(m.id))).toBeLessThan(400 * 1024);
    });
  });

  describe('attempts', () => {
    it('keeps the first attempts in the message item, and as items of their own the later ones and any too big', async () => {
      const m = aMessage({ sendAt: T0 });
      await db.stores.messages.create([m], T0);
      const all = Array.from({ length: inItemAttempts + 2 }, (_, i) => ({
        ...attempt(m.id, i + 1),
        statusCode: 500,
        // The second answers with an excerpt that does not pack small.
        responseBody: i === 1 ? randomBytes(3 * 1024).toString('base64') : `{"error":"busy","try":${i + 1}}`,
      }));
      for (const a of all) {
        await db.stores.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
        await db.stores.messages.complete([{ attempt: a, status: 'scheduled', dueAt: T0 }], T0);
      }
      expect((await attemptItems(m.id)).map((i) => i.attempt)).toEqual([2, inItemAttempts + 1, inItemAttempts + 2]);
      expect(await db.stores.messages.attempts(A, m.id)).toEqual(all);
      expect(await db.stores.messages.attempts(newId('ten'), m.id)).toEqual([]);
      expect(await db.stores.messages.get(A, m.id)).toMatchObject({ status: 'scheduled', attemptCount: inItemAttempts + 2 });
    });

    it('records an attempt completed twice (a redelivered result) once', async () => {
      const m = aMessage({ sendAt: T0 });
      await db.stores.messages.create([m], T0);
      for (let i = 0; i < 2; i++) {
        await db.stores.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
        await db.stores.messages.complete([{ attempt: attempt(m.id, 1), status: 'scheduled', dueAt: T0 }], T0);
      }
      expect(await db.stores.messages.attempts(A, m.id)).toEqual([attempt(m.id, 1)]);
    });
  });

  describe('app deletion', () => {
    it("reads the app's messages through its collection and writes only the scheduled ones", async () => {
      const [scheduled, claimed, aborted] = [aMessage(), aMessage({ sendAt: T0 }), aMessage()];
      await db.stores.messages.create([scheduled, claimed, aborted], T0);
      await db.stores.messages.claim([{ id: claimed.id, tenantId: A, dueAt: T0 }], T0);
      await db.stores.messages.transition(A, aborted.id, ['scheduled'], { status: 'aborted' }, T0, 'abort');
      const writes: string[] = [];
      const name = 'count-writes';
      db.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (/^(Put|Update|Delete)/.test(context.commandName ?? '')) writes.push((args.input as { Key: { PK: string } }).Key.PK);
          return next(args);
        },
        { step: 'initialize', name },
      );
      try {
        expect(await db.stores.messages.abortAllForApp(A, appId, T0 + 1)).toBe(1);
      } finally {
        db.client.middlewareStack.remove(name);
      }
      expect(writes).toEqual([Keys.message(scheduled.id).PK]);
      expect(await db.stores.messages.get(A, claimed.id)).toMatchObject({ status: 'delivering' });
    });
  });

  describe('idempotency without transactions', () => {
    it('gives concurrent duplicates one message', async () => {
      const calls = Array.from({ length: 6 }, () => db.stores.messages.create([aMessage({ idempotencyKey: 'order-7' })], T0));
      const results = (await Promise.all(calls)).flat();
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect((await db.stores.messages.list(A, {}, { limit: 10 })).items).toHaveLength(1);
    });

    it('completes a reservation whose writer stopped before writing the message', async () => {
      const orphan = newId('msg');
      await db.client.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...Keys.idempotency(appId, 'k'), messageId: orphan, tenantId: A, expiresAt: T0 + idempotencyWindowMs },
        }),
      );
      const [retry] = await db.stores.messages.create([aMessage({ idempotencyKey: 'k' })], T0 + 1_000);
      expect(retry).toMatchObject({ created: true, message: { id: orphan } });
      const [again] = await db.stores.messages.create([aMessage({ idempotencyKey: 'k' })], T0 + 2_000);
      expect(again).toMatchObject({ created: false, message: { id: orphan } });
      expect(await db.stores.messages.get(A, orphan)).toMatchObject({ status: 'scheduled', dueAt: T0 + 60_000 });
    });
  });

  describe('conditional writes', () => {
    it('never lowers attemptCount when a stale attempt completes', async () => {
      const m = aMessage({ sendAt: T0 });
      await db.stores.messages.create([m], T0);
      const ref = [{ id: m.id, tenantId: A, dueAt: T0 }];
      await db.stores.messages.claim(ref, T0);
      await db.stores.messages.complete([{ attempt: attempt(m.id, 2), status: 'scheduled', dueAt: T0 }], T0);
      await db.stores.messages.claim(ref, T0 + 1);
      await db.stores.messages.complete([{ attempt: attempt(m.id, 1), status: 'failed', lastError: 'HTTP 400' }], T0 + 2);
      expect(await db.stores.messages.get(A, m.id)).toMatchObject({ status: 'failed', attemptCount: 2, failedAt: T0 + 2 });
    });

    it('applies two updates of one schedule in a batch in order', async () => {
      const s = aSchedule({ nextRunAt: T0 });
      await db.stores.schedules.create(s);
      const ref = { tenantId: A, scheduleId: s.id };
      const results = await db.stores.schedules.updateMany([
        { ...ref, expected: { state: 'active', nextRunAt: T0 }, change: { nextRunAt: T0 + 1, runs: 1 } },
        { ...ref, expected: { state: 'active', nextRunAt: T0 + 1 }, change: { nextRunAt: T0 + 2, runs: 1 } },
      ]);
      expect(results.map((r) => r?.nextRunAt)).toEqual([T0 + 1, T0 + 2]);
      expect((await db.stores.schedules.get(A, s.id))?.runCount).toBe(2);
    });
  });

  describe('paging', () => {
    it('filters by status across several index reads and pages with a cursor', async () => {
      const messages = Array.from({ length: 130 }, (_, i) => aMessage({ id: newId('msg', new Date(T0 + i * 1000)) }));
      await db.stores.messages.create(messages, T0);
      const aborted = [messages[3], messages[64], messages[120]];
      for (const m of aborted) await db.stores.messages.transition(A, m.id, ['scheduled'], { status: 'aborted' }, T0, 'abort');
      const p1 = await db.stores.messages.list(A, { appId, status: 'aborted' }, { limit: 2 });
      expect(p1.items.map((m) => m.id)).toEqual([messages[120].id, messages[64].id]);
      const p2 = await db.stores.messages.list(A, { status: 'aborted' }, { limit: 2, cursor: p1.nextCursor });
      expect(p2.items.map((m) => m.id)).toEqual([messages[3].id]);
      expect(p2.nextCursor).toBeUndefined();
    });

    it('continues after a cursor whose item was deleted meanwhile', async () => {
      const apps = Array.from({ length: 4 }, (_, i) =>
        anApp({ id: newId('app', new Date(T0 + i * 1000)), tenantId: A, name: `a${i}`, maxConcurrency: 1 }),
      );
      for (const app of apps) await db.stores.apps.create(app);
      const p1 = await db.stores.apps.list(A, { limit: 2 });
      await db.stores.apps.delete(A, apps[2].id);
      const p2 = await db.stores.apps.list(A, { limit: 2, cursor: p1.nextCursor });
      expect(p2.items.map((a) => a.id)).toEqual([apps[1].id, apps[0].id]);
    });

    it('refuses a malformed cursor (400 on cursor) rather than answering an empty page', async () => {
      await expect(db.stores.messages.list(A, {}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
});

function attempt(messageId: string, n: number) {
  return { messageId, tenantId: A, attempt: n, startedAt: T0, durationMs: 5, outcome: 'retry' as const };
}

function aSchedule(over: Partial<Schedule> = {}): Schedule {
  return fixtureSchedule({ tenantId: A, appId, expression: 'rate(1 minute)', misfireGraceSeconds: 60, ...over });
}
