/** The message store contract (run for every adapter by ./index.ts). Tests only. */
import { newId } from '../../../libs/domain/ids';
import { InvalidCursorError } from '../../../libs/domain/page';
import { defaultRetryPolicy } from '../../../libs/domain/retry';
import { MessageNotFoundError, MessageStateConflictError } from '../../../libs/messages/errors';
import { idempotencyWindowMs, type Message } from '../../../libs/messages/model';
import type { MessageStore } from '../../../libs/messages/port';
import { chainOf } from '../../../libs/messages/chain';
import type { AppStore } from '../../../libs/apps/port';
import { anApp, aMessage as fixtureMessage } from '../fixtures';
import type { ContractContext } from './context';

/**
 * Registers the message store contract; `store` gives the fresh store of the current test, `settle` brings pending counts
 * up to date with the writes (on DynamoDB they follow the table stream).
 */
export const describeMessageContract = (
  store: () => MessageStore,
  { A, B, T0 }: ContractContext,
  apps: () => AppStore,
  settle: () => Promise<void>,
): void => {
  const appId = newId('app');
  // A payload of its own, so a claim is seen to return the stored payload.
  const aMessage = (tenantId: string, appId: string, over: Partial<Message> = {}): Message =>
    fixtureMessage({ tenantId, appId, sendAt: T0 + 60_000, payload: '{"n":1}', createdAt: T0, updatedAt: T0, ...over });

  it('creates and reads a message, hidden from other tenants', async () => {
    const m = aMessage(A, appId, { headers: { 'x-a': '1' }, retryPolicy: defaultRetryPolicy, keyId: newId('key') });
    const [res] = await store().create([m], T0);
    expect(res.created).toBe(true);
    const read = await store().get(A, m.id);
    expect(read).toEqual({ ...m, dueAt: m.sendAt });
    expect(await store().get(B, m.id)).toBeUndefined();
  });

  it('returns the original for a repeated idempotency key within the window, a new one after it', async () => {
    const first = aMessage(A, appId, { idempotencyKey: 'order-1' });
    const [r1] = await store().create([first], T0);
    const [r2] = await store().create([aMessage(A, appId, { idempotencyKey: 'order-1' })], T0 + 1000);
    expect(r1.created).toBe(true);
    expect(r2).toMatchObject({ created: false, message: { id: first.id } });
    const otherApp = await store().create([aMessage(A, newId('app'), { idempotencyKey: 'order-1' })], T0 + 1000);
    expect(otherApp[0].created).toBe(true);
    const later = aMessage(A, appId, { idempotencyKey: 'order-1' });
    const [r3] = await store().create([later], T0 + idempotencyWindowMs + 1);
    expect(r3).toMatchObject({ created: true, message: { id: later.id } });
  });

  it('creates several in one call, deduplicating within the call', async () => {
    const res = await store().create(
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
      await store().create([m], T0);
    }
    await store().create([aMessage(A, other), aMessage(B, appId)], T0);
    const p1 = await store().list(A, { appId }, { limit: 3 });
    expect(p1.items.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
    const p2 = await store().list(A, { appId }, { limit: 3, cursor: p1.nextCursor });
    expect(p2.items.map((m) => m.id)).toEqual([ids[0]]);
    expect(p2.nextCursor).toBeUndefined();
    expect((await store().list(A, { scheduleId: 'sch_x' }, { limit: 10 })).items.map((m) => m.id)).toEqual([ids[3], ids[1]]);
    expect((await store().list(A, {}, { limit: 10 })).items).toHaveLength(5);
    await store().transition(A, ids[0], ['scheduled'], { status: 'aborted', dueAt: undefined, abortedAt: T0 }, T0, 'abort');
    expect((await store().list(A, { status: 'aborted' }, { limit: 10 })).items.map((m) => m.id)).toEqual([ids[0]]);
  });

  it('refuses a malformed cursor rather than answering an empty page', async () => {
    await expect(store().list(A, { appId }, { limit: 3, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('transitions conditionally and says why it refused', async () => {
    const m = aMessage(A, appId);
    await store().create([m], T0);
    const aborted = await store().transition(A, m.id, ['scheduled'], { status: 'aborted', abortedAt: T0 + 1 }, T0 + 1, 'abort');
    expect(aborted).toMatchObject({ status: 'aborted', abortedAt: T0 + 1, updatedAt: T0 + 1 });
    await expect(store().transition(A, m.id, ['scheduled'], { status: 'aborted' }, T0, 'abort')).rejects.toBeInstanceOf(
      MessageStateConflictError,
    );
    await expect(store().transition(B, m.id, ['aborted'], { status: 'scheduled' }, T0, 'redrive')).rejects.toBeInstanceOf(
      MessageNotFoundError,
    );
  });

  it('finds due messages earliest first within (after, until]', async () => {
    const early = aMessage(A, appId, { sendAt: T0 + 1_000 });
    const late = aMessage(A, appId, { sendAt: T0 + 5_000 });
    const beyond = aMessage(B, appId, { sendAt: T0 + 60_000 });
    await store().create([late, beyond, early], T0);
    expect(await store().due(0, T0 + 10_000, 10)).toEqual([
      { id: early.id, tenantId: A, dueAt: T0 + 1_000 },
      { id: late.id, tenantId: A, dueAt: T0 + 5_000 },
    ]);
    expect((await store().due(T0 + 1_000, T0 + 10_000, 10)).map((d) => d.id)).toEqual([late.id]);
    expect(await store().due(0, T0 + 10_000, 1)).toHaveLength(1);
  });

  it('claims only due, still-scheduled messages: an abort before the claim wins', async () => {
    const due1 = aMessage(A, appId, { sendAt: T0 });
    const due2 = aMessage(A, appId, { sendAt: T0 });
    const notYet = aMessage(A, appId, { sendAt: T0 + 10_000 });
    await store().create([due1, due2, notYet], T0);
    await store().transition(A, due2.id, ['scheduled'], { status: 'aborted', dueAt: undefined }, T0, 'abort');
    const refs = [due1, due2, notYet].map((m) => ({ id: m.id, tenantId: A, dueAt: m.sendAt }));
    const claimed = await store().claim(refs, T0 + 1);
    expect(claimed.map((m) => m.id)).toEqual([due1.id]);
    expect(claimed[0]).toMatchObject({ status: 'delivering', payload: '{"n":1}' });
    expect(await store().claim(refs, T0 + 2)).toEqual([]);
    await expect(store().transition(A, due1.id, ['scheduled'], { status: 'aborted' }, T0, 'abort')).rejects.toBeInstanceOf(
      MessageStateConflictError,
    );
  });

  it('completes attempts: records them and moves to delivered, failed or back to scheduled', async () => {
    const [ok, bad, again] = [aMessage(A, appId, { sendAt: T0 }), aMessage(A, appId, { sendAt: T0 }), aMessage(A, appId, { sendAt: T0 })];
    await store().create([ok, bad, again], T0);
    await store().claim(
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
    await store().complete(
      [
        { attempt: attempt(ok.id, 'success', 200), status: 'delivered' },
        { attempt: attempt(bad.id, 'permanent_failure', 400), status: 'failed', lastError: 'HTTP 400' },
        { attempt: attempt(again.id, 'retry', 503), status: 'scheduled', dueAt: T0 + 2_000, lastError: 'HTTP 503' },
      ],
      T0 + 100,
    );
    expect(await store().get(A, ok.id)).toMatchObject({ status: 'delivered', deliveredAt: T0 + 100, attemptCount: 1 });
    expect(await store().get(A, bad.id)).toMatchObject({ status: 'failed', failedAt: T0 + 100, lastError: 'HTTP 400' });
    expect(await store().get(A, again.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 2_000, attemptCount: 1 });
    expect(await store().attempts(A, ok.id)).toEqual([attempt(ok.id, 'success', 200)]);
    expect(await store().attempts(B, ok.id)).toEqual([]);
    expect((await store().due(0, T0 + 5_000, 10)).map((d) => d.id)).toEqual([again.id]);
  });

  it('completes a final outcome with its result and chained message (listed on the source); a replay chains nothing twice', async () => {
    const [ok, cut] = [aMessage(A, appId, { sendAt: T0, keyId: 'key_1' }), aMessage(A, appId, { sendAt: T0 })];
    await store().create([ok, cut], T0);
    const [claimedOk] = await store().claim([{ id: ok.id, tenantId: A, dueAt: T0 }], T0);
    await store().claim([{ id: cut.id, tenantId: A, dueAt: T0 }], T0);
    const attempt = (messageId: string) =>
      ({ messageId, tenantId: A, attempt: 1, startedAt: T0, durationMs: 7, outcome: 'success', statusCode: 200 }) as const;
    const result = {
      status: 200,
      durationMs: 7,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      bodyEncoding: 'utf8',
    } as const;
    const r = { attempt: attempt(ok.id), status: 'delivered', result } as const;
    const finals = [{ ...r, ...chainOf(claimedOk, { onSuccess: { appId: 'app_next' } }, r, T0 + 100) }];
    const cutResult = { attempt: attempt(cut.id), status: 'delivered', result, chainCut: 'too deep' } as const;
    const chained = await store().complete([...finals, cutResult], T0 + 100);
    expect(chained).toHaveLength(1);
    expect(chained[0]).toMatchObject({ appId: 'app_next', chainOf: ok.id, chainDepth: 1, keyId: 'key_1', status: 'scheduled' });
    expect(await store().get(A, ok.id)).toMatchObject({ status: 'delivered', result, chained: [chained[0].id] });
    expect(await store().get(A, cut.id)).toMatchObject({ status: 'delivered', result, chainCut: 'too deep' });
    expect(await store().get(A, chained[0].id)).toMatchObject({ chainOf: ok.id, chainDepth: 1, dueAt: T0 + 100 });
    // The same outcome written again (a replay after a crash) creates no second chained message.
    expect(await store().complete(finals, T0 + 200)).toEqual([]);
    expect((await store().get(A, ok.id))?.chained).toEqual([chained[0].id]);
    expect((await store().list(A, { appId: 'app_next' }, { limit: 10 })).items).toHaveLength(1);
  });

  it('unclaims messages whose delivery has not started: scheduled again at the given dueAt, attempt count unchanged', async () => {
    const [m, retried, done] = [aMessage(A, appId, { sendAt: T0 }), aMessage(A, appId, { sendAt: T0 }), aMessage(A, appId, { sendAt: T0 })];
    await store().create([m, retried, done], T0);
    await store().claim(
      [m, retried, done].map((x) => ({ id: x.id, tenantId: A, dueAt: T0 })),
      T0,
    );
    const attempt = (messageId: string, outcome: 'success' | 'retry', statusCode: number) =>
      ({ messageId, tenantId: A, attempt: 1, startedAt: T0, durationMs: 5, outcome, statusCode }) as const;
    await store().complete(
      [{ attempt: attempt(retried.id, 'retry', 503), status: 'scheduled', dueAt: T0 + 1_000, lastError: 'HTTP 503' }],
      T0 + 10,
    );
    await store().claim([{ id: retried.id, tenantId: A, dueAt: T0 + 1_000 }], T0 + 1_000);
    await store().complete([{ attempt: attempt(done.id, 'success', 200), status: 'delivered' }], T0 + 10);

    // `done` is no longer delivering: it stays delivered.
    const moved = await store().unclaim(
      [
        { id: m.id, tenantId: A, dueAt: T0 },
        { id: retried.id, tenantId: A, dueAt: T0 + 1_000 },
        { id: done.id, tenantId: A, dueAt: T0 },
      ],
      T0 + 2_000,
    );

    expect(moved).toBe(2);
    expect(await store().get(A, m.id)).toMatchObject({ status: 'scheduled', dueAt: T0, attemptCount: 0 });
    expect(await store().get(A, retried.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 1_000, attemptCount: 1 });
    expect(await store().get(A, done.id)).toMatchObject({ status: 'delivered' });
    expect((await store().due(0, T0 + 5_000, 10)).map((d) => d.id).sort()).toEqual([m.id, retried.id].sort());
    expect(await store().claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0 + 2_000)).toHaveLength(1);
    expect(await store().unclaim([], T0 + 2_000)).toBe(0);
  });

  it('recovers in-flight messages after a crash, due at once', async () => {
    const m = aMessage(A, appId, { sendAt: T0 });
    await store().create([m], T0);
    await store().claim([{ id: m.id, tenantId: A, dueAt: T0 }], T0);
    expect(await store().recoverInFlight(T0 + 50)).toBe(1);
    expect(await store().get(A, m.id)).toMatchObject({ status: 'scheduled', dueAt: T0 + 50 });
  });

  it("counts a key's scheduled messages", async () => {
    const keyId = newId('key');
    await store().create([aMessage(A, appId, { keyId }), aMessage(A, appId, { keyId }), aMessage(A, appId)], T0);
    const [m] = await store().create([aMessage(A, appId, { keyId })], T0);
    await store().transition(A, m.message.id, ['scheduled'], { status: 'aborted' }, T0, 'abort');
    await settle();
    expect(await store().countPending(keyId)).toBe(2);
    expect(await store().countPending(newId('key'))).toBe(0);
  });

  it("counts a tenant's scheduled messages over all its apps", async () => {
    const [otherApp, appOfB] = [newId('app'), newId('app')];
    // A message always has an app of its tenant (a deleted app's messages are no longer scheduled).
    for (const [tenantId, id] of [
      [A, appId],
      [A, otherApp],
      [B, appOfB],
    ])
      await apps().create(anApp({ id, tenantId }));
    const [m] = await store().create([aMessage(A, appId), aMessage(A, otherApp), aMessage(A, otherApp), aMessage(B, appOfB)], T0);
    await store().transition(A, m.message.id, ['scheduled'], { status: 'aborted' }, T0, 'abort');
    await settle();
    expect(await store().countPendingForTenant(A)).toBe(2);
    expect(await store().countPendingForTenant(B)).toBe(1);
    expect(await store().countPendingForTenant(newId('ten'))).toBe(0);
  });

  it("holds a suspended tenant's claimed message off the due timeline and releases it, still unattempted", async () => {
    const appOfB = newId('app');
    const held = aMessage(A, appId, { sendAt: T0 });
    const other = aMessage(B, appOfB, { sendAt: T0 });
    for (const [tenantId, id] of [
      [A, appId],
      [B, appOfB],
    ])
      await apps().create(anApp({ id, tenantId }));
    await store().create([held, other], T0);
    for (const m of [held, other]) {
      await store().claim([{ id: m.id, tenantId: m.tenantId, dueAt: T0 }], T0);
      await store().transition(m.tenantId, m.id, ['delivering'], { status: 'scheduled', dueAt: undefined }, T0 + 1, 'hold');
    }
    expect(await store().get(A, held.id)).toMatchObject({ status: 'scheduled', attemptCount: 0 });
    expect((await store().get(A, held.id))?.dueAt).toBeUndefined();
    expect(await store().due(0, T0 + 3_600_000, 10)).toEqual([]);
    await settle();
    expect(await store().countPendingForTenant(A)).toBe(1);
    expect((await store().tenantsWithHeld()).sort()).toEqual([A, B].sort());

    expect(await store().releaseHeld(A, T0 + 10, T0 + 10)).toEqual([{ id: held.id, tenantId: A, dueAt: T0 + 10 }]);
    expect(await store().get(A, held.id)).toMatchObject({ status: 'scheduled', attemptCount: 0, dueAt: T0 + 10 });
    expect(await store().due(0, T0 + 3_600_000, 10)).toEqual([{ id: held.id, tenantId: A, dueAt: T0 + 10 }]);
    expect(await store().tenantsWithHeld()).toEqual([B]);
    expect(await store().releaseHeld(A, T0 + 20, T0 + 20)).toEqual([]);
  });

  it('aborts every scheduled message of a deleted app', async () => {
    const keep = aMessage(A, newId('app'));
    const gone = [aMessage(A, appId), aMessage(A, appId)];
    await store().create([keep, ...gone], T0);
    expect(await store().abortAllForApp(A, appId, T0 + 1)).toBe(2);
    expect((await store().get(A, gone[0].id))?.status).toBe('aborted');
    expect((await store().get(A, keep.id))?.status).toBe('scheduled');
    expect(await store().due(0, T0 + 120_000, 10)).toHaveLength(1);
  });
};
