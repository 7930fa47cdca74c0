import { startChild } from '../e2e/support/child';
import { startReceiver } from '../test/support/receiver';
import { newTenantClient } from './http';
import { percentiles } from './sick';

/**
 * A healthy app's lateness (arrival − sendAt) while sick apps, whose receivers never answer,
 * are saturated with a backlog. Each run uses a fresh server in a child process.
 */
export interface LatenessOptions {
  dataDir: string;
  adminToken: string;
  /** Healthy messages, with sendAt spread evenly over `spreadMs`. */
  healthy: number;
  spreadMs: number;
  /** Sick apps, each with `sickBacklog` messages due at once to a receiver that hangs until the app's timeout. */
  sickApps: number;
  sickBacklog: number;
  /** The sick apps' per-attempt timeout. @default 2_000 */
  sickTimeoutMs?: number;
}

export interface LatenessReport {
  sickApps: number;
  sickBacklog: number;
  /** Healthy messages that arrived, of `healthy`. */
  arrived: number;
  healthy: number;
  /** Lateness of the healthy app's first arrivals, ms. */
  lateness: ReturnType<typeof percentiles>;
  /** Sick delivery attempts that reached the receiver during the run. */
  sickAttempts: number;
}

export const measureLateness = async (o: LatenessOptions): Promise<LatenessReport> => {
  const receiver = await startReceiver();
  receiver.respond('/healthy', () => ({ status: 200 }));
  const server = await startChild({
    PUNCTUAL_DATA_DIR: o.dataDir,
    PUNCTUAL_ADMIN_TOKEN: o.adminToken,
    PUNCTUAL_LOG_LEVEL: 'error',
    PUNCTUAL_DRAIN_TIMEOUT_MS: '500',
  });
  try {
    const { client: c } = await newTenantClient(server.url, o.adminToken, 'lateness');
    const healthy = await c.post('/v1/apps', { name: 'healthy', target: { type: 'http', url: `${receiver.url}/healthy` } });
    for (let s = 0; s < o.sickApps; s++) {
      receiver.respond(`/sick-${s}`, () => undefined); // never answers
      const app = await c.post('/v1/apps', {
        name: `sick-${s}`,
        target: { type: 'http', url: `${receiver.url}/sick-${s}`, timeoutMs: o.sickTimeoutMs ?? 2_000 },
      });
      for (let i = 0; i < o.sickBacklog; i += 100) {
        const items = Array.from({ length: Math.min(100, o.sickBacklog - i) }, (_, j) => ({
          appId: app.id,
          payload: { sick: s, i: i + j },
        }));
        await c.post('/v1/messages/batch', { items });
      }
    }
    if (o.sickApps) await receiver.waitFor('/sick-0', 1, 30_000); // the sick apps are being served, and stuck
    const sickPaths = Array.from({ length: o.sickApps }, (_, s) => `/sick-${s}`);
    const sickBefore = sickPaths.reduce((k, p) => k + receiver.on(p).length, 0);
    const t0 = Date.now() + 2_000;
    for (let i = 0; i < o.healthy; i += 100) {
      const items = Array.from({ length: Math.min(100, o.healthy - i) }, (_, j) => ({
        appId: healthy.id,
        sendAt: new Date(t0 + Math.floor(((i + j) * o.spreadMs) / o.healthy)).toISOString(),
        payload: { i: i + j },
      }));
      await c.post('/v1/messages/batch', { items });
    }
    const deadline = t0 + o.spreadMs + 60_000;
    while (new Set(receiver.on('/healthy').map((r) => r.headers['webhook-id'])).size < o.healthy && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = new Map<string, number>();
    for (const r of receiver.on('/healthy')) {
      const id = String(r.headers['webhook-id']);
      if (!first.has(id)) first.set(id, r.at - Date.parse(String(r.headers['punctual-scheduled-at'])));
    }
    return {
      sickApps: o.sickApps,
      sickBacklog: o.sickBacklog,
      arrived: first.size,
      healthy: o.healthy,
      lateness: percentiles([...first.values()]),
      sickAttempts: sickPaths.reduce((k, p) => k + receiver.on(p).length, 0) - sickBefore,
    };
  } finally {
    await receiver.close(); // resets the hanging connections, so the stop below is quick
    server.process.kill('SIGTERM');
    const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    if (exit === 'timeout') server.process.kill('SIGKILL');
  }
};
