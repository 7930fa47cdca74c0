/**
 * Ingestion on the embedded runtime: an SNS topic on moto_server with a queue subscribed (raw delivery) and a
 * dead-letter queue, the real server consuming the queue from PUNCTUAL_INGEST_QUEUE_URL. What is published is created as
 * the HTTP API would (plans, metering, idempotency); refusals reach the dead-letter queue with their code; close stops
 * the long poll. (The AWS runtime's ingest function on moto: libs/runtime/aws.aws.test.ts.)
 */
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startLocalServer, type LocalServer } from '../../test/support/local-server';
import { type Moto, startMoto } from '../../test/support/moto';

let moto: Moto;
let sqs: SQSClient;
let sns: SNSClient;
let server: LocalServer;
let tenant: { key: string; client: JsonClient };
let topicArn: string;
let dlqUrl: string;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  sqs = new SQSClient(moto.clientConfig);
  sns = new SNSClient(moto.clientConfig);
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ingest-dlq' }))).QueueUrl!;
  const redrive = JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount: 5 });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ingest', Attributes: { RedrivePolicy: redrive } }))).QueueUrl!;
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'ingest' }))).TopicArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: await arnOf(queueUrl),
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  server = await startLocalServer('punctual-ingest', { PUNCTUAL_AWS_ENDPOINT: moto.endpoint, PUNCTUAL_INGEST_QUEUE_URL: queueUrl });
  tenant = await newTenantClient(server.url, server.adminToken, 'publisher', 'free');
}, 60_000);

afterAll(async () => {
  await server?.close();
  sqs?.destroy();
  sns?.destroy();
  await moto?.stop();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const publish = (body: unknown, attributes: Record<string, string>) =>
  sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: typeof body === 'string' ? body : JSON.stringify(body),
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
    }),
  );

/** Reads the dead-letter queue until it holds `count` messages (bounded). */
const deadLetters = async (count: number): Promise<Message[]> => {
  const all: Message[] = [];
  await eventually(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
    all.push(...(r.Messages ?? []));
    return all.length >= count;
  });
  return all;
};

describe('ingestion from SNS and SQS on the embedded runtime (moto_server)', () => {
  it('creates published messages, batches and schedules as the API would, counted as requests on the key', async () => {
    const app = await tenant.client.post('/v1/apps', { name: 'sink', target: { type: 'http', url: 'http://127.0.0.1:9/none' } });
    const key = { 'x-api-key': tenant.key };
    await publish({ appId: app.id, delaySeconds: 3600, payload: { via: 'sns' } }, { ...key, 'idempotency-key': 'pub-1' });
    await publish({ appId: app.id, delaySeconds: 3600, payload: { via: 'sns' } }, { ...key, 'idempotency-key': 'pub-1' });
    await publish(
      {
        items: [
          { appId: app.id, delaySeconds: 3600, payload: { n: 1 } },
          { appId: app.id, delaySeconds: 3600, payload: { n: 2 } },
        ],
      },
      {
        ...key,
        route: 'messages.batch',
      },
    );
    await publish({ appId: app.id, name: 'hourly', expression: 'rate(1 hour)', payload: { tick: 1 } }, { ...key, route: 'schedules' });

    const listed = await eventually(async () => {
      const page = await tenant.client.get(`/v1/messages?appId=${app.id}`);
      const own = (page.items as { payload: unknown; scheduleId?: string }[]).filter((m) => m.scheduleId === undefined);
      return own.length >= 3 ? own : undefined;
    });
    expect(listed.map((m) => JSON.stringify(m.payload)).sort()).toEqual(['{"n":1}', '{"n":2}', '{"via":"sns"}']);
    // Records are handled concurrently: the schedule may land after the messages.
    const schedules = await eventually(async () => {
      const page = await tenant.client.get('/v1/schedules');
      return page.items.length ? page.items : undefined;
    });
    expect(schedules).toMatchObject([{ name: 'hourly' }]);
    const usage = await eventually(async () => {
      const u = await tenant.client.get('/v1/usage');
      return u.totals.messagesScheduled >= 3 && u.totals.requests >= 4 ? u : undefined;
    });
    // The idempotent replay scheduled nothing more (the schedule's runs so far count too); the four published requests
    // count like HTTP ones.
    const all = (await tenant.client.get(`/v1/messages?appId=${app.id}`)).items as unknown[];
    expect(usage.totals.messagesScheduled).toBe(all.length);
    expect(all.length).toBeLessThanOrEqual(4);
    expect(usage.totals.requests).toBeGreaterThanOrEqual(4);
  });

  it('sends refusals to the dead-letter queue with their error code and without the key', async () => {
    await publish({ appId: 'app_x', payload: {} }, { 'x-api-key': 'pk_unknown' });
    await publish({ payload: {} }, { 'x-api-key': tenant.key });
    await publish({ payload: {} }, { 'x-api-key': tenant.key, route: 'nowhere' });
    const dead = await deadLetters(3);
    expect(dead.map((m) => m.MessageAttributes?.error?.StringValue).sort()).toEqual(['invalid_request', 'invalid_request', 'unauthorized']);
    expect(dead.every((m) => m.MessageAttributes?.['x-api-key'] === undefined)).toBe(true);
    expect(dead.map((m) => m.MessageAttributes?.route?.StringValue)).toContain('nowhere');
  });
});
