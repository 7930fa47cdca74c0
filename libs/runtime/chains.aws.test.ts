/**
 * Chains through the AWS composition root (libs/runtime/aws.ts) with every client on moto_server through
 * PUNCTUAL_AWS_ENDPOINT: an HTTP app's answer mailed through SES by its `onSuccess` chain. Apps and messages are made
 * by the root's services; the deliver function's work (`engine.handle`) takes each record from the real delivery queue,
 * the chained message included.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTableInput } from '../../infra/table';
import { type Moto, startMoto } from '../../test/support/moto';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { controlKey } from '../../test/support/fixtures';
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
  tableName = 'punctual-chains';
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

const send = async (body: unknown) => (await runtime.services.messages.create(p, parseInput(messageCreateSchema, body))).message;

describe('chains through the AWS composition root on moto_server', () => {
  it("mails an HTTP target's answer through SES: the chained message goes through the delivery queue like any other", async () => {
    receiver.respond('/llm', () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'Rates unchanged; equities flat.' }));
    const mail = await createApp({ name: 'digest mail', target: { type: 'email', to: ['finance@example.com'], subject: 'Digest' } });
    const llm = await createApp({ name: 'llm', target: { type: 'http', url: `${receiver.url}/llm` } });
    const m = await send({ appId: llm.id, payload: { q: 'summarise' }, onSuccess: { appId: mail.id } });
    expect(await deliverQueued()).toEqual(['delivered', 'delivered']);

    const source = await runtime.services.messages.get(p, m.id);
    expect(source).toMatchObject({ status: 'delivered', result: { status: 200, body: 'Rates unchanged; equities flat.' } });
    expect(source.chained).toHaveLength(1);
    const chained = await runtime.services.messages.get(p, source.chained![0]);
    expect(chained).toMatchObject({ appId: mail.id, chainOf: m.id, status: 'delivered', keyId: p.keyId });
    expect(chained.result?.body).toMatch(/MessageId|messageId/);
    const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as { ses: { Message: Record<string, unknown>[] } };
    expect(data.ses.Message).toContainEqual(
      expect.objectContaining({ source: 'punctual@example.com', subject: 'Digest', body: 'Rates unchanged; equities flat.' }),
    );
  });
});
