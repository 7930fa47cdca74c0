import { routes, routesWithPathId, type Route } from '../libs/http/routes';
import { startReceiver, type Receiver } from './support/receiver';
import { answer } from './support/sdk';
import { newTenant, startTarget, type Target } from './support/target';

/**
 * Generated from the route table: every route with a path id is called with tenant A's ids by
 * callers who must not reach them. A new route is covered without anyone remembering — and fails
 * here until it has a sample body (when it takes one).
 */
const sampleBodies: Record<string, unknown> = {
  updateApp: { name: 'renamed by an intruder' },
  redriveMessage: {},
  updateSchedule: { name: 'renamed by an intruder' },
  updateTenant: { status: 'suspended' },
};

describe('tenant isolation over every route with a path id', () => {
  let target: Target;
  let receiver: Receiver;
  const ids: Record<string, string> = {};
  const secretsOfA: string[] = [];
  let A: Awaited<ReturnType<typeof newTenant>>;
  let B: Awaited<ReturnType<typeof newTenant>>;
  let bData: string;
  let aOtherAppData: string;

  beforeAll(async () => {
    target = await startTarget();
    receiver = await startReceiver();
    A = await newTenant(target, `${receiver.url}/a`, {
      name: 'app-of-tenant-A-7f3c',
      target: { type: 'http', url: `${receiver.url}/a`, headers: { authorization: 'Bearer A-header-secret' } },
    });
    B = await newTenant(target, `${receiver.url}/b`);
    ids.tenantId = A.tenant.id;
    ids.appId = A.app.id;
    ids.messageId = (
      await A.control.messages.create({ appId: A.app.id, delaySeconds: 3_600, payload: { marker: 'payload-of-A-91ab' } })
    ).id;
    const key = await A.control.keys.create({ scope: 'control', name: 'key-of-A-55d1' });
    ids.keyId = key.id;
    const schedule = await answer(() =>
      A.control.schedules.create({
        appId: A.app.id,
        name: 'schedule-of-A-c0de',
        expression: 'rate(1 day)',
        startAt: new Date(Date.now() + 86_400_000).toISOString(),
        payload: { marker: 'schedule-payload-of-A' },
      }),
    );
    expect(schedule.status).toBe(201);
    ids.scheduleId = schedule.data!.id;
    const other = await A.control.apps.create({ name: 'second app of A', target: { type: 'http', url: `${receiver.url}/a2` } });
    aOtherAppData = (await A.control.keys.create({ scope: 'data', appId: other.id })).key;
    bData = (await B.control.keys.create({ scope: 'data', appId: B.app.id })).key;
    secretsOfA.push(
      'app-of-tenant-A-7f3c',
      'payload-of-A-91ab',
      'key-of-A-55d1',
      'schedule-of-A-c0de',
      'schedule-payload-of-A',
      'A-header-secret',
      A.app.signingSecret,
      A.controlKey,
      key.key,
    );
  });
  afterAll(async () => {
    await target.close();
    await receiver.close();
  });

  const call = async (route: Route, apiKey: string) => {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!ids[name]) throw new Error(`the isolation suite has no id of A for {${name}} (route ${route.method} ${route.path}): add one`);
      return ids[name];
    });
    if (route.body === 'required' && !(route.operationId in sampleBodies))
      throw new Error(`add a sample body for ${route.operationId} to the isolation suite`);
    const body = route.body === 'none' ? undefined : JSON.stringify(sampleBodies[route.operationId] ?? {});
    const res = await fetch(`${target.baseUrl}${path}`, {
      method: route.method,
      headers: { 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    return { status: res.status, text: await res.text() };
  };

  const expectNothingOfA = (route: Route, text: string) => {
    for (const s of secretsOfA)
      expect({ route: `${route.method} ${route.path}`, leaked: text.includes(s) ? s : undefined }).toEqual({
        route: `${route.method} ${route.path}`,
        leaked: undefined,
      });
    // Only the id the caller sent may be echoed back.
    const sent = route.path.match(/\{(\w+)\}/g)!.map((p) => ids[p.slice(1, -1)]);
    for (const id of Object.values(ids)) if (!sent.includes(id)) expect(text).not.toContain(id);
  };

  it('covers every route with a path id', () => {
    expect(routesWithPathId().length).toBeGreaterThanOrEqual(15);
    expect(routesWithPathId().every((r) => routes.includes(r))).toBe(true);
  });

  /** An operator route takes no key at all: any key there is no credential (401), whoever's it is. */
  const operatorOnly = (route: Route) => route.access === 'operator';

  it.each(routesWithPathId().map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: tenant B's control key gets 404 (401 on an operator route)",
    async (_, route) => {
      const r = await call(route, B.controlKey);
      const expected = operatorOnly(route) ? 401 : 404;
      expect({ route: route.path, status: r.status }).toEqual({ route: route.path, status: expected });
      expect(JSON.parse(r.text)).toMatchObject({ error: expected === 401 ? 'unauthorized' : 'not_found' });
      expectNothingOfA(route, r.text);
    },
  );

  it.each(routesWithPathId().map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: tenant B's data key gets 404 or 403 forbidden_scope (401 on an operator route)",
    async (_, route) => {
      const r = await call(route, bData);
      const expected = operatorOnly(route) ? 401 : route.access === 'control' ? 403 : 404;
      expect({ route: route.path, status: r.status }).toEqual({ route: route.path, status: expected });
      expect(JSON.parse(r.text)).toMatchObject({ error: { 401: 'unauthorized', 403: 'forbidden_scope', 404: 'not_found' }[expected] });
      expectNothingOfA(route, r.text);
    },
  );

  it.each(routesWithPathId().map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: a data key of another app of A gets 403 forbidden_scope (401 on an operator route)',
    async (_, route) => {
      // Keys are not app resources: a data key may not touch them at all, which is also 403.
      const r = await call(route, aOtherAppData);
      const expected = operatorOnly(route) ? 401 : 403;
      expect({ route: route.path, status: r.status }).toEqual({ route: route.path, status: expected });
      expect(JSON.parse(r.text)).toMatchObject({ error: expected === 401 ? 'unauthorized' : 'forbidden_scope' });
      expectNothingOfA(route, r.text);
    },
  );

  it("leaves A's resources untouched", async () => {
    const me = await A.control.tenants.me();
    expect(me).toMatchObject({ id: ids.tenantId, status: 'active' });
    const app = await A.control.apps.get(ids.appId);
    expect(app.name).toBe('app-of-tenant-A-7f3c');
    const msg = await A.control.messages.get(ids.messageId);
    expect(msg.status).toBe('scheduled');
    const keys = await A.control.keys.list();
    expect(keys.items.find((k) => k.id === ids.keyId)!.revokedAt).toBeUndefined();
    const schedule = await A.control.schedules.get(ids.scheduleId);
    expect(schedule).toMatchObject({ name: 'schedule-of-A-c0de', state: 'active' });
    const runs = await A.control.schedules.runs(ids.scheduleId);
    expect(runs.items).toEqual([]);
  });
});
