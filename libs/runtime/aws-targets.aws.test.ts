/**
 * The AWS composition root (libs/runtime/aws.ts) with every client on moto_server through PUNCTUAL_AWS_ENDPOINT:
 * DynamoDB, the delivery queue, KMS sealing the apps' secrets, SES and a tenant's SQS queue. Apps and messages
 * are made by the root's services; the deliver function's work (`engine.handle`) takes each record from the
 * real delivery queue.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { createTableInput } from '../../infra/table';
import { type Moto, startMoto } from '../../test/support/moto';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { controlKey } from '../../test/support/fixtures';
import { TargetUnavailableError } from '../apps/errors';
import { appCreateSchema } from '../apps/schemas';
import { parseInput } from '../domain/validate';
import { parseDeliveryQueueMessage } from '../engine/eventbridge/engine';
import { messageCreateSchema } from '../messages/schemas';
import { createLogger } from '../observability/logger';
import { createAwsRuntime, type AwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';

/** The deployment's own account; moto's resources are in 123456789012, another account. */
const own = '000000000000';
let moto: Moto;
let sqs: SQSClient;
let runtime: AwsRuntime;
let receiver: Receiver;
let deliveryQueueUrl: string;
let tableName: string;
const saved = { ...process.env };
const p = controlKey({ plan: 'unlimited' });

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  receiver = await startReceiver();
  sqs = new SQSClient(moto.clientConfig);
  tableName = 'punctual-targets';
  const dynamodb = new DynamoDBClient(moto.clientConfig);
  await dynamodb.send(new CreateTableCommand(createTableInput(tableName)));
  dynamodb.destroy();
  deliveryQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'punctual-delivery' }))).QueueUrl!;
  const kms = new KMSClient(moto.clientConfig);
  const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  kms.destroy();
  const ses = new SESv2Client(moto.clientConfig);
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'punctual@example.com' }));
  ses.destroy();
  const config = loadAwsConfig({
    PUNCTUAL_STACK: 'punctual-test',
    PUNCTUAL_TABLE_NAME: tableName,
    PUNCTUAL_DELIVERY_QUEUE_URL: deliveryQueueUrl,
    PUNCTUAL_DELIVERY_DLQ_ARN: `arn:aws:sqs:us-east-1:${own}:punctual-delivery-dlq`,
    PUNCTUAL_WAKE_FUNCTION_ARN: `arn:aws:lambda:us-east-1:${own}:function:punctual-test-engineWake`,
    PUNCTUAL_SCHEDULE_GROUP: 'punctual-test',
    PUNCTUAL_SCHEDULER_ROLE_ARN: `arn:aws:iam::${own}:role/scheduler`,
    PUNCTUAL_USER_POOL_ID: 'us-east-1_Pool',
    PUNCTUAL_USER_POOL_CLIENT_ID: 'client',
    PUNCTUAL_AWS_ENDPOINT: moto.endpoint,
    PUNCTUAL_SECRETS_KMS_KEY_ID: keyArn,
    PUNCTUAL_EMAIL_FROM: 'punctual@example.com',
  });
  runtime = createAwsRuntime(config, { logger: createLogger('silent'), allowPrivateTargets: true });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  sqs?.destroy();
  await receiver?.close();
  await moto?.stop();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const receive = async (url: string): Promise<Message[]> =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ?? [];

/** The deliver function's part: every record on the delivery queue, handled by the root's engine worker. */
const deliverQueued = async (): Promise<string[]> => {
  const results: string[] = [];
  for (let records = await receive(deliveryQueueUrl); records.length; records = await receive(deliveryQueueUrl)) {
    for (const r of records) {
      results.push(await runtime.engine.handle(parseDeliveryQueueMessage(r.Body!)!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: deliveryQueueUrl, ReceiptHandle: r.ReceiptHandle! }));
    }
  }
  return results;
};

const createApp = (body: unknown) => runtime.services.apps.create(p, parseInput(appCreateSchema, body));
const send = async (appId: string, payload: unknown) =>
  (await runtime.services.messages.create(p, parseInput(messageCreateSchema, { appId, payload }))).message;

describe('the AWS composition root on moto_server', () => {
  it('seals the app’s secrets with KMS in DynamoDB, and the deliver function signs with them', async () => {
    const app = await createApp({
      name: 'hook',
      target: { type: 'http', url: `${receiver.url}/hook`, headers: { authorization: 'Bearer llm-key-1' } },
    });
    const item = await runtime.services.apps.get(p, app.id);
    expect(item.signingSecret).toMatch(/^enc:kms1:/);
    expect(item.target).toMatchObject({ headers: { authorization: expect.stringMatching(/^enc:kms1:/) } });
    const dynamodb = new DynamoDBClient(moto.clientConfig);
    const raw = JSON.stringify((await dynamodb.send(new ScanCommand({ TableName: tableName }))).Items);
    dynamodb.destroy();
    expect(raw).toContain(app.id);
    expect(raw).not.toContain('llm-key-1');
    expect(raw).not.toContain(app.signingSecret);

    const m = await send(app.id, { q: 'summarise' });
    expect(await deliverQueued()).toEqual(['delivered']);
    const [hit] = await receiver.waitFor('/hook', 1);
    expect(hit.headers.authorization).toBe('Bearer llm-key-1');
    expect(new Webhook(app.signingSecret).verify(hit.body, hit.headers as Record<string, string>)).toEqual({ q: 'summarise' });
    expect(hit.headers['webhook-id']).toBe(m.id);
  });

  it('sends an email through SES', async () => {
    const app = await createApp({
      name: 'digest',
      target: { type: 'email', to: ['finance@example.com'], subject: 'Digest {{message.id}}' },
    });
    const m = await send(app.id, 'Markets opened higher.');
    expect(await deliverQueued()).toEqual(['delivered']);
    const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as { ses: { Message: Record<string, unknown>[] } };
    expect(data.ses.Message).toContainEqual(
      expect.objectContaining({ source: 'punctual@example.com', subject: `Digest ${m.id}`, body: 'Markets opened higher.' }),
    );
  });

  it('sends to a tenant’s SQS queue in another account, and refuses a queue of its own account', async () => {
    const target = (await sqs.send(new CreateQueueCommand({ QueueName: 'tenant-jobs' }))).QueueUrl!;
    const app = await createApp({ name: 'jobs', target: { type: 'sqs', queueUrl: target } });
    const m = await send(app.id, { job: 1 });
    expect(await deliverQueued()).toEqual(['delivered']);
    const [got] = await receive(target);
    expect(JSON.parse(got.Body!)).toEqual({ job: 1 });
    expect(got.MessageAttributes!['punctual-message-id'].StringValue).toBe(m.id);

    const ownQueue = `${moto.endpoint}/${own}/punctual-delivery`;
    await expect(createApp({ name: 'mine', target: { type: 'sqs', queueUrl: ownQueue } })).rejects.toThrow(TargetUnavailableError);
    await expect(createApp({ name: 'mine', target: { type: 'sns', topicArn: `arn:aws:sns:us-east-1:${own}:internal` } })).rejects.toThrow(
      /own/,
    );
  });
});
