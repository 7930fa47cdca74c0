import type { DueRef } from '../../messages/port';
import { DueWindow, type Admission, type WindowEntry } from './window';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const ref = (id: string, dueAt: number, appId?: string): WindowEntry => ({ id, tenantId: 'ten_1', dueAt, ...(appId ? { appId } : {}) });

/** A due index over `scheduled` refs, recording each query; `claim` takes refs out of it, as the engine's claim does. */
const dueIndex = (refs: DueRef[]) => {
  let scheduled = refs;
  const queries: [number, number, number][] = [];
  const claim = (taken: DueRef[]) => {
    scheduled = scheduled.filter((r) => !taken.some((t) => t.id === r.id));
  };
  const store = {
    due: async (after: number, until: number, limit: number) => {
      queries.push([after, until, limit]);
      return scheduled
        .filter((r) => r.dueAt > after && r.dueAt <= until)
        .sort((a, b) => a.dueAt - b.dueAt)
        .slice(0, limit);
    },
  };
  return { store, queries, claim };
};

const admitAll = (): Admission => 'take';

describe('DueWindow', () => {
  describe('refill', () => {
    it('loads what is due within the horizon, then reads only past what it covers', async () => {
      const idx = dueIndex([ref('a', T0 + 1_000), ref('b', T0 + 20_000), ref('later', T0 + 60_000)]);
      const w = new DueWindow(idx.store, { horizonMs: 30_000, windowMax: 100 });

      expect(await w.refill(T0)).toBe(T0 + 1_000);
      expect(await w.refill(T0 + 1_000)).toBe(T0 + 1_000);

      expect(idx.queries).toEqual([
        [-1, T0 + 30_000, 100],
        [T0 + 30_000, T0 + 31_000, 98],
      ]);
      expect(w.take(T0 + 60_000, 10, admitAll).map((e) => e.id)).toEqual(['a', 'b']);
    });

    it('covers only up to the last entry it could hold when the window fills, and loads nothing when full', async () => {
      const idx = dueIndex([ref('a', T0 + 1_000), ref('b', T0 + 2_000), ref('c', T0 + 3_000)]);
      const w = new DueWindow(idx.store, { horizonMs: 30_000, windowMax: 2 });

      await w.refill(T0);
      // c was not loaded, so the window no longer claims to cover its time: an enqueue of it waits for a refill.
      expect(w.add([ref('c', T0 + 3_000)])).toBe(Infinity);
      expect(await w.refill(T0)).toBeUndefined();

      idx.claim(w.take(T0 + 2_000, 10, admitAll));
      await w.refill(T0 + 2_000);
      expect(idx.queries).toEqual([
        [-1, T0 + 30_000, 2],
        [T0 + 2_000 - 1, T0 + 32_000, 2],
      ]);
      expect(w.take(T0 + 3_000, 10, admitAll).map((e) => e.id)).toEqual(['c']);
    });

    it('runs one refill at a time', async () => {
      const w = new DueWindow(dueIndex([ref('a', T0)]).store, { horizonMs: 30_000, windowMax: 10 });
      const [first, second] = [w.refill(T0), w.refill(T0)];
      expect(await second).toBeUndefined();
      expect(await first).toBe(T0);
    });
  });

  describe('add', () => {
    it('holds only what it covers, once per id and due time, and returns the earliest added', async () => {
      const w = new DueWindow(dueIndex([]).store, { horizonMs: 30_000, windowMax: 10 });
      expect(w.add([ref('early', T0)])).toBe(Infinity); // nothing covered before the first refill
      await w.refill(T0);

      expect(w.add([ref('x', T0 + 5_000), ref('y', T0 + 2_000), ref('far', T0 + 40_000)])).toBe(T0 + 2_000);
      w.add([ref('x', T0 + 5_000)]);

      expect(w.nextDueAt).toBe(T0 + 2_000);
      expect(w.take(T0 + 40_000, 10, admitAll).map((e) => e.id)).toEqual(['y', 'x']);
    });

    it('drops a superseded entry: a message added again with another due time is taken once, at the new time', async () => {
      const w = new DueWindow(dueIndex([]).store, { horizonMs: 30_000, windowMax: 10 });
      await w.refill(T0);
      w.add([ref('m', T0 + 1_000)]);
      w.add([ref('m', T0 + 3_000)]);

      expect(w.take(T0 + 2_000, 10, admitAll)).toEqual([]);
      expect(w.take(T0 + 3_000, 10, admitAll).map((e) => e.dueAt)).toEqual([T0 + 3_000]);
    });
  });

  describe('take', () => {
    it('takes due entries earliest first, at most `max`, leaving the rest', async () => {
      const w = new DueWindow(dueIndex([ref('a', T0), ref('b', T0 + 1), ref('c', T0 + 2), ref('d', T0 + 10_000)]).store, {
        horizonMs: 30_000,
        windowMax: 10,
      });
      await w.refill(T0);

      expect(w.take(T0 + 5, 2, admitAll).map((e) => e.id)).toEqual(['a', 'b']);
      expect(w.take(T0 + 5, 0, admitAll)).toEqual([]);
      expect(w.take(T0 + 5, 10, admitAll).map((e) => e.id)).toEqual(['c']);
      expect(w.nextDueAt).toBe(T0 + 10_000);
    });

    it('parks the entries `admit` refuses (only those of a known app), and unparks them earliest first', async () => {
      const w = new DueWindow(dueIndex([]).store, { horizonMs: 30_000, windowMax: 10 });
      await w.refill(T0);
      w.add([ref('s1', T0, 'stuck'), ref('h1', T0 + 1, 'healthy'), ref('s2', T0 + 2, 'stuck'), ref('new', T0 + 3)]);

      const taken = w.take(T0 + 10, 10, (e) => (e.appId === 'stuck' ? 'park' : 'take'));

      expect(taken.map((e) => e.id)).toEqual(['h1', 'new']);
      expect([w.isParked('stuck'), w.isParked('healthy'), w.parkedApps]).toEqual([true, false, 1]);
      expect(w.nextDueAt).toBe(Infinity);

      w.unpark('stuck', 1);
      expect(w.take(T0 + 10, 10, admitAll).map((e) => e.id)).toEqual(['s1']);
      w.unpark('stuck', 5);
      expect(w.parkedApps).toBe(0);
      expect(w.take(T0 + 10, 10, admitAll).map((e) => e.id)).toEqual(['s2']);
    });

    it('holds the entries `admit` defers until the time it names, then takes them', async () => {
      const w = new DueWindow(dueIndex([]).store, { horizonMs: 30_000, windowMax: 10 });
      await w.refill(T0);
      w.add([ref('spent', T0, 'a'), ref('fine', T0 + 1, 'b'), ref('fresh', T0 + 2)]);

      const taken = w.take(T0 + 10, 10, (e) => (e.id === 'fine' ? 'take' : { until: T0 + 60_000 }));

      expect(taken.map((e) => e.id)).toEqual(['fine']);
      expect(w.nextDueAt).toBe(T0 + 60_000);
      expect(w.take(T0 + 59_999, 10, admitAll)).toEqual([]);
      expect(w.take(T0 + 60_000, 10, admitAll).map((e) => e.id)).toEqual(['spent', 'fresh']);
    });

    it('counts parked entries as held: the window stays bounded', async () => {
      const w = new DueWindow(dueIndex([]).store, { horizonMs: 30_000, windowMax: 2 });
      await w.refill(T0);
      w.park({ id: 'p1', tenantId: 'ten_1', dueAt: T0, appId: 'stuck' });
      w.park({ id: 'p2', tenantId: 'ten_1', dueAt: T0, appId: 'stuck' });

      expect(w.add([ref('x', T0 + 1_000)])).toBe(Infinity);
    });
  });
});
