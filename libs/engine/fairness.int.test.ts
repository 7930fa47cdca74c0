import type { App } from '../apps/model';
import type { DeliveryOutcome } from '../messages/outcome';
import type { DeliveryRequest } from '../delivery/targets/request';
import { systemClock } from '../domain/clock';
import { newId } from '../domain/ids';
import type { Message } from '../messages/model';
import { createLogger } from '../observability/logger';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { TimerEngine } from './timer/engine';
import { eventually } from '../../test/support/eventually';
import { aMessage, anApp } from '../../test/support/fixtures';

const messagesFor = (app: App, count: number, dueAt: number): Message[] =>
  Array.from({ length: count }, (_, i) =>
    aMessage({
      tenantId: app.tenantId,
      appId: app.id,
      sendAt: dueAt,
      dueAt,
      payload: JSON.stringify({ i }),
      createdAt: dueAt,
      updatedAt: dueAt,
    }),
  );

describe('TimerEngine fairness (SQLite in memory)', () => {
  let stores: SqliteStores;
  beforeEach(() => {
    stores = createSqliteStores({ filename: ':memory:' });
  });
  afterEach(() => stores.close());

  const statuses = async (tenantId: string, ids: string[]) =>
    Promise.all(ids.map(async (id) => (await stores.messages.get(tenantId, id))!.status));

  it("claims a healthy app's messages while a stuck app's backlog exceeds the claim budget, then delivers it once each", async () => {
    const tenantId = newId('ten');
    const stuck = anApp({ tenantId, maxConcurrency: 4 });
    const healthy = anApp({ tenantId, maxConcurrency: 4 });
    await stores.apps.create(stuck);
    await stores.apps.create(healthy);
    const now = Date.now();
    const backlog = messagesFor(stuck, 200, now - 1_000);
    await stores.messages.create(backlog, now);
    const stuckIds = new Set(backlog.map((m) => m.id));

    const calls = new Map<string, number>();
    let unstick: () => void = () => undefined;
    const stuckGate = new Promise<void>((r) => (unstick = r));
    const ok: DeliveryOutcome = { kind: 'success', statusCode: 200, durationMs: 1 };
    const deliver = async (req: DeliveryRequest): Promise<DeliveryOutcome> => {
      calls.set(req.messageId, (calls.get(req.messageId) ?? 0) + 1);
      if (stuckIds.has(req.messageId)) await stuckGate;
      return ok;
    };
    const engine = new TimerEngine(
      { messages: stores.messages, apps: stores.apps, deliver, clock: systemClock, logger: createLogger('silent') },
      { maxInFlight: 8, maxQueued: 20, maxQueuedPerApp: 10, refillIntervalMs: 50 },
    );
    await engine.start();
    try {
      await eventually(async () => calls.size >= 4); // the stuck app holds its four slots
      const fresh = messagesFor(healthy, 30, Date.now());
      await stores.messages.create(fresh, Date.now());
      await engine.enqueue(fresh.map((m) => ({ id: m.id, tenantId, dueAt: m.dueAt! })));
      await eventually(async () =>
        (
          await statuses(
            tenantId,
            fresh.map((m) => m.id),
          )
        ).every((s) => s === 'delivered'),
      );

      // The backlog waits as `scheduled` (abortable), not claimed: at most its slots and its share of the queue are.
      const waiting = await statuses(
        tenantId,
        backlog.map((m) => m.id),
      );
      expect(waiting.filter((s) => s === 'delivered')).toHaveLength(0);
      expect(waiting.filter((s) => s === 'delivering').length).toBeLessThanOrEqual(4 + 10);
      expect(waiting.filter((s) => s === 'scheduled').length).toBeGreaterThanOrEqual(200 - 14);

      unstick();
      await eventually(async () =>
        (
          await statuses(
            tenantId,
            backlog.map((m) => m.id),
          )
        ).every((s) => s === 'delivered'),
      );
      expect([...calls.values()].every((n) => n === 1)).toBe(true);
      expect(calls.size).toBe(230);
    } finally {
      unstick();
      await engine.close();
    }
  });
});
