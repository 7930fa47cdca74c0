/** The key store contract (run for every adapter by ./index.ts). Tests only. */
import type { KeyStore } from '../../../libs/keys/port';
import { aKey } from '../fixtures';
import type { ContractContext } from './context';

/** Registers the key store contract; `store` gives the fresh store of the current test. */
export const describeKeyContract = (store: () => KeyStore, { A, B, T0 }: ContractContext): void => {
  it('finds a key by hash and by id, and revokes it once', async () => {
    const key = aKey({ tenantId: A, createdAt: T0 });
    await store().create(key);
    expect(await store().getByHash(key.hash)).toEqual(key);
    expect(await store().getById(key.id)).toEqual(key);
    expect(await store().get(B, key.id)).toBeUndefined();
    expect(await store().revoke(B, key.id, T0 + 1)).toBe(false);
    expect(await store().revoke(A, key.id, T0 + 1)).toBe(true);
    expect(await store().revoke(A, key.id, T0 + 2)).toBe(false);
    expect((await store().getByHash(key.hash))?.revokedAt).toBe(T0 + 1);
  });

  it('records last use and lists per tenant', async () => {
    const key = aKey({ tenantId: A, createdAt: T0 });
    await store().create(key);
    await store().create(aKey({ tenantId: B, createdAt: T0 }));
    await store().touch(key.id, T0 + 5);
    const page = await store().list(A, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0].lastUsedAt).toBe(T0 + 5);
  });
};
