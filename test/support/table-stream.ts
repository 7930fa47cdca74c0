/**
 * Stand-ins for DynamoDB Streams where the emulator has none (dynalite), giving the records a NEW_AND_OLD_IMAGES stream
 * would deliver — INSERT with NewImage, MODIFY with Old/NewImage, REMOVE with OldImage, images in AttributeValue form,
 * increasing sequence numbers:
 * - `tableStream`: each `changes()` scans the table and turns the differences since the last call into records; several
 *   writes to one item between two calls come out as one record (a stream has one per write). Enough for counts.
 * - `writeStream`: one record per write, as a stream has, read around each write a client sends. What a consumer that
 *   acts on each change needs (the engine's hand-off). Tests only.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { keyOf, plain, readUncounted } from './capacity';
import { pendingChanges } from '../../libs/store/dynamodb/stream';
import type { PendingCounterStore } from '../../libs/usage/port';

type Item = Record<string, unknown>;

const image = (i: Item) => marshall(i, { removeUndefinedValues: true }) as never;

/** The stream record of a change from `before` to `after` (either absent), or undefined when nothing changed. */
const recordOf = (seq: number, before?: Item, after?: Item): DynamoDBRecord | undefined => {
  const eventName = !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY';
  if (!before && !after) return undefined;
  if (before && after && JSON.stringify(image(before)) === JSON.stringify(image(after))) return undefined;
  const k = (after ?? before)!;
  return {
    eventID: String(seq),
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(seq).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      Keys: marshall({ PK: k.PK, SK: k.SK }) as never,
      ...(before ? { OldImage: image(before) } : {}),
      ...(after ? { NewImage: image(after) } : {}),
    },
  };
};

/** Starts watching the table from its current content. */
export const tableStream = async (client: DynamoDBDocumentClient, tableName: string) => {
  const scan = async (): Promise<Map<string, Item>> => {
    const items = new Map<string, Item>();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const i of out.Items ?? []) items.set(`${i.PK as string}|${i.SK as string}`, i);
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  let seq = 0;
  let last = await scan();
  return {
    /** The records of everything written since the last call (an unchanged write makes no record, as on AWS). */
    changes: async (): Promise<DynamoDBRecord[]> => {
      const now = await scan();
      const out: DynamoDBRecord[] = [];
      for (const key of [...new Set([...last.keys(), ...now.keys()])].sort()) {
        const r = recordOf(seq + 1, last.get(key), now.get(key));
        if (r) {
          seq++;
          out.push(r);
        }
      }
      last = now;
      return out;
    },
  };
};

/**
 * What the metering aggregator does for pending counts, run on demand: the store contract calls it before it reads a
 * pending count, since on DynamoDB those follow the writes through the stream.
 */
export const pendingCountsSettler = async (client: DynamoDBDocumentClient, tableName: string, counters: PendingCounterStore) => {
  const stream = await tableStream(client, tableName);
  return async (): Promise<void> => {
    const changes = pendingChanges(await stream.changes());
    if (changes.length) await counters.add(changes);
  };
};

/**
 * One stream record per write that changed an item, as DynamoDB Streams gives them: every PutItem, UpdateItem and
 * DeleteItem on `tableName` sent through `client` from now on, its images read just before and after it (reads that
 * test/support/capacity.ts does not count). A failed conditional write makes no record.
 */
export const writeStream = (client: DynamoDBDocumentClient, tableName: string) => {
  const records: DynamoDBRecord[] = [];
  let seq = 0;
  const name = `write-stream-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Item;
      const command = (context.commandName ?? '').replace(/Command$/, '').replace(/Item$/, '');
      if (input.TableName !== tableName || (command !== 'Put' && command !== 'Update' && command !== 'Delete')) return next(args);
      const key = command === 'Put' ? keyOf(plain(input.Item as Item)!) : plain(input.Key as Item)!;
      const before = await readUncounted(client, tableName, key);
      const out = await next(args);
      const after = command === 'Delete' ? undefined : await readUncounted(client, tableName, key);
      const r = recordOf(seq + 1, before, after);
      if (r) {
        seq++;
        records.push(r);
      }
      return out;
    },
    { step: 'initialize', name },
  );
  return {
    /** How many records are waiting to be taken. */
    get size(): number {
      return records.length;
    },
    /** The records since the last call, oldest first. */
    take: (): DynamoDBRecord[] => records.splice(0),
    stop: () => client.middlewareStack.remove(name),
  };
};
