/**
 * Retention on DynamoDB: the TTL attribute (epoch seconds) that deletes finished messages and their attempts after
 * their tenant's retention, set when they are written (attempts kept in the message item go with it). dynalite has no
 * TTL, so the test reads the attribute; deleting is DynamoDB's part.
 */
import { newId } from '../../domain/ids';
import { inItemAttempts } from './message-items';
import { Keys } from './schema';
import { attemptItemsOf, rawItem, useDynamoStores } from '../../../test/support/dynalite';
import { messagesLike } from '../../../test/support/fixtures';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const DAY = 86_400_000;
const A = newId('ten');
const B = newId('ten');
const appId = newId('app');
const seconds = (ms: number) => Math.ceil(ms / 1000);

const db = useDynamoStores({ shards: 2, retentionMs: async (tenantId) => (tenantId === A ? 30 : 7) * DAY });
const raw = (key: Record<string, string>) => rawItem(db, key);
const attemptItems = (id: string) => attemptItemsOf(db, id);

describe('DynamoDB store: retention by TTL', () => {
  const aMessage = messagesLike({ tenantId: A, appId, sendAt: T0, createdAt: T0 });
  const deliver = async (m: { id: string; tenantId: string }, status: 'delivered' | 'failed' | 'scheduled', at: number, n = 1) => {
    await db.stores.messages.claim([{ id: m.id, tenantId: m.tenantId, dueAt: T0 }], at);
    const attempt = { messageId: m.id, tenantId: m.tenantId, attempt: n, startedAt: at, durationMs: 1, outcome: 'retry' as const };
    await db.stores.messages.complete([{ attempt, status, ...(status === 'scheduled' ? { dueAt: at } : {}) }], at + 5);
  };

  it("sets a finished message's TTL to its tenant's retention after it finished; the attempts in its item go with it", async () => {
    const a = aMessage();
    const b = aMessage({ tenantId: B });
    await db.stores.messages.create([a, b], T0);
    await deliver(a, 'scheduled', T0 + 1_000);
    expect(await raw(Keys.message(a.id))).not.toHaveProperty('ttl'); // not finished: kept
    await deliver(a, 'delivered', T0 + 2_000, 2);
    await deliver(b, 'failed', T0 + 3_000);
    expect((await raw(Keys.message(a.id))).ttl).toBe(seconds(T0 + 2_005 + 30 * DAY));
    expect(await attemptItems(a.id)).toEqual([]);
    expect((await db.stores.messages.attempts(A, a.id)).map((x) => x.attempt)).toEqual([1, 2]);
    expect((await raw(Keys.message(b.id))).ttl).toBe(seconds(T0 + 3_005 + 7 * DAY));
  });

  it('gives an attempt stored as an item of its own (past those the message item keeps) a TTL from when it started', async () => {
    const m = aMessage();
    await db.stores.messages.create([m], T0);
    await deliver(m, 'failed', T0 + 1_000, inItemAttempts + 1);
    expect((await attemptItems(m.id)).map((i) => i.ttl)).toEqual([seconds(T0 + 1_000 + 30 * DAY)]);
    expect((await raw(Keys.message(m.id))).ttl).toBe(seconds(T0 + 1_005 + 30 * DAY));
  });

  it('sets it on an abort, and removes it on a redrive, so a redriven message cannot expire before it is done', async () => {
    const m = aMessage();
    await db.stores.messages.create([m], T0);
    await db.stores.messages.transition(A, m.id, ['scheduled'], { status: 'aborted', dueAt: undefined, abortedAt: T0 }, T0, 'abort');
    expect((await raw(Keys.message(m.id))).ttl).toBe(seconds(T0 + 30 * DAY));
    await db.stores.messages.transition(A, m.id, ['aborted'], { status: 'scheduled', sendAt: T0, dueAt: T0 }, T0 + 1, 'redrive');
    expect(await raw(Keys.message(m.id))).not.toHaveProperty('ttl');
  });

  it("sets it on the messages an app's deletion aborts", async () => {
    const ms = [aMessage(), aMessage()];
    await db.stores.messages.create(ms, T0);
    expect(await db.stores.messages.abortAllForApp(A, appId, T0 + 10)).toBe(2);
    for (const m of ms) expect((await raw(Keys.message(m.id))).ttl).toBe(seconds(T0 + 10 + 30 * DAY));
  });

  it('gives idempotency records a TTL at their 24 h', async () => {
    const m = aMessage({ idempotencyKey: 'once' });
    await db.stores.messages.create([m], T0);
    expect((await raw(Keys.idempotency(appId, 'once'))).ttl).toBe(seconds(T0 + DAY));
  });
});
