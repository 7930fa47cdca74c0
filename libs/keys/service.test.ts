import type { AppStore } from '../apps/port';
import { ManualClock } from '../domain/clock';
import type { ApiKey } from './model';
import type { GatewayKeyMap, KeyStore } from './port';
import { TenantSuspendedError } from '../tenancy/errors';
import { KeyService, type KeyServiceDeps } from './service';

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
    list: async () => ({ items: [...byId.values()].map((k) => ({ ...k })) }),
    revoke: async (t, id, at) => {
      const k = byId.get(id);
      if (!k || k.tenantId !== t || k.revokedAt) return false;
      k.revokedAt = at;
      return true;
    },
    touch: async () => undefined,
    countLive: async (t) => [...byId.values()].filter((k) => k.tenantId === t && !k.revokedAt).length,
    setPlan: async (t, id, plan) => {
      const k = byId.get(id);
      if (k?.tenantId !== t) return false;
      k.plan = plan;
      return true;
    },
    revokeAllForApp: async (t, appId, at) => {
      const keys = [...byId.values()].filter((k) => k.tenantId === t && k.appId === appId && !k.revokedAt);
      const before = keys.map((k) => ({ ...k }));
      for (const k of keys) k.revokedAt = at;
      return before;
    },
  };
  return { store, byId, reads };
};

const setup = (
  options: {
    cacheMs?: number;
    gateway?: boolean;
    suspended?: Set<string>;
    onReplanned?: KeyServiceDeps['onReplanned'];
    onRevoked?: KeyServiceDeps['onRevoked'];
  } = {},
) => {
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
    planNames: () => ['free', 'pro', 'unlimited'],
    // free < pro < unlimited
    isPlanAtMost: (a, b) => ['free', 'pro', 'unlimited'].indexOf(a) <= ['free', 'pro', 'unlimited'].indexOf(b),
    ...(options.suspended
      ? {
          tenants: {
            assertActive: async (t: string) => {
              if (options.suspended!.has(t)) throw new TenantSuspendedError(t);
            },
          },
        }
      : {}),
    ...(options.onReplanned ? { onReplanned: options.onReplanned } : {}),
    ...(options.onRevoked ? { onRevoked: options.onRevoked } : {}),
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

  describe('suspension', () => {
    it("refuses a suspended tenant's keys by value and by id, and lets them in again once it is active", async () => {
      const suspended = new Set<string>();
      const s = setup({ suspended });
      const { key, value } = await s.service.issue('ten_1', 'control', 'free');
      suspended.add('ten_1');
      await expect(s.service.authenticate(value)).rejects.toThrow(TenantSuspendedError);
      await expect(s.service.principal(key.id)).rejects.toThrow(TenantSuspendedError);
      // An unknown key is still just unknown.
      expect(await s.service.authenticate('pk_unknown')).toBeUndefined();
      suspended.delete('ten_1');
      expect(await s.service.authenticate(value)).toMatchObject({ id: key.id });
    });
  });

  describe('replan', () => {
    it("moves the tenant's live keys on its old plan, and those above the new one; a lower plan of a key's own stays", async () => {
      const moved: [string, string, string][] = [];
      const s = setup({ onReplanned: async (k, plan) => void moved.push([k.id, k.plan, plan]) });
      const onOld = await s.service.issue('ten_1', 'control', 'pro');
      const ownLower = await s.service.issue('ten_1', 'control', 'free');
      const revoked = await s.service.issue('ten_1', 'control', 'pro');
      await s.service.revoke(control(onOld.key), revoked.key.id);
      const otherTenant = await s.service.issue('ten_2', 'control', 'pro');
      await s.service.authenticate(onOld.value); // cached: the move must evict it

      expect(await s.service.replan('ten_1', 'pro', 'unlimited')).toBe(1);
      expect(moved).toEqual([[onOld.key.id, 'pro', 'unlimited']]);
      expect(await s.service.authenticate(onOld.value)).toMatchObject({ plan: 'unlimited' });
      expect(s.keys.byId.get(ownLower.key.id)?.plan).toBe('free');
      expect(s.keys.byId.get(revoked.key.id)?.plan).toBe('pro');
      expect(s.keys.byId.get(otherTenant.key.id)?.plan).toBe('pro');

      // Down to free: the key on unlimited follows, the free one already is.
      expect(await s.service.replan('ten_1', 'unlimited', 'free')).toBe(1);
      expect(s.keys.byId.get(onOld.key.id)?.plan).toBe('free');
    });
  });

  describe('onAppDeleted', () => {
    it("revokes the app's data keys at once, and only those", async () => {
      const revoked: string[] = [];
      const s = setup({ onRevoked: async (k) => void revoked.push(k.id) });
      const data = await s.service.issue('ten_1', 'data', 'free', { appId: 'app_1' });
      const other = await s.service.issue('ten_1', 'data', 'free', { appId: 'app_2' });
      expect(await s.service.authenticate(data.value)).toBeDefined();

      expect(await s.service.onAppDeleted('ten_1', 'app_1')).toBe(1);

      expect(await s.service.authenticate(data.value)).toBeUndefined();
      expect(await s.service.authenticate(other.value)).toBeDefined();
      expect(revoked).toEqual([data.key.id]);
    });
  });
});
