import { type Page, PagePromise } from './page';

/** Pages of `[1..n]` split by `size`, recording each cursor asked for. */
const source = (n: number, size: number) => {
  const asked: (string | undefined)[] = [];
  const load = async (cursor: string | undefined): Promise<Page<number>> => {
    asked.push(cursor);
    const start = cursor ? Number(cursor) : 0;
    const items = Array.from({ length: Math.min(size, n - start) }, (_, i) => start + i + 1);
    return start + size < n ? { items, nextCursor: String(start + size) } : { items };
  };
  return { asked, load };
};

describe('PagePromise', () => {
  it('asks for nothing until it is awaited or iterated', async () => {
    const s = source(5, 2);
    const p = new PagePromise(s.load);
    await Promise.resolve();
    expect(s.asked).toEqual([]);
    expect(await p).toEqual({ items: [1, 2], nextCursor: '2' });
    expect(s.asked).toEqual([undefined]);
  });

  it('awaited, is the first page (from the given cursor)', async () => {
    expect(await new PagePromise(source(5, 2).load, '2')).toEqual({ items: [3, 4], nextCursor: '4' });
  });

  it('iterated, yields every item of every page, following nextCursor', async () => {
    const s = source(5, 2);
    const seen: number[] = [];
    for await (const n of new PagePromise(s.load)) seen.push(n);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(s.asked).toEqual([undefined, '2', '4']);
  });

  it('reuses an awaited first page when iterated afterwards', async () => {
    const s = source(3, 2);
    const p = new PagePromise(s.load);
    await p;
    const seen: number[] = [];
    for await (const n of p) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
    expect(s.asked).toEqual([undefined, '2']);
  });

  it('pages() yields whole pages; a stop after the first asks for no more', async () => {
    const s = source(6, 2);
    for await (const page of new PagePromise(s.load).pages()) {
      expect(page.items).toEqual([1, 2]);
      break;
    }
    expect(s.asked).toEqual([undefined]);
  });

  it('passes a failure of the first page to await, catch and the iterator', async () => {
    const p = new PagePromise<number>(async () => {
      throw new Error('down');
    });
    await expect(p).rejects.toThrow('down');
    expect(await p.catch((e) => (e as Error).message)).toBe('down');
    await expect(
      (async () => {
        for await (const _ of p) void _;
      })(),
    ).rejects.toThrow('down');
  });
});
