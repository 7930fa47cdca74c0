import { iso } from '../domain/clock';
import { RawJson } from '../domain/raw-json';
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
    // Written into the answer as stored: the client's own text, byte for byte.
    payload: new RawJson(s.payload),
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
