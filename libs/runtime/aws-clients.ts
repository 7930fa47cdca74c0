import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsConfig } from './aws-config';

/** The AWS SDK clients of a container. */
export interface AwsClients {
  documentClient: DynamoDBDocumentClient;
  apiGateway: APIGatewayClient;
  sqs: SQSClient;
  scheduler: SchedulerClient;
  /** Wraps and unwraps the data keys that seal apps' secrets (libs/secrets/kms.ts). */
  kms: KMSClient;
  /** Destroys the clients built here (not those given). */
  close(): void;
}

/**
 * Retries of every client, done by the SDK: `adaptive` retries throttling with backoff and also slows
 * the client's own sending while it is throttled.
 */
export const clientRetry = {
  retryMode: 'adaptive',
  /** @default 3 (the SDK's) */
  maxAttempts: 3,
  /** API Gateway's control plane (keys, usage plans, GetUsage) allows a few requests per second per account. @default 5 */
  apiGatewayMaxAttempts: 5,
} as const;

/**
 * The one place the runtime builds AWS SDK clients: retries as above, and `config.endpoint` (an
 * emulator) for every client when set. Without it the SDK resolves endpoints itself, so
 * `AWS_ENDPOINT_URL` keeps working. Clients in `given` (tests: dynalite, stand-ins) are used as they are.
 */
export const createAwsClients = (config: Pick<AwsConfig, 'endpoint'>, given: Partial<Omit<AwsClients, 'close'>> = {}): AwsClients => {
  const settings = {
    retryMode: clientRetry.retryMode,
    maxAttempts: clientRetry.maxAttempts,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  };
  const built: { destroy(): void }[] = [];
  const own = <C extends { destroy(): void }>(client: C): C => {
    built.push(client);
    return client;
  };
  return {
    documentClient: given.documentClient ?? DynamoDBDocumentClient.from(own(new DynamoDBClient(settings))),
    apiGateway: given.apiGateway ?? own(new APIGatewayClient({ ...settings, maxAttempts: clientRetry.apiGatewayMaxAttempts })),
    sqs: given.sqs ?? own(new SQSClient(settings)),
    scheduler: given.scheduler ?? own(new SchedulerClient(settings)),
    kms: given.kms ?? own(new KMSClient(settings)),
    close: () => {
      for (const client of built) client.destroy();
    },
  };
};
