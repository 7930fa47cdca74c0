import { randomBytes } from 'node:crypto';
import { AesSecretBox } from '../secrets/aes';
import { ManualClock } from '../domain/clock';
import { QuotaExceededError } from '../domain/errors';
import type { Principal } from '../keys/model';
import type { DueRef } from '../messages/port';
import { createLogger } from '../observability/logger';
import type { PlanCatalogue } from '../plans/catalogue';
import { buildServices } from '../runtime/wire';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { toScheduleDto } from './dto';
import { Materializer } from './materializer';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

/** The plan: one pending message at a time, five active schedules. */
const plans: PlanCatalogue = { one: { maxPendingMessages: 1, maxActiveSchedules: 5 } };

/** Schedules obey the tenant's plan: the services and the materialiser as both runtimes wire them, on SQLite and a fake clock. */
describe('schedules under a plan (SQLite, fake clock)', () => {
  let clock: ManualClock;
  let stores: SqliteStores;
  let materializer: Materializer;
  let services: ReturnType<typeof buildServices>['services'];
  let p: Principal;
  let appId: string;
  const enqueued: DueRef[] = [];

  beforeEach(async () => {
    clock = new ManualClock(T0);
    stores = createSqliteStores({ filename: ':memory:' });
    const wired = buildServices({
      stores,
      plans,
      clock,
      logger: createLogger('silent'),
      engine: { enqueue: async (refs) => void enqueued.push(...refs) },
      operator: { identify: async () => undefined },
      targets: { allowPrivateTargets: true, email: { missing: 'PUNCTUAL_SMTP_URL' } },
      secrets: new AesSecretBox(randomBytes(32)),
    });
    services = wired.services;
    materializer = new Materializer({
      schedules: stores.schedules,
      messages: stores.messages,
      runs: services.messages,
      clock,
      logger: createLogger('silent'),
      admitRuns: (runs) => wired.limiter.admitRuns(runs),
    });
    const { controlKey } = await services.tenants.create('operator', { name: 'acme', plan: 'one' });
    p = (await services.keys.principal(controlKey.key.id))!;
    appId = (await services.apps.create(p, { name: 'a', target: { type: 'http', url: 'https://example.com/hook' } })).id;
  });
  afterEach(async () => {
    await materializer.close();
    stores.close();
  });

  const fiveEveryMinute = async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await services.schedules.create(p, { appId, name: `s${i}`, expression: 'rate(1 minute)', payload: { i } })).id);
    return ids;
  };

  /** Delivers every due message, as the engine would with a receiver that answers 200. */
  const deliverDue = async () => {
    const now = clock.now();
    const claimed = await stores.messages.claim(await stores.messages.due(0, now, 1_000), now);
    await stores.messages.complete(
      claimed.map((m) => ({
        attempt: { messageId: m.id, tenantId: m.tenantId, attempt: 1, startedAt: now, durationMs: 1, outcome: 'success' as const },
        status: 'delivered' as const,
      })),
      now,
    );
  };

  it('admits runs against the pending limit: five rate(1 minute) schedules never have more than 1 message pending', async () => {
    const ids = await fiveEveryMinute();
    const pending: number[] = [];
    for (let minute = 0; minute < 10; minute++) {
      clock.set(T0 + minute * MIN);
      await materializer.tick();
      pending.push(await stores.messages.countPendingForTenant(p.tenantId));
      await deliverDue();
    }
    // One run a minute: the pending message is delivered before the next minute's runs are admitted.
    expect(pending).toEqual(Array(10).fill(1));
    const schedules = await Promise.all(ids.map((id) => services.schedules.get(p, id)));
    expect(schedules.reduce((n, s) => n + s.runCount, 0)).toBe(10);
    expect(schedules.reduce((n, s) => n + s.skipCount, 0)).toBe(40);
    // Runs are messages scheduled: counted with the key that created the schedule.
    expect((await stores.messages.list(p.tenantId, {}, { limit: 100 })).items.every((m) => m.keyId === p.keyId)).toBe(true);
    // Each skip is visible on its schedule, with its occurrence and the limit that refused it.
    const skipped = schedules.find((s) => s.lastSkip)!;
    expect(toScheduleDto(skipped, clock.now())).toMatchObject({
      skipCount: expect.any(Number),
      lastSkip: {
        runAt: expect.stringMatching(/^2026-06-01T12:0\d:00\.000Z$/),
        reason: expect.stringMatching(/^skipped: maxPendingMessages of 1 reached for the tenant's plan "one"/),
        skippedAt: expect.any(String),
      },
    });
  });

  it('skips every later run while the one pending message is not delivered (a receiver that is down)', async () => {
    await fiveEveryMinute();
    for (let minute = 0; minute < 5; minute++) {
      clock.set(T0 + minute * MIN);
      await materializer.tick();
      expect(await stores.messages.countPendingForTenant(p.tenantId)).toBe(1);
    }
    expect((await stores.messages.list(p.tenantId, {}, { limit: 100 })).items).toHaveLength(1);
  });

  it("caps active schedules by the plan's maxActiveSchedules: a sixth is refused, a paused one does not count", async () => {
    const ids = await fiveEveryMinute();
    const sixth = { appId, name: 'sixth', expression: 'rate(1 minute)', payload: {} };
    await expect(services.schedules.create(p, sixth)).rejects.toThrow(QuotaExceededError);
    await expect(services.schedules.create(p, sixth)).rejects.toThrow(/maxActiveSchedules of 5 reached/);
    // A paused one may be created, and resumed once another is paused.
    const paused = await services.schedules.create(p, { ...sixth, enabled: false });
    await expect(services.schedules.resume(p, paused.id)).rejects.toThrow(/maxActiveSchedules/);
    await services.schedules.pause(p, ids[0]);
    expect((await services.schedules.resume(p, paused.id)).state).toBe('active');
  });

  it("skips a suspended tenant's runs, saying so, and runs them again once it is resumed", async () => {
    const ids = await fiveEveryMinute();
    await services.tenants.update(p.tenantId, { status: 'suspended' });
    await materializer.tick();
    const s = await stores.schedules.get(p.tenantId, ids[0]);
    expect(s).toMatchObject({ runCount: 0, skipCount: 1, lastSkip: { runAt: T0, reason: `skipped: tenant ${p.tenantId} is suspended` } });
    await services.tenants.update(p.tenantId, { status: 'active' });
    clock.set(T0 + MIN);
    expect(await materializer.tick()).toMatchObject({ runs: 1, refused: 4 });
  });
});
