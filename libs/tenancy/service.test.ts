import { ManualClock } from '../domain/clock';
import type { KeyService } from '../keys/service';
import type { Tenant } from './model';
import type { TenantStore } from './port';
import { TenantService } from './service';

const T0 = Date.UTC(2026, 5, 1, 12);

/** The service over one stored tenant, recording what it asks of keys, caches and the engine, in order. */
const setup = (tenant: Partial<Tenant> = {}) => {
  const stored: Tenant = { id: 'ten_a', name: 'acme', plan: 'free', owner: 'operator', status: 'active', createdAt: T0, ...tenant };
  const calls: string[] = [];
  let failReplan = false;
  const tenants: TenantStore = {
    create: async () => undefined,
    get: async (id) => (id === stored.id ? { ...stored } : undefined),
    list: async () => ({ items: [stored] }),
    update: async (id, change) => {
      calls.push(`update ${JSON.stringify(change)}`);
      return id === stored.id ? Object.assign(stored, change) : undefined;
    },
  };
  const keys = {
    replan: async (tenantId: string, from: string, to: string) => {
      calls.push(`replan ${tenantId}`);
      calls.push(`replan ${from}->${to}`);
      if (failReplan) throw new Error('API Gateway throttled');
      return 1;
    },
  } as unknown as KeyService;
  const service = new TenantService({
    tenants,
    keys,
    clock: new ManualClock(T0 + 1),
    planOf: () => ({}),
    planNames: () => ['free', 'pro'],
    defaultPlan: 'free',
    forget: (t) => void calls.push(`forget ${t}`),
    onResumed: async (t) => void calls.push(`resumed ${t}`),
  });
  return { service, calls, stored, failReplan: (on: boolean) => (failReplan = on) };
};

describe('TenantService.update', () => {
  it('moves the keys before the tenant, so a failed move leaves the old plan and a retry finishes it', async () => {
    const s = setup();
    s.failReplan(true);
    await expect(s.service.update('ten_a', { plan: 'pro' })).rejects.toThrow('throttled');
    expect(s.stored.plan).toBe('free');
    s.failReplan(false);
    expect(await s.service.update('ten_a', { plan: 'pro' })).toMatchObject({ plan: 'pro', updatedAt: T0 + 1 });
    expect(s.calls).toEqual([
      'replan ten_a',
      'replan free->pro',
      'replan ten_a',
      'replan free->pro',
      `update {"plan":"pro","updatedAt":${T0 + 1}}`,
      'forget ten_a',
    ]);
  });

  it('releases held messages on every resumption, a repeated one included; changes nothing it is not asked to', async () => {
    const s = setup({ status: 'suspended' });
    await s.service.update('ten_a', { status: 'active' });
    await s.service.update('ten_a', { status: 'active' });
    expect(s.calls.filter((c) => c.startsWith('resumed'))).toEqual(['resumed ten_a', 'resumed ten_a']);
    expect(s.calls.filter((c) => c.startsWith('update'))).toHaveLength(1);
    await s.service.update('ten_a', { name: 'acme', plan: 'pro', status: 'suspended' });
    expect(s.calls.at(-1)).toBe('forget ten_a');
    await expect(s.service.update('ten_nope', { name: 'x' })).rejects.toThrow(/tenant ten_nope not found/);
    await expect(s.service.update('ten_a', { plan: 'gold' })).rejects.toThrow(/unknown plan "gold"; plans are: free, pro/);
  });
});
