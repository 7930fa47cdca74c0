/** The tenant store contract (run for every adapter by ./index.ts). Tests only. */
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
};
