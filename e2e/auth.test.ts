import { createPunctualClient } from './client/client';
import { startReceiver, type Receiver } from './support/receiver';
import { newTenant, startTarget, type Target } from './support/target';

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
    messageA = (await A.control.POST('/v1/messages', { body: { appId: A.app.id, delaySeconds: 600, payload: { secret: 'of A' } } })).data!
      .id;
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it("answers 404 to tenant B's key on tenant A's app and message ids, revealing nothing", async () => {
    const responses = [
      await B.control.GET('/v1/apps/{appId}', { params: { path: { appId: A.app.id } } }),
      await B.control.PATCH('/v1/apps/{appId}', { params: { path: { appId: A.app.id } }, body: { name: 'x' } }),
      await B.control.DELETE('/v1/apps/{appId}', { params: { path: { appId: A.app.id } } }),
      await B.control.POST('/v1/apps/{appId}/rotate-secret', { params: { path: { appId: A.app.id } } }),
      await B.control.GET('/v1/messages/{messageId}', { params: { path: { messageId: messageA } } }),
      await B.control.GET('/v1/messages/{messageId}/attempts', { params: { path: { messageId: messageA } } }),
      await B.control.POST('/v1/messages/{messageId}/abort', { params: { path: { messageId: messageA } } }),
      await B.control.POST('/v1/messages', { body: { appId: A.app.id, payload: {} } }),
    ];
    for (const r of responses) {
      expect(r.response.status).toBe(404);
      expect(r.error).toMatchObject({ error: 'not_found' });
      expect(JSON.stringify(r.error)).not.toContain('of A');
    }
    const list = await B.control.GET('/v1/messages', {});
    expect(list.data!.items).toEqual([]);
    const still = await A.control.GET('/v1/messages/{messageId}', { params: { path: { messageId: messageA } } });
    expect(still.data!.status).toBe('scheduled');
  });

  it('confines a data key to its app: 403 forbidden_scope elsewhere and on control routes', async () => {
    const other = await A.control.POST('/v1/apps', { body: { name: 'other', target: { type: 'http', url: `${receiver.url}/o` } } });
    const key = await A.control.POST('/v1/keys', { body: { scope: 'data', appId: other.data!.id, name: 'other-only' } });
    expect(key.response.status).toBe(201);
    const data = createPunctualClient({ baseUrl: target.baseUrl, apiKey: key.data!.key });
    const own = await data.POST('/v1/messages', { body: { delaySeconds: 600, payload: {} } });
    expect(own.response.status).toBe(201);
    expect(own.data!.appId).toBe(other.data!.id);
    for (const r of [
      await data.GET('/v1/messages/{messageId}', { params: { path: { messageId: messageA } } }),
      await data.POST('/v1/messages', { body: { appId: A.app.id, payload: {} } }),
      await data.GET('/v1/keys', {}),
      await data.POST('/v1/keys', { body: { scope: 'control' } }),
      await data.GET('/v1/apps', {}),
    ]) {
      expect(r.response.status).toBe(403);
      expect(r.error).toMatchObject({ error: 'forbidden_scope' });
    }
  });

  it('answers 401 without a key, with an unknown key, and with a revoked key at once', async () => {
    const anon = createPunctualClient({ baseUrl: target.baseUrl });
    expect((await anon.GET('/v1/apps', {})).response.status).toBe(401);
    const unknown = createPunctualClient({ baseUrl: target.baseUrl, apiKey: 'pk_nope' });
    const r = await unknown.GET('/v1/apps', {});
    expect(r.response.status).toBe(401);
    expect(r.error).toMatchObject({ error: 'unauthorized' });

    const key = await A.control.POST('/v1/keys', { body: { scope: 'control', name: 'temp' } });
    const temp = createPunctualClient({ baseUrl: target.baseUrl, apiKey: key.data!.key });
    expect((await temp.GET('/v1/apps', {})).response.status).toBe(200);
    expect((await A.control.DELETE('/v1/keys/{keyId}', { params: { path: { keyId: key.data!.id } } })).response.status).toBe(204);
    expect((await temp.GET('/v1/apps', {})).response.status).toBe(401);
    const listed = await A.control.GET('/v1/keys', {});
    const revoked = listed.data!.items.find((k) => k.id === key.data!.id)!;
    expect(revoked.revokedAt).toBeDefined();
    expect(JSON.stringify(listed.data)).not.toContain(key.data!.key);
    expect(JSON.stringify(listed.data)).not.toMatch(/hash/);
  });

  it("stops an app's data keys with it: deleting the app revokes them at once", async () => {
    const app = await A.control.POST('/v1/apps', { body: { name: 'short-lived', target: { type: 'http', url: `${receiver.url}/d` } } });
    const key = await A.control.POST('/v1/keys', { body: { scope: 'data', appId: app.data!.id } });
    const data = createPunctualClient({ baseUrl: target.baseUrl, apiKey: key.data!.key });
    expect((await data.GET('/v1/messages', {})).response.status).toBe(200);
    expect((await A.control.DELETE('/v1/apps/{appId}', { params: { path: { appId: app.data!.id } } })).response.status).toBe(204);
    const refused = await data.GET('/v1/messages', {});
    expect(refused.response.status).toBe(401);
    expect(refused.error).toMatchObject({ error: 'unauthorized' });
    expect((await data.POST('/v1/messages', { body: { payload: {} } })).response.status).toBe(401);
    const listed = (await A.control.GET('/v1/keys', { params: { query: { limit: 100 } } })).data!.items;
    expect(listed.find((k) => k.id === key.data!.id)!.revokedAt).toBeDefined();
    // The tenant's other keys are untouched.
    expect((await A.control.GET('/v1/apps', {})).response.status).toBe(200);
  });

  it('creates tenants only with the admin token', async () => {
    const anon = createPunctualClient({ baseUrl: target.baseUrl });
    expect((await anon.POST('/v1/tenants', { body: { name: 'x' } })).response.status).toBe(401);
    const wrong = createPunctualClient({ baseUrl: target.baseUrl, adminToken: 'not-the-admin-token' });
    expect((await wrong.POST('/v1/tenants', { body: { name: 'x' } })).response.status).toBe(401);
    const op = createPunctualClient({ baseUrl: target.baseUrl, adminToken: target.adminToken });
    const bad = await op.POST('/v1/tenants', { body: { name: 'x', plan: 'platinum' } });
    expect(bad.response.status).toBe(400);
    expect(bad.error!.message).toMatch(/free, trial, pro, unlimited/);
  });

  it('never returns app header values or the signing secret after creation', async () => {
    const app = await A.control.POST('/v1/apps', {
      body: { name: 'with-secret', target: { type: 'http', url: `${receiver.url}/s`, headers: { authorization: 'Bearer sup3rs3cret' } } },
    });
    expect(app.data!.signingSecret).toMatch(/^whsec_/);
    const read = await A.control.GET('/v1/apps/{appId}', { params: { path: { appId: app.data!.id } } });
    const list = await A.control.GET('/v1/apps', {});
    for (const body of [read.data, list.data]) {
      expect(JSON.stringify(body)).not.toContain('sup3rs3cret');
      expect(JSON.stringify(body)).not.toContain(app.data!.signingSecret);
    }
    expect(read.data!.target).toMatchObject({ type: 'http', headerNames: ['authorization'], headers: { authorization: '***' } });
    const rotated = await A.control.POST('/v1/apps/{appId}/rotate-secret', { params: { path: { appId: app.data!.id } } });
    expect(rotated.data!.signingSecret).not.toBe(app.data!.signingSecret);
  });
});
