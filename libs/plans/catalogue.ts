/** Throttle of a plan, as in API Gateway usage plans. */
export interface Throttle {
  /** Steady requests per second. */
  rateLimit: number;
  /** Bucket size: requests allowed at once. */
  burstLimit: number;
}

/** Quota of a plan, as in API Gateway usage plans (UTC windows). */
export interface Quota {
  limit: number;
  period: 'DAY' | 'WEEK' | 'MONTH';
}

/** A usage plan. A missing throttle or quota means no such limit. */
export interface Plan {
  throttle?: Throttle;
  quota?: Quota;
  /** Most messages a key may have `scheduled` at once; undefined means no limit. */
  maxPendingMessages?: number;
}

/** @default the plan catalogue; `PUNCTUAL_PLANS_FILE` merges over it. */
export const defaultPlans: Record<string, Plan> = {
  free: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1_000, period: 'DAY' }, maxPendingMessages: 1_000 },
  pro: { throttle: { rateLimit: 100, burstLimit: 200 }, quota: { limit: 1_000_000, period: 'MONTH' }, maxPendingMessages: 1_000_000 },
  unlimited: {},
};

/** @default plan of a new tenant */
export const defaultPlanName = 'free';

/** Plans ordered from least to most generous, for "only downwards" checks on key overrides. */
export const planRank = (plans: Record<string, Plan>, name: string): number => {
  const p = plans[name];
  if (!p) return -1;
  // A missing limit is infinitely generous; compare the quota per day, then the rate.
  const perDay = p.quota ? p.quota.limit / { DAY: 1, WEEK: 7, MONTH: 31 }[p.quota.period] : Infinity;
  const rate = p.throttle ? p.throttle.rateLimit : Infinity;
  return perDay === Infinity && rate === Infinity ? Number.MAX_VALUE : Math.min(perDay, Number.MAX_VALUE / 2) + rate;
};
