import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient, newTenantClient } from '../../chaos/http';
import { startChild, type ChildServer } from '../../e2e/support/child';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { runCli, runMainToExit } from '../../test/support/server-process';
import { lockFile } from './data-lock';
import { ExitCode } from './start-errors';

/** One server per data directory: a second is refused while the first works on; a killed one's lock is taken over. */
describe('data directory lock (child processes)', () => {
  let dataDir: string;
  let receiver: Receiver;
  const adminToken = randomBytes(24).toString('base64url');
  const servers: ChildServer[] = [];
  const start = async () => {
    const s = await startChild({ PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken });
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-lock-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const s of servers) {
      s.process.kill('SIGKILL');
      await s.exited;
    }
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second server in one line naming the directory and the holder, while the first keeps delivering', async () => {
    const first = await start();
    const { client } = await newTenantClient(first.url, adminToken, 'locked');
    const app = await client.post('/v1/apps', { name: 'a', target: { type: 'http', url: `${receiver.url}/locked` } });
    // Due after the second start has been refused.
    const m = await client.post('/v1/messages', { appId: app.id, delaySeconds: 2, payload: { n: 1 } });

    const second = await runMainToExit({ PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken });
    expect(second.code).toBe(ExitCode.environment);
    expect(second.stderr.trim().split('\n')).toEqual([
      `punctual: could not start: the data directory ${dataDir} is in use by another punctual server (pid ${first.process.pid}); ` +
        'stop it, or set PUNCTUAL_DATA_DIR elsewhere',
    ]);

    // The operator CLI works beside the running server.
    const listed = await runCli(['tenants', 'list', '--json'], dataDir);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).items).toHaveLength(1);

    const [delivery] = await receiver.waitFor('/locked', 1);
    expect(delivery.headers['webhook-id']).toBe(m.id);
    expect(await jsonClient(first.url).call('GET', '/v1/health')).toMatchObject({ status: 200 });
  }, 120_000);

  it('takes over the lock of a server killed with SIGKILL', async () => {
    const killed = servers[0];
    killed.process.kill('SIGKILL');
    await killed.exited;
    // The stale lock is still there, naming a process that is gone.
    expect(readFileSync(join(dataDir, lockFile), 'utf8').trim()).toBe(String(killed.process.pid));
    const next = await start();
    expect(readFileSync(join(dataDir, lockFile), 'utf8').trim()).toBe(String(next.process.pid));
    expect((await jsonClient(next.url).call('GET', '/v1/health')).status).toBe(200);
    // A clean stop releases it.
    next.process.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(() => readFileSync(join(dataDir, lockFile))).toThrow(/ENOENT/);
  }, 120_000);
});
