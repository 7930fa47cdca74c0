import { requireChainApps } from '../apps/chain-links';
import { AppNotFoundError } from '../apps/errors';
import type { AppStore } from '../apps/port';
import type { Clock } from '../domain/clock';
import { PayloadTooLargeError, ValidationError } from '../domain/errors';
import { newId } from '../domain/ids';
import { announceRun } from '../events/announce';
import type { EventSink } from '../events/port';
import { capPageBytes, defaultPageLimit, type Page, responseBytesOf } from '../domain/page';
import { requireAppAccess, resolveAppId } from '../keys/access';
import type { Principal } from '../keys/model';
import { maxPayloadBytes, resultBytesOf, type Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import { ScheduleChangedError, ScheduleNotFoundError, ScheduleStateConflictError } from './errors';
import { defaultMisfireGraceSeconds, defaultTimezone, effectiveState, hasRunAhead, occurrenceFrom, type Schedule } from './model';
import type { ScheduleChange, ScheduleStore } from './port';
import { buildRun, withdrawRun, type RunSink } from './runs';
import {
  defaultPreviewCount,
  type ScheduleCreateInput,
  type ScheduleListQuery,
  type SchedulePreviewInput,
  type ScheduleUpdateInput,
} from './schemas';
import { checkTiming, neverRunsError, toMs } from './timing';

export interface ScheduleServiceDeps {
  schedules: ScheduleStore;
  apps: AppStore;
  /** Read and withdraw runs. */
  messages: MessageStore;
  /** Stores triggered runs (and meters and enqueues them). */
  runs: RunSink;
  clock: Clock;
  /**
   * Called with the schedule after a change that may bring an occurrence within the materialiser's horizon (create,
   * resume, timing change). Embedded: asks the running materialiser to look soon. AWS: materialises this schedule
   * alone now, before the response (a Lambda freezes after it), so a first run within minutes does not wait for the
   * sweep, and an API call never makes a pass over every tenant's due schedules.
   */
  nudge?: (schedule: Schedule) => void | Promise<void>;
  /** Admission control of a triggered run, as for any message a client creates (plan limits); throws to refuse. */
  admit?: (p: Principal, count: number) => Promise<void>;
  /** Refuses one more active schedule for the tenant (the plan's `maxActiveSchedules`); throws to refuse. */
  admitSchedule?: (tenantId: string) => Promise<void>;
  /** Where triggered runs are announced (`schedule.run`). @default none */
  events?: EventSink;
}

/** How often a client change is retried when the materialiser moved the schedule underneath it. */
const maxWriteAttempts = 3;

/** A schedule request with its payload's text as the client sent it, when it has a payload. */
export type WithPayloadText<T> = T & {
  /** The payload's JSON text exactly as the client wrote it (kept and delivered byte for byte); `JSON.stringify(payload)` when absent. */
  payloadText?: string;
};

/** The payload's JSON text to store: the client's own (`payloadText`, byte for byte) or the value's serialisation. */
const serialize = (payload: unknown, payloadText?: string, path = 'payload'): string => {
  const text = payloadText ?? JSON.stringify(payload);
  if (Buffer.byteLength(text) > maxPayloadBytes) throw new PayloadTooLargeError(`${path} is over ${maxPayloadBytes / 1024} KiB serialized`);
  return text;
};

/** Use cases of schedules. Occurrences themselves are produced by the materialiser (libs/schedules/materializer.ts). */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  /** Validates and stores a schedule with its first `nextRunAt` (paused when `enabled` is false). */
  async create(p: Principal, input: WithPayloadText<ScheduleCreateInput>): Promise<Schedule> {
    const appId = resolveAppId(p, input.appId);
    if (!appId)
      throw new ValidationError('appId is required with a control key', [{ path: 'appId', issue: 'required with a control key' }]);
    if (!(await this.deps.apps.get(p.tenantId, appId))) throw new AppNotFoundError(appId);
    await requireChainApps(this.deps.apps, p.tenantId, input);
    const now = this.deps.clock.now();
    const timing = checkTiming(
      {
        expression: input.expression,
        timezone: input.timezone ?? defaultTimezone,
        startAt: toMs(input.startAt),
        endAt: toMs(input.endAt),
        createdAt: now,
      },
      now,
    );
    if (timing.first === undefined) throw neverRunsError(timing, now);
    const enabled = input.enabled ?? true;
    if (enabled) await this.deps.admitSchedule?.(p.tenantId);
    const schedule: Schedule = {
      id: newId('sch', { tenantId: p.tenantId }),
      tenantId: p.tenantId,
      appId,
      keyId: p.keyId,
      name: input.name,
      expression: timing.expression,
      timezone: timing.timezone,
      ...(timing.startAt !== undefined ? { startAt: timing.startAt } : {}),
      ...(timing.endAt !== undefined ? { endAt: timing.endAt } : {}),
      payload: serialize(input.payload, input.payloadText),
      ...(input.headers ? { headers: input.headers } : {}),
      ...(input.retryPolicy ? { retryPolicy: input.retryPolicy } : {}),
      misfireGraceSeconds: input.misfireGraceSeconds ?? defaultMisfireGraceSeconds,
      ...(input.onSuccess ? { onSuccess: input.onSuccess } : {}),
      ...(input.onFailure ? { onFailure: input.onFailure } : {}),
      ...(input.overlap === 'skip' ? { overlap: input.overlap } : {}),
      state: enabled ? 'active' : 'paused',
      ...(enabled ? { nextRunAt: timing.first } : {}),
      runCount: 0,
      skipCount: 0,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.schedules.create(schedule);
    if (enabled) await this.deps.nudge?.(schedule);
    return schedule;
  }

  /**
   * The first `count` occurrences of a timing at or after `startAt` (default now), within `endAt`: the same validation,
   * errors and next-occurrence function as a schedule's (a `rate()` counts from `startAt`, or now).
   */
  preview(input: SchedulePreviewInput): number[] {
    const now = this.deps.clock.now();
    const startAt = toMs(input.startAt);
    const timing = checkTiming(
      { expression: input.expression, timezone: input.timezone ?? defaultTimezone, startAt, endAt: toMs(input.endAt), createdAt: now },
      now,
    );
    const count = input.count ?? defaultPreviewCount;
    const found: number[] = [];
    for (let o = occurrenceFrom(timing, startAt ?? now); o !== undefined && found.length < count; o = occurrenceFrom(timing, o + 1)) {
      found.push(o);
    }
    if (!found.length) throw neverRunsError(timing, now);
    return found;
  }

  /** The tenant's schedules, newest first (a data key sees its app's only); a page ends early past `maxPageBytes`. */
  async list(p: Principal, q: ScheduleListQuery): Promise<Page<Schedule>> {
    const appId = resolveAppId(p, q.appId);
    const page = await this.deps.schedules.list(p.tenantId, { appId }, { limit: q.limit ?? defaultPageLimit, cursor: q.cursor });
    return capPageBytes(page, (s) => responseBytesOf(s.payload));
  }

  /** The tenant's schedule (404 for another tenant's id, 403 for a data key of another app). */
  async get(p: Principal, id: string): Promise<Schedule> {
    const s = await this.deps.schedules.get(p.tenantId, id);
    if (!s) throw new ScheduleNotFoundError(id);
    requireAppAccess(p, s.appId);
    return s;
  }

  /**
   * Changes fields; a timing change recomputes `nextRunAt` from now, keeping a run already
   * materialised only if the new timing still has it. Produced messages are not changed.
   */
  async update(p: Principal, id: string, input: WithPayloadText<ScheduleUpdateInput>): Promise<Schedule> {
    await requireChainApps(this.deps.apps, p.tenantId, input);
    return this.write(p, id, 'withdrawn: the schedule timing changed', (s, now) => {
      const change: ScheduleChange = { updatedAt: now };
      if (input.name !== undefined) change.name = input.name;
      if (input.payload !== undefined) change.payload = serialize(input.payload, input.payloadText);
      if (input.headers !== undefined) change.headers = input.headers;
      if (input.retryPolicy !== undefined) change.retryPolicy = input.retryPolicy;
      if (input.misfireGraceSeconds !== undefined) change.misfireGraceSeconds = input.misfireGraceSeconds;
      // null clears a link (a key present with undefined clears the field).
      if (input.onSuccess !== undefined) change.onSuccess = input.onSuccess ?? undefined;
      if (input.onFailure !== undefined) change.onFailure = input.onFailure ?? undefined;
      if (input.overlap !== undefined) change.overlap = input.overlap === 'skip' ? 'skip' : undefined;
      const timingChanged =
        input.expression !== undefined || input.timezone !== undefined || input.startAt !== undefined || input.endAt !== undefined;
      if (!timingChanged) return { change };
      const state = effectiveState(s, now);
      if (state === 'completed') throw new ScheduleStateConflictError(id, state, 'change the timing of', 'create a new schedule instead');
      const t = checkTiming(
        {
          expression: input.expression ?? s.expression,
          timezone: input.timezone ?? s.timezone,
          startAt: input.startAt !== undefined ? toMs(input.startAt) : s.startAt,
          endAt: input.endAt !== undefined ? toMs(input.endAt) : s.endAt,
          createdAt: s.createdAt,
        },
        now,
      );
      Object.assign(change, {
        expression: t.expression,
        timezone: t.timezone,
        startAt: t.startAt,
        endAt: t.endAt,
        revision: s.revision + 1,
      });
      if (state === 'paused') return { change };
      const ahead = hasRunAhead(s, now);
      const keep = ahead && occurrenceFrom(t, s.latestRunAt!) === s.latestRunAt;
      const withdraw = ahead && !keep;
      if (withdraw) Object.assign(change, { latestRunAt: s.priorRunAt, latestRunId: undefined });
      // Never plan an occurrence at or before a run that stays materialised.
      const from = keep ? s.latestRunAt! + 1 : !withdraw && s.latestRunAt !== undefined ? Math.max(now, s.latestRunAt + 1) : now;
      const next = occurrenceFrom(t, from);
      Object.assign(change, { nextRunAt: next, state: next === undefined ? 'completed' : 'active' });
      return { change, withdraw };
    });
  }

  /** Stops future runs and withdraws a run already materialised; messages produced stay readable. */
  async delete(p: Principal, id: string): Promise<void> {
    await this.get(p, id);
    const removed = await this.deps.schedules.delete(p.tenantId, id);
    if (!removed) throw new ScheduleNotFoundError(id);
    await this.withdrawAhead([removed], 'withdrawn: the schedule was deleted');
  }

  /** `active` → `paused`, withdrawing the pending occurrence; pausing a paused schedule changes nothing. */
  async pause(p: Principal, id: string): Promise<Schedule> {
    return this.write(p, id, 'withdrawn: the schedule was paused', (s, now) => {
      const state = effectiveState(s, now);
      if (state === 'completed') throw new ScheduleStateConflictError(id, state, 'pause');
      if (state === 'paused') return undefined;
      const withdraw = hasRunAhead(s, now);
      const change: ScheduleChange = { state: 'paused', nextRunAt: undefined, revision: s.revision + 1, updatedAt: now };
      if (withdraw) Object.assign(change, { latestRunAt: s.priorRunAt, latestRunId: undefined });
      return { change, withdraw };
    });
  }

  /**
   * `paused` → `active` from the next occurrence after now (missed ones are not produced), within the plan's
   * `maxActiveSchedules`; `completed` → 409.
   */
  async resume(p: Principal, id: string): Promise<Schedule> {
    const current = await this.get(p, id);
    if (effectiveState(current, this.deps.clock.now()) === 'paused') await this.deps.admitSchedule?.(p.tenantId);
    return this.write(p, id, '', (s, now) => {
      const state = effectiveState(s, now);
      if (state === 'completed') throw new ScheduleStateConflictError(id, state, 'resume', 'it has no occurrence left');
      if (state === 'active') return undefined;
      const next = occurrenceFrom(s, s.latestRunAt !== undefined ? Math.max(now, s.latestRunAt + 1) : now);
      return { change: { state: next === undefined ? 'completed' : 'active', nextRunAt: next, revision: s.revision + 1, updatedAt: now } };
    });
  }

  /** Creates a run due now, outside the regular occurrences (`nextRunAt` is unchanged). */
  async trigger(p: Principal, id: string): Promise<Message> {
    const s = await this.get(p, id);
    await this.deps.admit?.(p, 1);
    const now = this.deps.clock.now();
    const [result] = await this.deps.runs.store([buildRun(s, now, now, { keyId: p.keyId })]);
    await this.deps.schedules.update({ tenantId: s.tenantId, scheduleId: id, expected: undefined, change: { runs: 1 } });
    if (this.deps.events && result.created) announceRun(this.deps.events, s, result.message, { triggered: true });
    return result.message;
  }

  /** The schedule's runs (its messages, triggered ones included), newest first. */
  async runs(p: Principal, id: string, page: { limit?: number; cursor?: string; include?: 'result' }): Promise<Page<Message>> {
    await this.get(p, id);
    const runs = await this.deps.messages.list(
      p.tenantId,
      { scheduleId: id },
      { limit: page.limit ?? defaultPageLimit, cursor: page.cursor },
    );
    const withResults = page.include === 'result';
    return capPageBytes(runs, (m) => responseBytesOf(m.payload) + (withResults ? resultBytesOf(m.result) : 0));
  }

  /** App deletion: removes the app's schedules and withdraws their materialised runs. */
  async onAppDeleted(tenantId: string, appId: string): Promise<void> {
    await this.withdrawAhead(await this.deps.schedules.deleteAllForApp(tenantId, appId), 'withdrawn: the app was deleted');
  }

  /**
   * Read-modify-write on the schedule's state and cursor (compare-and-set), retried when the
   * materialiser advanced it meanwhile. `plan` returns undefined to change nothing.
   */
  private async write(
    p: Principal,
    id: string,
    reason: string,
    plan: (s: Schedule, now: number) => { change: ScheduleChange; withdraw?: boolean } | undefined,
  ): Promise<Schedule> {
    for (let attempt = 1; ; attempt++) {
      const s = await this.get(p, id);
      const now = this.deps.clock.now();
      const planned = plan(s, now);
      if (!planned) return s;
      const updated = await this.deps.schedules.update({
        tenantId: s.tenantId,
        scheduleId: id,
        expected: { state: s.state, nextRunAt: s.nextRunAt },
        change: planned.change,
      });
      if (updated) {
        if (planned.withdraw) await withdrawRun(this.deps.messages, s.tenantId, s.latestRunId!, now, reason);
        if (updated.state === 'active' && updated.nextRunAt !== s.nextRunAt) await this.deps.nudge?.(updated);
        return updated;
      }
      if (attempt >= maxWriteAttempts) throw new ScheduleChangedError(id);
    }
  }

  private async withdrawAhead(removed: Schedule[], reason: string): Promise<void> {
    const now = this.deps.clock.now();
    for (const s of removed) if (hasRunAhead(s, now)) await withdrawRun(this.deps.messages, s.tenantId, s.latestRunId!, now, reason);
  }
}
