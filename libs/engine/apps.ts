import { LRUCache } from 'lru-cache';
import type { App } from '../apps/model';
import type { AppStore } from '../apps/port';
import type { Clock } from '../domain/clock';

/** Options of the engines' app cache. */
export interface AppCacheOptions {
  /**
   * How long an app read is used before it is read again: settings changes apply this quickly,
   * without a read per delivery. @default 1_000
   */
  ttlMs: number;
  /** Most apps held; the least recently used go first. @default 10_000 */
  max: number;
}

export const appCacheDefaults: AppCacheOptions = { ttlMs: 1_000, max: 10_000 };

/** lru-cache holds no `undefined`: a deleted app is cached as `{ app: undefined }`. */
interface Entry {
  app: App | undefined;
}

/**
 * The apps both engines deliver to, read at most once per `ttlMs` each (per process, or per warm
 * Lambda container). Concurrent reads of one app share one store read; a failed read is not cached.
 */
export class AppCache {
  private readonly cache: LRUCache<string, Entry, { tenantId: string; appId: string }>;

  constructor(apps: AppStore, clock: Clock, options: Partial<AppCacheOptions> = {}) {
    const o = { ...appCacheDefaults, ...options };
    this.cache = new LRUCache({
      max: o.max,
      ttl: o.ttlMs,
      // Ages by the injected clock (fake in tests), read at every check rather than memoised for 1 ms.
      perf: clock,
      ttlResolution: 0,
      fetchMethod: async (_key, _stale, { context }) => ({ app: await apps.get(context.tenantId, context.appId) }),
    });
  }

  /** The tenant's app, or undefined when it was deleted: cached, or read now. */
  async get(tenantId: string, appId: string): Promise<App | undefined> {
    return (await this.cache.fetch(`${tenantId}/${appId}`, { context: { tenantId, appId } }))?.app;
  }
}
