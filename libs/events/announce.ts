import { iso } from '../domain/clock';
import type { Message } from '../messages/model';
import type { AttemptResult } from '../messages/port';
import type { Schedule } from '../schedules/model';
import { EventType, type EventData } from './model';
import type { EventSink } from './port';

/**
 * The events of the domain's changes, built in one place so every publisher says the same thing the same way: ids,
 * the new state and times; never a payload, a header or a response body.
 */

const ids = (m: Message): EventData => ({ appId: m.appId, messageId: m.id, ...(m.scheduleId ? { scheduleId: m.scheduleId } : {}) });

/** A message was stored (created by a client, a schedule run, a trigger). */
export const announceCreated = (sink: EventSink, m: Message): void =>
  sink.publish(m.tenantId, EventType.messageCreated, { ...ids(m), status: m.status, sendAt: iso(m.sendAt) });

/** A message was aborted by its client. */
export const announceAborted = (sink: EventSink, m: Message): void =>
  sink.publish(m.tenantId, EventType.messageAborted, { ...ids(m), status: m.status });

/** A failed or aborted message was redriven. */
export const announceRedriven = (sink: EventSink, m: Message): void =>
  sink.publish(m.tenantId, EventType.messageRedriven, { ...ids(m), status: m.status, sendAt: iso(m.sendAt) });

/** An attempt of `m` (as it was claimed) was recorded: the attempt, and the delivery or failure it ended in. */
export const announceAttempt = (sink: EventSink, m: Message, r: AttemptResult): void => {
  const a = r.attempt;
  const data: EventData = {
    ...ids(m),
    status: r.status,
    attempt: a.attempt,
    outcome: a.outcome,
    ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
    durationMs: a.durationMs,
    ...(m.attemptCount === 0 ? { latenessMs: a.startedAt - m.sendAt } : {}),
    ...(r.status === 'scheduled' && r.dueAt !== undefined ? { nextAttemptAt: iso(r.dueAt) } : {}),
  };
  sink.publish(m.tenantId, EventType.attempt, data);
  if (r.status === 'delivered') sink.publish(m.tenantId, EventType.messageDelivered, data);
  else if (r.status === 'failed') sink.publish(m.tenantId, EventType.messageFailed, data);
};

/** A schedule produced `run` (an occurrence, or a trigger); `next` is its next occurrence, when the materialiser knows it. */
export const announceRun = (
  sink: EventSink,
  s: Pick<Schedule, 'id' | 'tenantId' | 'appId'>,
  run: Message,
  o: { triggered?: boolean; nextRunAt?: number } = {},
): void =>
  sink.publish(s.tenantId, EventType.scheduleRun, {
    appId: s.appId,
    scheduleId: s.id,
    messageId: run.id,
    runAt: iso(run.sendAt),
    ...(o.nextRunAt !== undefined ? { nextRunAt: iso(o.nextRunAt) } : {}),
    ...(o.triggered ? { triggered: true } : {}),
  });
