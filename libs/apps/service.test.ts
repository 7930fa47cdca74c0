import { randomBytes } from 'node:crypto';
import { aMessage, anApp, controlKey, dataKey } from '../../test/support/fixtures';
import { iso, ManualClock } from '../domain/clock';
import { ForbiddenScopeError, ValidationError } from '../domain/errors';
import { defaultRetryPolicy } from '../domain/retry';
import type { Principal } from '../keys/model';
import { AesSecretBox } from '../secrets/aes';
import { isSealed } from '../secrets/port';
import { createSqliteStores, type SqliteStores } from '../store/sqlite';
import { toAppDto } from './dto';
import { AppNotFoundError, TargetUnavailableError } from './errors';
import { defaultMaxConcurrency, liveSecrets, secretOverlapMs, type App, type Target } from './model';
import { openApp } from './secrets';
import { AppService } from './service';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
const target = { type: 'http' as const, url: 'https://example.com/hook' };

describe('AppService (SQLite in memory, manual clock)', () => {
  let clock: ManualClock;
  let stores: SqliteStores;
  let service: AppService;
  /** Targets the policy was asked about; `blocked` URLs are refused, and email is unavailable. */
  let checked: string[];
  const box = new AesSecretBox(randomBytes(32));
  /** The app as the engines read it: secrets opened. */
  const opened = async (app: App | undefined) => app && openApp(box, app);
  const blocked = 'http://169.254.169.254/latest';
  /** Apps whose deletion was announced (to stop their schedules). */
  let deleted: { tenantId: string; appId: string }[];
  let p: Principal;

  beforeEach(() => {
    clock = new ManualClock(T0);
    stores = createSqliteStores({ filename: ':memory:' });
    checked = [];
    deleted = [];
    service = new AppService({
      apps: stores.apps,
      messages: stores.messages,
      clock,
      checkTarget: (t: Target) => {
        if (t.type === 'email') throw new TargetUnavailableError('email', 'email needs PUNCTUAL_SMTP_URL, which is not set here');
        if (t.type !== 'http') return;
        checked.push(t.url);
        if (t.url === blocked) throw new ValidationError('target.url: private address', [{ path: 'target.url', issue: 'private' }]);
      },
      secrets: box,
      onDeleted: async (tenantId, appId) => void deleted.push({ tenantId, appId }),
    });
    p = controlKey();
  });
  afterEach(() => stores.close());

  describe('create', () => {
    it('stores an app with the default policy and concurrency and a fresh whsec_ secret of 32 bytes', async () => {
      const app = await service.create(p, { name: 'orders', target });
      expect(app).toMatchObject({
        tenantId: p.tenantId,
        name: 'orders',
        target,
        retryPolicy: defaultRetryPolicy,
        maxConcurrency: defaultMaxConcurrency,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(app.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(app.signingSecret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      expect(app.previousSecret).toBeUndefined();
      expect(await opened(await stores.apps.get(p.tenantId, app.id))).toEqual(app);
      const second = await service.create(p, { name: 'orders', target });
      expect(second.signingSecret).not.toBe(app.signingSecret);
    });

    it('merges a partial retry policy over the default', async () => {
      const app = await service.create(p, { name: 'a', target, retryPolicy: { maxAttempts: 2 }, maxConcurrency: 5 });
      expect(app.retryPolicy).toEqual({ ...defaultRetryPolicy, maxAttempts: 2 });
      expect(app.maxConcurrency).toBe(5);
    });

    it('refuses a target the SSRF policy refuses, and a data key, storing nothing', async () => {
      await expect(service.create(p, { name: 'a', target: { type: 'http', url: blocked } })).rejects.toThrow(ValidationError);
      expect(checked).toEqual([blocked]);
      await expect(service.create(dataKey(p, 'app_x'), { name: 'a', target })).rejects.toThrow(ForbiddenScopeError);
      expect((await stores.apps.list(p.tenantId, { limit: 10 })).items).toEqual([]);
    });

    it('stores the signing secret and header values sealed, bound to the app; reads return them sealed', async () => {
      const withHeaders = { ...target, headers: { authorization: 'Bearer s3cret', 'x-b': 'two' } };
      const app = await service.create(p, { name: 'h', target: withHeaders });
      expect(app.target).toEqual(withHeaders);
      const stored = (await stores.apps.get(p.tenantId, app.id))!;
      expect(isSealed(stored.signingSecret)).toBe(true);
      expect(stored.target).toMatchObject({
        headers: { authorization: expect.stringMatching(/^enc:/), 'x-b': expect.stringMatching(/^enc:/) },
      });
      expect(JSON.stringify(stored)).not.toContain('s3cret');
      expect(JSON.stringify(stored)).not.toContain(app.signingSecret);
      expect(await service.get(p, app.id)).toEqual(stored);
      expect((await service.list(p, { limit: 10 })).items.find((a) => a.id === app.id)).toEqual(stored);
      // Another app's sealed value does not open as this one's.
      const other = (await stores.apps.get(p.tenantId, (await service.create(p, { name: 'o', target })).id))!;
      await expect(openApp(box, { ...other, signingSecret: stored.signingSecret })).rejects.toThrow(/does not open/);
    });

    it('refuses a target this runtime cannot send (400 target_unavailable), storing nothing', async () => {
      const email = { type: 'email' as const, to: ['ops@example.com'], subject: 'hi' };
      await expect(service.create(p, { name: 'e', target: email })).rejects.toThrow(TargetUnavailableError);
      expect((await stores.apps.list(p.tenantId, { limit: 10 })).items).toEqual([]);
    });
  });

  describe('update', () => {
    it('changes the given fields, merges the retry policy over the current one, and keeps the secret', async () => {
      const app = await service.create(p, { name: 'a', target, retryPolicy: { maxAttempts: 4 } });
      clock.advance(5_000);
      const updated = await service.update(p, app.id, { name: 'b', retryPolicy: { baseDelayMs: 50 } });
      expect(await opened(updated)).toMatchObject({
        name: 'b',
        target,
        retryPolicy: { ...defaultRetryPolicy, maxAttempts: 4, baseDelayMs: 50 },
        signingSecret: app.signingSecret,
        createdAt: T0,
        updatedAt: T0 + 5_000,
      });
      expect(await stores.apps.get(p.tenantId, app.id)).toEqual(updated);
    });

    it('seals the header values of a new target, and keeps the sealed secret as it was', async () => {
      const app = await service.create(p, { name: 'a', target });
      const before = (await stores.apps.get(p.tenantId, app.id))!;
      const updated = await service.update(p, app.id, { target: { ...target, method: 'PUT', headers: { 'x-token': 'new-s3cret' } } });
      expect(updated.signingSecret).toBe(before.signingSecret);
      expect(updated.target).toMatchObject({ method: 'PUT', headers: { 'x-token': expect.stringMatching(/^enc:/) } });
      expect((await opened(await stores.apps.get(p.tenantId, app.id)))!.target).toEqual({
        ...target,
        method: 'PUT',
        headers: { 'x-token': 'new-s3cret' },
      });
    });

    it('seals what a record stored before encryption holds in clear, on its next update (AWS has no start-up migration)', async () => {
      const legacy = anApp({
        tenantId: p.tenantId,
        signingSecret: 'whsec_bGVnYWN5',
        target: { ...target, headers: { authorization: 'Bearer legacy' } },
      });
      await stores.apps.create(legacy);
      await service.update(p, legacy.id, { name: 'renamed' });
      const stored = (await stores.apps.get(p.tenantId, legacy.id))!;
      expect(JSON.stringify(stored)).not.toMatch(/bGVnYWN5|Bearer legacy/);
      expect(await opened(stored)).toEqual({ ...legacy, name: 'renamed', updatedAt: T0 });
    });

    it('checks a new target URL, and refuses a data key and another tenant', async () => {
      const app = await service.create(p, { name: 'a', target });
      await expect(service.update(p, app.id, { target: { type: 'http', url: blocked } })).rejects.toThrow(ValidationError);
      expect(checked).toEqual([target.url, blocked]);
      await expect(service.update(dataKey(p, app.id), app.id, { name: 'x' })).rejects.toThrow(ForbiddenScopeError);
      await expect(service.update(controlKey(), app.id, { name: 'x' })).rejects.toThrow(AppNotFoundError);
      expect((await service.get(p, app.id)).name).toBe('a');
    });
  });

  describe('status', () => {
    it('disables an app on request, saying so, and enables it again, clearing the reason', async () => {
      const app = await service.create(p, { name: 'a', target });
      clock.advance(1_000);
      const off = await service.update(p, app.id, { status: 'disabled' });
      expect(off).toMatchObject({ status: 'disabled', disabledAt: T0 + 1_000, disabledReason: 'disabled by the tenant' });
      expect(toAppDto(off)).toMatchObject({ status: 'disabled', disabledAt: iso(T0 + 1_000), disabledReason: 'disabled by the tenant' });
      clock.advance(1_000);
      expect(await service.update(p, app.id, { status: 'disabled' })).toMatchObject({ disabledAt: T0 + 1_000 });
      const on = await service.update(p, app.id, { status: 'active' });
      expect(on).not.toHaveProperty('status');
      expect(on).not.toHaveProperty('disabledAt');
      expect(on).not.toHaveProperty('disabledReason');
      expect(toAppDto(on).status).toBe('active');
      expect(await stores.apps.get(p.tenantId, app.id)).toEqual(on);
    });

    it('keeps a disabled app disabled through other changes', async () => {
      const app = await service.create(p, { name: 'a', target });
      await service.update(p, app.id, { status: 'disabled' });
      expect(await service.update(p, app.id, { name: 'b' })).toMatchObject({ name: 'b', status: 'disabled' });
    });
  });

  describe('rotateSecret', () => {
    it('signs with the new and the previous secret for 24 h, then with the new one only', async () => {
      const app = await service.create(p, { name: 'a', target });
      clock.advance(HOUR);
      const rotated = await service.rotateSecret(p, app.id);
      expect(rotated.signingSecret).not.toBe(app.signingSecret);
      expect(await opened(rotated)).toMatchObject({
        previousSecret: app.signingSecret,
        previousSecretExpiresAt: T0 + HOUR + secretOverlapMs,
        updatedAt: T0 + HOUR,
      });
      expect(secretOverlapMs).toBe(24 * HOUR);
      const stored = (await opened(await stores.apps.get(p.tenantId, app.id)))!;
      expect(stored).toEqual(await opened(rotated));
      expect(liveSecrets(stored, T0 + HOUR)).toEqual([rotated.signingSecret, app.signingSecret]);
      expect(liveSecrets(stored, T0 + HOUR + secretOverlapMs - 1)).toEqual([rotated.signingSecret, app.signingSecret]);
      expect(liveSecrets(stored, T0 + HOUR + secretOverlapMs)).toEqual([rotated.signingSecret]);
    });

    it('keeps only the secret it replaces: a second rotation drops the first one at once', async () => {
      const app = await service.create(p, { name: 'a', target });
      const first = await service.rotateSecret(p, app.id);
      clock.advance(HOUR);
      const second = (await opened(await service.rotateSecret(p, app.id)))!;
      expect(second).toMatchObject({ previousSecret: first.signingSecret, previousSecretExpiresAt: T0 + HOUR + secretOverlapMs });
      expect(liveSecrets(second, clock.now())).toEqual([second.signingSecret, first.signingSecret]);
      expect(liveSecrets(second, clock.now())).not.toContain(app.signingSecret);
    });

    it('refuses a data key and another tenant', async () => {
      const app = await service.create(p, { name: 'a', target });
      await expect(service.rotateSecret(dataKey(p, app.id), app.id)).rejects.toThrow(ForbiddenScopeError);
      await expect(service.rotateSecret(controlKey(), app.id)).rejects.toThrow(AppNotFoundError);
      expect((await opened(await service.get(p, app.id)))!.signingSecret).toBe(app.signingSecret);
    });
  });

  describe('delete', () => {
    it("aborts the app's pending messages, announces the deletion and removes the app", async () => {
      const app = await service.create(p, { name: 'a', target });
      const sibling = await service.create(p, { name: 'b', target });
      const pending = [aMessage({ tenantId: p.tenantId, appId: app.id }), aMessage({ tenantId: p.tenantId, appId: app.id })];
      const elsewhere = aMessage({ tenantId: p.tenantId, appId: sibling.id });
      await stores.messages.create([...pending, elsewhere], T0);
      clock.advance(1_000);

      await service.delete(p, app.id);

      for (const m of pending) {
        expect(await stores.messages.get(p.tenantId, m.id)).toMatchObject({ status: 'aborted', abortedAt: T0 + 1_000 });
      }
      expect((await stores.messages.get(p.tenantId, elsewhere.id))?.status).toBe('scheduled');
      expect(deleted).toEqual([{ tenantId: p.tenantId, appId: app.id }]);
      await expect(service.get(p, app.id)).rejects.toThrow(AppNotFoundError);
      expect(await opened(await service.get(p, sibling.id))).toEqual(sibling);
    });

    it("leaves delivered messages as they are, and refuses a data key and another tenant's id", async () => {
      const app = await service.create(p, { name: 'a', target });
      const done = aMessage({ tenantId: p.tenantId, appId: app.id, sendAt: T0 });
      await stores.messages.create([done], T0);
      await stores.messages.claim([{ id: done.id, tenantId: p.tenantId, dueAt: T0 }], T0);
      const attempt = { messageId: done.id, tenantId: p.tenantId, attempt: 1, startedAt: T0, durationMs: 1, outcome: 'success' as const };
      await stores.messages.complete([{ attempt, status: 'delivered' }], T0);

      await expect(service.delete(dataKey(p, app.id), app.id)).rejects.toThrow(ForbiddenScopeError);
      await expect(service.delete(controlKey(), app.id)).rejects.toThrow(AppNotFoundError);
      expect(deleted).toEqual([]);
      await service.delete(p, app.id);
      expect((await stores.messages.get(p.tenantId, done.id))?.status).toBe('delivered');
    });
  });
});
