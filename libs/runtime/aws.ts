import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppService } from '../apps/service';
import { assertTargetUrl } from '../delivery/ssrf';
import { systemClock, type Clock } from '../domain/clock';
import type { Engine } from '../engine/port';
import { ApiGatewayKeys } from '../keys/apigateway';
import type { KeyStore } from '../keys/port';
import { KeyService } from '../keys/service';
import { MessageService } from '../messages/service';
import { defaultPlanName, isPlanAtMost } from '../plans/catalogue';
import { ScheduleService } from '../schedules/service';
import { createDynamoStores } from '../store/dynamodb';
import { DynamoGatewayKeyMap } from '../store/dynamodb/gateway-keys';
import { cognitoIdTokenVerifier, cognitoOperatorAuth, type IdTokenVerifier } from '../tenancy/cognito';
import { TenantService } from '../tenancy/service';
import { PlanLimiter } from '../usage/limiter';
import { UsageService } from '../usage/service';
import type { AwsConfig } from './aws-config';
import { createLogger, type Logger } from './logger';
import type { Services } from './services';
import { version } from './version';

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
  const plans = config.plans;
  const planNames = () => Object.keys(plans);

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

  const limiter = new PlanLimiter({ plans, usage: stores.usage, messages: stores.messages, clock });
  const engine = overrides.engine ?? storeOnlyEngine;
  const keys = new KeyService({
    keys: keyStore,
    apps: stores.apps,
    clock,
    planNames,
    isPlanAtMost: (plan, than) => isPlanAtMost(plans, plan, than),
    onIssued: (key, value) => gatewayKeys.issued(key, value),
    onRevoked: (key) => gatewayKeys.revoked(key),
  });
  const messages = new MessageService({
    messages: stores.messages,
    apps: stores.apps,
    engine,
    clock,
    admit: (p, count) => limiter.admitMessages(p, count),
  });
  const schedules = new ScheduleService({
    schedules: stores.schedules,
    apps: stores.apps,
    messages: stores.messages,
    runs: messages,
    clock,
    admit: (p, count) => limiter.admitMessages(p, count),
  });
  const verifier = overrides.verifier ?? cognitoIdTokenVerifier({ userPoolId: config.userPoolId, clientId: config.userPoolClientId });
  const services: Services = {
    tenants: new TenantService({ tenants: stores.tenants, keys, clock, planNames, defaultPlan: defaultPlanName }),
    apps: new AppService({
      apps: stores.apps,
      messages: stores.messages,
      clock,
      // Hosted for others: private, loopback, link-local and metadata targets are always refused on AWS.
      checkTargetUrl: (url) => assertTargetUrl(url, { allowPrivateTargets: false }),
      onDeleted: (tenantId, appId) => schedules.onAppDeleted(tenantId, appId),
    }),
    keys,
    messages,
    schedules,
    usage: new UsageService({ usage: stores.usage, keys: stores.keys, clock }),
    operator: cognitoOperatorAuth(verifier),
    logger,
    clock,
    version,
  };
  return {
    services,
    close: async () => {
      if (!overrides.apiGateway) apiGateway.destroy();
      dynamo?.destroy();
    },
  };
};
