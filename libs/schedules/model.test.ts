import { aSchedule } from '../../test/support/fixtures';
import { ManualClock } from '../domain/clock';
import {
  effectiveState,
  isOccurrenceRun,
  latestOccurrence,
  occurrenceFrom,
  planRun,
  runIdempotencyKey,
  runMisfired,
  runSkipReason,
  runSuperseded,
  scheduleView,
  type Schedule,
} from './model';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0); // a Monday, 12:00 UTC

const schedule = (over: Partial<Schedule> = {}): Schedule =>
  aSchedule({ id: 'sch_2J1n0ZRWJ7yO9yNzrDEI0mWxkXx', tenantId: 'ten_x', appId: 'app_x', createdAt: T0, updatedAt: T0, ...over });

describe('schedules model', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock(T0);
  });

  describe('occurrenceFrom', () => {
    it('counts rate() from creation in absolute time, the anchor included', () => {
      const s = schedule();
      expect(occurrenceFrom(s, T0)).toBe(T0);
      expect(occurrenceFrom(s, T0 + 1)).toBe(T0 + 5 * MIN);
      expect(occurrenceFrom(s, T0 + 61 * MIN)).toBe(T0 + 65 * MIN);
    });

    it('counts rate() from startAt, and a day is always 24 h across a DST change', () => {
      const start = Date.UTC(2026, 2, 28, 12, 0, 0); // the day before Europe's spring-forward
      const s = schedule({ expression: 'rate(1 day)', timezone: 'Europe/Paris', startAt: start });
      expect(occurrenceFrom(s, T0 - 100 * 24 * HOUR)).toBe(start);
      expect(occurrenceFrom(s, start + 1)).toBe(start + 24 * HOUR);
    });

    it('keeps cron() occurrences inside [startAt, endAt]', () => {
      const s = schedule({ expression: 'cron(0 9 * * ? *)', timezone: 'America/New_York', startAt: T0 + 48 * HOUR, endAt: T0 + 72 * HOUR });
      const first = occurrenceFrom(s, T0)!;
      expect(new Date(first).toISOString()).toBe('2026-06-03T13:00:00.000Z'); // 09:00 EDT, on or after startAt
      expect(occurrenceFrom(s, first + 1)).toBeUndefined(); // the next 09:00 is after endAt
    });

    it('has one occurrence for at(), none after it', () => {
      const s = schedule({ expression: 'at(2027-03-14T09:00:00)', timezone: 'America/Los_Angeles' });
      const at = occurrenceFrom(s, T0)!;
      expect(new Date(at).toISOString()).toBe('2027-03-14T16:00:00.000Z');
      expect(occurrenceFrom(s, at + 1)).toBeUndefined();
    });
  });

  describe('latestOccurrence', () => {
    it('finds the last occurrence of a window, or none', () => {
      const s = schedule({ expression: 'cron(*/10 * * * ? *)' });
      expect(latestOccurrence(s, T0 + 1, T0 + 35 * MIN)).toBe(T0 + 30 * MIN);
      expect(latestOccurrence(s, T0 + 1, T0 + 9 * MIN)).toBeUndefined();
    });
  });

  describe('planRun', () => {
    it('fires an occurrence still ahead as planned and moves the cursor to the next', () => {
      const s = schedule({ nextRunAt: T0 + 5 * MIN });
      clock.advance(5 * MIN - 8_000);
      expect(planRun(s, clock.now())).toEqual({ fire: T0 + 5 * MIN, nextRunAt: T0 + 10 * MIN, missed: false });
    });

    it('fires an occurrence due exactly now as planned', () => {
      const s = schedule({ nextRunAt: T0 });
      expect(planRun(s, clock.now())).toEqual({ fire: T0, nextRunAt: T0 + 5 * MIN, missed: false });
    });

    it('after downtime within grace, fires once for the latest missed occurrence only', () => {
      const s = schedule({ nextRunAt: T0 + 5 * MIN });
      clock.advance(18 * MIN); // missed 12:05, 12:10 and 12:15
      expect(planRun(s, clock.now())).toEqual({ fire: T0 + 15 * MIN, nextRunAt: T0 + 20 * MIN, missed: true });
    });

    it('after downtime beyond grace, fires nothing and continues with the next future occurrence', () => {
      const s = schedule({ nextRunAt: T0 + 5 * MIN, misfireGraceSeconds: 120 });
      clock.advance(18 * MIN); // the latest missed, 12:15, is 3 minutes old
      expect(planRun(s, clock.now())).toEqual({ nextRunAt: T0 + 20 * MIN, missed: true });
    });

    it('applies the grace per schedule, down to zero', () => {
      const s = schedule({ nextRunAt: T0, misfireGraceSeconds: 0 });
      clock.advance(1);
      expect(planRun(s, clock.now()).fire).toBeUndefined();
    });

    it('skips a long downtime of an every-minute cron without walking it', () => {
      const s = schedule({ expression: 'cron(* * * * ? *)', nextRunAt: T0 + MIN });
      clock.advance(30 * 24 * HOUR + 30_000);
      expect(planRun(s, clock.now())).toEqual({ fire: T0 + 30 * 24 * HOUR, nextRunAt: T0 + 30 * 24 * HOUR + MIN, missed: true });
    });

    it('completes after the last occurrence of at() or before endAt', () => {
      const at = schedule({ expression: 'at(2026-06-01T12:30:00)', nextRunAt: T0 + 30 * MIN });
      expect(planRun(at, clock.now())).toEqual({ fire: T0 + 30 * MIN, missed: false });
      const ending = schedule({ nextRunAt: T0 + 10 * MIN, endAt: T0 + 12 * MIN });
      expect(planRun(ending, clock.now())).toEqual({ fire: T0 + 10 * MIN, missed: false });
    });

    it('completes a missed at() beyond grace without running it', () => {
      const at = schedule({ expression: 'at(2026-06-01T12:30:00)', nextRunAt: T0 + 30 * MIN });
      clock.advance(2 * HOUR);
      expect(planRun(at, clock.now())).toEqual({ missed: true });
    });
  });

  describe('runSuperseded', () => {
    const now = T0 + 18 * MIN;
    it('withdraws an unstarted run older than the occurrence the misfire rule runs', () => {
      expect(runSuperseded(T0 + 5 * MIN, { fire: T0 + 15 * MIN, missed: true }, now, 300)).toBe(true);
    });
    it('withdraws it past its grace when nothing runs, keeps it within', () => {
      expect(runSuperseded(T0 + 5 * MIN, { missed: true }, now, 300)).toBe(true);
      expect(runSuperseded(T0 + 15 * MIN, { missed: true }, now, 300)).toBe(false);
    });
    it('never withdraws in steady state', () => {
      expect(runSuperseded(T0 + 5 * MIN, { fire: T0 + 20 * MIN, missed: false }, now, 300)).toBe(false);
    });
  });

  describe('runMisfired', () => {
    it('tolerates the engine slack on top of the grace', () => {
      expect(runMisfired(T0, T0 + 300_000 + 5_000, 300)).toBe(false);
      expect(runMisfired(T0, T0 + 300_000 + 5_001, 300)).toBe(true);
    });
  });

  describe('runSkipReason', () => {
    const s = schedule({ nextRunAt: T0 + 5 * MIN });
    it('delivers a run that is on time or late within its grace', () => {
      expect(runSkipReason(T0, s, T0 + 2 * MIN)).toBeUndefined();
    });
    it('skips a run past its grace', () => {
      expect(runSkipReason(T0, { ...s, misfireGraceSeconds: 60 }, T0 + 2 * MIN)).toMatch(/misfireGraceSeconds \(60\)/);
    });
    it('skips a run whose schedule already has a later occurrence due', () => {
      expect(runSkipReason(T0, s, T0 + 5 * MIN)).toMatch(/superseded/);
      expect(runSkipReason(T0, { ...s, state: 'paused', nextRunAt: undefined }, T0 + 5 * MIN)).toBeUndefined();
    });
  });

  describe('scheduleView', () => {
    it('shows a run materialised ahead as the next run, the one before as the last', () => {
      const s = schedule({ nextRunAt: T0 + 10 * MIN, latestRunAt: T0 + 5 * MIN, latestRunId: 'msg_a', priorRunAt: T0 });
      clock.advance(5 * MIN - 5_000);
      expect(scheduleView(s, clock.now())).toEqual({ state: 'active', nextRunAt: T0 + 5 * MIN, lastRunAt: T0 });
      clock.advance(5_000);
      expect(scheduleView(s, clock.now())).toEqual({ state: 'active', nextRunAt: T0 + 10 * MIN, lastRunAt: T0 + 5 * MIN });
    });

    it('keeps a schedule whose last run is still ahead active until that run is due', () => {
      const s = schedule({ state: 'completed', latestRunAt: T0 + 5_000, latestRunId: 'msg_a' });
      expect(effectiveState(s, clock.now())).toBe('active');
      expect(scheduleView(s, clock.now())).toEqual({ state: 'active', nextRunAt: T0 + 5_000 });
      clock.advance(5_000);
      expect(scheduleView(s, clock.now())).toEqual({ state: 'completed', lastRunAt: T0 + 5_000 });
    });

    it('shows no next run while paused', () => {
      expect(scheduleView(schedule({ state: 'paused', latestRunAt: T0 - MIN }), clock.now())).toEqual({
        state: 'paused',
        lastRunAt: T0 - MIN,
      });
    });
  });

  describe('runIdempotencyKey', () => {
    it('is one key per occurrence and revision, and marks occurrence runs', () => {
      const s = schedule({ revision: 2 });
      const key = runIdempotencyKey(s, T0);
      expect(key).toBe(`sch:${s.id}:2:${T0}`);
      expect(isOccurrenceRun({ scheduleId: s.id, idempotencyKey: key })).toBe(true);
      expect(isOccurrenceRun({ scheduleId: s.id })).toBe(false);
    });
  });
});
