import type { Punctual } from '@punctual/sdk';
import { eventually } from '../test/support/eventually';
import { itLocal } from './support/local-only';
import { startReceiver, type Receiver } from './support/receiver';
import { answer, sdkClient } from './support/sdk';
import { clientOf, newTenant, operatorOf, startTarget, waitForStatus, type Target } from './support/target';

/** A well-formed tenant id that names no tenant. */
const unknownTenant = 'ten_2J1n0ZRWJ7yO9yNzrDEI0mWxkXx';

describe('tenant administration (real server)', () => {
  let target: Target;
  let receiver: Receiver;
  let operator: Punctual;
  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
    operator = operatorOf(target);
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it('lists tenants newest first, page by page, and reads one; an unknown id is 404', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await newTenant(target, `${receiver.url}/l`)).tenant.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100 && !made.every((id) => seen.includes(id)); page++) {
      const r = await answer(() => operator.tenants.list({ limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(r.status).toBe(200);
      expect(r.data!.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.data!.items.map((t) => t.id));
      cursor = r.data!.nextCursor;
      if (!cursor) break;
    }
    expect(seen.filter((id) => made.includes(id))).toEqual([...made].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const one = await operator.tenants.get(made[0]);
    expect(one).toEqual({
      id: made[0],
      name: expect.stringMatching(/^e2e-/),
      plan: 'unlimited',
      status: 'active',
      createdAt: expect.any(String),
    });
    const missing = await answer(() => operator.tenants.get(unknownTenant));
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({ error: 'not_found' });
  });

  it("is the operator's alone: keys get 401 there; a control key reads its own tenant at /me, a data key may not", async () => {
    const t = await newTenant(target, `${receiver.url}/me`);
    const tenantId = t.tenant.id;
    // A key on an operator route: the SDK sends the operator's routes a bearer token only, so the key goes raw.
    const withKey = (method: string, path: string, body?: unknown) =>
      fetch(`${target.baseUrl}${path}`, {
        method,
        headers: { 'x-api-key': t.controlKey, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (res) => ({ status: res.status, error: await res.json() }));
    for (const r of [
      await withKey('GET', '/v1/tenants'),
      await withKey('GET', `/v1/tenants/${tenantId}`),
      await withKey('PATCH', `/v1/tenants/${tenantId}`, { plan: 'pro' }),
      await answer(() => sdkClient(target.baseUrl, { adminToken: 'not-the-admin-token' }).tenants.list()),
    ]) {
      expect(r.status).toBe(401);
      expect(r.error).toMatchObject({ error: 'unauthorized' });
    }
    const me = await answer(() => t.control.tenants.me());
    expect(me.status).toBe(200);
    expect(me.data).toEqual({
      id: tenantId,
      name: t.tenant.name,
      plan: 'unlimited',
      status: 'active',
      createdAt: t.tenant.createdAt,
      limits: {},
    });
    const data = await t.control.keys.create({ scope: 'data', appId: t.app.id });
    const asData = await answer(() => clientOf(target, data.key).tenants.me());
    expect(asData.status).toBe(403);
    expect(asData.error).toMatchObject({ error: 'forbidden_scope' });
    expect((await fetch(`${target.baseUrl}/v1/tenants/me`)).status).toBe(401);
  });

  it("changes a tenant's plan: its limits and its keys follow at once, a key's lower plan of its own stays", async () => {
    const t = await newTenant(target, `${receiver.url}/plan`);
    const tenantId = t.tenant.id;
    const own = await t.control.keys.create({ scope: 'control', name: 'on free', plan: 'free' });
    const changed = await answer(() => operator.tenants.update(tenantId, { plan: 'pro' }));
    expect(changed.status).toBe(200);
    expect(changed.data).toMatchObject({ id: tenantId, plan: 'pro', status: 'active', updatedAt: expect.any(String) });
    const me = await t.control.tenants.me();
    expect(me).toMatchObject({ plan: 'pro', limits: { throttle: expect.any(Object), maxKeys: expect.any(Number) } });
    const keys = (await t.control.keys.list()).items;
    expect(keys.find((k) => k.id === t.tenant.controlKey.id)!.plan).toBe('pro');
    expect(keys.find((k) => k.id === own.id)!.plan).toBe('free');

    const unknownPlan = await answer(() => operator.tenants.update(tenantId, { plan: 'gold' }));
    expect(unknownPlan.status).toBe(400);
    expect(unknownPlan.error!.message).toMatch(/unknown plan "gold"; plans are: .*pro/);
    const badStatus = await answer(() => operator.tenants.update(tenantId, { status: 'paused' as never }));
    expect(badStatus.status).toBe(400);
    const missing = await answer(() => operator.tenants.update(unknownTenant, { name: 'x' }));
    expect(missing.status).toBe(404);
  });

  itLocal('inspects the local store to see a message held while its tenant is suspended')(
    'suspends a tenant: its keys get 403 tenant_suspended, its due message waits unattempted; resumed, it is delivered once',
    async () => {
      const t = await newTenant(target, `${receiver.url}/held`);
      const tenantId = t.tenant.id;
      const data = (await t.control.keys.create({ scope: 'data', appId: t.app.id })).key;
      // Due a few seconds on: after the suspension below, which comes at once.
      const m = await t.control.messages.create({ appId: t.app.id, delaySeconds: 4, payload: { n: 1 } });
      const suspended = await operator.tenants.update(tenantId, { status: 'suspended' });
      expect(suspended).toMatchObject({ status: 'suspended' });
      const operatorView = { tenantId, keyId: 'operator', scope: 'control' as const, plan: 'unlimited' };
      const read = () => target.local!.services.messages.get(operatorView, m.id);
      expect(await read()).toMatchObject({ status: 'scheduled', attemptCount: 0 });

      for (const r of [
        await answer(() => t.control.apps.list()),
        await answer(() => t.control.messages.create({ appId: t.app.id, payload: {} })),
        await answer(() => t.control.tenants.me()),
        await answer(() => clientOf(target, data).messages.list()),
      ]) {
        expect(r.status).toBe(403);
        expect(r.error).toMatchObject({ error: 'tenant_suspended', message: expect.stringContaining(tenantId) });
      }

      // Its time comes and goes: the engine claims it and holds it back, off the timeline, no attempt made.
      const held = await eventually(async () => {
        const now = await read();
        return now.dueAt === undefined && now.status === 'scheduled' ? now : undefined;
      });
      expect(held.attemptCount).toBe(0);
      expect(receiver.on('/held')).toEqual([]);

      const resumed = await operator.tenants.update(tenantId, { status: 'active' });
      expect(resumed).toMatchObject({ status: 'active' });
      await receiver.waitFor('/held', 1);
      const delivered = await waitForStatus(t.control, m.id, 'delivered');
      expect(delivered.attemptCount).toBe(1);
      expect(receiver.on('/held')).toHaveLength(1);
      expect((await answer(() => t.control.apps.list())).status).toBe(200);
    },
  );

  it('checks the operator token before reading the body: no token and malformed JSON is 401, not 400', async () => {
    for (const [method, path] of [
      ['POST', '/v1/tenants'],
      ['PATCH', `/v1/tenants/${unknownTenant}`],
    ]) {
      const res = await fetch(`${target.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: '{"name":' });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
  });
});
