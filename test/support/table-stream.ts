/**
 * A stand-in for DynamoDB Streams where the emulator has none (dynalite): each `changes()` scans the table and turns
 * the differences since the last call into the records a NEW_AND_OLD_IMAGES stream would deliver — INSERT with
 * NewImage, MODIFY with Old/NewImage, REMOVE with OldImage, images in AttributeValue form, increasing sequence numbers.
 * Several writes to one item between two calls come out as one record (a stream has one per write). Tests only.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { pendingChanges } from '../../libs/store/dynamodb/stream';
import type { PendingCounterStore } from '../../libs/usage/port';

type Item = Record<string, unknown>;

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
  const image = (i: Item) => marshall(i) as never;
  const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', before?: Item, after?: Item): DynamoDBRecord => {
    const k = (after ?? before)!;
    return {
      eventID: String(seq + 1),
      eventName,
      eventSource: 'aws:dynamodb',
      dynamodb: {
        SequenceNumber: String(++seq).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        Keys: marshall({ PK: k.PK, SK: k.SK }) as never,
        ...(before ? { OldImage: image(before) } : {}),
        ...(after ? { NewImage: image(after) } : {}),
      },
    };
  };
  return {
    /** The records of everything written since the last call (an unchanged write makes no record, as on AWS). */
    changes: async (): Promise<DynamoDBRecord[]> => {
      const now = await scan();
      const out: DynamoDBRecord[] = [];
      for (const key of [...new Set([...last.keys(), ...now.keys()])].sort()) {
        const before = last.get(key);
        const after = now.get(key);
        if (!before) out.push(record('INSERT', undefined, after));
        else if (!after) out.push(record('REMOVE', before));
        else if (JSON.stringify(marshall(before)) !== JSON.stringify(marshall(after))) out.push(record('MODIFY', before, after));
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
