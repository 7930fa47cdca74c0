import type { App } from '../../apps/model';
import type { AppStore } from '../../apps/port';
import type { Clock } from '../../domain/clock';
import type { Message } from '../../messages/model';
import type { AttemptResult, MessageStore } from '../../messages/port';
import type { Logger } from '../../observability/logger';
import type { PlanCatalogue } from '../../plans/catalogue';
import type { TenantStore } from '../../tenancy/port';
import { AppCache } from '../apps';
import { runAttempt, type Deliver } from '../attempt';
import { CircuitBreaker, type CircuitBreakerOptions } from '../breaker';
import { disableFailingApp } from '../disable';
import { TenantPlanCache } from '../plans';
import type { DeliveryMetrics } from '../metrics';
import type { Engine, Hold, Vet } from '../port';
import { attemptsPerMinuteOf, MinuteBudgets, nextMinuteAt } from '../rate';
import { skipIfVetoed, type SkipDeps } from '../skip';
import { Alarm } from './alarm';
import { Dispatcher } from './dispatcher';
import { OutcomeWriter } from './outcomes';
import { DueWindow, type Admission, type AppEntry, type WindowEntry } from './window';

/** Options of the embedded engine. */
export interface TimerEngineOptions {
  /** How far ahead the in-memory window reaches. @default 30_000 */
  horizonMs: number;
  /** How often the window is refilled from the store. @default 1_000 */
  refillIntervalMs: number;
  /** Most entries held in the window. @default 200_000 */
  windowMax: number;
  /**
   * Deliveries in flight at once, shared fairly per tenant then per app; a tenant holds at most its plan's
   * `deliveryShare` of them. @default 512
   */
  maxInFlight: number;
  /** Claimed messages waiting for a delivery slot, at most (backpressure on claiming). @default 5_000 */
  maxQueued: number;
  /**
   * Claimed messages waiting for a slot, at most, per app. Past it an app's due messages are
   * parked in memory (still `scheduled` in the store) until its queue drains, so one app with a
   * stuck receiver and a large backlog cannot use up `maxQueued` and hold every other app's due
   * messages unclaimed. @default 1_000
   */
  maxQueuedPerApp: number;
  /** On close, how long in-flight deliveries may take to finish. @default 10_000 */
  drainTimeoutMs: number;
  /**
   * Most messages claimed in one transaction while fewer than `maxInFlight` are loaded, so the
   * first deliveries of a burst start after a short claim rather than one of `maxQueued`. @default 256
   */
  firstClaimMax: number;
  /** Most messages claimed in one transaction otherwise (the rest follow when the alarm next goes off). @default 2_048 */
  claimMax: number;
  /**
   * Delivery slots the tenants with work leave free for a tenant that has none yet (so one that arrives while
   * others' receivers hang finds slots at once). @default one eighth of `maxInFlight`
   */
  newTenantReserve?: number;
  /** Most attempts one tenant may start per minute, whatever its plan (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`); unset: its plan's. */
  tenantAttemptsPerMinute?: number;
  /** The per-app circuit breaker (libs/engine/breaker.ts). */
  breaker: Partial<CircuitBreakerOptions>;
}

export const timerEngineDefaults: TimerEngineOptions = {
  horizonMs: 30_000,
  refillIntervalMs: 1_000,
  windowMax: 200_000,
  maxInFlight: 512,
  maxQueued: 5_000,
  maxQueuedPerApp: 1_000,
  drainTimeoutMs: 10_000,
  firstClaimMax: 256,
  claimMax: 2_048,
  breaker: {},
};

export interface TimerEngineDeps {
  messages: MessageStore;
  apps: AppStore;
  deliver: Deliver;
  clock: Clock;
  logger: Logger;
  /** Observes every recorded attempt (metering, live events). */
  onAttempt?: (m: Message, result: AttemptResult) => void;
  /** Counts every recorded attempt (operator metrics). @default none */
  metrics?: DeliveryMetrics;
  /** A reason not to deliver a claimed message at all (a schedule run past its misfire grace); it is then aborted with that reason. */
  vet?: Vet;
  /** Whether a claimed message must wait unattempted (its tenant is suspended); it is then held until released. */
  hold?: Hold;
  /** Tenants and the plan catalogue: each tenant's delivery share and attempt budget. Without them, no tenant is limited. */
  tenants?: Pick<TenantStore, 'get'>;
  plans?: PlanCatalogue;
  /** Admits chained messages against their tenant's plan (see `OutcomeWriterDeps.admitChains`). @default all admitted */
  admitChains?: (chains: Message[]) => Promise<(string | undefined)[]>;
  /** Observes the chained messages created (metering, live events). */
  onChained?: (messages: Message[]) => void;
}

/** A claimed message on its way to delivery, with its app as read at the claim (undefined: deleted) and its tenant's slots. */
interface Claimed {
  tenantId: string;
  appId: string;
  message: Message;
  app: App | undefined;
  /** Most deliveries its tenant may have in flight (its plan's share of `maxInFlight`). */
  tenantSlots: number;
}

/**
 * The embedded engine: no timer per message. It wires four parts: a due window (libs/engine/timer/window.ts,
 * refilled from the store's due index) with one alarm for its earliest entry; on the alarm, due entries
 * are claimed in one conditional write (so an abort that won stays aborted), vetted, and handed to a
 * dispatcher fair per tenant, then per app; an outcome writer records their attempts in group commits and
 * puts retries back in the window. An app whose claimed messages fill its share of the queue has its
 * further due entries parked (still `scheduled`, not claimed) until its queue drains, so a stuck receiver
 * with a large backlog cannot hold other apps' messages back. A tenant that has started its plan's
 * `attemptsPerMinute` waits for the next minute, its due messages unclaimed. A circuit breaker per app
 * slows apps whose receivers keep timing out and disables those failing for days.
 */
export class TimerEngine implements Engine {
  private readonly o: TimerEngineOptions;
  private readonly window: DueWindow;
  private readonly alarm: Alarm;
  private readonly dispatcher: Dispatcher<Claimed>;
  private readonly outcomes: OutcomeWriter;
  private readonly apps: AppCache;
  private readonly plans?: TenantPlanCache;
  private readonly budgets = new MinuteBudgets();
  private readonly breaker: CircuitBreaker;
  private readonly skip: SkipDeps;
  private refillTimer?: NodeJS.Timeout;
  private firing = false;
  private closed = false;

  constructor(
    private readonly deps: TimerEngineDeps,
    options: Partial<TimerEngineOptions> = {},
  ) {
    this.o = { ...timerEngineDefaults, ...options };
    this.window = new DueWindow(deps.messages, { horizonMs: this.o.horizonMs, windowMax: this.o.windowMax });
    this.alarm = new Alarm(deps.clock, () => void this.fire());
    this.breaker = new CircuitBreaker(
      this.o.breaker,
      (app, since) => void disableFailingApp({ apps: deps.apps, clock: deps.clock, logger: deps.logger }, app, since),
    );
    this.dispatcher = new Dispatcher<Claimed>(
      { maxInFlight: this.o.maxInFlight, reserve: this.o.newTenantReserve ?? Math.floor(this.o.maxInFlight / 8) },
      {
        app: (next) => this.breaker.slots(next.appId, next.app?.maxConcurrency ?? 1, deps.clock.now()),
        tenant: (next) => next.tenantSlots,
      },
      (c) => this.deliver(c),
      (appId) => this.onSlotFree(appId),
    );
    this.outcomes = new OutcomeWriter({
      messages: deps.messages,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      retry: (refs) => this.enqueue(refs),
      ...(deps.admitChains ? { admitChains: deps.admitChains } : {}),
      ...(deps.onChained ? { onChained: deps.onChained } : {}),
    });
    this.apps = new AppCache(deps.apps, deps.clock);
    if (deps.tenants && deps.plans) this.plans = new TenantPlanCache(deps.tenants, deps.plans, deps.clock);
    this.skip = {
      messages: deps.messages,
      logger: deps.logger,
      ...(deps.vet ? { vet: deps.vet } : {}),
      ...(deps.hold ? { hold: deps.hold } : {}),
      onVetError: (err, m) => deps.logger.error('could not vet a message; delivering it', { err, messageId: m.id }),
    };
  }

  /** Recovers messages caught mid-delivery by a crash, loads the window and starts firing. */
  async start(): Promise<void> {
    const recovered = await this.deps.messages.recoverInFlight(this.deps.clock.now());
    if (recovered) this.deps.logger.warn('recovered in-flight messages after an unclean stop', { count: recovered });
    await this.refill();
    this.refillTimer = setInterval(() => void this.refill(), this.o.refillIntervalMs);
  }

  async enqueue(refs: WindowEntry[]): Promise<void> {
    if (this.closed) return;
    const earliest = this.window.add(refs);
    if (earliest !== Infinity) this.alarm.set(earliest - this.deps.clock.now());
  }

  /** What the engine holds now, for operator metrics: due-window entries, claimed messages waiting for a slot, deliveries in flight. */
  stats(): { window: number; queued: number; inFlight: number } {
    return { window: this.window.size, queued: this.dispatcher.waiting, inFlight: this.dispatcher.running };
  }

  /** Stops firing, lets in-flight deliveries finish within the drain bound and writes their outcomes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refillTimer);
    this.alarm.stop();
    // Claimed but not started: they stay `delivering` in the store and are recovered at the next start.
    this.dispatcher.drain();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.dispatcher.idle(), new Promise((r) => (timeout = setTimeout(r, this.o.drainTimeoutMs)))]);
    clearTimeout(timeout);
    await this.outcomes.flush();
  }

  private async refill(): Promise<void> {
    if (this.closed) return;
    try {
      const next = await this.window.refill(this.deps.clock.now());
      if (next !== undefined && next !== Infinity) this.alarm.set(next - this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error('engine refill failed; retrying at the next interval', { err });
    }
  }

  /** The alarm went off: claim what is due, within the claim budget and each app's share, and dispatch it. */
  private async fire(): Promise<void> {
    if (this.firing || this.closed) return;
    this.firing = true;
    try {
      const now = this.deps.clock.now();
      if (this.budget() <= 0 && this.window.nextDueAt <= now) {
        // The claim budget is spent and due work waits, perhaps another app's: trim every queue to its share.
        for (const c of await this.unclaim(this.dispatcher.trim(this.cap()), new Map(), now)) this.dispatcher.push(c);
      }
      const max = Math.min(this.budget(), this.dispatcher.load < this.o.maxInFlight ? this.o.firstClaimMax : this.o.claimMax);
      const batched = new Map<string, number>();
      const due = this.window.take(now, max, (e): Admission => {
        if (this.budgets.isSpent(e.tenantId, now)) return { until: nextMinuteAt(now) };
        if (e.appId === undefined) return 'take';
        const n = batched.get(e.appId) ?? 0;
        if (this.full(e.appId, n)) return 'park';
        batched.set(e.appId, n + 1);
        return 'take';
      });
      if (due.length) await this.claim(due, now);
      const next = this.window.nextDueAt;
      if (next !== Infinity)
        this.alarm.set(this.dispatcher.load >= this.o.maxQueued ? this.o.refillIntervalMs : next - this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error('engine fire failed; retrying shortly', { err });
      this.alarm.set(100);
    } finally {
      this.firing = false;
    }
  }

  /**
   * Claims due entries, skips vetoed messages, and queues the rest for delivery; those of a tenant past its
   * attempt budget wait for the next minute and a full app's are parked, both unclaimed.
   */
  private async claim(due: WindowEntry[], now: number): Promise<void> {
    const claimed = await this.deps.messages.claim(due, now);
    const ready: Message[] = [];
    for (const m of claimed) if (!(await this.skipped(m, now))) ready.push(m);
    const apps = new Map<string, App | undefined>();
    for (const m of ready) if (!apps.has(m.appId)) apps.set(m.appId, await this.apps.get(m.tenantId, m.appId));
    const tenants = new Map<string, { slots: number; attemptsPerMinute?: number }>();
    for (const m of ready) if (!tenants.has(m.tenantId)) tenants.set(m.tenantId, await this.tenantLimits(m.tenantId));
    const dueAt = new Map(due.map((e) => [e.id, e.dueAt]));
    const over: Claimed[] = [];
    const spent: Claimed[] = [];
    for (const m of ready) {
      const t = tenants.get(m.tenantId)!;
      const c = { tenantId: m.tenantId, appId: m.appId, message: m, app: apps.get(m.appId), tenantSlots: t.slots };
      if (this.full(m.appId)) over.push(c);
      else if (!this.budgets.take(m.tenantId, t.attemptsPerMinute, now)) spent.push(c);
      else this.dispatcher.push(c);
    }
    for (const c of await this.unclaim(over, dueAt, now, (r) => this.window.park(r))) this.dispatcher.push(c);
    const later = nextMinuteAt(now);
    for (const c of await this.unclaim(spent, dueAt, now, (r) => this.window.defer(r, later))) this.dispatcher.push(c);
    if (spent.length) this.alarm.set(later - this.deps.clock.now());
    this.dispatcher.pump();
  }

  /** A tenant's delivery slots (its plan's share of `maxInFlight`) and attempts per minute (its plan's, or the operator's cap). */
  private async tenantLimits(tenantId: string): Promise<{ slots: number; attemptsPerMinute?: number }> {
    let plan: Awaited<ReturnType<TenantPlanCache['get']>> = {};
    try {
      if (this.plans) plan = await this.plans.get(tenantId);
    } catch (err) {
      this.deps.logger.error('could not read a tenant plan; delivering without its limits', { err, tenantId });
    }
    const slots = Math.max(1, Math.floor(this.o.maxInFlight * (plan.deliveryShare ?? 1)));
    const attemptsPerMinute = attemptsPerMinuteOf(plan.attemptsPerMinute, this.o.tenantAttemptsPerMinute);
    return attemptsPerMinute === undefined ? { slots } : { slots, attemptsPerMinute };
  }

  /** The skip step; an abort that fails leaves the message `delivering`, recovered (and vetted again) at the next start. */
  private skipped(m: Message, now: number): Promise<boolean> {
    return skipIfVetoed(this.skip, m, now).catch((err: unknown) => {
      this.deps.logger.error('could not abort a vetted message', { err, messageId: m.id });
      return true;
    });
  }

  /**
   * Hands claimed messages back to the store (`scheduled`, same dueAt) and holds each in the window with
   * `hold` (parked, or deferred), so they cost no claim budget while they wait; returns those still
   * claimed (all or none).
   */
  private async unclaim(
    claimed: Claimed[],
    dueAt: Map<string, number>,
    now: number,
    hold: (r: AppEntry) => void = (r) => this.window.park(r),
  ): Promise<Claimed[]> {
    if (!claimed.length) return [];
    const refs: AppEntry[] = claimed.map(({ message: m }) => ({
      id: m.id,
      tenantId: m.tenantId,
      dueAt: dueAt.get(m.id) ?? now,
      appId: m.appId,
    }));
    try {
      await this.deps.messages.unclaim(refs, now); // SQLite: one transaction, all or nothing
    } catch (err) {
      // Still claimed: deliver them in turn rather than leave them stranded.
      this.deps.logger.error('could not unclaim messages that must wait; delivering them in turn', { err, count: refs.length });
      return claimed;
    }
    for (const r of refs) hold(r);
    return [];
  }

  private async deliver(c: Claimed): Promise<void> {
    const result = await runAttempt(c.message, c.app, this.deps.deliver, () => this.deps.clock.now(), { breaker: this.breaker });
    this.outcomes.add(c.message, result, c.app?.target.type);
  }

  /** A freed delivery slot may let a due backlog through: unpark the app's entries when its queue has drained, fire if anything is due. */
  private onSlotFree(appId: string): void {
    const queued = this.dispatcher.queuedFor(appId);
    const cap = this.cap();
    if (this.window.isParked(appId) && queued <= cap / 2) this.window.unpark(appId, cap - queued);
    if (this.window.nextDueAt <= this.deps.clock.now()) this.alarm.set(0);
  }

  /** How many more messages may be claimed now: queued and in flight together stay within `maxQueued + maxInFlight`. */
  private budget(): number {
    return this.o.maxQueued - this.dispatcher.load + this.o.maxInFlight;
  }

  /**
   * How many claimed messages one app may have waiting: `maxQueuedPerApp`, or less when many apps
   * wait, so that apps with work (and one more, not yet seen) share `maxQueued` equally.
   */
  private cap(): number {
    // An app both queued and parked counts twice: a slightly smaller share, for an O(1) count.
    const apps = this.dispatcher.queuedApps + this.window.parkedApps;
    return Math.max(1, Math.min(this.o.maxQueuedPerApp, Math.floor(this.o.maxQueued / (apps + 1))));
  }

  /** Whether `appId`'s queue (plus `extra` about to join it) is full. */
  private full(appId: string, extra = 0): boolean {
    return this.dispatcher.queuedFor(appId) + extra >= this.cap();
  }
}
