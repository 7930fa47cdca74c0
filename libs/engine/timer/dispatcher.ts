/** Limits of the dispatcher. */
export interface DispatcherOptions {
  /** Deliveries in flight at once across all apps. @default 512 */
  maxInFlight: number;
}

/** What the dispatcher runs: anything that names its app. */
export interface Dispatchable {
  appId: string;
}

/**
 * Runs deliveries with a global bound and a per-app bound, serving apps round-robin so a
 * slow or saturated app cannot starve the others. When the apps with work could together fill
 * every global slot, each is held to an equal share of them: otherwise apps whose receivers hang
 * keep every slot they take until their timeout, and the others wait that long for each one.
 */
export class Dispatcher<T extends Dispatchable> {
  private readonly queues = new Map<string, T[]>();
  private readonly inFlightByApp = new Map<string, number>();
  /** Apps with queued work, in service order. */
  private readonly ready: string[] = [];
  private inFlight = 0;
  private queued = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: DispatcherOptions,
    /** Per-app concurrency limit, read from the app's next item (which carries its app's settings). */
    private readonly appLimit: (next: T) => number,
    /** Delivers one item; must not throw. */
    private readonly run: (item: T) => Promise<void>,
    /** Called whenever a slot frees up, with the app that freed it. */
    private readonly onSlotFree: (appId: string) => void,
  ) {}

  /** Messages queued (not started) for one app. */
  queuedFor(appId: string): number {
    return this.queues.get(appId)?.length ?? 0;
  }

  /** Apps with messages queued. */
  get queuedApps(): number {
    return this.queues.size;
  }

  /** Takes the queued (not started) messages beyond the first `keep` (at least 1) off each app's queue; returns them. */
  trim(keep: number): T[] {
    const out: T[] = [];
    for (const q of this.queues.values()) if (q.length > Math.max(1, keep)) out.push(...q.splice(Math.max(1, keep)));
    this.queued -= out.length;
    return out;
  }

  /** An equal share of the global slots among the apps with work queued or in flight. */
  private fairShare(): number {
    let active = this.inFlightByApp.size;
    for (const appId of this.queues.keys()) if (!this.inFlightByApp.has(appId)) active++;
    return Math.max(1, Math.floor(this.options.maxInFlight / Math.max(1, active)));
  }

  /** Messages queued or in flight. */
  get load(): number {
    return this.queued + this.inFlight;
  }

  push(m: T): void {
    let q = this.queues.get(m.appId);
    if (!q) {
      q = [];
      this.queues.set(m.appId, q);
    }
    if (q.length === 0) this.ready.push(m.appId);
    q.push(m);
    this.queued++;
  }

  /** Starts as many deliveries as the bounds allow. */
  pump(): void {
    let scanned = 0;
    const share = this.fairShare();
    while (this.inFlight < this.options.maxInFlight && this.ready.length > 0 && scanned < this.ready.length) {
      const appId = this.ready.shift()!;
      const q = this.queues.get(appId)!;
      const busy = this.inFlightByApp.get(appId) ?? 0;
      if (busy >= Math.min(this.appLimit(q[0]), share)) {
        this.ready.push(appId);
        scanned++;
        continue;
      }
      scanned = 0;
      const m = q.shift()!;
      this.queued--;
      if (q.length > 0) this.ready.push(appId);
      else this.queues.delete(appId);
      this.inFlight++;
      this.inFlightByApp.set(appId, busy + 1);
      void this.run(m).finally(() => this.done(appId));
    }
  }

  /** Resolves when nothing is in flight (queued work is left in place). */
  async idle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued (not started) messages and returns them. */
  drain(): T[] {
    const out = [...this.queues.values()].flat();
    this.queues.clear();
    this.ready.length = 0;
    this.queued = 0;
    return out;
  }

  private done(appId: string): void {
    this.inFlight--;
    const n = (this.inFlightByApp.get(appId) ?? 1) - 1;
    if (n === 0) this.inFlightByApp.delete(appId);
    else this.inFlightByApp.set(appId, n);
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    this.pump();
    this.onSlotFree(appId);
  }
}
