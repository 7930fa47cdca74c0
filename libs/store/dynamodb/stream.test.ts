import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { aggregateUsage } from '../../usage/aggregate';
import type { Message } from '../../messages/model';
import { messageItem } from './message-items';
import { dueRefOf, pendingChangeOf, pendingChanges, usageEvents, usageEventsOf } from './stream';
import { aMessage } from '../../../test/support/fixtures';

const T = Date.UTC(2026, 10, 23, 12);
/** A message item as the table holds it. */
const message = (over: Partial<Message> = {}) =>
  messageItem(
    aMessage({
      id: 'msg_1',
      tenantId: 'ten_a',
      appId: 'app_1',
      keyId: 'key_1',
      sendAt: T,
      dueAt: T,
      createdAt: T - 5_000,
      updatedAt: T - 5_000,
      ...over,
    }),
    T - 5_000,
    { shards: 1 },
  );

/** An image as a Lambda event holds it: JSON, so binary attributes arrive as base64 text. */
const image = (item: object) =>
  JSON.parse(
    JSON.stringify(marshall(item, { removeUndefinedValues: true }), function (key, value) {
      const original = (this as Record<string, unknown>)[key];
      return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : value;
    }),
  );

/** A stream record as DynamoDB Streams (NEW_AND_OLD_IMAGES) delivers it. */
const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldImage?: object, newImage?: object): DynamoDBRecord => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...(oldImage ? { OldImage: image(oldImage) } : {}),
    ...(newImage ? { NewImage: image(newImage) } : {}),
  },
});

const delivering = message({ status: 'delivering', dueAt: undefined, updatedAt: T });
const k = { tenantId: 'ten_a', keyId: 'key_1' };

describe('usageEventsOf', () => {
  it.each<[string, DynamoDBRecord, unknown[]]>([
    [
      'a new message counts for its creating key at createdAt',
      record('INSERT', undefined, message()),
      [{ type: 'message_created', ...k, at: T - 5_000 }],
    ],
    ['a message without a key (none created it) is not counted', record('INSERT', undefined, message({ keyId: undefined })), []],
    [
      'delivering → delivered is a final, delivered attempt',
      record(
        'MODIFY',
        delivering,
        message({ status: 'delivered', dueAt: undefined, attemptCount: 1, deliveredAt: T + 7, updatedAt: T + 7 }),
      ),
      [{ type: 'attempt_finished', ...k, at: T + 7, final: 'delivered' }],
    ],
    [
      'delivering → failed is a final, failed attempt',
      record('MODIFY', delivering, message({ status: 'failed', dueAt: undefined, attemptCount: 1, failedAt: T + 7, updatedAt: T + 7 })),
      [{ type: 'attempt_finished', ...k, at: T + 7, final: 'failed' }],
    ],
    [
      'delivering → scheduled with one more attempt is a retry',
      record(
        'MODIFY',
        delivering,
        message({ status: 'scheduled', dueAt: T + 1_000, attemptCount: 1, lastError: 'HTTP 500', updatedAt: T + 7 }),
      ),
      [{ type: 'attempt_finished', ...k, at: T + 7 }],
    ],
    [
      'unclaim or recovery (delivering → scheduled, same attemptCount) is no attempt',
      record('MODIFY', delivering, message({ status: 'scheduled', updatedAt: T + 7 })),
      [],
    ],
    [
      'skip (delivering → aborted) is no attempt',
      record('MODIFY', delivering, message({ status: 'aborted', abortedAt: T, updatedAt: T + 7 })),
      [],
    ],
    ['claim (scheduled → delivering) is no attempt', record('MODIFY', message(), delivering), []],
    ['abort (scheduled → aborted) is nothing', record('MODIFY', message(), message({ status: 'aborted', updatedAt: T })), []],
    [
      'redrive (failed → scheduled) is nothing',
      record('MODIFY', message({ status: 'failed', attemptCount: 3 }), message({ status: 'scheduled', attemptCount: 3, attemptBase: 3 })),
      [],
    ],
    [
      'an attempt item is not counted (the message move is)',
      record('INSERT', undefined, {
        PK: 'MSG#msg_1',
        SK: 'ATT#000001',
        messageId: 'msg_1',
        tenantId: 'ten_a',
        attempt: 1,
        outcome: 'success',
      }),
      [],
    ],
    [
      'a usage row (the aggregator’s own write) is nothing',
      record(
        'MODIFY',
        { PK: 'USE#key_1', SK: '2026-11-23', tenantId: 'ten_a', keyId: 'key_1', requests: 1 },
        { PK: 'USE#key_1', SK: '2026-11-23', tenantId: 'ten_a', keyId: 'key_1', requests: 2 },
      ),
      [],
    ],
    [
      'a key item is nothing',
      record('INSERT', undefined, { PK: 'KEY#key_1', SK: 'KEY', id: 'key_1', tenantId: 'ten_a', keyId: 'key_1' }),
      [],
    ],
    ['REMOVE (TTL, deletion) is nothing', record('REMOVE', delivering, undefined), []],
    ['a record without images is nothing', { eventName: 'INSERT' }, []],
  ])('%s', (_name, r, expected) => {
    expect(usageEventsOf(r)).toEqual(expected);
  });
});

describe('usageEvents + aggregateUsage', () => {
  it('counts a message flow exactly as the embedded meter: created, retried once, then delivered; another failed', () => {
    const m2 = (over: Partial<Message>) => message({ id: 'msg_2', ...over });
    const d2 = m2({ status: 'delivering', updatedAt: T });
    const retried = message({ status: 'scheduled', attemptCount: 1, dueAt: T + 50, updatedAt: T + 10 });
    const redelivering = message({ status: 'delivering', attemptCount: 1, updatedAt: T + 60 });
    const records = [
      record('INSERT', undefined, message()),
      record('INSERT', undefined, m2({})),
      record('MODIFY', message(), delivering),
      record('INSERT', undefined, { PK: 'MSG#msg_1', SK: 'ATT#000001', attempt: 1 }),
      record('MODIFY', delivering, retried),
      record('MODIFY', retried, redelivering),
      record('INSERT', undefined, { PK: 'MSG#msg_1', SK: 'ATT#000002', attempt: 2 }),
      record('MODIFY', redelivering, message({ status: 'delivered', attemptCount: 2, updatedAt: T + 70 })),
      record('MODIFY', m2({}), d2),
      record('MODIFY', d2, m2({ status: 'failed', attemptCount: 1, updatedAt: T + 5 })),
    ];
    expect(aggregateUsage(usageEvents(records))).toEqual([
      { ...k, date: '2026-11-23', requests: 0, messagesScheduled: 2, deliveries: 1, attempts: 3, failures: 1 },
    ]);
  });
});

describe('pendingChangeOf', () => {
  const scheduled = message();
  const held = message({ status: 'scheduled', dueAt: undefined });
  it.each<[string, DynamoDBRecord, number | undefined]>([
    ['a new scheduled message', record('INSERT', undefined, scheduled), 1],
    ['a claim', record('MODIFY', scheduled, delivering), -1],
    ['an abort', record('MODIFY', scheduled, message({ status: 'aborted' })), -1],
    ['a retry back to scheduled', record('MODIFY', delivering, message({ attemptCount: 1 })), 1],
    ['a hold (scheduled without dueAt)', record('MODIFY', delivering, held), 1],
    ['a redrive of a failed message', record('MODIFY', message({ status: 'failed' }), scheduled), 1],
    ['a reschedule', record('MODIFY', scheduled, message({ dueAt: T + 1000 })), undefined],
    ['a delivery', record('MODIFY', delivering, message({ status: 'delivered' })), undefined],
    ['a deleted scheduled message', record('REMOVE', scheduled), -1],
    ['a deleted finished message', record('REMOVE', message({ status: 'delivered' })), undefined],
    ['an attempt item', record('INSERT', undefined, { PK: 'MSG#msg_1', SK: 'ATT#000001', tenantId: 'ten_a' }), undefined],
  ])('%s', (_, r, delta) => {
    expect(pendingChangeOf(r)).toEqual(delta === undefined ? undefined : { ...k, delta });
  });

  it('leaves the key out for a message no key created, and keeps a batch in order', () => {
    const anonymous = message({ keyId: undefined });
    expect(pendingChanges([record('INSERT', undefined, anonymous), record('MODIFY', scheduled, delivering)])).toEqual([
      { tenantId: 'ten_a', delta: 1 },
      { ...k, delta: -1 },
    ]);
  });
});

describe('dueRefOf', () => {
  const ref = (dueAt: number) => ({ id: 'msg_1', tenantId: 'ten_a', dueAt });
  const held = message({ dueAt: undefined });
  it.each<[string, DynamoDBRecord, unknown]>([
    ['a new scheduled message is handed over at its due time', record('INSERT', undefined, message()), ref(T)],
    [
      'a retry (delivering → scheduled) at its new due time',
      record('MODIFY', delivering, message({ dueAt: T + 30_000, attemptCount: 1 })),
      ref(T + 30_000),
    ],
    ['a redrive from failed', record('MODIFY', message({ status: 'failed', dueAt: undefined }), message({ dueAt: T + 9 })), ref(T + 9)],
    ['a redrive from aborted', record('MODIFY', message({ status: 'aborted', dueAt: undefined }), message({ dueAt: T + 9 })), ref(T + 9)],
    ['a held message released', record('MODIFY', held, message({ dueAt: T + 2_000 })), ref(T + 2_000)],
    ['a message held (no due time) is not', record('MODIFY', delivering, held), undefined],
    ['a claim is not', record('MODIFY', message(), delivering), undefined],
    ['a write that keeps it scheduled and due is not', record('MODIFY', message(), message({ updatedAt: T })), undefined],
    ['a finished message is not', record('INSERT', undefined, message({ status: 'delivered', dueAt: undefined })), undefined],
    ['a removal is not', record('REMOVE', message()), undefined],
    ['another item type is not', record('INSERT', undefined, { ...message(), SK: 'ATT#000001' }), undefined],
  ])('%s', (_, r, expected) => {
    expect(dueRefOf(r)).toEqual(expected);
  });
});
