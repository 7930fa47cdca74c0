/** The key store contract (run for every adapter by ./index.ts). Tests only. */
import { newId } from '../../../libs/domain/ids';
import type { KeyStore } from '../../../libs/keys/port';
import { InvalidCursorError } from '../../../libs/domain/page';
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

  it('counts live keys per tenant and moves a key to another plan', async () => {
    const [k1, k2, k3] = [aKey({ tenantId: A }), aKey({ tenantId: A }), aKey({ tenantId: A })];
    for (const k of [k1, k2, k3, aKey({ tenantId: B })]) await store().create(k);
    await store().revoke(A, k3.id, T0 + 1);
    expect(await store().countLive(A)).toBe(2);
    expect(await store().setPlan(A, k1.id, 'pro')).toBe(true);
    expect(await store().setPlan(B, k2.id, 'pro')).toBe(false);
    expect((await store().getById(k1.id))?.plan).toBe('pro');
    expect((await store().getById(k2.id))?.plan).toBe('free');
  });

  it('revokes the live data keys of a deleted app, and only those', async () => {
    const appId = newId('app');
    const data = aKey({ tenantId: A, scope: 'data', appId });
    const revoked = aKey({ tenantId: A, scope: 'data', appId, revokedAt: T0 });
    const otherApp = aKey({ tenantId: A, scope: 'data', appId: newId('app') });
    const control = aKey({ tenantId: A });
    for (const k of [data, revoked, otherApp, control]) await store().create(k);
    await store().revoke(A, revoked.id, T0);
    expect((await store().revokeAllForApp(B, appId, T0 + 9)).map((k) => k.id)).toEqual([]);
    expect((await store().revokeAllForApp(A, appId, T0 + 9)).map((k) => k.id)).toEqual([data.id]);
    expect((await store().getById(data.id))?.revokedAt).toBe(T0 + 9);
    expect((await store().getById(revoked.id))?.revokedAt).toBe(T0);
    expect((await store().getById(otherApp.id))?.revokedAt).toBeUndefined();
    expect((await store().getById(control.id))?.revokedAt).toBeUndefined();
  });

  it('refuses a malformed cursor rather than answering an empty page', async () => {
    await expect(store().list(A, { limit: 10, cursor: '!!' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
};
