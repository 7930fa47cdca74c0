import { iso } from '../domain/clock';
import { RawJson } from '../domain/raw-json';
import { scheduleView, type Schedule } from './model';

/**
 * A schedule's run statistics: `runs` are its finished runs (`succeeded` + `failed`, each counted once, at its final
 * outcome); `skipped` the occurrences not run (a limit refused them, or `overlap: "skip"`); the last and average
 * durations are the final attempts'.
 */
const toStatsDto = (s: Schedule) => {
  const st = s.stats;
  const runs = st ? st.succeeded + st.failed : 0;
  return {
    runs,
    succeeded: st?.succeeded ?? 0,
    failed: st?.failed ?? 0,
    skipped: s.skipCount,
    ...(st?.lastStatus ? { lastStatus: st.lastStatus } : {}),
    ...(st?.lastRunAt !== undefined ? { lastRunAt: iso(st.lastRunAt) } : {}),
    ...(st?.lastDurationMs !== undefined ? { lastDurationMs: st.lastDurationMs } : {}),
    ...(runs ? { avgDurationMs: Math.round(st!.totalDurationMs / runs) } : {}),
  };
};

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
    ...(s.onSuccess ? { onSuccess: s.onSuccess } : {}),
    ...(s.onFailure ? { onFailure: s.onFailure } : {}),
    overlap: s.overlap ?? 'allow',
    runCount: s.runCount,
    skipCount: s.skipCount,
    stats: toStatsDto(s),
    ...(s.lastSkip ? { lastSkip: { runAt: iso(s.lastSkip.runAt), reason: s.lastSkip.reason, skippedAt: iso(s.lastSkip.at) } } : {}),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
};
