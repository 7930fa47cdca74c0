import type { DueRef, MessageStore } from '../../messages/port';
import { MinHeap } from './heap';

/** A message the window holds: when it is due, and its app once this engine has claimed (or retried) it. */
export interface WindowEntry extends DueRef {
  appId?: string;
}

/** An entry whose app is known (only those can be parked). */
export type AppEntry = WindowEntry & { appId: string };

/** What the engine does with a due entry: take it, park it (its app's queue is full), or hold it until a later time. */
export type Admission = 'take' | 'park' | { until: number };

/** Options of the due window. */
export interface DueWindowOptions {
  /** How far ahead a refill reaches. @default 30_000 (the engine's `horizonMs`) */
  horizonMs: number;
  /** Most entries held. @default 200_000 (the engine's `windowMax`) */
  windowMax: number;
}

/**
 * The embedded engine's near-term window: every scheduled message due up to `coveredUntil` (a
 * bounded number of them), earliest first in a min-heap, refilled from the store's due index.
 * Entries of an app whose queue is full can be parked: held aside, still unclaimed, until the app
 * has room again. Knows nothing of claims, timers or apps' limits: the engine decides those.
 */
export class DueWindow {
  private readonly heap = new MinHeap<WindowEntry>((e) => e.dueAt);
  /** id → dueAt of every entry held, in the heap or parked; a popped heap entry whose dueAt differs is stale. */
  private readonly held = new Map<string, number>();
  /** Every scheduled message due at or before this instant is held (or was taken). */
  private coveredUntil = -1;
  private refilling = false;
  /** Parked entries by app, earliest first; they stay in `held`. */
  private readonly parked = new Map<string, AppEntry[]>();

  constructor(
    private readonly store: Pick<MessageStore, 'due'>,
    private readonly o: DueWindowOptions,
  ) {}

  /** The earliest due time in the heap (parked entries aside), or Infinity when it is empty. */
  get nextDueAt(): number {
    return this.heap.peek()?.dueAt ?? Infinity;
  }

  /** Entries held, in the heap or parked. */
  get size(): number {
    return this.held.size;
  }

  /** Apps with parked entries. */
  get parkedApps(): number {
    return this.parked.size;
  }

  /**
   * Adds messages due within the covered range; a later one, or one that finds the window full,
   * is left to a refill. Returns the earliest due time among them, or Infinity if none was added.
   */
  add(refs: WindowEntry[]): number {
    let earliest = Infinity;
    for (const ref of refs) {
      if (ref.dueAt > this.coveredUntil) continue; // a later refill loads it
      if (this.held.size >= this.o.windowMax) {
        this.coveredUntil = Math.min(this.coveredUntil, ref.dueAt - 1);
        continue;
      }
      this.hold(ref);
      earliest = Math.min(earliest, ref.dueAt);
    }
    return earliest;
  }

  /**
   * Loads the scheduled messages due up to `now + horizonMs` that it does not cover yet, as many as
   * fit; returns `nextDueAt` then. Returns undefined when it loaded nothing because a refill was
   * running or the window is full. Store errors are thrown.
   */
  async refill(now: number): Promise<number | undefined> {
    if (this.refilling) return undefined;
    this.refilling = true;
    try {
      const until = now + this.o.horizonMs;
      const room = this.o.windowMax - this.held.size;
      if (room <= 0) return undefined;
      const from = this.coveredUntil;
      // Cover up to `until` before awaiting, so messages added meanwhile go straight to the window.
      this.coveredUntil = Math.max(this.coveredUntil, until);
      const refs = await this.store.due(from, until, room);
      for (const ref of refs) this.hold(ref);
      if (refs.length === room) this.coveredUntil = Math.min(this.coveredUntil, refs[refs.length - 1].dueAt - 1);
      return this.nextDueAt;
    } finally {
      this.refilling = false;
    }
  }

  /**
   * Takes entries due at `now`, earliest first, at most `max` of them. `admit` decides for each: take it,
   * park it (only an entry of a known app; another is taken), or hold it until a later time (`defer`).
   */
  take(now: number, max: number, admit: (e: WindowEntry) => Admission): WindowEntry[] {
    const taken: WindowEntry[] = [];
    while (taken.length < max) {
      const top = this.heap.peek();
      if (!top || top.dueAt > now) break;
      this.heap.pop();
      if (this.held.get(top.id) !== top.dueAt) continue;
      const a = admit(top);
      if (a === 'park' && top.appId !== undefined) {
        this.park(top as AppEntry);
        continue;
      }
      if (typeof a === 'object') {
        this.defer(top, a.until);
        continue;
      }
      this.held.delete(top.id);
      taken.push(top);
    }
    return taken;
  }

  /**
   * Holds an entry (taken or not) until `until` rather than its due time: a tenant whose attempt budget
   * is spent. The store keeps its due time; only this window waits.
   */
  defer(e: WindowEntry, until: number): void {
    this.held.set(e.id, until);
    this.heap.push({ ...e, dueAt: until });
  }

  /** Holds an entry aside (taken or not) until `unpark`: it counts as held, but is not due for taking. */
  park(e: AppEntry): void {
    this.held.set(e.id, e.dueAt);
    const list = this.parked.get(e.appId);
    if (list) list.push(e);
    else this.parked.set(e.appId, [e]);
  }

  /** Whether the app has parked entries. */
  isParked(appId: string): boolean {
    return this.parked.has(appId);
  }

  /** Puts up to `count` of the app's parked entries, earliest first, back in line for taking. */
  unpark(appId: string, count: number): void {
    const list = this.parked.get(appId);
    if (!list) return;
    for (const e of list.splice(0, count)) this.heap.push(e);
    if (!list.length) this.parked.delete(appId);
  }

  private hold(ref: WindowEntry): void {
    if (this.held.get(ref.id) === ref.dueAt) return;
    this.held.set(ref.id, ref.dueAt);
    this.heap.push({ id: ref.id, tenantId: ref.tenantId, dueAt: ref.dueAt, ...(ref.appId ? { appId: ref.appId } : {}) });
  }
}
