import type { Clock } from '../../domain/clock';

/** setTimeout's longest delay (about 24.8 days); a longer one would fire at once. */
const maxDelayMs = 2 ** 31 - 1;

/**
 * The embedded engine's single timer, set for the earliest due entry rather than one timer per
 * message: a request for a later time never postpones a sooner one.
 */
export class Alarm {
  private timer?: NodeJS.Timeout;
  private at = Infinity;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** What the alarm does when it goes off. */
    private readonly fire: () => void,
  ) {}

  /** Makes the alarm go off in `delayMs` (at once when ≤ 0), unless it already goes off sooner. */
  set(delayMs: number): void {
    if (this.stopped) return;
    const at = this.clock.now() + Math.max(0, delayMs);
    if (this.timer && this.at <= at) return;
    clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.at = Infinity;
        this.fire();
      },
      Math.max(0, Math.min(delayMs, maxDelayMs)),
    );
  }

  /** Cancels it for good: later `set` calls do nothing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
