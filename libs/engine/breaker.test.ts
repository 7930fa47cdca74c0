import type { App } from '../apps/model';
import type { DeliveryOutcome } from '../messages/outcome';
import { anApp, T0 } from '../../test/support/fixtures';
import { CircuitBreaker } from './breaker';

const timeout: DeliveryOutcome = { kind: 'retry', error: 'timeout after 60000ms', durationMs: 60_000, timedOut: true };
const status500: DeliveryOutcome = { kind: 'retry', statusCode: 500, error: 'HTTP 500', durationMs: 3 };
const ok: DeliveryOutcome = { kind: 'success', statusCode: 200, durationMs: 3 };

describe('CircuitBreaker', () => {
  let app: App;
  beforeEach(() => {
    app = anApp({ updatedAt: T0 - 1 });
  });

  /** Records `n` outcomes, `everyMs` apart from `from`; returns when the last was recorded. */
  const feed = (b: CircuitBreaker, outcome: DeliveryOutcome, n: number, from: number, everyMs: number, a = app) => {
    for (let i = 0; i < n; i++) b.record(a, outcome, from + i * everyMs);
    return from + (n - 1) * everyMs;
  };

  describe('opening', () => {
    it('opens after 10 timeouts in a row spanning a minute: one slot, retries at least a minute away', () => {
      const b = new CircuitBreaker();
      const last = feed(b, timeout, 10, T0, 10_000);
      expect(b.isOpen(app.id, last)).toBe(true);
      expect(b.slots(app.id, 64, last)).toBe(1);
      expect(b.retryDelayMs(app.id, last)).toBe(60_000);
    });

    it('stays closed for timeouts that have not lasted a minute, however many', () => {
      const b = new CircuitBreaker();
      const last = feed(b, timeout, 200, T0, 100);
      expect(b.isOpen(app.id, last)).toBe(false);
      expect(b.slots(app.id, 64, last)).toBe(64);
      expect(b.retryDelayMs(app.id, last)).toBe(0);
      expect(b.isOpen(app.id, T0 + 60_000)).toBe(true); // the same run, once it has lasted a minute
    });

    it('stays closed for fewer than 10 timeouts, however long they took', () => {
      const b = new CircuitBreaker();
      expect(b.isOpen(app.id, feed(b, timeout, 9, T0, 60_000))).toBe(false);
    });

    it('closes on any answer, failed or not, and counts timeouts afresh after it', () => {
      const b = new CircuitBreaker();
      const last = feed(b, timeout, 10, T0, 10_000);
      b.record(app, status500, last + 1);
      expect(b.isOpen(app.id, last + 1)).toBe(false);
      const again = feed(b, timeout, 10, last + 2, 1_000);
      expect(b.isOpen(app.id, again)).toBe(false); // a new run: 9 s long
    });

    it('keeps apps apart', () => {
      const b = new CircuitBreaker();
      const other = anApp();
      const last = feed(b, timeout, 10, T0, 10_000);
      expect(b.isOpen(other.id, last)).toBe(false);
    });
  });

  describe('disabling', () => {
    it('reports an app once, after three days in which every attempt failed', () => {
      const disabled: [string, number][] = [];
      const b = new CircuitBreaker({}, (a, since) => disabled.push([a.id, since]));
      feed(b, status500, 72, T0, 3_600_000); // hourly failures for 71 hours
      expect(disabled).toEqual([]);
      b.record(app, status500, T0 + 72 * 3_600_000);
      b.record(app, timeout, T0 + 73 * 3_600_000);
      expect(disabled).toEqual([[app.id, T0]]);
    });

    it('starts over after a success', () => {
      const disabled: string[] = [];
      const b = new CircuitBreaker({}, (a) => disabled.push(a.id));
      feed(b, timeout, 48, T0, 3_600_000);
      b.record(app, ok, T0 + 48 * 3_600_000);
      feed(b, timeout, 48, T0 + 49 * 3_600_000, 3_600_000);
      expect(disabled).toEqual([]);
    });

    it('counts from the app’s last update when that is later: a fixed target gets its full days', () => {
      const disabled: string[] = [];
      const b = new CircuitBreaker({}, (a) => disabled.push(a.id));
      feed(b, status500, 60, T0, 3_600_000);
      const fixed = { ...app, updatedAt: T0 + 60 * 3_600_000 };
      feed(b, status500, 60, T0 + 61 * 3_600_000, 3_600_000, fixed);
      expect(disabled).toEqual([]);
      b.record(fixed, status500, fixed.updatedAt + 3 * 86_400_000);
      expect(disabled).toEqual([app.id]);
    });

    it('counts afresh once the app is enabled again, and never reports with 0 days', () => {
      const disabled: string[] = [];
      const b = new CircuitBreaker({ disableAfterMs: 86_400_000 }, (a) => disabled.push(a.id));
      feed(b, status500, 25, T0, 3_600_000);
      expect(disabled).toHaveLength(1);
      // Seen disabled meanwhile is not recorded (no attempt is made); enabled again, it is counted from now.
      feed(b, status500, 24, T0 + 30 * 3_600_000, 3_600_000);
      expect(disabled).toHaveLength(1);
      b.record(app, status500, T0 + 54 * 3_600_000);
      expect(disabled).toHaveLength(2);

      const never = new CircuitBreaker({ disableAfterMs: 0 }, (a) => disabled.push(a.id));
      feed(never, status500, 100, T0, 86_400_000);
      expect(disabled).toHaveLength(2);
    });
  });
});
