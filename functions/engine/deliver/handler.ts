import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseDeliveryQueueMessage } from '../../../libs/engine/eventbridge/engine';
import { currentContainer } from '../../../libs/lambda/container';

/**
 * The delivery queue's consumer (SQS event source, `ReportBatchItemFailures`): each record is a message
 * to deliver or a page job of a bucket shard. Records are handled in parallel; one that throws is reported
 * as a batch item failure, so only it comes back after the visibility timeout (and, after
 * maxReceiveCount receives, lands in the DLQ). A body that is not ours is logged and dropped, since
 * retrying it cannot help.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { engine, logger, metrics } = await currentContainer();
  const record = async (r: SQSRecord) => {
    const msg = parseDeliveryQueueMessage(r.body);
    if (!msg) {
      logger.error('dropped a delivery-queue record that is neither a deliver record nor a page job', { messageId: r.messageId });
      return 'dropped';
    }
    return engine.handle(msg);
  };
  try {
    return await processPartialResponse(event, record, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
  } finally {
    metrics.flush();
  }
};
