import type { DeliveryRequest } from '../../delivery/targets/request';
import { ManualClock } from '../../domain/clock';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { DueRef } from '../../messages/port';
import { createLogger } from '../../observability/logger';
import { useDynamoStores } from '../../../test/support/dynalite';
import { eventually } from '../../../test/support/eventually';
import { aMessage, anApp, aTenant } from '../../../test/support/fixtures';
import type { DeliveryQueue } from './worker';
import { AwsEngineWorker } from './worker';

/**
 * The AWS deliver function's per-tenant caps, on dynalite: a delivery slot out of the tenant's share for
 * each attempt that lasts (counted in the table across invocations), and its attempts per minute.
 */
describe('AwsEngineWorker per-tenant caps (dynalite)', () => {
  const T0 = Date.UTC(2026, 5, 1, 12, 0, 10);
  const db = useDynamoStores({ shards: 2 });
  let clock: ManualClock;
  let sent: DueRef[][];
  const queue: DeliveryQueue = {
    send: async (refs) => void sent.push(refs),
    queuePages: async () => undefined,
    queuePage: async () => undefined,
  };
  const ok: DeliveryOutcome = { kind: 'success', statusCode: 200, durationMs: 1 };

  beforeEach(() => {
    clock = new ManualClock(T0);
    sent = [];
  });

  const worker = (deliver: (req: DeliveryRequest, signal?: AbortSignal) => Promise<DeliveryOutcome>, options = {}) =>
    new AwsEngineWorker(
      {
        messages: db.stores.messages,
        due: db.stores.messages,
        apps: db.stores.apps,
        queue,
        deliver,
        clock,
        logger: createLogger('silent'),
        tenants: db.stores.tenants,
        plans: { tenth: { deliveryShare: 0.1 }, two: { attemptsPerMinute: 2 } },
        counters: db.stores.counters,
      },
      { maxInFlight: 10, slotAfterMs: 10, ...options },
    );
  const messagesOn = async (plan: string, n: number) => {
    const tenant = aTenant({ plan });
    await db.stores.tenants.create(tenant);
    const app = anApp({ tenantId: tenant.id });
    await db.stores.apps.create(app);
    const ms = Array.from({ length: n }, () => aMessage({ tenantId: tenant.id, appId: app.id, sendAt: T0, dueAt: T0, createdAt: T0 }));
    await db.stores.messages.create(ms, T0);
    return ms.map((m) => ({ kind: 'deliver' as const, id: m.id, tenantId: m.tenantId, dueAt: T0 }));
  };
  const status = async (r: { id: string; tenantId: string }) => (await db.stores.messages.get(r.tenantId, r.id))!.status;

  it('lets a tenant hold no more lasting attempts than its share of the slots: one over it is stopped, and retried later', async () => {
    const records = await messagesOn('tenth', 2); // a tenth of 10 slots: one
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const stopped: string[] = [];
    const w = worker(async (req, signal) => {
      await new Promise<void>((r) => {
        void gate.then(r);
        signal?.addEventListener('abort', () => r(), { once: true });
      });
      if (!signal?.aborted) return ok;
      stopped.push(req.messageId);
      return { kind: 'retry', error: (signal.reason as Error).message, durationMs: 10 };
    });
    const handling = records.map((r) => w.handle(r));
    await eventually(async () => stopped.length === 1); // both outlast 10 ms; one gets the slot, the other is stopped
    release();
    expect((await Promise.all(handling)).sort()).toEqual(['delivered', 'retry']);
    const [stoppedRef] = records.filter((r) => r.id === stopped[0]);
    const m = (await db.stores.messages.get(stoppedRef.tenantId, stoppedRef.id))!;
    expect(m).toMatchObject({ status: 'scheduled', lastError: expect.stringMatching(/its tenant holds all its delivery slots/) });
    expect(m.dueAt! - clock.now()).toBeGreaterThanOrEqual(5_000);
    // The slot was given back: the next lasting attempt gets it.
    clock.set(m.dueAt!);
    const again = worker(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return ok;
    });
    expect(await again.handle({ ...stoppedRef, dueAt: m.dueAt! })).toBe('delivered');
  });

  it('costs no counter write for an attempt answered within the first seconds', async () => {
    const [record] = await messagesOn('tenth', 1);
    const w = worker(async () => ok, { slotAfterMs: 60_000 });
    expect(await w.handle(record)).toBe('delivered');
    expect(await db.stores.counters.acquireSlot(record.tenantId, 1, T0)).toBeDefined(); // its one slot was never taken
  });

  it("defers a tenant's attempts past its budget to the next minute; other tenants go on", async () => {
    const records = await messagesOn('two', 3);
    const [other] = await messagesOn('tenth', 1);
    const w = worker(async () => ok);
    expect([await w.handle(records[0]), await w.handle(records[1]), await w.handle(records[2])]).toEqual([
      'delivered',
      'delivered',
      'deferred',
    ]);
    expect(await w.handle(other)).toBe('delivered');
    const deferred = (await db.stores.messages.get(records[2].tenantId, records[2].id))!;
    expect(await status(records[2])).toBe('scheduled');
    // Due in the next minute (50 s away), spread over its first seconds; the table stream hands it to the queue, not the worker.
    expect(deferred.dueAt! - T0).toBeGreaterThanOrEqual(50_000);
    expect(deferred.dueAt! - T0).toBeLessThanOrEqual(55_000);
    expect(sent).toEqual([]);
    clock.set(deferred.dueAt!);
    expect(await w.handle({ ...records[2], dueAt: deferred.dueAt! })).toBe('delivered');
  });
});
