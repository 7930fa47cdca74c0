import { startReceiver, type Receiver } from './support/receiver';
import { newTenant, startTarget, type Target } from './support/target';
import { itLocal } from './support/local-only';

/** Raw HTTP: the typed client cannot send what these tests send. */
describe('bad input gets the exact codes of the API contract', () => {
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
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
    t = await newTenant(target, `${receiver.url}/x`);
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  it('malformed JSON → 400 invalid_json', async () => {
    const r = await call('POST', '/v1/messages', '{"appId": ');
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_json', message: expect.any(String) } });
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const r = await call('POST', '/v1/messages', 'payload=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
  });

  it('a missing body → 400 invalid_request', async () => {
    const r = await call('POST', '/v1/messages');
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('wrong types → 400 invalid_request naming the field', async () => {
    const r = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, payload: {}, delaySeconds: 'soon' }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', details: [expect.objectContaining({ path: 'delaySeconds' })] });
  });

  it('an unknown target type → 400 invalid_request on target.type', async () => {
    // `sqs` became a known type (issue 12): an unknown one is still refused on target.type.
    const r = await call('POST', '/v1/apps', JSON.stringify({ name: 'q', target: { type: 'carrier-pigeon', url: 'https://example.com' } }));
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'target.type' })]));
  });

  it('sendAt that is not RFC 3339 → 400 invalid_request on sendAt', async () => {
    for (const sendAt of ['2027-01-01 09:00', '2027-01-01T09:00:00', 'tomorrow', 1234]) {
      const r = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, payload: {}, sendAt }));
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request', details: [expect.objectContaining({ path: 'sendAt' })] });
    }
  });

  it('a payload over 256 KiB → 413 payload_too_large', async () => {
    const r = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, payload: 'x'.repeat(300 * 1024) }));
    expect(r).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('a target URL that is not http(s) → 400 invalid_request on target.url', async () => {
    for (const url of ['ftp://example.com/x', 'example.com/hook', 'javascript:alert(1)']) {
      const r = await call('POST', '/v1/apps', JSON.stringify({ name: 'q', target: { type: 'http', url } }));
      expect(r.status).toBe(400);
      expect(r.body.details).toEqual([expect.objectContaining({ path: 'target.url' })]);
    }
  });

  it('sendAt and delaySeconds together, unknown fields, and a bad cursor are refused clearly', async () => {
    const both = await call(
      'POST',
      '/v1/messages',
      JSON.stringify({ appId: t.app.id, payload: {}, sendAt: '2030-01-01T00:00:00Z', delaySeconds: 5 }),
    );
    expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const extra = await call('POST', '/v1/messages', JSON.stringify({ appId: t.app.id, payload: {}, sendat: 'typo' }));
    expect(extra.status).toBe(400);
    const limit = await call('GET', '/v1/messages?limit=1000');
    expect(limit.status).toBe(400);
  });

  it('unknown routes → 404 not_found', async () => {
    expect(await call('GET', '/v1/nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  itLocal('API Gateway answers a known path with another method as an unknown route (404): it has no 405')(
    'wrong method → 405 with Allow',
    async () => {
      const r = await call('PUT', '/v1/apps');
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toContain('GET');
    },
  );

  it('a missing message id → 404 not_found; health needs no key', async () => {
    expect(await call('GET', '/v1/messages/msg_2JQvbRmD6dO5fNPVfjDtUw0ahbe')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const health = await fetch(`${target.baseUrl}/v1/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
  });
});
