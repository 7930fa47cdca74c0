/**
 * DynamoDB capacity units of the requests a document client sends, computed from the items' sizes as DynamoDB bills
 * them, since the emulators report no index units: 1 write unit per started KB of the item written (an update or a
 * replacing put on the larger of the old and new item; a failed conditional write on the item it found), plus one write
 * per started KB of every index entry put or deleted (an entry is its keys, the table's keys, its projected attributes
 * and 100 bytes); 1 read unit per started 4 KB read strongly consistent, half for an eventually consistent (index)
 * read. Old and new images are read around each write with uncounted GetItems. Tests and the cost count only.
 */
import { type DynamoDBDocumentClient, GetCommand, type BatchGetCommandOutput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { tableDefinition } from '../../infra/table';

type Item = Record<string, unknown>;

/** The bytes DynamoDB counts for a value (names and values in UTF-8; numbers about one byte per two digits). */
const valueSize = (v: unknown): number => {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number' || typeof v === 'bigint') return Math.ceil(String(v).replace(/^-|\./g, '').replace(/^0+/, '').length / 2) + 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...v].reduce((n: number, e) => n + valueSize(e), 0);
  if (Array.isArray(v)) return 3 + v.reduce((n: number, e) => n + 1 + valueSize(e), 0);
  if (typeof v === 'object') return 3 + Object.entries(v as Item).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  return 1;
};

/** An item's size in bytes as DynamoDB counts it. */
export const itemSize = (item: Item): number =>
  Object.entries(item).reduce((n, [k, v]) => (v === undefined ? n : n + Buffer.byteLength(k) + valueSize(v)), 0);

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

const indexes = tableDefinition.GlobalSecondaryIndexes.map((g) => ({
  keys: g.KeySchema.map((k) => k.AttributeName),
  projected: g.Projection.ProjectionType === 'INCLUDE' ? (g.Projection.NonKeyAttributes ?? []) : [],
}));

/** An index's entry of an item (undefined when the item has not all its keys), and its size. */
const entryOf = (ix: (typeof indexes)[number], item: Item | undefined): { key: string; size: number; attrs: string } | undefined => {
  if (!item || ix.keys.some((k) => item[k] === undefined)) return undefined;
  const names = [...new Set([...ix.keys, 'PK', 'SK', ...ix.projected])];
  const picked: Item = {};
  for (const n of names) if (item[n] !== undefined) picked[n] = item[n];
  return { key: JSON.stringify(ix.keys.map((k) => item[k])), size: itemSize(picked) + 100, attrs: JSON.stringify(picked) };
};

/** The index write units of a change from `before` to `after` (either absent). */
export const indexWriteUnits = (before: Item | undefined, after: Item | undefined): number => {
  let units = 0;
  for (const ix of indexes) {
    const a = entryOf(ix, before);
    const b = entryOf(ix, after);
    if (a && b && a.key === b.key) units += a.attrs === b.attrs ? 0 : kb(b.size);
    else units += (a ? kb(a.size) : 0) + (b ? kb(b.size) : 0);
  }
  return units;
};

/** The units counted so far, by a label of the caller's (e.g. the phase). */
export interface CapacityCount {
  wru: Record<string, number>;
  rru: Record<string, number>;
  stop(): void;
}

/** The key of an item. */
export const keyOf = (item: Item) => ({ PK: item.PK, SK: item.SK });

const avTypes = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);
/** An item as plain values, whether the middleware sees it marshalled (AttributeValues) or not. */
export const plain = (item: Item | undefined): Item | undefined => {
  if (!item) return item;
  const values = Object.values(item);
  const marshalled =
    values.length > 0 &&
    values.every((v) => v !== null && typeof v === 'object' && Object.keys(v).length === 1 && avTypes.has(Object.keys(v)[0]));
  return marshalled ? unmarshall(item as never) : item;
};

/** Reads that no count sees: the images read around writes, here and by other test harnesses (table-stream.ts). */
const uncounted = new WeakSet<object>();

/** Whether a request's input is one of the harnesses' own reads, which no count of the runtime's requests includes. */
export const isHarnessRead = (input: unknown): boolean => typeof input === 'object' && input !== null && uncounted.has(input);

/** A strongly consistent GetItem that `countCapacity` does not count. */
export const readUncounted = async (client: DynamoDBDocumentClient, tableName: string, key: Item): Promise<Item | undefined> => {
  const input = { TableName: tableName, Key: key, ConsistentRead: true };
  uncounted.add(input);
  return (await client.send(new GetCommand(input))).Item;
};

/** One counted write, for a breakdown (`npm run cost` with `COST_DEBUG=1`). */
export interface CountedWrite {
  label: string;
  command: string;
  key: Item;
  /** Units of the item itself. */
  item: number;
  /** Units of its index entries. */
  index: number;
  failed: boolean;
}

/** Counts the capacity units of every request sent through `client` from now on, under `label()`; `onWrite` sees each write. */
export const countCapacity = (
  client: DynamoDBDocumentClient,
  tableName: string,
  label: () => string,
  onWrite?: (w: CountedWrite) => void,
): CapacityCount => {
  const wru: Record<string, number> = {};
  const rru: Record<string, number> = {};
  const add = (to: Record<string, number>, n: number) => {
    const l = label();
    to[l] = (to[l] ?? 0) + n;
  };
  const read = (key: Item) => readUncounted(client, tableName, key);
  const name = `capacity-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Item;
      if (uncounted.has(input)) return next(args);
      // The document client's commands run as the DynamoDB commands (PutItem, GetItem…) under the same stack.
      const command = (context.commandName ?? '').replace(/Command$/, '').replace(/Item$/, '');
      if (command === 'Put' || command === 'Update' || command === 'Delete') {
        const key = command === 'Put' ? keyOf(plain(input.Item as Item)!) : plain(input.Key as Item)!;
        const before = await read(key);
        let failed = false;
        try {
          return await next(args);
        } catch (err) {
          failed = true;
          throw err;
        } finally {
          const after = failed ? before : command === 'Delete' ? undefined : await read(key);
          const base = Math.max(before ? kb(itemSize(before)) : 0, after ? kb(itemSize(after)) : 0, 1);
          const index = failed ? 0 : indexWriteUnits(before, after);
          add(wru, base + index);
          onWrite?.({ label: label(), command, key, item: base, index, failed });
        }
      }
      const out = await next(args);
      const o = out.output as Item;
      if (command === 'Get') {
        const item = plain((o as { Item?: Item }).Item);
        add(rru, readUnits(item ? itemSize(item) : 0, input.ConsistentRead === true));
      } else if (command === 'BatchGet') {
        const responses = (o as BatchGetCommandOutput).Responses ?? {};
        for (const items of Object.values(responses)) for (const i of items) add(rru, readUnits(itemSize(plain(i)!), true));
      } else if (command === 'Query' || command === 'Scan') {
        const items = (o as QueryCommandOutput).Items ?? [];
        const bytes = items.reduce((n, i) => n + itemSize(plain(i)!), 0);
        add(rru, readUnits(bytes, input.ConsistentRead === true && input.IndexName === undefined));
      }
      return out;
    },
    { step: 'initialize', name },
  );
  return { wru, rru, stop: () => client.middlewareStack.remove(name) };
};
