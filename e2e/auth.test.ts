import { startReceiver, type Receiver } from './support/receiver';
import { answer, sdkClient } from './support/sdk';
import { clientOf, newTenant, operatorOf, startTarget, type Target } from './support/target';

describe('authentication and tenant isolation (real server)', () => {
  let target: Target;
  let receiver: Receiver;
  let A: Awaited<ReturnType<typeof newTenant>>;
  let B: Awaited<ReturnType<typeof newTenant>>;
  let messageA: string;
  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
    A = await newTenant(target, `${receiver.url}/a`);
    B = await newTenant(target, `${receiver.url}/b`);
    messageA = (await A.control.messages.create({ appId: A.app.id, delaySeconds: 600, payload: { secret: 'of A' } })).id;
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it("answers 404 to tenant B's key on tenant A's app and message ids, revealing nothing", async () => {
    const responses = [
      await answer(() => B.control.apps.get(A.app.id)),
      await answer(() => B.control.apps.update(A.app.id, { name: 'x' })),
      await answer(() => B.control.apps.delete(A.app.id)),
      await answer(() => B.control.apps.rotateSecret(A.app.id)),
      await answer(() => B.control.messages.get(messageA)),
      await answer(() => B.control.messages.attempts(messageA)),
      await answer(() => B.control.messages.abort(messageA)),
      await answer(() => B.control.messages.create({ appId: A.app.id, payload: {} })),
    ];
    for (const r of responses) {
      expect(r.status).toBe(404);
      expect(r.error).toMatchObject({ error: 'not_found' });
      expect(JSON.stringify(r.error)).not.toContain('of A');
    }
    const list = await B.control.messages.list();
    expect(list.items).toEqual([]);
    const still = await A.control.messages.get(messageA);
    expect(still.status).toBe('scheduled');
  });

  it('confines a data key to its app: 403 forbidden_scope elsewhere and on control routes', async () => {
    const other = await A.control.apps.create({ name: 'other', target: { type: 'http', url: `${receiver.url}/o` } });
    const key = await answer(() => A.control.keys.create({ scope: 'data', appId: other.id, name: 'other-only' }));
    expect(key.status).toBe(201);
    const data = clientOf(target, key.data!.key);
    const own = await answer(() => data.messages.create({ delaySeconds: 600, payload: {} }));
    expect(own.status).toBe(201);
    expect(own.data!.appId).toBe(other.id);
    for (const r of [
      await answer(() => data.messages.get(messageA)),
      await answer(() => data.messages.create({ appId: A.app.id, payload: {} })),
      await answer(() => data.keys.list()),
      await answer(() => data.keys.create({ scope: 'control' })),
      await answer(() => data.apps.list()),
    ]) {
      expect(r.status).toBe(403);
      expect(r.error).toMatchObject({ error: 'forbidden_scope' });
    }
  });

  it('answers 401 without a key, with an unknown key, and with a revoked key at once', async () => {
    // The SDK sends no x-api-key when it has none: a raw call is how to send none at all.
    expect((await fetch(`${target.baseUrl}/v1/apps`)).status).toBe(401);
    const unknown = clientOf(target, 'pk_nope');
    const r = await answer(() => unknown.apps.list());
    expect(r.status).toBe(401);
    expect(r.error).toMatchObject({ error: 'unauthorized' });

    const key = await A.control.keys.create({ scope: 'control', name: 'temp' });
    const temp = clientOf(target, key.key);
    expect((await answer(() => temp.apps.list())).status).toBe(200);
    expect((await answer(() => A.control.keys.revoke(key.id))).status).toBe(204);
    expect((await answer(() => temp.apps.list())).status).toBe(401);
    const listed = await A.control.keys.list();
    const revoked = listed.items.find((k) => k.id === key.id)!;
    expect(revoked.revokedAt).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect(JSON.stringify(listed)).not.toMatch(/hash/);
  });

  it("stops an app's data keys with it: deleting the app revokes them at once", async () => {
    const app = await A.control.apps.create({ name: 'short-lived', target: { type: 'http', url: `${receiver.url}/d` } });
    const key = await A.control.keys.create({ scope: 'data', appId: app.id });
    const data = clientOf(target, key.key);
    expect((await answer(() => data.messages.list())).status).toBe(200);
    expect((await answer(() => A.control.apps.delete(app.id))).status).toBe(204);
    const refused = await answer(() => data.messages.list());
    expect(refused.status).toBe(401);
    expect(refused.error).toMatchObject({ error: 'unauthorized' });
    expect((await answer(() => data.messages.create({ payload: {} }))).status).toBe(401);
    const listed = (await A.control.keys.list({ limit: 100 })).items;
    expect(listed.find((k) => k.id === key.id)!.revokedAt).toBeDefined();
    // The tenant's other keys are untouched.
    expect((await answer(() => A.control.apps.list())).status).toBe(200);
  });

  it('creates tenants only with the admin token', async () => {
    // The SDK refuses to send tenants.create without a token; a raw call sends none.
    const anon = await fetch(`${target.baseUrl}/v1/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(anon.status).toBe(401);
    const wrong = sdkClient(target.baseUrl, { adminToken: 'not-the-admin-token' });
    expect((await answer(() => wrong.tenants.create({ name: 'x' }))).status).toBe(401);
    const bad = await answer(() => operatorOf(target).tenants.create({ name: 'x', plan: 'platinum' }));
    expect(bad.status).toBe(400);
    expect(bad.error!.message).toMatch(/free, trial, pro, unlimited/);
  });

  it('never returns app header values or the signing secret after creation', async () => {
    const app = await A.control.apps.create({
      name: 'with-secret',
      target: { type: 'http', url: `${receiver.url}/s`, headers: { authorization: 'Bearer sup3rs3cret' } },
    });
    expect(app.signingSecret).toMatch(/^whsec_/);
    const read = await A.control.apps.get(app.id);
    const list = await A.control.apps.list();
    for (const body of [read, list]) {
      expect(JSON.stringify(body)).not.toContain('sup3rs3cret');
      expect(JSON.stringify(body)).not.toContain(app.signingSecret);
    }
    expect(read.target).toMatchObject({ type: 'http', headerNames: ['authorization'], headers: { authorization: '***' } });
    const rotated = await A.control.apps.rotateSecret(app.id);
    expect(rotated.signingSecret).not.toBe(app.signingSecret);
  });
});
