import { iso } from '../domain/clock';
import { scheduleView, type Schedule } from './model';

/** The schedule as the API shows it at `now`: header names only, and the next/last run a client expects. */
export const toScheduleDto = (s: Schedule, now: number) => {
  const view = scheduleView(s, now);
  return {
    id: s.id,
    appId: s.appId,
    name: s.name,
    expression: s.expression,
    timezone: s.timezone,
    ...(s.startAt !== undefined ? { startAt: iso(s.startAt) } : {}),
    ...(s.endAt !== undefined ? { endAt: iso(s.endAt) } : {}),
    payload: JSON.parse(s.payload) as unknown,
    ...(s.headers ? { headerNames: Object.keys(s.headers) } : {}),
    ...(s.retryPolicy ? { retryPolicy: s.retryPolicy } : {}),
    misfireGraceSeconds: s.misfireGraceSeconds,
    state: view.state,
    ...(view.nextRunAt !== undefined ? { nextRunAt: iso(view.nextRunAt) } : {}),
    ...(view.lastRunAt !== undefined ? { lastRunAt: iso(view.lastRunAt) } : {}),
    runCount: s.runCount,
    skipCount: s.skipCount,
    ...(s.lastSkip ? { lastSkip: { runAt: iso(s.lastSkip.runAt), reason: s.lastSkip.reason, skippedAt: iso(s.lastSkip.at) } } : {}),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
};
