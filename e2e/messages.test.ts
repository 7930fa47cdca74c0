import { startReceiver, type Receiver } from './support/receiver';
import { answer } from './support/sdk';
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
    const m = await t.control.messages.create({ appId: t.app.id, delaySeconds: 1, payload: {} });
    const aborted = await answer(() => t.control.messages.abort(m.id));
    expect(aborted.status).toBe(200);
    expect(aborted.data).toMatchObject({ status: 'aborted', abortedAt: expect.any(String) });
    // A witness due after it proves the engine ran past the aborted message's time.
    const witness = await t.control.messages.create({ appId: t.app.id, delaySeconds: 2, payload: {} });
    await waitForStatus(t.control, witness.id, 'delivered');
    expect(receiver.on('/aborted').map((r) => r.headers['webhook-id'])).toEqual([witness.id]);
  });

  it('refuses to abort a delivered message with 409 conflict', async () => {
    const t = await newTenant(target, `${receiver.url}/done`);
    const m = await t.control.messages.create({ appId: t.app.id, payload: {} });
    await waitForStatus(t.control, m.id, 'delivered');
    const res = await answer(() => t.control.messages.abort(m.id));
    expect(res.status).toBe(409);
    expect(res.error).toMatchObject({ error: 'conflict', message: expect.stringContaining('delivered') });
    const redrive = await answer(() => t.control.messages.redrive(m.id));
    expect(redrive.status).toBe(409);
  });

  it('returns the original message for a repeated idempotencyKey', async () => {
    const t = await newTenant(target, `${receiver.url}/idem`);
    const body = { appId: t.app.id, delaySeconds: 60, payload: { n: 1 }, idempotencyKey: 'order-7' };
    const first = await answer(() => t.control.messages.create(body));
    const second = await answer(() => t.control.messages.create({ ...body, payload: { n: 2 } }));
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.data!.id).toBe(first.data!.id);
    expect(second.data!.payload).toEqual({ n: 1 });
    const list = await t.control.messages.list({ appId: t.app.id });
    expect(list.items).toHaveLength(1);
  });

  it('answers a batch item by item', async () => {
    const t = await newTenant(target, `${receiver.url}/batch`);
    const res = await answer(() =>
      t.control.messages.batch([
        { appId: t.app.id, delaySeconds: 60, payload: { i: 0 } },
        { appId: t.app.id, sendAt: 'tomorrow', payload: { i: 1 } },
        { appId: t.app.id, delaySeconds: 60, payload: { i: 2 }, idempotencyKey: 'b' },
        { appId: 'app_2JQvbRmD6dO5fNPVfjDtUw0ahbe', payload: {} },
        { appId: t.app.id, delaySeconds: 60, payload: { i: 4 }, idempotencyKey: 'b' },
      ]),
    );
    expect(res.status).toBe(200);
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
    const tooMany = await answer(() => t.control.messages.batch(Array.from({ length: 101 }, () => ({ appId: t.app.id, payload: 1 }))));
    expect(tooMany.status).toBe(400);
  });

  it('lists newest first with filters and a cursor', async () => {
    const t = await newTenant(target, `${receiver.url}/list`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await t.control.messages.create({ appId: t.app.id, delaySeconds: 600, payload: { i } });
      ids.push(m.id);
    }
    await t.control.messages.abort(ids[0]);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of t.control.messages.list({ appId: t.app.id, limit: 2 }).pages()) {
      pages++;
      seen.push(...page.items.map((m) => m.id));
    }
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
    expect(pages).toBe(3);
    const aborted = await t.control.messages.list({ status: 'aborted' });
    expect(aborted.items.map((m) => m.id)).toEqual([ids[0]]);
  });
});
