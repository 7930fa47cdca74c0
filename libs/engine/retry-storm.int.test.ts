import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { loadLocalConfig } from '../runtime/config';
import { startLocal, type LocalRuntime } from '../runtime/local';
import { createLogger } from '../observability/logger';

/**
 * The retry storm of #18 over the real server: `{maxAttempts: 50, baseDelayMs: 10, maxDelayMs: 10}` against a
 * receiver answering 500 with 70 KB turned 20 messages into 1,000 deliveries in 5 s and 77 MB on disk. Now
 * such a policy is refused, and the most aggressive one allowed is bounded by the 1 s floor, the tenant's
 * attempts per minute and the 4 KiB response excerpt.
 */
describe('retry storm (real server and receiver)', () => {
  const adminToken = randomBytes(24).toString('base64url');
  const storm = { maxAttempts: 50, baseDelayMs: 10, maxDelayMs: 10 };
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let c: JsonClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-storm-'));
    const plansFile = join(dataDir, 'plans.json');
    writeFileSync(plansFile, JSON.stringify({ capped: { attemptsPerMinute: 30 } }));
    receiver = await startReceiver();
    receiver.respond('/storm', () => ({ status: 500, body: 'e'.repeat(70 * 1024) }));
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_PLANS_FILE: plansFile,
    });
    runtime = await startLocal(config, { logger: createLogger('silent') });
    c = (await newTenantClient(runtime.url, adminToken, 'storm', 'capped')).client;
  });
  afterAll(async () => {
    await runtime.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the storm policy on an app and on a message, naming the field', async () => {
    const app = await c.call('POST', '/v1/apps', {
      name: 'storm',
      target: { type: 'http', url: `${receiver.url}/storm` },
      retryPolicy: storm,
    });
    expect(app.status).toBe(400);
    expect(app.body).toMatchObject({
      error: 'invalid_request',
      details: expect.arrayContaining([{ path: 'retryPolicy.baseDelayMs', issue: expect.stringContaining('at least 1000') }]),
    });
    const ok = await c.post('/v1/apps', { name: 'ok', target: { type: 'http', url: `${receiver.url}/storm` } });
    const msg = await c.call('POST', '/v1/messages', { appId: ok.id, payload: {}, retryPolicy: storm });
    expect(msg.status).toBe(400);
    await c.del(`/v1/apps/${ok.id}`);
  });

  it('bounds the most aggressive policy allowed: attempts 1 s apart, the tenant’s budget per minute, 4 KiB of each answer', async () => {
    const app = await c.post('/v1/apps', {
      name: 'storm',
      target: { type: 'http', url: `${receiver.url}/storm` },
      retryPolicy: { maxAttempts: 50, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    const batch = await c.post('/v1/messages/batch', { items: Array.from({ length: 20 }, (_, i) => ({ appId: app.id, payload: { i } })) });
    const ids: string[] = batch.items.map((x: { message: { id: string } }) => x.message.id);
    const started = Date.now();
    // The budget (30 a minute) is spent well within the first seconds; wait for it, then a few seconds more.
    await eventually(async () => receiver.on('/storm').length >= 30, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 3_000));
    const seconds = (Date.now() - started) / 1000;

    const attempts = (await Promise.all(ids.map(async (id) => (await c.get(`/v1/messages/${id}/attempts`)).items))).flat();
    // Unbounded, 20 messages retried every 10 ms would have made about 1,000 attempts in these seconds.
    // At most 30 per minute window (60 if the run straddles a minute boundary).
    expect(receiver.on('/storm').length).toBeLessThanOrEqual(seconds < 60 ? 60 : 90);
    expect(attempts.length).toBeLessThanOrEqual(60);
    for (const a of attempts) expect(Buffer.byteLength(a.responseBody ?? '')).toBeLessThanOrEqual(4_096);
    // Never two attempts of one message within the 1 s floor.
    for (const id of ids) {
      const times = receiver
        .on('/storm')
        .filter((r) => r.headers['webhook-id'] === id)
        .map((r) => r.at);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(950);
    }
  }, 40_000);
});
