/**
 * What a Lambda container hands its handlers: the services (API functions, the authorizer) and the
 * engine and metering parts. One mechanism for every function: the AWS composition root registers how
 * the container is built (libs/runtime/aws-lambda.ts, injected into every bundle), and tests register
 * a runtime on dynalite and stand-ins, then invoke the same exported handlers. Only types of the
 * areas and adapters appear here, never runtime/, so handlers stay runtime-agnostic.
 */
import type { AwsEngineWorker } from '../engine/eventbridge/worker';
import type { DeliveryMetrics } from '../engine/metrics';
import type { Engine } from '../engine/port';
import type { Services } from '../http/services';
import type { Logger } from '../observability/logger';
import type { Materializer } from '../schedules/materializer';
import type { RunStatsStore } from '../schedules/port';
import type { DeadLetters } from '../ingest/sqs';
import type { IngestService } from '../ingest/service';
import type { PendingCounterStore, UsageStore } from '../usage/port';

/** A Lambda container's dependencies. */
export interface LambdaContainer {
  /** What API handlers use (the embedded gateway passes its own through the Lambda context instead). */
  services: Services;
  /** The engine functions' work: wake a bucket, handle a delivery-queue record, sweep (libs/engine/eventbridge/worker.ts). */
  engine: AwsEngineWorker;
  /**
   * The AWS engine's queue side, which the table stream's hand-off (functions/engine/handoff) gives every message
   * entering `scheduled`: SQS with its delay, or its minute bucket's wake-up.
   */
  handoff: Engine;
  /** Turns due schedule occurrences into messages (the sweep function; API functions after a schedule change). */
  materializer: Materializer;
  logger: Logger;
  /** Delivery metrics of this container (flushed at the end of each engine invocation). */
  metrics: DeliveryMetrics;
  /** The table's usage counters, written by the metering aggregator. */
  usage: UsageStore;
  /** Schedules' run stats, written by the metering aggregator. */
  runStats?: RunStatsStore;
  /** The table's pending-message counters, written by the metering aggregator. */
  pendingCounters: PendingCounterStore;
  /** Creates published messages as API requests (the ingest function), and where it puts the refused ones. */
  ingest: { service: IngestService; deadLetters: DeadLetters };
}

let factory: (() => Promise<LambdaContainer>) | undefined;

/** Registers how this container is built; the factory is called per invocation and memoises itself. */
export const registerContainer = (build: () => Promise<LambdaContainer>): void => {
  factory = build;
};

/** This container's dependencies. */
export const currentContainer = (): Promise<LambdaContainer> => {
  if (!factory) throw new Error('no Lambda container is registered (libs/runtime/aws-lambda.ts registers it in every bundle)');
  return factory();
};
