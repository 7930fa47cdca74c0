import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../../../libs/runtime/config';
import { startLocal, type LocalRuntime } from '../../../libs/runtime/local';
import { createLogger } from '../../../libs/observability/logger';
import { eventually } from '../../../test/support/eventually';
import { startReceiver, type Receiver } from '../../../test/support/receiver';

/** The schedules API over HTTP: the real embedded server, and a real receiver on loopback. */
describe('schedules API (embedded server)', () => {
  const adminToken = randomBytes(24).toString('base64url');
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let hookUrl: string;
  let controlKey: string;
  let appId: string;

  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by shape, so loosely typed here
  type Json = Record<string, any>;
  const call = async (method: string, path: string, body?: unknown, auth: Record<string, string> = { 'x-api-key': controlKey }) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  const yearly = { name: 'birthday', expression: 'cron(0 9 15 3 ? *)', timezone: 'America/New_York', payload: { hello: 'world' } };

  beforeAll(async () => {
    receiver = await startReceiver();
    hookUrl = `${receiver.url}/hook`;
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-schedules-http-'));
    const config = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken });
    runtime = await startLocal(config, { logger: createLogger('silent') });
    const tenant = await call('POST', '/v1/tenants', { name: 'sched', plan: 'unlimited' }, { authorization: `Bearer ${adminToken}` });
    expect(tenant.status).toBe(201);
    controlKey = tenant.body.controlKey.key;
    const app = await call('POST', '/v1/apps', { name: 'hooks', target: { type: 'http', url: hookUrl } });
    expect(app.status).toBe(201);
    appId = app.body.id;
  });

  afterAll(async () => {
    await runtime?.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a schedule with nextRunAt, and a trigger delivers a signed run with punctual-schedule-id that shows in runs', async () => {
    const created = await call('POST', '/v1/schedules', { appId, ...yearly, headers: { 'x-greeting': 'secret-ish' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ appId, state: 'active', runCount: 0, misfireGraceSeconds: 300, headerNames: ['x-greeting'] });
    expect(created.body.headers).toBeUndefined();
    expect(new Date(created.body.nextRunAt).getUTCHours()).toBe(13); // 09:00 EDT on 15 March
    const id = created.body.id as string;

    const run = await call('POST', `/v1/schedules/${id}/trigger`);
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ scheduleId: id, appId, payload: { hello: 'world' } });
    const delivery = await eventually(() => receiver.received.find((r) => r.headers['webhook-id'] === run.body.id));
    expect(delivery.headers['punctual-schedule-id']).toBe(id);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,/);
    expect(delivery.headers['x-greeting']).toBe('secret-ish');
    expect(JSON.parse(delivery.body)).toEqual({ hello: 'world' });

    const runs = await eventually(async () => {
      const r = await call('GET', `/v1/schedules/${id}/runs`);
      return r.body.items?.[0]?.status === 'delivered' ? r : undefined;
    });
    expect(runs.body.items.map((m: Json) => m.id)).toEqual([run.body.id]);
    const after = await call('GET', `/v1/schedules/${id}`);
    expect(after.body).toMatchObject({ runCount: 1, nextRunAt: created.body.nextRunAt });
  });

  it('pauses, resumes, patches, lists and deletes, keeping the run history readable', async () => {
    const { body: s } = await call('POST', '/v1/schedules', { appId, ...yearly });
    const paused = await call('POST', `/v1/schedules/${s.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.state).toBe('paused');
    expect(paused.body.nextRunAt).toBeUndefined();
    const resumed = await call('POST', `/v1/schedules/${s.id}/resume`);
    expect(resumed.body).toMatchObject({ state: 'active', nextRunAt: s.nextRunAt });
    const patched = await call('PATCH', `/v1/schedules/${s.id}`, { timezone: 'Asia/Tokyo' });
    expect(patched.status).toBe(200);
    expect(new Date(patched.body.nextRunAt).getUTCHours()).toBe(0); // 09:00 JST
    expect((await call('GET', `/v1/schedules?appId=${appId}&limit=100`)).body.items.map((x: Json) => x.id)).toContain(s.id);

    const run = await call('POST', `/v1/schedules/${s.id}/trigger`);
    expect((await call('DELETE', `/v1/schedules/${s.id}`)).status).toBe(204);
    expect((await call('GET', `/v1/schedules/${s.id}`)).status).toBe(404);
    expect((await call('GET', `/v1/messages/${run.body.id}`)).body).toMatchObject({ scheduleId: s.id });
    expect((await call('GET', `/v1/messages?scheduleId=${s.id}`)).body.items).toHaveLength(1);
  });

  it('answers 409 to resuming a completed schedule', async () => {
    const { body: s } = await call('POST', '/v1/schedules', { appId, ...yearly });
    const ended = await call('PATCH', `/v1/schedules/${s.id}`, { endAt: new Date(Date.now() + 60_000).toISOString() });
    expect(ended.body.state).toBe('completed');
    const resumed = await call('POST', `/v1/schedules/${s.id}/resume`);
    expect(resumed.status).toBe(409);
    expect(resumed.body.error).toBe('conflict');
  });

  it('refuses bad input with a code that says which field is wrong and why', async () => {
    const bad = (over: Json) => call('POST', '/v1/schedules', { appId, ...yearly, ...over });
    const rate = await bad({ expression: 'rate(30 seconds)' });
    expect(rate).toMatchObject({ status: 400, body: { error: 'invalid_expression', details: [{ path: 'expression' }] } });
    expect(rate.body.message).toMatch(/1 minute/);
    const cron = await bad({ expression: 'cron(0 9 * * * *)' });
    expect(cron).toMatchObject({ status: 400, body: { error: 'invalid_expression' } });
    expect(cron.body.message).toMatch(/\?/);
    expect(await bad({ timezone: 'Mars/Olympus' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_timezone', details: [{ path: 'timezone' }] },
    });
    const past = await bad({ expression: 'at(2020-01-01T00:00:00)' });
    expect(past).toMatchObject({ status: 400, body: { error: 'invalid_expression' } });
    expect(past.body.message).toMatch(/past/);
    const window = await bad({ startAt: '2030-01-02T00:00:00Z', endAt: '2030-01-01T00:00:00Z' });
    expect(window).toMatchObject({ status: 400, body: { error: 'invalid_request', details: [{ path: 'endAt' }] } });
    expect(await bad({ name: '' })).toMatchObject({ status: 400, body: { error: 'invalid_request', details: [{ path: 'name' }] } });
    expect((await call('POST', '/v1/schedules', { ...yearly })).body.details).toEqual([expect.objectContaining({ path: 'appId' })]);
  });

  it('keeps data keys to their own app (403) and other tenants out (404)', async () => {
    const { body: s } = await call('POST', '/v1/schedules', { appId, ...yearly });
    const other = await call('POST', '/v1/apps', { name: 'other', target: { type: 'http', url: hookUrl } });
    const key = await call('POST', '/v1/keys', { scope: 'data', appId: other.body.id });
    const dataAuth = { 'x-api-key': key.body.key };
    expect(await call('GET', `/v1/schedules/${s.id}`, undefined, dataAuth)).toMatchObject({
      status: 403,
      body: { error: 'forbidden_scope' },
    });
    expect((await call('POST', `/v1/schedules/${s.id}/trigger`, undefined, dataAuth)).status).toBe(403);
    expect((await call('GET', `/v1/schedules`, undefined, dataAuth)).body.items).toEqual([]);
    const tenant = await call('POST', '/v1/tenants', { name: 'stranger' }, { authorization: `Bearer ${adminToken}` });
    const stranger = { 'x-api-key': tenant.body.controlKey.key };
    expect(await call('GET', `/v1/schedules/${s.id}`, undefined, stranger)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await call('GET', `/v1/schedules/${s.id}/runs`, undefined, stranger)).status).toBe(404);
  });
});
