import { ValidationError } from './errors';

/** One page of a list, newest first. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Paging request of a list call. */
export interface PageRequest {
  /** Page size. */
  limit: number;
  /** Cursor from a previous page. */
  cursor?: string;
}

/** @default page size of list calls */
export const defaultPageLimit = 50;
/** Largest page size a client may ask for. */
export const maxPageLimit = 100;

/** Encodes the last id of a page as an opaque cursor. */
export const encodeCursor = (lastId: string): string => Buffer.from(lastId, 'utf8').toString('base64url');

/** A `cursor` query parameter that no page handed out: refused (400) rather than answered with an empty page. */
export class InvalidCursorError extends ValidationError {
  constructor() {
    const issue = 'not a nextCursor of this list; omit it for the first page';
    super(`query parameter cursor: ${issue}`, [{ path: 'cursor', issue }]);
  }
}

/** Decodes a cursor back to the id to continue after; throws InvalidCursorError when it is malformed. */
export const decodeCursor = (cursor: string): string => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{3}_[0-9A-Za-z]{27}$/.test(id)) throw new InvalidCursorError();
  return id;
};

/**
 * Most bytes the payloads of one page of messages or schedules may take in a response (as `responseBytesOf` counts
 * them). Lambda answers at most 6 MB, and a page of 100 payloads of 256 KiB is 25 MB: such a page ends early, with a
 * `nextCursor` after its last item. 4 MiB leaves room for the fields not counted (header names, errors: up to about
 * 13 KB an item, 1.3 MB for a full page).
 */
export const maxPageBytes = 4 * 1024 * 1024;

/**
 * What one item with this payload may take in a Lambda response: the payload, which API Gateway's proxy response
 * carries inside a JSON string (where every quote and backslash is escaped again, so at most twice its size), and
 * 1 KiB for the item's other fields.
 */
export const responseBytesOf = (payload: string): number => 2 * Buffer.byteLength(payload) + 1024;

/**
 * Ends a page after the items whose sizes fit in `maxBytes` (always at least one), with a cursor after the last item
 * kept; a page that fits comes back unchanged. Cursors are the last id of a page (`encodeCursor`), in every store.
 */
export const capPageBytes = <T extends { id: string }>(page: Page<T>, sizeOf: (item: T) => number, maxBytes = maxPageBytes): Page<T> => {
  let total = 0;
  for (const [i, item] of page.items.entries()) {
    total += sizeOf(item);
    if (total > maxBytes && i > 0) return { items: page.items.slice(0, i), nextCursor: encodeCursor(page.items[i - 1].id) };
  }
  return page;
};
