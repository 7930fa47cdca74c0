import type { Clock } from '../domain/clock';
import { announceRun } from '../events/announce';
import type { EventSink } from '../events/port';
import type { Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import type { Logger } from '../observability/logger';
import { occurrenceMemo, planRun, runIdempotencyKey, runSuperseded, type RunPlan, type Schedule } from './model';
import type { ScheduleChange, ScheduleStore, ScheduleUpdate } from './port';
import { buildRun, withdrawRun, type RunSink } from './runs';

/** Options of the materialiser. */
export interface MaterializerOptions {
  /** How far ahead an occurrence becomes a message (inside the engine's window, so it fires on time). @default 10_000 */
  horizonMs: number;
  /** How often due schedules are looked for. @default 1_000 */
  intervalMs: number;
  /** Schedules read per store query. @default 500 */
  batchSize: number;
  /** Most schedules handled in one tick; the rest wait for the next (the misfire rule covers any lateness). @default 20_000 */
  maxPerTick: number;
  /** When planning a schedule fails, how long until it is tried again. @default 60_000 */
  retryDelayMs: number;
}

export const materializerDefaults: MaterializerOptions = {
  horizonMs: 10_000,
  intervalMs: 1_000,
  batchSize: 500,
  maxPerTick: 20_000,
  retryDelayMs: 60_000,
};

export interface MaterializerDeps {
  schedules: ScheduleStore;
  /** Reads and withdraws runs. */
  messages: MessageStore;
  /** Stores runs: `MessageService.store` (metering, engine hand-off). */
  runs: RunSink;
  clock: Clock;
  logger: Logger;
  /**
   * Admits runs as the API admits messages (the tenant's plan: pending limit, suspension): per run, why it is refused,
   * or undefined. A refused occurrence is skipped, and recorded on its schedule (`skipCount`, `lastSkip`).
   */
  admitRuns?: (runs: Message[]) => Promise<(string | undefined)[]>;
  /** Where the runs it produces are announced (`schedule.run`). @default none */
  events?: EventSink;
}

/** What one tick did. */
export interface TickStats {
  /** Due schedules handled. */
  schedules: number;
  /** Run messages created (a replay after a crash finds its message instead). */
  runs: number;
  /** Missed occurrences skipped because they were past their grace. */
  skipped: number;
  /** Occurrences skipped because a limit refused their run (the plan's pending limit, a suspended tenant). */
  refused: number;
  /** Schedules that ran their last occurrence. */
  completed: number;
  /** Schedules a client changed while they were being planned (their run, if any, was withdrawn). */
  conflicts: number;
}

interface Planned {
  s: Schedule;
  plan?: RunPlan;
  run?: Message;
  /** Why admission refused the run. */
  refusal?: string;
}

/**
 * Turns due occurrences into messages: one interval timer, and each tick reads only the active
 * schedules whose cursor falls within the horizon (a partial index), so 100,000 schedules cost
 * neither 100,000 timers nor a scan. Per schedule: create the run (idempotency key per
 * occurrence, so a crash between the steps cannot run it twice), then move the cursor with a
 * compare-and-set on its previous value, so a pause or patch racing the tick has one winner.
 */
export class Materializer {
  private readonly o: MaterializerOptions;
  private timer?: NodeJS.Timeout;
  private running?: Promise<TickStats>;
  private nudged = false;
  private closed = false;

  constructor(
    private readonly deps: MaterializerDeps,
    options: Partial<MaterializerOptions> = {},
  ) {
    this.o = { ...materializerDefaults, ...options };
  }

  /** Runs a first tick (before the engine starts, so a restart's missed runs are settled first), then ticks on the interval. */
  async start(): Promise<void> {
    await this.safeTick();
    if (!this.closed) this.timer = setInterval(() => void this.safeTick(), this.o.intervalMs);
  }

  /** Handles the schedules due within the horizon of now; concurrent calls share one tick. */
  tick(): Promise<TickStats> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Asks for a tick soon (a schedule was created or resumed and its first run may be within the
   * horizon), so it does not wait for the interval; calls in one turn of the event loop share one tick.
   */
  nudge(): void {
    if (this.nudged || this.closed) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      void this.safeTick();
    });
  }

  /**
   * Materialises one schedule now, if it is active and its next run is within the horizon: what an API call that
   * created, resumed or retimed it does on AWS (bounded to that schedule; the sweep handles every other). Races with
   * a tick like any two materialisers: one conditional write wins, and the run is the same message (one idempotency key).
   */
  async materialiseOne(s: Schedule): Promise<TickStats> {
    const stats: TickStats = { schedules: 0, runs: 0, skipped: 0, refused: 0, completed: 0, conflicts: 0 };
    const now = this.deps.clock.now();
    if (this.closed || s.state !== 'active' || s.nextRunAt === undefined || s.nextRunAt > now + this.o.horizonMs) return stats;
    await this.materialise([s], now, stats);
    stats.schedules = 1;
    return stats;
  }

  /** Stops the timer and waits for a tick in progress. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async safeTick(): Promise<void> {
    if (this.closed) return;
    try {
      const stats = await this.tick();
      if (stats.skipped || stats.conflicts || stats.refused)
        this.deps.logger.warn('schedules: missed, refused or contended occurrences', { ...stats });
    } catch (err) {
      this.deps.logger.error('materialiser tick failed; retrying at the next interval', { err });
    }
  }

  private async run(): Promise<TickStats> {
    const stats: TickStats = { schedules: 0, runs: 0, skipped: 0, refused: 0, completed: 0, conflicts: 0 };
    const now = this.deps.clock.now();
    while (!this.closed && stats.schedules < this.o.maxPerTick) {
      const limit = Math.min(this.o.batchSize, this.o.maxPerTick - stats.schedules);
      const due = await this.deps.schedules.due(now + this.o.horizonMs, limit);
      if (due.length) await this.materialise(due, now, stats);
      stats.schedules += due.length;
      if (due.length < limit) break;
    }
    return stats;
  }

  private async materialise(due: Schedule[], now: number, stats: TickStats): Promise<void> {
    const memo = occurrenceMemo();
    const planned: Planned[] = due.map((s) => {
      try {
        const plan = planRun(s, now, memo);
        const run = plan.fire === undefined ? undefined : buildRun(s, plan.fire, now, { idempotencyKey: runIdempotencyKey(s, plan.fire) });
        return { s, plan, run };
      } catch (err) {
        this.deps.logger.error('could not plan a schedule; retrying later', { err, scheduleId: s.id, expression: s.expression });
        return { s };
      }
    });
    await this.admit(planned.filter((p) => p.run));
    const withRun = planned.filter((p) => p.run);
    const results = withRun.length ? await this.deps.runs.store(withRun.map((p) => p.run!)) : [];
    const fresh = new Set<Planned>();
    // The stored message may be an earlier attempt's (same idempotency key, after a crash): use it.
    results.forEach((r, i) => {
      withRun[i].run = r.message;
      if (r.created) {
        stats.runs++;
        fresh.add(withRun[i]);
      }
    });
    const updated = await this.deps.schedules.updateMany(planned.map((p) => this.advance(p, now)));
    for (const [i, p] of planned.entries()) {
      const { s, plan } = p;
      if (!plan) continue;
      if (!updated[i]) {
        stats.conflicts++;
        if (p.run) await this.settleLostRace(s, p.run, now);
        continue;
      }
      if (plan.fire === undefined) stats.skipped++;
      if (p.refusal !== undefined) stats.refused++;
      if (plan.nextRunAt === undefined) stats.completed++;
      if (this.deps.events && p.run && fresh.has(p)) announceRun(this.deps.events, s, p.run, { nextRunAt: plan.nextRunAt });
      // After downtime, a run materialised before the stop but not yet attempted gives way to the misfire rule.
      if (s.latestRunId && s.latestRunAt !== undefined && runSuperseded(s.latestRunAt, plan, now, s.misfireGraceSeconds)) {
        await withdrawRun(
          this.deps.messages,
          s.tenantId,
          s.latestRunId,
          now,
          'withdrawn: missed while the service was down (misfire rule)',
        );
      }
    }
  }

  /** Asks admission about the planned runs: a refused one is dropped, its occurrence skipped with the reason. */
  private async admit(withRun: Planned[]): Promise<void> {
    if (!this.deps.admitRuns || !withRun.length) return;
    const refusals = await this.deps.admitRuns(withRun.map((p) => p.run!));
    for (const [i, refusal] of refusals.entries()) {
      if (refusal === undefined) continue;
      withRun[i].refusal = refusal;
      withRun[i].run = undefined;
    }
  }

  private advance({ s, plan, run, refusal }: Planned, now: number): ScheduleUpdate {
    const expected = { state: s.state, nextRunAt: s.nextRunAt };
    if (!plan) return { tenantId: s.tenantId, scheduleId: s.id, expected, change: { nextRunAt: now + this.o.retryDelayMs } };
    const change: ScheduleChange = { nextRunAt: plan.nextRunAt };
    if (plan.nextRunAt === undefined) change.state = 'completed';
    if (plan.fire !== undefined && run)
      Object.assign(change, { latestRunAt: plan.fire, latestRunId: run.id, priorRunAt: s.latestRunAt, runs: 1 });
    if (plan.fire !== undefined && refusal !== undefined)
      Object.assign(change, { skips: 1, lastSkip: { runAt: plan.fire, reason: refusal, at: now } });
    return { tenantId: s.tenantId, scheduleId: s.id, expected, change };
  }

  /**
   * The cursor moved underneath us. If another materialiser recorded this occurrence, the run is
   * theirs too (same idempotency key); otherwise a pause, patch or delete won and the run goes.
   */
  private async settleLostRace(s: Schedule, run: Message, now: number): Promise<void> {
    const current = await this.deps.schedules.get(s.tenantId, s.id);
    if (current?.latestRunAt !== undefined && current.latestRunAt >= run.sendAt) return;
    await withdrawRun(this.deps.messages, s.tenantId, run.id, now, 'withdrawn: the schedule changed while this run was planned');
  }
}
