import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLocal } from './support/local-only';
import { startReceiver, type Receiver } from './support/receiver';
import { answer } from './support/sdk';
import { clientOf, newTenant, operatorOf, startTarget, waitForStatus, type Target } from './support/target';

// A stage counts requests from API Gateway's usage reports, which lag, and has plans of its own.
const describeHere = describeLocal('plans and metering: exact usage counts at once, and plans from PUNCTUAL_PLANS_FILE');

describeHere('plans and metering (real server)', () => {
  let receiver: Receiver;
  let plansDir: string;
  let plansFile: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    plansDir = mkdtempSync(join(tmpdir(), 'punctual-plans-'));
    plansFile = join(plansDir, 'plans.json');
    writeFileSync(
      plansFile,
      JSON.stringify({
        tiny: { throttle: { rateLimit: 1, burstLimit: 3 } },
        daily: { quota: { limit: 5, period: 'DAY' } },
        pend: { maxPendingMessages: 2 },
        // For the tenant-wide limits: a bucket that barely refills, a small quota, few pending, few keys, few schedules.
        'shared-throttle': { throttle: { rateLimit: 0.01, burstLimit: 3 } },
        'shared-quota': { quota: { limit: 4, period: 'DAY' } },
        'shared-pending': { maxPendingMessages: 2 },
        'few-keys': { maxKeys: 3 },
        'few-schedules': { maxActiveSchedules: 2 },
      }),
    );
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  describe('metering', () => {
    let target: Target;
    beforeAll(async () => (target = await startTarget()));
    afterAll(async () => target.close());

    it('counts exactly: 37 scheduled, 3 permanent failures, 2 successes on a retry', async () => {
      const t = await newTenant(target, `${receiver.url}/metered`, {
        retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
      });
      const reader = await t.control.keys.create({ scope: 'control', name: 'reader' });
      const seen = new Map<string, number>();
      receiver.respond('/metered', (r) => {
        const kind = (JSON.parse(r.body) as { kind: string }).kind;
        const id = String(r.headers['webhook-id']);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (kind === 'fail') return { status: 400 };
        if (kind === 'retry' && n === 1) return { status: 500 };
        return { status: 200 };
      });
      const items = Array.from({ length: 37 }, (_, i) => ({ appId: t.app.id, payload: { kind: i < 3 ? 'fail' : i < 5 ? 'retry' : 'ok' } }));
      const batch = await t.control.messages.batch(items);
      expect(batch.items.every((i) => i.status === 201)).toBe(true);

      const readerClient = clientOf(target, reader.key);
      for (const item of batch.items) {
        const m = item.message!;
        await waitForStatus(readerClient, m.id, (m.payload as { kind: string }).kind === 'fail' ? 'failed' : 'delivered');
      }
      const usage = await answer(() => readerClient.usage.get({ keyId: t.tenant.controlKey.id }));
      expect(usage.status).toBe(200);
      // The control key made 3 calls: create the reader key, create the app (in newTenant), the batch.
      expect(usage.data!.totals).toEqual({ requests: 3, messagesScheduled: 37, deliveries: 34, attempts: 39, failures: 3 });
      expect(usage.data!.items).toHaveLength(1);
      expect(usage.data!.items[0]).toMatchObject({ keyId: t.tenant.controlKey.id, date: new Date().toISOString().slice(0, 10) });
      const all = await readerClient.usage.get();
      expect(all.totals.messagesScheduled).toBe(37);
      expect(all.totals.requests).toBeGreaterThan(3);
    });

    it('refuses bad ranges and data keys', async () => {
      const t = await newTenant(target, `${receiver.url}/u`);
      const bad = await answer(() => t.control.usage.get({ from: '2026-02-01', to: '2026-01-01' }));
      expect(bad.status).toBe(400);
      expect(bad.error!.message).toMatch(/after/);
      const long = await answer(() => t.control.usage.get({ from: '2025-01-01', to: '2026-06-01' }));
      expect(long.status).toBe(400);
      const notADate = await answer(() => t.control.usage.get({ from: '2026-02-30' }));
      expect(notADate.status).toBe(400);
      const data = await t.control.keys.create({ scope: 'data', appId: t.app.id });
      const dataClient = clientOf(target, data.key);
      const forbidden = await answer(() => dataClient.usage.get());
      expect(forbidden.status).toBe(403);
      expect(forbidden.error).toMatchObject({ error: 'forbidden_scope' });
    });
  });

  describe('plan enforcement', () => {
    let dataDir: string;
    let target: Target;
    const start = async () => (target = await startTarget({ PUNCTUAL_PLANS_FILE: plansFile, PUNCTUAL_DATA_DIR: dataDir }));
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'punctual-plan-data-'));
      await start();
    });
    afterAll(async () => {
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const tenantOn = async (plan: string) => {
      const t = await answer(() => operatorOf(target).tenants.create({ name: plan, plan }));
      expect(t.status).toBe(201);
      return { id: t.data!.id, key: t.data!.controlKey.key, client: clientOf(target, t.data!.controlKey.key) };
    };
    /** The tenant's control key and 5 more, made in-process so that making them costs none of the limits under test. */
    const sixKeysOn = async (plan: string) => {
      const t = await tenantOn(plan);
      const extra = await Promise.all(Array.from({ length: 5 }, () => target.local!.services.keys.issue(t.id, 'control', plan)));
      return {
        ...t,
        clients: [t.key, ...extra.map((k) => k.value)].map((apiKey) => clientOf(target, apiKey)),
      };
    };

    it('throttles with a token bucket: the burst, then 429 rate_limited with Retry-After', async () => {
      const { client } = await tenantOn('tiny');
      const statuses: number[] = [];
      let last: Headers | undefined;
      for (let i = 0; i < 5; i++) {
        const r = await answer(() => client.apps.list());
        statuses.push(r.status);
        last = r.headers;
        if (r.status === 429) expect(r.error).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('burst 3') });
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(Number(last!.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });

    it('enforces the quota per UTC day, with RateLimit headers, and keeps counting after a restart', async () => {
      const { key, client } = await tenantOn('daily');
      for (let i = 0; i < 5; i++) {
        const r = await answer(() => client.apps.list());
        expect(r.status).toBe(200);
        expect(r.headers.get('ratelimit-limit')).toBe('5');
        expect(r.headers.get('ratelimit-remaining')).toBe(String(4 - i));
        expect(Number(r.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      }
      const over = await answer(() => client.apps.list());
      expect(over.status).toBe(429);
      expect(over.error).toMatchObject({
        error: 'quota_exceeded',
        exceeded: expect.objectContaining({ kind: 'quota', limit: 5, period: 'DAY' }),
      });
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);

      await target.close();
      await start();
      const again = clientOf(target, key);
      expect((await answer(() => again.apps.list())).status).toBe(429);
    });

    it('refuses messages past maxPendingMessages, naming that limit', async () => {
      const { client } = await tenantOn('pend');
      const app = await client.apps.create({ name: 'p', target: { type: 'http', url: `${receiver.url}/p` } });
      for (let i = 0; i < 2; i++) {
        expect((await answer(() => client.messages.create({ appId: app.id, delaySeconds: 3_600, payload: i }))).status).toBe(201);
      }
      const third = await answer(() => client.messages.create({ appId: app.id, delaySeconds: 3_600, payload: 3 }));
      expect(third.status).toBe(429);
      expect(third.error).toMatchObject({ error: 'quota_exceeded', message: expect.stringContaining('maxPendingMessages') });
    });

    describe('for the tenant as a whole: 5 extra keys raise no limit', () => {
      it('shares one throttle among all its keys', async () => {
        const { clients } = await sixKeysOn('shared-throttle');
        const statuses = [];
        for (const c of clients) statuses.push((await answer(() => c.apps.list())).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      });

      it('shares one quota among all its keys', async () => {
        const { clients } = await sixKeysOn('shared-quota');
        const answers = [];
        for (const c of clients) answers.push(await answer(() => c.apps.list()));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
        expect(answers[4].error).toMatchObject({
          error: 'quota_exceeded',
          message: expect.stringContaining(`the tenant's plan "shared-quota"`),
        });
      });

      it('shares one pending limit among all its keys', async () => {
        const { clients } = await sixKeysOn('shared-pending');
        const app = await clients[0].apps.create({ name: 'p', target: { type: 'http', url: `${receiver.url}/p` } });
        const answers = [];
        for (const c of clients) answers.push(await answer(() => c.messages.create({ appId: app.id, delaySeconds: 3_600, payload: {} })));
        expect(answers.map((a) => a.status)).toEqual([201, 201, 429, 429, 429, 429]);
        expect(answers[2].error).toMatchObject({ error: 'quota_exceeded', message: expect.stringContaining('maxPendingMessages of 2') });
      });

      it('caps its live keys: past maxKeys a new key is refused until one is revoked', async () => {
        const { client } = await tenantOn('few-keys');
        const made = [];
        for (let i = 0; i < 2; i++) made.push(await answer(() => client.keys.create({ scope: 'control' })));
        expect(made.map((r) => r.status)).toEqual([201, 201]);
        const over = await answer(() => client.keys.create({ scope: 'control' }));
        expect(over.status).toBe(429);
        expect(over.error).toMatchObject({
          error: 'quota_exceeded',
          message: expect.stringContaining('maxKeys of 3'),
          exceeded: { kind: 'maxKeys', maxKeys: 3, live: 3 },
        });
        await client.keys.revoke(made[0].data!.id);
        expect((await answer(() => client.keys.create({ scope: 'control' }))).status).toBe(201);
      });

      it('caps its active schedules', async () => {
        const { client } = await tenantOn('few-schedules');
        const app = await client.apps.create({ name: 's', target: { type: 'http', url: `${receiver.url}/s` } });
        const schedule = { appId: app.id, name: 's', expression: 'rate(1 day)', payload: {} };
        for (let i = 0; i < 2; i++) expect((await answer(() => client.schedules.create(schedule))).status).toBe(201);
        const over = await answer(() => client.schedules.create(schedule));
        expect(over.status).toBe(429);
        expect(over.error).toMatchObject({
          error: 'quota_exceeded',
          message: expect.stringContaining('maxActiveSchedules of 2'),
          exceeded: { kind: 'maxActiveSchedules', maxActiveSchedules: 2, active: 2 },
        });
        expect((await answer(() => client.schedules.create({ ...schedule, enabled: false }))).status).toBe(201);
      });

      it('still holds a key to a lower plan of its own', async () => {
        const { client } = await tenantOn('unlimited');
        const low = await client.keys.create({ scope: 'control', plan: 'shared-throttle' });
        const lowClient = clientOf(target, low.key);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await answer(() => lowClient.apps.list())).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
        expect((await answer(() => client.apps.list())).status).toBe(200);
      });
    });

    it('lets a key override its plan only downwards, and names the plans on an unknown one', async () => {
      const { client } = await tenantOn('free');
      const up = await answer(() => client.keys.create({ scope: 'control', plan: 'pro' }));
      expect(up.status).toBe(400);
      expect(up.error!.message).toMatch(/downwards/);
      const unknown = await answer(() => client.keys.create({ scope: 'control', plan: 'gold' }));
      expect(unknown.status).toBe(400);
      expect(unknown.error!.message).toMatch(/free, trial, pro, unlimited/);
      const pro = await tenantOn('pro');
      const down = await answer(() => pro.client.keys.create({ scope: 'control', plan: 'free' }));
      expect(down.status).toBe(201);
      expect(down.data!.plan).toBe('free');
    });
  });
});
