import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../domain/clock';
import type { Engine } from '../engine/port';
import { ApiGatewayKeys } from '../keys/apigateway';
import type { KeyStore } from '../keys/port';
import { createDynamoStores } from '../store/dynamodb';
import { DynamoGatewayKeyMap } from '../store/dynamodb/gateway-keys';
import { cognitoIdTokenVerifier, cognitoOperatorAuth, type IdTokenVerifier } from '../tenancy/cognito';
import type { AwsConfig } from './aws-config';
import { createLogger, type Logger } from './logger';
import type { Services } from './services';
import { buildServices } from './wire';

/** A Lambda container's wiring. */
export interface AwsRuntime {
  services: Services;
  /** Destroys the SDK clients (tests; Lambda just freezes the container). */
  close(): Promise<void>;
}

/** Test seams: clients pointed at dynalite or mocks, a fake clock, a verifier with cached JWKS, an engine. */
export interface AwsOverrides {
  /** A document client (e.g. on dynalite); the runtime then owns no DynamoDB client. */
  documentClient?: DynamoDBDocumentClient;
  apiGateway?: APIGatewayClient;
  clock?: Clock;
  logger?: Logger;
  verifier?: IdTokenVerifier;
  engine?: Engine;
}

/**
 * Seam: the AWS engine adapter exists (libs/engine/eventbridge.ts, `EventBridgeEngine`), but the functions
 * that consume the release queue (`functions/engine/{arm,release}`) do not yet, so it is not wired: enqueuing
 * to a queue nobody reads would only age messages out of SQS. Until then messages are accepted and stored
 * (the store is the truth, Engine port contract) and the engine, once deployed, finds them on the `due` index.
 * To wire it: pass `new EventBridgeEngine({ sqs, scheduler, clock, ...config })` here (needs the queue and DLQ ARNs in AwsConfig).
 */
const storeOnlyEngine: Engine = { enqueue: async () => undefined };

/** The AWS composition root: DynamoDB stores, API Gateway keys, Cognito operators; same services as local.ts. */
export const createAwsRuntime = (config: AwsConfig, overrides: AwsOverrides = {}): AwsRuntime => {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const dynamo = overrides.documentClient ? undefined : new DynamoDBClient({});
  const doc = overrides.documentClient ?? DynamoDBDocumentClient.from(dynamo!);
  const apiGateway = overrides.apiGateway ?? new APIGatewayClient({});
  const stores = createDynamoStores({ client: doc, tableName: config.tableName });
  const gatewayKeyMap = new DynamoGatewayKeyMap(doc, config.tableName);
  const gatewayKeys = new ApiGatewayKeys({
    client: apiGateway,
    map: gatewayKeyMap,
    usagePlanName: (plan) => `${config.usagePlanPrefix}${plan}${config.usagePlanSuffix}`,
  });
  // API Gateway hands the handler its own key id; resolve it to ours before the store lookup.
  const keyStore: KeyStore = {
    create: (k) => stores.keys.create(k),
    getByHash: (h) => stores.keys.getByHash(h),
    get: (t, id) => stores.keys.get(t, id),
    list: (t, page) => stores.keys.list(t, page),
    revoke: (t, id, at) => stores.keys.revoke(t, id, at),
    touch: (id, at) => stores.keys.touch(id, at),
    getById: async (id) => stores.keys.getById((await gatewayKeyMap.keyIdOf(id)) ?? id),
  };

  const verifier = overrides.verifier ?? cognitoIdTokenVerifier({ userPoolId: config.userPoolId, clientId: config.userPoolClientId });
  const { services } = buildServices({
    stores,
    plans: config.plans,
    clock,
    logger,
    engine: overrides.engine ?? storeOnlyEngine,
    operator: cognitoOperatorAuth(verifier),
    // Hosted for others: private, loopback, link-local and metadata targets are always refused on AWS.
    allowPrivateTargets: false,
    keyStore,
    onKeyIssued: (key, value) => gatewayKeys.issued(key, value),
    onKeyRevoked: (key) => gatewayKeys.revoked(key),
  });
  return {
    services,
    close: async () => {
      if (!overrides.apiGateway) apiGateway.destroy();
      dynamo?.destroy();
    },
  };
};
