import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LiveEvent, Punctual, PunctualError } from '@punctual/sdk';

/**
 * Timeouts, retries and errors against a real HTTP server on 127.0.0.1 that answers as scripted per request:
 * the failures punctual itself does not produce on demand (503, a reset socket, a hang, a proxy's HTML page).
 */
type Script = (n: number, req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let script: Script;
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      script(seen.length, req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const message = { id: 'msg_1', appId: 'app_1', status: 'scheduled', sendAt: '2026-12-01T09:00:00.000Z', payload: 1, attemptCount: 0 };
const unavailable = { error: 'internal', message: 'try later' };
/** Answers 503 to the first `failures` requests, then `ok`. */
const failThen =
  (failures: number, ok: (res: ServerResponse) => void): Script =>
  (n, _req, res) =>
    n <= failures ? json(res, 503, unavailable) : ok(res);

const client = (options: Partial<ConstructorParameters<typeof Punctual>[0]> = {}) =>
  new Punctual({ baseUrl, apiKey: 'pk_test', retryBaseDelayMs: 1, retryMaxDelayMs: 20, ...options });

describe('Punctual transport', () => {
  describe('requests', () => {
    it('sends the key, JSON, the query without undefined values, and encodes ids in paths', async () => {
      script = (_n, _req, res) => json(res, 200, { items: [] });
      await client().messages.list({ status: 'failed', appId: undefined, limit: 5 });
      await client().messages.get('msg/../x');
      expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/messages?status=failed&limit=5' });
      expect(seen[0].headers).toMatchObject({ 'x-api-key': 'pk_test', accept: 'application/json' });
      expect(seen[1].url).toBe('/v1/messages/msg%2F..%2Fx');
    });

    it('keeps a base URL path (an API Gateway stage) and drops its trailing slash', async () => {
      script = (_n, _req, res) => json(res, 200, message);
      await new Punctual({ baseUrl: `${baseUrl}/prod/`, apiKey: 'k' }).messages.get('msg_1');
      expect(seen[0].url).toBe('/prod/v1/messages/msg_1');
    });

    it('resolves a 204 with undefined', async () => {
      script = (_n, _req, res) => res.writeHead(204).end();
      await expect(client().keys.revoke('key_1')).resolves.toBeUndefined();
      expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/v1/keys/key_1', body: '' });
    });

    it('refuses a call whose credential the client lacks, before sending anything', async () => {
      script = (_n, _req, res) => json(res, 200, {});
      await expect(new Punctual({ baseUrl, apiKey: 'k' }).tenants.create({ name: 'x' })).rejects.toThrow(/needs the client's adminToken/);
      await expect(new Punctual({ baseUrl, adminToken: 't' }).messages.get('m')).rejects.toThrow(/needs the client's apiKey/);
      expect(seen).toEqual([]);
      expect(() => new Punctual({ baseUrl: '127.0.0.1:3000' })).toThrow(/absolute URL/);
    });
  });

  describe('errors', () => {
    it("carry the API's status, code, message, details and request id", async () => {
      const details = [{ path: 'sendAt', issue: 'invalid date-time' }];
      script = (_n, _req, res) => json(res, 400, { error: 'invalid_request', message: 'bad sendAt', details }, { 'x-request-id': 'req-7' });
      const err: PunctualError = await client()
        .messages.create({ appId: 'a', payload: 1 })
        .catch((e) => e);
      expect(err).toBeInstanceOf(PunctualError);
      expect(err).toMatchObject({
        name: 'PunctualError',
        status: 400,
        code: 'invalid_request',
        message: 'bad sendAt',
        details,
        requestId: 'req-7',
      });
      expect(seen).toHaveLength(1);
    });

    it('report an answer that is not the API JSON as unexpected_response, with the status', async () => {
      script = (_n, _req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<html>Forbidden</html>');
      await expect(client().messages.get('m')).rejects.toMatchObject({
        status: 403,
        code: 'unexpected_response',
        message: expect.stringContaining('<html>'),
      });
    });
  });

  describe('retries', () => {
    it('retries a read after 5xx and answers with the success', async () => {
      script = failThen(2, (res) => json(res, 200, message));
      await expect(client().messages.get('msg_1')).resolves.toEqual(message);
      expect(seen).toHaveLength(3);
    });

    it('stops after `retries` and throws the last error', async () => {
      script = failThen(99, () => {});
      await expect(client({ retries: 1 }).schedules.get('s')).rejects.toMatchObject({ status: 503, code: 'internal' });
      expect(seen).toHaveLength(2);
    });

    it('retries a message create with the same Idempotency-Key header, generated when not given', async () => {
      script = failThen(1, (res) => json(res, 201, message));
      await client().messages.create({ appId: 'app_1', payload: 1 });
      const keys = seen.map((s) => s.headers['idempotency-key']);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(keys[1]).toBe(keys[0]);
      expect(JSON.parse(seen[0].body)).not.toHaveProperty('idempotencyKey');

      seen = [];
      await client().messages.create({ appId: 'app_1', payload: 1, idempotencyKey: 'order-42' });
      expect(seen.map((s) => s.headers['idempotency-key'])).toEqual(['order-42', 'order-42']);
    });

    it('gives a batch one Idempotency-Key (items keep their own) and retries it; with one item told `false`, never', async () => {
      script = failThen(1, (res) => json(res, 200, { items: [] }));
      await client().messages.batch([
        { appId: 'a', payload: 1 },
        { appId: 'a', payload: 2, idempotencyKey: 'k2' },
      ]);
      expect(seen).toHaveLength(2);
      expect(seen[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(seen[1].headers['idempotency-key']).toBe(seen[0].headers['idempotency-key']);
      const items = JSON.parse(seen[1].body).items;
      expect(items[0]).not.toHaveProperty('idempotencyKey');
      expect(items[1].idempotencyKey).toBe('k2');

      seen = [];
      await client().messages.batch([{ appId: 'a', payload: 1 }], { idempotencyKey: 'nightly-2026-12-07' });
      expect(seen.map((s) => s.headers['idempotency-key'])).toEqual(['nightly-2026-12-07', 'nightly-2026-12-07']);

      seen = [];
      await expect(
        client().messages.batch([
          { appId: 'a', payload: 1 },
          { appId: 'a', payload: 2, idempotencyKey: false },
        ]),
      ).rejects.toMatchObject({
        status: 503,
      });
      expect(seen).toHaveLength(1);
      expect(seen[0].headers).not.toHaveProperty('idempotency-key');
      expect(JSON.parse(seen[0].body).items[1]).not.toHaveProperty('idempotencyKey');
    });

    it('never retries a create without an idempotency key, nor other writes', async () => {
      script = failThen(99, () => {});
      const p = client();
      await expect(p.messages.create({ appId: 'a', payload: 1, idempotencyKey: false })).rejects.toMatchObject({ status: 503 });
      expect(JSON.parse(seen[0].body)).not.toHaveProperty('idempotencyKey');
      expect(seen[0].headers).not.toHaveProperty('idempotency-key');
      await expect(p.schedules.create({ appId: 'a', name: 'n', expression: 'rate(1 hour)', payload: 1 })).rejects.toMatchObject({
        status: 503,
      });
      await expect(p.messages.abort('m')).rejects.toMatchObject({ status: 503 });
      await expect(p.apps.delete('a')).rejects.toMatchObject({ status: 503 });
      expect(seen).toHaveLength(4);
    });

    it('does not retry a 4xx other than 408 and 429', async () => {
      script = (_n, _req, res) => json(res, 409, { error: 'conflict', message: 'no' });
      await expect(client().messages.get('m')).rejects.toMatchObject({ status: 409, code: 'conflict' });
      expect(seen).toHaveLength(1);
    });

    it('honours a 429 Retry-After within retryMaxDelayMs, and fails at once with retryAfter when it is longer', async () => {
      script = (n, _req, res) =>
        n === 1 ? json(res, 429, { error: 'rate_limited', message: 'slow down' }, { 'retry-after': '0' }) : json(res, 200, message);
      await expect(client().messages.get('m')).resolves.toEqual(message);
      expect(seen).toHaveLength(2);

      seen = [];
      script = (_n, _req, res) => json(res, 429, { error: 'quota_exceeded', message: 'daily quota used' }, { 'retry-after': '3600' });
      await expect(client().messages.get('m')).rejects.toMatchObject({ status: 429, code: 'quota_exceeded', retryAfter: 3600 });
      expect(seen).toHaveLength(1);
    });

    it('retries a reset connection as a network error, and reports it with status 0 when retries run out', async () => {
      script = (n, req, res) => (n <= 2 ? req.socket.destroy() : json(res, 200, message));
      await expect(client().messages.get('m')).resolves.toEqual(message);
      expect(seen).toHaveLength(3);

      seen = [];
      script = (_n, req) => req.socket.destroy();
      const err = await client({ retries: 1 })
        .messages.get('m')
        .catch((e) => e);
      expect(err).toMatchObject({ name: 'PunctualError', status: 0, code: 'network_error' });
      expect(err.cause).toBeDefined();
      expect(seen).toHaveLength(2);
    });
  });

  describe('timeouts and signals', () => {
    const hang: Script = () => {}; // never answers; closeAllConnections ends it

    it('abandons an attempt after timeoutMs (per call or per client), retries it, then reports timeout', async () => {
      script = hang;
      await expect(client({ retries: 1 }).messages.get('m', { timeoutMs: 30 })).rejects.toMatchObject({ status: 0, code: 'timeout' });
      expect(seen).toHaveLength(2);
      seen = [];
      await expect(client({ retries: 0, timeoutMs: 30 }).messages.get('m')).rejects.toMatchObject({ code: 'timeout' });
      expect(seen).toHaveLength(1);
    });

    it("rejects with the signal's reason when the caller aborts, without retrying", async () => {
      script = hang;
      const controller = new AbortController();
      const call = client().messages.get('m', { signal: controller.signal });
      await new Promise<void>((resolve) => {
        const check = () => (seen.length ? resolve() : setImmediate(check));
        check();
      });
      controller.abort(new Error('user gave up'));
      await expect(call).rejects.toThrow('user gave up');
      expect(seen).toHaveLength(1);
    });

    it('rejects at once with an already aborted signal, sending nothing', async () => {
      script = hang;
      await expect(client().messages.get('m', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      expect(seen).toEqual([]);
    });

    it('interrupts the wait between retries when the caller aborts', async () => {
      script = (_n, _req, res) => json(res, 503, unavailable, { 'retry-after': '30' });
      const controller = new AbortController();
      const p = client({ retryMaxDelayMs: 60_000 });
      const call = p.messages.get('m', { signal: controller.signal });
      await new Promise<void>((resolve) => {
        const check = () => (seen.length ? resolve() : setImmediate(check));
        check();
      });
      controller.abort(new Error('stop'));
      await expect(call).rejects.toThrow('stop');
      expect(seen).toHaveLength(1);
    });
  });

  it("keeps the error body's current, exceeded and position fields on the PunctualError", async () => {
    const exceeded = { kind: 'quota', limit: 5, period: 'DAY', resetsAt: '2026-12-08T00:00:00.000Z' };
    script = (n, _req, res) =>
      n === 1
        ? json(res, 409, { error: 'conflict', message: 'delivered', current: { status: 'delivered' } })
        : n === 2
          ? json(res, 429, { error: 'quota_exceeded', message: 'quota', exceeded }, { 'retry-after': '3600' })
          : json(res, 400, { error: 'invalid_json', message: 'bad', position: { offset: 3, line: 1, column: 4 } });
    await expect(client().messages.abort('m')).rejects.toMatchObject({ status: 409, current: { status: 'delivered' } });
    await expect(client().messages.get('m')).rejects.toMatchObject({ status: 429, exceeded, retryAfter: 3600 });
    await expect(client().messages.abort('m')).rejects.toMatchObject({ code: 'invalid_json', position: { line: 1, column: 4 } });
  });

  describe('live events', () => {
    const sse = (res: ServerResponse, frames: string) =>
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }).end(frames);
    const frame = (id: number, type = 'message.created') =>
      `id: ${id}\nevent: ${type}\ndata: {"appId":"app_1","messageId":"msg_${id}"}\n\n`;
    const take = async (iterable: AsyncIterable<LiveEvent>, n: number): Promise<LiveEvent[]> => {
      const got: LiveEvent[] = [];
      for await (const e of iterable) if (got.push(e) === n) break;
      return got;
    };

    it('reconnects with Last-Event-ID after the server ends the stream, and after a 503 (backoff)', async () => {
      script = (n, _req, res) =>
        n === 1
          ? sse(res, `: keep-alive\n\n${frame(1)}${frame(2, 'message.delivered')}`)
          : n === 2
            ? json(res, 503, unavailable)
            : sse(res, frame(3));
      const got = await take(client().events({ lastEventId: '0' }), 3);
      expect(got).toEqual([
        { type: 'message.created', id: '1', data: { appId: 'app_1', messageId: 'msg_1' } },
        { type: 'message.delivered', id: '2', data: { appId: 'app_1', messageId: 'msg_2' } },
        { type: 'message.created', id: '3', data: { appId: 'app_1', messageId: 'msg_3' } },
      ]);
      expect(seen.map((r) => [r.url, r.headers['last-event-id'], r.headers.accept])).toEqual([
        ['/v1/events', '0', 'text/event-stream'],
        ['/v1/events', '2', 'text/event-stream'],
        ['/v1/events', '2', 'text/event-stream'],
      ]);
      expect(seen[0].headers['x-api-key']).toBe('pk_test');
    });

    it('passes a reset on, and keeps resuming from the last event that had an id', async () => {
      script = (n, _req, res) => (n === 1 ? sse(res, `${frame(7)}event: reset\ndata: {"reason":"gone"}\n\n`) : sse(res, frame(8)));
      const got = await take(client().events(), 3);
      expect(got.map((e) => e.type)).toEqual(['message.created', 'reset', 'message.created']);
      expect(got[1]).toEqual({ type: 'reset', data: { reason: 'gone' } });
      expect(seen[1].headers['last-event-id']).toBe('7');
    });

    it("throws the AWS runtime's 501 (and a 401) as a PunctualError at once, without reconnecting", async () => {
      script = (_n, _req, res) => json(res, 501, { error: 'not_implemented', message: 'the AWS runtime serves no streams' });
      const err = await take(client().events(), 1).catch((e) => e);
      expect(err).toBeInstanceOf(PunctualError);
      expect(err).toMatchObject({ status: 501, code: 'not_implemented' });
      expect(seen).toHaveLength(1);

      seen = [];
      script = (_n, _req, res) => json(res, 401, { error: 'unauthorized', message: 'no key' });
      await expect(take(client().events(), 1)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
      expect(seen).toHaveLength(1);
    });

    it('throws at once without an apiKey, sending nothing', async () => {
      script = (_n, _req, res) => sse(res, frame(1));
      const p = new Punctual({ baseUrl, adminToken: 'admin' });
      await expect(take(p.events(), 1)).rejects.toThrow(/needs the client's apiKey option/);
      expect(seen).toEqual([]);
    });

    it('replaces a connection that goes silent past idleTimeoutMs', async () => {
      // The first connection sends one event and then nothing at all; the second one brings the next event.
      script = (n, _req, res) => {
        if (n === 1) res.writeHead(200, { 'content-type': 'text/event-stream' }).write(frame(1));
        else sse(res, frame(2));
      };
      const got = await take(client().events({ idleTimeoutMs: 50 }), 2);
      expect(got.map((e) => e.id)).toEqual(['1', '2']);
      expect(seen[1].headers['last-event-id']).toBe('1');
    });

    it('ends quietly when the signal aborts, during a stream or while waiting to reconnect', async () => {
      const controller = new AbortController();
      script = (n, _req, res) => (n === 1 ? sse(res, frame(1)) : json(res, 503, unavailable, { 'retry-after': '10' }));
      const got: LiveEvent[] = [];
      const p = client({ retryMaxDelayMs: 60_000 });
      const loop = (async () => {
        for await (const e of p.events({ signal: controller.signal })) got.push(e);
      })();
      await new Promise<void>((resolve) => {
        const check = () => (seen.length >= 2 ? resolve() : setImmediate(check));
        check();
      });
      controller.abort();
      await expect(loop).resolves.toBeUndefined();
      expect(got.map((e) => e.id)).toEqual(['1']);
      expect(seen).toHaveLength(2);
    });
  });
});
