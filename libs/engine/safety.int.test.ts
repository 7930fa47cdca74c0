import type { App } from '../apps/model';
import type { DeliveryRequest } from '../delivery/targets/request';
import { systemClock } from '../domain/clock';
import type { DeliveryOutcome } from '../messages/outcome';
import type { Message } from '../messages/model';
import { createLogger } from '../observability/logger';
import type { PlanCatalogue } from '../plans/catalogue';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { aMessage, anApp, aTenant } from '../../test/support/fixtures';
import { TimerEngine, type TimerEngineOptions } from './timer/engine';

/**
 * The embedded engine's delivery safety on SQLite in memory, under jest's fake timers (the engine's
 * clock is the system clock, which they drive): per-tenant attempt budgets, disabled apps, and the
 * circuit breaker. setImmediate stays real: the outcome writer's group commit runs on it.
 */
describe('TimerEngine delivery safety', () => {
  const T0 = Date.UTC(2026, 5, 1, 12, 0, 5);
  const plans: PlanCatalogue = { tight: { attemptsPerMinute: 5 }, roomy: {} };
  let stores: SqliteStores;
  let engine: TimerEngine | undefined;
  const logs: string[] = [];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now: T0 });
    stores = createSqliteStores({ filename: ':memory:' });
    logs.length = 0;
  });
  afterEach(async () => {
    const closing = engine?.close();
    await jest.advanceTimersByTimeAsync(20_000);
    await closing;
    engine = undefined;
    stores.close();
    jest.useRealTimers();
  });

  /** Lets timers due within `ms` run, with the promises and immediates they start. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      await jest.advanceTimersByTimeAsync(100);
      await new Promise((r) => setImmediate(r));
    }
  };
  const start = async (deliver: (req: DeliveryRequest) => Promise<DeliveryOutcome>, options: Partial<TimerEngineOptions> = {}) => {
    engine = new TimerEngine(
      {
        messages: stores.messages,
        apps: stores.apps,
        tenants: stores.tenants,
        plans,
        deliver,
        clock: systemClock,
        logger: createLogger('warn', (l) => logs.push(l)),
      },
      { refillIntervalMs: 100, ...options },
    );
    await engine.start();
  };
  const setUp = async (plan: string, app: Partial<App> = {}) => {
    const tenant = aTenant({ plan });
    await stores.tenants.create(tenant);
    const a = anApp({ tenantId: tenant.id, ...app });
    await stores.apps.create(a);
    return a;
  };
  const messagesOf = async (app: App, n: number, dueAt = T0): Promise<Message[]> => {
    const ms = Array.from({ length: n }, () => aMessage({ tenantId: app.tenantId, appId: app.id, sendAt: dueAt, dueAt, createdAt: T0 }));
    await stores.messages.create(ms, T0);
    return ms;
  };
  const statuses = async (ms: Message[]) => Promise.all(ms.map(async (m) => (await stores.messages.get(m.tenantId, m.id))!.status));
  const ok: DeliveryOutcome = { kind: 'success', statusCode: 200, durationMs: 1 };

  describe('attempts per minute', () => {
    it("starts no more of a tenant's attempts in a minute than its plan allows; the rest wait, unclaimed, for the next", async () => {
      const tight = await setUp('tight');
      const roomy = await setUp('roomy');
      const waiting = await messagesOf(tight, 12);
      const free = await messagesOf(roomy, 12);
      const sent: string[] = [];
      await start(async (req) => {
        sent.push(req.messageId);
        return ok;
      });
      await run(5_000);
      const ids = new Set(waiting.map((m) => m.id));
      expect(sent.filter((id) => ids.has(id))).toHaveLength(5);
      expect((await statuses(free)).every((s) => s === 'delivered')).toBe(true); // another tenant is not held up
      expect((await statuses(waiting)).filter((s) => s === 'scheduled')).toHaveLength(7); // abortable while they wait

      await run(60_000); // the next minute: five more
      expect(sent.filter((id) => ids.has(id))).toHaveLength(10);
      await run(60_000);
      expect((await statuses(waiting)).every((s) => s === 'delivered')).toBe(true);
      expect(new Set(sent).size).toBe(sent.length);
    });

    it('applies the operator’s cap to every tenant, whatever its plan', async () => {
      const roomy = await setUp('roomy');
      const ms = await messagesOf(roomy, 8);
      await start(async () => ok, { tenantAttemptsPerMinute: 3 });
      await run(5_000);
      expect((await statuses(ms)).filter((s) => s === 'delivered')).toHaveLength(3);
    });
  });

  describe('disabled apps', () => {
    it('fails the messages of a disabled app at once, without a request, saying how to enable it', async () => {
      const app = await setUp('roomy', { status: 'disabled', disabledAt: T0, disabledReason: 'disabled by the tenant' });
      const [m] = await messagesOf(app, 1);
      const sent: string[] = [];
      await start(async (req) => {
        sent.push(req.messageId);
        return ok;
      });
      await run(2_000);
      expect(await stores.messages.get(m.tenantId, m.id)).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/^the app is disabled \(disabled by the tenant\); enable it with PATCH/),
      });
      expect(sent).toEqual([]);
    });
  });

  describe('circuit breaker', () => {
    const timedOut: DeliveryOutcome = { kind: 'retry', error: 'timeout after 1000ms', durationMs: 1_000, timedOut: true };

    it('gives an app whose attempts kept timing out for a minute one slot, and its retries wait a minute', async () => {
      const app = await setUp('roomy', { maxConcurrency: 10 });
      await messagesOf(app, 10);
      let inFlight = 0;
      let most = 0;
      let gate: Promise<void> | undefined;
      await start(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await (gate ?? new Promise((r) => setTimeout(r, 1_000)));
        inFlight--;
        return timedOut;
      });
      await run(3_000);
      expect(most).toBe(10); // closed: the app's own limit
      await run(65_000); // their retries time out too, more than a minute after the first timeouts

      let release: () => void = () => undefined;
      gate = new Promise<void>((r) => (release = r));
      most = 0;
      const second = await messagesOf(app, 10, Date.now());
      await engine!.enqueue(second.map((m) => ({ id: m.id, tenantId: m.tenantId, dueAt: m.dueAt!, appId: app.id })));
      await run(3_000);
      expect(most).toBe(1); // open: one probe at a time
      release();
      await run(200);
      const probed = (await Promise.all(second.map((m) => stores.messages.get(m.tenantId, m.id)))).filter((m) => m!.attemptCount > 0);
      expect(probed.length).toBeGreaterThan(0);
      for (const m of probed) expect(m).toMatchObject({ status: 'scheduled', dueAt: expect.any(Number) });
      for (const m of probed) expect(m!.dueAt! - Date.now()).toBeGreaterThan(59_000); // the retry waits a minute, not 1 s
    });

    it('disables an app whose attempts all failed for the configured time, with an operational event', async () => {
      const app = await setUp('roomy');
      await messagesOf(app, 3);
      await start(async () => ({ kind: 'retry', statusCode: 503, error: 'HTTP 503', durationMs: 1 }), {
        breaker: { disableAfterMs: 60_000 },
      });
      await run(130_000); // retries 1, 2, 4 … 64 s apart: one ends past the minute
      expect(await stores.apps.get(app.tenantId, app.id)).toMatchObject({
        status: 'disabled',
        disabledAt: expect.any(Number),
        disabledReason: expect.stringMatching(/^every delivery attempt failed for [\d.]+ (s|min), since 2026-06-01T12:00:05.000Z$/),
      });
      const events = logs.map((l) => JSON.parse(l)).filter((l) => l.event === 'app_disabled');
      expect(events).toEqual([expect.objectContaining({ level: 'warn', tenantId: app.tenantId, appId: app.id })]);
    });
  });
});
