import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IngestService } from '../ingest/service';
import { type DeadLetters, SqsDeadLetters } from '../ingest/sqs';
import { utcDate } from '../usage/limits';
import { zeroCounters } from '../usage/model';
import { cognitoIdTokenVerifier, cognitoOperatorAuth, type IdTokenVerifier } from '../cognito/operator';
import { systemClock, type Clock } from '../domain/clock';
import type { TargetPolicyOptions } from '../delivery/targets/policy';
import type { Deliver } from '../engine/attempt';
import type { AwsEngineWorkerOptions } from '../engine/eventbridge/worker';
import type { DeliveryMetrics } from '../engine/metrics';
import type { Engine } from '../engine/port';
import type { LambdaContainer } from '../lambda/container';
import type { Logger } from '../observability/logger';
import { createPowertoolsLogger, PowertoolsDeliveryMetrics } from '../observability/powertools';
import type { Materializer } from '../schedules/materializer';
import { KmsSecretBox } from '../secrets/kms';
import type { SecretBox } from '../secrets/port';
import { createAwsClients } from './aws-clients';
import type { AwsConfig } from './aws-config';
import { createAwsEngine, createAwsQueue } from './aws-engine';
import { createAwsStores } from './aws-stores';
import { buildServices } from './wire';

/** A Lambda container's wiring: what its handlers get (libs/lambda/container.ts), and how to close it. */
export interface AwsRuntime extends LambdaContainer {
  /** Destroys the SDK clients and the webhook pool (tests; Lambda just freezes the container). */
  close(): Promise<void>;
}

/** Without a dead-letter queue configured (every function but the ingest one), a refusal has nowhere to go. */
const noDeadLetters: DeadLetters = {
  send: async () => {
    throw new Error('PUNCTUAL_INGEST_DLQ_URL is not set: only the ingest function dead-letters refused messages');
  },
};

/** Test seams: clients pointed at dynalite, mocks or stand-ins, a fake clock, a verifier with cached JWKS. */
export interface AwsOverrides {
  /** A document client (e.g. on dynalite); the runtime then owns no DynamoDB client. */
  documentClient?: DynamoDBDocumentClient;
  apiGateway?: APIGatewayClient;
  sqs?: SQSClient;
  scheduler?: SchedulerClient;
  kms?: KMSClient;
  /** Replaces the KMS secret box (tests without KMS: an AES box). */
  secrets?: SecretBox;
  clock?: Clock;
  logger?: Logger;
  metrics?: DeliveryMetrics;
  verifier?: IdTokenVerifier;
  /** Replaces every target sender (the runtime then owns none). */
  deliver?: Deliver;
  /** Tests only: lets webhooks reach a receiver on 127.0.0.1 (a deployed stage always refuses private targets). */
  allowPrivateTargets?: boolean;
  worker?: Partial<AwsEngineWorkerOptions>;
}

/**
 * The services' engine on AWS takes nothing itself: every message entering `scheduled` (created, redriven, retried,
 * released) reaches the queue through the table stream's hand-off (functions/engine/handoff), which retries until SQS
 * or Scheduler has it. So a write needs no send of its own, and a crash after a 201 loses nothing.
 */
const handedOffByStream: Engine = { enqueue: async () => undefined };

/** How long a warm container trusts a key it read: a revocation elsewhere is refused here within this. */
export const awsKeyCacheMs = 5_000;

/** How long after a tenant's resumption its held messages are due: past the tenant cache's 1 s in other warm containers. */
export const awsReleaseDelayMs = 2_000;

/**
 * The AWS composition root: clients (aws-clients.ts), DynamoDB stores with API Gateway keys and usage
 * (aws-stores.ts), the SQS + Scheduler engine (aws-engine.ts), Cognito operators; same services as local.ts.
 */
export const createAwsRuntime = (config: AwsConfig, overrides: AwsOverrides = {}): AwsRuntime => {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPowertoolsLogger(config.logLevel);
  const metrics = overrides.metrics ?? new PowertoolsDeliveryMetrics(config.stackName);
  // Hosted for others: private, loopback, link-local and metadata targets are always refused on AWS.
  const allowPrivateTargets = overrides.allowPrivateTargets ?? false;
  const clients = createAwsClients(config, overrides);
  const { stores, usageCounters, gatewayKeyMap, gatewayKeys } = createAwsStores(config, clients);
  const queue = createAwsQueue(config, clients, clock);
  const verifier = overrides.verifier ?? cognitoIdTokenVerifier({ userPoolId: config.userPoolId, clientId: config.userPoolClientId });
  // Envelope encryption: one KMS data key per container seals; deliveries unwrap each data key once.
  const secrets = overrides.secrets ?? new KmsSecretBox({ client: clients.kms, keyId: config.secretsKmsKeyId });
  const targets: TargetPolicyOptions = {
    allowPrivateTargets,
    // SES is always there; what may be missing is a sender.
    email: { ...(config.emailFrom ? { defaultFrom: config.emailFrom } : {}) },
    ...(config.endpoint ? { awsEndpoint: config.endpoint } : {}),
    ownAccount: { accountId: config.accountId, allowlist: config.targetAccountAllowlist },
  };

  let materializer: Materializer | undefined;
  const { services, limiter, directory } = buildServices({
    stores,
    plans: config.plans,
    clock,
    logger,
    engine: handedOffByStream,
    operator: cognitoOperatorAuth(verifier),
    targets,
    secrets,
    // API Gateway hands the handler its own key id; the key service resolves it to ours.
    gatewayKeys: gatewayKeyMap,
    onKeyIssued: (key, value) => gatewayKeys.issued(key, value),
    onKeyRevoked: (key) => gatewayKeys.revoked(key),
    onKeyReplanned: (key, plan) => gatewayKeys.replanned(key, plan),
    // The held messages go back at once (the stream hands them over), due a little later than the tenant caches of other
    // warm containers live, so none of them holds one again on a stale read.
    onTenantResumed: async (tenantId) => {
      const now = clock.now();
      await stores.messages.releaseHeld(tenantId, now + awsReleaseDelayMs, now);
    },
    keyCacheMs: awsKeyCacheMs,
    // The changed schedule's first run is materialised before the response (that schedule only: an API call never
    // sweeps every tenant's); a failure here is caught up by the sweep function.
    nudgeSchedules: (schedule) =>
      materializer!.materialiseOne(schedule).then(
        () => undefined,
        (err: unknown) => logger.error('could not materialise schedule runs now; the sweep function will', { err }),
      ),
  });
  const engine = createAwsEngine({
    queue,
    stores,
    runs: services.messages,
    clock,
    logger,
    metrics,
    targets,
    secrets,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    hold: (m) => directory.isSuspended(m.tenantId),
    admitRuns: (runs) => limiter.admitRuns(runs),
    plans: config.plans,
    limits: config,
    ...(config.emailFrom ? { emailFrom: config.emailFrom } : {}),
    ...(overrides.deliver ? { deliver: overrides.deliver } : {}),
    ...(overrides.worker ? { worker: overrides.worker } : {}),
  });
  materializer = engine.materializer;
  return {
    services,
    engine: engine.worker,
    handoff: queue,
    materializer,
    logger,
    metrics,
    usage: usageCounters,
    runStats: stores.schedules,
    pendingCounters: stores.pendingCounters,
    ingest: {
      // No API Gateway in front: the plan's throttle and quota are the limiter's (per container), and the request is
      // counted in the table's usage row, which GET /v1/usage adds to API Gateway's count.
      service: new IngestService({
        services,
        admit: async (p) => {
          await limiter.admitRequest({ id: p.keyId, tenantId: p.tenantId, plan: p.plan });
          const row = { tenantId: p.tenantId, keyId: p.keyId, date: utcDate(clock.now()), ...zeroCounters(), requests: 1 };
          await usageCounters.increment([row]);
        },
      }),
      deadLetters: config.ingestDeadLetterUrl ? new SqsDeadLetters(clients.sqs, config.ingestDeadLetterUrl) : noDeadLetters,
    },
    close: async () => {
      await engine.close();
      clients.close();
    },
  };
};
