import { ManualClock } from '../domain/clock';
import { retentionMsOf, TenantPlanCache } from '../engine/plans';
import { createLogger } from '../observability/logger';
import type { PlanCatalogue } from '../plans/catalogue';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { aMessage, anApp, aTenant, T0 } from '../../test/support/fixtures';
import type { Message } from './model';
import type { AttemptResult } from './port';
import { RetentionSweeper } from './retention';

const DAY = 86_400_000;

/** The retention sweep on SQLite in memory, 30 days of simulated time on a manual clock. */
describe('RetentionSweeper (SQLite)', () => {
  const plans: PlanCatalogue = { free: {}, week: { retentionDays: 7 } };
  let stores: SqliteStores;
  let clock: ManualClock;
  let sweeper: RetentionSweeper;

  beforeEach(() => {
    stores = createSqliteStores({ filename: ':memory:' });
    clock = new ManualClock(T0);
    const tenantPlans = new TenantPlanCache(stores.tenants, plans, clock);
    sweeper = new RetentionSweeper(
      { store: stores.retention, retentionMs: async (t) => retentionMsOf(await tenantPlans.get(t)), clock, logger: createLogger('silent') },
      { batchSize: 10 },
    );
  });
  afterEach(() => stores.close());

  const rows = (table: string) => (stores.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  /** Sweeps batch after batch until the walk over the messages has gone round once. */
  const sweepRound = async () => {
    const out = { deleted: 0, idempotency: 0, batches: 0 };
    for (let wrapped = false; !wrapped && out.batches < 100; out.batches++) {
      const r = await sweeper.sweep();
      out.deleted += r.deleted;
      out.idempotency += r.idempotency;
      wrapped = r.wrapped;
    }
    return out;
  };
  /** `n` messages of a fresh tenant on `plan`, with idempotency keys, each delivered or failed after `attempts` attempts. */
  const finishedMessages = async (plan: string, n: number, attempts: number, status: 'delivered' | 'failed'): Promise<Message[]> => {
    const tenant = aTenant({ plan });
    await stores.tenants.create(tenant);
    const app = anApp({ tenantId: tenant.id });
    await stores.apps.create(app);
    const now = clock.now();
    const ms = Array.from({ length: n }, (_, i) =>
      aMessage({ tenantId: tenant.id, appId: app.id, sendAt: now, dueAt: now, idempotencyKey: `k${i}`, createdAt: now, updatedAt: now }),
    );
    await stores.messages.create(ms, now);
    for (let a = 1; a <= attempts; a++) {
      await stores.messages.claim(
        ms.map((m) => ({ id: m.id, tenantId: m.tenantId, dueAt: now })),
        now,
      );
      const results: AttemptResult[] = ms.map((m) => ({
        attempt: {
          messageId: m.id,
          tenantId: m.tenantId,
          attempt: a,
          startedAt: now,
          durationMs: 1,
          outcome: 'retry',
          responseBody: 'x'.repeat(4_096),
        },
        status: a < attempts ? 'scheduled' : status,
        ...(a < attempts ? { dueAt: now } : {}),
      }));
      await stores.messages.complete(results, now);
    }
    return ms;
  };

  it('deletes finished messages and their attempts after 30 days, idempotency records after 24 h, and keeps the rest', async () => {
    const delivered = await finishedMessages('free', 20, 1, 'delivered');
    const failed = await finishedMessages('free', 10, 3, 'failed');
    const tenant = delivered[0].tenantId;
    const pending = aMessage({ tenantId: tenant, appId: delivered[0].appId, sendAt: T0 + 60 * DAY, dueAt: T0 + 60 * DAY, createdAt: T0 });
    const aborted = aMessage({ tenantId: tenant, appId: delivered[0].appId, createdAt: T0 });
    await stores.messages.create([pending, aborted], T0);
    await stores.messages.transition(
      tenant,
      aborted.id,
      ['scheduled'],
      { status: 'aborted', dueAt: undefined, abortedAt: T0 },
      T0,
      'abort',
    );
    expect([rows('messages'), rows('attempts'), rows('idempotency')]).toEqual([32, 50, 30]);

    clock.advance(DAY + 1);
    expect(await sweepRound()).toMatchObject({ deleted: 0, idempotency: 30 });
    expect(rows('idempotency')).toBe(0);

    clock.set(T0 + 30 * DAY - 1);
    expect((await sweepRound()).deleted).toBe(0);
    expect([rows('messages'), rows('attempts')]).toEqual([32, 50]);

    clock.set(T0 + 30 * DAY);
    expect((await sweepRound()).deleted).toBe(31);
    expect([rows('messages'), rows('attempts')]).toEqual([1, 0]);
    expect(await stores.messages.get(tenant, pending.id)).toMatchObject({ status: 'scheduled' });
    expect(await stores.messages.attempts(failed[0].tenantId, failed[0].id)).toEqual([]);
  });

  it("keeps each tenant's messages as long as its plan says", async () => {
    const week = await finishedMessages('week', 5, 1, 'delivered');
    const month = await finishedMessages('free', 5, 1, 'delivered');
    clock.advance(7 * DAY);
    expect((await sweepRound()).deleted).toBe(5);
    expect(await stores.messages.get(week[0].tenantId, week[0].id)).toBeUndefined();
    expect(await stores.messages.get(month[0].tenantId, month[0].id)).toBeDefined();
  });

  it('counts from when a message finished, and spares one redriven since it was examined', async () => {
    const [m] = await finishedMessages('week', 1, 1, 'failed');
    clock.advance(7 * DAY);
    const page = await stores.retention.finished(undefined, 10);
    await stores.messages.transition(m.tenantId, m.id, ['failed'], { status: 'scheduled', dueAt: clock.now() }, clock.now(), 'redrive');
    expect(await stores.retention.deleteFinished(page.refs)).toBe(0);
    expect(await stores.messages.get(m.tenantId, m.id)).toMatchObject({ status: 'scheduled' });
  });

  it('examines at most one batch of each table per sweep, however much is stored', async () => {
    await finishedMessages('week', 35, 1, 'delivered');
    clock.advance(8 * DAY);
    const first = await sweeper.sweep();
    expect(first).toMatchObject({ finished: 10, deleted: 10, idempotency: 10, wrapped: false });
    const round = await sweepRound();
    expect(round.deleted).toBe(25);
    expect(round.batches).toBe(3);
    expect([rows('messages'), rows('attempts'), rows('idempotency')]).toEqual([0, 0, 0]);
  });
});
