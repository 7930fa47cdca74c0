/**
 * The BullMQ peer's worker, run as its own process (as punctual's server is) by the `peers` workload: takes each
 * job of the queue when its delay ends and POSTs its payload to the receiver, signed the way punctual signs
 * (Standard Webhooks: HMAC-SHA256 over id, timestamp and body), over a keep-alive pool. Prints `ready` once
 * connected; SIGTERM closes it.
 *
 * Environment: BENCH_REDIS_PORT, BENCH_QUEUE, BENCH_TARGET_URL, BENCH_CONCURRENCY.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Pool } from 'undici';

/** What the bench puts in each job. */
interface JobData {
  payload: unknown;
  /** RFC 3339 due time, sent as punctual-scheduled-at so the receiver measures lateness the same way. */
  sendAt: string;
}

const main = async (): Promise<void> => {
  const port = Number(process.env.BENCH_REDIS_PORT);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 256);
  const target = new URL(process.env.BENCH_TARGET_URL ?? '');
  const secret = randomBytes(24);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const worker = new Worker<JobData>(
    process.env.BENCH_QUEUE ?? 'bench',
    async (job) => {
      const id = `bullmq-${job.id}`;
      const body = JSON.stringify(job.data.payload);
      const ts = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64');
      const res = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': `v1,${signature}`,
          'punctual-scheduled-at': job.data.sendAt,
        },
        body,
      });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
    },
    { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, concurrency, removeOnComplete: { count: 0 } },
  );
  worker.on('error', (err) => process.stderr.write(`bullmq worker: ${err.message}\n`));
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker
      .close()
      .then(() => pool.close())
      .finally(() => process.exit(0));
  });
};

main().catch((err) => {
  process.stderr.write(`bullmq worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
