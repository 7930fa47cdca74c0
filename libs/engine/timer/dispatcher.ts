/** Limits of the dispatcher. */
export interface DispatcherOptions {
  /** Deliveries in flight at once across all tenants. @default 512 */
  maxInFlight: number;
  /**
   * Slots the tenants with work leave free between them for a tenant that has none yet: slots held by a
   * receiver that hangs come back only at its timeout, and a tenant that arrives meanwhile must still find
   * some. @default one eighth of `maxInFlight` (the engine's `newTenantReserve`)
   */
  reserve: number;
}

/** What the dispatcher runs: anything that names its tenant and app. */
export interface Dispatchable {
  tenantId: string;
  appId: string;
}

/** The limits the dispatcher reads from the next item of a tenant or app (items carry their plan's and app's settings). */
export interface DispatchLimits<T> {
  /** Most deliveries in flight at once for the item's app (its `maxConcurrency`, fewer while its breaker is open). */
  app(next: T): number;
  /** Most deliveries in flight at once for the item's tenant (its plan's share of `maxInFlight`). */
  tenant(next: T): number;
}

/** A tenant with work queued or in flight. */
interface TenantState {
  inFlight: number;
  /** Its apps with work queued or in flight. */
  active: Set<string>;
  /** Its apps with work queued, in service order. */
  ready: string[];
}

/**
 * Runs deliveries with a global bound, a per-tenant bound and a per-app bound, fair per tenant, then per
 * app: tenants with work are served round-robin, and within a tenant its apps. Slots are shared equally:
 * a tenant holds at most `(maxInFlight − reserve) / tenants with work` (and its plan's share), an app at
 * most its tenant's share divided among the tenant's apps with work (and its own limit). A slot freed by
 * an attempt that ends goes to whoever is next. So a tenant whose receivers hang — each attempt holding
 * its slot until the timeout — keeps at most its share, however many apps or messages it has, and a
 * tenant that arrives finds at least the reserve free.
 */
export class Dispatcher<T extends Dispatchable> {
  private readonly queues = new Map<string, T[]>();
  private readonly inFlightByApp = new Map<string, number>();
  private readonly tenants = new Map<string, TenantState>();
  /** Tenants with queued work, in service order. */
  private readonly ready: string[] = [];
  private inFlight = 0;
  private queued = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: DispatcherOptions,
    private readonly limits: DispatchLimits<T>,
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

  /** Deliveries in flight for one tenant. */
  inFlightFor(tenantId: string): number {
    return this.tenants.get(tenantId)?.inFlight ?? 0;
  }

  /** Takes the queued (not started) messages beyond the first `keep` (at least 1) off each app's queue; returns them. */
  trim(keep: number): T[] {
    const out: T[] = [];
    for (const q of this.queues.values()) if (q.length > Math.max(1, keep)) out.push(...q.splice(Math.max(1, keep)));
    this.queued -= out.length;
    return out;
  }

  /** Messages queued, not started. */
  get waiting(): number {
    return this.queued;
  }

  /** Deliveries in flight. */
  get running(): number {
    return this.inFlight;
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
    if (q.length === 0) {
      const t = this.tenant(m.tenantId);
      if (t.ready.length === 0) this.ready.push(m.tenantId);
      t.ready.push(m.appId);
      t.active.add(m.appId);
    }
    q.push(m);
    this.queued++;
  }

  /** Starts as many deliveries as the bounds allow. */
  pump(): void {
    let scanned = 0;
    while (this.inFlight < this.options.maxInFlight && this.ready.length > 0 && scanned < this.ready.length) {
      const tenantId = this.ready.shift()!;
      const t = this.tenants.get(tenantId)!;
      if (this.startOne(t)) scanned = 0;
      else scanned++;
      if (t.ready.length > 0) this.ready.push(tenantId);
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
    for (const [tenantId, t] of this.tenants) {
      t.ready.length = 0;
      for (const appId of t.active) if (!this.inFlightByApp.has(appId)) t.active.delete(appId);
      if (t.active.size === 0) this.tenants.delete(tenantId);
    }
    return out;
  }

  /** Starts one delivery of the tenant's next app that has room, within the tenant's share; returns whether it did. */
  private startOne(t: TenantState): boolean {
    const head = this.queues.get(t.ready[0])![0];
    const shared = this.options.maxInFlight - this.options.reserve;
    const tenantShare = Math.max(1, Math.min(this.limits.tenant(head), Math.floor(shared / Math.max(1, this.tenants.size))));
    if (t.inFlight >= tenantShare) return false;
    // Rounded up: the tenant's share bounds the sum, and round-robin spreads the remainder.
    const appShare = Math.max(1, Math.ceil(tenantShare / Math.max(1, t.active.size)));
    for (let scanned = 0; scanned < t.ready.length; scanned++) {
      const appId = t.ready.shift()!;
      const q = this.queues.get(appId)!;
      const busy = this.inFlightByApp.get(appId) ?? 0;
      if (busy >= Math.min(this.limits.app(q[0]), appShare)) {
        t.ready.push(appId);
        continue;
      }
      const m = q.shift()!;
      this.queued--;
      if (q.length > 0) t.ready.push(appId);
      else this.queues.delete(appId);
      this.inFlight++;
      t.inFlight++;
      this.inFlightByApp.set(appId, busy + 1);
      void this.run(m).finally(() => this.done(m.tenantId, appId));
      return true;
    }
    return false;
  }

  private tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = { inFlight: 0, active: new Set(), ready: [] };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  private done(tenantId: string, appId: string): void {
    this.inFlight--;
    const n = (this.inFlightByApp.get(appId) ?? 1) - 1;
    if (n === 0) this.inFlightByApp.delete(appId);
    else this.inFlightByApp.set(appId, n);
    const t = this.tenants.get(tenantId);
    if (t) {
      t.inFlight--;
      if (n === 0 && !this.queues.has(appId)) t.active.delete(appId);
      if (t.active.size === 0) this.tenants.delete(tenantId);
    }
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    this.pump();
    this.onSlotFree(appId);
  }
}
