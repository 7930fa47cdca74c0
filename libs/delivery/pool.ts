import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { defaultTimeoutMs } from '../apps/model';
import type { Logger } from '../observability/logger';
import type { DeliveryOutcome } from './outcome';
import type { WebhookClientOptions, WebhookRequest } from './webhook';

/** A message from the pool to a worker (worker.ts). Outcomes come back as `[id, outcome, id, outcome, …]`, then `'closed'`. */
export type ToWorker = { t: 'deliver'; ids: number[]; reqs: WebhookRequest[] } | { t: 'close' };

/** How a `DeliveryPool` runs. */
export interface DeliveryPoolOptions {
  /** Worker threads, at least 1. */
  workers: number;
  /** Options of each worker's webhook client; only cloneable ones (no resolver, no clock function). */
  client: Omit<WebhookClientOptions, 'lookup' | 'now'>;
  /**
   * A request still unanswered this long past its own timeout means its worker is stuck (a
   * blocked event loop): the worker is terminated, its requests retry, and it is restarted.
   * @default 30_000
   */
  stuckAfterMs?: number;
  /** Reports workers that stop unexpectedly. */
  logger?: Logger;
}

interface Pending {
  resolve: (outcome: DeliveryOutcome) => void;
  startedAt: number;
  /** After this (performance.now() ms) without an outcome, the worker is deemed stuck. */
  deadline: number;
}

interface Slot {
  worker?: Worker;
  spawnedAt: number;
  /** Posted to `worker`, not yet answered. */
  inFlight: Map<number, Pending>;
  /** Waiting for this turn's batch (or for the worker's restart). */
  queuedIds: number[];
  queuedReqs: WebhookRequest[];
  queuedPending: Pending[];
  /** Why the current worker failed, if it reported an error before exiting. */
  lastError?: Error;
  restartTimer?: NodeJS.Timeout;
  /** Resolves when the worker has exited. */
  exited?: Promise<void>;
}

// A worker-entry.js beside this file registers tsx when the thread does not already load TypeScript.
const entry = join(__dirname, 'worker-entry.js');

/** A worker that dies sooner than this after starting is restarted only after this delay, so a broken one does not spin. */
const restartBackoffMs = 1_000;

/**
 * Delivers webhooks in worker threads, each with its own `WebhookClient` (and undici pool), so
 * the calling thread keeps only the engine's claims and completes and the HTTP API. Requests
 * made in one event-loop turn go to the least-loaded worker as one message; outcomes come back
 * batched the same way. A worker that dies (or is stuck past every deadline) has its requests
 * resolved as retryable outcomes, never lost and never hanging, and is restarted.
 */
export class DeliveryPool {
  private readonly slots: Slot[] = [];
  private readonly stuckAfterMs: number;
  private nextId = 1;
  private flushScheduled = false;
  /** Set once `close()` is called: no new requests, no restarts. */
  private stopping = false;
  private closing?: Promise<void>;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: DeliveryPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError('DeliveryPool needs at least 1 worker');
    this.stuckAfterMs = options.stuckAfterMs ?? 30_000;
    for (let i = 0; i < options.workers; i++) {
      const slot: Slot = { spawnedAt: 0, inFlight: new Map(), queuedIds: [], queuedReqs: [], queuedPending: [] };
      this.slots.push(slot);
      this.spawn(slot); // now, so the first burst finds the workers loaded
    }
    this.watchdog = setInterval(() => this.checkStuck(), Math.min(1_000, this.stuckAfterMs));
    this.watchdog.unref();
  }

  /** Delivers one request in a worker; resolves with its outcome and never rejects. */
  deliver(req: WebhookRequest): Promise<DeliveryOutcome> {
    if (this.stopping) return Promise.resolve({ kind: 'retry', error: 'delivery pool closed', durationMs: 0 });
    return new Promise((resolve) => {
      const startedAt = performance.now();
      const pending = { resolve, startedAt, deadline: startedAt + (req.target.timeoutMs ?? defaultTimeoutMs) + this.stuckAfterMs };
      const slot = this.leastLoaded();
      slot.queuedIds.push(this.nextId++);
      slot.queuedReqs.push(req);
      slot.queuedPending.push(pending);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops taking requests; resolves once every worker has finished its in-flight deliveries and exited. */
  close(): Promise<void> {
    this.stopping = true;
    this.closing ??= (async () => {
      this.flush();
      await Promise.all(this.slots.map((slot) => this.closeSlot(slot)));
      clearInterval(this.watchdog);
    })();
    return this.closing;
  }

  /** Requests posted or queued, not yet answered (for tests and metrics). */
  get inFlight(): number {
    let n = 0;
    for (const s of this.slots) n += s.inFlight.size + s.queuedIds.length;
    return n;
  }

  /** The running worker threads (for tests and diagnostics). */
  get threads(): Worker[] {
    return this.slots.flatMap((s) => (s.worker ? [s.worker] : []));
  }

  private leastLoaded(): Slot {
    let best = this.slots[0];
    let load = best.inFlight.size + best.queuedIds.length;
    for (let i = 1; i < this.slots.length && load > 0; i++) {
      const s = this.slots[i];
      const l = s.inFlight.size + s.queuedIds.length;
      if (l < load) (best = s), (load = l);
    }
    return best;
  }

  /** Posts each worker's batch of this turn: one message per worker. */
  private flush(): void {
    this.flushScheduled = false;
    for (const slot of this.slots) {
      if (!slot.queuedIds.length) continue;
      if (!slot.worker) {
        if (this.stopping) this.failQueued(slot, 'delivery pool closed');
        else if (!slot.restartTimer) this.respawn(slot);
        if (!slot.worker) continue; // the restart flushes
      }
      const ids = slot.queuedIds;
      const pending = slot.queuedPending;
      const msg: ToWorker = { t: 'deliver', ids, reqs: slot.queuedReqs };
      slot.queuedIds = [];
      slot.queuedReqs = [];
      slot.queuedPending = [];
      try {
        slot.worker.postMessage(msg);
      } catch (err) {
        // A request that cannot be copied to the thread (never expected of plain data): retry rather than throw here.
        for (const p of pending)
          p.resolve({ kind: 'retry', error: `delivery error: ${(err as Error).message}`.slice(0, 300), durationMs: 0 });
        continue;
      }
      // Like a socket with a request in flight, a busy worker keeps the process alive; an idle one does not.
      if (!slot.inFlight.size) slot.worker.ref();
      for (let i = 0; i < ids.length; i++) slot.inFlight.set(ids[i], pending[i]);
    }
  }

  private spawn(slot: Slot): void {
    slot.restartTimer = undefined;
    slot.lastError = undefined;
    slot.spawnedAt = performance.now();
    const worker = new Worker(entry, { workerData: this.options.client });
    worker.unref(); // like an idle socket pool, an idle pool does not keep a process alive
    slot.worker = worker;
    let exited!: () => void;
    slot.exited = new Promise((resolve) => (exited = resolve));
    worker.on('message', (msg: (number | DeliveryOutcome)[] | 'closed') => {
      // After 'closed' nothing more comes (one port, in order): end the thread now rather than wait for its loop to empty.
      if (msg === 'closed') void worker.terminate();
      else this.settle(slot, msg);
    });
    worker.on('error', (err) => {
      if (slot.worker === worker) slot.lastError = err;
    });
    worker.on('exit', (code) => {
      exited();
      if (slot.worker === worker) this.onExit(slot, code);
    });
  }

  private settle(slot: Slot, results: (number | DeliveryOutcome)[]): void {
    for (let i = 0; i < results.length; i += 2) {
      const id = results[i] as number;
      const pending = slot.inFlight.get(id);
      if (!pending) continue;
      slot.inFlight.delete(id);
      pending.resolve(results[i + 1] as DeliveryOutcome);
    }
    if (!slot.inFlight.size) slot.worker?.unref();
  }

  /** The worker is gone: what it had in flight retries; a new one takes its place (unless closing). */
  private onExit(slot: Slot, code: number): void {
    slot.worker = undefined;
    const why = slot.lastError ? `: ${slot.lastError.message}` : '';
    const lost = slot.inFlight.size;
    if (lost) {
      const now = performance.now();
      const error = `delivery worker stopped (exit code ${code}${why}); the request may or may not have reached the receiver`;
      for (const p of slot.inFlight.values())
        p.resolve({ kind: 'retry', error: error.slice(0, 300), durationMs: Math.round(now - p.startedAt) });
      slot.inFlight.clear();
    }
    if (this.stopping) {
      this.failQueued(slot, 'delivery pool closed');
      return;
    }
    this.options.logger?.error('delivery worker stopped unexpectedly; restarting it', {
      exitCode: code,
      err: slot.lastError,
      inFlight: lost,
    });
    const soon = performance.now() - slot.spawnedAt < restartBackoffMs;
    if (!soon) return this.restart(slot);
    slot.restartTimer = setTimeout(() => this.restart(slot), restartBackoffMs);
    slot.restartTimer.unref();
  }

  private restart(slot: Slot): void {
    slot.restartTimer = undefined;
    if (this.stopping) return this.failQueued(slot, 'delivery pool closed');
    this.respawn(slot);
    if (slot.worker && slot.queuedIds.length) this.flush();
  }

  /** Starts a replacement worker; if even that fails, what waits for it retries and another try follows later. */
  private respawn(slot: Slot): void {
    try {
      this.spawn(slot);
    } catch (err) {
      slot.worker = undefined;
      this.options.logger?.error('could not start a delivery worker; trying again shortly', { err });
      this.failQueued(slot, `delivery worker unavailable: ${(err as Error).message}`.slice(0, 300));
      slot.restartTimer = setTimeout(() => this.restart(slot), restartBackoffMs);
      slot.restartTimer.unref();
    }
  }

  private failQueued(slot: Slot, error: string): void {
    for (const p of slot.queuedPending) p.resolve({ kind: 'retry', error, durationMs: 0 });
    slot.queuedIds = [];
    slot.queuedReqs = [];
    slot.queuedPending = [];
  }

  /** Terminates a worker whose oldest request is long past its deadline: its event loop is stuck. */
  private checkStuck(): void {
    const now = performance.now();
    for (const slot of this.slots) {
      if (!slot.worker) continue;
      for (const p of slot.inFlight.values()) {
        if (p.deadline > now) continue;
        slot.lastError = new Error('worker unresponsive');
        void slot.worker.terminate();
        break;
      }
    }
  }

  private async closeSlot(slot: Slot): Promise<void> {
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    this.failQueued(slot, 'delivery pool closed');
    const worker = slot.worker;
    if (!worker) return;
    worker.ref(); // the process waits for the drain
    worker.postMessage({ t: 'close' } satisfies ToWorker);
    await slot.exited;
  }
}
