import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type DeadLetters, ingestRecord, ingestRecordOfLambda } from '../../libs/ingest/sqs';
import type { IngestService } from '../../libs/ingest/service';
import { currentContainer } from '../../libs/lambda/container';
import type { Logger } from '../../libs/observability/logger';

/** What the ingest function needs; built on the first invocation. */
export interface IngestDeps {
  ingest: IngestService;
  deadLetters: DeadLetters;
  logger: Logger;
}

/**
 * The ingest queue's consumer (SNS topic → SQS queue → this function): each record is created as the API request its
 * body and attributes describe (libs/ingest/service.ts); a refused one is sent to the dead-letter queue with its error
 * code and deleted; a transient failure is reported as a batch item failure, so SQS delivers it again (and moves it to
 * the dead-letter queue after `maxReceiveCount`). Records run one after another: a batch is at most 10, and the
 * services' own writes are parallel where it counts (a batch body).
 */
export const makeIngestHandler = (deps: () => IngestDeps | Promise<IngestDeps>) => {
  let wired: Promise<IngestDeps> | undefined;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    wired ??= Promise.resolve().then(deps);
    const { ingest, deadLetters, logger } = await wired;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const r of event.Records) {
      const record = ingestRecordOfLambda(r);
      try {
        if ((await ingestRecord({ ingest, deadLetters, logger }, record)) === 'retry')
          batchItemFailures.push({ itemIdentifier: r.messageId });
      } catch (err) {
        logger.error('could not dead-letter a refused message; it will be received again', { messageId: r.messageId, err });
        batchItemFailures.push({ itemIdentifier: r.messageId });
      }
    }
    return { batchItemFailures };
  };
};

/** The deployed handler: the container's AWS runtime. */
export const handler = makeIngestHandler(async () => {
  const { ingest, logger } = await currentContainer();
  return { ingest: ingest.service, deadLetters: ingest.deadLetters, logger };
});
