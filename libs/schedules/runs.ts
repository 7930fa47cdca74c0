import { newId } from '../domain/ids';
import { MessageNotFoundError, MessageStateConflictError } from '../messages/errors';
import type { Message } from '../messages/model';
import type { CreateResult, MessageStore } from '../messages/port';
import type { Schedule } from './model';

/** Where run messages go: `MessageService.store`, which meters them and hands them to the engine. */
export interface RunSink {
  /** Stores messages (deduplicating idempotency keys) and enqueues the new ones. */
  store(messages: Message[]): Promise<CreateResult[]>;
}

/** The message of one run of a schedule, due at `sendAt` (a past time means now). */
export const buildRun = (s: Schedule, sendAt: number, now: number, options: { idempotencyKey?: string; keyId?: string } = {}): Message => {
  const keyId = options.keyId ?? s.keyId;
  return {
    id: newId('msg', { tenantId: s.tenantId }),
    tenantId: s.tenantId,
    appId: s.appId,
    scheduleId: s.id,
    ...(keyId !== undefined ? { keyId } : {}),
    status: 'scheduled',
    sendAt,
    dueAt: Math.max(sendAt, now),
    payload: s.payload,
    ...(s.headers ? { headers: s.headers } : {}),
    ...(s.retryPolicy ? { retryPolicy: s.retryPolicy } : {}),
    // A run inherits its schedule's chain links (over the app's).
    ...(s.onSuccess ? { onSuccess: s.onSuccess } : {}),
    ...(s.onFailure ? { onFailure: s.onFailure } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
    attemptCount: 0,
    attemptBase: 0,
    createdAt: now,
    updatedAt: now,
  };
};

/**
 * Withdraws a run that has not been attempted yet (`scheduled` → `aborted`, with the reason as
 * `lastError`); a run already attempted, delivering or done is left alone. Returns whether it did.
 */
export const withdrawRun = async (
  messages: MessageStore,
  tenantId: string,
  messageId: string,
  now: number,
  reason: string,
): Promise<boolean> => {
  const m = await messages.get(tenantId, messageId);
  if (m?.status !== 'scheduled' || m.attemptCount > 0) return false;
  try {
    await messages.transition(
      tenantId,
      messageId,
      ['scheduled'],
      { status: 'aborted', dueAt: undefined, abortedAt: now, lastError: reason },
      now,
      'withdraw',
    );
    return true;
  } catch (err) {
    // The engine claimed it meanwhile: the run is under way, which is what a lost race means.
    if (err instanceof MessageStateConflictError || err instanceof MessageNotFoundError) return false;
    throw err;
  }
};
