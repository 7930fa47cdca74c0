import type { Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import type { Logger } from '../observability/logger';
import type { Hold, Vet } from './port';

/** What the skip step needs. */
export interface SkipDeps {
  messages: Pick<MessageStore, 'transition'>;
  logger: Logger;
  /** Without one, nothing is skipped. */
  vet?: Vet;
  /** Without one, nothing is held. */
  hold?: Hold;
  /**
   * Where a vet that throws is reported, the message then being delivered (the embedded engine: a
   * claimed message has no other way back). Without it the error is thrown (AWS: the SQS record is retried).
   */
  onVetError?: (err: unknown, m: Message) => void;
}

/**
 * The step both engines take between claiming a message and delivering it: a message whose tenant is suspended is held
 * (back to `scheduled` without a dueAt, unattempted: released when the tenant is resumed); when the vet gives a reason not
 * to deliver it at all, the message is skipped, i.e. aborted with that reason (both conditional on `delivering`). Returns
 * whether it was held or skipped (not to be delivered); throws when the write fails.
 */
export const skipIfVetoed = async (deps: SkipDeps, m: Message, now: number): Promise<boolean> => {
  if (!deps.vet && !deps.hold) return false;
  let held = false;
  let reason: string | undefined;
  try {
    held = (await deps.hold?.(m)) === true;
    if (!held) reason = await deps.vet?.(m, now);
  } catch (err) {
    if (!deps.onVetError) throw err;
    deps.onVetError(err, m);
    return false;
  }
  if (held) {
    await deps.messages.transition(m.tenantId, m.id, ['delivering'], { status: 'scheduled', dueAt: undefined }, now, 'hold');
    return true;
  }
  if (reason === undefined) return false;
  deps.logger.warn('message not delivered', { tenantId: m.tenantId, messageId: m.id, scheduleId: m.scheduleId, reason });
  await deps.messages.transition(m.tenantId, m.id, ['delivering'], { status: 'aborted', abortedAt: now, lastError: reason }, now, 'skip');
  return true;
};
