import { WebhookClient } from '../delivery/webhook';
import type { Clock } from '../domain/clock';
import type { Deliver } from '../engine/attempt';
import type { Hold } from '../engine/port';
import { EventBridgeEngine } from '../engine/eventbridge/engine';
import { AwsEngineWorker, type AwsEngineWorkerOptions } from '../engine/eventbridge/worker';
import type { DeliveryMetrics } from '../engine/metrics';
import type { Logger } from '../observability/logger';
import { Materializer, type MaterializerDeps } from '../schedules/materializer';
import { misfireVet } from '../schedules/misfire';
import type { DynamoStores } from '../store/dynamodb';
import type { AwsClients } from './aws-clients';
import type { AwsConfig } from './aws-config';
import type { PlanCatalogue } from '../plans/catalogue';

/**
 * How far ahead schedule occurrences become messages on AWS: past the sweep function's one-minute
 * period plus its lateness, so each run is in SQS (with its delay) before it is due.
 */
export const awsMaterializerHorizonMs = 150_000;

/** The queue side of the AWS engine, which the services schedule messages through: EventBridge Scheduler buckets and SQS. */
export const createAwsQueue = (config: AwsConfig, clients: Pick<AwsClients, 'sqs' | 'scheduler'>, clock: Clock): EventBridgeEngine =>
  new EventBridgeEngine({
    sqs: clients.sqs,
    scheduler: clients.scheduler,
    clock,
    queueUrl: config.deliveryQueueUrl,
    wakeFunctionArn: config.wakeFunctionArn,
    deadLetterArn: config.deliveryDeadLetterArn,
    groupName: config.scheduleGroup,
    roleArn: config.schedulerRoleArn,
  });

/** What the engine functions' parts are built from. */
export interface AwsEngineDeps {
  queue: EventBridgeEngine;
  stores: DynamoStores;
  /** Stores schedule runs as messages (the message service). */
  runs: MaterializerDeps['runs'];
  clock: Clock;
  logger: Logger;
  metrics: DeliveryMetrics;
  /** Webhook targets may be private addresses (tests only: a deployed stage refuses them). */
  allowPrivateTargets: boolean;
  /** The plan catalogue: each tenant's delivery share and attempts per minute (counted in the table). */
  plans?: PlanCatalogue;
  /** The operator's delivery limits (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`, `PUNCTUAL_APP_DISABLE_AFTER_DAYS`). */
  limits?: Pick<AwsConfig, 'tenantAttemptsPerMinute' | 'appDisableAfterDays'>;
  /** Replaces the webhook client (the engine then owns none). */
  deliver?: Deliver;
  worker?: Partial<AwsEngineWorkerOptions>;
  /** Whether a claimed message must wait unattempted (its tenant is suspended). */
  hold?: Hold;
  /** Admits materialised schedule runs against the tenants' plans (see `MaterializerDeps.admitRuns`). */
  admitRuns?: MaterializerDeps['admitRuns'];
}

/** The engine functions' parts. */
export interface AwsEngine {
  /** Wakes buckets, handles delivery-queue records, sweeps (wake, deliver and sweep functions). */
  worker: AwsEngineWorker;
  /** Turns due schedule occurrences into messages (sweep function; API functions after a schedule change). */
  materializer: Materializer;
  /** Stops the materialiser and closes the webhook pool. */
  close(): Promise<void>;
}

/** The worker and the materialiser, delivering through one webhook pool per container. */
export const createAwsEngine = (d: AwsEngineDeps): AwsEngine => {
  const webhook = d.deliver ? undefined : new WebhookClient({ allowPrivateTargets: d.allowPrivateTargets });
  const deliver: Deliver = d.deliver ?? ((req, signal) => webhook!.deliver(req, signal));
  const { stores, clock, logger } = d;
  const materializer = new Materializer(
    {
      schedules: stores.schedules,
      messages: stores.messages,
      runs: d.runs,
      clock,
      logger,
      ...(d.admitRuns ? { admitRuns: d.admitRuns } : {}),
    },
    { horizonMs: awsMaterializerHorizonMs },
  );
  const worker = new AwsEngineWorker(
    {
      messages: stores.messages,
      due: stores.messages,
      apps: stores.apps,
      queue: d.queue,
      deliver,
      clock,
      logger,
      vet: misfireVet(stores.schedules),
      ...(d.hold ? { hold: d.hold } : {}),
      metrics: d.metrics,
      tenants: stores.tenants,
      counters: stores.counters,
      ...(d.plans ? { plans: d.plans } : {}),
    },
    {
      ...(d.limits?.tenantAttemptsPerMinute ? { tenantAttemptsPerMinute: d.limits.tenantAttemptsPerMinute } : {}),
      ...(d.limits ? { breaker: { disableAfterMs: d.limits.appDisableAfterDays * 86_400_000 } } : {}),
      ...d.worker,
    },
  );
  return {
    worker,
    materializer,
    close: async () => {
      await materializer.close();
      await webhook?.close();
    },
  };
};
