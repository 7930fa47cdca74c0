import { ManualClock } from '../domain/clock';
import { ConflictError, ForbiddenScopeError, InvalidExpressionError, InvalidTimezoneError, NotFoundError } from '../domain/errors';
import type { Principal } from '../keys/model';
import { scheduleView } from './model';
import type { ScheduleCreateInput } from './schemas';
import { controlKey, dataKey } from '../../test/support/fixtures';
import { openHarnessWithApp, type tempDir, type Harness } from '../../test/support/schedules-harness';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('ScheduleService (SQLite, fake clock)', () => {
  let clock: ManualClock;
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let p: Principal;
  let appId: string;
  const create = (over: Partial<ScheduleCreateInput> = {}) =>
    h.schedules.create(p, { appId, name: 'every 5', expression: 'rate(5 minutes)', payload: { n: 1 }, ...over });
  const view = async (id: string) => scheduleView(await h.schedules.get(p, id), clock.now());

  beforeEach(async () => {
    clock = new ManualClock(T0);
    ({ dir, h, p, appId } = await openHarnessWithApp(clock));
  });
  afterEach(async () => {
    await h.close();
    dir.remove();
  });

  describe('create', () => {
    it('stores the first nextRunAt; the materialiser turns it into a message with scheduleId a few seconds ahead', async () => {
      const s = await create({ startAt: new Date(T0 + 10 * MIN).toISOString(), headers: { 'x-a': '1' } });
      expect(s).toMatchObject({
        state: 'active',
        nextRunAt: T0 + 10 * MIN,
        expression: 'rate(5 minutes)',
        timezone: 'UTC',
        misfireGraceSeconds: 300,
      });
      expect((await h.materializer.tick()).runs).toBe(0);
      clock.set(T0 + 10 * MIN - 5_000);
      expect((await h.materializer.tick()).runs).toBe(1);
      const [run] = await h.runs(p, s.id);
      expect(run).toMatchObject({
        scheduleId: s.id,
        sendAt: T0 + 10 * MIN,
        status: 'scheduled',
        payload: '{"n":1}',
        headers: { 'x-a': '1' },
      });
      expect(h.enqueued.map((r) => r.id)).toEqual([run.id]);
      expect(await view(s.id)).toEqual({ state: 'active', nextRunAt: T0 + 10 * MIN });
      clock.set(T0 + 10 * MIN);
      expect(await view(s.id)).toEqual({ state: 'active', nextRunAt: T0 + 15 * MIN, lastRunAt: T0 + 10 * MIN });
      expect((await h.schedules.get(p, s.id)).runCount).toBe(1);
    });

    it('normalises a Unix cron and can start paused', async () => {
      const s = await create({ expression: '0 9 * * 1-5', timezone: 'Europe/Paris', enabled: false });
      expect(s).toMatchObject({ expression: 'cron(0 9 ? * 2-6 *)', state: 'paused' });
      expect(s.nextRunAt).toBeUndefined();
    });

    it('refuses bad input with the field and the reason', async () => {
      await expect(create({ expression: 'rate(30 seconds)' })).rejects.toThrow(InvalidExpressionError);
      await expect(create({ expression: 'rate(30 seconds)' })).rejects.toThrow(/rate\(1 minute\)/);
      await expect(create({ expression: 'cron(0 9 * * * *)' })).rejects.toMatchObject({ details: [{ path: 'expression' }] });
      await expect(create({ timezone: 'Mars/Olympus' })).rejects.toThrow(InvalidTimezoneError);
      await expect(create({ expression: 'at(2026-06-01T11:00:00)' })).rejects.toThrow(/in the past/);
      const endBeforeStart = create({ startAt: new Date(T0 + MIN).toISOString(), endAt: new Date(T0).toISOString() });
      await expect(endBeforeStart).rejects.toMatchObject({ message: /must be after startAt/, details: [{ path: 'endAt' }] });
      const ended = create({ endAt: new Date(T0 - MIN).toISOString(), startAt: new Date(T0 - 2 * MIN).toISOString() });
      await expect(ended).rejects.toMatchObject({ message: /no occurrence/, details: [{ path: 'endAt' }] });
      await expect(h.schedules.create(p, { name: 'x', expression: 'rate(1 minute)', payload: 1 })).rejects.toThrow(/appId is required/);
    });
  });

  describe('access', () => {
    it('lets a data key act on its own app only, and hides other tenants (404)', async () => {
      const s = await create();
      const otherApp = (await h.apps.create(p, { name: 'b', target: { type: 'http', url: 'https://example.com/b' } })).id;
      await expect(h.schedules.get(dataKey(p, otherApp), s.id)).rejects.toThrow(ForbiddenScopeError);
      await expect(h.schedules.pause(dataKey(p, otherApp), s.id)).rejects.toThrow(ForbiddenScopeError);
      await expect(
        h.schedules.create(dataKey(p, otherApp), { appId, name: 'x', expression: 'rate(1 minute)', payload: 1 }),
      ).rejects.toThrow(ForbiddenScopeError);
      expect((await h.schedules.get(dataKey(p, appId), s.id)).id).toBe(s.id);
      expect((await h.schedules.list(dataKey(p, otherApp), {})).items).toEqual([]);
      await expect(h.schedules.get(controlKey(), s.id)).rejects.toThrow(NotFoundError);
    });
  });

  describe('pause and resume', () => {
    it('pause withdraws the run materialised ahead; resume continues from now without the missed runs', async () => {
      const s = await create();
      await h.materializer.tick(); // T0 itself
      clock.set(T0 + 5 * MIN - 3_000);
      await h.materializer.tick(); // T0+5 min, 3 s ahead
      const paused = await h.schedules.pause(p, s.id);
      expect(scheduleView(paused, clock.now())).toEqual({ state: 'paused', lastRunAt: T0 });
      const runs = await h.runs(p, s.id);
      expect(runs.map((m) => m.status)).toEqual(['scheduled', 'aborted']);
      expect(runs[1].lastError).toMatch(/paused/);
      expect(await h.schedules.pause(p, s.id)).toMatchObject({ state: 'paused' });

      clock.set(T0 + 23 * MIN);
      expect((await h.materializer.tick()).schedules).toBe(0);
      const resumed = await h.schedules.resume(p, s.id);
      expect(scheduleView(resumed, clock.now())).toMatchObject({ state: 'active', nextRunAt: T0 + 25 * MIN });
      clock.set(T0 + 25 * MIN - 5_000);
      await h.materializer.tick();
      expect((await h.runs(p, s.id)).map((m) => m.sendAt)).toEqual([T0, T0 + 5 * MIN, T0 + 25 * MIN]);
    });

    it('an occurrence withdrawn by pause runs when resumed before its time (a fresh idempotency key)', async () => {
      const s = await create({ startAt: new Date(T0 + MIN).toISOString() });
      clock.set(T0 + MIN - 5_000);
      await h.materializer.tick();
      await h.schedules.pause(p, s.id);
      await h.schedules.resume(p, s.id);
      await h.materializer.tick();
      const runs = (await h.runs(p, s.id)).map((m) => [m.sendAt, m.status]);
      expect(runs.sort()).toEqual([
        [T0 + MIN, 'aborted'],
        [T0 + MIN, 'scheduled'],
      ]);
    });

    it('resume and pause of a completed schedule answer 409', async () => {
      const s = await create({ expression: 'at(2026-06-01T12:00:10)' });
      await h.materializer.tick();
      clock.set(T0 + 10_000);
      expect((await h.schedules.get(p, s.id)).state).toBe('completed');
      await expect(h.schedules.resume(p, s.id)).rejects.toThrow(ConflictError);
      await expect(h.schedules.pause(p, s.id)).rejects.toThrow(ConflictError);
    });
  });

  describe('trigger', () => {
    it('creates an immediate run without moving nextRunAt', async () => {
      const s = await create({ startAt: new Date(T0 + 60 * MIN).toISOString() });
      clock.advance(1_000);
      const run = await h.schedules.trigger(p, s.id);
      expect(run).toMatchObject({ scheduleId: s.id, sendAt: T0 + 1_000, status: 'scheduled', keyId: p.keyId });
      expect(run.idempotencyKey).toBeUndefined();
      expect(h.enqueued.map((r) => r.id)).toEqual([run.id]);
      const after = await h.schedules.get(p, s.id);
      expect(after).toMatchObject({ nextRunAt: T0 + 60 * MIN, runCount: 1 });
      expect(scheduleView(after, clock.now()).lastRunAt).toBeUndefined();
      expect((await h.schedules.runs(p, s.id, {})).items.map((m) => m.id)).toEqual([run.id]);
    });
  });

  describe('update', () => {
    it('recomputes nextRunAt when the expression or timezone changes, and withdraws a run the new timing lacks', async () => {
      const s = await create({ expression: 'cron(0 13 * * ? *)' });
      clock.set(T0 + 60 * MIN - 4_000);
      await h.materializer.tick(); // 13:00 UTC, 4 s ahead
      const patched = await h.schedules.update(p, s.id, { expression: 'cron(0 13 * * ? *)', timezone: 'Europe/Paris' });
      expect(scheduleView(patched, clock.now()).nextRunAt).toBe(Date.UTC(2026, 5, 2, 11, 0, 0)); // 13:00 CEST tomorrow
      expect((await h.runs(p, s.id)).map((m) => m.status)).toEqual(['aborted']);
      expect(patched.revision).toBe(1);
    });

    it('keeps a run the new timing still has', async () => {
      const s = await create({ expression: 'cron(0 13 * * ? *)' });
      clock.set(T0 + 60 * MIN - 4_000);
      await h.materializer.tick();
      const patched = await h.schedules.update(p, s.id, { endAt: new Date(T0 + 30 * 24 * 60 * MIN).toISOString(), name: 'renamed' });
      expect(patched).toMatchObject({ name: 'renamed', nextRunAt: Date.UTC(2026, 5, 2, 13, 0, 0) });
      expect(scheduleView(patched, clock.now()).nextRunAt).toBe(T0 + 60 * MIN);
      expect((await h.runs(p, s.id)).map((m) => m.status)).toEqual(['scheduled']);
    });

    it('completes a schedule whose new endAt leaves no occurrence, and refuses timing changes once completed', async () => {
      const s = await create();
      clock.set(T0 + 2 * MIN);
      const done = await h.schedules.update(p, s.id, { endAt: new Date(T0 + 4 * MIN).toISOString() });
      expect(done).toMatchObject({ state: 'completed' });
      expect(done.nextRunAt).toBeUndefined();
      await expect(h.schedules.update(p, s.id, { expression: 'rate(1 hour)' })).rejects.toThrow(ConflictError);
      expect(await h.schedules.update(p, s.id, { name: 'still editable' })).toMatchObject({ name: 'still editable' });
    });
  });

  describe('delete', () => {
    it('stops future runs, withdraws the one ahead and keeps the history readable', async () => {
      const s = await create();
      await h.materializer.tick();
      clock.set(T0 + 5 * MIN - 2_000);
      await h.materializer.tick();
      const [past, ahead] = await h.runs(p, s.id);
      await h.schedules.delete(p, s.id);
      await expect(h.schedules.get(p, s.id)).rejects.toThrow(NotFoundError);
      await expect(h.schedules.runs(p, s.id, {})).rejects.toThrow(NotFoundError);
      expect(await h.messages.get(p, past.id)).toMatchObject({ status: 'scheduled', scheduleId: s.id });
      expect(await h.messages.get(p, ahead.id)).toMatchObject({ status: 'aborted' });
      expect((await h.messages.list(p, { scheduleId: s.id })).items).toHaveLength(2);
      clock.set(T0 + 60 * MIN);
      expect((await h.materializer.tick()).schedules).toBe(0);
    });

    it('deleting the app removes its schedules', async () => {
      const s = await create();
      await h.apps.delete(p, appId);
      await expect(h.schedules.get(p, s.id)).rejects.toThrow(NotFoundError);
      expect((await h.materializer.tick()).schedules).toBe(0);
    });
  });
});
