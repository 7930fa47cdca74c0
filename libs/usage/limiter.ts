import { iso, type Clock } from '../domain/clock';
import { QuotaExceededError, RateLimitedError } from '../domain/errors';
import type { Principal } from '../keys/model';
import type { MessageStore } from '../messages/port';
import type { PlanCatalogue } from '../plans/catalogue';
import { quotaWindow, takeToken, utcDate, type Bucket } from './limits';
import type { UsageStore } from './port';

export interface PlanLimiterDeps {
  plans: PlanCatalogue;
  usage: UsageStore;
  messages: MessageStore;
  clock: Clock;
}

/** The key fields plan enforcement needs. */
export interface LimitedKey {
  id: string;
  plan: string;
}

/**
 * Enforces a key's plan in the embedded runtime, as API Gateway usage plans do on AWS:
 * a token bucket (throttle), a request quota per UTC window, and the pending-message limit.
 * Quota counts restart from the stored usage counters after a restart.
 */
export class PlanLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, { windowStart: number; used: number }>();
  private readonly pending = new Map<string, { count: number; at: number }>();

  constructor(private readonly deps: PlanLimiterDeps) {}

  /** Admits one request by `key` or throws RateLimitedError / QuotaExceededError; returns the RateLimit headers. */
  async admitRequest(key: LimitedKey): Promise<Record<string, string>> {
    const plan = this.deps.plans[key.plan] ?? {};
    const now = this.deps.clock.now();
    let bucket: Bucket | undefined;
    if (plan.throttle) {
      const t = takeToken(this.buckets.get(key.id), plan.throttle, now);
      if (!t.ok) {
        this.buckets.set(key.id, t.bucket);
        throw new RateLimitedError(
          `rate limit of ${plan.throttle.rateLimit} requests/s (burst ${plan.throttle.burstLimit}) ` +
            `exceeded for this key's plan "${key.plan}"`,
          t.retryAfterMs / 1000,
          { kind: 'throttle', ...plan.throttle },
        );
      }
      bucket = t.bucket;
    }
    if (plan.quota) {
      const w = quotaWindow(plan.quota.period, now);
      let q = this.quotas.get(key.id);
      if (!q || q.windowStart !== w.start) {
        q = { windowStart: w.start, used: await this.deps.usage.requestsSince(key.id, utcDate(w.start)) };
        this.quotas.set(key.id, q);
      }
      if (q.used >= plan.quota.limit) {
        throw new QuotaExceededError(
          `quota of ${plan.quota.limit} requests per ${plan.quota.period} used up for this key's plan "${key.plan}"; ` +
            `it resets at ${iso(w.end)}`,
          (w.end - now) / 1000,
          { kind: 'quota', ...plan.quota, resetsAt: iso(w.end) },
        );
      }
      q.used++;
      if (bucket) this.buckets.set(key.id, bucket);
      return {
        'ratelimit-limit': String(plan.quota.limit),
        'ratelimit-remaining': String(plan.quota.limit - q.used),
        'ratelimit-reset': String(Math.ceil((w.end - now) / 1000)),
      };
    }
    if (bucket && plan.throttle) {
      this.buckets.set(key.id, bucket);
      return {
        'ratelimit-limit': String(plan.throttle.burstLimit),
        'ratelimit-remaining': String(Math.floor(bucket.tokens)),
        'ratelimit-reset': '1',
      };
    }
    return {};
  }

  /** Refuses `count` new messages when the key's plan pending limit would be passed. */
  async admitMessages(p: Principal, count: number): Promise<void> {
    const max = this.deps.plans[p.plan]?.maxPendingMessages;
    if (max === undefined) return;
    const now = this.deps.clock.now();
    let entry = this.pending.get(p.keyId);
    // Recount at most once a second; in between, count what this process admitted.
    if (!entry || now - entry.at > 1_000) {
      entry = { count: await this.deps.messages.countPending(p.keyId), at: now };
      this.pending.set(p.keyId, entry);
    }
    if (entry.count + count > max) {
      throw new QuotaExceededError(
        `maxPendingMessages of ${max} reached for this key's plan "${p.plan}" (${entry.count} scheduled); ` +
          'wait for deliveries or abort some',
        60,
        { kind: 'maxPendingMessages', maxPendingMessages: max, pending: entry.count },
      );
    }
    entry.count += count;
  }
}
