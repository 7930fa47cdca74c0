import { type LiveEvent, type Message, Punctual, PunctualError } from '@punctual/sdk';
import { type Receiver, startReceiver } from '../../test/support/receiver';
import { type LocalPunctual, newTenant, startPunctual, waitForStatus } from '../../test/support/punctual';

/** Every method of the client against a real embedded server, with a real receiver. */
describe('Punctual client (real server)', () => {
  let server: LocalPunctual;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await startPunctual();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  describe('tenants', () => {
    it('creates a tenant with the admin token; a wrong token is a PunctualError 401', async () => {
      const t = await server.operator.tenants.create({ name: 'acme', plan: 'pro' });
      expect(t).toMatchObject({ name: 'acme', plan: 'pro', controlKey: { scope: 'control', key: expect.any(String) } });
      const wrong = new Punctual({ baseUrl: server.baseUrl, adminToken: 'not-the-admin-token' });
      const err = await wrong.tenants.create({ name: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(PunctualError);
      expect(err).toMatchObject({ status: 401, code: 'unauthorized', requestId: expect.any(String) });
    });
  });

  it("reads the service's health without a credential", async () => {
    const anonymous = new Punctual({ baseUrl: server.baseUrl });
    expect(await anonymous.health()).toEqual({ status: 'ok', version: expect.any(String) });
  });

  describe('tenant administration', () => {
    it('lists, reads and updates tenants as the operator; a tenant reads its own at me(), a data key may not', async () => {
      const made = [await newTenant(server), await newTenant(server), await newTenant(server)];
      const ids = made.map((t) => t.tenant.id);
      const seen: string[] = [];
      for await (const t of server.operator.tenants.list({ limit: 2 })) seen.push(t.id);
      expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].sort().reverse());
      expect(await server.operator.tenants.get(ids[0])).toMatchObject({ id: ids[0], plan: 'unlimited', status: 'active' });
      expect(await server.operator.tenants.update(ids[0], { plan: 'pro' })).toMatchObject({ id: ids[0], plan: 'pro' });
      const me = await made[0].control.tenants.me();
      expect(me).toMatchObject({ id: ids[0], plan: 'pro', limits: { maxKeys: expect.any(Number) } });
      await expect(made[0].control.tenants.list()).rejects.toThrow(/needs the client's adminToken option/);
      await expect(server.operator.tenants.update(ids[1], { status: 'paused' as never })).rejects.toMatchObject({
        status: 400,
        code: 'invalid_request',
        details: [expect.objectContaining({ path: 'status' })],
      });
      await server.operator.tenants.update(ids[2], { status: 'suspended' });
      await expect(made[2].control.tenants.me()).rejects.toMatchObject({ status: 403, code: 'tenant_suspended' });
    });
  });

  describe('apps', () => {
    it('creates, gets, lists, updates, rotates the secret of and deletes an app', async () => {
      const { control } = await newTenant(server);
      const app = await control.apps.create({ name: 'orders', target: { type: 'http', url: `${receiver.url}/apps` } });
      expect(app.signingSecret).toMatch(/^whsec_/);
      expect(await control.apps.get(app.id)).toMatchObject({ id: app.id, name: 'orders' });
      expect(await control.apps.update(app.id, { name: 'orders-v2', maxConcurrency: 4 })).toMatchObject({
        name: 'orders-v2',
        maxConcurrency: 4,
      });
      const rotated = await control.apps.rotateSecret(app.id);
      expect(rotated.signingSecret).toMatch(/^whsec_/);
      expect(rotated.signingSecret).not.toBe(app.signingSecret);
      expect((await control.apps.list()).items.map((a) => a.id)).toEqual([app.id]);
      await control.messages.create({ appId: app.id, payload: 'pending', delaySeconds: 3600 });
      await expect(control.apps.delete(app.id)).resolves.toEqual({ abortedMessages: 1 });
      await expect(control.apps.get(app.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    });

    it('reports a validation error with the offending fields', async () => {
      const { control } = await newTenant(server);
      const err = await control.apps.create({ name: 'bad', target: { type: 'http', url: 'ftp://example.com' } }).catch((e) => e);
      expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'target.url' })]));
    });
  });

  describe('keys', () => {
    it('creates a data key that works for its app, lists keys and revokes one (it stops at once)', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/keys` });
      const created = await control.keys.create({ name: 'worker', scope: 'data', appId: app!.id });
      expect(created.key).toEqual(expect.any(String));
      const data = new Punctual({ baseUrl: server.baseUrl, apiKey: created.key });
      expect((await data.messages.create({ payload: 1, delaySeconds: 60 })).appId).toBe(app!.id);
      await expect(data.apps.list()).rejects.toMatchObject({ status: 403, code: 'forbidden_scope' });
      const ids: string[] = [];
      for await (const k of control.keys.list({ limit: 1 })) ids.push(k.id);
      expect(ids).toHaveLength(2);
      expect(ids).toContain(created.id);
      await control.keys.revoke(created.id);
      await expect(data.messages.list()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });

  describe('messages', () => {
    it('creates a message that is delivered, reads it back and lists its attempts', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/m-create` });
      const m = await control.messages.create({ appId: app!.id, payload: { order: 42 }, sendAt: new Date(Date.now() + 200) });
      expect(m).toMatchObject({ status: 'scheduled', payload: { order: 42 }, idempotencyKey: expect.any(String) });
      const [got] = await receiver.waitFor('/m-create', 1);
      expect(JSON.parse(got.body)).toEqual({ order: 42 });
      expect((await waitForStatus(control, m.id, 'delivered')).attemptCount).toBe(1);
      expect((await control.messages.attempts(m.id)).items).toEqual([expect.objectContaining({ attempt: 1, outcome: 'success' })]);
      const all: number[] = [];
      for await (const a of control.messages.attempts(m.id)) all.push(a.attempt);
      expect(all).toEqual([1]);
    });

    it('returns the original for a repeated idempotency key, and sends none when told false', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/m-idem` });
      const first = await control.messages.create({ appId: app!.id, payload: 1, delaySeconds: 60, idempotencyKey: 'order-7' });
      const again = await control.messages.create({ appId: app!.id, payload: 2, delaySeconds: 60, idempotencyKey: 'order-7' });
      expect(again).toMatchObject({ id: first.id, payload: 1 });
      const bare = await control.messages.create({ appId: app!.id, payload: 3, delaySeconds: 60, idempotencyKey: false });
      expect(bare).not.toHaveProperty('idempotencyKey');
    });

    it('creates a batch item by item', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/m-batch` });
      const res = await control.messages.batch([
        { appId: app!.id, payload: { i: 0 }, delaySeconds: 60 },
        { appId: app!.id, payload: { i: 1 }, sendAt: 'tomorrow' },
      ]);
      expect(res.items.map((i) => i.status)).toEqual([201, 400]);
      // The batch's Idempotency-Key header, as the server derives an item's key from it.
      expect(res.items[0].message).toMatchObject({ payload: { i: 0 }, idempotencyKey: expect.stringMatching(/#0$/) });
      expect(res.items[1].error).toMatchObject({ error: 'invalid_request' });
    });

    it('aborts a scheduled message and redrives it; a conflict is a 409 PunctualError', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/m-abort` });
      const m = await control.messages.create({ appId: app!.id, payload: 'later', delaySeconds: 3600 });
      expect(await control.messages.abort(m.id)).toMatchObject({ status: 'aborted' });
      await expect(control.messages.abort(m.id)).rejects.toMatchObject({ status: 409, code: 'conflict' });
      const redriven = await control.messages.redrive(m.id, { sendAt: new Date(Date.now() + 100) });
      expect(redriven.status).toBe('scheduled');
      const [got] = await receiver.waitFor('/m-abort', 1);
      expect(got.body).toBe('later');
      await waitForStatus(control, m.id, 'delivered');
    });

    it('lists one page when awaited, and every message across pages when iterated, with filters', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/m-list` });
      const made: Message[] = [];
      for (let i = 0; i < 5; i++) made.push(await control.messages.create({ appId: app!.id, payload: i, delaySeconds: 3600 }));
      await control.messages.abort(made[1].id);
      const page = await control.messages.list({ appId: app!.id, limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toEqual(expect.any(String));
      const ids: string[] = [];
      for await (const m of control.messages.list({ appId: app!.id, limit: 2 })) ids.push(m.id);
      expect(ids).toEqual(made.map((m) => m.id).reverse());
      const aborted: string[] = [];
      for await (const m of control.messages.list({ status: 'aborted' })) aborted.push(m.id);
      expect(aborted).toEqual([made[1].id]);
      let pages = 0;
      for await (const p of control.messages.list({ appId: app!.id, limit: 2 }).pages()) pages += p.items.length ? 1 : 0;
      expect(pages).toBe(3);
    });
  });

  describe('schedules', () => {
    it('creates, gets, lists, updates, pauses, resumes, triggers, lists runs and deletes a schedule', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/s` });
      const s = await control.schedules.create({
        appId: app!.id,
        name: 'digest',
        expression: 'cron(0 6 * * ? *)',
        timezone: 'America/New_York',
        payload: { kind: 'digest' },
      });
      expect(s).toMatchObject({ state: 'active', nextRunAt: expect.any(String) });
      expect(await control.schedules.get(s.id)).toMatchObject({ id: s.id, name: 'digest' });
      expect((await control.schedules.list({ appId: app!.id })).items.map((x) => x.id)).toEqual([s.id]);
      const updated = await control.schedules.update(s.id, { expression: 'cron(30 7 * * ? *)' });
      expect(updated.expression).toBe('cron(30 7 * * ? *)');
      expect(await control.schedules.pause(s.id)).toMatchObject({ state: 'paused' });
      expect(await control.schedules.resume(s.id)).toMatchObject({ state: 'active' });
      const run = await control.schedules.trigger(s.id);
      expect(run).toMatchObject({ scheduleId: s.id, payload: { kind: 'digest' } });
      const [got] = await receiver.waitFor('/s', 1);
      expect(got.headers['punctual-schedule-id']).toBe(s.id);
      const runs: string[] = [];
      for await (const m of control.schedules.runs(s.id, { limit: 1 })) runs.push(m.id);
      expect(runs).toEqual([run.id]);
      await control.schedules.delete(s.id);
      await expect(control.schedules.get(s.id)).rejects.toMatchObject({ status: 404 });
    });

    it('previews the runs a schedule would make (across a DST change), and refuses what create would', async () => {
      const { control } = await newTenant(server);
      const preview = await control.schedules.preview({
        expression: 'cron(0 6 * * ? *)',
        timezone: 'America/New_York',
        startAt: new Date('2027-03-13T00:00:00Z'),
        count: 3,
      });
      // 06:00 in New York: EST (UTC-5) on the 13th, EDT (UTC-4) from the 14th.
      expect(preview.items).toEqual(['2027-03-13T11:00:00.000Z', '2027-03-14T10:00:00.000Z', '2027-03-15T10:00:00.000Z']);
      await expect(control.schedules.preview({ expression: 'cron(0 6 * *)' })).rejects.toMatchObject({
        status: 400,
        code: 'invalid_expression',
      });
    });

    it('reports a bad expression as invalid_expression', async () => {
      const { control, app } = await newTenant(server, { url: `${receiver.url}/s-bad` });
      const err = await control.schedules.create({ appId: app!.id, name: 'x', expression: 'rate(30 seconds)', payload: 1 }).catch((e) => e);
      expect(err).toMatchObject({ status: 400, code: 'invalid_expression' });
    });
  });

  describe('live events', () => {
    it('streams what happens to a message, resumes after lastEventId, and ends when the signal aborts', async () => {
      const { controlKey, app } = await newTenant(server, { url: `${receiver.url}/ev` });
      // The stream counts from its headers: a message created before them would not be in it.
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const control = new Punctual({
        baseUrl: server.baseUrl,
        apiKey: controlKey,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          opened();
          return res;
        },
      });
      const controller = new AbortController();
      const seen: LiveEvent[] = [];
      const reading = (async () => {
        for await (const e of control.events({ signal: controller.signal })) {
          seen.push(e);
          if (e.type === 'message.delivered') break;
        }
      })();
      await open;
      const m = await control.messages.create({ appId: app!.id, payload: 1 });
      await reading;
      expect(seen.map((e) => [e.type, 'messageId' in e.data ? e.data.messageId : undefined])).toEqual(
        expect.arrayContaining([
          ['message.created', m.id],
          ['message.delivered', m.id],
        ]),
      );
      const created = seen.find((e) => e.type === 'message.created')!;

      // Resumed after the creation: the events that followed it, the delivery among them.
      const resumed: LiveEvent[] = [];
      for await (const e of control.events({ lastEventId: created.id, signal: controller.signal })) {
        resumed.push(e);
        if (e.type === 'message.delivered') controller.abort();
      }
      expect(resumed.map((e) => e.type)).not.toContain('message.created');
      expect(resumed.find((e) => e.type === 'message.delivered')).toMatchObject({ data: { messageId: m.id, status: 'delivered' } });
    });

    it('throws a PunctualError for a key the server refuses, without reconnecting', async () => {
      const p = new Punctual({ baseUrl: server.baseUrl, apiKey: 'pk_nope' });
      const err = await (async () => {
        for await (const _ of p.events()) return undefined;
      })().catch((e) => e);
      expect(err).toBeInstanceOf(PunctualError);
      expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });

  describe('usage', () => {
    it("reads the day's counters", async () => {
      const { control, app, tenant } = await newTenant(server, { url: `${receiver.url}/u` });
      await control.messages.create({ appId: app!.id, payload: 1, delaySeconds: 3600 });
      const usage = await control.usage.get({ keyId: tenant.controlKey.id });
      expect(usage.items).toEqual([expect.objectContaining({ keyId: tenant.controlKey.id, messagesScheduled: 1 })]);
      expect(usage.totals.messagesScheduled).toBe(1);
    });
  });
});
