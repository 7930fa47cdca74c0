import type { AppStore } from '../../apps/port';
import type { Clock } from '../../domain/clock';
import { cutRefusedChains, type AdmitChains } from '../chains';
import type { Message } from '../../messages/model';
import type { AttemptResult, DueRef, MessageStore } from '../../messages/port';
import type { Logger } from '../../observability/logger';
import { AppCache } from '../apps';
import { logAttempt, runAttempt, type Deliver } from '../attempt';
import { bucketMs } from './buckets';
import type { DeliveryQueueMessage, PageJob } from './engine';
import type { DeliveryMetrics } from '../metrics';
import { noMetrics } from '../metrics';
import { CircuitBreaker, type CircuitBreakerOptions } from '../breaker';
import type { SlotLease, TenantCounters } from '../counters';
import { disableFailingApp } from '../disable';
import { TenantPlanCache } from '../plans';
import type { Hold, Vet } from '../port';
import { attemptsPerMinuteOf, nextMinuteAt } from '../rate';
import type { Plan, PlanCatalogue } from '../../plans/catalogue';
import type { TenantStore } from '../../tenancy/port';
import { AttemptBudget } from './budget';
import { awsMaxInFlight } from './limits';
import { skipIfVetoed, type SkipDeps } from '../skip';

/** The due index, a shard page at a time (the DynamoDB message store). */
export interface ShardedDueIndex {
  readonly shardCount: number;
  duePage(shard: number, from: number, until: number, limit: number, cursor?: string): Promise<{ refs: DueRef[]; cursor?: string }>;
  reclaimStale(tenantId: string, messageId: string, staleBefore: number, now: number): Promise<Message | undefined>;
}

/**
 * The queue side of the AWS engine (libs/engine/eventbridge/engine.ts). The worker sends only what no table write
 * announces (a page of a bucket, an early record, an overdue message): whatever it writes back to `scheduled` (a retry,
 * a deferral, a chained message) reaches the queue through the table stream's hand-off (functions/engine/handoff).
 */
export interface DeliveryQueue {
  /** Sends messages to the delivery queue, each delayed until due. */
  send(refs: DueRef[]): Promise<void>;
  /** Queues the first page job of each shard of a bucket. */
  queuePages(bucket: number, shards: number): Promise<void>;
  /** Queues the next page job of a shard. */
  queuePage(next: PageJob): Promise<void>;
}

export interface AwsEngineWorkerOptions {
  /** Due-index entries read per page job (then the next page job is queued). @default 500 */
  pageSize: number;
  /**
   * How long a claim holds: a message `delivering` for longer was left by an invocation that stopped
   * (timeout, crash), and SQS's redelivery of its deliver record takes it over. Longer than the
   * deliver function's timeout. @default 120_000
   */
  leaseMs: number;
  /** A scheduled message this overdue is swept back into SQS (its deliver record was lost or refused). @default 60_000 */
  sweepAfterMs: number;
  /** Most overdue messages one sweep re-sends. @default 2_000 */
  sweepMax: number;
  /**
   * Deliveries in flight at once across the deliver function's invocations, of which a tenant holds at most
   * its plan's `deliveryShare` (counted in the table). @default `awsMaxInFlight` (reserved concurrency × batch size)
   */
  maxInFlight: number;
  /** How long an attempt runs before it must hold one of its tenant's delivery slots (quicker ones never count). @default 2_000 */
  slotAfterMs: number;
  /**
   * Shortest wait before an attempt stopped for want of a slot is retried; a message over its tenant's budget
   * waits for the next minute plus up to this. @default 5_000
   */
  slotWaitMs: number;
  /** Most attempts one tenant may start per minute, whatever its plan (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`); unset: none. */
  tenantAttemptsPerMinute?: number;
  /** The per-app circuit breaker, per warm container (libs/engine/breaker.ts). */
  breaker: Partial<CircuitBreakerOptions>;
}

export const awsEngineWorkerDefaults: AwsEngineWorkerOptions = {
  pageSize: 500,
  leaseMs: 120_000,
  sweepAfterMs: 60_000,
  sweepMax: 2_000,
  maxInFlight: awsMaxInFlight,
  slotAfterMs: 2_000,
  slotWaitMs: 5_000,
  breaker: {},
};

export interface AwsEngineWorkerDeps {
  messages: MessageStore;
  due: ShardedDueIndex;
  apps: AppStore;
  queue: DeliveryQueue;
  deliver: Deliver;
  clock: Clock;
  logger: Logger;
  metrics?: DeliveryMetrics;
  /** A reason not to deliver a claimed message at all (a schedule run past its misfire grace). */
  vet?: Vet;
  /** Whether a claimed message must wait unattempted (its tenant is suspended); it is then held until released. */
  hold?: Hold;
  /** Observes every recorded attempt. */
  onAttempt?: (m: Message, r: AttemptResult) => void;
  /** Admits chained messages against their tenant's plan; a refused chain is cut (recorded on its source). @default all */
  admitChains?: AdmitChains;
  /**
   * Tenants, the plan catalogue and the table's counters: each tenant's delivery slots and attempts per
   * minute. Without them, no tenant is limited.
   */
  tenants?: Pick<TenantStore, 'get'>;
  plans?: PlanCatalogue;
  counters?: TenantCounters;
}

/** Another invocation holds the message's claim and its lease has not run out. */
export class DeliveryInFlightError extends Error {
  override name = 'DeliveryInFlightError';
  constructor(readonly messageId: string) {
    super(`message ${messageId} is being delivered by another invocation; retry after its lease`);
  }
}

/**
 * What handling one delivery-queue record did (tests and logs): an attempt's outcome; `skipped` (vetoed,
 * aborted); `obsolete` (nothing to claim: gone, finished, aborted, or due later under another record);
 * `early` (sent again for its due time); `deferred` (its tenant had spent its attempts for the minute:
 * unclaimed and sent again for the next); `paged` (a page job done).
 */
export type DeliveryQueueResult = 'delivered' | 'retry' | 'failed' | 'skipped' | 'obsolete' | 'early' | 'deferred' | 'paged';

/**
 * The work of the AWS engine's functions, on the same attempt code as the embedded engine (verbs:
 * libs/engine/port.ts):
 * - `wake(bucket)` (wake function, invoked by the bucket's Scheduler `at()`): queues one page job per shard;
 * - `handle(msg)` (deliver function, one SQS record): a page job sends one page of its shard's due
 *   messages to SQS with `DelaySeconds` and queues the next page job; a deliver record claims the message
 *   (conditional: an abort, a redrive or a duplicate SQS delivery that lost the race finds nothing to
 *   claim), delivers it and records the attempt (a retry, like every message entering `scheduled`, reaches the queue
 *   through the table stream's hand-off, not from here);
 * - `sweep()` (sweep function, every minute): re-sends overdue scheduled messages that have a due-index entry (those
 *   due more than 15 minutes after their last write), so a lost page job delays one by a minute or two but never loses
 *   it. Nearer messages have no entry: a failed hand-off is retried by the stream itself.
 * Every method throws on infrastructure errors, so the SQS record is retried (partial batch failure).
 */
export class AwsEngineWorker {
  private readonly o: AwsEngineWorkerOptions;
  private readonly apps: AppCache;
  private readonly plans?: TenantPlanCache;
  private readonly budget?: AttemptBudget;
  private readonly breaker: CircuitBreaker;
  private readonly skip: SkipDeps;

  constructor(
    private readonly deps: AwsEngineWorkerDeps,
    options: Partial<AwsEngineWorkerOptions> = {},
  ) {
    this.o = { ...awsEngineWorkerDefaults, ...options };
    this.apps = new AppCache(deps.apps, deps.clock);
    if (deps.tenants && deps.plans) this.plans = new TenantPlanCache(deps.tenants, deps.plans, deps.clock);
    if (deps.counters) this.budget = new AttemptBudget(deps.counters);
    this.breaker = new CircuitBreaker(
      this.o.breaker,
      (app, since) => void disableFailingApp({ apps: deps.apps, clock: deps.clock, logger: deps.logger }, app, since),
    );
    this.skip = {
      messages: deps.messages,
      logger: deps.logger,
      ...(deps.vet ? { vet: deps.vet } : {}),
      ...(deps.hold ? { hold: deps.hold } : {}),
    };
  }

  /** A bucket's wake-up: one page job per shard. */
  async wake(bucket: number): Promise<void> {
    await this.deps.queue.queuePages(bucket, this.deps.due.shardCount);
  }

  /** One delivery-queue record. */
  async handle(msg: DeliveryQueueMessage): Promise<DeliveryQueueResult> {
    return msg.kind === 'page' ? this.page(msg) : this.deliver(msg);
  }

  /** Re-sends overdue scheduled messages; returns how many. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    const overdue = await this.deps.messages.due(0, now - this.o.sweepAfterMs, this.o.sweepMax);
    if (overdue.length) {
      this.deps.logger.warn('sweeping overdue messages back into the delivery queue', { count: overdue.length });
      await this.deps.queue.send(overdue);
    }
    return overdue.length;
  }

  private async page(job: PageJob): Promise<DeliveryQueueResult> {
    const page = await this.deps.due.duePage(job.shard, job.bucket, job.bucket + bucketMs - 1, this.o.pageSize, job.cursor);
    await this.deps.queue.send(page.refs);
    if (page.cursor) await this.deps.queue.queuePage({ ...job, cursor: page.cursor });
    return 'paged';
  }

  private async deliver(ref: Extract<DeliveryQueueMessage, { kind: 'deliver' }>): Promise<DeliveryQueueResult> {
    const { messages, clock } = this.deps;
    const now = clock.now();
    let [m] = await messages.claim([ref], now);
    if (!m) {
      const current = await messages.get(ref.tenantId, ref.id);
      if (!current) return 'obsolete';
      if (current.status === 'scheduled' && current.dueAt !== undefined && current.dueAt > now) {
        // Early (SQS rounds delays to seconds) or superseded by a retry or redrive, whose own deliver record exists:
        // re-send only when this one is the message's current due time. No table write announces this one, so the worker
        // sends it itself (within SQS's 15 minutes: only records due sooner are ever sent).
        if (current.dueAt !== ref.dueAt) return 'obsolete';
        await this.deps.queue.send([{ id: ref.id, tenantId: ref.tenantId, dueAt: current.dueAt }]);
        return 'early';
      }
      if (current.status !== 'delivering') return 'obsolete'; // delivered, failed, aborted: nothing to do
      // Another invocation holds it; if that one stopped, its lease has run out and this redelivery takes over.
      const taken = await this.deps.due.reclaimStale(ref.tenantId, ref.id, now - this.o.leaseMs, now);
      // Throwing keeps the record: SQS brings it back after the visibility timeout (longer than the lease),
      // by which time the holder has finished (then it is skipped) or has certainly stopped (then it is taken over).
      if (!taken) throw new DeliveryInFlightError(ref.id);
      this.deps.logger.warn('took over a message whose delivery stopped', { messageId: ref.id, tenantId: ref.tenantId });
      m = taken;
    }
    if (await skipIfVetoed(this.skip, m, now)) return 'skipped';
    if (!(await this.admit(m, now))) return 'deferred';
    const r = await this.attempt(m, now);
    await cutRefusedChains([r], this.deps.admitChains, this.deps.logger);
    await messages.complete([r], clock.now());
    logAttempt(this.deps.logger, m, r);
    this.deps.onAttempt?.(m, r);
    const outcome = r.status === 'delivered' ? 'delivered' : r.status === 'failed' ? 'failed' : 'retry';
    (this.deps.metrics ?? noMetrics).attempt({
      outcome,
      durationMs: r.attempt.durationMs,
      ...(m.attemptCount === 0 ? { latenessMs: r.attempt.startedAt - m.sendAt } : {}),
    });
    // A retry and a chained message enter `scheduled` in the table: its stream hands them to the queue.
    return outcome;
  }

  /**
   * Admits a claimed message's attempt under its tenant's attempts per minute (leased in blocks from the
   * table, `AttemptBudget`). When they are spent, the message goes back to `scheduled`, due early in the next minute
   * (the stream hands it to the queue then); returns false then.
   */
  private async admit(m: Message, now: number): Promise<boolean> {
    if (!this.budget) return true;
    const limit = attemptsPerMinuteOf((await this.planOf(m.tenantId)).attemptsPerMinute, this.o.tenantAttemptsPerMinute);
    if (limit === undefined || (await this.budget.take(m.tenantId, limit, now))) return true;
    // Spread over the first seconds of the next minute, not all at its first instant.
    await this.putBack(m, now, nextMinuteAt(now) - now + Math.random() * this.o.slotWaitMs);
    return false;
  }

  /**
   * One attempt under its tenant's share of the delivery slots, counted in the table across invocations,
   * but only for an attempt that lasts: a receiver answering within `slotAfterMs` never costs a counter
   * write, and one that hangs takes a slot then, or — its tenant holding all its slots — is stopped, its
   * retry waiting `slotWaitMs` at least. So a tenant whose receivers hang holds at most its share of the
   * deliver function's reserved concurrency past the first seconds.
   */
  private async attempt(m: Message, now: number): Promise<AttemptResult> {
    const { clock } = this.deps;
    const app = await this.apps.get(m.tenantId, m.appId);
    const counters = this.deps.counters;
    if (!counters) return runAttempt(m, app, this.deps.deliver, () => clock.now(), { breaker: this.breaker });
    const controller = new AbortController();
    let refused = false;
    let taking: Promise<SlotLease | undefined> | undefined;
    const timer = setTimeout(() => {
      taking = this.planOf(m.tenantId)
        .then((plan) => counters.acquireSlot(m.tenantId, Math.max(1, Math.floor(this.o.maxInFlight * (plan.deliveryShare ?? 1))), now))
        .then((lease) => {
          if (!lease) {
            refused = true;
            controller.abort(new Error('attempt stopped: its tenant holds all its delivery slots (receivers that do not answer)'));
          }
          return lease;
        })
        .catch((err: unknown) => {
          this.deps.logger.warn('could not count a delivery slot; the attempt goes on', { err, tenantId: m.tenantId });
          return undefined;
        });
    }, this.o.slotAfterMs);
    try {
      return await runAttempt(m, app, this.deps.deliver, () => clock.now(), {
        breaker: this.breaker,
        signal: controller.signal,
        minRetryDelayMs: () => (refused ? this.o.slotWaitMs : 0),
      });
    } finally {
      clearTimeout(timer);
      const lease = await taking;
      if (lease) await this.release(lease);
    }
  }

  /** The tenant's plan ({} without a catalogue). */
  private async planOf(tenantId: string): Promise<Plan> {
    return this.plans ? this.plans.get(tenantId) : {};
  }

  /**
   * Unclaims a message that must wait, due `waitMs` from now: the table stream hands it to the queue with that delay.
   * (Unclaimed at its old due time, the hand-off would send it back at once.)
   */
  private async putBack(m: Message, now: number, waitMs: number): Promise<void> {
    await this.deps.messages.unclaim([{ id: m.id, tenantId: m.tenantId, dueAt: now + Math.ceil(waitMs) }], now);
  }

  /** Gives a slot back; a failure is logged (the slot is forgotten with its counter's generation). */
  private async release(lease: SlotLease): Promise<void> {
    try {
      await this.deps.counters?.releaseSlot(lease);
    } catch (err) {
      this.deps.logger.warn('could not give a delivery slot back; it is freed when its counter ends', { err, tenantId: lease.tenantId });
    }
  }
}
