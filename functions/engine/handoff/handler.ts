import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EnqueueFailedError } from '../../../libs/engine/eventbridge/engine';
import type { Engine } from '../../../libs/engine/port';
import { currentContainer } from '../../../libs/lambda/container';
import type { Logger } from '../../../libs/observability/logger';
import { dueRefOf } from '../../../libs/store/dynamodb/stream';

/** What the hand-off needs, asked for at each invocation (the container memoises itself; tests pass their runtime's). */
export interface HandoffDeps {
  /** The AWS engine's queue side: SQS with `DelaySeconds`, or the minute bucket's wake-up. */
  engine: Engine;
  logger: Logger;
}

/**
 * The engine's hand-off: the table stream, filtered to messages entering `scheduled` with a due time
 * (infra/engine.ts `handoffFilterPatterns`), → the engine's `enqueue`. Records whose messages the engine could not take
 * are reported failed (`ReportBatchItemFailures`): the stream retries from the first of them until the engine takes them
 * (for as long as the stream keeps records, 24 h), so a crash between a table write and its hand-off delays a message,
 * never loses it. The records after a failed one come again too: their second deliver record finds nothing to claim.
 */
export const makeHandoffHandler = (deps: () => HandoffDeps | Promise<HandoffDeps>) => {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const { engine, logger } = await deps();
    const handed = event.Records.flatMap((r) => {
      const ref = dueRefOf(r);
      return ref ? [{ sequence: r.dynamodb?.SequenceNumber ?? '', ref }] : [];
    });
    try {
      if (handed.length) await engine.enqueue(handed.map((h) => h.ref));
      return { batchItemFailures: [] };
    } catch (err) {
      const ids = err instanceof EnqueueFailedError ? new Set(err.ids) : undefined;
      const failed = handed.filter((h) => !ids || ids.has(h.ref.id));
      logger.error('could not hand messages to the engine; the stream retries them', { err, failed: failed.length });
      return { batchItemFailures: failed.map((h) => ({ itemIdentifier: h.sequence })) };
    }
  };
};

/** The deployed handler: the container's engine. */
export const handler = makeHandoffHandler(async () => {
  const { handoff, logger } = await currentContainer();
  return { engine: handoff, logger };
});
