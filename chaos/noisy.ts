import type { Receiver } from '../test/support/receiver';
import { newTenantClient, type JsonClient } from './http';
import { percentiles } from './sick';

/**
 * The noisy neighbour: tenant X has many apps whose receivers never answer (a long timeout, a high
 * `maxConcurrency`) and a burst of messages for them; once X's attempts hold their slots, tenant Y sends
 * a burst to a receiver that answers in 100 ms. Y's lateness (arrival − sendAt) says whether X can starve
 * it. Used by `libs/engine/noisy-neighbour.int.test.ts` and `npm run chaos -- noisy`; the caller runs the
 * server and the receiver.
 */
export interface NoisyOptions {
  baseUrl: string;
  adminToken: string;
  receiver: Receiver;
  /** X's apps, whose receivers hang. @default 100 */
  noisyApps?: number;
  /** X's messages, spread over its apps, all due at once. @default 600 */
  noisyMessages?: number;
  /** X's apps' per-attempt timeout. @default 60_000 */
  noisyTimeoutMs?: number;
  /** Y's messages, all due at one instant. @default 600 */
  healthyMessages?: number;
  /** How long Y's receiver takes to answer. @default 100 */
  healthyAnswerMs?: number;
  /** How long to wait for Y's messages past their due time before giving up. @default 30_000 */
  waitMs?: number;
}

export interface NoisyReport {
  noisyApps: number;
  noisyMessages: number;
  /** X's attempts that reached its receivers (and hang there) when Y's messages were due. */
  noisyHanging: number;
  healthyMessages: number;
  /** Y's messages that arrived, of `healthyMessages`. */
  arrived: number;
  /** Lateness of Y's first arrivals, ms. */
  lateness: ReturnType<typeof percentiles>;
}

const defaults = {
  noisyApps: 100,
  noisyMessages: 600,
  noisyTimeoutMs: 60_000,
  healthyMessages: 600,
  healthyAnswerMs: 100,
  waitMs: 30_000,
};

/** Posts `items` in batches of 100. */
const batches = async (c: JsonClient, items: Record<string, unknown>[]) => {
  for (let i = 0; i < items.length; i += 100) await c.post('/v1/messages/batch', { items: items.slice(i, i + 100) });
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const runNoisyNeighbour = async (options: NoisyOptions): Promise<NoisyReport> => {
  const o = { ...defaults, ...options };
  const { receiver } = o;
  receiver.respond(/^\/noisy-\d+$/, () => undefined); // never answers
  receiver.respond('/healthy', (_req, _n, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200).end('ok');
    }, o.healthyAnswerMs);
  });
  const noisyCount = () => receiver.received.filter((r) => r.path.startsWith('/noisy-')).length;

  const x = (await newTenantClient(o.baseUrl, o.adminToken, 'noisy')).client;
  const apps: string[] = [];
  for (let a = 0; a < o.noisyApps; a++) {
    const app = await x.post('/v1/apps', {
      name: `noisy-${a}`,
      target: { type: 'http', url: `${receiver.url}/noisy-${a}`, timeoutMs: o.noisyTimeoutMs },
      maxConcurrency: 1_000,
    });
    apps.push(app.id);
  }
  await batches(
    x,
    Array.from({ length: o.noisyMessages }, (_, i) => ({ appId: apps[i % apps.length], payload: { noisy: i } })),
  );
  // Until X's attempts stop arriving (they hold their slots): at most 20 s, half a second without news.
  let seen = -1;
  for (let waited = 0; waited < 20_000 && noisyCount() !== seen; waited += 500) {
    seen = noisyCount();
    await sleep(500);
  }

  const y = (await newTenantClient(o.baseUrl, o.adminToken, 'healthy')).client;
  const healthy = await y.post('/v1/apps', { name: 'healthy', target: { type: 'http', url: `${receiver.url}/healthy` } });
  const due = Date.now() + 2_000;
  await batches(
    y,
    Array.from({ length: o.healthyMessages }, (_, i) => ({ appId: healthy.id, sendAt: new Date(due).toISOString(), payload: { i } })),
  );
  const noisyHanging = noisyCount();
  const arrivals = () => new Set(receiver.on('/healthy').map((r) => r.headers['webhook-id'])).size;
  for (let waited = 0; arrivals() < o.healthyMessages && waited < o.waitMs + 2_000; waited += 100) await sleep(100);

  const first = new Map<string, number>();
  for (const r of receiver.on('/healthy')) {
    const id = String(r.headers['webhook-id']);
    if (!first.has(id)) first.set(id, r.at - Date.parse(String(r.headers['punctual-scheduled-at'])));
  }
  return {
    noisyApps: o.noisyApps,
    noisyMessages: o.noisyMessages,
    noisyHanging,
    healthyMessages: o.healthyMessages,
    arrived: first.size,
    lateness: percentiles([...first.values()]),
  };
};
