import { newId } from '../domain/ids';
import { capPageBytes, encodeCursor, responseBytesOf } from '../domain/page';
import { describeStoreContract } from '../../test/support/contracts';
import { aMessage } from '../../test/support/fixtures';
import { createSqliteStores } from './sqlite';

describeStoreContract('sqlite', async () => {
  const stores = createSqliteStores({ filename: ':memory:' });
  return { ...stores, close: () => stores.close() };
});

describe('sqlite message listing', () => {
  const stores = createSqliteStores({ filename: ':memory:' });
  afterAll(() => stores.close());
  const T = Date.UTC(2030, 0, 1);
  const ids: string[] = [];
  const small: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const m = aMessage({ id: newId('msg', new Date(T + i * 1000)), tenantId: 'ten_small' });
      small.unshift(m.id);
      await stores.messages.create([m], T);
    }
    // Five messages of about 1.5 MiB each (as the page's byte cap counts them: 2 × 700 KiB + 1 KiB), oldest first.
    for (let i = 0; i < 5; i++) {
      const m = aMessage({ id: newId('msg', new Date(T + i * 1000)), payload: JSON.stringify('x'.repeat(700 * 1024)) });
      ids.unshift(m.id);
      await stores.messages.create([m], T);
    }
  });

  it('ends a page that holds every message left without a cursor, and one with more after it with one', async () => {
    const all = await stores.messages.list('ten_small', {}, { limit: 3 });
    expect(all.items.map((m) => m.id)).toEqual(small);
    expect(all.nextCursor).toBeUndefined();
    const first = await stores.messages.list('ten_small', {}, { limit: 2 });
    expect(first.items.map((m) => m.id)).toEqual(small.slice(0, 2));
    expect(first.nextCursor).toBe(encodeCursor(small[1]));
    const last = await stores.messages.list('ten_small', {}, { limit: 2, cursor: first.nextCursor });
    expect(last.items.map((m) => m.id)).toEqual(small.slice(2));
    expect(last.nextCursor).toBeUndefined();
  });

  it('ends a page where its payloads pass the byte cap, as the service would, with a cursor after its last item', async () => {
    const page = await stores.messages.list('ten_a', {}, { limit: 100 });
    const capped = capPageBytes(page, (m) => responseBytesOf(m.payload));
    expect(page.items.length).toBeLessThan(5);
    expect(capped).toEqual(page);
    expect(page.nextCursor).toBe(encodeCursor(ids[page.items.length - 1]));
    const seen = page.items.map((m) => m.id);
    for (let cursor = page.nextCursor; cursor !== undefined; ) {
      const next = await stores.messages.list('ten_a', {}, { limit: 100, cursor });
      seen.push(...next.items.map((m) => m.id));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(ids);
  });
});
