import { ManualClock } from '../domain/clock';
import type { Principal } from '../keys/model';
import type { Message } from '../messages/model';
import { scheduleView } from './model';
import type { RunSink } from './runs';
import type { ScheduleCreateInput } from './schemas';
import { openHarness, openHarnessWithApp, type tempDir, type Harness } from '../../test/support/schedules-harness';
import { misfireVet } from './misfire';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('Materializer (SQLite, fake clock)', () => {
  let clock: ManualClock;
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let p: Principal;
  let appId: string;
  const create = (over: Partial<ScheduleCreateInput> = {}) =>
    h.schedules.create(p, { appId, name: 'every 5', expression: 'rate(5 minutes)', payload: { n: 1 }, ...over });
  /** Stops the service and starts it again on the same database, as after downtime. */
  const restart = async (options: Parameters<typeof openHarness>[2] = {}) => {
    await h.close();
    h = openHarness(dir.dir, clock, options);
  };

  beforeEach(async () => {
    clock = new ManualClock(T0);
    ({ dir, h, p, appId } = await openHarnessWithApp(clock));
  });
  afterEach(async () => {
    await h.close();
    dir.remove();
  });

  describe('completion', () => {
    it('produces every occurrence up to endAt, then completes', async () => {
      const s = await create({ endAt: new Date(T0 + 12 * MIN).toISOString() });
      for (let t = T0; t <= T0 + 20 * MIN; t += MIN) {
        clock.set(t);
        await h.materializer.tick();
      }
      expect((await h.runs(p, s.id)).map((m) => m.sendAt)).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN]);
      const done = await h.schedules.get(p, s.id);
      expect(done).toMatchObject({ state: 'completed', runCount: 3 });
      expect(scheduleView(done, clock.now())).toEqual({ state: 'completed', lastRunAt: T0 + 10 * MIN });
    });

    it('completes an at() schedule with its one run, reading active until the run is due', async () => {
      const s = await create({ expression: 'at(2026-06-01T09:00:00)', timezone: 'America/New_York' }); // 13:00 UTC
      clock.set(T0 + 60 * MIN - 5_000);
      const stats = await h.materializer.tick();
      expect(stats).toMatchObject({ runs: 1, completed: 1 });
      expect(scheduleView(await h.schedules.get(p, s.id), clock.now())).toEqual({ state: 'active', nextRunAt: T0 + 60 * MIN });
      clock.set(T0 + 60 * MIN);
      expect(scheduleView(await h.schedules.get(p, s.id), clock.now())).toEqual({ state: 'completed', lastRunAt: T0 + 60 * MIN });
      clock.set(T0 + 10 * 60 * MIN);
      expect((await h.materializer.tick()).schedules).toBe(0);
      expect(await h.runs(p, s.id)).toHaveLength(1);
    });
  });

  describe('misfire after a restart', () => {
    it('within grace: exactly one run, for the latest missed occurrence', async () => {
      const s = await create();
      await h.materializer.tick(); // 12:00
      await restart();
      clock.set(T0 + 18 * MIN); // down over 12:05, 12:10, 12:15
      const stats = await h.materializer.tick();
      expect(stats).toMatchObject({ schedules: 1, runs: 1, skipped: 0 });
      expect((await h.runs(p, s.id)).map((m) => m.sendAt)).toEqual([T0, T0 + 15 * MIN]);
      expect(scheduleView(await h.schedules.get(p, s.id), clock.now())).toEqual({
        state: 'active',
        nextRunAt: T0 + 20 * MIN,
        lastRunAt: T0 + 15 * MIN,
      });
    });

    it('beyond grace: no run, and the next occurrence is in the future', async () => {
      const s = await create({ misfireGraceSeconds: 60 });
      await h.materializer.tick();
      await restart();
      clock.set(T0 + 18 * MIN);
      expect(await h.materializer.tick()).toMatchObject({ runs: 0, skipped: 1 });
      expect((await h.runs(p, s.id)).map((m) => m.sendAt)).toEqual([T0]);
      const view = scheduleView(await h.schedules.get(p, s.id), clock.now());
      expect(view.nextRunAt).toBe(T0 + 20 * MIN);
      expect(view.nextRunAt!).toBeGreaterThan(clock.now());
    });

    it('a run materialised just before the stop gives way to the latest missed occurrence', async () => {
      const s = await create();
      clock.set(T0 + 5 * MIN - 5_000);
      await h.materializer.tick(); // 12:00 (late, within grace) and 12:05 (ahead) across two ticks
      await h.materializer.tick();
      await restart();
      clock.set(T0 + 18 * MIN);
      await h.materializer.tick();
      const runs = await h.runs(p, s.id);
      expect(runs.map((m) => [m.sendAt, m.status])).toEqual([
        [T0, 'scheduled'],
        [T0 + 5 * MIN, 'aborted'],
        [T0 + 15 * MIN, 'scheduled'],
      ]);
      expect(runs[1].lastError).toMatch(/misfire/);
    });

    it('the engine skips a run materialised before the stop that it would start past its grace', async () => {
      const s = await create({ expression: 'cron(0 13 * * ? *)', misfireGraceSeconds: 120 });
      clock.set(T0 + 60 * MIN - 5_000);
      await h.materializer.tick();
      const [run] = await h.runs(p, s.id);
      const vet = misfireVet(h.stores.schedules);
      expect(await vet(run, T0 + 60 * MIN + 1_000)).toBeUndefined();
      expect(await vet(run, T0 + 63 * MIN)).toMatch(/misfireGraceSeconds \(120\)/);
      expect(await vet({ ...run, attemptCount: 1 }, T0 + 63 * MIN)).toBeUndefined(); // a retry is not a misfire
      expect(await vet(await h.schedules.trigger(p, s.id), T0 + 63 * MIN)).toBeUndefined();
    });

    it('the engine skips a run reached after a later occurrence of its schedule is already due', async () => {
      const s = await create();
      clock.set(T0 + 5 * MIN - 5_000);
      await h.materializer.tick();
      await h.materializer.tick();
      const runs = await h.runs(p, s.id);
      const ahead = runs.find((m) => m.sendAt === T0 + 5 * MIN)!;
      const vet = misfireVet(h.stores.schedules);
      // Back after 5 minutes: 12:10 is due and the materialiser has not caught up yet.
      expect(await vet(ahead, T0 + 10 * MIN + 1_000)).toMatch(/superseded/);
      expect(await vet(ahead, T0 + 5 * MIN + 1_000)).toBeUndefined();
    });
  });

  describe('crash and races', () => {
    it('a crash between creating the run and advancing the schedule never runs an occurrence twice', async () => {
      const s = await create();
      let crash = true;
      await restart({
        sink: (inner: RunSink): RunSink => ({
          store: async (messages: Message[]) => {
            const results = await inner.store(messages);
            if (crash) throw new Error('killed after the message write');
            return results;
          },
        }),
      });
      await expect(h.materializer.tick()).rejects.toThrow(/killed/);
      expect((await h.schedules.get(p, s.id)).nextRunAt).toBe(T0);
      crash = false;
      expect(await h.materializer.tick()).toMatchObject({ schedules: 1, runs: 0 }); // found, not created
      expect((await h.runs(p, s.id)).map((m) => m.sendAt)).toEqual([T0]);
      expect(await h.schedules.get(p, s.id)).toMatchObject({ nextRunAt: T0 + 5 * MIN, runCount: 1 });
    });

    it('a pause racing the tick wins: the run just created is withdrawn', async () => {
      const s = await create();
      await restart({
        sink: (inner: RunSink): RunSink => ({
          store: async (messages: Message[]) => {
            const results = await inner.store(messages);
            await h.schedules.pause(p, s.id);
            return results;
          },
        }),
      });
      expect(await h.materializer.tick()).toMatchObject({ runs: 1, conflicts: 1 });
      expect((await h.runs(p, s.id)).map((m) => m.status)).toEqual(['aborted']);
      expect(await h.schedules.get(p, s.id)).toMatchObject({ state: 'paused', runCount: 0 });
    });
  });

  describe('scale', () => {
    it('handles more due schedules than one batch in a tick, in batches, and then reads none', async () => {
      await restart({ materializer: { batchSize: 7 } });
      for (let i = 0; i < 30; i++) await create({ startAt: new Date(T0 + i * 1_000).toISOString() });
      clock.set(T0 + 29_000);
      expect(await h.materializer.tick()).toMatchObject({ schedules: 30, runs: 30 });
      expect((await h.materializer.tick()).schedules).toBe(0);
    });

    it('stops at maxPerTick and leaves the rest to the next tick', async () => {
      await restart({ materializer: { batchSize: 4, maxPerTick: 10 } });
      for (let i = 0; i < 15; i++) await create();
      expect((await h.materializer.tick()).schedules).toBe(10);
      expect((await h.materializer.tick()).schedules).toBe(5);
    });
  });

  describe('materialiseOne (an API call on AWS)', () => {
    it('materialises only the schedule it is given, leaving every other due schedule to the sweep', async () => {
      const others = [await create(), await create()];
      const mine = await create();

      const stats = await h.materializer.materialiseOne(mine);

      expect(stats).toMatchObject({ schedules: 1, runs: 1 });
      expect((await h.runs(p, mine.id)).map((m) => m.sendAt)).toEqual([T0]);
      for (const o of others) expect(await h.runs(p, o.id)).toEqual([]);
      expect(await h.schedules.get(p, mine.id)).toMatchObject({ nextRunAt: T0 + 5 * MIN, runCount: 1 });
      // A tick afterwards produces the same run once (same occurrence) and the others' runs.
      expect(await h.materializer.tick()).toMatchObject({ schedules: 2, runs: 2 });
      expect(await h.runs(p, mine.id)).toHaveLength(1);
    });

    it('does nothing for a schedule that is paused or whose next run is beyond the horizon', async () => {
      const later = await create({ startAt: new Date(T0 + 60 * MIN).toISOString() });
      const paused = await create({ enabled: false });

      expect((await h.materializer.materialiseOne(later)).schedules).toBe(0);
      expect((await h.materializer.materialiseOne(paused)).schedules).toBe(0);
      expect(await h.runs(p, later.id)).toEqual([]);
      expect(await h.runs(p, paused.id)).toEqual([]);
    });

    it('loses a race with a tick that moved the schedule on, and leaves one run', async () => {
      const s = await create();
      await h.materializer.tick();

      // The API call still holds the schedule as it was before the tick.
      expect(await h.materializer.materialiseOne(s)).toMatchObject({ conflicts: 1 });
      expect((await h.runs(p, s.id)).map((m) => m.status)).toEqual(['scheduled']);
    });
  });
});
