import { ConflictException, CreateScheduleCommand, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ManualClock } from '../../domain/clock';
import { atExpression, bucketOf, scheduleName, sqsDelaySeconds } from './buckets';
import { EnqueueFailedError, EventBridgeEngine, parseDeliveryQueueMessage } from './engine';

const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);
const t0 = Date.parse('2026-11-23T12:00:00.000Z');

const engine = (clock = new ManualClock(t0)) =>
  new EventBridgeEngine({
    sqs: new SQSClient({ region: 'us-east-1' }),
    scheduler: new SchedulerClient({ region: 'us-east-1' }),
    clock,
    queueUrl: 'https://sqs/q',
    wakeFunctionArn: 'arn:aws:lambda:us-east-1:1:function:wake',
    deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq',
    groupName: 'punctual-test',
    roleArn: 'arn:aws:iam::1:role/scheduler',
  });

beforeEach(() => {
  sqs.reset();
  scheduler.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
});

describe('buckets', () => {
  it('puts a due time in its minute and wakes two minutes early, in UTC', () => {
    const b = bucketOf(Date.parse('2026-11-23T12:30:42.500Z'));
    expect(new Date(b).toISOString()).toBe('2026-11-23T12:30:00.000Z');
    expect(atExpression(b)).toBe('at(2026-11-23T12:28:00)');
    expect(scheduleName(b)).toMatch(/^due-\d+$/);
  });

  it('sends to SQS directly up to 15 minutes ahead, rounding the delay up', () => {
    expect(sqsDelaySeconds(t0 - 5_000, t0)).toBe(0);
    expect(sqsDelaySeconds(t0 + 1_001, t0)).toBe(2);
    expect(sqsDelaySeconds(t0 + 900_000, t0)).toBe(900);
    expect(sqsDelaySeconds(t0 + 900_001, t0)).toBeUndefined();
  });
});

describe('EventBridgeEngine', () => {
  describe('enqueue', () => {
    it('sends messages due within 15 minutes to SQS with DelaySeconds, 10 per batch', async () => {
      const refs = Array.from({ length: 12 }, (_, i) => ({ id: `msg_${i}`, tenantId: 'ten_1', dueAt: t0 + i * 1000 }));

      await engine().enqueue(refs);

      expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
      const first = sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries!;
      expect(first).toHaveLength(10);
      expect(first[3]).toMatchObject({ DelaySeconds: 3 });
      expect(JSON.parse(first[3].MessageBody!)).toEqual({ kind: 'deliver', id: 'msg_3', tenantId: 'ten_1', dueAt: t0 + 3000 });
      expect(scheduler).not.toHaveReceivedCommand(CreateScheduleCommand);
    });

    it('creates one at() schedule per minute bucket for later messages, deleted after completion, with retries and a DLQ', async () => {
      const later = t0 + 3_600_000;
      await engine().enqueue([
        { id: 'a', tenantId: 't', dueAt: later + 1_000 },
        { id: 'b', tenantId: 't', dueAt: later + 59_000 },
        { id: 'c', tenantId: 't', dueAt: later + 61_000 },
      ]);

      expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 2);
      expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, {
        Name: scheduleName(later),
        GroupName: 'punctual-test',
        ScheduleExpression: 'at(2026-11-23T12:58:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: 'arn:aws:lambda:us-east-1:1:function:wake',
          RoleArn: 'arn:aws:iam::1:role/scheduler',
          Input: JSON.stringify({ bucket: later }),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:1:dlq' },
        },
      });
      expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    });

    it('treats ConflictException as an existing bucket, and asks once per bucket per container', async () => {
      scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
      const e = engine();
      const ref = { id: 'a', tenantId: 't', dueAt: t0 + 3_600_000 };

      await e.enqueue([ref]);
      await e.enqueue([{ ...ref, id: 'b' }]);

      expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    });

    it('names the messages of a bucket whose booking failed on another Scheduler error, and still sends the others', async () => {
      const bad = new ValidationException({ message: 'bad', Message: 'bad', $metadata: {} });
      scheduler.on(CreateScheduleCommand).rejects(bad);

      const taking = engine().enqueue([
        { id: 'a', tenantId: 't', dueAt: t0 + 3_600_000 },
        { id: 'b', tenantId: 't', dueAt: t0 + 3_600_500 },
        { id: 'soon', tenantId: 't', dueAt: t0 + 5_000 },
      ]);

      await expect(taking).rejects.toThrow(EnqueueFailedError);
      await expect(taking).rejects.toMatchObject({ ids: ['a', 'b'], cause: bad });
      expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    });

    it('reports the messages SQS refused', async () => {
      sqs.on(SendMessageBatchCommand).resolves({
        Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }],
        Failed: [{ Id: '1', Code: 'x', SenderFault: false }],
      });

      await expect(
        engine().enqueue([
          { id: 'a', tenantId: 't', dueAt: t0 },
          { id: 'b', tenantId: 't', dueAt: t0 },
        ]),
      ).rejects.toMatchObject({ name: 'EnqueueFailedError', ids: ['b'] });
    });
  });
});

describe('the delivery queue', () => {
  it('queues a page job per shard of a bucket, and the next page job of a shard', async () => {
    const e = engine();
    await e.queuePages(t0, 12);
    await e.queuePage({ kind: 'page', bucket: t0, shard: 3, cursor: 'abc' });

    const bodies = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries!.map((x) => JSON.parse(x.MessageBody!)));
    expect(bodies.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, shard) => ({ kind: 'page', bucket: t0, shard })));
    expect(bodies[12]).toEqual({ kind: 'page', bucket: t0, shard: 3, cursor: 'abc' });
  });

  it('lets a throttled SQS send through to the caller (the record is retried; the sweep is the backstop)', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    sqs.on(SendMessageBatchCommand).rejects(throttled);

    await expect(engine().send([{ id: 'a', tenantId: 't', dueAt: t0 }])).rejects.toThrow('Rate exceeded');
    await expect(engine().queuePages(t0, 2)).rejects.toThrow('Rate exceeded');
  });

  it('sends paged messages with their remaining delay, none below zero', async () => {
    await engine().send([
      { id: 'late', tenantId: 't', dueAt: t0 - 30_000 },
      { id: 'soon', tenantId: 't', dueAt: t0 + 90_500 },
    ]);

    const entries = sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries!;
    expect(entries.map((x) => x.DelaySeconds)).toEqual([0, 91]);
  });

  it.each([
    ['a deliver record', '{"kind":"deliver","id":"m","tenantId":"t","dueAt":5}', { kind: 'deliver', id: 'm', tenantId: 't', dueAt: 5 }],
    ['a page job', '{"kind":"page","bucket":60000,"shard":2,"cursor":"c"}', { kind: 'page', bucket: 60000, shard: 2, cursor: 'c' }],
    ['not JSON', 'nope', undefined],
    ['another shape', '{"kind":"deliver","id":1}', undefined],
    ['a page job without a shard', '{"kind":"page","bucket":60000}', undefined],
  ])('parses %s', (_, body, expected) => {
    expect(parseDeliveryQueueMessage(body)).toEqual(expected);
  });
});
