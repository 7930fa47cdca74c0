import type { App } from '../../apps/model';
import type { AppStore } from '../../apps/port';
import type { Clock } from '../../domain/clock';
import type { Message } from '../../messages/model';
import type { AttemptResult, DueRef, MessageStore } from '../../messages/port';
import type { Logger } from '../../observability/logger';
import { logAttempt, runAttempt, type Deliver } from '../attempt';
import { Dispatcher } from './dispatcher';
import { MinHeap } from './heap';
import type { Engine, Vet } from '../port';

/** Options of the embedded engine. */
export interface TimerEngineOptions {
  /** How far ahead the in-memory window reaches. @default 30_000 */
  horizonMs: number;
  /** How often the window is refilled from the store. @default 1_000 */
  refillIntervalMs: number;
  /** Most entries held in the window. @default 200_000 */
  windowMax: number;
  /** Deliveries in flight at once. @default 512 */
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
  /** Most messages claimed in one transaction otherwise (the rest follow on the next tick). @default 2_048 */
  claimMax: number;
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
};

export interface TimerEngineDeps {
  messages: MessageStore;
  apps: AppStore;
  deliver: Deliver;
  clock: Clock;
  logger: Logger;
  /** Observes every finished attempt (metering). */
  onAttempt?: (m: Message, result: AttemptResult) => void;
  /** A reason not to deliver a claimed message at all (a schedule run past its misfire grace); it is then aborted with that reason. */
  vet?: Vet;
}

interface Entry {
  id: string;
  tenantId: string;
  dueAt: number;
  /** Known once the message has been claimed (or retried) by this engine. */
  appId?: string;
}

/**
 * The embedded engine: no timer per message. A bounded near-term window (a min-heap) is refilled
 * from the store's due index; one timer is armed for the earliest entry. Due entries are claimed
 * in one conditional write (so an abort that won stays aborted), delivered by a fair dispatcher,
 * and their outcomes are written back in group commits. An app whose claimed messages fill its
 * share of the queue has its further due entries parked (still `scheduled`, not claimed) until its
 * queue drains, so a stuck receiver with a large backlog cannot hold other apps' messages back.
 */
export class TimerEngine implements Engine {
  private readonly o: TimerEngineOptions;
  private readonly heap = new MinHeap<Entry>((e) => e.dueAt);
  /** id → dueAt of live heap entries; a popped entry whose dueAt differs is stale. */
  private readonly window = new Map<string, number>();
  /** Every scheduled message due at or before this instant is in the window. */
  private coveredUntil = -1;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private refillTimer?: NodeJS.Timeout;
  private refilling = false;
  private ticking = false;
  private closed = false;
  private readonly apps = new Map<string, { app: App | undefined; at: number }>();
  private pendingResults: { m: Message; r: AttemptResult }[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly dispatcher: Dispatcher;
  /** Due entries of apps whose queue is full, by app, earliest first; they stay in `window`. */
  private readonly parked = new Map<string, Entry[]>();

  constructor(
    private readonly deps: TimerEngineDeps,
    options: Partial<TimerEngineOptions> = {},
  ) {
    this.o = { ...timerEngineDefaults, ...options };
    this.dispatcher = new Dispatcher(
      { maxInFlight: this.o.maxInFlight },
      (appId) => this.apps.get(appId)?.app?.maxConcurrency ?? 1,
      (m) => this.deliverOne(m),
      (appId) => this.onSlotFree(appId),
    );
  }

  /** Recovers messages caught mid-delivery by a crash, loads the window and starts firing. */
  async start(): Promise<void> {
    const recovered = await this.deps.messages.recoverInFlight(this.deps.clock.now());
    if (recovered) this.deps.logger.warn('recovered in-flight messages after an unclean stop', { count: recovered });
    await this.refill();
    this.refillTimer = setInterval(() => void this.refill(), this.o.refillIntervalMs);
  }

  async enqueue(refs: (DueRef & { appId?: string })[]): Promise<void> {
    if (this.closed) return;
    let earliest = Infinity;
    for (const ref of refs) {
      if (ref.dueAt > this.coveredUntil) continue; // a later refill loads it
      if (this.window.size >= this.o.windowMax) {
        this.coveredUntil = Math.min(this.coveredUntil, ref.dueAt - 1);
        continue;
      }
      this.add(ref);
      earliest = Math.min(earliest, ref.dueAt);
    }
    if (earliest !== Infinity) this.arm(earliest - this.deps.clock.now());
  }

  /** Stops firing, lets in-flight deliveries finish within the drain bound and writes their outcomes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refillTimer);
    clearTimeout(this.timer);
    // Claimed but not started: they stay `delivering` in the store and are recovered at the next start.
    this.dispatcher.drain();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.dispatcher.idle(), new Promise((r) => (timeout = setTimeout(r, this.o.drainTimeoutMs)))]);
    clearTimeout(timeout);
    await this.flush();
  }

  /** A freed delivery slot may let a due backlog through: unpark the app's entries when its queue has drained, fire if anything is due. */
  private onSlotFree(appId: string): void {
    const parked = this.parked.get(appId);
    const queued = this.dispatcher.queuedFor(appId);
    const cap = this.cap();
    if (parked && queued <= cap / 2) {
      const back = parked.splice(0, cap - queued);
      if (!parked.length) this.parked.delete(appId);
      for (const e of back) this.heap.push(e);
    }
    const top = this.heap.peek();
    if (top && top.dueAt <= this.deps.clock.now()) this.arm(0);
  }

  private add(ref: DueRef & { appId?: string }): void {
    if (this.window.get(ref.id) === ref.dueAt) return;
    this.window.set(ref.id, ref.dueAt);
    this.heap.push({ id: ref.id, tenantId: ref.tenantId, dueAt: ref.dueAt, ...(ref.appId ? { appId: ref.appId } : {}) });
  }

  private park(e: Entry & { appId: string }): void {
    this.window.set(e.id, e.dueAt);
    const list = this.parked.get(e.appId);
    if (list) list.push(e);
    else this.parked.set(e.appId, [e]);
  }

  /**
   * How many claimed messages one app may have waiting: `maxQueuedPerApp`, or less when many apps
   * wait, so that apps with work (and one more, not yet seen) share `maxQueued` equally.
   */
  private cap(): number {
    // An app both queued and parked counts twice: a slightly smaller share, for an O(1) count.
    const apps = this.dispatcher.queuedApps + this.parked.size;
    return Math.max(1, Math.min(this.o.maxQueuedPerApp, Math.floor(this.o.maxQueued / (apps + 1))));
  }

  /** Whether `appId`'s queue (plus `extra` about to join it) is full. */
  private full(appId: string, extra = 0): boolean {
    return this.dispatcher.queuedFor(appId) + extra >= this.cap();
  }

  private async refill(): Promise<void> {
    if (this.refilling || this.closed) return;
    this.refilling = true;
    try {
      const until = this.deps.clock.now() + this.o.horizonMs;
      const room = this.o.windowMax - this.window.size;
      if (room <= 0) return;
      const from = this.coveredUntil;
      // Cover up to `until` before awaiting, so messages enqueued meanwhile go straight to the window.
      this.coveredUntil = Math.max(this.coveredUntil, until);
      const refs = await this.deps.messages.due(from, until, room);
      for (const ref of refs) this.add(ref);
      if (refs.length === room) this.coveredUntil = Math.min(this.coveredUntil, refs[refs.length - 1].dueAt - 1);
      if (this.heap.size) this.arm(this.heap.peek()!.dueAt - this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error('engine refill failed; retrying at the next interval', { err });
    } finally {
      this.refilling = false;
    }
  }

  /** Arms the single timer to fire in `delayMs` unless it already fires sooner. */
  private arm(delayMs: number): void {
    if (this.closed) return;
    const at = this.deps.clock.now() + Math.max(0, delayMs);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        void this.tick();
      },
      Math.max(0, Math.min(delayMs, 2 ** 31 - 1)),
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      const now = this.deps.clock.now();
      let room = this.o.maxQueued - this.dispatcher.load + this.o.maxInFlight;
      if (room <= 0 && (this.heap.peek()?.dueAt ?? Infinity) <= now) {
        // The claim budget is spent and due work waits, perhaps another app's: trim every queue to its share.
        const trimmed = this.dispatcher.trim(this.cap());
        for (const m of await this.unclaim(trimmed, new Map(), now)) this.dispatcher.push(m);
        room = this.o.maxQueued - this.dispatcher.load + this.o.maxInFlight;
      }
      room = Math.min(room, this.dispatcher.load < this.o.maxInFlight ? this.o.firstClaimMax : this.o.claimMax);
      const batch: Entry[] = [];
      const batched = new Map<string, number>();
      while (batch.length < room) {
        const top = this.heap.peek();
        if (!top || top.dueAt > now) break;
        this.heap.pop();
        if (this.window.get(top.id) !== top.dueAt) continue;
        if (top.appId !== undefined) {
          const n = batched.get(top.appId) ?? 0;
          if (this.full(top.appId, n)) {
            this.park(top as Entry & { appId: string });
            continue;
          }
          batched.set(top.appId, n + 1);
        }
        this.window.delete(top.id);
        batch.push(top);
      }
      if (batch.length) {
        const claimed = await this.vetClaimed(await this.deps.messages.claim(batch, now), now);
        await this.loadApps(claimed);
        const dueAt = new Map(batch.map((e) => [e.id, e.dueAt]));
        const over: Message[] = [];
        for (const m of claimed) {
          if (this.full(m.appId)) over.push(m);
          else this.dispatcher.push(m);
        }
        for (const m of await this.unclaim(over, dueAt, now)) this.dispatcher.push(m);
        this.dispatcher.pump();
      }
      const top = this.heap.peek();
      if (top) this.arm(this.dispatcher.load >= this.o.maxQueued ? this.o.refillIntervalMs : top.dueAt - this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error('engine tick failed; retrying shortly', { err });
      this.arm(100);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Hands claimed messages of full apps back to the store (`scheduled`, same dueAt) and parks
   * them, so they cost no claim budget while they wait; returns those still claimed (all or none).
   */
  private async unclaim(messages: Message[], dueAt: Map<string, number>, now: number): Promise<Message[]> {
    if (!messages.length) return [];
    const refs = messages.map((m) => ({ id: m.id, tenantId: m.tenantId, dueAt: dueAt.get(m.id) ?? now, appId: m.appId }));
    try {
      await this.deps.messages.unclaim(refs, now); // one transaction: all or nothing
    } catch (err) {
      // Still claimed: deliver them in turn rather than leave them stranded.
      this.deps.logger.error('could not unclaim messages of a saturated app; delivering them in turn', { err, count: refs.length });
      return messages;
    }
    for (const r of refs) this.park(r);
    return [];
  }

  /** Aborts the claimed messages `vet` refuses, with its reason; returns the rest. */
  private async vetClaimed(claimed: Message[], now: number): Promise<Message[]> {
    const vet = this.deps.vet;
    if (!vet) return claimed;
    const ready: Message[] = [];
    for (const m of claimed) {
      const reason = await vet(m, now).catch((err: unknown) => {
        this.deps.logger.error('could not vet a message; delivering it', { err, messageId: m.id });
        return undefined;
      });
      if (reason === undefined) {
        ready.push(m);
        continue;
      }
      this.deps.logger.warn('message not delivered', { tenantId: m.tenantId, messageId: m.id, scheduleId: m.scheduleId, reason });
      // On failure it stays `delivering` and is recovered (and vetted again) at the next start.
      await this.deps.messages
        .transition(m.tenantId, m.id, ['delivering'], { status: 'aborted', abortedAt: now, lastError: reason }, now, 'skip')
        .catch((err: unknown) => this.deps.logger.error('could not abort a vetted message', { err, messageId: m.id }));
    }
    return ready;
  }

  /** Caches each app for a second, so settings changes apply quickly without a read per delivery. */
  private async loadApps(messages: Message[]): Promise<void> {
    const now = this.deps.clock.now();
    for (const m of messages) {
      const cached = this.apps.get(m.appId);
      if (cached && now - cached.at < 1_000) continue;
      this.apps.set(m.appId, { app: await this.deps.apps.get(m.tenantId, m.appId), at: now });
    }
  }

  private async deliverOne(m: Message): Promise<void> {
    const r = await runAttempt(m, this.apps.get(m.appId)?.app, this.deps.deliver, () => this.deps.clock.now());
    this.pendingResults.push({ m, r });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Group commit of finished attempts, then retries go back into the window. */
  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      this.flushScheduled = false;
      const batch = this.pendingResults;
      this.pendingResults = [];
      if (!batch.length) return;
      try {
        await this.deps.messages.complete(
          batch.map((b) => b.r),
          this.deps.clock.now(),
        );
      } catch (err) {
        // Left `delivering`: recovered (and redelivered, at least once) at the next start.
        this.deps.logger.error('could not record delivery outcomes', { err, count: batch.length });
        return;
      }
      const retries: (DueRef & { appId: string })[] = [];
      for (const { m, r } of batch) {
        logAttempt(this.deps.logger, m, r);
        this.deps.onAttempt?.(m, r);
        if (r.status === 'scheduled') retries.push({ id: m.id, tenantId: m.tenantId, dueAt: r.dueAt!, appId: m.appId });
      }
      if (retries.length) await this.enqueue(retries);
    });
    return this.flushing;
  }
}
