import { LRUCache } from 'lru-cache';
import type { Clock } from '../domain/clock';
import { defaultRetentionDays, type Plan, type PlanCatalogue } from '../plans/catalogue';
import type { TenantStore } from '../tenancy/port';

/** Options of the engines' tenant plan cache. */
export interface TenantPlanCacheOptions {
  /** How long a tenant's plan is used before it is read again: a plan change applies this quickly. @default 5_000 */
  ttlMs: number;
  /** Most tenants held; the least recently used go first. @default 10_000 */
  max: number;
}

export const tenantPlanCacheDefaults: TenantPlanCacheOptions = { ttlMs: 5_000, max: 10_000 };

/**
 * The plan each tenant delivers under (its delivery share, attempt budget and retention), read at most
 * once per `ttlMs` per tenant. A tenant that is gone, or names a plan the catalogue lacks, gets no limits
 * from it (`{}`): the engine never stops delivering for want of a plan.
 */
export class TenantPlanCache {
  private readonly cache: LRUCache<string, { plan: Plan }>;

  constructor(tenants: Pick<TenantStore, 'get'>, plans: PlanCatalogue, clock: Clock, options: Partial<TenantPlanCacheOptions> = {}) {
    const o = { ...tenantPlanCacheDefaults, ...options };
    this.cache = new LRUCache({
      max: o.max,
      ttl: o.ttlMs,
      perf: clock,
      ttlResolution: 0,
      fetchMethod: async (tenantId) => {
        const tenant = await tenants.get(tenantId);
        return { plan: (tenant && plans[tenant.plan]) ?? {} };
      },
    });
  }

  /** The tenant's plan: cached, or read now. */
  async get(tenantId: string): Promise<Plan> {
    return (await this.cache.fetch(tenantId))?.plan ?? {};
  }
}

/** How long a tenant on `plan` keeps its finished messages and their attempts. */
export const retentionMsOf = (plan: Plan): number => (plan.retentionDays ?? defaultRetentionDays) * 86_400_000;
