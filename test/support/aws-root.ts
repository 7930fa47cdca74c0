/**
 * The AWS composition root (libs/runtime/aws.ts) with every client on moto_server through PUNCTUAL_AWS_ENDPOINT,
 * for the focused `*.aws.test.ts` files: a table, the delivery queue, a KMS key sealing apps' secrets, a verified SES
 * identity, a webhook receiver. `deliverQueued` plays the table stream's hand-off and the deliver function: the table's
 * new stream records (moto's DynamoDB Streams) through the hand-off handler with the stack's filter patterns, then
 * every record on the real delivery queue, handled by the root's engine worker, until neither has more. Tests only.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { makeHandoffHandler } from '../../functions/engine/handoff/handler';
import { handoffFilterPatterns } from '../../infra/engine';
import { createTableInput } from '../../infra/table';
import { appCreateSchema } from '../../libs/apps/schemas';
import { parseInput } from '../../libs/domain/validate';
import { parseDeliveryQueueMessage } from '../../libs/engine/eventbridge/engine';
import { messageCreateSchema } from '../../libs/messages/schemas';
import { createLogger } from '../../libs/observability/logger';
import { type AwsRuntime, createAwsRuntime } from '../../libs/runtime/aws';
import { loadAwsConfig } from '../../libs/runtime/aws-config';
import { controlKey } from './fixtures';
import { type Moto, startMoto } from './moto';
import { MotoTableStream } from './moto-stream';
import { passesFilters } from './stream-filters';
import { type Receiver, startReceiver } from './receiver';

/** The deployment's own account; moto's resources are in 123456789012, another account. */
export const ownAccount = '000000000000';

/** What `useAwsRoot` sets up, filled in by its `beforeAll`. */
export interface AwsRoot {
  moto: Moto;
  sqs: SQSClient;
  runtime: AwsRuntime;
  receiver: Receiver;
  deliveryQueueUrl: string;
  tableName: string;
  /** The table's stream on moto. */
  stream: MotoTableStream;
}

/** Starts the root on moto before the file's tests and stops it after; `tableName` names its table. */
export const useAwsRoot = (tableName: string) => {
  const root = { tableName } as AwsRoot;
  const saved = { ...process.env };
  const own = ownAccount;
  const p = controlKey({ plan: 'unlimited' });

  /** The stream reads the table's description with it. */
  let dynamodb: DynamoDBClient | undefined;

  beforeAll(async () => {
    root.moto = await startMoto();
    const moto = root.moto;
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    root.receiver = await startReceiver();
    root.sqs = new SQSClient(moto.clientConfig);
    dynamodb = new DynamoDBClient(moto.clientConfig);
    await dynamodb.send(new CreateTableCommand(createTableInput(tableName)));
    root.stream = new MotoTableStream({ dynamodb, endpoint: moto.endpoint, tableName });
    root.deliveryQueueUrl = (await root.sqs.send(new CreateQueueCommand({ QueueName: 'punctual-delivery' }))).QueueUrl!;
    const kms = new KMSClient(moto.clientConfig);
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    kms.destroy();
    const ses = new SESv2Client(moto.clientConfig);
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'punctual@example.com' }));
    ses.destroy();
    const config = loadAwsConfig({
      PUNCTUAL_STACK: 'punctual-test',
      PUNCTUAL_TABLE_NAME: tableName,
      PUNCTUAL_DELIVERY_QUEUE_URL: root.deliveryQueueUrl,
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
    root.runtime = createAwsRuntime(config, { logger: createLogger('silent'), allowPrivateTargets: true });
  }, 60_000);

  afterAll(async () => {
    await root.runtime?.close();
    root.sqs?.destroy();
    dynamodb?.destroy();
    await root.receiver?.close();
    await root.moto?.stop();
    for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const receive = async (url: string): Promise<Message[]> =>
    (await root.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }))).Messages ??
    [];

  const handoff = makeHandoffHandler(() => ({ engine: root.runtime.handoff, logger: root.runtime.logger }));
  /** The hand-off's part: the stream's new records that its filters keep; returns how many it was given. */
  const handOff = async (): Promise<number> => {
    const records = (await root.stream.read()).filter((r) => passesFilters(handoffFilterPatterns, r));
    if (records.length) expect((await handoff({ Records: records })).batchItemFailures).toEqual([]);
    return records.length;
  };

  /**
   * The hand-off's and the deliver function's parts until both are idle: every message the table's stream hands over,
   * then every record on the delivery queue, handled by the root's engine worker (a chained message comes round again).
   */
  const deliverQueued = async (): Promise<string[]> => {
    const results: string[] = [];
    const url = root.deliveryQueueUrl;
    for (let handed = await handOff(); ; handed = await handOff()) {
      let received = 0;
      for (let records = await receive(url); records.length; records = await receive(url)) {
        received += records.length;
        for (const r of records) {
          results.push(await root.runtime.engine.handle(parseDeliveryQueueMessage(r.Body!)!));
          await root.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: r.ReceiptHandle! }));
        }
      }
      if (!handed && !received) return results;
    }
  };

  /** An app and a message made by the root's services, for the control key `p`. */
  const createApp = (body: unknown) => root.runtime.services.apps.create(p, parseInput(appCreateSchema, body));
  const send = async (body: unknown) => (await root.runtime.services.messages.create(p, parseInput(messageCreateSchema, body))).message;

  return { root, p, receive, deliverQueued, createApp, send };
};
