import { LRUCache } from 'lru-cache';
import type { Clock } from '../domain/clock';
import { TenantSuspendedError } from './errors';
import type { Tenant } from './model';
import type { TenantStore } from './port';

/** Options of the tenant directory. */
export interface TenantDirectoryOptions {
  /**
   * How long a tenant read is trusted: a plan change or suspension made elsewhere (the CLI beside the server, another
   * Lambda container) applies within this; one made through this process applies at once. @default 1_000
   */
  cacheMs: number;
  /** Most tenants held; the least recently used go first. @default 10_000 */
  max: number;
}

export const tenantDirectoryDefaults: TenantDirectoryOptions = { cacheMs: 1_000, max: 10_000 };

/** lru-cache holds no `undefined`: a missing tenant is cached as `{ tenant: undefined }`. */
interface Entry {
  tenant: Tenant | undefined;
}

/**
 * The tenants every request and delivery asks about (its plan, whether it is suspended), read at most once per
 * `cacheMs` each; concurrent reads of one tenant share one store read, and a failed read is not cached.
 */
export class TenantDirectory {
  private readonly cache: LRUCache<string, Entry>;

  constructor(store: Pick<TenantStore, 'get'>, clock: Clock, options: Partial<TenantDirectoryOptions> = {}) {
    const o = { ...tenantDirectoryDefaults, ...options };
    this.cache = new LRUCache<string, Entry>({
      max: o.max,
      ttl: o.cacheMs,
      // Ages by the injected clock (fake in tests), read at every check. lru-cache reads a start of 0 as "no TTL": shift by 1 ms.
      perf: { now: () => clock.now() + 1 },
      ttlResolution: 0,
      fetchMethod: async (tenantId) => ({ tenant: await store.get(tenantId) }),
    });
  }

  /** The tenant, cached or read now; undefined when there is none. */
  async get(tenantId: string): Promise<Tenant | undefined> {
    return (await this.cache.fetch(tenantId))?.tenant;
  }

  /** Whether the tenant is suspended (an unknown tenant is not). */
  async isSuspended(tenantId: string): Promise<boolean> {
    return (await this.get(tenantId))?.status === 'suspended';
  }

  /** Throws `TenantSuspendedError` when the tenant is suspended. */
  async assertActive(tenantId: string): Promise<void> {
    if (await this.isSuspended(tenantId)) throw new TenantSuspendedError(tenantId);
  }

  /** Forgets a tenant changed by this process, so its next use reads the change. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
