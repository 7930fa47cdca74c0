import { releaseTimeoutSeconds } from './engine';
import { Logical } from './names';

/** @default receives before a message moves to the dead-letter queue */
export const maxReceiveCount = 5;

/** The release queue (engine → release Lambda) and its dead-letter queue, with the redrive policy. */
export const queueResources = (stage: string) => ({
  [Logical.releaseDlq]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-release-dlq`,
      // 14 days, the SQS maximum: time to inspect and redrive.
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  },
  [Logical.releaseQueue]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-release`,
      // Six times the release function's timeout, as AWS recommends for SQS event sources; also longer
      // than the engine's claim lease (libs/engine/eventbridge/worker.ts `leaseMs`), so a redelivery can take over.
      VisibilityTimeout: 6 * releaseTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Logical.releaseDlq, 'Arn'] }, maxReceiveCount },
    },
  },
});
