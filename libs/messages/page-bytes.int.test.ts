/**
 * Big payloads over the embedded server: a listing of 256 KiB payloads comes in pages that fit one Lambda response
 * (6 MB, after API Gateway's proxy response escapes the body again), joined by `nextCursor`, each message once.
 * The AWS runtime runs the same service: libs/runtime/aws.aws.test.ts lists through its handler on moto.
 */
import { type LocalServer, startLocalServer } from '../../test/support/local-server';

/** Lambda's limit on a synchronous response (API Gateway's proxy response included). */
const lambdaResponseLimit = 6 * 1024 * 1024;

let server: LocalServer;
let key: string;
let appId: string;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  server = await startLocalServer('punctual-page-bytes');
  const tenant = await fetch(`${server.url}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'big', plan: 'unlimited' }),
  });
  key = ((await tenant.json()) as { controlKey: { key: string } }).controlKey.key;
  const app = await call('POST', '/v1/apps', { name: 'big', target: { type: 'http', url: 'http://127.0.0.1:9/never' } });
  appId = JSON.parse(app.text).id;
}, 30_000);

afterAll(() => server?.close());

describe('GET /v1/messages with big payloads', () => {
  it('pages 24 messages of about 250 KiB by bytes, each page one Lambda response, every message once', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const created: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Half plain, half made of quotes, which JSON escapes twice on the way out of a Lambda.
      const blob = i % 2 ? 'x'.repeat(250 * 1024) : '"'.repeat(120 * 1024);
      const res = await call('POST', '/v1/messages', { appId, sendAt, payload: { i, blob } });
      expect(res.status).toBe(201);
      created.push(JSON.parse(res.text).id);
    }

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await call('GET', `/v1/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      // What Lambda would return: the body as a JSON string inside the proxy response.
      expect(JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: res.text }).length).toBeLessThan(
        lambdaResponseLimit,
      );
      const page = JSON.parse(res.text) as { items: { id: string }[]; nextCursor?: string };
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(pageSizes.length).toBeGreaterThan(1);
    expect(seen).toHaveLength(24);
    expect(new Set(seen)).toEqual(new Set(created));
  }, 60_000);

  it('answers 413 for a request body over 256 KiB, before reading the message', async () => {
    const res = await call('POST', '/v1/messages', { appId, payload: 'x'.repeat(257 * 1024) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'payload_too_large' });
  });
});
