import type { Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import type { Logger } from '../observability/logger';
import type { Vet } from './port';

/** What the skip step needs. */
export interface SkipDeps {
  messages: Pick<MessageStore, 'transition'>;
  logger: Logger;
  /** Without one, nothing is skipped. */
  vet?: Vet;
  /**
   * Where a vet that throws is reported, the message then being delivered (the embedded engine: a
   * claimed message has no other way back). Without it the error is thrown (AWS: the SQS record is retried).
   */
  onVetError?: (err: unknown, m: Message) => void;
}

/**
 * The step both engines take between claiming a message and delivering it: when the vet gives a
 * reason not to deliver it at all, the message is skipped, i.e. aborted with that reason (conditional
 * on `delivering`, action `skip`). Returns whether it was skipped; throws when the abort fails.
 */
export const skipIfVetoed = async (deps: SkipDeps, m: Message, now: number): Promise<boolean> => {
  if (!deps.vet) return false;
  let reason: string | undefined;
  try {
    reason = await deps.vet(m, now);
  } catch (err) {
    if (!deps.onVetError) throw err;
    deps.onVetError(err, m);
    return false;
  }
  if (reason === undefined) return false;
  deps.logger.warn('message not delivered', { tenantId: m.tenantId, messageId: m.id, scheduleId: m.scheduleId, reason });
  await deps.messages.transition(m.tenantId, m.id, ['delivering'], { status: 'aborted', abortedAt: now, lastError: reason }, now, 'skip');
  return true;
};
