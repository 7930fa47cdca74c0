import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { WebhookClient } from '../delivery/webhook';
import { systemClock, type Clock } from '../domain/clock';
import type { Deliver } from '../engine/attempt';
import { AwsEngineWorker, type AwsEngineWorkerOptions } from '../engine/eventbridge/worker';
import { EventBridgeEngine } from '../engine/eventbridge/engine';
import { Materializer } from '../schedules/materializer';
import { misfireVet } from '../schedules/misfire';
import type { DeliveryMetrics } from '../engine/metrics';
import { ApiGatewayKeys } from '../apigateway/keys';
import { createDynamoStores } from '../store/dynamodb';
import { DynamoGatewayKeyMap } from '../store/dynamodb/gateway-keys';
import { cognitoIdTokenVerifier, cognitoOperatorAuth, type IdTokenVerifier } from '../cognito/operator';
import { ApiGatewayRequests, withGatewayRequests } from '../apigateway/usage';
import type { AwsConfig } from './aws-config';
import type { Logger } from '../observability/logger';
import { createPowertoolsLogger, PowertoolsDeliveryMetrics } from '../observability/powertools';
import type { LambdaContainer } from '../lambda/container';
import { buildServices } from './wire';

/** A Lambda container's wiring: what its handlers get (libs/lambda/container.ts), and how to close it. */
export interface AwsRuntime extends LambdaContainer {
  /** Destroys the SDK clients and the webhook pool (tests; Lambda just freezes the container). */
  close(): Promise<void>;
}

/** Test seams: clients pointed at dynalite, mocks or stand-ins, a fake clock, a verifier with cached JWKS. */
export interface AwsOverrides {
  /** A document client (e.g. on dynalite); the runtime then owns no DynamoDB client. */
  documentClient?: DynamoDBDocumentClient;
  apiGateway?: APIGatewayClient;
  sqs?: SQSClient;
  scheduler?: SchedulerClient;
  clock?: Clock;
  logger?: Logger;
  metrics?: DeliveryMetrics;
  verifier?: IdTokenVerifier;
  /** Replaces the webhook client (the runtime then owns none). */
  deliver?: Deliver;
  /** Tests only: lets webhooks reach a receiver on 127.0.0.1 (a deployed stage always refuses private targets). */
  allowPrivateTargets?: boolean;
  worker?: Partial<AwsEngineWorkerOptions>;
}

/** How long a warm container trusts a key it read: a revocation elsewhere is refused here within this. */
export const awsKeyCacheMs = 5_000;

/**
 * How far ahead schedule occurrences become messages on AWS: past the sweep function's one-minute
 * period plus its lateness, so each run is in SQS (with its delay) before it is due.
 */
export const awsMaterializerHorizonMs = 150_000;

/** The AWS composition root: DynamoDB stores, SQS + Scheduler engine, API Gateway keys, Cognito operators; same services as local.ts. */
export const createAwsRuntime = (config: AwsConfig, overrides: AwsOverrides = {}): AwsRuntime => {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPowertoolsLogger(config.logLevel);
  const metrics = overrides.metrics ?? new PowertoolsDeliveryMetrics();
  const dynamo = overrides.documentClient ? undefined : new DynamoDBClient({});
  const doc = overrides.documentClient ?? DynamoDBDocumentClient.from(dynamo!);
  const apiGateway = overrides.apiGateway ?? new APIGatewayClient({});
  const sqs = overrides.sqs ?? new SQSClient({});
  const scheduler = overrides.scheduler ?? new SchedulerClient({});
  const allowPrivateTargets = overrides.allowPrivateTargets ?? false;
  const webhook = overrides.deliver ? undefined : new WebhookClient({ allowPrivateTargets });
  const deliver: Deliver = overrides.deliver ?? ((req) => webhook!.deliver(req));
  const stores = createDynamoStores({ client: doc, tableName: config.tableName });
  const usagePlanName = (plan: string) => `${config.usagePlanPrefix}${plan}${config.usagePlanSuffix}`;
  // GET /v1/usage: counters from the table (the stream aggregator writes them), requests from API Gateway, which meters every keyed call.
  const gatewayRequests = new ApiGatewayRequests({ client: apiGateway, usagePlanName, plans: Object.keys(config.plans) });
  const gatewayKeyMap = new DynamoGatewayKeyMap(doc, config.tableName);
  const gatewayKeys = new ApiGatewayKeys({
    client: apiGateway,
    map: gatewayKeyMap,
    usagePlanName,
  });
  const queue = new EventBridgeEngine({
    sqs,
    scheduler,
    clock,
    queueUrl: config.deliveryQueueUrl,
    wakeFunctionArn: config.wakeFunctionArn,
    deadLetterArn: config.deliveryDeadLetterArn,
    groupName: config.scheduleGroup,
    roleArn: config.schedulerRoleArn,
  });

  const verifier = overrides.verifier ?? cognitoIdTokenVerifier({ userPoolId: config.userPoolId, clientId: config.userPoolClientId });
  let materializer: Materializer | undefined;
  const { services } = buildServices({
    stores: { ...stores, usage: withGatewayRequests(stores.usage, gatewayRequests) },
    plans: config.plans,
    clock,
    logger,
    engine: queue,
    operator: cognitoOperatorAuth(verifier),
    // Hosted for others: private, loopback, link-local and metadata targets are always refused on AWS.
    allowPrivateTargets,
    // API Gateway hands the handler its own key id; the key service resolves it to ours.
    gatewayKeys: gatewayKeyMap,
    onKeyIssued: (key, value) => gatewayKeys.issued(key, value),
    onKeyRevoked: (key) => gatewayKeys.revoked(key),
    keyCacheMs: awsKeyCacheMs,
    // A schedule's first runs are materialised before the response; a failure here is caught up by the sweep function.
    nudgeSchedules: () =>
      materializer!.tick().then(
        () => undefined,
        (err: unknown) => logger.error('could not materialise schedule runs now; the sweep function will', { err }),
      ),
  });
  materializer = new Materializer(
    { schedules: stores.schedules, messages: stores.messages, runs: services.messages, clock, logger },
    { horizonMs: awsMaterializerHorizonMs },
  );
  const engine = new AwsEngineWorker(
    {
      messages: stores.messages,
      due: stores.messages,
      apps: stores.apps,
      queue,
      deliver,
      clock,
      logger,
      vet: misfireVet(stores.schedules),
      metrics,
    },
    overrides.worker,
  );
  return {
    services,
    engine,
    materializer,
    logger,
    metrics,
    usage: stores.usage,
    close: async () => {
      await materializer!.close();
      await webhook?.close();
      if (!overrides.apiGateway) apiGateway.destroy();
      if (!overrides.sqs) sqs.destroy();
      if (!overrides.scheduler) scheduler.destroy();
      dynamo?.destroy();
    },
  };
};
