import { openDatabase } from './database';
import { GroupCommitter } from './group-commit';
import { SqliteMessageStore } from './messages';
import { messagesLike } from '../../../test/support/fixtures';

describe('GroupCommitter', () => {
  it('runs calls of one turn in one group, in arrival order, and resolves each with its own output', async () => {
    const groups: number[][] = [];
    const gc = new GroupCommitter<number, string>(
      (xs) => {
        groups.push(xs);
        return xs.map((x) => `g${x}`);
      },
      (x) => `o${x}`,
    );
    const out = await Promise.all([1, 2, 3].map((x) => gc.submit(x)));
    expect(out).toEqual(['g1', 'g2', 'g3']);
    expect(groups).toEqual([[1, 2, 3]]);
    expect(await gc.submit(4)).toBe('o4'); // a lone call runs alone
  });

  it('splits at maxGroup', async () => {
    const groups: number[][] = [];
    const gc = new GroupCommitter<number, number>(
      (xs) => {
        groups.push(xs);
        return xs;
      },
      (x) => x,
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((x) => gc.submit(x)));
    expect(groups).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('retries each call alone when the group fails, so only the bad call fails', async () => {
    const gc = new GroupCommitter<number, number>(
      () => {
        throw new Error('group');
      },
      (x) => {
        if (x === 2) throw new Error('bad');
        return x * 10;
      },
    );
    const out = await Promise.allSettled([1, 2, 3].map((x) => gc.submit(x)));
    expect(out.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'bad', 30]);
  });
});

describe('SqliteMessageStore group commit', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const msg = messagesLike({ tenantId: 'ten_a', appId: 'app_a', sendAt: T0 + 60_000, dueAt: T0 + 60_000, createdAt: T0, updatedAt: T0 });

  it('returns the original for an idempotency key repeated within one group, and stores the rest', async () => {
    const db = openDatabase({ filename: ':memory:' });
    const store = new SqliteMessageStore(db);
    const first = msg({ idempotencyKey: 'k1' });
    const dup = msg({ idempotencyKey: 'k1' });
    const other = msg();
    const [a, b, c] = await Promise.all([store.create([first], T0), store.create([dup], T0), store.create([other], T0)]);
    expect(a[0]).toMatchObject({ created: true, message: { id: first.id } });
    expect(b[0]).toMatchObject({ created: false, message: { id: first.id } });
    expect(c[0]).toMatchObject({ created: true, message: { id: other.id } });
    expect(await store.get('ten_a', dup.id)).toBeUndefined();
    expect(await store.get('ten_a', other.id)).toBeDefined();
    db.close();
  });

  it('isolates a failing call: the others of its group are still stored', async () => {
    const db = openDatabase({ filename: ':memory:' });
    const store = new SqliteMessageStore(db);
    const a = msg();
    const clash = msg({ id: a.id }); // primary key conflict
    const c = msg();
    const out = await Promise.allSettled([store.create([a], T0), store.create([clash], T0), store.create([c], T0)]);
    expect(out.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.get('ten_a', c.id)).toBeDefined();
    db.close();
  });

  it('flush commits pending creates at once', async () => {
    const db = openDatabase({ filename: ':memory:' });
    const store = new SqliteMessageStore(db);
    const m = msg();
    const p = store.create([m], T0);
    store.flush();
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 1 });
    await p;
    db.close();
  });
});
