import { LRUCache } from 'lru-cache';
import type { App } from '../apps/model';
import type { DeliveryOutcome } from '../messages/outcome';

/** Options of the circuit breaker. */
export interface CircuitBreakerOptions {
  /** Timed-out attempts in a row, none answered in between, that open an app's breaker (with `openAfterMs`). @default 10 */
  openAfterTimeouts: number;
  /**
   * How long the run of timeouts must have lasted: a receiver that is slow for a moment keeps its slots,
   * one that has not answered for a minute does not. @default 60_000
   */
  openAfterMs: number;
  /** Delivery slots of an app whose breaker is open: its probes. @default 1 */
  openSlots: number;
  /** Shortest delay before a retry of an app whose breaker is open (within the retry window). @default 60_000 */
  openRetryDelayMs: number;
  /**
   * How long an app's attempts may all fail, none succeeding, before it is disabled; 0 never disables.
   * Counted from the first failure, or from the app's last update when that is later (fixing its target
   * restarts the count). @default 3 days (`PUNCTUAL_APP_DISABLE_AFTER_DAYS`)
   */
  disableAfterMs: number;
  /** Apps whose state is kept; the least recently seen are forgotten (their count restarts). @default 10_000 */
  maxApps: number;
}

export const circuitBreakerDefaults: CircuitBreakerOptions = {
  openAfterTimeouts: 10,
  openAfterMs: 60_000,
  openSlots: 1,
  openRetryDelayMs: 60_000,
  disableAfterMs: 3 * 86_400_000,
  maxApps: 10_000,
};

/** One app's recent history. */
interface AppState {
  /** Timed-out attempts in a row, and when the first of them ended. */
  timeouts: number;
  timeoutsSince: number;
  /** When the current run of failures (no success since) began. */
  failingSince: number;
  /** `onDisable` was called for this run of failures. */
  disabled: boolean;
}

/**
 * Per-app circuit breaker, in memory (per process, or per warm Lambda container; a restart forgets it).
 * The rule: an app whose attempts keep timing out — `openAfterTimeouts` in a row over at least
 * `openAfterMs`, no answer in between — holds slots for its whole timeout on every attempt, so its breaker
 * opens: it gets `openSlots` delivery slots (its probes) and its retries wait at least `openRetryDelayMs`.
 * Any answer from the receiver closes it again. An app whose attempts have all failed (timeouts or not)
 * for `disableAfterMs` is reported once to `onDisable`, which disables it.
 */
export class CircuitBreaker {
  private readonly o: CircuitBreakerOptions;
  private readonly apps: LRUCache<string, AppState>;

  constructor(
    options: Partial<CircuitBreakerOptions> = {},
    /** Called once when an app has failed for `disableAfterMs`; `since` is when its failures began. */
    private readonly onDisable: (app: App, since: number) => void = () => undefined,
  ) {
    this.o = { ...circuitBreakerDefaults, ...options };
    this.apps = new LRUCache({ max: this.o.maxApps });
  }

  /** Records how an attempt to `app` ended. */
  record(app: App, outcome: DeliveryOutcome, now: number): void {
    if (outcome.kind === 'success') {
      this.apps.delete(app.id);
      return;
    }
    let s = this.apps.get(app.id);
    if (!s) {
      s = { timeouts: 0, timeoutsSince: now, failingSince: now, disabled: false };
      this.apps.set(app.id, s);
    } else if (s.disabled && app.status !== 'disabled') {
      // Enabled again (or not yet seen disabled): its failures are counted afresh.
      s.disabled = false;
      s.failingSince = now;
    }
    if (outcome.kind === 'retry' && outcome.timedOut) {
      if (s.timeouts === 0) s.timeoutsSince = now;
      s.timeouts++;
    } else {
      s.timeouts = 0;
    }
    const since = Math.max(s.failingSince, app.updatedAt);
    if (this.o.disableAfterMs > 0 && !s.disabled && now - since >= this.o.disableAfterMs) {
      s.disabled = true;
      this.onDisable(app, since);
    }
  }

  /** Whether the app's breaker is open now. */
  isOpen(appId: string, now: number): boolean {
    const s = this.apps.peek(appId);
    return s !== undefined && s.timeouts >= this.o.openAfterTimeouts && now - s.timeoutsSince >= this.o.openAfterMs;
  }

  /** The app's delivery slots: `normal`, or `openSlots` while its breaker is open. */
  slots(appId: string, normal: number, now: number): number {
    return this.isOpen(appId, now) ? Math.min(normal, this.o.openSlots) : normal;
  }

  /** The shortest delay before the app's next retry: 0, or `openRetryDelayMs` while its breaker is open. */
  retryDelayMs(appId: string, now: number): number {
    return this.isOpen(appId, now) ? this.o.openRetryDelayMs : 0;
  }
}
