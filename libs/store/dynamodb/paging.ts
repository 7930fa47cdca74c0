import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '../../domain/page';
import type { Item, Table } from './table';

/**
 * Entries examined for one page when a filter is applied after reading. A rare filter value over a
 * long collection then yields a short page with a cursor instead of an unbounded read.
 */
export const examineBudget = 1_000;

/** Entries read per request while a filter is applied (reading `limit + 1` would mean many tiny requests). */
const filteredChunk = 100;

/** How to walk one collection, newest first. */
export interface Collection<T> {
  /** The query for entries older than `beforeId` (all when undefined); Limit and ScanIndexForward are set by `pageOf`. */
  query(beforeId: string | undefined): Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ScanIndexForward'>;
  /** The id of a query entry. */
  idOf(entry: Item): string;
  /** The domain objects of the entries, aligned with them (undefined for one that vanished meanwhile). */
  load(entries: Item[]): Promise<(T | undefined)[]>;
  /** A filter applied after loading; entries it rejects still move the cursor. */
  accept?(value: T): boolean;
}

/**
 * One page of a collection. The cursor is the base64url of the last id the page covered (as in the
 * SQLite store), so it is opaque, the same across adapters and never names a partition.
 */
export const pageOf = async <T>(table: Table, c: Collection<T>, page: PageRequest): Promise<Page<T>> => {
  // A malformed cursor throws InvalidCursorError (400), as in the SQLite store.
  const cursorId = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const input = c.query(cursorId);
  const items: T[] = [];
  const ids: string[] = [];
  let examined = 0;
  let start = input.ExclusiveStartKey;
  for (;;) {
    const want = page.limit + 1 - items.length;
    const res = await table.queryPage({
      ...input,
      ExclusiveStartKey: start,
      ScanIndexForward: false,
      Limit: c.accept ? Math.max(want, filteredChunk) : want,
    });
    const loaded = await c.load(res.items);
    for (const [i, entry] of res.items.entries()) {
      examined++;
      const value = loaded[i];
      if (value === undefined || (c.accept && !c.accept(value))) continue;
      items.push(value);
      ids.push(c.idOf(entry));
      // limit + 1 found: there is a next page, and it starts after the limit-th item.
      if (items.length > page.limit) return { items: items.slice(0, page.limit), nextCursor: encodeCursor(ids[page.limit - 1]) };
    }
    if (!res.lastKey) return { items };
    start = res.lastKey;
    if (examined >= examineBudget && res.items.length) return { items, nextCursor: encodeCursor(c.idOf(res.items[res.items.length - 1])) };
  }
};
