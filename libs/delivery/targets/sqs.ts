import { performance } from 'node:perf_hooks';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseQueueUrl } from '../../apps/aws-resources';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { AwsTargetClients } from './aws-clients';
import { awsFailure, awsSuccess } from './aws-outcome';
import { deliveryAttributes, payloadText } from './payload';
import type { RequestOf } from './request';

/**
 * Sends a message to an SQS queue: the payload as the body, the delivery's attributes as message
 * attributes; a FIFO queue gets the target's group and the message id as deduplication id, so a retry
 * of a send that did arrive is dropped by SQS within its 5-minute window.
 */
export const sendToSqs = async (clients: AwsTargetClients, req: RequestOf<'sqs'>): Promise<DeliveryOutcome> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const queue = parseQueueUrl(req.target.queueUrl);
  if (typeof queue === 'string') return { kind: 'permanent', error: `target.queueUrl ${queue}`, durationMs: 0 };
  try {
    const answer = await clients.sqs(queue.region).send(
      new SendMessageCommand({
        QueueUrl: req.target.queueUrl,
        MessageBody: payloadText(req.payload),
        MessageAttributes: Object.fromEntries(deliveryAttributes(req).map((a) => [a.name, { DataType: a.type, StringValue: a.value }])),
        ...(req.target.messageGroupId ? { MessageGroupId: req.target.messageGroupId, MessageDeduplicationId: req.messageId } : {}),
      }),
    );
    return awsSuccess(answer, { messageId: answer.MessageId, sequenceNumber: answer.SequenceNumber }, elapsed());
  } catch (err) {
    return awsFailure(err, elapsed());
  }
};
