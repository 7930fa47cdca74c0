import { startReceiver, type Receiver } from './support/receiver';
import { newTenant, startTarget, waitForStatus, type Target } from './support/target';

describe('messages API (real server)', () => {
  let target: Target;
  let receiver: Receiver;
  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it('never delivers a message aborted before it was due', async () => {
    const t = await newTenant(target, `${receiver.url}/aborted`);
    const m = await t.control.POST('/v1/messages', { body: { appId: t.app.id, delaySeconds: 1, payload: {} } });
    const aborted = await t.control.POST('/v1/messages/{messageId}/abort', { params: { path: { messageId: m.data!.id } } });
    expect(aborted.response.status).toBe(200);
    expect(aborted.data).toMatchObject({ status: 'aborted', abortedAt: expect.any(String) });
    // A witness due after it proves the engine ran past the aborted message's time.
    const witness = await t.control.POST('/v1/messages', { body: { appId: t.app.id, delaySeconds: 2, payload: {} } });
    await waitForStatus(t.control, witness.data!.id, 'delivered');
    expect(receiver.on('/aborted').map((r) => r.headers['webhook-id'])).toEqual([witness.data!.id]);
  });

  it('refuses to abort a delivered message with 409 conflict', async () => {
    const t = await newTenant(target, `${receiver.url}/done`);
    const m = await t.control.POST('/v1/messages', { body: { appId: t.app.id, payload: {} } });
    await waitForStatus(t.control, m.data!.id, 'delivered');
    const res = await t.control.POST('/v1/messages/{messageId}/abort', { params: { path: { messageId: m.data!.id } } });
    expect(res.response.status).toBe(409);
    expect(res.error).toMatchObject({ error: 'conflict', message: expect.stringContaining('delivered') });
    const redrive = await t.control.POST('/v1/messages/{messageId}/redrive', { params: { path: { messageId: m.data!.id } } });
    expect(redrive.response.status).toBe(409);
  });

  it('returns the original message for a repeated idempotencyKey', async () => {
    const t = await newTenant(target, `${receiver.url}/idem`);
    const body = { appId: t.app.id, delaySeconds: 60, payload: { n: 1 }, idempotencyKey: 'order-7' };
    const first = await t.control.POST('/v1/messages', { body });
    const second = await t.control.POST('/v1/messages', { body: { ...body, payload: { n: 2 } } });
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(200);
    expect(second.data!.id).toBe(first.data!.id);
    expect(second.data!.payload).toEqual({ n: 1 });
    const list = await t.control.GET('/v1/messages', { params: { query: { appId: t.app.id } } });
    expect(list.data!.items).toHaveLength(1);
  });

  it('answers a batch item by item', async () => {
    const t = await newTenant(target, `${receiver.url}/batch`);
    const res = await t.control.POST('/v1/messages/batch', {
      body: {
        items: [
          { appId: t.app.id, delaySeconds: 60, payload: { i: 0 } },
          { appId: t.app.id, sendAt: 'tomorrow', payload: { i: 1 } },
          { appId: t.app.id, delaySeconds: 60, payload: { i: 2 }, idempotencyKey: 'b' },
          { appId: 'app_2JQvbRmD6dO5fNPVfjDtUw0ahbe', payload: {} },
          { appId: t.app.id, delaySeconds: 60, payload: { i: 4 }, idempotencyKey: 'b' },
        ] as never,
      },
    });
    expect(res.response.status).toBe(200);
    const items = res.data!.items;
    expect(items.map((i) => [i.index, i.status])).toEqual([
      [0, 201],
      [1, 400],
      [2, 201],
      [3, 404],
      [4, 200],
    ]);
    expect(items[1].error).toMatchObject({ error: 'invalid_request', details: [expect.objectContaining({ path: 'items.1.sendAt' })] });
    expect(items[3].error).toMatchObject({ error: 'not_found' });
    expect(items[4].message!.id).toBe(items[2].message!.id);
    const tooMany = await t.control.POST('/v1/messages/batch', {
      body: { items: Array.from({ length: 101 }, () => ({ appId: t.app.id, payload: 1 })) },
    });
    expect(tooMany.response.status).toBe(400);
  });

  it('lists newest first with filters and a cursor', async () => {
    const t = await newTenant(target, `${receiver.url}/list`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await t.control.POST('/v1/messages', { body: { appId: t.app.id, delaySeconds: 600, payload: { i } } });
      ids.push(m.data!.id);
    }
    await t.control.POST('/v1/messages/{messageId}/abort', { params: { path: { messageId: ids[0] } } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.control.GET('/v1/messages', { params: { query: { appId: t.app.id, limit: 2, ...(cursor ? { cursor } : {}) } } });
      seen.push(...page.data!.items.map((m) => m.id));
      cursor = page.data!.nextCursor;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
    const aborted = await t.control.GET('/v1/messages', { params: { query: { status: 'aborted' } } });
    expect(aborted.data!.items.map((m) => m.id)).toEqual([ids[0]]);
  });
});
