import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startChild, type ChildServer } from '../e2e/support/child';
import { type JsonAnswer, jsonClient } from './http';

/**
 * Graceful stop under load: SIGTERM in the middle of a burst (while messages are still being
 * created and delivered), then a restart on the same data directory. Nothing accepted is lost,
 * and nothing the receiver answered 2xx before the stop is delivered again.
 * Used by `libs/runtime/shutdown.int.test.ts` and `npm run chaos`.
 */

export interface ShutdownReport {
  accepted: number;
  /** Messages acknowledged when SIGTERM was sent (fewer than `accepted`: it landed while the burst was being created). */
  acknowledgedAtStop: number;
  /** Accepted messages that never arrived. */
  lost: number;
  /** Messages answered 2xx (response fully sent) before the old process exited. */
  answeredBeforeStop: number;
  /** …of which the store does not say `delivered` with a `deliveredAt` before the exit. */
  answeredNotRecorded: number;
  /** …of which arrived again after the restart (must be 0). */
  redeliveredAfterAck: number;
  /** Arrivals after the restart of messages that were in flight, unanswered, at the stop (allowed). */
  redeliveredUnanswered: number;
  exitCode: number | string;
  /** SIGTERM to exit. */
  stopMs: number;
  /** What the stopping process wrote to stderr. */
  stderr: string;
}

interface Arrival {
  at: number;
  /** When our 2xx finished going out, if it did. */
  answeredAt?: number;
}

export const runShutdown = async (options: {
  messages: number;
  dataDir: string;
  adminToken: string;
  /** SIGTERM when this share of the messages has arrived. @default 0.3 */
  stopAt?: number;
  /** Receiver latency, uniformly up to this. @default 20 */
  receiverDelayMs?: number;
}): Promise<ShutdownReport> => {
  const arrivals = new Map<string, Arrival[]>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const a: Arrival = { at: Date.now() };
      arrivals.set(id, [...(arrivals.get(id) ?? []), a]);
      setTimeout(
        () => {
          res.on('finish', () => (a.answeredAt = Date.now()));
          res.writeHead(200).end('ok');
        },
        Math.floor(Math.random() * (options.receiverDelayMs ?? 20)),
      );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const env = { PUNCTUAL_DATA_DIR: options.dataDir, PUNCTUAL_ADMIN_TOKEN: options.adminToken, PUNCTUAL_LOG_LEVEL: 'error' };
  let server: ChildServer | undefined;
  try {
    server = await startChild(env);
    const tenant = await jsonClient(server.url, { authorization: `Bearer ${options.adminToken}` }).post('/v1/tenants', {
      name: 'stop',
      plan: 'unlimited',
    });
    const auth = { 'x-api-key': tenant.controlKey.key as string };
    const app = await jsonClient(server.url, auth).post('/v1/apps', {
      name: 'stop',
      target: { type: 'http', url: `${receiverUrl}/stop` },
      maxConcurrency: 64,
    });
    const n = options.messages;
    const batches = Math.ceil(n / 100);
    const done = new Array<boolean>(batches).fill(false);
    const ids = new Set<string>();
    const produce = async (url: string) => {
      const c = jsonClient(url, auth);
      for (let b = 0; b < batches; b++) {
        if (done[b]) continue;
        const items = Array.from({ length: Math.min(100, n - b * 100) }, (_, j) => ({
          appId: app.id,
          idempotencyKey: `s-${b * 100 + j}`,
          payload: { i: b * 100 + j },
        }));
        let res: JsonAnswer;
        try {
          res = await c.call('POST', '/v1/messages/batch', { items });
        } catch {
          return; // the server stopped listening
        }
        if (res.status === 503 || res.status === 0) return;
        if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(res.body)}`);
        for (const item of (res.body as { items: { message: { id: string } }[] }).items) ids.add(item.message.id);
        done[b] = true;
      }
    };
    const old: ChildServer = server;
    const producing = produce(old.url).then(
      () => undefined,
      (err: unknown) => err,
    );
    const deadline = Date.now() + 60_000;
    while (arrivals.size < n * (options.stopAt ?? 0.3)) {
      if (Date.now() > deadline) throw new Error(`only ${arrivals.size} arrivals before the stop`);
      await new Promise((r) => setTimeout(r, 2));
    }
    let stderr = '';
    old.process.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const stopStarted = Date.now();
    const acknowledgedAtStop = ids.size;
    old.process.kill('SIGTERM');
    const exitCode = await old.exited;
    const exitedAt = Date.now();
    const failure = await producing;
    if (failure) throw failure;
    // Everything answered 2xx before the exit, by id.
    const answered = new Set<string>();
    for (const [id, list] of arrivals) if (list.some((a) => a.answeredAt !== undefined && a.answeredAt <= exitedAt)) answered.add(id);
    const arrivalsBefore = new Map([...arrivals].map(([id, list]) => [id, list.length]));

    server = await startChild(env);
    await produce(server.url);
    if (done.some((d) => !d)) throw new Error('could not re-send the unacknowledged batches after the restart');
    const c = jsonClient(server.url, auth);
    let answeredNotRecorded = 0;
    for (const id of answered) {
      const m = await c.get(`/v1/messages/${id}`);
      if (m.status !== 'delivered' || Date.parse(m.deliveredAt) > exitedAt) answeredNotRecorded++;
    }
    const settleBy = Date.now() + 60_000;
    while ([...ids].some((id) => !arrivals.has(id)) && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // room for a redelivery that should not come
    let redeliveredAfterAck = 0;
    let redeliveredUnanswered = 0;
    for (const [id, list] of arrivals) {
      const again = list.length - (arrivalsBefore.get(id) ?? 0);
      if (again > 0 && (arrivalsBefore.get(id) ?? 0) > 0) {
        if (answered.has(id)) redeliveredAfterAck++;
        else redeliveredUnanswered++;
      }
    }
    const stopping: ChildServer = server;
    server = undefined;
    stopping.process.kill('SIGTERM');
    await stopping.exited;
    return {
      accepted: ids.size,
      acknowledgedAtStop,
      lost: [...ids].filter((id) => !arrivals.has(id)).length,
      answeredBeforeStop: answered.size,
      answeredNotRecorded,
      redeliveredAfterAck,
      redeliveredUnanswered,
      exitCode,
      stopMs: exitedAt - stopStarted,
      stderr,
    };
  } finally {
    server?.process.kill('SIGKILL');
    await new Promise<void>((r) => {
      receiver.close(() => r());
      receiver.closeAllConnections();
    });
  }
};
