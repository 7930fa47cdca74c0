import type { HttpTarget, Target } from '../../apps/model';
import type { WebhookRequest } from '../webhook';

/**
 * One attempt to deliver one message to its app's target, whatever the target's type: the webhook
 * request's fields, with the tenant (a sender may look up the message's schedule) and any target.
 */
export type DeliveryRequest = Omit<WebhookRequest, 'target'> & {
  tenantId: string;
  target: Target;
};

/** A request of the given target type. */
export type RequestOf<T extends Target['type']> = DeliveryRequest & { target: Extract<Target, { type: T }> };

/** Whether the request goes to an HTTP target (then it is the webhook client's request). */
export const isWebhookRequest = (req: DeliveryRequest): req is DeliveryRequest & { target: HttpTarget } => req.target.type === 'http';
