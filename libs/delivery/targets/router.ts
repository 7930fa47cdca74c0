import type { DeliveryOutcome } from '../../messages/outcome';
import type { WebhookRequest } from '../webhook';
import type { AwsTargetClients } from './aws-clients';
import type { EmailSender } from './email';
import { putOnEventBridge } from './eventbridge';
import { accountRefusal, awsResourceOf, type TargetPolicyOptions } from './policy';
import { isWebhookRequest, type DeliveryRequest, type RequestOf } from './request';
import { publishToSns } from './sns';
import { sendToSqs } from './sqs';

/** The senders of a runtime; a type without one cannot be sent here (its apps were refused at creation). */
export interface TargetSenders {
  webhook: { deliver(req: WebhookRequest, signal?: AbortSignal): Promise<DeliveryOutcome> };
  /** Email (SMTP or SES); absent when its settings are missing. */
  email?: EmailSender;
  /** SQS, SNS and EventBridge. */
  aws?: AwsTargetClients;
  /** The operator's rules, checked again at send time: settings may have changed since the app was created. */
  policy: Pick<TargetPolicyOptions, 'ownAccount'>;
}

/**
 * One delivery, to whatever its target is: the `Deliver` of both engines (libs/engine/attempt.ts). `signal` stops a
 * webhook request early; the other senders' calls are short and bounded by their clients' own timeouts.
 */
export const routeDelivery =
  (s: TargetSenders) =>
  async (req: DeliveryRequest, signal?: AbortSignal): Promise<DeliveryOutcome> => {
    if (isWebhookRequest(req)) return s.webhook.deliver(req, signal);
    const unavailable = (why: string): DeliveryOutcome => ({
      kind: 'permanent',
      error: `${req.target.type} targets: ${why}`,
      durationMs: 0,
    });
    if (req.target.type === 'email') return s.email ? s.email.send(req as RequestOf<'email'>) : unavailable('email is not configured here');
    if (!s.aws) return unavailable('AWS targets are not available here');
    const named = awsResourceOf(req.target);
    if (named && typeof named.resource !== 'string') {
      const refused = accountRefusal(s.policy, named.resource.accountId);
      if (refused) return unavailable(refused);
    }
    switch (req.target.type) {
      case 'sqs':
        return sendToSqs(s.aws, req as RequestOf<'sqs'>);
      case 'sns':
        return publishToSns(s.aws, req as RequestOf<'sns'>);
      case 'eventbridge':
        return putOnEventBridge(s.aws, req as RequestOf<'eventbridge'>);
      default:
        return unavailable('unknown target type');
    }
  };
