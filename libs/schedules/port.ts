import type { Page, PageRequest } from '../domain/page';
import type { Schedule, ScheduleState } from './model';

/** Filters of a schedule listing. */
export interface ScheduleFilter {
  /** Only this app's schedules. */
  appId?: string;
}

/** The stored values a conditional write expects (compare-and-set); undefined `nextRunAt` means none is stored. */
export interface ScheduleCondition {
  state: ScheduleState;
  nextRunAt: number | undefined;
}

/**
 * The fields a write may change. A key present with the value `undefined` clears that field;
 * `runs` is added to `runCount` and `skips` to `skipCount` atomically (so a triggered run never loses a count to a racing write).
 */
export type ScheduleChange = Partial<
  Pick<
    Schedule,
    | 'name'
    | 'expression'
    | 'timezone'
    | 'startAt'
    | 'endAt'
    | 'payload'
    | 'headers'
    | 'retryPolicy'
    | 'misfireGraceSeconds'
    | 'state'
    | 'nextRunAt'
    | 'latestRunAt'
    | 'latestRunId'
    | 'priorRunAt'
    | 'revision'
    | 'updatedAt'
    | 'lastSkip'
    | 'onSuccess'
    | 'onFailure'
    | 'overlap'
  >
> & { runs?: number; skips?: number };

/** One conditional write of one schedule. */
export interface ScheduleUpdate {
  tenantId: string;
  scheduleId: string;
  /** Applied only if the stored schedule still matches; undefined applies it to whatever is stored. */
  expected: ScheduleCondition | undefined;
  change: ScheduleChange;
}

/**
 * Persistence of schedules. Every write touches one schedule and may be conditional on its state
 * and cursor, so the materialiser and client changes race safely without multi-item transactions.
 */
export interface ScheduleStore {
  /** Inserts a new schedule. */
  create(schedule: Schedule): Promise<void>;
  /** The tenant's schedule, or undefined (also for another tenant's id). */
  get(tenantId: string, scheduleId: string): Promise<Schedule | undefined>;
  /** The tenant's schedules matching `filter`, newest first. */
  list(tenantId: string, filter: ScheduleFilter, page: PageRequest): Promise<Page<Schedule>>;
  /** Applies one update; returns the schedule after it, or undefined when it is missing or no longer matches `expected`. */
  update(update: ScheduleUpdate): Promise<Schedule | undefined>;
  /** Applies independent updates (each on its own condition, no atomicity across them; the adapter may group-commit); results in order. */
  updateMany(updates: ScheduleUpdate[]): Promise<(Schedule | undefined)[]>;
  /** Removes the tenant's schedule; returns it as it was, or undefined. */
  delete(tenantId: string, scheduleId: string): Promise<Schedule | undefined>;
  /** Removes every schedule of an app (app deletion); returns them as they were. */
  deleteAllForApp(tenantId: string, appId: string): Promise<Schedule[]>;
  /** How many of the tenant's schedules are `active` (the plan's `maxActiveSchedules`). */
  countActive(tenantId: string): Promise<number>;
  /** Active schedules of every tenant with `nextRunAt <= until`, earliest first, at most `limit`. */
  due(until: number, limit: number): Promise<Schedule[]>;
}

/** One finished run of a schedule, as its `stats` count it. */
export interface RunOutcome {
  tenantId: string;
  scheduleId: string;
  status: 'delivered' | 'failed';
  /** When it reached `status` (its deliveredAt or failedAt): the stats' `lastRunAt`. */
  finishedAt: number;
  /** Its final attempt's duration. */
  durationMs: number;
}

/**
 * Schedule stats kept apart from the outcome write: AWS, where the table's stream aggregator counts the runs the
 * engine finished (the embedded store counts them in the outcome's own transaction, `MessageStore.complete`).
 */
export interface RunStatsStore {
  /** Adds the runs to their schedules' counters; the latest by `finishedAt` becomes its schedule's last run. Skips deleted schedules. */
  recordRuns(outcomes: RunOutcome[]): Promise<void>;
}
