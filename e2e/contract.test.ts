import pkg from '../package.json';
import { itLocal } from './support/local-only';
import { startReceiver, type Receiver } from './support/receiver';
import { answer } from './support/sdk';
import { newTenant, startTarget, waitForStatus, type Target } from './support/target';

/** Raw HTTP where the exact bytes matter (the typed client would parse and re-serialise them). */
describe('the contract: exact payloads, conveniences, errors and headers (real server)', () => {
  let target: Target;
  let receiver: Receiver;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': t.controlKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
    t = await newTenant(target, `${receiver.url}/exact`);
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  describe('payloads are stored, delivered and read byte for byte', () => {
    // JSON.parse and JSON.stringify would drop or change every part of this: `__proto__`, key order (integer-like keys
    // first), duplicate keys, number spellings and precision, escapes, the white space inside.
    const payload = '{"__proto__": {"x": 1}, "constructor": 1, "b": 2, "2": [1.0, 1e3, -0, 12345678901234567890], "b": "\\u00e9", "1": {}}';

    it('for a message: the receiver gets the exact text, and reads return it', async () => {
      const created = await call('POST', '/v1/messages', `{"appId": "${t.app.id}", "payload": ${payload}}`);
      expect(created.status).toBe(201);
      expect(created.text).toContain(`"payload":${payload},`);
      const [delivered] = await receiver.waitFor('/exact', 1);
      expect(delivered.headers['webhook-id']).toBe(created.body.id);
      expect(delivered.body).toBe(payload);
      expect((await call('GET', `/v1/messages/${created.body.id}`)).text).toContain(`"payload":${payload},`);
    });

    it('for each item of a batch', async () => {
      const other = '[1.50, {"__proto__": null}]';
      const item = (text: string) => `{"appId": "${t.app.id}", "payload": ${text}, "delaySeconds": 60}`;
      const body = `{"items": [${item(payload)}, ${item(other)}]}`;
      const res = await call('POST', '/v1/messages/batch', body);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { status: number }) => i.status)).toEqual([201, 201]);
      for (const [i, text] of [payload, other].entries()) {
        expect((await call('GET', `/v1/messages/${res.body.items[i].message.id}`)).text).toContain(`"payload":${text},`);
      }
    });

    it('for a schedule and its runs, after a change of payload too', async () => {
      const schedule = await call(
        'POST',
        '/v1/schedules',
        `{"appId": "${t.app.id}", "name": "exact", "expression": "rate(1 day)", "startAt": "2099-01-01T00:00:00Z", "payload": ${payload}}`,
      );
      expect(schedule.status).toBe(201);
      expect(schedule.text).toContain(`"payload":${payload},`);
      const changed = '{"z": 1.0, "a": 1E+2}';
      const patched = await call('PATCH', `/v1/schedules/${schedule.body.id}`, `{"payload": ${changed}}`);
      expect(patched.text).toContain(`"payload":${changed},`);
      const run = await call('POST', `/v1/schedules/${schedule.body.id}/trigger`);
      expect(run.status).toBe(201);
      await waitForStatus(t.control, run.body.id, 'delivered');
      expect(receiver.on('/exact').find((r) => r.headers['webhook-id'] === run.body.id)?.body).toBe(changed);
    });
  });

  describe('conveniences', () => {
    it('takes the idempotency key from the Idempotency-Key header, and refuses two different keys', async () => {
      const body = JSON.stringify({ appId: t.app.id, delaySeconds: 600, payload: { n: 1 } });
      const first = await call('POST', '/v1/messages', body, { 'idempotency-key': 'hdr-1' });
      const again = await call('POST', '/v1/messages', body, { 'Idempotency-Key': 'hdr-1' });
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.id).toBe(first.body.id);
      expect(first.body.idempotencyKey).toBe('hdr-1');
      const both = JSON.stringify({ appId: t.app.id, payload: 1, idempotencyKey: 'hdr-1' });
      expect((await call('POST', '/v1/messages', both, { 'idempotency-key': 'hdr-1' })).body.id).toBe(first.body.id);
      const clash = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, payload: 1, idempotencyKey: 'a' }), {
        'idempotency-key': 'b',
      });
      expect(clash).toMatchObject({ status: 400, body: { error: 'invalid_request', details: [{ path: 'Idempotency-Key' }] } });
    });

    it("keys a batch's items by the header and their index, so a repeated batch returns its originals", async () => {
      const items = [0, 1].map((i) => ({ appId: t.app.id, delaySeconds: 600, payload: { i } }));
      const body = JSON.stringify({ items: [...items, { ...items[0], idempotencyKey: 'own' }] });
      const first = await call('POST', '/v1/messages/batch', body, { 'idempotency-key': 'batch-9' });
      const again = await call('POST', '/v1/messages/batch', body, { 'idempotency-key': 'batch-9' });
      expect(first.body.items.map((i: { status: number }) => i.status)).toEqual([201, 201, 201]);
      expect(again.body.items.map((i: { status: number }) => i.status)).toEqual([200, 200, 200]);
      expect(again.body.items.map((i: { message: { id: string } }) => i.message.id)).toEqual(
        first.body.items.map((i: { message: { id: string } }) => i.message.id),
      );
      expect(first.body.items.map((i: { message: { idempotencyKey: string } }) => i.message.idempotencyKey)).toEqual([
        'batch-9#0',
        'batch-9#1',
        'own',
      ]);
    });

    it('takes delay as a duration string, exclusive with sendAt and delaySeconds', async () => {
      const before = Date.now();
      const res = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, delay: '1h30m', payload: {} }));
      expect(res.status).toBe(201);
      const due = Date.parse(res.body.sendAt) - before;
      expect(due).toBeGreaterThanOrEqual(5_400_000 - 1_000);
      expect(due).toBeLessThanOrEqual(5_400_000 + 60_000);
      const both = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, delay: '90s', delaySeconds: 90, payload: {} }));
      expect(both).toMatchObject({ status: 400, body: { details: [{ path: 'delay', issue: expect.stringMatching(/one of/) }] } });
      const bad = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, delay: '90 minutes', payload: {} }));
      expect(bad).toMatchObject({ status: 400, body: { details: [{ path: 'delay', issue: expect.stringMatching(/"1h30m"/) }] } });
    });

    itLocal('API Gateway answers a known path with another method as an unknown route (404): it has no 405')(
      'answers DELETE of a message with 405, pointing to abort',
      async () => {
        const m = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, delay: '1h', payload: {} }));
        const res = await call('DELETE', `/v1/messages/${m.body.id}`);
        expect(res.status).toBe(405);
        expect(res.body.error).toBe('method_not_allowed');
        expect(res.body.message).toMatch(/POST \/v1\/messages\/\{messageId\}\/abort/);
        expect(res.headers.get('allow')).toBe('GET');
      },
    );

    it('says how many pending messages deleting an app aborted, and refuses to redrive them (409)', async () => {
      const other = await newTenant(target, `${receiver.url}/doomed`);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await other.control.messages.create({ appId: other.app.id, delaySeconds: 600, payload: { i } });
        ids.push(m.id);
      }
      const deleted = await answer(() => other.control.apps.delete(other.app.id));
      expect(deleted.status).toBe(204);
      expect(deleted.headers.get('punctual-aborted-messages')).toBe('3');
      expect(deleted.data).toEqual({ abortedMessages: 3 });
      const read = await other.control.messages.get(ids[0]);
      expect(read.status).toBe('aborted');
      const redrive = await answer(() => other.control.messages.redrive(ids[0]));
      expect(redrive.status).toBe(409);
      expect(redrive.error).toMatchObject({ error: 'conflict', current: { status: 'aborted', appDeleted: true } });
    });

    it("reports package.json's version in /v1/health and in the spec", async () => {
      const health = await (await fetch(`${target.baseUrl}/v1/health`)).json();
      expect(health).toEqual({ status: 'ok', version: pkg.version });
      expect(await (await fetch(`${target.baseUrl}/openapi.yaml`)).text()).toMatch(
        new RegExp(`\\n  version: ${pkg.version.replace(/\./g, '\\.')}\\n`),
      );
    });
  });

  describe('errors say where', () => {
    it('names an unknown query parameter and a malformed cursor as query parameters', async () => {
      const foo = await call('GET', '/v1/messages?foo=bar');
      expect(foo).toMatchObject({
        status: 400,
        body: { error: 'invalid_request', details: [{ path: 'foo', issue: 'unknown query parameter' }] },
      });
      expect(foo.body.message).toMatch(/^query parameter foo/);
      for (const path of ['/v1/messages', '/v1/apps', '/v1/keys', '/v1/schedules']) {
        const cursor = await call('GET', `${path}?cursor=bm9wZQ`);
        expect(cursor).toMatchObject({ status: 400, body: { error: 'invalid_request', details: [{ path: 'cursor' }] } });
      }
    });

    it('says "required" of a missing field and where malformed JSON goes wrong', async () => {
      const missing = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id }));
      expect(missing.body.details).toEqual([{ path: 'payload', issue: 'required' }]);
      const malformed = await call('POST', '/v1/messages', '{\n  "appId": "x",\n  "payload": }');
      expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_json', position: { line: 3, column: 14, offset: 31 } } });
      expect(malformed.body.message).toMatch(/line 3, column 14/);
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (headers: Headers) => {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    };

    it('on answers, errors of the handlers and of the gateway, and the docs', async () => {
      for (const res of [
        await call('GET', '/v1/apps'),
        await call('GET', '/v1/messages?foo=1'),
        await call('GET', '/v1/nope'),
        await call('POST', '/v1/messages', '{', { 'x-api-key': 'pk_unknown' }),
      ]) {
        expectSecurityHeaders(res.headers);
        expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      }
      const health = await fetch(`${target.baseUrl}/v1/health`);
      expectSecurityHeaders(health.headers);
      const docs = await fetch(`${target.baseUrl}/docs`);
      expectSecurityHeaders(docs.headers);
      expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    });
  });
});
