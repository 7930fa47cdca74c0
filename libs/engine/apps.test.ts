import type { App } from '../apps/model';
import type { AppStore } from '../apps/port';
import { ManualClock } from '../domain/clock';
import { defaultRetryPolicy } from '../domain/retry';
import { AppCache } from './apps';

const app = (id: string, maxConcurrency = 4): App => ({
  id,
  tenantId: 'ten_1',
  name: 'a',
  target: { type: 'http', url: 'https://example.com/hook' },
  retryPolicy: defaultRetryPolicy,
  maxConcurrency,
  signingSecret: 'whsec_dGVzdA==',
  createdAt: 0,
  updatedAt: 0,
});

/** An app store that counts reads and answers from a map (or throws while `failing`). */
const countingStore = () => {
  const apps = new Map<string, App>();
  const reads: string[] = [];
  let failing = false;
  const store = {
    get: async (tenantId: string, appId: string) => {
      reads.push(appId);
      if (failing) throw new Error('store down');
      const a = apps.get(appId);
      return a?.tenantId === tenantId ? a : undefined;
    },
  } as unknown as AppStore;
  return { store, apps, reads, fail: (on: boolean) => (failing = on) };
};

describe('AppCache', () => {
  describe('get', () => {
    it('reads an app once within the TTL, and again after it', async () => {
      const s = countingStore();
      s.apps.set('app_1', app('app_1', 4));
      const clock = new ManualClock(1_000_000);
      const cache = new AppCache(s.store, clock, { ttlMs: 1_000 });

      expect((await cache.get('ten_1', 'app_1'))?.maxConcurrency).toBe(4);
      s.apps.set('app_1', app('app_1', 9));
      clock.advance(999);
      expect((await cache.get('ten_1', 'app_1'))?.maxConcurrency).toBe(4);
      expect(s.reads).toHaveLength(1);

      clock.advance(2);
      expect((await cache.get('ten_1', 'app_1'))?.maxConcurrency).toBe(9);
      expect(s.reads).toHaveLength(2);
    });

    it('shares one read among concurrent callers', async () => {
      const s = countingStore();
      s.apps.set('app_1', app('app_1'));
      const cache = new AppCache(s.store, new ManualClock(1_000_000));

      const got = await Promise.all([cache.get('ten_1', 'app_1'), cache.get('ten_1', 'app_1'), cache.get('ten_1', 'app_1')]);

      expect(got.map((a) => a?.id)).toEqual(['app_1', 'app_1', 'app_1']);
      expect(s.reads).toEqual(['app_1']);
    });

    it('caches a deleted app as undefined, and keeps tenants apart', async () => {
      const s = countingStore();
      s.apps.set('app_1', app('app_1'));
      const cache = new AppCache(s.store, new ManualClock(1_000_000));

      expect(await cache.get('ten_1', 'app_gone')).toBeUndefined();
      expect(await cache.get('ten_1', 'app_gone')).toBeUndefined();
      expect(await cache.get('ten_2', 'app_1')).toBeUndefined();
      expect(await cache.get('ten_1', 'app_1')).toBeDefined();
      expect(s.reads).toEqual(['app_gone', 'app_1', 'app_1']);
    });

    it('does not cache a failed read: the next call reads again', async () => {
      const s = countingStore();
      s.apps.set('app_1', app('app_1'));
      const cache = new AppCache(s.store, new ManualClock(1_000_000));
      s.fail(true);

      await expect(cache.get('ten_1', 'app_1')).rejects.toThrow('store down');
      s.fail(false);

      expect(await cache.get('ten_1', 'app_1')).toBeDefined();
      expect(s.reads).toHaveLength(2);
    });
  });
});
