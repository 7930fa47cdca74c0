import { deliverTimeoutSeconds } from './engine';
import { Logical } from './names';

/** @default receives before a message moves to the dead-letter queue */
export const maxReceiveCount = 5;

/**
 * The delivery queue (engine → deliver Lambda) and its dead-letter queue, with the redrive policy; and the hand-off's
 * dead-letter queue, where its stream event source describes the batches it gave up on.
 */
export const queueResources = (stage: string) => ({
  [Logical.handoffDlq]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-handoff-dlq`,
      // 14 days, the SQS maximum: each entry names a shard and a range of sequence numbers whose messages need a redrive.
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  },
  [Logical.deliveryDlq]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-delivery-dlq`,
      // 14 days, the SQS maximum: time to inspect and redrive.
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  },
  [Logical.deliveryQueue]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-delivery`,
      // Six times the deliver function's timeout, as AWS recommends for SQS event sources; also longer
      // than the engine's claim lease (libs/engine/eventbridge/worker.ts `leaseMs`), so a redelivery can take over.
      VisibilityTimeout: 6 * deliverTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Logical.deliveryDlq, 'Arn'] }, maxReceiveCount },
    },
  },
});
