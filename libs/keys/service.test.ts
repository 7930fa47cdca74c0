import type { AppStore } from '../apps/port';
import { ManualClock } from '../domain/clock';
import type { ApiKey } from './model';
import type { GatewayKeyMap, KeyStore } from './port';
import { KeyService } from './service';

/** An in-memory key store that counts reads by id and by hash. */
const memoryKeys = () => {
  const byId = new Map<string, ApiKey>();
  const reads = { byId: 0, byHash: 0 };
  const store: KeyStore = {
    create: async (k) => void byId.set(k.id, { ...k }),
    getByHash: async (h) => {
      reads.byHash++;
      const k = [...byId.values()].find((x) => x.hash === h);
      return k && { ...k };
    },
    get: async (t, id) => {
      const k = byId.get(id);
      return k?.tenantId === t ? { ...k } : undefined;
    },
    getById: async (id) => {
      reads.byId++;
      const k = byId.get(id);
      return k && { ...k };
    },
    list: async () => ({ items: [...byId.values()] }),
    revoke: async (t, id, at) => {
      const k = byId.get(id);
      if (!k || k.tenantId !== t || k.revokedAt) return false;
      k.revokedAt = at;
      return true;
    },
    touch: async () => undefined,
  };
  return { store, byId, reads };
};

const setup = (options: { cacheMs?: number; gateway?: boolean } = {}) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  const keys = memoryKeys();
  const gatewayIds = new Map<string, string>();
  let mapReads = 0;
  const gatewayKeys: Pick<GatewayKeyMap, 'keyIdOf'> = {
    keyIdOf: async (g) => {
      mapReads++;
      return gatewayIds.get(g);
    },
  };
  const service = new KeyService({
    keys: keys.store,
    apps: {} as AppStore,
    clock,
    planNames: () => ['free'],
    isPlanAtMost: () => true,
    ...(options.cacheMs !== undefined ? { cacheMs: options.cacheMs } : {}),
    ...(options.gateway ? { gatewayKeys } : {}),
  });
  return { clock, keys, gatewayIds, service, mapReads: () => mapReads };
};

const control = (key: ApiKey) => ({ tenantId: key.tenantId, keyId: key.id, scope: 'control' as const, plan: key.plan });

describe('KeyService', () => {
  describe('principal', () => {
    it('resolves a gateway key id once and then serves the key from memory, cached under our id', async () => {
      const s = setup({ cacheMs: 5_000, gateway: true });
      const { key } = await s.service.issue('ten_1', 'control', 'free');
      s.gatewayIds.set('gw-1', key.id);

      for (let i = 0; i < 20; i++) expect(await s.service.principal('gw-1')).toMatchObject({ keyId: key.id, tenantId: 'ten_1' });

      expect(s.mapReads()).toBe(1);
      expect(s.keys.reads.byId).toBe(1);
      // The same key by its value (or by our id) is the same cache entry.
      expect(s.keys.reads.byHash).toBe(0);
    });

    it('reads the key again once it is cacheMs old, and sees a revocation made elsewhere', async () => {
      const s = setup({ cacheMs: 5_000, gateway: true });
      const { key } = await s.service.issue('ten_1', 'control', 'free');
      s.gatewayIds.set('gw-1', key.id);
      await s.service.principal('gw-1');

      await s.keys.store.revoke('ten_1', key.id, s.clock.now()); // another container
      s.clock.advance(4_999);
      expect(await s.service.principal('gw-1')).toBeDefined();
      s.clock.advance(1);
      expect(await s.service.principal('gw-1')).toBeUndefined();
      expect(s.keys.reads.byId).toBe(2);
      expect(s.mapReads()).toBe(1);
    });

    it('is undefined for a gateway key id that names none of our keys', async () => {
      const s = setup({ gateway: true });
      expect(await s.service.principal('gw-unknown')).toBeUndefined();
    });

    it('takes the id as ours when no gateway key map is given (embedded)', async () => {
      const s = setup();
      const { key } = await s.service.issue('ten_1', 'control', 'free');
      expect(await s.service.principal(key.id)).toMatchObject({ keyId: key.id });
      expect(await s.service.principal(key.id)).toMatchObject({ keyId: key.id });
      expect(s.keys.reads.byId).toBe(1);
    });
  });

  describe('authenticate', () => {
    it('caches by value forever without cacheMs, and shares the entry with principal', async () => {
      const s = setup();
      const { key, value } = await s.service.issue('ten_1', 'control', 'free');
      expect(await s.service.authenticate(value)).toMatchObject({ id: key.id });
      s.clock.advance(365 * 86_400_000);
      expect(await s.service.authenticate(value)).toMatchObject({ id: key.id });
      expect(await s.service.principal(key.id)).toMatchObject({ keyId: key.id });
      expect(s.keys.reads).toEqual({ byId: 0, byHash: 1 });
    });
  });

  describe('revoke', () => {
    it('evicts the key under our id, its hash and its gateway id at once', async () => {
      const s = setup({ gateway: true });
      const { key, value } = await s.service.issue('ten_1', 'control', 'free');
      s.gatewayIds.set('gw-1', key.id);
      await s.service.authenticate(value);
      await s.service.principal('gw-1');

      await s.service.revoke(control(key), key.id);

      expect(await s.service.principal('gw-1')).toBeUndefined();
      expect(await s.service.authenticate(value)).toBeUndefined();
      // Both the gateway id and the key were read again (the revoked key then answers authenticate too).
      expect(s.mapReads()).toBe(2);
      expect(s.keys.reads).toEqual({ byId: 1, byHash: 1 });
    });
  });
});
