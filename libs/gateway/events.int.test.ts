import { apiGatewayEvent } from './handlers';
import { routeOf } from '../http/routes';
import type { ApiContext } from '../http/api';
import { handler as lambdaHandler } from '../../functions/api/events/stream/handler';
import { type LocalServer, startLocalServer } from '../../test/support/local-server';
import { type Receiver, startReceiver } from '../../test/support/receiver';
import { openEvents, type SseStream } from '../../test/support/sse';
import { eventually } from '../../test/support/eventually';

// Deliveries over a real server on a busy 2-core machine: a bound on waiting, not a timing assertion.
jest.setTimeout(30_000);

/** GET /v1/events over the real embedded server: isolation, data keys, resumption, heartbeat, revocation; and the Lambda's 501. */
describe('GET /v1/events', () => {
  let server: LocalServer;
  let receiver: Receiver;
  const open: SseStream[] = [];
  const stream = async (key: string | undefined, lastEventId?: string) => {
    const s = await openEvents(server.url, key, lastEventId);
    open.push(s);
    return s;
  };
  const call = async <T>(key: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const tenant = async (name: string) => {
    const res = await fetch(`${server.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, plan: 'unlimited' }),
    });
    const key = ((await res.json()) as { controlKey: { key: string } }).controlKey.key;
    const app = (path: string) =>
      call<{ id: string }>(key, 'POST', '/v1/apps', { name: path, target: { type: 'http', url: `${receiver.url}${path}` } });
    return { key, app };
  };
  const send = (key: string, appId: string, delaySeconds = 0) =>
    call<{ id: string }>(key, 'POST', '/v1/messages', { appId, delaySeconds, payload: { secret: 'never in an event' } });

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startLocalServer('punctual-events', {}, { streams: { heartbeatMs: 100 } });
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("streams a tenant's message events with ids and new states, and nothing of another tenant's", async () => {
    const a = await tenant('a');
    const b = await tenant('b');
    const appA = await a.app('/a');
    const appB = await b.app('/b');
    const streamA = await stream(a.key);
    const streamB = await stream(b.key);
    expect(streamA.status).toBe(200);
    expect(streamA.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const mA = await send(a.key, appA.id);
    await streamA.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === mA.id);
    const mB = await send(b.key, appB.id);
    await streamB.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === mB.id);
    const ofA = streamA.events.filter((e) => e.data.messageId === mA.id);
    expect(ofA.map((e) => e.event)).toEqual(['message.created', 'attempt', 'message.delivered']);
    expect(ofA[0].data).toEqual({ appId: appA.id, messageId: mA.id, status: 'scheduled', sendAt: expect.any(String) });
    expect(ofA[1].data).toMatchObject({ appId: appA.id, status: 'delivered', attempt: 1, outcome: 'success', statusCode: 200 });
    const ids = streamA.events.map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(streamA.events)).not.toContain('never in an event');
    // Tenant B saw its own message, and never tenant A's.
    expect(streamB.events.some((e) => e.data.messageId === mA.id || e.data.appId === appA.id)).toBe(false);
    expect(streamA.events.some((e) => e.data.messageId === mB.id || e.data.appId === appB.id)).toBe(false);
  });

  it("shows a data key its app's events only", async () => {
    const t = await tenant('c');
    const mine = await t.app('/mine');
    const other = await t.app('/other');
    const dataKey = (await call<{ key: string }>(t.key, 'POST', '/v1/keys', { scope: 'data', appId: mine.id })).key;
    const data = await stream(dataKey);
    const control = await stream(t.key);
    const o = await send(t.key, other.id);
    const m = await send(t.key, mine.id);
    await control.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === o.id);
    await data.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === m.id);
    await control.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === m.id);
    expect(data.events.every((e) => e.data.appId === mine.id)).toBe(true);
    expect(data.events.some((e) => e.data.messageId === o.id)).toBe(false);
  });

  it('resumes after Last-Event-ID with what happened meanwhile, and asks for a reload when it cannot', async () => {
    const t = await tenant('d');
    const app = await t.app('/d');
    const first = await stream(t.key);
    const later = await send(t.key, app.id, 3_600);
    const seen = await first.waitFor((e) => e.event === 'message.created' && e.data.messageId === later.id);
    first.close();
    // Meanwhile: an abort and a new delivery.
    await call(t.key, 'POST', `/v1/messages/${later.id}/abort`);
    const now = await send(t.key, app.id);
    await receiver.waitFor('/d', 1);
    await eventually(async () => (await call<{ status: string }>(t.key, 'GET', `/v1/messages/${now.id}`)).status === 'delivered');
    const resumed = await stream(t.key, seen.id);
    await resumed.waitFor((e) => e.event === 'message.delivered' && e.data.messageId === now.id);
    expect(resumed.events.map((e) => [e.event, e.data.messageId])).toEqual([
      ['message.aborted', later.id],
      ['message.created', now.id],
      ['attempt', now.id],
      ['message.delivered', now.id],
    ]);
    expect(resumed.events.every((e) => Number(e.id) > Number(seen.id))).toBe(true);
    for (const stale of ['1', 'not-an-id']) {
      const reset = await stream(t.key, stale);
      await reset.waitFor((e) => e.event === 'reset');
    }
  });

  it('sends a comment heartbeat on an idle stream', async () => {
    const t = await tenant('e');
    const s = await stream(t.key);
    await eventually(() => s.comments.includes('keep-alive'));
  });

  it('ends the streams of a key when it is revoked', async () => {
    const t = await tenant('f');
    const key = await call<{ id: string; key: string }>(t.key, 'POST', '/v1/keys', { scope: 'control' });
    const s = await stream(key.key);
    await call(t.key, 'DELETE', `/v1/keys/${key.id}`);
    await eventually(() => s.ended);
    expect((await stream(key.key)).status).toBe(401);
  });

  it('needs a key', async () => {
    const s = await stream(undefined);
    expect(s.status).toBe(401);
  });

  it('answers 501 not_implemented as a Lambda (REST API Gateway holds no stream)', async () => {
    const t = await tenant('g');
    const me = (await server.runtime.services.keys.authenticate(t.key))!;
    const event = apiGatewayEvent({
      route: routeOf('streamEvents'),
      path: '/v1/events',
      headers: {},
      query: null,
      params: null,
      body: null,
      requestId: 'r1',
      apiKeyId: me.id,
      sourceIp: '127.0.0.1',
    });
    const result = await lambdaHandler(event, { punctual: server.runtime.services } as unknown as ApiContext);
    expect(result.statusCode).toBe(501);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'not_implemented', message: expect.stringContaining('GET /v1/messages') });
  });
});
