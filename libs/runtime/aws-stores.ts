import { ApiGatewayKeys, gatewayKeyTags } from '../apigateway/keys';
import { ApiGatewayRequests, tenantGatewayKeys, withGatewayRequests } from '../apigateway/usage';
import { UsagePlans } from '../apigateway/usage-plans';
import { systemClock } from '../domain/clock';
import { maxSqsDelaySeconds } from '../engine/eventbridge/buckets';
import { retentionMsOf, TenantPlanCache } from '../engine/plans';
import { createDynamoStores, type DynamoStores } from '../store/dynamodb';
import { DynamoGatewayKeyMap } from '../store/dynamodb/gateway-keys';
import type { KeyStore } from '../keys/port';
import type { UsageStore } from '../usage/port';
import type { AwsClients } from './aws-clients';
import type { AwsConfig } from './aws-config';

/** Where the AWS runtime keeps and mirrors its data. */
export interface AwsStores {
  /** What the services see: DynamoDB, with `GET /v1/usage` request counts from API Gateway. */
  stores: DynamoStores;
  /** The table's own usage counters (the metering aggregator writes these). */
  usageCounters: UsageStore;
  /** API Gateway key id → our key id (the key service resolves callers through it). */
  gatewayKeyMap: DynamoGatewayKeyMap;
  /** Mirrors issued and revoked keys onto API Gateway. */
  gatewayKeys: ApiGatewayKeys;
}

/** The key store of a read-only function: the same reads, and no `lastUsedAt` touch (it has no write permission). */
// A view inheriting every method from the store (so it follows the port as it grows), with `touch` a no-op.
const withoutTouches = (keys: KeyStore): KeyStore => Object.assign(Object.create(keys) as KeyStore, { touch: async () => undefined });

/** The DynamoDB stores, and the API Gateway side of keys and usage over one usage-plan lookup. */
export const createAwsStores = (config: AwsConfig, clients: Pick<AwsClients, 'documentClient' | 'apiGateway'>): AwsStores => {
  // Finished messages expire after their tenant's plan's retention (TTL set when they are written).
  const tenantPlans = (): TenantPlanCache => plansOfTenants;
  const stores = createDynamoStores({
    client: clients.documentClient,
    tableName: config.tableName,
    retentionMs: async (tenantId) => retentionMsOf(await tenantPlans().get(tenantId)),
    // A message due within SQS's longest delay needs no due-index entry: the table stream hands it to SQS
    // (functions/engine/handoff) and retries until SQS has it. Later ones wait for their minute bucket's wake-up, which reads the index.
    dueEntryBeyondMs: maxSqsDelaySeconds * 1000,
  });
  const plansOfTenants = new TenantPlanCache(stores.tenants, config.plans, systemClock);
  const usagePlans = new UsagePlans({
    client: clients.apiGateway,
    usagePlanName: (plan) => `${config.usagePlanPrefix}${plan}${config.usagePlanSuffix}`,
  });
  // GET /v1/usage: counters from the table (the stream aggregator writes them), requests from API Gateway, which meters every keyed call.
  const gatewayKeyMap = new DynamoGatewayKeyMap(clients.documentClient, config.tableName);
  const requests = new ApiGatewayRequests({
    client: clients.apiGateway,
    usagePlans,
    plans: Object.keys(config.plans),
    tenantKeys: tenantGatewayKeys(stores.keys, gatewayKeyMap),
  });
  return {
    stores: {
      ...stores,
      ...(config.readOnly ? { keys: withoutTouches(stores.keys) } : {}),
      usage: withGatewayRequests(stores.usage, requests),
    },
    usageCounters: stores.usage,
    gatewayKeyMap,
    gatewayKeys: new ApiGatewayKeys({ client: clients.apiGateway, map: gatewayKeyMap, usagePlans, tags: gatewayKeyTags(config.stackName) }),
  };
};
