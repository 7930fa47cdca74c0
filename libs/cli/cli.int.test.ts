import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { runCli } from '../../test/support/server-process';
import { createLogger } from '../observability/logger';
import { loadLocalConfig } from '../runtime/config';
import { type LocalRuntime, startLocal } from '../runtime/local';

const bin = join(__dirname, '..', '..', 'bin', 'punctual.js');
const run = (args: string[], dataDir: string) =>
  execFileSync(process.execPath, [bin, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, PUNCTUAL_ADMIN_TOKEN: '' },
  });

/** Output meant for people: no console.table index column, no quoted strings, no object dumps. */
const expectReadable = (text: string) => {
  expect(text).not.toMatch(/\(index\)|\[Object|\[object|'|┌|│/);
};

describe('operator CLI', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'punctual-cli-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a tenant with a control key and reads its (empty) usage', () => {
    const created = JSON.parse(run(['tenants', 'create', '--name', 'acme', '--plan', 'pro', '--json'], dataDir));
    expect(created).toMatchObject({
      id: expect.stringMatching(/^ten_/),
      name: 'acme',
      plan: 'pro',
      controlKey: { key: expect.stringMatching(/^pk_/) },
    });
    const usage = JSON.parse(run(['usage', '--tenant', created.id, '--from', '2026-01-01', '--to', '2026-01-31', '--json'], dataDir));
    expect(usage).toEqual({ items: [], totals: { requests: 0, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 } });
    const table = run(['usage', '--tenant', created.id, '--from', '2026-01-01', '--to', '2026-01-31'], dataDir);
    expect(table).toBe('(none)\ntotals: 0 requests, 0 scheduled, 0 deliveries, 0 attempts, 0 failures\n');
  });

  it('explains mistakes and exits non-zero', () => {
    expect(() => run(['tenants', 'create', '--name', 'x', '--plan', 'gold'], dataDir)).toThrow(/unknown plan "gold"/);
    expect(() => run(['usage', '--tenant', 'ten_nope'], dataDir)).toThrow(/not found/);
    expect(() => run(['frobnicate'], dataDir)).toThrow(/unknown command/);
    expect(() => run(['tenants', 'suspend'], dataDir)).toThrow(/expected one tenant id/);
    expect(() => run(['messages', 'list'], dataDir)).toThrow(/needs --tenant/);
  });

  it('validates dates as the API does: real days as YYYY-MM-DD, from not after to (exit 2)', async () => {
    const t = JSON.parse(run(['tenants', 'create', '--name', 'dates', '--json'], dataDir));
    for (const [args, message] of [
      [['--from', '2026-02-30'], /from: not a real date/],
      [['--to', '01/02/2026'], /to: must be a date as YYYY-MM-DD/],
      [['--from', '2026-03-01', '--to', '2026-02-01'], /is after to/],
    ] as const) {
      const r = await runCli(['usage', '--tenant', t.id, ...args], dataDir);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    const badStatus = await runCli(['messages', 'list', '--tenant', t.id, '--status', 'lost'], dataDir);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/status/);
  }, 60_000);
});

/** The CLI beside a running server: what it changes applies there within a second. */
describe('operator CLI beside a running server', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let tenantId: string;
  let control: JsonClient;
  let appId: string;
  /**
   * A call with the tenant's control key. The CLI runs take seconds, so a kept-alive connection may have been closed by the
   * server meanwhile: one reset is retried on a new connection.
   */
  const call = async (method: string, path: string, body?: unknown) => {
    try {
      return await control.call(method, path, body);
    } catch (err) {
      if (!/fetch failed/.test((err as Error).message)) throw err;
      return control.call(method, path, body);
    }
  };
  const body = async (method: string, path: string, payload?: unknown) => {
    const r = await call(method, path, payload);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, never>;
  };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-cli-beside-'));
    receiver = await startReceiver();
    const adminToken = randomBytes(24).toString('base64url');
    runtime = await startLocal(loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken }), {
      logger: createLogger('silent'),
    });
    const t = await jsonClient(runtime.url, { authorization: `Bearer ${adminToken}` }).post('/v1/tenants', {
      name: 'beside',
      plan: 'free',
    });
    tenantId = t.id;
    control = jsonClient(runtime.url, { 'x-api-key': t.controlKey.key });
    appId = (await control.post('/v1/apps', { name: 'a', target: { type: 'http', url: `${receiver.url}/beside` } })).id;
  });
  afterAll(async () => {
    await runtime.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists and reads tenants in readable tables, or as the API answers them with --json', () => {
    const list = run(['tenants', 'list'], dataDir);
    expectReadable(list);
    const [header, row] = list.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['id', 'name', 'plan', 'status', 'created', 'updated']);
    expect(row.split(/\s{2,}/)).toEqual([tenantId, 'beside', 'free', 'active', expect.stringMatching(/^\d{4}-/), '-']);
    expect(JSON.parse(run(['tenants', 'list', '--json'], dataDir))).toEqual({
      items: [{ id: tenantId, name: 'beside', plan: 'free', status: 'active', createdAt: expect.any(String) }],
    });
    const one = run(['tenants', 'get', tenantId], dataDir);
    expectReadable(one);
    expect(one).toMatch(new RegExp(`^id: +${tenantId}$`, 'm'));
    expect(one).toMatch(/^limits: +10\/s \(burst 20\), 1,000 requests\/DAY, 1,000 pending, 5 keys, 10 active schedules$/m);
    expect(one).toMatch(/^live keys: +1$/m);
    expect(JSON.parse(run(['tenants', 'get', tenantId, '--json'], dataDir))).toMatchObject({
      id: tenantId,
      limits: { maxKeys: 5 },
      liveKeys: 1,
      activeSchedules: 0,
      pendingMessages: 0,
    });
  });

  it('moves a tenant and its keys to another plan; the server applies it within a second', async () => {
    expect(run(['tenants', 'set-plan', tenantId, 'trial'], dataDir)).toBe(
      `tenant ${tenantId} (beside): plan trial; its keys moved with it\n`,
    );
    await eventually(async () => (await body('GET', '/v1/tenants/me')).plan === 'trial', { intervalMs: 100 });
    expect((await body('GET', '/v1/keys')).items[0]).toMatchObject({ plan: 'trial' });
    expect(() => run(['tenants', 'set-plan', tenantId, 'gold'], dataDir)).toThrow(/unknown plan "gold"/);
  });

  it('suspends a tenant (the server refuses its keys and holds its deliveries) and resumes it (they are delivered)', async () => {
    const m = await body('POST', '/v1/messages', { appId, delaySeconds: 3, payload: { via: 'cli' } });
    expect(run(['tenants', 'suspend', tenantId], dataDir)).toMatch(/suspended/);
    await eventually(async () => (await call('GET', '/v1/apps')).status === 403, { intervalMs: 100 });
    expect((await call('GET', '/v1/apps')).body).toMatchObject({ error: 'tenant_suspended' });
    // Due while suspended: held, unattempted.
    await eventually(
      async () => {
        const [held] = JSON.parse(run(['messages', 'list', '--tenant', tenantId, '--status', 'scheduled', '--json'], dataDir)).items;
        return held?.id === m.id && held.nextAttemptAt === undefined && Date.now() > Date.parse(m.sendAt) ? held : undefined;
      },
      { intervalMs: 250 },
    );
    expect(receiver.on('/beside')).toEqual([]);

    expect(run(['tenants', 'resume', tenantId], dataDir)).toMatch(/active/);
    await receiver.waitFor('/beside', 1);
    const shown = await eventually(() => {
      const out = JSON.parse(run(['messages', 'get', m.id, '--tenant', tenantId, '--json'], dataDir));
      return out.status === 'delivered' ? out : undefined;
    });
    expect(shown).toMatchObject({ id: m.id, attemptCount: 1, attempts: [{ attempt: 1, outcome: 'success', statusCode: 200 }] });
    const text = run(['messages', 'get', m.id, '--tenant', tenantId], dataDir);
    expectReadable(text);
    expect(text).toMatch(/^status: +delivered$/m);
    expect(text).toMatch(/^attempt +startedAt +ms +outcome +status +error$/m);
    const list = run(['messages', 'list', '--tenant', tenantId], dataDir);
    expectReadable(list);
    expect(list.split('\n')[1].split(/\s{2,}/)).toEqual([m.id, appId, 'delivered', m.sendAt, '1', '-']);
  }, 60_000);
});
