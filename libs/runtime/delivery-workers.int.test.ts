import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient } from '../../chaos/http';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { loadLocalConfig } from './config';
import { startLocal, type LocalRuntime } from './local';
import { createLogger } from '../observability/logger';

/** The embedded runtime with PUNCTUAL_DELIVERY_WORKERS=2: webhooks leave from worker threads. */
describe('local runtime with delivery worker threads', () => {
  const adminToken = randomBytes(24).toString('base64url');
  let dataDir: string;
  let receiver: Receiver;
  let runtime: LocalRuntime | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-workers-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await runtime?.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers and records outcomes, then stops its workers on close', async () => {
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_DELIVERY_WORKERS: '2',
    });
    runtime = await startLocal(config, { logger: createLogger('silent') });
    const t = await jsonClient(runtime.url, { authorization: `Bearer ${adminToken}` }).post('/v1/tenants', {
      name: 'workers',
      plan: 'unlimited',
    });
    const c = jsonClient(runtime.url, { 'x-api-key': t.controlKey.key });
    const app = await c.post('/v1/apps', { name: 'w', target: { type: 'http', url: `${receiver.url}/hook` }, maxConcurrency: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await c.post('/v1/messages', { appId: app.id, payload: { i } })).id);
    const got = await receiver.waitFor('/hook', 40);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));

    // The outcome comes back from the worker and is recorded like any other.
    const deadline = Date.now() + 10_000;
    for (const id of ids) {
      for (;;) {
        const m = await c.get(`/v1/messages/${id}`);
        if (m.status === 'delivered') break;
        if (Date.now() > deadline) throw new Error(`message ${id} still ${m.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const [attempt] = (await c.get(`/v1/messages/${ids[0]}/attempts`)).items;
    expect(attempt).toMatchObject({ outcome: 'success', statusCode: 200 });

    await runtime.close();
    runtime = undefined;
  });
});
