import type { ChainLink } from '../messages/model';
import type { RetryPolicy } from '../domain/retry';
import { nextOccurrence } from '../domain/expressions/next';
import { parseExpression, type ParsedExpression } from '../domain/expressions/parse';

export const ScheduleState = {
  active: 'active',
  paused: 'paused',
  completed: 'completed',
} as const;
export type ScheduleState = (typeof ScheduleState)[keyof typeof ScheduleState];

/**
 * A recurring rule that produces one message per occurrence. Occurrences are materialised a few
 * seconds ahead, so the stored cursor (`nextRunAt`) runs ahead of what the API calls the next
 * run; `scheduleView` turns the stored fields into what a client sees.
 */
export interface Schedule {
  id: string;
  tenantId: string;
  appId: string;
  /** The key that created it (its runs are metered against it). */
  keyId?: string;
  name: string;
  /** Normalised expression (a Unix cron is stored as its `cron(...)` form). */
  expression: string;
  /** IANA timezone the expression is evaluated in. */
  timezone: string;
  /** No occurrence before this instant; also the anchor of `rate()`. */
  startAt?: number;
  /** No occurrence after this instant. */
  endAt?: number;
  /** The payload as serialized JSON text. */
  payload: string;
  headers?: Record<string, string>;
  /** Override merged over the app's policy at delivery. */
  retryPolicy?: Partial<RetryPolicy>;
  misfireGraceSeconds: number;
  /** Stored state; a `completed` schedule whose last run is still ahead reads as `active`. */
  state: ScheduleState;
  /** The next occurrence not yet materialised (the materialiser's cursor); set only while `active`. */
  nextRunAt?: number;
  /** The latest materialised occurrence (may be a few seconds ahead of now) and its message. */
  latestRunAt?: number;
  latestRunId?: string;
  /** The materialised occurrence before `latestRunAt`. */
  priorRunAt?: number;
  /** Messages produced: materialised occurrences and triggered runs. */
  runCount: number;
  /** Occurrences skipped because a limit refused their run (the plan's pending limit, a suspended tenant). */
  skipCount: number;
  /** The latest such skip. */
  lastSkip?: ScheduleSkip;
  /** Chains its runs' deliveries to this app (over its app's link; a run carries it). */
  onSuccess?: ChainLink;
  /** Chains its runs' failures to this app (over its app's link; a run carries it). */
  onFailure?: ChainLink;
  /** `skip`: an occurrence due while the previous run is still `scheduled` or `delivering` is skipped. @default 'allow' (absent) */
  overlap?: ScheduleOverlap;
  /** Counters of its finished runs, kept with each run's final outcome (read-only). */
  stats?: ScheduleRunStats;
  /** Bumped by every client change of timing or state, so a re-planned occurrence gets a fresh idempotency key. */
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** Whether a schedule's runs may overlap (`allow`) or an occurrence due while the previous run is unfinished is skipped. */
export const ScheduleOverlap = { allow: 'allow', skip: 'skip' } as const;
export type ScheduleOverlap = (typeof ScheduleOverlap)[keyof typeof ScheduleOverlap];

/** What the outcome path counts of a schedule's finished runs (its runs' final attempts). */
export interface ScheduleRunStats {
  succeeded: number;
  failed: number;
  /** `delivered` or `failed`: the latest finished run's. */
  lastStatus?: 'delivered' | 'failed';
  /** When the latest finished run reached its status (its deliveredAt or failedAt). */
  lastRunAt?: number;
  /** How long the latest finished run's final attempt took. */
  lastDurationMs?: number;
  /** The final attempts' durations added up (the average is this over the runs). */
  totalDurationMs: number;
}

/** An occurrence whose run was not created, and why. */
export interface ScheduleSkip {
  /** The occurrence's time. */
  runAt: number;
  /** Why, for humans (e.g. the plan limit that refused it). */
  reason: string;
  /** When it was decided. */
  at: number;
}

/** What decides when a schedule runs. */
export type ScheduleTiming = Pick<Schedule, 'expression' | 'timezone' | 'startAt' | 'endAt' | 'createdAt'>;

/** @default how late (seconds) a missed occurrence may still run: 300 */
export const defaultMisfireGraceSeconds = 300;
/** Largest misfire grace a client may set: one day. */
export const maxMisfireGraceSeconds = 86_400;
/** @default the timezone of a schedule that names none */
export const defaultTimezone = 'UTC';
/**
 * How late past its time the delivery engine may start a run's first attempt before it counts as
 * misfired: the engine's own scheduling slack, on top of the schedule's grace.
 */
export const deliverySlackMs = 5_000;

/**
 * Results shared across many schedules planned at once: schedules often share an expression and
 * timezone (every tenant's "09:00 on weekdays"), and a cron lookup costs far more than a map hit.
 * Create one per batch; it grows with the distinct lookups of that batch only.
 */
export interface OccurrenceMemo {
  parsed: Map<string, ParsedExpression>;
  next: Map<string, number | undefined>;
}

/** A fresh memo for one batch of planning. */
export const occurrenceMemo = (): OccurrenceMemo => ({ parsed: new Map(), next: new Map() });

const parsedOf = (t: ScheduleTiming, memo?: OccurrenceMemo): ParsedExpression => {
  let p = memo?.parsed.get(t.expression);
  if (!p) {
    p = parseExpression(t.expression);
    memo?.parsed.set(t.expression, p);
  }
  return p;
};

/** The first occurrence at or after `fromMs` inside the schedule's [startAt, endAt] window, or undefined. */
export const occurrenceFrom = (t: ScheduleTiming, fromMs: number, memo?: OccurrenceMemo): number | undefined => {
  const expression = parsedOf(t, memo);
  const after = Math.max(fromMs, t.startAt ?? fromMs) - 1;
  const anchorMs = t.startAt ?? t.createdAt;
  // rate() is plain arithmetic on the schedule's own anchor: not worth a memo entry.
  const key = memo && expression.kind !== 'rate' ? `${expression.expression}\u0000${t.timezone}\u0000${after}` : undefined;
  let next: number | undefined;
  if (key !== undefined && memo!.next.has(key)) next = memo!.next.get(key);
  else {
    next = nextOccurrence(expression, t.timezone, after, { anchorMs });
    if (key !== undefined) memo!.next.set(key, next);
  }
  return next !== undefined && (t.endAt === undefined || next <= t.endAt) ? next : undefined;
};

/** The latest occurrence in [fromMs, toMs], or undefined (at most a day of minutes is walked). */
export const latestOccurrence = (t: ScheduleTiming, fromMs: number, toMs: number, memo?: OccurrenceMemo): number | undefined => {
  let latest: number | undefined;
  for (let o = occurrenceFrom(t, fromMs, memo); o !== undefined && o <= toMs; o = occurrenceFrom(t, o + 1, memo)) latest = o;
  return latest;
};

/** What the materialiser does with one due schedule. */
export interface RunPlan {
  /** The occurrence to produce a message for; undefined when a missed occurrence is skipped. */
  fire?: number;
  /** The new cursor; undefined when no occurrence is left (the schedule completes). */
  nextRunAt?: number;
  /** The due occurrence had already passed (downtime or lag): the misfire rule applied. */
  missed: boolean;
}

/**
 * Decides a due schedule (`nextRunAt` set): an occurrence still ahead runs as planned. A passed
 * one is a misfire: only the latest occurrence up to now may run, and only if it is at most
 * `misfireGraceSeconds` old; otherwise nothing runs. Either way the cursor moves past now, so
 * downtime never causes a storm of catch-up runs.
 */
export const planRun = (
  s: ScheduleTiming & Pick<Schedule, 'nextRunAt' | 'misfireGraceSeconds'>,
  now: number,
  memo: OccurrenceMemo = occurrenceMemo(),
): RunPlan => {
  const due = s.nextRunAt;
  if (due === undefined) throw new TypeError('planRun needs a schedule with nextRunAt');
  if (due >= now) return { fire: due, nextRunAt: occurrenceFrom(s, due + 1, memo), missed: false };
  const fire = latestOccurrence(s, Math.max(due, now - s.misfireGraceSeconds * 1000), now, memo);
  return { ...(fire !== undefined ? { fire } : {}), nextRunAt: occurrenceFrom(s, now + 1, memo), missed: true };
};

/**
 * Whether a materialised run that has not started yet must be withdrawn when the misfire rule
 * applies: it is older than the occurrence that now runs, or past its grace when none runs.
 */
export const runSuperseded = (runAt: number, plan: RunPlan, now: number, misfireGraceSeconds: number): boolean =>
  plan.missed && (plan.fire !== undefined ? runAt < plan.fire : now - runAt > misfireGraceSeconds * 1000);

/** Whether a run's first attempt, starting at `now`, is too late to be made at all. */
export const runMisfired = (sendAt: number, now: number, misfireGraceSeconds: number): boolean =>
  now - sendAt > misfireGraceSeconds * 1000 + deliverySlackMs;

/**
 * Why the first attempt of an occurrence's run, about to start at `now`, must not be made:
 * it is past its grace, or a later occurrence is already due (the materialiser runs only the
 * latest missed one). Undefined means deliver. Only runs delayed by downtime or a backlog qualify.
 */
export const runSkipReason = (
  sendAt: number,
  s: Pick<Schedule, 'state' | 'nextRunAt' | 'misfireGraceSeconds'>,
  now: number,
): string | undefined => {
  const late = `${Math.round((now - sendAt) / 1000)} s late`;
  if (runMisfired(sendAt, now, s.misfireGraceSeconds))
    return `skipped: ${late}, past the schedule's misfireGraceSeconds (${s.misfireGraceSeconds})`;
  if (s.state === 'active' && s.nextRunAt !== undefined && s.nextRunAt <= now)
    return `skipped: ${late}, superseded by a later occurrence (misfire rule)`;
  return undefined;
};

/** Whether the latest materialised run is still ahead of `now` (it can be withdrawn). */
export const hasRunAhead = (s: Pick<Schedule, 'latestRunAt' | 'latestRunId'>, now: number): boolean =>
  s.latestRunAt !== undefined && s.latestRunId !== undefined && s.latestRunAt > now;

/** The state a client sees: a schedule completed by materialising its last run is active until that run's time. */
export const effectiveState = (s: Schedule, now: number): ScheduleState =>
  s.state === 'completed' && hasRunAhead(s, now) ? 'active' : s.state;

/** The next and last run as a client sees them, given that runs are materialised ahead of time. */
export const scheduleView = (s: Schedule, now: number): { state: ScheduleState; nextRunAt?: number; lastRunAt?: number } => {
  const ahead = hasRunAhead(s, now);
  const state = effectiveState(s, now);
  const nextRunAt = ahead ? s.latestRunAt : state === 'active' ? s.nextRunAt : undefined;
  const lastRunAt = ahead ? s.priorRunAt : s.latestRunAt;
  return { state, ...(nextRunAt !== undefined ? { nextRunAt } : {}), ...(lastRunAt !== undefined ? { lastRunAt } : {}) };
};

/**
 * The idempotency key of an occurrence's message: a crash between creating the message and
 * advancing the schedule re-creates the same key, so one occurrence never runs twice. The
 * revision makes an occurrence withdrawn by pause or patch plannable again.
 */
export const runIdempotencyKey = (s: Pick<Schedule, 'id' | 'revision'>, occurrence: number): string =>
  `sch:${s.id}:${s.revision}:${occurrence}`;

/** Whether a message is a materialised occurrence (not a triggered run). */
export const isOccurrenceRun = (m: { scheduleId?: string; idempotencyKey?: string }): boolean =>
  m.scheduleId !== undefined && m.idempotencyKey?.startsWith(`sch:${m.scheduleId}:`) === true;
