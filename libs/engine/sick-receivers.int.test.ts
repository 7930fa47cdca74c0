import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { appFor, makeSick, runSickReceivers, waitTerminal } from '../../chaos/sick';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { loadLocalConfig } from '../runtime/config';
import { startLocal, type LocalRuntime } from '../runtime/local';
import { createLogger } from '../observability/logger';

/** Receivers that fail, hang, reset, throttle and crawl: every message still ends, recorded, and other apps are not held up. */
describe('delivery to sick receivers (real server and receiver)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let c: JsonClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-sick-'));
    receiver = await startReceiver();
    makeSick(receiver);
    const adminToken = randomBytes(24).toString('base64url');
    // A short drain: hanging deliveries must not hold the close for the default 10 s.
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_DRAIN_TIMEOUT_MS: '200',
    });
    runtime = await startLocal(config, { logger: createLogger('silent') });
    c = (await newTenantClient(runtime.url, adminToken, 'sick')).client;
  });
  afterAll(async () => {
    await receiver.close(); // resets the hanging connections first
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends every message delivered or failed, with each attempt recorded, whatever the receiver does', async () => {
    const reports = await runSickReceivers(c, receiver, { count: 8, timeoutMs: 30_000 });
    for (const r of reports) {
      expect({ behaviour: r.behaviour, pending: r.pending, problems: r.problems }).toEqual({
        behaviour: r.behaviour,
        pending: 0,
        problems: [],
      });
      expect(r.delivered + r.failed).toBe(8);
    }
    const by = Object.fromEntries(reports.map((r) => [r.behaviour, r]));
    expect(by.hang).toMatchObject({ failed: 8, attempts: 24 });
    expect(by.reset).toMatchObject({ delivered: 8, attempts: 16 });
    expect(by.throttle).toMatchObject({ delivered: 8, attempts: 16 });
    expect(by.slow).toMatchObject({ delivered: 8, attempts: 8 });
    expect(by.flaky.delivered).toBeGreaterThan(0);
  }, 45_000);

  it("delivers a healthy app's messages while a saturated sick app's are still pending", async () => {
    const sick = await c.post('/v1/apps', {
      ...appFor('hang', receiver.url),
      name: 'saturated',
      maxConcurrency: 4,
      target: { ...appFor('hang', receiver.url).target, url: `${receiver.url}/saturated`, timeoutMs: 20_000 },
    });
    receiver.respond('/saturated', () => undefined);
    const healthy = await c.post('/v1/apps', { name: 'healthy', target: { type: 'http', url: `${receiver.url}/healthy` } });
    const sickIds = (
      await c.post('/v1/messages/batch', { items: Array.from({ length: 40 }, (_, i) => ({ appId: sick.id, payload: { i } })) })
    ).items.map((x: { message: { id: string } }) => x.message.id);
    await receiver.waitFor('/saturated', 4, 10_000); // its four delivery slots are taken and will stay taken
    const healthyIds = (
      await c.post('/v1/messages/batch', { items: Array.from({ length: 30 }, (_, i) => ({ appId: healthy.id, payload: { i } })) })
    ).items.map((x: { message: { id: string } }) => x.message.id);
    const done = await waitTerminal(c, healthyIds, 15_000);
    expect([...done.values()].filter((m) => m.status === 'delivered')).toHaveLength(30);
    const sickNow = await Promise.all(sickIds.map((id: string) => c.get(`/v1/messages/${id}`)));
    expect(sickNow.filter((m: { status: string }) => m.status === 'scheduled' || m.status === 'delivering').length).toBe(40);
    expect(receiver.on('/saturated')).toHaveLength(4);
  }, 30_000);
});
