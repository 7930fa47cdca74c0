/** The app store contract (run for every adapter by ./index.ts). Tests only. */
import type { App } from '../../../libs/apps/model';
import type { AppStore } from '../../../libs/apps/port';
import { newId } from '../../../libs/domain/ids';
import { InvalidCursorError } from '../../../libs/domain/page';
import { anApp } from '../fixtures';
import type { ContractContext } from './context';

// Target headers are secrets stored with the app: the round trip must keep them.
const target = { type: 'http', url: 'https://example.com/hook', headers: { authorization: 'Bearer s3cret' } } as const;
/** Registers the app store contract; `store` gives the fresh store of the current test. */
export const describeAppContract = (store: () => AppStore, { A, B, T0 }: ContractContext): void => {
  const app = (tenantId: string, over: Partial<App> = {}): App => anApp({ tenantId, target, createdAt: T0, updatedAt: T0, ...over });

  it('round-trips an app and hides it from other tenants', async () => {
    const a = app(A);
    await store().create(a);
    expect(await store().get(A, a.id)).toEqual(a);
    expect(await store().get(B, a.id)).toBeUndefined();
  });

  it('says whether an app exists, within its tenant only, and not once deleted', async () => {
    const a = app(A);
    await store().create(a);
    expect(await store().get(A, a.id)).toBeDefined(); // a read that may fill an adapter's cache first
    expect(await store().exists(A, a.id)).toBe(true);
    expect(await store().exists(B, a.id)).toBe(false);
    expect(await store().exists(A, newId('app'))).toBe(false);
    await store().delete(A, a.id);
    expect(await store().exists(A, a.id)).toBe(false);
  });

  it('lists newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = app(A, { id: newId('app', new Date(T0 + i * 1000)) });
      ids.push(a.id);
      await store().create(a);
    }
    await store().create(app(B));
    const first = await store().list(A, { limit: 3 });
    expect(first.items.map((a) => a.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.nextCursor).toBeDefined();
    const second = await store().list(A, { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((a) => a.id)).toEqual([ids[1], ids[0]]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a malformed cursor rather than answering an empty page', async () => {
    await expect(store().list(A, { limit: 3, cursor: 'bm90LWFuLWlk' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('updates and deletes only within the tenant', async () => {
    const a = app(A);
    await store().create(a);
    await store().update({ ...a, name: 'renamed' });
    expect((await store().get(A, a.id))?.name).toBe('renamed');
    await expect(store().update({ ...a, tenantId: B })).rejects.toThrow(/not found/);
    expect(await store().delete(B, a.id)).toBe(false);
    expect(await store().delete(A, a.id)).toBe(true);
    expect(await store().get(A, a.id)).toBeUndefined();
  });
};
