/** Per key, per UTC day counters. */
export interface UsageCounters {
  requests: number;
  messagesScheduled: number;
  deliveries: number;
  attempts: number;
  failures: number;
}

/** One row of usage: a key's counters on one day. */
export interface UsageRow extends UsageCounters {
  tenantId: string;
  keyId: string;
  /** `YYYY-MM-DD` (UTC). */
  date: string;
}

/** A change that metering counts. `keyId` is the key the request was made with, or that created the message. */
export type UsageEvent =
  | { type: 'request'; tenantId: string; keyId: string; at: number }
  | { type: 'message_created'; tenantId: string; keyId: string; at: number }
  | { type: 'attempt_finished'; tenantId: string; keyId: string; at: number; final?: 'delivered' | 'failed' };

export const zeroCounters = (): UsageCounters => ({ requests: 0, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 });

export const counterNames = ['requests', 'messagesScheduled', 'deliveries', 'attempts', 'failures'] as const;

/**
 * A change of how many messages are `scheduled` (the plan's `maxPendingMessages`): +1 when a message becomes scheduled
 * (created, retried, redriven, handed back), -1 when it stops being so (claimed, aborted, deleted). `keyId` is the key
 * that created it, when one did.
 */
export interface PendingChange {
  tenantId: string;
  keyId?: string;
  delta: number;
}
