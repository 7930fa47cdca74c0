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

/** Decodes a cursor back to the id to continue after; undefined when malformed. */
export const decodeCursor = (cursor: string): string | undefined => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[a-z]{3}_[0-9A-Za-z]{27}$/.test(id) ? id : undefined;
};
