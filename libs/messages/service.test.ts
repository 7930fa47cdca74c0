import { aMessage, anApp, controlKey, dataKey } from '../../test/support/fixtures';
import { AppNotFoundError } from '../apps/errors';
import type { App } from '../apps/model';
import { ManualClock } from '../domain/clock';
import { ForbiddenScopeError, PayloadTooLargeError, QuotaExceededError, ValidationError } from '../domain/errors';
import type { Principal } from '../keys/model';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { MessageAttemptsExhaustedError, MessageNotFoundError, MessageStateConflictError } from './errors';
import { idempotencyWindowMs, maxPayloadBytes, type Message } from './model';
import type { DueRef } from './port';
import { MessageService } from './service';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('MessageService (SQLite in memory, manual clock)', () => {
  let clock: ManualClock;
  let stores: SqliteStores;
  let service: MessageService;
  /** What the service handed to the engine, call by call. */
  let enqueued: DueRef[][];
  /** What the service reported as created (metering), call by call. */
  let created: Message[][];
  /** Admission calls (plan limits): the principal's key and the count asked for. */
  let admitted: { keyId: string; count: number }[];
  let refuse: boolean;
  let p: Principal;
  let app: App;
  let other: App;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    stores = createSqliteStores({ filename: ':memory:' });
    enqueued = [];
    created = [];
    admitted = [];
    refuse = false;
    service = new MessageService({
      messages: stores.messages,
      apps: stores.apps,
      engine: { enqueue: async (refs) => void enqueued.push(refs) },
      clock,
      admit: async (principal, count) => {
        admitted.push({ keyId: principal.keyId, count });
        if (refuse) throw new QuotaExceededError('over the pending limit', 60);
      },
      onCreated: (messages) => void created.push(messages),
    });
    p = controlKey();
    app = anApp({ tenantId: p.tenantId });
    other = anApp({ tenantId: p.tenantId });
    await stores.apps.create(app);
    await stores.apps.create(other);
  });
  afterEach(() => stores.close());

  describe('create', () => {
    it('stores a message due now by default, for the calling key, and hands it to the engine', async () => {
      const { created: fresh, message } = await service.create(p, { appId: app.id, payload: { hello: 'world' } });
      expect(fresh).toBe(true);
      expect(message).toMatchObject({
        tenantId: p.tenantId,
        appId: app.id,
        keyId: p.keyId,
        status: 'scheduled',
        sendAt: T0,
        dueAt: T0,
        payload: '{"hello":"world"}',
        attemptCount: 0,
        attemptBase: 0,
        createdAt: T0,
      });
      expect(await stores.messages.get(p.tenantId, message.id)).toEqual(message);
      expect(enqueued).toEqual([[{ id: message.id, tenantId: p.tenantId, dueAt: T0 }]]);
      expect(created).toEqual([[message]]);
      expect(admitted).toEqual([{ keyId: p.keyId, count: 1 }]);
    });

    it('sets the time from delaySeconds or sendAt; a past sendAt is due now', async () => {
      const delayed = await service.create(p, { appId: app.id, payload: 1, delaySeconds: 90 });
      expect(delayed.message).toMatchObject({ sendAt: T0 + 90_000, dueAt: T0 + 90_000 });
      const at = await service.create(p, { appId: app.id, payload: 2, sendAt: iso(T0 + 3_600_000) });
      expect(at.message).toMatchObject({ sendAt: T0 + 3_600_000, dueAt: T0 + 3_600_000 });
      const past = await service.create(p, { appId: app.id, payload: 3, sendAt: iso(T0 - 60_000) });
      expect(past.message).toMatchObject({ sendAt: T0 - 60_000, dueAt: T0 });
      expect(enqueued.flat().map((r) => r.dueAt)).toEqual([T0 + 90_000, T0 + 3_600_000, T0]);
    });

    it('refuses a sendAt more than ten years ahead, a payload over the limit, and a control key without appId', async () => {
      const far = service.create(p, { appId: app.id, payload: 1, sendAt: iso(T0 + 11 * 366 * 86_400_000) });
      await expect(far).rejects.toThrow(ValidationError);
      await expect(far).rejects.toThrow(/ten years/);
      const big = { blob: 'x'.repeat(maxPayloadBytes) };
      await expect(service.create(p, { appId: app.id, payload: big })).rejects.toThrow(PayloadTooLargeError);
      await expect(service.create(p, { payload: 1 })).rejects.toThrow(/appId is required/);
      expect(enqueued).toEqual([]);
      expect((await stores.messages.list(p.tenantId, {}, { limit: 10 })).items).toEqual([]);
    });

    it("refuses an unknown app and another tenant's app alike", async () => {
      await expect(service.create(p, { appId: 'app_missing', payload: 1 })).rejects.toThrow(AppNotFoundError);
      const stranger = controlKey();
      await expect(service.create(stranger, { appId: app.id, payload: 1 })).rejects.toThrow(AppNotFoundError);
      expect(enqueued).toEqual([]);
    });

    it('lets a data key create for its own app only, defaulting to it', async () => {
      const d = dataKey(p, app.id);
      const own = await service.create(d, { payload: 1 });
      expect(own.message).toMatchObject({ appId: app.id, keyId: d.keyId });
      await expect(service.create(d, { appId: other.id, payload: 1 })).rejects.toThrow(ForbiddenScopeError);
    });

    it('stores nothing when admission refuses', async () => {
      refuse = true;
      await expect(service.create(p, { appId: app.id, payload: 1 })).rejects.toThrow(QuotaExceededError);
      expect((await stores.messages.list(p.tenantId, {}, { limit: 10 })).items).toEqual([]);
      expect(enqueued).toEqual([]);
      expect(created).toEqual([]);
    });

    it('returns the original for a repeated idempotency key within 24 h, without enqueuing it again', async () => {
      const first = await service.create(p, { appId: app.id, payload: 1, idempotencyKey: 'order-1' });
      clock.advance(idempotencyWindowMs - 1);
      const again = await service.create(p, { appId: app.id, payload: 2, idempotencyKey: 'order-1' });
      expect(again).toEqual({ created: false, message: first.message });
      expect(enqueued).toHaveLength(1);
      expect(created).toHaveLength(1);
      clock.advance(2);
      const later = await service.create(p, { appId: app.id, payload: 3, idempotencyKey: 'order-1' });
      expect(later.created).toBe(true);
      expect(later.message.id).not.toBe(first.message.id);
      expect(enqueued).toHaveLength(2);
    });
  });

  describe('createBatch', () => {
    it('stores the valid items in one write and reports each invalid one at its index, in order', async () => {
      const results = await service.createBatch(p, [
        { appId: app.id, payload: 'a' },
        { appId: app.id },
        { appId: 'app_missing', payload: 'c' },
        { appId: other.id, payload: 'd', delaySeconds: 5 },
      ]);
      expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
      const [a, missingPayload, missingApp, d] = results;
      expect('result' in a && a.result.message).toMatchObject({ appId: app.id, payload: '"a"' });
      expect('error' in missingPayload && missingPayload.error).toBeInstanceOf(ValidationError);
      expect('error' in missingPayload && missingPayload.error.details).toEqual([expect.objectContaining({ path: 'items.1.payload' })]);
      expect('error' in missingApp && missingApp.error).toBeInstanceOf(AppNotFoundError);
      expect('result' in d && d.result.message).toMatchObject({ appId: other.id, sendAt: T0 + 5_000 });
      expect(admitted).toEqual([{ keyId: p.keyId, count: 2 }]);
      expect(enqueued).toHaveLength(1);
      expect(enqueued[0]).toHaveLength(2);
      expect(created).toHaveLength(1);
    });

    it('names the item in the errors it reports', async () => {
      const [, bad] = await service.createBatch(p, [
        { appId: app.id, payload: 1 },
        { appId: app.id, payload: 1, sendAt: iso(T0 + 11 * 366 * 86_400_000) },
      ]);
      expect('error' in bad && bad.error.message).toMatch(/^items\.1\.sendAt/);
    });

    it('stores nothing and calls no one when every item is invalid', async () => {
      const results = await service.createBatch(p, [{ payload: 1 }, { appId: app.id }]);
      expect(results.every((r) => 'error' in r)).toBe(true);
      expect(admitted).toEqual([]);
      expect(enqueued).toEqual([]);
    });
  });

  describe('abort', () => {
    it('aborts a scheduled message once, recording when', async () => {
      const { message } = await service.create(p, { appId: app.id, payload: 1, delaySeconds: 60 });
      clock.advance(1_000);
      const aborted = await service.abort(p, message.id);
      expect(aborted).toMatchObject({ status: 'aborted', abortedAt: T0 + 1_000, updatedAt: T0 + 1_000 });
      expect(aborted.dueAt).toBeUndefined();
      await expect(service.abort(p, message.id)).rejects.toThrow(MessageStateConflictError);
    });

    it("answers another tenant's message as missing, and a data key of another app as forbidden", async () => {
      const { message } = await service.create(p, { appId: app.id, payload: 1, delaySeconds: 60 });
      await expect(service.abort(controlKey(), message.id)).rejects.toThrow(MessageNotFoundError);
      await expect(service.abort(dataKey(p, other.id), message.id)).rejects.toThrow(ForbiddenScopeError);
      expect((await service.get(p, message.id)).status).toBe('scheduled');
    });
  });

  describe('redrive', () => {
    /** A message of `app` that failed after `attempts` attempts. */
    const failedAfter = async (attempts: number): Promise<Message> => {
      const m = aMessage({ tenantId: p.tenantId, appId: app.id, sendAt: T0, dueAt: T0, attemptCount: attempts - 1 });
      await stores.messages.create([m], T0);
      await stores.messages.claim([{ id: m.id, tenantId: m.tenantId, dueAt: T0 }], T0);
      const attempt = {
        messageId: m.id,
        tenantId: m.tenantId,
        attempt: attempts,
        startedAt: T0,
        durationMs: 1,
        outcome: 'permanent_failure' as const,
      };
      await stores.messages.complete([{ attempt, status: 'failed', lastError: 'HTTP 400' }], T0);
      return (await stores.messages.get(m.tenantId, m.id))!;
    };

    it('schedules a failed message again now, with a fresh retry budget, and hands it to the engine', async () => {
      const failed = await failedAfter(3);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 3 });
      clock.advance(60_000);
      const m = await service.redrive(p, failed.id);
      expect(m).toMatchObject({ status: 'scheduled', sendAt: T0 + 60_000, dueAt: T0 + 60_000, attemptCount: 3, attemptBase: 3 });
      expect(m.lastError).toBeUndefined();
      expect(enqueued).toEqual([[{ id: m.id, tenantId: p.tenantId, dueAt: T0 + 60_000 }]]);
    });

    it('redrives an aborted message at a later sendAt; a past one is due now', async () => {
      const { message } = await service.create(p, { appId: app.id, payload: 1, delaySeconds: 60 });
      await service.abort(p, message.id);
      const later = await service.redrive(p, message.id, iso(T0 + 7_200_000));
      expect(later).toMatchObject({ status: 'scheduled', sendAt: T0 + 7_200_000, dueAt: T0 + 7_200_000 });
      await service.abort(p, message.id);
      const past = await service.redrive(p, message.id, iso(T0 - 5_000));
      expect(past).toMatchObject({ status: 'scheduled', sendAt: T0 - 5_000, dueAt: T0 });
    });

    it('refuses a message that is still scheduled, and leaves the engine alone', async () => {
      const { message } = await service.create(p, { appId: app.id, payload: 1 });
      enqueued = [];
      admitted = [];
      await expect(service.redrive(p, message.id)).rejects.toThrow(MessageStateConflictError);
      expect(enqueued).toEqual([]);
      expect(admitted).toEqual([]);
    });

    it('admits a redrive against the plan limits and counts it as scheduled, as a new message', async () => {
      const failed = await failedAfter(2);
      const m = await service.redrive(p, failed.id);
      expect(admitted).toEqual([{ keyId: p.keyId, count: 1 }]);
      expect(created).toEqual([[m]]);
    });

    it('refuses a redrive over the plan limits, leaving the message failed', async () => {
      const failed = await failedAfter(2);
      refuse = true;
      await expect(service.redrive(p, failed.id)).rejects.toThrow(QuotaExceededError);
      expect(await stores.messages.get(p.tenantId, failed.id)).toMatchObject({ status: 'failed' });
      expect(enqueued).toEqual([]);
    });

    it('refuses a redrive of a message that has made 100 attempts, the most in its life', async () => {
      const worn = await failedAfter(100);
      await expect(service.redrive(p, worn.id)).rejects.toThrow(MessageAttemptsExhaustedError);
      await expect(service.redrive(p, worn.id)).rejects.toThrow(/has made 100 attempts, the most one message may make/);
      expect(await stores.messages.get(p.tenantId, worn.id)).toMatchObject({ status: 'failed' });
      const younger = await failedAfter(99);
      expect(await service.redrive(p, younger.id)).toMatchObject({ status: 'scheduled', attemptBase: 99 });
    });
  });

  describe('list and get', () => {
    it("scopes to the caller: a control key sees its tenant's messages, a data key its own app's", async () => {
      const mine = await service.create(p, { appId: app.id, payload: 1 });
      const theirs = await service.create(p, { appId: other.id, payload: 2 });
      const stranger = controlKey();
      const strangerApp = anApp({ tenantId: stranger.tenantId });
      await stores.apps.create(strangerApp);
      await service.create(stranger, { appId: strangerApp.id, payload: 3 });

      const ids = async (principal: Principal, q = {}) => (await service.list(principal, q)).items.map((m) => m.id).sort();
      expect(await ids(p)).toEqual([mine.message.id, theirs.message.id].sort());
      expect(await ids(p, { appId: other.id })).toEqual([theirs.message.id]);
      expect(await ids(dataKey(p, app.id))).toEqual([mine.message.id]);
      await expect(service.list(dataKey(p, app.id), { appId: other.id })).rejects.toThrow(ForbiddenScopeError);

      await expect(service.get(stranger, mine.message.id)).rejects.toThrow(MessageNotFoundError);
      await expect(service.get(dataKey(p, other.id), mine.message.id)).rejects.toThrow(ForbiddenScopeError);
      await expect(service.attempts(stranger, mine.message.id)).rejects.toThrow(MessageNotFoundError);
    });

    it('filters by status and pages with the limit given', async () => {
      for (let i = 0; i < 3; i++) await service.create(p, { appId: app.id, payload: i, delaySeconds: 60 });
      const { message } = await service.create(p, { appId: app.id, payload: 'x', delaySeconds: 60 });
      await service.abort(p, message.id);
      expect((await service.list(p, { status: 'aborted' })).items.map((m) => m.id)).toEqual([message.id]);
      const page = await service.list(p, { status: 'scheduled', limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeDefined();
    });
  });
});
