import { iso, type Clock } from '../domain/clock';
import { QuotaExceededError, RateLimitedError } from '../domain/errors';
import type { KeyStore } from '../keys/port';
import type { MessageStore } from '../messages/port';
import type { Plan, PlanCatalogue } from '../plans/catalogue';
import type { ScheduleStore } from '../schedules/port';
import type { Tenant } from '../tenancy/model';
import { quotaWindow, takeToken, utcDate, type Bucket } from './limits';
import type { UsageStore } from './port';

export interface PlanLimiterDeps {
  plans: PlanCatalogue;
  usage: UsageStore;
  messages: Pick<MessageStore, 'countPending' | 'countPendingForTenant'>;
  keys: Pick<KeyStore, 'countLive' | 'getById'>;
  schedules: Pick<ScheduleStore, 'countActive'>;
  /** The tenants' plans and status (the tenant directory: cached reads). */
  tenants: { get(tenantId: string): Promise<Tenant | undefined> };
  clock: Clock;
}

/** The key fields plan enforcement needs. */
export interface LimitedKey {
  id: string;
  tenantId: string;
  /** The key's own plan: its tenant's, or a lower one it was given. */
  plan: string;
}

/** Who a limit is counted for: the tenant (the sum of its keys), or one key held to a lower plan of its own. */
interface Holder {
  /** `t:<tenantId>` or `k:<keyId>`: one namespace for both. */
  slot: string;
  plan: string;
  /** How the refusal names it. */
  who: string;
  /** Reads its scheduled messages (pending limit) or its requests since a date (quota, after a restart). */
  countPending: () => Promise<number>;
  requestsSince: (date: string) => Promise<number>;
}

/** @default how often a pending count is read again; in between, this process counts what it admitted */
const recountMs = 1_000;

/**
 * Enforces plans as API Gateway usage plans do on AWS, but for the tenant as a whole: a token bucket (throttle), a
 * request quota per UTC window, the pending-message limit, and caps on live keys and active schedules, all counted per
 * tenant over every key; a key on a lower plan of its own is held to that plan as well. Quota counts restart from the
 * stored usage counters after a restart. Embedded: every request; both runtimes: messages, runs, keys and schedules.
 */
export class PlanLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, { windowStart: number; used: number }>();
  private readonly pending = new Map<string, { count: number; at: number }>();

  constructor(private readonly deps: PlanLimiterDeps) {}

  /** Admits one request by `key` or throws RateLimitedError / QuotaExceededError; returns the RateLimit headers. */
  async admitRequest(key: LimitedKey): Promise<Record<string, string>> {
    const holders = await this.holders(key.tenantId, key.id, key.plan);
    const now = this.deps.clock.now();
    // Check every limit before counting in any, so a refusal costs no token and no quota.
    const buckets: [string, Bucket][] = [];
    for (const h of holders) {
      const throttle = this.plan(h.plan).throttle;
      if (!throttle) continue;
      const t = takeToken(this.buckets.get(h.slot), throttle, now);
      if (!t.ok) {
        this.buckets.set(h.slot, t.bucket);
        throw new RateLimitedError(
          `rate limit of ${throttle.rateLimit} requests/s (burst ${throttle.burstLimit}) exceeded for ${h.who} plan "${h.plan}"`,
          t.retryAfterMs / 1000,
          { kind: 'throttle', ...throttle },
        );
      }
      buckets.push([h.slot, t.bucket]);
    }
    const quotas: { limit: number; used: { used: number }; end: number }[] = [];
    for (const h of holders) {
      const quota = this.plan(h.plan).quota;
      if (!quota) continue;
      const w = quotaWindow(quota.period, now);
      let q = this.quotas.get(h.slot);
      if (!q || q.windowStart !== w.start) {
        q = { windowStart: w.start, used: await h.requestsSince(utcDate(w.start)) };
        this.quotas.set(h.slot, q);
      }
      if (q.used >= quota.limit) {
        throw new QuotaExceededError(
          `quota of ${quota.limit} requests per ${quota.period} used up for ${h.who} plan "${h.plan}"; it resets at ${iso(w.end)}`,
          (w.end - now) / 1000,
          { kind: 'quota', ...quota, resetsAt: iso(w.end) },
        );
      }
      quotas.push({ limit: quota.limit, used: q, end: w.end });
    }
    for (const [slot, bucket] of buckets) this.buckets.set(slot, bucket);
    for (const q of quotas) q.used.used++;
    // The headers describe the limit closest to refusing: the quota with the fewest requests left, else the tenant's bucket.
    const tightest = quotas.sort((a, b) => a.limit - a.used.used - (b.limit - b.used.used))[0];
    if (tightest) {
      return {
        'ratelimit-limit': String(tightest.limit),
        'ratelimit-remaining': String(tightest.limit - tightest.used.used),
        'ratelimit-reset': String(Math.ceil((tightest.end - now) / 1000)),
      };
    }
    const [slot, bucket] = buckets[0] ?? [];
    const throttle = slot && this.plan(holders.find((h) => h.slot === slot)!.plan).throttle;
    if (bucket && throttle) {
      return {
        'ratelimit-limit': String(throttle.burstLimit),
        'ratelimit-remaining': String(Math.floor(bucket.tokens)),
        'ratelimit-reset': '1',
      };
    }
    return {};
  }

  /** Refuses `count` new messages of a key when its tenant's (or its own lower plan's) pending limit would be passed. */
  async admitMessages(p: { tenantId: string; keyId: string; plan: string }, count: number): Promise<void> {
    const holders = await this.holders(p.tenantId, p.keyId, p.plan);
    const refusal = await this.pendingRefusal(holders, count);
    if (refusal) throw refusal;
  }

  /**
   * Admits materialised schedule runs one by one, in order, as the API admits messages: a suspended tenant's runs and
   * those past a pending limit are refused. Returns, per run, why it was refused, or undefined when admitted (and counted).
   */
  async admitRuns(runs: { tenantId: string; keyId?: string }[]): Promise<(string | undefined)[]> {
    const keyPlans = new Map<string, string | undefined>();
    const out: (string | undefined)[] = [];
    for (const run of runs) {
      const tenant = await this.deps.tenants.get(run.tenantId);
      if (tenant?.status === 'suspended') {
        out.push(`skipped: tenant ${run.tenantId} is suspended`);
        continue;
      }
      let keyPlan: string | undefined;
      if (run.keyId !== undefined) {
        if (!keyPlans.has(run.keyId)) keyPlans.set(run.keyId, (await this.deps.keys.getById(run.keyId))?.plan);
        keyPlan = keyPlans.get(run.keyId);
      }
      const holders = await this.holders(run.tenantId, run.keyId, keyPlan, tenant);
      const refusal = await this.pendingRefusal(holders, 1);
      out.push(refusal && `skipped: ${refusal.message}`);
    }
    return out;
  }

  /** Refuses a new key when the tenant already holds its plan's `maxKeys` live keys. */
  async admitKey(tenantId: string): Promise<void> {
    const { plan, limits } = await this.tenantPlan(tenantId);
    if (limits.maxKeys === undefined) return;
    const live = await this.deps.keys.countLive(tenantId);
    if (live < limits.maxKeys) return;
    throw new QuotaExceededError(
      `maxKeys of ${limits.maxKeys} reached for the tenant's plan "${plan}" (${live} live keys); revoke one first`,
      60,
      { kind: 'maxKeys', maxKeys: limits.maxKeys, live },
    );
  }

  /** Refuses a schedule becoming active when the tenant already has its plan's `maxActiveSchedules` active ones. */
  async admitSchedule(tenantId: string): Promise<void> {
    const { plan, limits } = await this.tenantPlan(tenantId);
    if (limits.maxActiveSchedules === undefined) return;
    const active = await this.deps.schedules.countActive(tenantId);
    if (active < limits.maxActiveSchedules) return;
    throw new QuotaExceededError(
      `maxActiveSchedules of ${limits.maxActiveSchedules} reached for the tenant's plan "${plan}" (${active} active); ` +
        'pause or delete one first',
      60,
      { kind: 'maxActiveSchedules', maxActiveSchedules: limits.maxActiveSchedules, active },
    );
  }

  private plan(name: string): Plan {
    return this.deps.plans[name] ?? {};
  }

  private async tenantPlan(tenantId: string): Promise<{ plan: string; limits: Plan }> {
    const plan = (await this.deps.tenants.get(tenantId))?.plan;
    return plan === undefined ? { plan: '(none)', limits: {} } : { plan, limits: this.plan(plan) };
  }

  /** The tenant, and the key too when it is on a plan of its own. */
  private async holders(tenantId: string, keyId: string | undefined, keyPlan: string | undefined, known?: Tenant): Promise<Holder[]> {
    const tenant = known ?? (await this.deps.tenants.get(tenantId));
    const { usage, messages, clock } = this.deps;
    const holders: Holder[] = [];
    const tenantPlan = tenant?.plan ?? keyPlan;
    if (tenantPlan !== undefined) {
      holders.push({
        slot: `t:${tenantId}`,
        plan: tenantPlan,
        who: "the tenant's",
        countPending: () => messages.countPendingForTenant(tenantId),
        requestsSince: async (date) => (await usage.query(tenantId, date, utcDate(clock.now()))).reduce((n, row) => n + row.requests, 0),
      });
    }
    if (keyId !== undefined && keyPlan !== undefined && keyPlan !== tenantPlan) {
      holders.push({
        slot: `k:${keyId}`,
        plan: keyPlan,
        who: "this key's",
        countPending: () => messages.countPending(keyId),
        requestsSince: (date) => usage.requestsSince(keyId, date),
      });
    }
    return holders;
  }

  /** The refusal when `count` more scheduled messages would pass a holder's pending limit; else counts them and returns undefined. */
  private async pendingRefusal(holders: Holder[], count: number): Promise<QuotaExceededError | undefined> {
    const now = this.deps.clock.now();
    const entries: { count: number }[] = [];
    for (const h of holders) {
      const max = this.plan(h.plan).maxPendingMessages;
      if (max === undefined) continue;
      let entry = this.pending.get(h.slot);
      // Recount at most once a second; in between, count what this process admitted.
      if (!entry || now - entry.at > recountMs) {
        entry = { count: await h.countPending(), at: now };
        this.pending.set(h.slot, entry);
      }
      if (entry.count + count > max) {
        return new QuotaExceededError(
          `maxPendingMessages of ${max} reached for ${h.who} plan "${h.plan}" (${entry.count} scheduled); ` +
            'wait for deliveries or abort some',
          60,
          { kind: 'maxPendingMessages', maxPendingMessages: max, pending: entry.count },
        );
      }
      entries.push(entry);
    }
    for (const e of entries) e.count += count;
    return undefined;
  }
}
