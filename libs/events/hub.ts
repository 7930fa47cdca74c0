import type { Clock } from '../domain/clock';
import type { EventData, EventType, LiveEvent } from './model';
import type { EventSink } from './port';

/** Options of the in-memory event hub. */
export interface EventHubOptions {
  /** How long an event can be resumed (`Last-Event-ID`) after it happened. @default 600_000 (10 minutes) */
  retentionMs: number;
  /** Most events kept per tenant; a resumption from before the oldest kept one gets a reset instead. @default 10_000 */
  maxPerTenant: number;
  /** How often tenants that nobody has watched for `retentionMs` are forgotten. @default 60_000 */
  sweepIntervalMs: number;
}

export const eventHubDefaults: EventHubOptions = { retentionMs: 600_000, maxPerTenant: 10_000, sweepIntervalMs: 60_000 };

/** One subscriber of a tenant's events (an open stream). */
export interface Listener {
  /** A data key's app: only that app's events reach it. */
  appId?: string;
  /** Takes the events published since its last call, in order; called at most once per event-loop turn. */
  receive(events: LiveEvent[]): void;
}

/** What a subscriber missed since its `Last-Event-ID`: the events, or a gap (older than the hub keeps, or another process's id). */
export type Missed = { events: LiveEvent[] } | { gap: true };

/** A tenant's recent events and listeners; it exists only while the tenant is watched, or was within `retentionMs`. */
class Feed {
  /** Events kept, oldest first, from `head` on (the array is compacted now and then, not shifted per event). */
  private kept: { event: LiveEvent; at: number }[] = [];
  private head = 0;
  readonly listeners = new Set<Listener>();
  /** When the last listener left; undefined while one listens. */
  idleSince: number | undefined = undefined;

  /** Every event of the tenant with an id above this one is kept (until trimmed: then it moves up). */
  constructor(public coveredAfter: number) {}

  add(event: LiveEvent, at: number, o: EventHubOptions): void {
    this.kept.push({ event, at });
    this.trim(at, o);
  }

  /** Forgets events past their retention, or beyond the count bound. */
  trim(now: number, o: EventHubOptions): void {
    const size = () => this.kept.length - this.head;
    while (size() > 0 && (size() > o.maxPerTenant || now - this.kept[this.head].at > o.retentionMs)) {
      this.coveredAfter = this.kept[this.head].event.id;
      this.head++;
    }
    if (this.head > 1_024 && this.head * 2 > this.kept.length) {
      this.kept = this.kept.slice(this.head);
      this.head = 0;
    }
  }

  /** The kept events after `id` that `appId` (all when undefined) may see. */
  after(id: number, appId: string | undefined): LiveEvent[] {
    const out: LiveEvent[] = [];
    for (let i = this.head; i < this.kept.length; i++) {
      const e = this.kept[i].event;
      if (e.id > id && (appId === undefined || e.data.appId === appId)) out.push(e);
    }
    return out;
  }
}

/**
 * The embedded runtime's live events: one feed per watched tenant, holding the last `retentionMs` of its events for
 * resumption, and its listeners. Publishing for a tenant nobody watches is one map lookup. Listeners get their events
 * in one batch per event-loop turn, after the publisher has moved on, so a listener never runs inside a delivery's
 * bookkeeping; what a slow listener does with them (the SSE writer drops it) is its own business.
 */
export class EventHub implements EventSink {
  private readonly o: EventHubOptions;
  private readonly feeds = new Map<string, Feed>();
  private readonly queued = new Map<Listener, LiveEvent[]>();
  private flushing = false;
  private sweeper: NodeJS.Timeout | undefined;
  /** The last id given out: time-based (µs since the epoch), so ids keep increasing across restarts. */
  private seq: number;

  constructor(
    private readonly clock: Clock,
    options: Partial<EventHubOptions> = {},
  ) {
    this.o = { ...eventHubDefaults, ...options };
    this.seq = clock.now() * 1_000;
  }

  /**
   * A tenant is watched while it has a feed: listeners now, or within `retentionMs` (a listener that reconnects resumes
   * from the feed). Unwatched, its events are not even built.
   */
  watched(tenantId: string): boolean {
    return this.feeds.has(tenantId);
  }

  publish(tenantId: string, type: EventType, data: EventData): void {
    const feed = this.feeds.get(tenantId);
    if (!feed) return;
    const now = this.clock.now();
    this.seq = Math.max(this.seq + 1, now * 1_000);
    const event: LiveEvent = { id: this.seq, type, data };
    feed.add(event, now, this.o);
    for (const l of feed.listeners) {
      if (l.appId !== undefined && l.appId !== data.appId) continue;
      const q = this.queued.get(l);
      if (q) q.push(event);
      else this.queued.set(l, [event]);
    }
    if (this.queued.size && !this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Adds a listener of `tenantId`'s events and returns what it missed since `lastEventId` (none given: nothing
   * missed), and how to stop listening.
   */
  subscribe(tenantId: string, listener: Listener, lastEventId?: number): { missed: Missed; unsubscribe: () => void } {
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      // A new feed holds what happens from now on: any id from before (ids are times) is a gap, whatever happened then.
      this.seq = Math.max(this.seq, this.clock.now() * 1_000);
      feed = new Feed(this.seq);
      this.feeds.set(tenantId, feed);
      this.sweeper ??= setInterval(() => this.sweep(), this.o.sweepIntervalMs).unref();
    }
    feed.trim(this.clock.now(), this.o);
    feed.listeners.add(listener);
    feed.idleSince = undefined;
    let missed: Missed = { events: [] };
    if (lastEventId !== undefined) {
      missed =
        lastEventId < feed.coveredAfter || lastEventId > this.seq ? { gap: true } : { events: feed.after(lastEventId, listener.appId) };
    }
    const f = feed;
    return {
      missed,
      unsubscribe: () => {
        this.queued.delete(listener);
        if (f.listeners.delete(listener) && f.listeners.size === 0) f.idleSince = this.clock.now();
      },
    };
  }

  /** Listeners across every tenant (the metrics' open streams). */
  get listeners(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.listeners.size;
    return n;
  }

  /** Forgets the feeds nobody has watched for `retentionMs` (their events could not be resumed any more anyway). */
  sweep(): void {
    const now = this.clock.now();
    for (const [tenantId, f] of this.feeds) {
      if (f.idleSince !== undefined && now - f.idleSince > this.o.retentionMs) this.feeds.delete(tenantId);
      else f.trim(now, this.o);
    }
    if (!this.feeds.size) this.stopSweeper();
  }

  /** Stops the sweeper and forgets everything. */
  close(): void {
    this.stopSweeper();
    this.feeds.clear();
    this.queued.clear();
  }

  private stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private flush(): void {
    this.flushing = false;
    const batches = [...this.queued];
    this.queued.clear();
    for (const [listener, events] of batches) {
      try {
        listener.receive(events);
      } catch {
        // A listener's failure is its own (it is dropped by its owner); the others still get theirs.
      }
    }
  }
}
