/** The schedule store contract (run for every adapter by ./index.ts). Tests only. */
import { newId } from '../../../libs/domain/ids';
import { InvalidCursorError } from '../../../libs/domain/page';
import type { Schedule } from '../../../libs/schedules/model';
import type { ScheduleStore } from '../../../libs/schedules/port';
import { aSchedule as fixtureSchedule } from '../fixtures';
import type { ContractContext } from './context';

const aSchedule = (T0: number, tenantId: string, appId: string, over: Partial<Schedule> = {}): Schedule =>
  fixtureSchedule({
    tenantId,
    appId,
    name: 'digest',
    expression: 'cron(0 9 ? * MON-FRI *)',
    timezone: 'Europe/Paris',
    payload: '{"kind":"digest"}',
    misfireGraceSeconds: 300,
    nextRunAt: T0 + 3_600_000,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  });

/** Registers the schedule store contract; `store` gives the fresh store of the current test. */
export const describeScheduleContract = (store: () => ScheduleStore, { A, B, T0 }: ContractContext): void => {
  const appId = newId('app');
  const ref = (s: Schedule) => ({ tenantId: s.tenantId, scheduleId: s.id });

  it('round-trips a schedule with every optional field, hidden from other tenants', async () => {
    const full = aSchedule(T0, A, appId, {
      keyId: newId('key'),
      startAt: T0,
      endAt: T0 + 86_400_000,
      headers: { 'x-a': '1' },
      retryPolicy: { maxAttempts: 3 },
      latestRunAt: T0 - 1_000,
      latestRunId: newId('msg'),
      priorRunAt: T0 - 2_000,
      runCount: 7,
      revision: 2,
    });
    const bare = aSchedule(T0, A, appId, { state: 'paused', nextRunAt: undefined });
    await store().create(full);
    await store().create(bare);
    expect(await store().get(A, full.id)).toEqual(full);
    expect(await store().get(A, bare.id)).toEqual(bare);
    expect(await store().get(B, full.id)).toBeUndefined();
  });

  it('lists newest first, per app, with a cursor', async () => {
    const other = newId('app');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = aSchedule(T0, A, appId, { id: newId('sch', new Date(T0 + i * 1000)) });
      ids.push(s.id);
      await store().create(s);
    }
    await store().create(aSchedule(T0, A, other));
    await store().create(aSchedule(T0, B, appId));
    const p1 = await store().list(A, { appId }, { limit: 3 });
    expect(p1.items.map((s) => s.id)).toEqual([ids[3], ids[2], ids[1]]);
    const p2 = await store().list(A, { appId }, { limit: 3, cursor: p1.nextCursor });
    expect(p2.items.map((s) => s.id)).toEqual([ids[0]]);
    expect(p2.nextCursor).toBeUndefined();
    expect((await store().list(A, {}, { limit: 10 })).items).toHaveLength(5);
  });

  it('refuses a malformed cursor rather than answering an empty page', async () => {
    await expect(store().list(A, { appId }, { limit: 3, cursor: '' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('updates only while the stored state and cursor still match (compare-and-set)', async () => {
    const s = aSchedule(T0, A, appId);
    await store().create(s);
    const expected = { state: 'active' as const, nextRunAt: s.nextRunAt };
    const advanced = await store().update({
      ...ref(s),
      expected,
      change: { nextRunAt: T0 + 7_200_000, latestRunAt: s.nextRunAt, runs: 1 },
    });
    expect(advanced).toMatchObject({ nextRunAt: T0 + 7_200_000, latestRunAt: s.nextRunAt, runCount: 1, updatedAt: T0 });
    // The same expectation again is stale: the cursor moved.
    expect(await store().update({ ...ref(s), expected, change: { nextRunAt: T0 } })).toBeUndefined();
    expect(
      await store().update({ ...ref(s), expected: { state: 'paused', nextRunAt: T0 + 7_200_000 }, change: { name: 'x' } }),
    ).toBeUndefined();
    expect(await store().update({ tenantId: B, scheduleId: s.id, expected: undefined, change: { name: 'x' } })).toBeUndefined();
    expect((await store().get(A, s.id))?.nextRunAt).toBe(T0 + 7_200_000);
  });

  it('clears fields given as undefined, matches an absent cursor, and adds runs without a condition', async () => {
    const s = aSchedule(T0, A, appId, { headers: { 'x-a': '1' }, latestRunId: newId('msg') });
    await store().create(s);
    const paused = await store().update({
      ...ref(s),
      expected: { state: 'active', nextRunAt: s.nextRunAt },
      change: { state: 'paused', nextRunAt: undefined, latestRunId: undefined, headers: undefined, revision: 1, updatedAt: T0 + 5 },
    });
    expect(paused).toEqual({
      ...s,
      state: 'paused',
      nextRunAt: undefined,
      latestRunId: undefined,
      headers: undefined,
      revision: 1,
      updatedAt: T0 + 5,
    });
    expect(paused?.nextRunAt).toBeUndefined();
    const resumed = await store().update({
      ...ref(s),
      expected: { state: 'paused', nextRunAt: undefined },
      change: { state: 'active', nextRunAt: T0 + 9 },
    });
    expect(resumed).toMatchObject({ state: 'active', nextRunAt: T0 + 9 });
    await store().update({ ...ref(s), expected: undefined, change: { runs: 1 } });
    await store().update({ ...ref(s), expected: undefined, change: { runs: 1 } });
    expect((await store().get(A, s.id))?.runCount).toBe(2);
  });

  it('adds skips and keeps the last skip; counts active schedules per tenant', async () => {
    const s = aSchedule(T0, A, appId);
    await store().create(s);
    await store().create(aSchedule(T0, A, appId, { state: 'paused', nextRunAt: undefined }));
    await store().create(aSchedule(T0, B, appId));
    const lastSkip = { runAt: T0 + 60_000, reason: 'skipped: maxPendingMessages reached', at: T0 + 50_000 };
    await store().update({ ...ref(s), expected: undefined, change: { skips: 1, lastSkip } });
    await store().update({ ...ref(s), expected: undefined, change: { skips: 1 } });
    expect(await store().get(A, s.id)).toMatchObject({ skipCount: 2, lastSkip });
    expect(await store().countActive(A)).toBe(1);
    expect(await store().countActive(B)).toBe(1);
    expect(await store().countActive(newId('ten'))).toBe(0);
  });

  it('applies several updates independently and reports each', async () => {
    const [a, b] = [aSchedule(T0, A, appId), aSchedule(T0, A, appId)];
    await store().create(a);
    await store().create(b);
    const results = await store().updateMany([
      { ...ref(a), expected: { state: 'active', nextRunAt: a.nextRunAt }, change: { nextRunAt: T0 + 1 } },
      { ...ref(b), expected: { state: 'active', nextRunAt: T0 }, change: { nextRunAt: T0 + 2 } },
    ]);
    expect(results.map((r) => r?.nextRunAt)).toEqual([T0 + 1, undefined]);
    expect((await store().get(A, b.id))?.nextRunAt).toBe(b.nextRunAt);
    expect(await store().updateMany([])).toEqual([]);
  });

  it('finds due active schedules earliest first, across tenants, within the limit', async () => {
    const soon = aSchedule(T0, A, appId, { nextRunAt: T0 + 1_000 });
    const sooner = aSchedule(T0, B, appId, { nextRunAt: T0 + 500 });
    const later = aSchedule(T0, A, appId, { nextRunAt: T0 + 60_000 });
    const paused = aSchedule(T0, A, appId, { state: 'paused', nextRunAt: T0 });
    const completed = aSchedule(T0, A, appId, { state: 'completed', nextRunAt: undefined });
    for (const s of [soon, sooner, later, paused, completed]) await store().create(s);
    expect((await store().due(T0 + 1_000, 10)).map((s) => s.id)).toEqual([sooner.id, soon.id]);
    expect((await store().due(T0 + 1_000, 1)).map((s) => s.id)).toEqual([sooner.id]);
    await store().update({ ...ref(sooner), expected: undefined, change: { nextRunAt: T0 + 30_000 } });
    expect((await store().due(T0 + 1_000, 10)).map((s) => s.id)).toEqual([soon.id]);
  });

  it('deletes within the tenant, returning what was removed; per app for app deletion', async () => {
    const s = aSchedule(T0, A, appId, { latestRunId: newId('msg') });
    const other = aSchedule(T0, A, newId('app'));
    const sibling = aSchedule(T0, A, appId);
    for (const x of [s, other, sibling]) await store().create(x);
    expect(await store().delete(B, s.id)).toBeUndefined();
    expect(await store().delete(A, s.id)).toEqual(s);
    expect(await store().delete(A, s.id)).toBeUndefined();
    expect(await store().get(A, s.id)).toBeUndefined();
    expect(await store().deleteAllForApp(B, appId)).toEqual([]);
    expect((await store().deleteAllForApp(A, appId)).map((x) => x.id)).toEqual([sibling.id]);
    expect(await store().get(A, other.id)).toEqual(other);
  });
};
