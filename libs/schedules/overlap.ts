import type { Vet } from '../engine/port';
import type { Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import { misfireVet } from './misfire';
import { isOccurrenceRun } from './model';
import type { ScheduleStore } from './port';

/** Runs looked through, newest first, for the last one that ran (skipped runs in between are passed over). */
const maxRunsExamined = 100;
const pageSize = 20;

/**
 * The schedule's latest run before `m` that was not skipped or withdrawn (aborted runs are passed over: a run skipped
 * for overlap leaves the run it overlapped still the one to wait for), or undefined.
 */
const previousRun = async (messages: Pick<MessageStore, 'list'>, m: Message): Promise<Message | undefined> => {
  let cursor: string | undefined;
  for (let seen = 0; seen < maxRunsExamined; ) {
    const page = await messages.list(m.tenantId, { scheduleId: m.scheduleId }, { limit: pageSize, cursor });
    for (const run of page.items) {
      seen++;
      if (run.id >= m.id || run.status === 'aborted') continue;
      return run;
    }
    if (!page.nextCursor) return undefined;
    cursor = page.nextCursor;
  }
  return undefined;
};

/**
 * The overlap rule as the engines' vet: an occurrence run of a schedule with `overlap: "skip"` that comes due while the
 * schedule's previous run is still `scheduled` or `delivering` (its retries included) is skipped with the reason, and
 * counted on the schedule (`skipCount`, `lastSkip`: `stats.skipped`). Decided when the run is claimed, i.e. when it is
 * due, not when it was materialised. Other messages pass with no read; runs of other schedules with one schedule read.
 */
export const overlapVet =
  (schedules: ScheduleStore, messages: Pick<MessageStore, 'list'>): Vet =>
  async (m, now) => {
    if (m.attemptCount > 0 || !isOccurrenceRun(m)) return undefined;
    const s = await schedules.get(m.tenantId, m.scheduleId!);
    if (s?.overlap !== 'skip') return undefined;
    const previous = await previousRun(messages, m);
    if (previous?.status !== 'scheduled' && previous?.status !== 'delivering') return undefined;
    const reason = `skipped: the previous run ${previous.id} is still ${previous.status} (overlap: "skip")`;
    await schedules.update({
      tenantId: m.tenantId,
      scheduleId: s.id,
      expected: undefined,
      change: { skips: 1, lastSkip: { runAt: m.sendAt, reason, at: now } },
    });
    return reason;
  };

/** Both rules of a claimed schedule run, in order: the misfire rule, then the overlap rule. */
export const scheduleRunVet = (schedules: ScheduleStore, messages: Pick<MessageStore, 'list'>): Vet => {
  const misfire = misfireVet(schedules);
  const overlap = overlapVet(schedules, messages);
  return async (m, now) => (await misfire(m, now)) ?? overlap(m, now);
};
