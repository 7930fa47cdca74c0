import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors';
import type { UpdateBuilder } from './expression';

/** A stored item as the document client returns it; only the adapter's mapping functions read one. */
export type Item = Record<string, unknown>;
/** A base-table primary key. */
export type Key = { PK: string; SK: string };

/** Whether an error is DynamoDB's "the condition did not hold". */
export const isConditionFailed = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight; results keep the input order.
 * Multi-item operations use it: each item's write is its own conditional request (no transactions).
 */
export const mapLimit = async <T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
};

/**
 * `mapLimit`, except that items with the same key run one after another, in input order (a batch
 * may name one message's idempotency key, or one schedule, twice); items without a key run freely.
 */
export const mapLimitKeyed = <T, R>(
  items: T[],
  concurrency: number,
  keyOf: (item: T) => string | undefined,
  fn: (item: T) => Promise<R>,
): Promise<R[]> => {
  const chains = new Map<string, Promise<unknown>>();
  // mapLimit starts items in input order, so an item only ever waits for one that has already started.
  return mapLimit(items, concurrency, (item) => {
    const key = keyOf(item);
    if (key === undefined) return fn(item);
    const run = (chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => fn(item));
    chains.set(key, run);
    return run;
  });
};

/** Drops undefined values (recursively): the document client refuses them unless configured otherwise, and the client is injected. */
export const prune = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(prune) as T;
  // Only plain objects are walked: binary values (Uint8Array) and sets are values, not maps.
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v);
  return out as T;
};

/** Most keys in one BatchGetItem. */
const batchGetMax = 100;

/** The table behind the stores: thin helpers over the document client, always strongly consistent where DynamoDB allows. */
export class Table {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: Key): Promise<Item | undefined> {
    const res = await this.client.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return res.Item;
  }

  /** Puts an item; `condition` (e.g. `attribute_not_exists(PK)`) makes it conditional. */
  async put(
    item: Item,
    condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.name,
        Item: prune(item),
        ...(condition && {
          ConditionExpression: condition.expression,
          ...(condition.names && { ExpressionAttributeNames: condition.names }),
          ...(condition.values && { ExpressionAttributeValues: condition.values }),
        }),
      }),
    );
  }

  /** Puts a new item; one with the same key already there is a conflict (ids are fresh, so that means a bug or a replay). */
  async insert(item: Item, what: string): Promise<void> {
    try {
      await this.put(item, { expression: 'attribute_not_exists(PK)' });
    } catch (err) {
      if (isConditionFailed(err)) throw new ConflictError(`${what} already exists`, { cause: err });
      throw err;
    }
  }

  /** Applies an update; returns the item after it, or undefined when its condition failed. */
  async update(key: Key, update: UpdateBuilder): Promise<Item | undefined> {
    try {
      const res = await this.client.send(new UpdateCommand({ TableName: this.name, Key: key, ...update.build(), ReturnValues: 'ALL_NEW' }));
      return res.Attributes;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Deletes an item if `condition` holds (or unconditionally); returns it as it was, or undefined. */
  async delete(key: Key, condition = 'attribute_exists(PK)'): Promise<Item | undefined> {
    try {
      const res = await this.client.send(
        new DeleteCommand({ TableName: this.name, Key: key, ConditionExpression: condition, ReturnValues: 'ALL_OLD' }),
      );
      return res.Attributes;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** One Query request: its items and where the next one would start. */
  async queryPage(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey?: Record<string, unknown> }> {
    const res = await this.client.send(new QueryCommand({ ...input, TableName: this.name }));
    return { items: res.Items ?? [], ...(res.LastEvaluatedKey ? { lastKey: res.LastEvaluatedKey } : {}) };
  }

  /** Queries page after page until `max` items are read or the key range ends. */
  async query(input: Omit<QueryCommandInput, 'TableName' | 'Limit'>, max = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    let start = input.ExclusiveStartKey;
    do {
      const room = max - items.length;
      const page = await this.queryPage({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(room) ? { Limit: room } : {}) });
      items.push(...page.items);
      start = page.lastKey;
    } while (start && items.length < max);
    return items;
  }

  /** Counts a query's matches (Select COUNT, page after page). */
  async count(input: Omit<QueryCommandInput, 'TableName' | 'Select'>): Promise<number> {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(new QueryCommand({ ...input, TableName: this.name, Select: 'COUNT', ExclusiveStartKey: start }));
      n += res.Count ?? 0;
      start = res.LastEvaluatedKey;
    } while (start);
    return n;
  }

  /** Scans the whole table (maintenance paths only), page after page. */
  async scan(input: Omit<ScanCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(new ScanCommand({ ...input, TableName: this.name, ExclusiveStartKey: start }));
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Reads items by key, strongly consistent, in the order of `keys` (missing ones left out). */
  async batchGet(keys: Key[]): Promise<Item[]> {
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += batchGetMax) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + batchGetMax);
      for (let round = 0; pending.length; round++) {
        // Unprocessed keys come back under throttling: retry them with a short backoff.
        if (round) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
        const res = await this.client.send(new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of res.Responses?.[this.name] ?? []) found.set(`${item.PK}\u0000${item.SK}`, item);
        pending = res.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return keys.flatMap((k): Item[] => {
      const item = found.get(`${k.PK}\u0000${k.SK}`);
      return item ? [item] : [];
    });
  }
}
