import type { Vet } from '../engine/port';
import { isOccurrenceRun, runMisfired, runSkipReason } from './model';
import type { ScheduleStore } from './port';

/**
 * The misfire rule as the engines' vet: the last word on a claimed run, for runs materialised before
 * a stop that the service reaches late (see `runSkipReason`). On-time messages, retries and triggered
 * runs pass without a store read.
 */
export const misfireVet =
  (schedules: ScheduleStore): Vet =>
  async (m, now) => {
    if (m.attemptCount > 0 || !isOccurrenceRun(m) || !runMisfired(m.sendAt, now, 0)) return undefined;
    const s = await schedules.get(m.tenantId, m.scheduleId!);
    return s && runSkipReason(m.sendAt, s, now);
  };
