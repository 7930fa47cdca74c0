/**
 * The AWS composition root on dynalite, API Gateway mocked: a tenant's control key becomes an API Gateway
 * key, and a handler invoked as Lambda does (no in-process services, only `requestContext.identity.apiKeyId`)
 * resolves it through the registered runtime.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler as createKey } from '../../functions/api/keys/create/handler';
import { handler as createBatch } from '../../functions/api/messages/batch/handler';
import { handler as createMessage } from '../../functions/api/messages/create/handler';
import { handler as revokeKey } from '../../functions/api/keys/revoke/handler';
import { handler as createTenant } from '../../functions/api/tenants/create/handler';
import type { ApiContext } from '../http/api';
import { registerContainer } from '../lambda/container';
import { useDynalite } from '../../test/support/dynalite';
import { createAwsRuntime, type AwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';

const gw = mockClient(APIGatewayClient);
const db = useDynalite();
let runtime: AwsRuntime;
let gatewayIds = 0;

const env = (tableName: string) => ({
  PUNCTUAL_TABLE_NAME: tableName,
  PUNCTUAL_DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/punctual-test-delivery',
  PUNCTUAL_SCHEDULE_GROUP: 'punctual-test',
  PUNCTUAL_DELIVERY_DLQ_ARN: 'arn:aws:sqs:us-east-1:1:punctual-test-delivery-dlq',
  PUNCTUAL_WAKE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:1:function:punctual-test-engineWake',
  PUNCTUAL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/scheduler',
  PUNCTUAL_USER_POOL_ID: 'us-east-1_Pool',
  PUNCTUAL_STACK: 'punctual-test',
  PUNCTUAL_USER_POOL_CLIENT_ID: 'client',
  PUNCTUAL_USAGE_PLAN_PREFIX: 'punctual-',
  PUNCTUAL_USAGE_PLAN_SUFFIX: '-test',
  PUNCTUAL_LOG_LEVEL: 'silent',
});

const event = (over: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({
    headers: {},
    body: null,
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { identity: {} },
    resource: '/',
    ...over,
  }) as unknown as APIGatewayProxyEvent;
const invoke = (h: unknown, e: APIGatewayProxyEvent) =>
  (h as (e: APIGatewayProxyEvent, c: ApiContext) => Promise<APIGatewayProxyResult>)(e, {} as ApiContext);

beforeAll(async () => {
  const tableName = await db.createTable();
  runtime = createAwsRuntime(loadAwsConfig(env(tableName)), {
    documentClient: db.client,
    apiGateway: new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    verifier: { verify: async (token) => (token === 'good-id-token' ? { sub: 'operator-sub' } : Promise.reject(new Error('invalid'))) },
  });
  registerContainer(async () => runtime);
});

afterAll(async () => {
  await runtime.close();
});

beforeEach(() => {
  gw.reset();
  gw.on(GetUsagePlansCommand).resolves({
    items: [
      { id: 'up-free', name: 'punctual-free-test' },
      { id: 'up-pro', name: 'punctual-pro-test' },
    ],
  });
  gw.on(CreateApiKeyCommand).callsFake(async () => ({ id: `gw-${++gatewayIds}` }));
  gw.on(CreateUsagePlanKeyCommand).resolves({});
});

describe('createAwsRuntime', () => {
  it('refuses POST /v1/tenants without a valid Cognito ID token', async () => {
    const res = await invoke(
      createTenant,
      event({
        httpMethod: 'POST',
        headers: { authorization: 'Bearer forged', 'content-type': 'application/json' },
        body: '{"name":"Acme"}',
      }),
    );
    expect(res.statusCode).toBe(401);
  });

  it('creates a tenant whose control key is an API Gateway key on its plan, usable through apiKeyId', async () => {
    const res = await invoke(
      createTenant,
      event({
        httpMethod: 'POST',
        headers: { authorization: 'Bearer good-id-token', 'content-type': 'application/json' },
        body: '{"name":"Acme"}',
      }),
    );
    expect(res.statusCode).toBe(201);
    const tenant = JSON.parse(res.body);
    expect(gw).toHaveReceivedCommandWith(CreateApiKeyCommand, {
      name: tenant.controlKey.id,
      value: tenant.controlKey.key,
      customerId: tenant.id,
      enabled: true,
      tags: { 'punctual:stack': 'punctual-test' },
    });
    expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-free', keyType: 'API_KEY' });
    const gatewayKeyId = `gw-${gatewayIds}`;

    // As API Gateway would call it: only its own key id in the request context.
    const created = await invoke(
      createKey,
      event({
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"scope":"control","name":"ci"}',
        requestContext: { identity: { apiKeyId: gatewayKeyId } } as never,
      }),
    );
    expect(created.statusCode).toBe(201);
    const key = JSON.parse(created.body);

    gw.on(DeleteApiKeyCommand).resolves({});
    const revoked = await invoke(
      revokeKey,
      event({ httpMethod: 'DELETE', pathParameters: { keyId: key.id }, requestContext: { identity: { apiKeyId: gatewayKeyId } } as never }),
    );
    expect(revoked.statusCode).toBe(204);
    // Deleted (which also detaches it from its usage plan), found through the table rather than a listing of API Gateway's keys.
    expect(gw).toHaveReceivedCommandWith(DeleteApiKeyCommand, { apiKey: `gw-${gatewayIds}` });
    expect(gw).not.toHaveReceivedCommand(UpdateApiKeyCommand);
  });

  it('answers 401 for an API Gateway key it does not know', async () => {
    const res = await invoke(
      createKey,
      event({
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"scope":"control"}',
        requestContext: { identity: { apiKeyId: 'gw-unknown' } } as never,
      }),
    );
    expect(res.statusCode).toBe(401);
  });

  it('answers 413 on the Lambda path for a body over 256 KiB, as the embedded gateway does (API Gateway passes up to 10 MB)', async () => {
    const big = (items: number, bytes: number) =>
      JSON.stringify({ items: Array.from({ length: items }, () => ({ payload: 'x'.repeat(bytes) })) });
    for (const [h, body] of [
      [createMessage, JSON.stringify({ payload: 'x'.repeat(300 * 1024) })],
      // Each item is under the payload limit; the request is not.
      [createBatch, big(3, 100 * 1024)],
    ] as const) {
      const res = await invoke(
        h,
        event({ httpMethod: 'POST', headers: { 'content-type': 'application/json' }, body, requestContext: { identity: {} } as never }),
      );
      expect(res.statusCode).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'payload_too_large' });
    }
  });
});
