/**
 * The store contract: one suite, run unchanged against every adapter
 * (SQLite here; DynamoDB on dynalite with the AWS runtime). Import it only from tests.
 */
import type { Stores } from '../../../libs/store/port';
import type { App } from '../../../libs/apps/model';
import { newId } from '../../../libs/domain/ids';
import { defaultRetryPolicy } from '../../../libs/domain/retry';
import { MessageNotFoundError, MessageStateConflictError } from '../../../libs/messages/errors';
import { idempotencyWindowMs, type Message } from '../../../libs/messages/model';
import { describeScheduleContract } from './schedules';

/** What a store adapter under test provides. */
export interface StoreUnderTest extends Stores {
  close(): Promise<void> | void;
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

const anApp = (tenantId: string, over: Partial<App> = {}): App => ({
  id: newId('app'),
  tenantId,
  name: 'orders',
  target: { type: 'http', url: 'https://example.com/hook', headers: { authorization: 'Bearer s3cret' } },
  retryPolicy: defaultRetryPolicy,
  maxConcurrency: 10,
  signingSecret: 'whsec_dGVzdA==',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const aMessage = (tenantId: string, appId: string, over: Partial<Message> = {}): Message => ({
  id: newId('msg'),
  tenantId,
  appId,
  status: 'scheduled',
  sendAt: T0 + 60_000,
  payload: '{"n":1}',
  attemptCount: 0,
  attemptBase: 0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** Registers the contract suite for one adapter. `open` gives a fresh, empty store each time. */
export const describeStoreContract = (adapter: string, open: () => Promise<StoreUnderTest>): void => {
  describe(`store contract: ${adapter}`, () => {
    let store: StoreUnderTest;
    const A = newId('ten');
    const B = newId('ten');
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('tenants', () => {
      it('creates and reads a tenant', async () => {
        await store.tenants.create({ id: A, name: 'acme', plan: 'free', owner: 'operator', createdAt: T0 });
        expect(await store.tenants.get(A)).toEqual({ id: A, name: 'acme', plan: 'free', owner: 'operator', createdAt: T0 });
        expect(await store.tenants.get(B)).toBeUndefined();
      });
    });

    describe('apps', () => {
      it('round-trips an app and hides it from other tenants', async () => {
        const app = anApp(A);
        await store.apps.create(app);
        expect(await store.apps.get(A, app.id)).toEqual(app);
        expect(await store.apps.get(B, app.id)).toBeUndefined();
      });

      it('lists newest first with a cursor', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const app = anApp(A, { id: newId('app', new Date(T0 + i * 1000)) });
          ids.push(app.id);
          await store.apps.create(app);
        }
        await store.apps.create(anApp(B));
        const first = await store.apps.list(A, { limit: 3 });
        expect(first.items.map((a) => a.id)).toEqual([ids[4], ids[3], ids[2]]);
        expect(first.nextCursor).toBeDefined();
        const second = await store.apps.list(A, { limit: 3, cursor: first.nextCursor });
        expect(second.items.map((a) => a.id)).toEqual([ids[1], ids[0]]);
        expect(second.nextCursor).toBeUndefined();
      });

      it('updates and deletes only within the tenant', async () => {
        const app = anApp(A);
        await store.apps.create(app);
        await store.apps.update({ ...app, name: 'renamed' });
        expect((await store.apps.get(A, app.id))?.name).toBe('renamed');
        await expect(store.apps.update({ ...app, tenantId: B })).rejects.toThrow(/not found/);
        expect(await store.apps.delete(B, app.id)).toBe(false);
        expect(await store.apps.delete(A, app.id)).toBe(true);
        expect(await store.apps.get(A, app.id)).toBeUndefined();
      });
    });

    describe('keys', () => {
      const aKey = (tenantId: string) => ({
        id: newId('key'),
        tenantId,
        name: 'ci',
        scope: 'control' as const,
        plan: 'free',
        hash: newId('key').slice(4),
        createdAt: T0,
      });

      it('finds a key by hash and by id, and revokes it once', async () => {
        const key = aKey(A);
        await store.keys.create(key);
        expect(await store.keys.getByHash(key.hash)).toEqual(key);
        expect(await store.keys.getById(key.id)).toEqual(key);
        expect(await store.keys.get(B, key.id)).toBeUndefined();
        expect(await store.keys.revoke(B, key.id, T0 + 1)).toBe(false);
        expect(await store.keys.revoke(A, key.id, T0 + 1)).toBe(true);
        expect(await store.keys.revoke(A, key.id, T0 + 2)).toBe(false);
        expect((await store.keys.getByHash(key.hash))?.revokedAt).toBe(T0 + 1);
      });

      it('records last use and lists per tenant', async () => {
        const key = aKey(A);
        await store.keys.create(key);
        await store.keys.create(aKey(B));
        await store.keys.touch(key.id, T0 + 5);
        const page = await store.keys.list(A, { limit: 10 });
        expect(page.items).toHaveLength(1);
        expect(page.items[0].lastUsedAt).toBe(T0 + 5);
      });
    });

    describe('messages', () => {
      const appId = newId('app');

      it('creates and reads a message, hidden from other tenants', async () => {
        const m = aMessage(A, appId, { headers: { 'x-a': '1' }, retryPolicy: defaultRetryPolicy, keyId: newId('key') });
        const [res] = await store.messages.create([m], T0);
        expect(res.created).toBe(true);
        const read = await store.messages.get(A, m.id);
        expect(read).toEqual({ ...m, dueAt: m.sendAt });
        expect(await store.messages.get(B, m.id)).toBeUndefined();
      });

      it('returns the original for a repeated idempotency key within the window, a new one after it', async () => {
        const first = aMessage(A, appId, { idempotencyKey: 'order-1' });
        const [r1] = await store.messages.create([first], T0);
        const [r2] = await store.messages.create([aMessage(A, appId, { idempotencyKey: 'order-1' })], T0 + 1000);
        expect(r1.created).toBe(true);
        expect(r2).toMatchObject({ created: false, message: { id: first.id } });
        const otherApp = await store.messages.create([aMessage(A, newId('app'), { idempotencyKey: 'order-1' })], T0 + 1000);
        expect(otherApp[0].created).toBe(true);
        const later = aMessage(A, appId, { idempotencyKey: 'order-1' });
        const [r3] = await store.messages.create([later], T0 + idempotencyWindowMs + 1);
        expect(r3).toMatchObject({ created: true, message: { id: later.id } });
      });

      it('creates several in one call, deduplicating within the call', async () => {
        const res = await store.messages.create(
          [aMessage(A, appId), aMessage(A, appId, { idempotencyKey: 'k' }), aMessage(A, appId, { idempotencyKey: 'k' })],
          T0,
        );
        expect(res.map((r) => r.created)).toEqual([true, true, false]);
        expect(res[2].message.id).toBe(res[1].message.id);
      });

      it('lists newest first with filters and a cursor', async () => {
        const other = newId('app');
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          const m = aMessage(A, appId, { id: newId('msg', new Date(T0 + i * 1000)), scheduleId: i % 2 ? 'sch_x' : undefined });
          ids.push(m.id);
          await store.messages.create([m], T0);
        }
        await store.messages.create([aMessage(A, other), aMessage(B, appId)], T0);
        const p1 = await store.messages.list(A, { appId }, { limit: 3 });
        expect(p1.items.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
        const p2 = await store.messages.list(A, { appId }, { limit: 3, cursor: p1.nextCursor });
        expect(p2.items.map((m) => m.id)).toEqual([ids[0]]);
        expect(p2.nextCursor).toBeUndefined();
        expect((await store.messages.list(A, { scheduleId: 'sch_x' }, { limit: 10 })).items.map((m) => m.id)).toEqual([ids[3], ids[1]]);
        expect((await store.messages.list(A, {}, { limit: 10 })).items).toHaveLength(5);
        await store.messages.transition(A, ids[0], ['scheduled'], { status: 'aborted', dueAt: undefined, abortedAt: T0 }, T0, 'abort');
        expect((await store.messages.list(A, { status: 'aborted' }, { limit: 10 })).items.map((m) => m.id)).toEqual([ids[0]]);
      });

      it('transitions conditionally and says why it refused', async () => {
        const m = aMessage(A, appId);
        await store.messages.create([m], T0);
        const aborted = await store.messages.transition(A, m.id, ['scheduled'], { status: 'aborted', abortedAt: T0 + 1 }, T0 + 1, 'abort');
        expect(aborted).toMatchObject({ status: 'aborted', abortedAt: T0 + 1, updatedAt: T0 + 1 });
        await expect(store.messages.transition(A, m.id, ['scheduled'], { status: 'aborted' }, T0, 'abort')).rejects.toBeInstanceOf(
          MessageStateConflictError,
        );
        await expect(store.messages.transition(B, m.id, ['aborted'], { status: 'scheduled' }, T0, 'redrive')).rejects.toBeInstanceOf(
          MessageNotFoundError,
        );
      });

      it('finds due messages earliest first within (after, until]', async () => {
        const early = aMessage(A, appId, { sendAt: T0 + 1_000 });
        const late = aMessage(A, appId, { sendAt: T0 + 5_000 });
        const beyond = aMessage(B, appId, { sendAt: T0 + 60_000 });
        await store.messages.create([late, beyond, early], T0);
        expect(await store.messages.due(0, T0 + 10_000, 10)).toEqual([
          { id: early.id, tenantId: A, dueAt: T0 + 1_000 },
          { id: late.id, tenantId: A, dueAt: T0 + 5_000 },
        ]);
        expect((await store.messages.due(T0 + 1_000, T0 + 10_000, 10)).map((d) => d.id)).toEqual([late.id]);
        expect(await store.messages.due(0, T0 + 10_000, 1)).toHaveLength(1);
      });

      it('claims only due, still-scheduled messages: an abort before the claim wins', async () => {
        const due1 = aMessage(A, appId, { sendAt: T0 });
        const due2 = aMessage(A, appId, { sendAt: T0 });
        const notYet = aMessage(A, appId, { sendAt: T0 + 10_000 });
        await store.messages.create([due1, due2, notYet], T0);
        await store.messages.transition(A, due2.id, ['scheduled'], { status: 'aborted', dueAt: undefined }, T0, 'abort');
        const refs = [due1, due2, notYet].map((m) => ({ id: m.id, tenantId: A, dueAt: m.sendAt }));
        const claimed = await store.messages.claim(refs, T0 + 1);
        expect(claimed.map((m) => m.id)).toEqual([due1.id]);
        expect(claimed[0]).toMatchObject({ status: 'delivering', payload: '{"n":1}' });
        expect(await store.messages.claim(refs, T0 + 2)).toEqual([]);
        await expect(store.messages.transition(A, due1.id, ['scheduled'], { status: 'aborted' }, T0, 'abort')).rejects.toBeInstanceOf(
          MessageStateConflictError,
        );
      });

      it('completes attempts: records them and moves to delivered, failed or back to scheduled', async () => {
        const [ok, bad, again] = [
          aMessage(A, appId, { sendAt: T0 }),
          aMessage(A, appId, { sendAt: T0 }),
          aMessage(A, appId, { sendAt: T0 }),
        ];
        await store.messages.create([ok, bad, again], T0);
        await store.messages.claim(
          [ok, bad, again].map((m) => ({ id: m.id, tenantId: A, dueAt: T0 })),
          T0,
        );
        const attempt = (messageId: string, outcome: 'success' | 'retry' | 'permanent_failure', statusCode: number) => ({
          messageId,
          tenantId: A,
          attempt: 1,
          startedAt: T0,
          durationMs: 12,
          outcome,
          statusCode,
          responseBody: 'body',
        });
        await store.messages.complete(
          [
            { attempt: attempt(ok.id, 'success', 200), status: 'delivered' },
            { attempt: attempt(bad.id, 'permanent_failure', 400), status: 'failed', lastError: 'HTTP 400' },
            { attempt: attempt(again.id, 'retry', 503), status: 'scheduled', dueAt: T0 + 2_000, lastError: 'HTTP 503' },
          ],
          T0 + 100,
        );
        expect(await store.messages.get(A, ok.id)).toMatchObject({ status: 'delivered', deliveredAt: T0 + 100, attemptCount: 1 });
        expect(await store.messages.get(A, bad.id)).toMatchObject({ status: 'failed', failedAt: T0 + 100, lastError: 'HTTP 400' });
        expect(await store.messages.get(A, again.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 2_000, attemptCount: 1 });
        expect(await store.messages.attempts(A, ok.id)).toEqual([attempt(ok.id, 'success', 200)]);
        expect(await store.messages.attempts(B, ok.id)).toEqual([]);
        expect((await store.messages.due(0, T0 + 5_000, 10)).map((d) => d.id)).toEqual([again.id]);
      });

      it('recovers in-flight messages after a crash, due at once', async () => {
        const m = aMessage(A, appId, { sendAt: T0 });
        await store.messages.create([m], T0);
        await store.messages.claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
        expect(await store.messages.recoverInFlight(T0 + 50)).toBe(1);
        expect(await store.messages.get(A, m.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 50 });
      });

      it("counts a key's scheduled messages", async () => {
        const keyId = newId('key');
        await store.messages.create([aMessage(A, appId, { keyId }), aMessage(A, appId, { keyId }), aMessage(A, appId)], T0);
        const [m] = await store.messages.create([aMessage(A, appId, { keyId })], T0);
        await store.messages.transition(A, m.message.id, ['scheduled'], { status: 'aborted' }, T0, 'abort');
        expect(await store.messages.countPending(keyId)).toBe(2);
        expect(await store.messages.countPending(newId('key'))).toBe(0);
      });

      it('aborts every scheduled message of a deleted app', async () => {
        const keep = aMessage(A, newId('app'));
        const gone = [aMessage(A, appId), aMessage(A, appId)];
        await store.messages.create([keep, ...gone], T0);
        expect(await store.messages.abortAllForApp(A, appId, T0 + 1)).toBe(2);
        expect((await store.messages.get(A, gone[0].id))?.status).toBe('aborted');
        expect((await store.messages.get(A, keep.id))?.status).toBe('scheduled');
        expect(await store.messages.due(0, T0 + 120_000, 10)).toHaveLength(1);
      });
    });

    describe('schedules', () => describeScheduleContract(() => store.schedules, { A, B, T0 }));

    describe('usage', () => {
      const row = (keyId: string, date: string, n: number) => ({
        tenantId: A,
        keyId,
        date,
        requests: n,
        messagesScheduled: 2 * n,
        deliveries: n,
        attempts: 3 * n,
        failures: 0,
      });

      it('adds increments and queries by tenant, range and key', async () => {
        await store.usage.increment([row('key_a', '2026-06-01', 1), row('key_b', '2026-06-01', 5)]);
        await store.usage.increment([
          row('key_a', '2026-06-01', 2),
          row('key_a', '2026-06-03', 1),
          { ...row('key_c', '2026-06-01', 9), tenantId: B },
        ]);
        expect(await store.usage.query(A, '2026-06-01', '2026-06-02')).toEqual([
          row('key_a', '2026-06-01', 3),
          row('key_b', '2026-06-01', 5),
        ]);
        expect(await store.usage.query(A, '2026-06-01', '2026-06-30', 'key_a')).toEqual([
          row('key_a', '2026-06-01', 3),
          row('key_a', '2026-06-03', 1),
        ]);
        expect(await store.usage.query(A, '2026-06-01', '2026-06-30', 'key_c')).toEqual([]);
        expect(await store.usage.requestsSince('key_a', '2026-06-02')).toBe(1);
        expect(await store.usage.requestsSince('key_a', '2026-05-01')).toBe(4);
      });
    });
  });
};
