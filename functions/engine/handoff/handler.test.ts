import type { DynamoDBRecord } from 'aws-lambda';
import { EnqueueFailedError } from '../../../libs/engine/eventbridge/engine';
import type { Message } from '../../../libs/messages/model';
import type { DueRef } from '../../../libs/messages/port';
import { messageItem } from '../../../libs/store/dynamodb/message-items';
import type { Logger } from '../../../libs/observability/logger';
import { makeHandoffHandler } from './handler';
import { aMessage } from '../../../test/support/fixtures';
import { streamRecord } from '../../../test/support/stream-records';

const T = Date.UTC(2026, 10, 23, 12);
const rec = streamRecord;
/** A message item as the table holds it (the store's own layout). */
const msg = (id: string, over: Partial<Message> = {}) =>
  messageItem(aMessage({ id, tenantId: 'ten_a', status: 'scheduled', sendAt: T, dueAt: T, createdAt: T, updatedAt: T, ...over }), T, {
    shards: 1,
  });
const created = (id: string) => rec('INSERT', undefined, msg(id));
/** A claim: the message leaves `scheduled`, nothing to hand over. */
const claimed = (id: string) => rec('MODIFY', msg(id), msg(id, { status: 'delivering' }));
const sequenceOf = (r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const handlerWith = (enqueue: (refs: DueRef[]) => Promise<void>) => makeHandoffHandler(() => ({ engine: { enqueue }, logger: silent }));

describe('the hand-off handler', () => {
  it('gives the engine every message the records put on the due timeline, in one enqueue', async () => {
    const calls: DueRef[][] = [];
    const records = [created('msg_a'), claimed('msg_x'), created('msg_b')];

    const res = await handlerWith(async (refs) => void calls.push(refs))({ Records: records });

    expect(res).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([
      [
        { id: 'msg_a', tenantId: 'ten_a', dueAt: T },
        { id: 'msg_b', tenantId: 'ten_a', dueAt: T },
      ],
    ]);
  });

  it('reports as failed the records of exactly the messages the engine could not take', async () => {
    const records = [created('msg_a'), created('msg_b'), created('msg_c')];

    const res = await handlerWith(async () => {
      throw new EnqueueFailedError(['msg_b']);
    })({ Records: records });

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[1]) }]);
  });

  it('reports every handed-over record failed when the engine fails otherwise, and none it had nothing to do with', async () => {
    const records = [claimed('msg_x'), created('msg_a'), created('msg_b')];

    const res = await handlerWith(async () => {
      throw new Error('network down');
    })({ Records: records });

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[1]) }, { itemIdentifier: sequenceOf(records[2]) }]);
  });

  it('calls nothing for a batch with nothing to hand over', async () => {
    const enqueue = jest.fn(async () => undefined);
    expect(await handlerWith(enqueue)({ Records: [claimed('msg_x')] })).toEqual({ batchItemFailures: [] });
    expect(enqueue).not.toHaveBeenCalled();
  });
});
