import { performance } from 'node:perf_hooks';
import { PublishCommand } from '@aws-sdk/client-sns';
import { parseArn, topicResource } from '../../apps/aws-resources';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { AwsTargetClients } from './aws-clients';
import { awsFailure, awsSuccess } from './aws-outcome';
import { deliveryAttributes, payloadText } from './payload';
import type { RequestOf } from './request';

/** Publishes to an SNS topic: the payload as the message; the target's attributes and the delivery's as message attributes. */
export const publishToSns = async (clients: AwsTargetClients, req: RequestOf<'sns'>): Promise<DeliveryOutcome> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const topic = parseArn(req.target.topicArn, 'sns', topicResource);
  if (typeof topic === 'string') return { kind: 'permanent', error: `target.topicArn ${topic}`, durationMs: 0 };
  const attributes = {
    ...Object.fromEntries(Object.entries(req.target.messageAttributes ?? {}).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
    ...Object.fromEntries(deliveryAttributes(req).map((a) => [a.name, { DataType: a.type, StringValue: a.value }])),
  };
  try {
    const answer = await clients
      .sns(topic.region)
      .send(new PublishCommand({ TopicArn: req.target.topicArn, Message: payloadText(req.payload), MessageAttributes: attributes }));
    return awsSuccess(answer, { messageId: answer.MessageId }, elapsed());
  } catch (err) {
    return awsFailure(err, elapsed());
  }
};
