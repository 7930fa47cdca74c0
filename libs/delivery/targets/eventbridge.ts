import { performance } from 'node:perf_hooks';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { busResource, parseArn } from '../../apps/aws-resources';
import { iso } from '../../domain/clock';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { AwsTargetClients } from './aws-clients';
import { awsFailure, awsSuccess } from './aws-outcome';
import { payloadValue } from './payload';
import type { RequestOf } from './request';

/**
 * The event's detail: an object payload with a `punctual` field (message id, attempt, intended time,
 * schedule) added, replacing one of the payload's own; any other payload (EventBridge wants an object) as
 * `{ payload, punctual }`.
 */
export const eventDetail = (req: RequestOf<'eventbridge'>): Record<string, unknown> => {
  const punctual = {
    messageId: req.messageId,
    attempt: req.attempt,
    scheduledAt: iso(req.scheduledAt),
    ...(req.scheduleId ? { scheduleId: req.scheduleId } : {}),
  };
  const value = payloadValue(req.payload);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, punctual } : { payload: value, punctual };
};

/** Puts one event on an EventBridge bus. PutEvents answers 200 with a per-entry error: that entry's error decides the outcome. */
export const putOnEventBridge = async (clients: AwsTargetClients, req: RequestOf<'eventbridge'>): Promise<DeliveryOutcome> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const bus = parseArn(req.target.eventBusArn, 'events', busResource);
  if (typeof bus === 'string') return { kind: 'permanent', error: `target.eventBusArn ${bus}`, durationMs: 0 };
  try {
    const answer = await clients.eventBridge(bus.region).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: req.target.eventBusArn,
            Source: req.target.source,
            DetailType: req.target.detailType,
            Detail: JSON.stringify(eventDetail(req)),
          },
        ],
      }),
    );
    const entry = answer.Entries?.[0];
    if (!entry?.EventId) {
      // The entry's error code reads like a service exception's name (e.g. ThrottlingException, InternalFailure).
      const code = entry?.ErrorCode ?? 'UnknownError';
      const failure = Object.assign(new Error(entry?.ErrorMessage ?? 'the event was not accepted'), {
        name: code,
        $fault: /Internal|Throttl/.test(code) ? 'server' : 'client',
      });
      return awsFailure(failure, elapsed());
    }
    return awsSuccess(answer, { eventId: entry.EventId }, elapsed());
  } catch (err) {
    return awsFailure(err, elapsed());
  }
};
