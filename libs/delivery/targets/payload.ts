import { iso } from '../../domain/clock';
import type { DeliveryRequest } from './request';

/** The payload as text: a JSON string payload as its raw string (as a webhook sends it), any other value as JSON. */
export const payloadText = (payload: string): string => {
  if (payload.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(payload);
      if (typeof value === 'string') return value;
    } catch {
      // Not valid JSON after all: send it untouched rather than guess.
    }
  }
  return payload;
};

/** The payload as a value (it is stored as JSON text). */
export const payloadValue = (payload: string): unknown => {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
};

/**
 * What identifies a delivery beside its payload, as SQS and SNS message attributes (EventBridge: detail
 * fields): the message id (the same on every attempt, to deduplicate), the attempt, the intended time and
 * the schedule.
 */
export const deliveryAttributes = (req: DeliveryRequest): { name: string; value: string; type: 'String' | 'Number' }[] => [
  { name: 'punctual-message-id', value: req.messageId, type: 'String' },
  { name: 'punctual-attempt', value: String(req.attempt), type: 'Number' },
  { name: 'punctual-scheduled-at', value: iso(req.scheduledAt), type: 'String' },
  ...(req.scheduleId ? [{ name: 'punctual-schedule-id', value: req.scheduleId, type: 'String' as const }] : []),
];
