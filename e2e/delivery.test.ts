import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from './support/receiver';
import { answer } from './support/sdk';
import { newTenant, startTarget, waitForStatus, type Target } from './support/target';

describe('delivery (real server, real receiver)', () => {
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

  it('delivers once at sendAt, not early, signed so standardwebhooks verifies it, and lists the attempt', async () => {
    const t = await newTenant(target, `${receiver.url}/on-time`);
    const sendAt = new Date(Date.now() + 2_000);
    const created = await answer(() =>
      t.control.messages.create({
        appId: t.app.id,
        sendAt: sendAt.toISOString(),
        payload: { order: 42 },
        headers: { 'x-tenant-ref': 'r1' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: 'scheduled', appId: t.app.id, sendAt: sendAt.toISOString(), attemptCount: 0 });

    const [got] = await receiver.waitFor('/on-time', 1, 10_000);
    expect(got.at).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(JSON.parse(got.body)).toEqual({ order: 42 });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe(created.data!.id);
    expect(got.headers['punctual-attempt']).toBe('1');
    expect(got.headers['punctual-scheduled-at']).toBe(sendAt.toISOString());
    expect(got.headers['x-tenant-ref']).toBe('r1');
    const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(t.app.signingSecret).verify(got.body, headers)).toEqual({ order: 42 });
    expect(() => new Webhook(`whsec_${Buffer.from('not the secret').toString('base64')}`).verify(got.body, headers)).toThrow();

    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.on('/on-time')).toHaveLength(1);
    const msg = await t.control.messages.get(created.data!.id);
    expect(msg).toMatchObject({ status: 'delivered', attemptCount: 1 });
    const attempts = await t.control.messages.attempts(created.data!.id);
    expect(attempts.items).toEqual([expect.objectContaining({ attempt: 1, outcome: 'success', statusCode: 200, responseBody: 'ok' })]);
  });

  it('retries a 500 and delivers on attempt 2', async () => {
    const t = await newTenant(target, `${receiver.url}/flaky`);
    receiver.respond('/flaky', (_r, n) => (n === 1 ? { status: 500, body: 'boom' } : { status: 200 }));
    const m = await t.control.messages.create({ appId: t.app.id, payload: 'hello' });
    const got = await receiver.waitFor('/flaky', 2);
    expect(got.map((r) => r.headers['punctual-attempt'])).toEqual(['1', '2']);
    expect(got[0].headers['webhook-id']).toBe(got[1].headers['webhook-id']);
    expect(got[1].body).toBe('hello');
    const final = await waitForStatus(t.control, m.id, 'delivered');
    expect(final.attemptCount).toBe(2);
    const attempts = await t.control.messages.attempts(m.id);
    expect(attempts.items.map((a) => [a.outcome, a.statusCode])).toEqual([
      ['retry', 500],
      ['success', 200],
    ]);
    expect(attempts.items[0].responseBody).toBe('boom');
  });

  it('fails permanently on a 400 after one attempt, and a redrive delivers it', async () => {
    const t = await newTenant(target, `${receiver.url}/reject`);
    let accept = false;
    receiver.respond('/reject', () => (accept ? { status: 204 } : { status: 400, body: 'bad' }));
    const m = await t.control.messages.create({ appId: t.app.id, payload: { a: 1 } });
    const failed = await waitForStatus(t.control, m.id, 'failed');
    expect(failed).toMatchObject({ attemptCount: 1, lastError: expect.stringContaining('400') });
    expect(receiver.on('/reject')).toHaveLength(1);

    accept = true;
    const redriven = await answer(() => t.control.messages.redrive(m.id));
    expect(redriven.status).toBe(200);
    expect(redriven.data!.status).toBe('scheduled');
    const delivered = await waitForStatus(t.control, m.id, 'delivered');
    expect(delivered.attemptCount).toBe(2);
    expect(receiver.on('/reject').map((r) => r.headers['punctual-attempt'])).toEqual(['1', '2']);
  });

  it('honours Retry-After on a 429', async () => {
    const t = await newTenant(target, `${receiver.url}/slow-down`);
    receiver.respond('/slow-down', (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    await t.control.messages.create({ appId: t.app.id, payload: {} });
    const [first, second] = await receiver.waitFor('/slow-down', 2);
    // The app's backoff is at most 200 ms; only Retry-After explains a gap of a second.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up after maxAttempts of retryable failures', async () => {
    const t = await newTenant(target, `${receiver.url}/down`);
    receiver.respond('/down', () => ({ status: 503 }));
    const m = await t.control.messages.create({ appId: t.app.id, payload: {}, retryPolicy: { maxAttempts: 2 } });
    const failed = await waitForStatus(t.control, m.id, 'failed');
    expect(failed.attemptCount).toBe(2);
    expect(failed.lastError).toMatch(/gave up after 2 attempts/);
  });
});
