import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Punctual } from '@punctual/sdk';
import { parse } from 'yaml';

/**
 * Every operation of openapi.yaml has its SDK method: each one is called here against a server on 127.0.0.1 that
 * records the request, and must send the operation's method to its path with the credential the spec names. A
 * route added to the spec without a method in the SDK fails the first test until it gets one (and a line here).
 */
type Operation = { method: string; path: string; security: string[] };

const spec = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string; security?: Record<string, unknown>[] }>>;
};
const operations = new Map<string, Operation>();
for (const [path, item] of Object.entries(spec.paths))
  for (const [method, op] of Object.entries(item))
    if (op && typeof op === 'object' && op.operationId)
      operations.set(op.operationId, {
        method: method.toUpperCase(),
        path,
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
      });

const id = 'x_1';
/** One call per operation id, with whatever arguments it needs. */
const calls: Record<string, (p: Punctual) => PromiseLike<unknown> | AsyncIterable<unknown>> = {
  getHealth: (p) => p.health(),
  createTenant: (p) => p.tenants.create({ name: 'n' }),
  listTenants: (p) => p.tenants.list(),
  getOwnTenant: (p) => p.tenants.me(),
  getTenant: (p) => p.tenants.get(id),
  updateTenant: (p) => p.tenants.update(id, { plan: 'pro' }),
  createApp: (p) => p.apps.create({ name: 'a', target: { type: 'http', url: 'https://example.com' } }),
  listApps: (p) => p.apps.list(),
  getApp: (p) => p.apps.get(id),
  updateApp: (p) => p.apps.update(id, { name: 'b' }),
  deleteApp: (p) => p.apps.delete(id),
  rotateAppSecret: (p) => p.apps.rotateSecret(id),
  createKey: (p) => p.keys.create({ scope: 'control' }),
  listKeys: (p) => p.keys.list(),
  revokeKey: (p) => p.keys.revoke(id),
  createMessage: (p) => p.messages.create({ appId: id, payload: 1 }),
  listMessages: (p) => p.messages.list(),
  createMessageBatch: (p) => p.messages.batch([{ appId: id, payload: 1 }]),
  getMessage: (p) => p.messages.get(id),
  listMessageAttempts: (p) => p.messages.attempts(id),
  abortMessage: (p) => p.messages.abort(id),
  redriveMessage: (p) => p.messages.redrive(id),
  createSchedule: (p) => p.schedules.create({ appId: id, name: 's', expression: 'rate(1 hour)', payload: 1 }),
  listSchedules: (p) => p.schedules.list(),
  previewSchedule: (p) => p.schedules.preview({ expression: 'rate(1 hour)' }),
  getSchedule: (p) => p.schedules.get(id),
  updateSchedule: (p) => p.schedules.update(id, { name: 't' }),
  deleteSchedule: (p) => p.schedules.delete(id),
  pauseSchedule: (p) => p.schedules.pause(id),
  resumeSchedule: (p) => p.schedules.resume(id),
  triggerSchedule: (p) => p.schedules.trigger(id),
  listScheduleRuns: (p) => p.schedules.runs(id),
  getUsage: (p) => p.usage.get(),
  streamEvents: (p) => p.events(),
};

let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    if (req.url === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end('id: 1\nevent: attempt\ndata: {"appId":"app_1"}\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the SDK covers openapi.yaml', () => {
  it('has a method for every operation, and no call for an operation the spec no longer has', () => {
    expect(Object.keys(calls).sort()).toEqual([...operations.keys()].sort());
    expect(operations.size).toBeGreaterThanOrEqual(34);
  });

  it.each([...operations].map(([operationId, op]) => [operationId, op] as const))(
    '%s: sends its method to its path with its credential',
    async (operationId, op) => {
      const call = calls[operationId];
      if (!call) throw new Error(`no SDK call for ${operationId}: add its method and a line to this test`);
      const p = new Punctual({ baseUrl, apiKey: 'pk_test', adminToken: 'admin_test', retries: 0 });
      seen.length = 0;
      const result = call(p);
      if (Symbol.asyncIterator in result) for await (const _ of result) break;
      else await result;
      expect(seen).toHaveLength(1);
      const path = new URL(seen[0].url, baseUrl).pathname;
      const template = new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`);
      expect({ operationId, method: seen[0].method, path }).toEqual({
        operationId,
        method: op.method,
        path: expect.stringMatching(template),
      });
      const sent = { apiKey: 'x-api-key' in seen[0].headers, adminToken: 'authorization' in seen[0].headers };
      expect({ operationId, sent }).toEqual({
        operationId,
        sent: { apiKey: op.security.includes('apiKey'), adminToken: op.security.includes('adminToken') },
      });
    },
  );
});
