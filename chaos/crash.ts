import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startChild, type ChildServer } from '../e2e/support/child';
import { type JsonAnswer, jsonClient } from './http';

/**
 * Crash recovery under load: a burst of messages, the server SIGKILLed at a random moment of it,
 * restarted on the same data directory, the unacknowledged part of the burst re-sent with the
 * same idempotency keys (what a careful client does), and every arrival counted by `webhook-id`.
 * Used by `libs/runtime/crash.int.test.ts` (one round of 1,000) and `npm run chaos` (5 × 20,000).
 */

/** A receiver that keeps only what the count needs (id, payload index, time), so 100,000 arrivals stay small. */
export interface CountingReceiver {
  url: string;
  /** webhook-id → arrival times (ms). */
  arrivals: Map<string, number[]>;
  /** webhook-ids whose body did not carry the payload sent for them. */
  mismatched: Set<string>;
  total(): number;
  close(): Promise<void>;
}

export const startCountingReceiver = async (options: { expected: Map<string, string>; maxDelayMs?: number }): Promise<CountingReceiver> => {
  const arrivals = new Map<string, number[]>();
  const mismatched = new Set<string>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      total++;
      arrivals.set(id, [...(arrivals.get(id) ?? []), Date.now()]);
      const tag = options.expected.get(id);
      if (tag !== undefined && tag !== body) mismatched.add(id);
      // A little latency keeps deliveries in flight when the kill lands.
      const delay = options.maxDelayMs ? Math.floor(Math.random() * options.maxDelayMs) : 0;
      setTimeout(() => res.writeHead(200).end('ok'), delay);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    mismatched,
    total: () => total,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};

export interface CrashOptions {
  /** Messages per round. */
  messages: number;
  rounds: number;
  /** The server's data directory, shared by every start. */
  dataDir: string;
  adminToken: string;
  /** sendAt of each batch is up to this far after it is created, so creation and delivery overlap. @default 2_000 */
  spreadMs?: number;
  /**
   * When to kill: a fraction of the round's work (messages acknowledged + arrived, over 2 × messages), or a
   * condition on the counts (for a test that must kill in one phase whatever the machine's speed);
   * random in [0.05, 0.95) when absent.
   */
  killAt?: (round: number) => number | ((progress: { acknowledged: number; arrived: number }) => boolean);
  /** How long a round may take to see every message arrive after the restart. @default 120_000 */
  settleTimeoutMs?: number;
  /** Receiver latency, uniformly up to this. @default 5 */
  receiverDelayMs?: number;
  log?: (line: string) => void;
}

export interface CrashRound {
  round: number;
  /** Where the kill landed: share of messages acknowledged and arrived at that moment. */
  killedAt: { acknowledged: number; arrived: number };
  /** Batches re-sent after the restart because their answer had not arrived. */
  resent: number;
  restartMs: number;
  settleMs: number;
}

export interface CrashReport {
  rounds: CrashRound[];
  /** Messages acknowledged (201/200) by the server. */
  accepted: number;
  /** Accepted messages that never arrived. */
  lost: number;
  /** Arrivals beyond the first per webhook-id (at-least-once redeliveries). */
  duplicates: number;
  /** Arrivals whose webhook-id was never acknowledged (should be 0: idempotent re-sends return the original). */
  unknown: number;
  /** Arrivals whose body was not the payload sent with that id. */
  mismatched: number;
  /** Accepted messages not `delivered` in the store at the end. */
  notDelivered: number;
  /** How the server exited after the final SIGTERM. */
  finalExit: number | string;
}

/** Runs the crash rounds against `main.ts` in a child process; always leaves no child running. */
export const runCrashRounds = async (options: CrashOptions): Promise<CrashReport> => {
  const log = options.log ?? (() => undefined);
  const spread = options.spreadMs ?? 2_000;
  const expected = new Map<string, string>(); // id → body the receiver should get
  const receiver = await startCountingReceiver({ expected, maxDelayMs: options.receiverDelayMs ?? 5 });
  const env = { PUNCTUAL_DATA_DIR: options.dataDir, PUNCTUAL_ADMIN_TOKEN: options.adminToken, PUNCTUAL_LOG_LEVEL: 'error' };
  let server: ChildServer | undefined = await startChild(env);
  const rounds: CrashRound[] = [];
  try {
    const operator = jsonClient(server.url, { authorization: `Bearer ${options.adminToken}` });
    const tenant = await operator.post('/v1/tenants', { name: 'crash', plan: 'unlimited' });
    const auth = { 'x-api-key': tenant.controlKey.key as string };
    const app = await jsonClient(server.url, auth).post('/v1/apps', {
      name: 'crash',
      target: { type: 'http', url: `${receiver.url}/crash` },
      maxConcurrency: 50,
    });

    for (let round = 1; round <= options.rounds; round++) {
      const n = options.messages;
      const batches = Math.ceil(n / 100);
      const acknowledged = new Set<string>();
      const ids: string[] = [];
      const done = new Array<boolean>(batches).fill(false);
      const uniqueBefore = receiver.arrivals.size;
      /** Messages of this round that arrived (every earlier round's have all arrived, so the count is a difference). */
      const arrivedOfRound = () => receiver.arrivals.size - uniqueBefore;
      const items = (b: number, sendAt: string) =>
        Array.from({ length: Math.min(100, n - b * 100) }, (_, j) => {
          const i = b * 100 + j;
          return { appId: app.id, idempotencyKey: `r${round}-${i}`, sendAt, payload: { round, i } };
        });
      /** Sends the batches not yet acknowledged, in order, until one fails (the server died). */
      const produce = async (url: string): Promise<void> => {
        const c = jsonClient(url, auth);
        for (let b = 0; b < batches; b++) {
          if (done[b]) continue;
          const body = items(b, new Date(Date.now() + Math.floor(Math.random() * spread)).toISOString());
          let res: JsonAnswer;
          try {
            res = await c.call('POST', '/v1/messages/batch', { items: body });
          } catch {
            return; // connection refused or reset: the server is gone
          }
          if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(res.body)}`);
          for (const [j, item] of (
            res.body as { items: { status: number; message: { id: string; payload: unknown } }[] }
          ).items.entries()) {
            if (item.status !== 201 && item.status !== 200) throw new Error(`batch ${b} item ${j}: ${item.status}`);
            if (!acknowledged.has(item.message.id)) {
              acknowledged.add(item.message.id);
              ids.push(item.message.id);
              expected.set(item.message.id, JSON.stringify(body[j].payload));
            }
          }
          done[b] = true;
        }
      };

      // Kill at a random point of the round's work: creating, delivering, or both at once.
      const at = options.killAt?.(round) ?? 0.05 + Math.random() * 0.9;
      const due =
        typeof at === 'function'
          ? () => at({ acknowledged: acknowledged.size, arrived: arrivedOfRound() })
          : () => (acknowledged.size + arrivedOfRound()) / (2 * n) >= at;
      const victim: ChildServer = server;
      const producing = produce(victim.url).then(
        () => undefined,
        (err: unknown) => err,
      );
      const killBy = Date.now() + 120_000;
      while (!due()) {
        if (Date.now() > killBy)
          throw new Error(`round ${round} made no progress: ${acknowledged.size} acknowledged, ${arrivedOfRound()} arrived`);
        await new Promise((r) => setTimeout(r, 2));
      }
      const killedAt = { acknowledged: acknowledged.size, arrived: arrivedOfRound() };
      victim.process.kill('SIGKILL');
      await victim.exited;
      server = undefined;
      const failure = await producing;
      if (failure) throw failure;
      const restartStarted = Date.now();
      server = await startChild(env);
      const restartMs = Date.now() - restartStarted;
      const resent = done.filter((d) => !d).length;
      await produce(server.url);
      if (done.some((d) => !d)) throw new Error('could not re-send the unacknowledged batches after the restart');

      const settleStarted = Date.now();
      const deadline = settleStarted + (options.settleTimeoutMs ?? 120_000);
      while (arrivedOfRound() < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const r: CrashRound = { round, killedAt, resent, restartMs, settleMs: Date.now() - settleStarted };
      rounds.push(r);
      const missing = ids.filter((id) => !receiver.arrivals.has(id)).length;
      log(
        `round ${round}: SIGKILL with ${killedAt.acknowledged}/${n} acknowledged and ${killedAt.arrived} arrived; ` +
          `restarted in ${restartMs} ms, re-sent ${resent} batches; ` +
          `${missing === 0 ? 'all arrived' : `${missing} MISSING`} ${r.settleMs} ms later`,
      );
    }

    // Outcomes are written just after the receiver answers: give the last ones a moment, then ask the store.
    const c = jsonClient(server.url, auth);
    let notDelivered = Infinity;
    const deadline = Date.now() + 15_000;
    while (notDelivered > 0 && Date.now() < deadline) {
      notDelivered = 0;
      for (const status of ['scheduled', 'delivering', 'failed', 'aborted'])
        notDelivered += (await c.get(`/v1/messages?status=${status}&limit=100`)).items.length;
      if (notDelivered > 0) await new Promise((r) => setTimeout(r, 100));
    }
    const accepted = expected.size;
    let lost = 0;
    for (const id of expected.keys()) if (!receiver.arrivals.has(id)) lost++;
    let unknown = 0;
    for (const id of receiver.arrivals.keys()) if (!expected.has(id)) unknown++;
    const stopping: ChildServer = server;
    server = undefined;
    stopping.process.kill('SIGTERM');
    const finalExit = await stopping.exited;
    return {
      rounds,
      accepted,
      lost,
      duplicates: receiver.total() - receiver.arrivals.size,
      unknown,
      mismatched: receiver.mismatched.size,
      notDelivered,
      finalExit,
    };
  } finally {
    server?.process.kill('SIGKILL');
    await receiver.close();
  }
};
