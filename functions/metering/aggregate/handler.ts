import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { currentContainer } from '../../../libs/lambda/container';
import type { Logger } from '../../../libs/observability/logger';
import { aggregateUsage } from '../../../libs/usage/aggregate';
import type { UsageEvent } from '../../../libs/usage/model';
import type { PendingChange } from '../../../libs/usage/model';
import type { PendingCounterStore, UsageStore } from '../../../libs/usage/port';
import type { RunOutcome, RunStatsStore } from '../../../libs/schedules/port';
import { pendingChangeOf, runOutcomeOf, usageEventsOf } from '../../../libs/store/dynamodb/stream';

/** What the aggregator needs; built on the first invocation (tests pass dynalite or fakes). */
export interface AggregateDeps {
  usage: UsageStore;
  /** Schedules' run stats, counted from the same records. @default not counted */
  runStats?: RunStatsStore;
  /** The pending-message counters the plan limiter reads. */
  pending: PendingCounterStore;
  logger: Logger;
}

const sequenceOf = (r: DynamoDBRecord): string => r.dynamodb?.SequenceNumber ?? '';
const failuresOf = (records: DynamoDBRecord[]): DynamoDBBatchResponse => ({
  batchItemFailures: records.map((r) => ({ itemIdentifier: sequenceOf(r) })),
});

/**
 * The metering aggregator: the table's stream (NEW_AND_OLD_IMAGES) → usage events
 * (libs/store/dynamodb/stream.ts) → one `ADD` per key and day for the whole batch (`aggregateUsage`, as the
 * embedded meter does), so a batch of a thousand changes costs a handful of writes; the same for the pending-message
 * counters (one `ADD` per tenant and per key for the batch); and the finished schedule runs → their schedules' `stats`
 * (two writes per schedule of the batch). All counts follow the same retry rules below.
 *
 * Counting is per batch, while failures are reported per record (`ReportBatchItemFailures`), and a
 * stream retries from the first failed record on, records after it included. So:
 * - A record that cannot be read (Powertools marks it failed): only the records *before* it are
 *   counted, and it and every later record are reported failed. The retry starts at that record and
 *   counts the later ones then, not twice.
 * - The counter write fails: every record is reported failed and the whole batch is retried. Counts
 *   are never lost. They can be doubled only when the write failed part-way (the increment is one
 *   UpdateItem per key and day: rows written before the failure are added again on the retry). That
 *   is the at-least-once the stream gives; exactly-once would need a conditional mark per record,
 *   i.e. a write per change instead of a write per key and day.
 */
export const makeAggregateHandler = (deps: () => AggregateDeps | Promise<AggregateDeps>) => {
  let wired: Promise<AggregateDeps> | undefined;
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    wired ??= Promise.resolve().then(deps);
    const { usage, pending, runStats, logger } = await wired;
    const parsed = new Map<string, { events: UsageEvent[]; pending?: PendingChange }>();
    const runs = new Map<string, RunOutcome>();
    const read = await processPartialResponse(
      event,
      (record: DynamoDBRecord) => {
        parsed.set(sequenceOf(record), { events: usageEventsOf(record), pending: pendingChangeOf(record) });
        const run = runOutcomeOf(record);
        if (run) runs.set(sequenceOf(record), run);
      },
      new BatchProcessor(EventType.DynamoDBStreams),
      { throwOnFullBatchFailure: false },
    );
    const failed = new Set(read.batchItemFailures.map((f) => f.itemIdentifier));
    const records = event.Records;
    const firstFailed = records.findIndex((r) => failed.has(sequenceOf(r)));
    const counted = firstFailed === -1 ? records : records.slice(0, firstFailed);
    const retried = firstFailed === -1 ? [] : records.slice(firstFailed);
    if (retried.length)
      logger.error('unreadable stream record; it and the records after it will be retried', {
        sequenceNumber: sequenceOf(retried[0]),
        retried: retried.length,
      });

    const rows = aggregateUsage(counted.flatMap((r) => parsed.get(sequenceOf(r))?.events ?? []));
    const changes = counted.flatMap((r) => parsed.get(sequenceOf(r))?.pending ?? []);
    const outcomes = counted.flatMap((r) => runs.get(sequenceOf(r)) ?? []);
    try {
      if (rows.length) await usage.increment(rows);
      if (changes.length) await pending.add(changes);
      if (outcomes.length && runStats) await runStats.recordRuns(outcomes);
    } catch (err) {
      logger.error('could not write usage counters; the batch will be retried', { err, records: records.length, rows: rows.length });
      return failuresOf(records);
    }
    logger.debug('usage counted', { records: counted.length, rows: rows.length });
    return failuresOf(retried);
  };
};

/** The deployed handler: the container's AWS runtime (the table's usage store, Powertools logging). */
export const handler = makeAggregateHandler(async () => {
  const { usage, pendingCounters, runStats, logger } = await currentContainer();
  return { usage, pending: pendingCounters, runStats, logger };
});
