import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { DeliveryOutcome } from '../messages/outcome';
import type { Resolver } from './ssrf';
import { WebhookClient, type WebhookRequest } from './webhook';
import { startReceiver, type Receiver } from '../../test/support/receiver';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const secret = newSecret();
const oldSecret = newSecret();

/** Headers as `Webhook.verify` wants them. */
const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'));

const errorOf = (outcome: DeliveryOutcome): string | undefined => (outcome.kind === 'success' ? undefined : outcome.error);

/** Writes until the client goes away: only a client that stops reading ever finishes. */
const endless = (res: ServerResponse): void => {
  const chunk = Buffer.alloc(64 * 1024, 'z');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.writeHead(200, { 'content-type': 'text/plain' });
  pump();
};

describe('WebhookClient', () => {
  let receiver: Receiver;
  let base: string;
  let closedPort: number;
  const clients: WebhookClient[] = [];
  const clientWith = (options: ConstructorParameters<typeof WebhookClient>[0]) => {
    const client = new WebhookClient(options);
    clients.push(client);
    return client;
  };
  let client: WebhookClient;

  const deliveryTo = (path: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest => ({
    messageId: 'msg_2a1b3c',
    attempt: 1,
    scheduledAt: Date.UTC(2026, 0, 1, 9, 0, 0),
    payload: JSON.stringify({ hello: 'world' }),
    target: { type: 'http', url: `${base}${path}` },
    secrets: [secret],
    ...overrides,
  });
  const receivedAt = (path: string) => receiver.on(path);

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.respond(/^\/status\/\d{3}$/, (r) => {
      const status = r.path.slice('/status/'.length);
      return { status: Number(status), headers: {}, body: `status ${status}` };
    });
    receiver.respond('/retry-after', () => ({ status: 429, headers: { 'retry-after': '2' }, body: '' }));
    receiver.respond('/redirect', () => ({ status: 302, headers: { location: '/redirected?token=s3cret' }, body: '' }));
    receiver.respond('/hang', () => undefined); // never answers
    receiver.respond('/reset-after-headers', (_r, _n, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    receiver.respond('/reset-before-headers', (_r, _n, res) => void res.socket?.destroy());
    receiver.respond('/big', () => ({ status: 200, headers: {}, body: 'a'.repeat(1024 * 1024) }));
    receiver.respond('/endless', (_r, _n, res) => endless(res));
    receiver.respond('/binary', (_r, _n, res) => {
      res.writeHead(500, { 'content-type': 'application/octet-stream', 'set-cookie': 'sid=1', 'x-trace': 't-1' });
      res.end(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    });
    base = receiver.url;

    // A port that was just ours and is now closed: connecting to it is refused.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    closedPort = (spare.address() as AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));

    client = clientWith({ allowPrivateTargets: true });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await receiver.close();
  });

  describe('deliver', () => {
    it('signs the exact body so Webhook.verify accepts it', async () => {
      const outcome = await client.deliver(deliveryTo('/signed'));
      expect(outcome).toMatchObject({ kind: 'success', statusCode: 200, responseBody: 'ok' });
      const [got] = receivedAt('/signed');
      expect(got.body).toBe('{"hello":"world"}');
      expect(got.headers['content-type']).toBe('application/json');
      expect(new Webhook(secret).verify(got.body, flat(got.headers))).toEqual({ hello: 'world' });
    });

    it('signs with both secrets during rotation, each verifying alone', async () => {
      await client.deliver(deliveryTo('/rotated', { secrets: [secret, oldSecret] }));
      const [got] = receivedAt('/rotated');
      expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(() => new Webhook(secret).verify(got.body, flat(got.headers))).not.toThrow();
      expect(() => new Webhook(oldSecret).verify(got.body, flat(got.headers))).not.toThrow();
      expect(() => new Webhook(newSecret()).verify(got.body, flat(got.headers))).toThrow();
    });

    it('sends the webhook and punctual headers', async () => {
      await client.deliver(deliveryTo('/headers', { attempt: 3, scheduleId: 'sch_9' }));
      const { headers } = receivedAt('/headers')[0];
      expect(headers).toMatchObject({
        'webhook-id': 'msg_2a1b3c',
        'punctual-attempt': '3',
        'punctual-scheduled-at': '2026-01-01T09:00:00.000Z',
        'punctual-schedule-id': 'sch_9',
      });
      expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    });

    it('omits punctual-schedule-id for a one-off message', async () => {
      await client.deliver(deliveryTo('/one-off'));
      expect(receivedAt('/one-off')[0].headers).not.toHaveProperty('punctual-schedule-id');
    });

    it('stamps webhook-timestamp from the injected clock', async () => {
      const at = Date.UTC(2026, 4, 1, 8, 30, 15, 900);
      await clientWith({ allowPrivateTargets: true, now: () => at }).deliver(deliveryTo('/clock'));
      const [got] = receivedAt('/clock');
      expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(at / 1000)));
      expect(got.headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_2a1b3c', new Date(at), got.body));
    });

    it('adds app then message headers, the message winning for a name given by both, whatever its case', async () => {
      const target = { type: 'http' as const, url: `${base}/custom`, headers: { 'X-App': 'app', 'X-Both': 'app' } };
      const headers = { 'x-msg': 'msg', 'x-both': 'msg', 'x-spaced': ' a\tb ~!' };
      const outcome = await client.deliver(deliveryTo('/custom', { target, headers }));
      expect(outcome.kind).toBe('success');
      const got = receivedAt('/custom')[0].headers;
      expect(got).toMatchObject({ 'x-app': 'app', 'x-msg': 'msg', 'x-both': 'msg', 'webhook-id': 'msg_2a1b3c', 'punctual-attempt': '1' });
      expect(got['x-spaced']).toBe('a\tb ~!'); // HTTP drops a value's outer whitespace, as for any header
      expect(got['content-type']).toBe('application/json');
      expect(got.host).toBe(new URL(base).host);
      expect(got['content-length']).toBe('17');
    });

    it('refuses to send a stored header the creation rule refuses (protected, hop-by-hop or not sendable), sending nothing', async () => {
      const refused: Record<string, string>[] = [
        { 'Webhook-Id': 'forged' },
        { 'Content-Type': 'text/evil' },
        { Host: 'evil.test' },
        { 'PUNCTUAL-ATTEMPT': '99' },
        { 'content-length': '1' },
        { connection: 'close' },
        { 'keep-alive': 'timeout=5' },
        { upgrade: 'websocket' },
        { te: 'trailers' },
        { 'x-ctl': 'a\u0001b' },
        { 'x-del': 'a\u007fb' },
        { 'x-euro': '5 €' },
        { 'x-bad name': 'value-7' },
      ];
      for (const headers of refused) {
        const [name] = Object.keys(headers);
        const inTarget = await client.deliver(deliveryTo('/refused', { target: { type: 'http', url: `${base}/refused`, headers } }));
        const inMessage = await client.deliver(deliveryTo('/refused', { headers }));
        for (const outcome of [inTarget, inMessage]) {
          expect({ name, kind: outcome.kind }).toEqual({ name, kind: 'permanent' });
          expect(errorOf(outcome)).not.toContain(headers[name]);
        }
      }
      expect(receivedAt('/refused')).toHaveLength(0);
    });

    it('sends a JSON string payload as raw text', async () => {
      const payload = JSON.stringify('héllo "world" ✓');
      await client.deliver(deliveryTo('/raw', { payload }));
      const [got] = receivedAt('/raw');
      expect(got.body).toBe('héllo "world" ✓');
      expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(() => new Webhook(secret).verify(got.body, flat(got.headers), { jsonParse: false })).not.toThrow();
    });

    it.each([[200], [201], [204]])('%d → success', async (status) => {
      expect(await client.deliver(deliveryTo(`/status/${status}`))).toMatchObject({ kind: 'success', statusCode: status });
    });

    it.each([[500], [503], [429], [408], [425]])('%d → retry', async (status) => {
      const outcome = await client.deliver(deliveryTo(`/status/${status}`));
      expect(outcome).toMatchObject({ kind: 'retry', statusCode: status, responseBody: `status ${status}` });
    });

    it('honours Retry-After on a 429', async () => {
      expect(await client.deliver(deliveryTo('/retry-after'))).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 2000 });
    });

    it.each([[400], [404], [410]])('%d → permanent', async (status) => {
      expect(await client.deliver(deliveryTo(`/status/${status}`))).toMatchObject({ kind: 'permanent', statusCode: status });
    });

    it('does not follow a 302 and says so, without the query', async () => {
      const outcome = await client.deliver(deliveryTo('/redirect'));
      expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 302 });
      expect(errorOf(outcome)).toBe(`HTTP 302: redirects are not followed (Location: ${base}/redirected)`);
      expect(receiver.received.some((r) => r.path.startsWith('/redirected'))).toBe(false);
    });

    it('gives up on a receiver that hangs past the timeout and retries', async () => {
      const outcome = await client.deliver(deliveryTo('/hang', { target: { type: 'http', url: `${base}/hang`, timeoutMs: 200 } }));
      expect(outcome).toMatchObject({ kind: 'retry', error: 'timeout after 200ms', timedOut: true });
      expect(outcome.durationMs).toBeGreaterThanOrEqual(150);
    });

    it('retries when the caller aborts the attempt', async () => {
      const controller = new AbortController();
      const pending = client.deliver(deliveryTo('/hang'), controller.signal);
      setImmediate(() => controller.abort());
      expect(await pending).toMatchObject({ kind: 'retry', error: 'attempt aborted' });
    });

    it('retries when the connection is refused', async () => {
      const outcome = await client.deliver(deliveryTo('/', { target: { type: 'http', url: `http://127.0.0.1:${closedPort}/` } }));
      expect(outcome.kind).toBe('retry');
      expect(errorOf(outcome)).toContain('ECONNREFUSED');
    });

    it('retries when the connection is reset mid-response', async () => {
      const outcome = await client.deliver(deliveryTo('/reset-after-headers'));
      expect(outcome).toMatchObject({ kind: 'retry', statusCode: 200 });
    });

    it('retries when the connection is reset before any response', async () => {
      expect(await client.deliver(deliveryTo('/reset-before-headers'))).toMatchObject({ kind: 'retry' });
    });

    it('keeps exactly the first 4096 bytes of a 1 MiB response by default, and 65536 when told to', async () => {
      const outcome = await client.deliver(deliveryTo('/big'));
      expect(outcome.kind).toBe('success');
      expect(Buffer.byteLength(outcome.responseBody ?? '')).toBe(4_096);
      const wide = await clientWith({ allowPrivateTargets: true, maxResponseBytes: 65_536 }).deliver(deliveryTo('/big'));
      expect(Buffer.byteLength(wide.responseBody ?? '')).toBe(65_536);
    });

    it("reads up to 64 KiB of a response for the message's result, beside the excerpt, with its safe headers", async () => {
      const outcome = await client.deliver(deliveryTo('/big'));
      expect(outcome.response?.body?.length).toBe(65_536);
      expect(outcome.response?.truncated).toBe(true);
      const small = await client.deliver(deliveryTo('/status/201'));
      expect(small.response).toEqual({ headers: expect.objectContaining({ connection: 'keep-alive' }), body: Buffer.from('status 201') });
      const binary = await client.deliver(deliveryTo('/binary'));
      expect(binary).toMatchObject({ kind: 'retry', statusCode: 500 });
      expect(binary.response?.body).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
      expect(binary.response?.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-trace': 't-1' });
      expect(binary.response?.headers?.['set-cookie']).toBeUndefined();
    });

    it('stops reading a response that never ends', async () => {
      const outcome = await clientWith({ allowPrivateTargets: true, maxResponseBytes: 1000 }).deliver(deliveryTo('/endless'));
      expect(outcome).toMatchObject({ kind: 'success', responseBody: 'z'.repeat(1000) });
    });

    it('reuses a pooled keep-alive connection', async () => {
      const pooled = clientWith({ allowPrivateTargets: true }); // alone on its pool, so the only idle socket is ours
      await pooled.deliver(deliveryTo('/pool-1'));
      // undici marks the socket idle one event-loop turn after the body ends; a request sent in
      // the same turn opens a second socket. Not a timing assertion: no clock is involved.
      await new Promise((resolve) => setImmediate(resolve));
      await pooled.deliver(deliveryTo('/pool-2'));
      expect(receivedAt('/pool-2')[0].remotePort).toBe(receivedAt('/pool-1')[0].remotePort);
    });

    it('refuses to send with an invalid secret or header value, quoting neither', async () => {
      const badSecret = await client.deliver(deliveryTo('/never', { secrets: ['whsec_%%%not-base64%%%'] }));
      expect(badSecret).toMatchObject({ kind: 'permanent', error: 'a signing secret is invalid' });
      const badHeader = await client.deliver(deliveryTo('/never', { headers: { 'x-token': 'tok3n\r\nx-evil: 1' } }));
      expect(badHeader).toMatchObject({
        kind: 'permanent',
        error: 'custom header x-token: header values may hold only visible ASCII characters, spaces and tabs',
      });
      expect(await client.deliver(deliveryTo('/never', { secrets: [] }))).toMatchObject({ kind: 'permanent' });
      expect(receivedAt('/never')).toHaveLength(0);
    });

    it('refuses a non-http target as permanent', async () => {
      const outcome = await client.deliver(deliveryTo('/', { target: { type: 'http', url: 'ftp://127.0.0.1/x' } }));
      expect(outcome).toMatchObject({ kind: 'permanent', error: 'target.url must be an http(s) URL' });
    });
  });

  describe('SSRF guard', () => {
    const resolver =
      (table: Record<string, string>): Resolver =>
      async (hostname) => {
        const address = table[hostname];
        if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return [{ address, family: address.includes(':') ? 6 : 4 }];
      };

    /** The receiver's port is a random one: allow it, so that the address is what the guard refuses. */
    const receiverPort = () => [Number(new URL(base).port)];

    it('refuses a loopback target literal when private targets are not allowed, sending nothing', async () => {
      const guarded = clientWith({ allowPrivateTargets: false, allowedPorts: receiverPort() });
      const outcome = await guarded.deliver(deliveryTo('/ssrf-literal'));
      expect(outcome.kind).toBe('retry');
      expect(errorOf(outcome)).toBe('target host 127.0.0.1 cannot be reached: it does not resolve to a public address');
      const mapped = `http://[::ffff:127.0.0.1]:${new URL(base).port}/ssrf-literal`;
      expect(await guarded.deliver(deliveryTo('/ssrf-literal', { target: { type: 'http', url: mapped } }))).toMatchObject({
        kind: 'retry',
      });
      expect(receivedAt('/ssrf-literal')).toHaveLength(0);
    });

    it('refuses localhost through the system resolver', async () => {
      const guarded = clientWith({ allowPrivateTargets: false, allowedPorts: receiverPort() });
      const url = `http://localhost:${new URL(base).port}/ssrf-localhost`;
      const outcome = await guarded.deliver(deliveryTo('/ssrf-localhost', { target: { type: 'http', url } }));
      expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringContaining('localhost') });
      expect(receivedAt('/ssrf-localhost')).toHaveLength(0);
    });

    it('refuses a name that resolves to a private address at connect time (DNS rebinding)', async () => {
      const guarded = clientWith({ allowPrivateTargets: false, lookup: resolver({ 'rebind.test': '10.0.0.1' }) });
      const target = { type: 'http' as const, url: 'http://rebind.test:8080/hook', timeoutMs: 1000 };
      const outcome = await guarded.deliver(deliveryTo('/', { target }));
      expect(outcome).toEqual({
        kind: 'retry',
        error: 'target host rebind.test cannot be reached: it does not resolve to a public address',
        durationMs: expect.any(Number),
      });
    });

    it('connects through the injected resolver when private targets are allowed', async () => {
      const open = clientWith({ allowPrivateTargets: true, lookup: resolver({ 'receiver.test': '127.0.0.1' }) });
      const url = `http://receiver.test:${new URL(base).port}/via-name`;
      expect(await open.deliver(deliveryTo('/via-name', { target: { type: 'http', url } }))).toMatchObject({ kind: 'success' });
      expect(receivedAt('/via-name')[0].headers.host).toBe(`receiver.test:${new URL(base).port}`);
    });

    it('retries a name the resolver cannot find, saying exactly what it says of a private one', async () => {
      const guarded = clientWith({ allowPrivateTargets: false, lookup: resolver({ 'internal.test': '10.1.2.3' }) });
      const missing = await guarded.deliver(deliveryTo('/', { target: { type: 'http', url: 'https://gone.test/hook' } }));
      const internal = await guarded.deliver(deliveryTo('/', { target: { type: 'http', url: 'https://internal.test/hook' } }));
      expect(missing).toMatchObject({
        kind: 'retry',
        error: 'target host gone.test cannot be reached: it does not resolve to a public address',
      });
      expect({ ...internal, durationMs: 0 }).toEqual({
        ...missing,
        durationMs: 0,
        error: errorOf(missing)!.replace('gone.test', 'internal.test'),
      });
    });

    it('refuses a port the egress rules do not allow, at connect time, sending nothing', async () => {
      const guarded = clientWith({ allowPrivateTargets: true, allowedPorts: [443] });
      const outcome = await guarded.deliver(deliveryTo('/port'));
      expect(outcome).toMatchObject({ kind: 'permanent', error: `target port ${new URL(base).port} is not allowed; allowed ports: 443` });
      expect(receivedAt('/port')).toHaveLength(0);
    });

    it('retries a name the resolver cannot find with its own error when private targets are allowed', async () => {
      const open = clientWith({ allowPrivateTargets: true, lookup: resolver({}) });
      const outcome = await open.deliver(deliveryTo('/', { target: { type: 'http', url: 'https://gone.test/hook' } }));
      expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringContaining('ENOTFOUND') });
    });
  });
});
