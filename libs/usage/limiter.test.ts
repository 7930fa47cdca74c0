import { ManualClock } from '../domain/clock';
import { QuotaExceededError, RateLimitedError } from '../domain/errors';
import type { PlanCatalogue } from '../plans/catalogue';
import type { Tenant } from '../tenancy/model';
import { PlanLimiter } from './limiter';
import type { UsageRow } from './model';

const T0 = Date.UTC(2026, 5, 1, 12);

const plans: PlanCatalogue = {
  small: {
    throttle: { rateLimit: 1, burstLimit: 3 },
    quota: { limit: 5, period: 'DAY' },
    maxPendingMessages: 2,
    maxKeys: 3,
    maxActiveSchedules: 1,
  },
  tiny: { throttle: { rateLimit: 1, burstLimit: 1 }, maxPendingMessages: 1 },
  unlimited: {},
};

/** A limiter over in-memory counts: `pending` per tenant and per key, live keys and active schedules per tenant. */
const setup = (tenantPlan = 'small', status: Tenant['status'] = 'active') => {
  const clock = new ManualClock(T0);
  const tenant: Tenant = { id: 'ten_a', name: 'a', plan: tenantPlan, owner: 'operator', status, createdAt: T0 };
  const counts = { pendingOfTenant: 0, pendingOfKey: new Map<string, number>(), liveKeys: 0, activeSchedules: 0 };
  const rows: UsageRow[] = [];
  const keyPlans = new Map<string, string>();
  const limiter = new PlanLimiter({
    plans,
    clock,
    tenants: { get: async (id) => (id === tenant.id ? tenant : undefined) },
    usage: {
      increment: async () => undefined,
      query: async (tenantId) => rows.filter((r) => r.tenantId === tenantId),
      requestsSince: async (keyId) => rows.filter((r) => r.keyId === keyId).reduce((n, r) => n + r.requests, 0),
    },
    messages: {
      countPendingForTenant: async () => counts.pendingOfTenant,
      countPending: async (keyId) => counts.pendingOfKey.get(keyId) ?? 0,
    },
    keys: {
      countLive: async () => counts.liveKeys,
      getById: async (id) =>
        keyPlans.has(id)
          ? { id, tenantId: 'ten_a', name: 'k', scope: 'control', plan: keyPlans.get(id)!, hash: 'h', createdAt: T0 }
          : undefined,
    },
    schedules: { countActive: async () => counts.activeSchedules },
  });
  const key = (id: string, plan = tenant.plan) => ({ id, tenantId: tenant.id, plan });
  const principal = (keyId: string, plan = tenant.plan) => ({ tenantId: tenant.id, keyId, plan });
  return { clock, tenant, counts, rows, keyPlans, limiter, key, principal };
};

describe('PlanLimiter', () => {
  describe('admitRequest', () => {
    it("throttles the tenant as a whole: its keys share one bucket of the tenant's plan", async () => {
      const s = setup();
      const outcomes: string[] = [];
      for (const id of ['key_1', 'key_2', 'key_3', 'key_4', 'key_5', 'key_6']) {
        outcomes.push(
          await s.limiter.admitRequest(s.key(id)).then(
            () => 'ok',
            (err: unknown) => (err as Error).name,
          ),
        );
      }
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'RateLimitedError', 'RateLimitedError', 'RateLimitedError']);
    });

    it("counts the tenant's quota over every key, restored from the stored usage of all of them", async () => {
      const s = setup();
      s.rows.push({
        tenantId: 'ten_a',
        keyId: 'key_1',
        date: '2026-06-01',
        requests: 2,
        messagesScheduled: 0,
        deliveries: 0,
        attempts: 0,
        failures: 0,
      });
      s.rows.push({
        tenantId: 'ten_a',
        keyId: 'key_2',
        date: '2026-06-01',
        requests: 2,
        messagesScheduled: 0,
        deliveries: 0,
        attempts: 0,
        failures: 0,
      });
      const headers = await s.limiter.admitRequest(s.key('key_3'));
      expect(headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0' });
      s.clock.advance(10_000); // the bucket refills; the quota does not
      await expect(s.limiter.admitRequest(s.key('key_4'))).rejects.toThrow(QuotaExceededError);
      await expect(s.limiter.admitRequest(s.key('key_4'))).rejects.toThrow(/the tenant's plan "small"/);
    });

    it('holds a key on a lower plan of its own to that plan too, and a refusal by it costs the tenant nothing', async () => {
      const s = setup('unlimited');
      await s.limiter.admitRequest(s.key('key_low', 'tiny'));
      await expect(s.limiter.admitRequest(s.key('key_low', 'tiny'))).rejects.toThrow(/this key's plan "tiny"/);
      await expect(s.limiter.admitRequest(s.key('key_low', 'tiny'))).rejects.toThrow(RateLimitedError);
      expect(await s.limiter.admitRequest(s.key('key_other'))).toEqual({});
    });
  });

  describe('admitMessages', () => {
    it("refuses past the tenant's pending limit whichever key creates, counting what it admitted in between", async () => {
      const s = setup();
      await s.limiter.admitMessages(s.principal('key_1'), 1);
      await s.limiter.admitMessages(s.principal('key_2'), 1);
      await expect(s.limiter.admitMessages(s.principal('key_3'), 1)).rejects.toThrow(/maxPendingMessages of 2 .*the tenant's plan/);
      // A second later the count is read again: deliveries made room.
      s.clock.advance(1_001);
      await s.limiter.admitMessages(s.principal('key_3'), 2);
    });

    it("applies a key's own lower plan as well", async () => {
      const s = setup('small');
      await s.limiter.admitMessages(s.principal('key_low', 'tiny'), 1);
      await expect(s.limiter.admitMessages(s.principal('key_low', 'tiny'), 1)).rejects.toThrow(/this key's plan "tiny"/);
      await s.limiter.admitMessages(s.principal('key_other'), 1);
      await expect(s.limiter.admitMessages(s.principal('key_other'), 1)).rejects.toThrow(/the tenant's plan "small"/);
    });
  });

  describe('admitRuns', () => {
    it('admits runs in order while the pending limit allows, and says why the others are refused', async () => {
      const s = setup();
      s.counts.pendingOfTenant = 1;
      const refusals = await s.limiter.admitRuns([{ tenantId: 'ten_a', keyId: 'key_1' }, { tenantId: 'ten_a' }, { tenantId: 'ten_a' }]);
      expect(refusals[0]).toBeUndefined();
      expect(refusals[1]).toMatch(/^skipped: maxPendingMessages of 2 reached for the tenant's plan "small" \(2 scheduled\)/);
      expect(refusals[2]).toBe(refusals[1]);
    });

    it("refuses every run of a suspended tenant, and holds a run's key to its own lower plan", async () => {
      expect(await setup('small', 'suspended').limiter.admitRuns([{ tenantId: 'ten_a' }])).toEqual(['skipped: tenant ten_a is suspended']);
      const s = setup('unlimited');
      s.keyPlans.set('key_low', 'tiny');
      s.counts.pendingOfKey.set('key_low', 1);
      const refusals = await s.limiter.admitRuns([
        { tenantId: 'ten_a', keyId: 'key_low' },
        { tenantId: 'ten_a', keyId: 'key_x' },
      ]);
      expect(refusals[0]).toMatch(/this key's plan "tiny"/);
      expect(refusals[1]).toBeUndefined();
    });
  });

  describe('admitKey and admitSchedule', () => {
    it("refuse past the tenant's maxKeys and maxActiveSchedules, naming the limit", async () => {
      const s = setup();
      s.counts.liveKeys = 2;
      await s.limiter.admitKey('ten_a');
      s.counts.liveKeys = 3;
      const err = await s.limiter.admitKey('ten_a').catch((e: unknown) => e as QuotaExceededError);
      expect(err).toBeInstanceOf(QuotaExceededError);
      expect(err).toMatchObject({
        message: expect.stringMatching(/maxKeys of 3 reached/),
        fields: { exceeded: { kind: 'maxKeys', maxKeys: 3, live: 3 } },
      });
      await s.limiter.admitSchedule('ten_a');
      s.counts.activeSchedules = 1;
      await expect(s.limiter.admitSchedule('ten_a')).rejects.toMatchObject({
        message: expect.stringMatching(/maxActiveSchedules of 1 reached/),
        fields: { exceeded: { kind: 'maxActiveSchedules', maxActiveSchedules: 1, active: 1 } },
      });
    });

    it('let anything through on a plan without those limits', async () => {
      const s = setup('unlimited');
      s.counts.liveKeys = 1_000;
      s.counts.activeSchedules = 1_000;
      await s.limiter.admitKey('ten_a');
      await s.limiter.admitSchedule('ten_a');
    });
  });
});
