import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type ChildServer } from '../../e2e/support/child';
import { startReceiver, type Receiver } from '../../e2e/support/receiver';

/** A crash at any moment loses no accepted message: SIGKILL mid-burst, restart on the same data directory. */
describe('crash recovery (child process, SIGKILL)', () => {
  const N = 1_000;
  let dataDir: string;
  let receiver: Receiver;
  let server: ChildServer | undefined;
  const env = () => ({ PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken });
  const adminToken = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-crash-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    server?.process.kill('SIGKILL');
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (url: string, path: string, body: unknown, auth: Record<string, string>) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
    const json = (await res.json()) as any; // raw HTTP on purpose
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  it('delivers all 1,000 messages after a SIGKILL during the burst', async () => {
    server = await startChild(env());
    const tenant = await post(server.url, '/v1/tenants', { name: 'crash', plan: 'unlimited' }, { authorization: `Bearer ${adminToken}` });
    const auth = { 'x-api-key': tenant.controlKey.key };
    // Slow responses keep deliveries in flight when the kill lands.
    receiver.respond('/crash', () => ({ status: 200 }));
    const app = await post(server.url, '/v1/apps', { name: 'crash', target: { type: 'http', url: `${receiver.url}/crash` }, maxConcurrency: 50 }, auth);
    const sendAt = new Date(Date.now() + 3_000).toISOString();
    const ids = new Set<string>();
    for (let i = 0; i < N; i += 100) {
      const items = Array.from({ length: 100 }, (_, j) => ({ appId: app.id, sendAt, payload: { i: i + j } }));
      const res = await post(server.url, '/v1/messages/batch', { items }, auth);
      for (const item of res.items) ids.add(item.message.id);
    }
    expect(ids.size).toBe(N);

    // Kill as soon as the burst has started arriving.
    await receiver.waitFor('/crash', 1, 15_000);
    server.process.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    const beforeRestart = new Set(receiver.on('/crash').map((r) => String(r.headers['webhook-id'])));

    server = await startChild(env());
    const deadline = Date.now() + 30_000;
    let arrived = new Set<string>();
    while (Date.now() < deadline) {
      arrived = new Set(receiver.on('/crash').map((r) => String(r.headers['webhook-id'])));
      if ([...ids].every((id) => arrived.has(id))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const lost = [...ids].filter((id) => !arrived.has(id));
    expect(lost).toEqual([]);
    expect([...arrived].every((id) => ids.has(id))).toBe(true);
    // Redeliveries are allowed (at least once), but only as repeats of the same webhook-id.
    expect(receiver.on('/crash').length).toBeGreaterThanOrEqual(N);
    expect(beforeRestart.size).toBeLessThanOrEqual(N);
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    server = undefined;
  }, 90_000);
});
