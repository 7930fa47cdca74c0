/** The tenant store contract (run for every adapter by ./index.ts). Tests only. */
import { newId } from '../../../libs/domain/ids';
import type { TenantStore } from '../../../libs/tenancy/port';
import { aTenant } from '../fixtures';
import type { ContractContext } from './context';

/** Registers the tenant store contract; `store` gives the fresh store of the current test. */
export const describeTenantContract = (store: () => TenantStore, { A, B, T0 }: ContractContext): void => {
  it('creates and reads a tenant', async () => {
    const tenant = aTenant({ id: A, createdAt: T0 });
    await store().create(tenant);
    expect(await store().get(A)).toEqual(tenant);
    expect(await store().get(B)).toBeUndefined();
  });

  it('lists every tenant newest first, with a cursor', async () => {
    // Ids sort by creation second, then randomly: made one second apart, they sort as created.
    const ids = [0, 1, 2].map((i) => newId('ten', new Date(T0 + i * 1_000)));
    for (const id of ids) await store().create(aTenant({ id, createdAt: T0 }));
    const first = await store().list({ limit: 2 });
    expect(first.items.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toBeDefined();
    const second = await store().list({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map((t) => t.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('changes plan, status and name; undefined for an unknown tenant', async () => {
    const tenant = aTenant({ id: A, createdAt: T0 });
    await store().create(tenant);
    const suspended = await store().update(A, { status: 'suspended', plan: 'pro', updatedAt: T0 + 5 });
    expect(suspended).toEqual({ ...tenant, status: 'suspended', plan: 'pro', updatedAt: T0 + 5 });
    expect(await store().get(A)).toEqual(suspended);
    expect(await store().update(A, { name: 'renamed' })).toMatchObject({ name: 'renamed', status: 'suspended' });
    expect(await store().update(B, { status: 'active' })).toBeUndefined();
    expect(await store().get(B)).toBeUndefined();
  });
};
