import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLocal, itLocal, patience } from './local-only';
import { startReceiver } from './receiver';
import { answer } from './sdk';
import { newTenant, startTarget, type Target } from './target';

/**
 * The support code in stage mode, against a local server standing in for the stage (it speaks the
 * same API); the tunnel is played by requests to the receiver's port with the public URL's path.
 */
const stageVars = [
  'PUNCTUAL_E2E_BASE_URL',
  'PUNCTUAL_E2E_ADMIN_TOKEN',
  'PUNCTUAL_E2E_ID_TOKEN',
  'PUNCTUAL_E2E_RECEIVER_URL',
  'PUNCTUAL_E2E_RECEIVER_PORT',
  'PUNCTUAL_E2E_SKIP_LOG',
  'PUNCTUAL_E2E_PATIENCE',
];
const saved = Object.fromEntries(stageVars.map((k) => [k, process.env[k]]));
const restore = () => {
  for (const k of stageVars) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
};
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('e2e support against a deployed stage', () => {
  let server: Target;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    // The stand-in is a local server even when this file runs under `npm run e2e:stage`.
    for (const k of stageVars) delete process.env[k];
    server = await startTarget();
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'punctual-stage-mode-'));
    Object.assign(process.env, {
      PUNCTUAL_E2E_BASE_URL: `${server.baseUrl}/`,
      PUNCTUAL_E2E_ADMIN_TOKEN: server.adminToken,
      PUNCTUAL_E2E_RECEIVER_URL: 'https://receiver.example.com/hooks',
      PUNCTUAL_E2E_RECEIVER_PORT: String(port),
      PUNCTUAL_E2E_SKIP_LOG: join(dir, 'skipped'),
    });
    delete process.env.PUNCTUAL_E2E_ID_TOKEN;
    delete process.env.PUNCTUAL_E2E_PATIENCE;
  });
  afterAll(async () => {
    restore();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('receives on the fixed port behind the public URL, under a prefix of its own', async () => {
    const receiver = await startReceiver();
    try {
      expect(receiver.url).toMatch(/^https:\/\/receiver\.example\.com\/hooks\/e2e-[0-9a-f]{12}$/);
      const tunnelled = `http://127.0.0.1:${port}${new URL(receiver.url).pathname}`;
      expect((await fetch(`${tunnelled}/on-time`, { method: 'POST', body: 'x' })).status).toBe(200);
      // Another receiver's (or an earlier run's) delivery, and a stray visitor: answered, not recorded.
      expect((await fetch(`http://127.0.0.1:${port}/hooks/e2e-000000000000/on-time`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
      expect(receiver.received.map((r) => [r.path, r.body])).toEqual([['/on-time', 'x']]);
      await expect(startReceiver()).rejects.toThrow(`the receiver port ${port} (PUNCTUAL_E2E_RECEIVER_PORT) is in use`);
    } finally {
      await receiver.close();
    }
  });

  it('uses the stage and its operator token, and refuses a suite that configures a local server', async () => {
    const target = await startTarget();
    expect(target).toMatchObject({ baseUrl: server.baseUrl, adminToken: server.adminToken, remote: true });
    expect(target.local).toBeUndefined();
    await expect(startTarget({ PUNCTUAL_ALLOW_PRIVATE_TARGETS: 'false' })).rejects.toThrow(
      /configures the local server \(PUNCTUAL_ALLOW_PRIVATE_TARGETS\).*describeLocal/,
    );
    await target.close();
  });

  it('cleans up on close: apps deleted (messages aborted, schedules stopped), keys revoked', async () => {
    const target = await startTarget();
    const t = await newTenant(target, 'https://receiver.example.com/hooks/x');
    const other = await t.control.apps.create({ name: 'second', target: { type: 'http', url: 'https://receiver.example.com/hooks/y' } });
    const data = await answer(() => t.control.keys.create({ scope: 'data', appId: other.id }));
    const message = await answer(() => t.control.messages.create({ appId: t.app.id, delaySeconds: 3_600, payload: {} }));
    const schedule = await answer(() =>
      t.control.schedules.create({
        appId: other.id,
        name: 'daily',
        expression: 'rate(1 day)',
        startAt: new Date(Date.now() + 86_400_000).toISOString(),
        payload: {},
      }),
    );
    expect([message.status, schedule.status, data.status]).toEqual([201, 201, 201]);

    await target.close();

    expect((await answer(() => t.control.apps.list())).status).toBe(401);
    const services = server.local!.services;
    const p = { tenantId: t.tenant.id, keyId: t.tenant.controlKey.id, scope: 'control' as const, plan: t.tenant.plan };
    expect((await services.messages.get(p, message.data!.id)).status).toBe('aborted');
    await expect(services.apps.get(p, t.app.id)).rejects.toThrow();
    await expect(services.apps.get(p, other.id)).rejects.toThrow();
    const keys = await services.keys.list(p, { limit: 100 });
    expect(keys.items.map((k) => [k.id, Boolean(k.revokedAt)])).toEqual(
      expect.arrayContaining([
        [t.tenant.controlKey.id, true],
        [data.data!.id, true],
      ]),
    );
    expect(keys.items.every((k) => k.revokedAt)).toBe(true);
  });

  it('skips local-only tests, logging each reason for the runner', () => {
    expect(itLocal('needs PUNCTUAL_ALLOW_PRIVATE_TARGETS')).toBe(it.skip);
    expect(describeLocal('restarts the local server')).toBe(describe.skip);
    expect(readFileSync(join(dir, 'skipped'), 'utf8')).toBe('needs PUNCTUAL_ALLOW_PRIVATE_TARGETS\nrestarts the local server\n');
  });

  it('waits longer against a stage: 6× unless PUNCTUAL_E2E_PATIENCE says otherwise', () => {
    expect(patience(10_000)).toBe(60_000);
    process.env.PUNCTUAL_E2E_PATIENCE = '2';
    expect(patience(10_000)).toBe(20_000);
    delete process.env.PUNCTUAL_E2E_PATIENCE;
  });
});

describe('e2e support locally (no PUNCTUAL_E2E_BASE_URL)', () => {
  beforeAll(() => {
    for (const k of stageVars) delete process.env[k];
  });
  afterAll(restore);

  it('runs everything and waits the given time', async () => {
    expect(itLocal('any')).toBe(it);
    expect(describeLocal('any')).toBe(describe);
    expect(patience(10_000)).toBe(10_000);
    const receiver = await startReceiver();
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await fetch(`${receiver.url}/p`, { method: 'POST' });
    expect(receiver.on('/p')).toHaveLength(1);
    await receiver.close();
  });
});
