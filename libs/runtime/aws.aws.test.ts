/**
 * The AWS composition root end to end on moto_server, with the SDK clients the runtime builds itself
 * (PUNCTUAL_AWS_ENDPOINT): DynamoDB with its stream, the delivery queue and its DLQ, the Scheduler group, API Gateway
 * keys and usage plans, and a Cognito pool whose ID tokens sign tenants up. The API handlers get API Gateway-shaped
 * events; the engine's schedules and queue messages are moto resources. The thin driver (test/support/aws-driver.ts)
 * is the only stand-in left: it plays the event sources moto cannot run without Docker (Scheduler firing, the SQS
 * and stream event sources, API Gateway's key check and Lambda invocations); `GetUsage`, which moto lacks, comes from
 * the requests it let through (aws-standins.ts). Real time and a real receiver on 127.0.0.1; scenarios that need
 * simulated minutes (takeovers, retry budgets, duplicate deliveries, cost counts) stay on aws-engine.int.test.ts.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
} from '@aws-sdk/client-api-gateway';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handler as createTenant } from '../../functions/api/tenants/create/handler';
import { handler as authorizer } from '../../functions/authorizer/handler';
import { handler as deliver } from '../../functions/engine/deliver/handler';
import { handler as handoff } from '../../functions/engine/handoff/handler';
import { handler as wake } from '../../functions/engine/wake/handler';
import { handler as aggregate } from '../../functions/metering/aggregate/handler';
import { handler as ingestHandler } from '../../functions/ingest/handler';
import { handoffFilterPatterns, meteringFilterPatterns } from '../../infra/engine';
import { createTableInput } from '../../infra/table';
import { AwsDriver, OffsetClock } from '../../test/support/aws-driver';
import { getUsageStandIn } from '../../test/support/aws-standins';
import { aSchedule } from '../../test/support/fixtures';
import { useMoto } from '../../test/support/moto';
import { type Receiver, startReceiver } from '../../test/support/receiver';
import { cognitoIdTokenVerifier } from '../cognito/operator';
import type { DeliveryMetrics } from '../engine/metrics';
import { apiGatewayEvent } from '../gateway/handlers';
import type { ApiContext } from '../http/api';
import { routeOf } from '../http/routes';
import { registerContainer } from '../lambda/container';
import type { Logger } from '../observability/logger';
import { defaultPlans } from '../plans/catalogue';
import { createDynamoStores } from '../store/dynamodb';
import { type AwsRuntime, createAwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';

jest.setTimeout(60_000);

const stack = 'punctual-test';
const wakeArn = `arn:aws:lambda:us-east-1:123456789012:function:${stack}-engineWake`;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
/** Lambda's limit on a synchronous response. */
const lambdaResponseLimit = 6 * 1024 * 1024;
const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

const moto = useMoto();
const saved = { ...process.env };
let receiver: Receiver;
let clock: OffsetClock;
let driver: AwsDriver;
/** Hand-off invocations still to crash. */
let handoffCrashes = 0;
let writer: AwsRuntime;
let reader: AwsRuntime;
/** Writes the read-only (GET) container tried, and the requests it served. */
const readOnly = { writes: 0, served: 0 };
const attempts: Parameters<DeliveryMetrics['attempt']>[0][] = [];
let c: {
  apiGateway: APIGatewayClient;
  sqs: SQSClient;
  scheduler: SchedulerClient;
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
  sns: SNSClient;
};
let pool: { id: string; clientId: string };
let dlqArn: string;
let queueUrl: string;
let freePlanId: string;
/** The ingest topic, its queue (raw delivery) and the queue's dead-letter queue, as infra/ingest.ts makes them. */
let ingest: { topicArn: string; queueUrl: string; dlqUrl: string };
let tableName: string;

/** An operator's ID token from the pool: USER_SRP_AUTH then PASSWORD_VERIFIER (moto does not check the SRP proof itself). */
const idToken = async (username: string): Promise<string> => {
  const start = await c.cognito.send(
    new InitiateAuthCommand({
      ClientId: pool.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: 'a1b2c3' },
    }),
  );
  expect(start.ChallengeName).toBe('PASSWORD_VERIFIER');
  const done = await c.cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: start.Session,
      ChallengeResponses: {
        USERNAME: start.ChallengeParameters!.USERNAME,
        PASSWORD_CLAIM_SECRET_BLOCK: start.ChallengeParameters!.SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: 'c2lnbmF0dXJl',
        TIMESTAMP: 'Mon Dec 7 12:00:00 UTC 2026',
      },
    }),
  );
  return done.AuthenticationResult!.IdToken!;
};

beforeAll(async () => {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  receiver = await startReceiver();
  const cfg = moto.clientConfig;
  c = {
    apiGateway: new APIGatewayClient(cfg),
    sqs: new SQSClient(cfg),
    scheduler: new SchedulerClient(cfg),
    dynamodb: new DynamoDBClient(cfg),
    cognito: new CognitoIdentityProviderClient(cfg),
    sns: new SNSClient(cfg),
  };
  // What the stack creates (infra/*.ts), made here with the SDK: moto's CloudFormation skips some of it.
  tableName = stack;
  await c.dynamodb.send(new CreateTableCommand(createTableInput(tableName)));
  const dlq = await c.sqs.send(new CreateQueueCommand({ QueueName: `${stack}-delivery-dlq` }));
  dlqArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  queueUrl = (
    await c.sqs.send(
      new CreateQueueCommand({
        QueueName: `${stack}-delivery`,
        Attributes: { VisibilityTimeout: '60', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) },
      }),
    )
  ).QueueUrl!;
  await c.scheduler.send(new CreateScheduleGroupCommand({ Name: stack }));
  const ingestDlq = (await c.sqs.send(new CreateQueueCommand({ QueueName: `${stack}-ingest-dlq` }))).QueueUrl!;
  const ingestDlqArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: ingestDlq, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const ingestQueue = (
    await c.sqs.send(
      new CreateQueueCommand({
        QueueName: `${stack}-ingest`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ingestDlqArn, maxReceiveCount: 5 }) },
      }),
    )
  ).QueueUrl!;
  const ingestQueueArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: ingestQueue, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: `${stack}-ingest` }))).TopicArn!;
  await c.sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: ingestQueueArn, Attributes: { RawMessageDelivery: 'true' } }),
  );
  ingest = { topicArn, queueUrl: ingestQueue, dlqUrl: ingestDlq };
  for (const plan of Object.keys(defaultPlans)) {
    const created = await c.apiGateway.send(new CreateUsagePlanCommand({ name: `punctual-${plan}-test` }));
    if (plan === 'free') freePlanId = created.id!;
  }
  const userPool = await c.cognito.send(new CreateUserPoolCommand({ PoolName: `${stack}-operators`, MfaConfiguration: 'OPTIONAL' }));
  const poolClient = await c.cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPool.UserPool!.Id!,
      ClientName: `${stack}-cli`,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  pool = { id: userPool.UserPool!.Id!, clientId: poolClient.UserPoolClient!.ClientId! };
  await c.cognito.send(new AdminCreateUserCommand({ UserPoolId: pool.id, Username: 'ops@example.com', MessageAction: 'SUPPRESS' }));
  await c.cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId: pool.id, Username: 'ops@example.com', Password: 'Correct-Horse-9', Permanent: true }),
  );
  // The verifier the runtime builds, with moto's JWKS (aws-jwt-verify refuses to fetch it over plain http).
  const verifier = cognitoIdTokenVerifier({ userPoolId: pool.id, clientId: pool.clientId });
  verifier.cacheJwks(
    (await (await fetch(`${moto.endpoint}/${pool.id}/.well-known/jwks.json`)).json()) as Parameters<typeof verifier.cacheJwks>[0],
  );

  // Apps' secrets are sealed under a KMS key, as in the stack.
  const kms = new KMSClient(moto.clientConfig);
  const secretsKeyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  kms.destroy();

  const config = loadAwsConfig({
    PUNCTUAL_STACK: stack,
    PUNCTUAL_SECRETS_KMS_KEY_ID: secretsKeyArn,
    PUNCTUAL_TABLE_NAME: tableName,
    PUNCTUAL_DELIVERY_QUEUE_URL: queueUrl,
    PUNCTUAL_DELIVERY_DLQ_ARN: dlqArn,
    PUNCTUAL_WAKE_FUNCTION_ARN: wakeArn,
    PUNCTUAL_SCHEDULE_GROUP: stack,
    PUNCTUAL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
    PUNCTUAL_USER_POOL_ID: pool.id,
    PUNCTUAL_USER_POOL_CLIENT_ID: pool.clientId,
    PUNCTUAL_USAGE_PLAN_PREFIX: 'punctual-',
    PUNCTUAL_USAGE_PLAN_SUFFIX: '-test',
    PUNCTUAL_AWS_ENDPOINT: moto.endpoint,
    PUNCTUAL_INGEST_DLQ_URL: ingest.dlqUrl,
  });
  clock = new OffsetClock();
  driver = new AwsDriver({
    clients: c,
    endpoint: moto.endpoint,
    queueUrl,
    tableName,
    scheduleGroup: stack,
    usagePlanNames: Object.keys(defaultPlans).map((p) => `punctual-${p}-test`),
    clock,
    handlers: {
      authorizer,
      wake,
      deliver,
      aggregate,
      // A crash of the hand-off's invocation after the table write, as often as a test asks.
      handoff: (event) => (handoffCrashes-- > 0 ? Promise.reject(new Error('the hand-off crashed')) : handoff(event)),
    },
    streamFilters: { aggregate: meteringFilterPatterns, handoff: handoffFilterPatterns },
    // A GET runs in a read-only function's container; everything else (and every engine function) in the writer.
    onRoute: (route) => {
      if (route.method !== 'GET') return undefined;
      readOnly.served++;
      registerContainer(async () => reader);
      return () => registerContainer(async () => writer);
    },
  });
  const metrics: DeliveryMetrics = { attempt: (a) => void attempts.push(a), flush: () => undefined };
  // The runtime's own API Gateway client on moto, answering GetUsage (which moto lacks) from the driver's counts.
  const gatewayClient = () => {
    const client = new APIGatewayClient({ endpoint: moto.endpoint, maxAttempts: 5 });
    getUsageStandIn(client, driver.requests);
    return client;
  };
  const common = { clock, logger: silent, metrics, verifier, allowPrivateTargets: true };
  writer = createAwsRuntime(config, { ...common, apiGateway: gatewayClient() });
  // A GET function's container: read-only config, and a table client that counts (and refuses) any write.
  const raw = new DynamoDBClient(moto.clientConfig);
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      if (writeCommands.has(context.commandName ?? '')) {
        readOnly.writes++;
        throw Object.assign(new Error(`AccessDeniedException: a GET function called ${context.commandName}`), {
          name: 'AccessDeniedException',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'readOnlyTable' },
  );
  reader = createAwsRuntime(
    { ...config, readOnly: true },
    { ...common, apiGateway: gatewayClient(), documentClient: DynamoDBDocumentClient.from(raw) },
  );
  registerContainer(async () => writer);
}, 120_000);

afterAll(async () => {
  await writer?.close();
  await reader?.close();
  for (const client of Object.values(c ?? {})) client.destroy();
  await receiver?.close();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** A tenant signed up with an operator's token, and an app whose target is the receiver at its own path. */
const tenant = async (name: string) => {
  const signUp = await driver.request('POST', '/v1/tenants', {
    authorization: `Bearer ${await idToken('ops@example.com')}`,
    body: { name },
  });
  expect(signUp.status).toBe(201);
  const key = signUp.body.controlKey.key as string;
  const path = `/hook-${name}`;
  const app = await driver.request('POST', '/v1/apps', {
    apiKey: key,
    body: { name, target: { type: 'http', url: `${receiver.url}${path}` } },
  });
  expect(app.status).toBe(201);
  const api = (method: string, p: string, body?: unknown) =>
    driver.request(method, p, { apiKey: key, ...(body === undefined ? {} : { body }) });
  return {
    id: signUp.body.id as string,
    key,
    keyId: signUp.body.controlKey.id as string,
    appId: app.body.id as string,
    secret: app.body.signingSecret as string,
    path,
    api,
  };
};

const queueEmpty = async () => {
  const a = await c.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return a.Attributes?.ApproximateNumberOfMessages === '0' && a.Attributes?.ApproximateNumberOfMessagesNotVisible === '0';
};

/** Publishes to the ingest topic with string attributes. */
const publish = (body: unknown, attributes: Record<string, string>) =>
  c.sns.send(
    new PublishCommand({
      TopicArn: ingest.topicArn,
      Message: typeof body === 'string' ? body : JSON.stringify(body),
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
    }),
  );

/**
 * The ingest queue's Lambda event source, played as the driver plays the delivery queue's: receive, invoke the ingest
 * handler with up to 10 records, delete every record it did not report failed. Returns how many records it handed over.
 */
const drainIngest = async (): Promise<number> => {
  let handed = 0;
  for (;;) {
    const out = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: ingest.queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (!messages.length) return handed;
    handed += messages.length;
    const records = messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {} as never,
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: v.DataType ?? 'String' }]),
      ) as never,
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ingest',
      awsRegion: 'us-east-1',
    }));
    const { batchItemFailures } = await ingestHandler({ Records: records });
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId!)).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
    if (done.length) await c.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: ingest.queueUrl, Entries: done }));
  }
};

describe('the AWS runtime on moto_server', () => {
  it('signs a tenant up with a Cognito ID token; its control key is an API Gateway key in the free plan, tagged by stack', async () => {
    const t = await tenant('acme');

    const keys = await c.apiGateway.send(new GetApiKeysCommand({ nameQuery: t.keyId, includeValues: true }));
    expect(keys.items).toHaveLength(1);
    expect(keys.items![0]).toMatchObject({
      name: t.keyId,
      value: t.key,
      enabled: true,
      customerId: t.id,
      tags: { 'punctual:stack': stack },
    });
    const planKeys = await c.apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: freePlanId }));
    expect(planKeys.items?.map((k) => k.id)).toContain(keys.items![0].id);

    // API Gateway's refusals: a forged token at the authorizer, an unknown key at the key check.
    expect(await driver.request('POST', '/v1/tenants', { authorization: 'Bearer forged', body: { name: 'x' } })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
    expect(await driver.request('GET', '/v1/apps', { apiKey: 'pk_unknown' })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
    const apps = await t.api('GET', '/v1/apps');
    expect(apps).toMatchObject({ status: 200, body: { items: [{ id: t.appId }] } });
  });

  it('delivers a message due in 2 s through SQS with its delay: signed, recorded, and metered from the table stream', async () => {
    const t = await tenant('soon');
    const created = await t.api('POST', '/v1/messages', { appId: t.appId, delaySeconds: 2, payload: { hello: 'moto' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    await driver.runUntil(async () => (await t.api('GET', `/v1/messages/${id}`)).body.status === 'delivered');

    const [arrival] = receiver.on(t.path);
    expect(receiver.on(t.path)).toHaveLength(1);
    expect(arrival.headers['webhook-id']).toBe(id);
    expect(() => new Webhook(t.secret).verify(arrival.body, arrival.headers as Record<string, string>)).not.toThrow();
    expect(JSON.parse(arrival.body)).toEqual({ hello: 'moto' });
    expect((await t.api('GET', `/v1/messages/${id}/attempts`)).body.items).toMatchObject([
      { attempt: 1, outcome: 'success', statusCode: 200 },
    ]);
    expect(attempts.some((a) => a.outcome === 'delivered')).toBe(true);

    // The stream reaches the metering handler; requests come from API Gateway's metering (GetUsage).
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const usage = async () => (await t.api('GET', `/v1/usage?from=${today}&to=${today}`)).body;
    await driver.runUntil(async () => (await usage()).totals?.deliveries === 1);
    expect((await usage()).totals).toMatchObject({
      messagesScheduled: 1,
      attempts: 1,
      deliveries: 1,
      failures: 0,
      requests: expect.any(Number),
    });
    expect((await usage()).totals.requests).toBeGreaterThanOrEqual(3);
  });

  it('delivers a message due now whose hand-off crashed after the 201: the stream gives the record again', async () => {
    const t = await tenant('crash');
    handoffCrashes = 1;
    const created = await t.api('POST', '/v1/messages', { appId: t.appId, payload: { n: 'crash' } });
    expect(created.status).toBe(201);

    await driver.readStream(); // the first hand-off dies: nothing reaches SQS
    expect(handoffCrashes).toBe(0);
    expect(await queueEmpty()).toBe(true);
    await driver.runUntil(() => receiver.on(t.path).length > 0);

    expect(receiver.on(t.path).map((r) => r.headers['webhook-id'])).toEqual([created.body.id]);
  });

  it('wakes a minute bucket: a message due in 20 minutes is an at() schedule in moto, fired into the wake handler, then SQS', async () => {
    const t = await tenant('later');
    const sendAt = clock.now() + 20 * 60_000;
    const created = await t.api('POST', '/v1/messages', { appId: t.appId, sendAt: new Date(sendAt).toISOString(), payload: { n: 1 } });
    expect(created.status).toBe(201);
    // The API call booked nothing itself: the table stream hands the message to the engine, which books its bucket.
    expect((await c.scheduler.send(new ListSchedulesCommand({ GroupName: stack }))).Schedules).toEqual([]);
    await driver.readStream();

    const listed = await c.scheduler.send(new ListSchedulesCommand({ GroupName: stack }));
    expect(listed.Schedules).toHaveLength(1);
    const s = await c.scheduler.send(new GetScheduleCommand({ GroupName: stack, Name: listed.Schedules![0].Name! }));
    const wakeAt = Math.floor(sendAt / 60_000) * 60_000 - 2 * 60_000;
    expect(s).toMatchObject({
      ScheduleExpression: `at(${new Date(wakeAt).toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: wakeArn, DeadLetterConfig: { Arn: dlqArn } },
    });

    // Twenty minutes on: a few seconds before the message is due, past its bucket's wake-up.
    clock.jump(sendAt - clock.now() - 3_000);
    await driver.runUntil(() => receiver.on(t.path).length > 0);

    expect(receiver.on(t.path).map((r) => r.headers['webhook-id'])).toEqual([created.body.id]);
    expect((await c.scheduler.send(new ListSchedulesCommand({ GroupName: stack }))).Schedules).toEqual([]);
  });

  it('retries a 500 through an SQS delay and records both attempts', async () => {
    const t = await tenant('flaky');
    receiver.respond(t.path, (_, n) => ({ status: n === 1 ? 500 : 200 }));
    const created = await t.api('POST', '/v1/messages', {
      appId: t.appId,
      payload: { n: 2 },
      retryPolicy: { baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    expect(created.status).toBe(201);

    await driver.runUntil(async () => (await t.api('GET', `/v1/messages/${created.body.id}`)).body.status === 'delivered');

    expect(receiver.on(t.path).map((r) => r.headers['punctual-attempt'])).toEqual(['1', '2']);
    const list = await t.api('GET', `/v1/messages/${created.body.id}/attempts`);
    expect(list.body.items.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'success']);
  });

  it('never delivers an aborted message: its SQS record finds nothing to claim', async () => {
    const t = await tenant('aborted');
    const created = await t.api('POST', '/v1/messages', { appId: t.appId, delaySeconds: 1, payload: { n: 3 } });
    expect((await t.api('POST', `/v1/messages/${created.body.id}/abort`)).status).toBe(200);
    const dueBy = clock.now() + 1_500;

    await driver.runUntil(async () => clock.now() > dueBy && (await queueEmpty()));

    expect(receiver.on(t.path)).toEqual([]);
    expect((await t.api('GET', `/v1/messages/${created.body.id}`)).body).toMatchObject({ status: 'aborted', attemptCount: 0 });
  });

  it('materialises a new schedule’s first run inside the API call, and no other tenant’s due schedule', async () => {
    const t = await tenant('cron');
    // Another tenant's schedule, due now, written straight into the table: only the sweep may materialise it.
    const stores = createDynamoStores({ client: DynamoDBDocumentClient.from(c.dynamodb), tableName });
    const other = aSchedule({ tenantId: 'ten_other', nextRunAt: clock.now(), createdAt: clock.now() });
    await stores.schedules.create(other);

    const created = await t.api('POST', '/v1/schedules', {
      appId: t.appId,
      name: 'each minute',
      expression: 'rate(1 minute)',
      payload: { tick: true },
    });
    expect(created.status).toBe(201);

    const runs = await t.api('GET', `/v1/schedules/${created.body.id}/runs`);
    expect(runs.body.items).toHaveLength(1);
    expect(await stores.schedules.get('ten_other', other.id)).toMatchObject({ nextRunAt: other.nextRunAt, runCount: 0 });
    await driver.runUntil(() => receiver.on(t.path).length > 0);
    expect(receiver.on(t.path)[0].headers['punctual-schedule-id']).toBe(created.body.id);
    await stores.schedules.delete('ten_other', other.id);
  });

  it('creates what is published to the ingest topic as the API would; refusals go to the dead-letter queue with their code', async () => {
    const t = await tenant('ingest');
    const key = { 'x-api-key': t.key };
    await publish({ appId: t.appId, delaySeconds: 1, payload: { via: 'sns' }, idempotencyKey: 'sns-1' }, { ...key, route: 'messages' });
    // A publisher's retry: the idempotency key makes it the same message.
    await publish({ appId: t.appId, delaySeconds: 1, payload: { via: 'sns' }, idempotencyKey: 'sns-1' }, key);
    await publish(
      {
        items: [
          { appId: t.appId, delaySeconds: 1, payload: { n: 1 } },
          { appId: t.appId, payload: { n: 2 } },
        ],
      },
      {
        ...key,
        route: 'messages.batch',
      },
    );
    await publish({ appId: t.appId, name: 'published', expression: 'rate(1 hour)', payload: { tick: 1 } }, { ...key, route: 'schedules' });
    // Refused: an unknown key, a body the schema refuses (with a batch item the plan cannot take), a malformed body.
    await publish({ appId: t.appId, payload: {} }, { 'x-api-key': 'pk_unknown' });
    await publish({ payload: {} }, key);
    await publish('{"appId": ', key);
    expect(await drainIngest()).toBe(7);

    const listed = await t.api('GET', `/v1/messages?appId=${t.appId}`);
    const payloads = (listed.body.items as { payload: unknown; scheduleId?: string }[])
      .filter((m) => m.scheduleId === undefined)
      .map((m) => JSON.stringify(m.payload))
      .sort();
    expect(payloads).toEqual(['{"n":1}', '{"n":2}', '{"via":"sns"}']);
    expect((await t.api('GET', '/v1/schedules')).body.items).toMatchObject([{ name: 'published' }]);
    await driver.runUntil(() => receiver.on(t.path).filter((a) => a.body === '{"via":"sns"}').length === 1);

    const dead = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: ingest.dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const refusals = (dead.Messages ?? []).map((m) => ({
      error: m.MessageAttributes?.error?.StringValue,
      hasKey: m.MessageAttributes?.['x-api-key'] !== undefined,
      body: m.Body,
    }));
    expect(refusals.map((r) => r.error).sort()).toEqual(['invalid_json', 'invalid_request', 'unauthorized']);
    // The key is not copied into the dead-letter queue (operators read it); the body is, to fix and publish again.
    expect(refusals.every((r) => !r.hasKey)).toBe(true);
    expect(refusals.map((r) => r.body)).toContain('{"payload":{}}');
  });

  it('deletes a revoked key from API Gateway, which then refuses it', async () => {
    const t = await tenant('revoking');
    const made = await t.api('POST', '/v1/keys', { scope: 'control', name: 'temporary' });
    expect(made.status).toBe(201);
    const [gatewayKey] = (await c.apiGateway.send(new GetApiKeysCommand({ nameQuery: made.body.id }))).items!;
    expect(await driver.request('GET', '/v1/keys', { apiKey: made.body.key })).toMatchObject({ status: 200 });

    expect((await t.api('DELETE', `/v1/keys/${made.body.id}`)).status).toBe(204);

    // Deleted, not disabled: revoked keys would count against the 10,000 per region.
    await expect(c.apiGateway.send(new GetApiKeyCommand({ apiKey: gatewayKey.id! }))).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(await driver.request('GET', '/v1/keys', { apiKey: made.body.key })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
  });

  it('lists big payloads in pages that fit one Lambda response, and answers 413 for a body over 256 KiB', async () => {
    const t = await tenant('big');
    const sendAt = new Date(clock.now() + 3_600_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.api('POST', '/v1/messages', { appId: t.appId, sendAt, payload: { i, blob: 'x'.repeat(250 * 1024) } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const res = await t.api('GET', `/v1/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.lambda).length).toBeLessThan(lambdaResponseLimit);
      seen.push(...res.body.items.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(ids.sort());

    const tooBig = await driver.request('POST', '/v1/messages', {
      apiKey: t.key,
      rawBody: JSON.stringify({ appId: t.appId, payload: 'x'.repeat(257 * 1024) }),
    });
    expect(tooBig).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('checks in the handlers what API Gateway checked too: the operator’s token, our key, the body limit', async () => {
    // Sign-up invoked without its authorizer in front (the handler verifies the token itself).
    const signUp = await (createTenant as (e: APIGatewayProxyEvent, c: ApiContext) => Promise<APIGatewayProxyResult>)(
      apiGatewayEvent({
        route: routeOf('createTenant'),
        path: '/v1/tenants',
        headers: { authorization: 'Bearer forged', 'content-type': 'application/json' },
        query: null,
        params: null,
        body: '{"name":"Acme"}',
        requestId: 'direct',
        apiKeyId: null,
        sourceIp: '203.0.113.7',
      }),
      { awsRequestId: 'direct', functionName: 'tenantsCreate' } as ApiContext,
    );
    expect(signUp.statusCode).toBe(401);

    // A key API Gateway accepts (enabled, in a usage plan) that punctual never issued.
    const foreign = await c.apiGateway.send(
      new CreateApiKeyCommand({ name: 'not-ours', value: 'pk_not_issued_by_punctual_0123456789', enabled: true }),
    );
    await c.apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId: freePlanId, keyId: foreign.id!, keyType: 'API_KEY' }));
    expect(await driver.request('GET', '/v1/apps', { apiKey: 'pk_not_issued_by_punctual_0123456789' })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });

    // A batch whose every item is under the payload limit, in a request over the body limit.
    const t = await tenant('limits');
    const items = Array.from({ length: 3 }, () => ({ appId: t.appId, payload: 'x'.repeat(100 * 1024) }));
    expect(await t.api('POST', '/v1/messages/batch', { items })).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('runs every GET through a read-only function that writes nothing', () => {
    expect(readOnly.served).toBeGreaterThan(10);
    expect(readOnly.writes).toBe(0);
  });
});
