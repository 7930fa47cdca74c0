import { openedApps } from '../apps/secrets';
import { AwsTargetClients } from '../delivery/targets/aws-clients';
import { EmailSender, scheduleNames } from '../delivery/targets/email';
import type { TargetPolicyOptions } from '../delivery/targets/policy';
import { routeDelivery } from '../delivery/targets/router';
import { SesMailer } from '../delivery/targets/ses';
import { WebhookClient } from '../delivery/webhook';
import type { Clock } from '../domain/clock';
import type { Deliver } from '../engine/attempt';
import type { Hold } from '../engine/port';
import { EventBridgeEngine } from '../engine/eventbridge/engine';
import { AwsEngineWorker, type AwsEngineWorkerOptions } from '../engine/eventbridge/worker';
import type { DeliveryMetrics } from '../engine/metrics';
import type { Logger } from '../observability/logger';
import { Materializer, type MaterializerDeps } from '../schedules/materializer';
import { scheduleRunVet } from '../schedules/overlap';
import type { SecretBox } from '../secrets/port';
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
  /** What the senders may reach (private webhooks in tests only; never the deployment's own account). */
  targets: TargetPolicyOptions;
  /** Opens apps' secrets for deliveries. */
  secrets: SecretBox;
  /** Where the AWS targets' clients send (`PUNCTUAL_AWS_ENDPOINT`). */
  endpoint?: string;
  /** The plan catalogue: each tenant's delivery share and attempts per minute (counted in the table). */
  plans?: PlanCatalogue;
  /** The operator's delivery limits (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`, `PUNCTUAL_APP_DISABLE_AFTER_DAYS`). */
  limits?: Pick<AwsConfig, 'tenantAttemptsPerMinute' | 'appDisableAfterDays'>;
  /** The SES sender of email targets that name none (`PUNCTUAL_EMAIL_FROM`). */
  emailFrom?: string;
  /** Replaces every sender (the engine then owns none). */
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
  /** Stops the materialiser and closes the senders. */
  close(): Promise<void>;
}

/** One set of senders per container: the webhook pool, SES and the SQS, SNS and EventBridge clients. */
const ownSenders = (d: AwsEngineDeps): { deliver: Deliver; close(): Promise<void> } => {
  const webhook = new WebhookClient({ allowPrivateTargets: d.targets.allowPrivateTargets });
  const aws = new AwsTargetClients({ ...(d.endpoint ? { endpoint: d.endpoint } : {}) });
  const email = new EmailSender({
    mailer: new SesMailer(aws),
    ...(d.emailFrom ? { defaultFrom: d.emailFrom } : {}),
    scheduleName: scheduleNames(d.stores.schedules, d.clock),
  });
  return {
    deliver: routeDelivery({ webhook, email, aws, policy: d.targets }),
    close: async () => {
      await webhook.close();
      aws.close();
    },
  };
};

/** The worker and the materialiser, delivering through the container's senders. */
export const createAwsEngine = (d: AwsEngineDeps): AwsEngine => {
  const { stores, clock, logger } = d;
  const senders = d.deliver ? { deliver: d.deliver, close: async () => undefined } : ownSenders(d);
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
      // Only deliveries need the plain secrets: the worker reads apps opened, the services keep them sealed.
      apps: openedApps(stores.apps, d.secrets),
      queue: d.queue,
      deliver: senders.deliver,
      clock,
      logger,
      vet: scheduleRunVet(stores.schedules, stores.messages),
      ...(d.hold ? { hold: d.hold } : {}),
      // A chained message is admitted like a schedule run (the tenant's plan); metering counts it from the stream.
      ...(d.admitRuns ? { admitChains: d.admitRuns } : {}),
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
      await senders.close();
    },
  };
};
