/**
 * SQS, SNS and EventBridge targets on the real embedded server, its AWS clients pointed at moto_server by
 * PUNCTUAL_AWS_ENDPOINT alone (credentials from the environment, the standard chain): payloads and attributes
 * arrive, a missing queue fails at once, and an agent's actions reach only their own topic.
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startLocalServer, type LocalServer } from '../../test/support/local-server';
import { type Moto, startMoto } from '../../test/support/moto';

let moto: Moto;
let sqs: SQSClient;
let server: LocalServer;
let control: JsonClient;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  sqs = new SQSClient(moto.clientConfig);
  server = await startLocalServer('punctual-aws-targets', { PUNCTUAL_AWS_ENDPOINT: moto.endpoint });
  control = (await newTenantClient(server.url, server.adminToken, 'agent')).client;
}, 60_000);

afterAll(async () => {
  await server?.close();
  sqs?.destroy();
  await moto?.stop();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const queue = async (name: string) => {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
};

/** Reads a queue until it holds `count` messages (bounded), then once more to see nothing else came. */
const received = async (url: string, count: number): Promise<Message[]> => {
  const all: Message[] = [];
  const read = async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    all.push(...(r.Messages ?? []));
  };
  await eventually(async () => {
    await read();
    return all.length >= count;
  });
  await read();
  return all;
};

const settled = (id: string) =>
  eventually(async () => {
    const m = await control.get(`/v1/messages/${id}`);
    return m.status === 'delivered' || m.status === 'failed' ? m : undefined;
  });

describe('AWS targets on the embedded runtime (moto_server)', () => {
  it('sqs: the payload and its attributes arrive; the attempt holds the SQS message id', async () => {
    const q = await queue('birthdays');
    const app = await control.post('/v1/apps', { name: 'birthdays', target: { type: 'sqs', queueUrl: q.url } });
    const m = await control.post('/v1/messages', { appId: app.id, payload: { name: 'Ada', zone: 'Europe/Paris' } });
    expect((await settled(m.id)).status).toBe('delivered');
    const [got] = await received(q.url, 1);
    expect(JSON.parse(got.Body!)).toEqual({ name: 'Ada', zone: 'Europe/Paris' });
    expect(got.MessageAttributes!['punctual-message-id'].StringValue).toBe(m.id);
    expect(got.MessageAttributes!['punctual-attempt'].StringValue).toBe('1');
    const [attempt] = (await control.get(`/v1/messages/${m.id}/attempts`)).items;
    expect(attempt).toMatchObject({ outcome: 'success', statusCode: 200 });
    expect(JSON.parse(attempt.responseBody)).toEqual({ messageId: got.MessageId });
  });

  it('sqs: a missing queue fails at the first attempt, whatever retries the app allows', async () => {
    const app = await control.post('/v1/apps', {
      name: 'gone',
      target: { type: 'sqs', queueUrl: `${moto.endpoint}/123456789012/no-such-queue` },
      retryPolicy: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    const m = await control.post('/v1/messages', { appId: app.id, payload: {} });
    expect(await settled(m.id)).toMatchObject({
      status: 'failed',
      attemptCount: 1,
      lastError: expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/),
    });
    expect((await control.get(`/v1/messages/${m.id}/attempts`)).items).toEqual([expect.objectContaining({ outcome: 'permanent_failure' })]);
  });

  it('sns: each action type goes to its own topic, and only there', async () => {
    const sns = new SNSClient(moto.clientConfig);
    const routes: Record<string, { topicArn: string; queueUrl: string; appId?: string }> = {};
    for (const action of ['web_action', 'notification']) {
      const q = await queue(`${action}-processor`);
      const topicArn = (await sns.send(new CreateTopicCommand({ Name: action }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }),
      );
      const app = await control.post('/v1/apps', { name: action, target: { type: 'sns', topicArn, messageAttributes: { action } } });
      routes[action] = { topicArn, queueUrl: q.url, appId: app.id };
    }
    sns.destroy();
    const sent: Record<string, string[]> = { web_action: [], notification: [] };
    for (const [action, n] of [
      ['web_action', 3],
      ['notification', 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const m = await control.post('/v1/messages', { appId: routes[action].appId, payload: { type: action, i } });
        sent[action].push(m.id);
      }
    }
    for (const action of ['web_action', 'notification']) {
      const got = await received(routes[action].queueUrl, sent[action].length);
      expect(got.map((m) => JSON.parse(m.Body!).type)).toEqual(sent[action].map(() => action));
      expect(got.map((m) => m.MessageAttributes!['punctual-message-id'].StringValue).sort()).toEqual([...sent[action]].sort());
      expect(got.every((m) => m.MessageAttributes!.action.StringValue === action)).toBe(true);
    }
  });

  it('eventbridge: the payload is the detail of an event a rule routes on', async () => {
    const q = await queue('jobs-due');
    const events = new EventBridgeClient(moto.clientConfig);
    const eventBusArn = (await events.send(new CreateEventBusCommand({ Name: 'ai-jobs' }))).EventBusArn!;
    await events.send(
      new PutRuleCommand({ Name: 'due', EventBusName: 'ai-jobs', EventPattern: JSON.stringify({ 'detail-type': ['job.due'] }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'due', EventBusName: 'ai-jobs', Targets: [{ Id: 'q', Arn: q.arn }] }));
    events.destroy();
    const app = await control.post('/v1/apps', {
      name: 'jobs',
      target: { type: 'eventbridge', eventBusArn, source: 'acme.jobs', detailType: 'job.due' },
    });
    const m = await control.post('/v1/messages', { appId: app.id, payload: { job: 'summarise' } });
    expect((await settled(m.id)).status).toBe('delivered');
    const [got] = await received(q.url, 1);
    expect(JSON.parse(got.Body!).detail).toMatchObject({ job: 'summarise', punctual: { messageId: m.id, attempt: 1 } });
  });
});
