import { type ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { atExit, defer } from '../lib/cleanup';
import { compare, load1 } from '../lib/compare';
import { deliveryFigures } from '../lib/deliveries';
import { runPool } from '../lib/enqueue';
import { repoRoot } from '../lib/machine';
import { Receiver } from '../lib/receiver';
import { hasRedis, redisInstallHint, startRedis } from '../lib/redis';
import { note, report } from '../lib/report';
import { cpuMeter, selfCpuMeter } from '../lib/rss';
import type { BenchContext } from '../lib/stack';
import { perSecond, sleep, summarize } from '../lib/stats';
import { type BurstFigures, burstFigures, w1 } from './w1';

export interface PeersParams {
  /** Messages (jobs), all due at one instant T0. */
  n: number;
  /** Calls (queue.add) in flight while enqueueing. */
  concurrency: number;
  /** Delivered (and forgotten) first: 20 is a cold server, 2,000 a warm one. */
  warmup: number;
  /** How long after T0 to wait for stragglers, ms. */
  waitMs: number;
  /** The BullMQ worker's concurrency. */
  workerConcurrency: number;
}

/** Starts the BullMQ worker process; resolves when it prints `ready`. */
const startWorker = async (redisPort: number, queue: string, targetUrl: string, concurrency: number) => {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/peers/bullmq-worker.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      BENCH_REDIS_PORT: String(redisPort),
      BENCH_QUEUE: queue,
      BENCH_TARGET_URL: targetUrl,
      BENCH_CONCURRENCY: String(concurrency),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const removeKill = atExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-4_000);
  });
  const stop = defer(`bullmq worker ${child.pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    removeKill();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bullmq worker not ready within 30 s\n${err}`)), 30_000);
      child.stdout!.on('data', (c: Buffer) => {
        if (c.toString('utf8').includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bullmq worker exited (${code})\n${err}`));
      });
    });
    child.stdout!.resume();
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid: child.pid!, stop };
};

/**
 * The W1 burst against BullMQ + Redis: `n` delayed jobs due at T0 added with `queue.add` at `concurrency`, a worker
 * process POSTing each to the same kind of receiver; the same figures as punctual's W1.
 */
export const bullmqBurst = async (ctx: BenchContext, p: PeersParams): Promise<BurstFigures> => {
  const receiver = new Receiver();
  await receiver.start();
  const redis = await startRedis();
  const queueName = 'bench';
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue(queueName, { connection, defaultJobOptions: { removeOnComplete: true, removeOnFail: 1_000 } });
  const closeQueue = defer('bullmq queue', () => queue.close());
  const worker = await startWorker(redis.port, queueName, receiver.url, p.workerConcurrency);
  const add = async (n: number, sendAt: number, concurrency: number, offset: number) => {
    const ids: string[] = new Array(n);
    const callMs: number[] = [];
    let errors = 0;
    const started = performance.now();
    const iso = new Date(sendAt).toISOString();
    await runPool(concurrency, n, Number.POSITIVE_INFINITY, async (i) => {
      const t = performance.now();
      try {
        const job = await queue.add('webhook', { payload: { i: i + offset }, sendAt: iso }, { delay: Math.max(0, sendAt - Date.now()) });
        ids[i] = `bullmq-${job.id}`;
      } catch {
        errors++;
      }
      callMs.push(performance.now() - t);
    });
    return { ids: ids.filter(Boolean), ms: performance.now() - started, callMs, errors };
  };
  try {
    const warmupStarted = performance.now();
    if (p.warmup > 0) {
      const w = await add(p.warmup, Date.now(), 4, 1_000_000);
      const missing = await receiver.waitFor(w.ids, Date.now() + 60_000);
      if (missing) note(`bullmq warm-up: ${missing} of ${p.warmup} jobs never arrived`);
      receiver.reset();
    }
    const warmupMs = Math.round(performance.now() - warmupStarted);
    // A short run of the same calls, due in a day (never delivered here), to size the lead time.
    const cal = await add(Math.min(p.n, 1_000), Date.now() + 86_400_000, p.concurrency, 2_000_000);
    const calibration = perSecond(cal.ids.length, cal.ms);
    const leadMs = Math.round(Math.max(5_000, (p.n / Math.max(calibration, 100)) * 1_000 * 1.5 + 3_000));
    const t0 = Date.now() + leadMs;
    note(`peers/bullmq: adding ${p.n} jobs due at T0 = now + ${leadMs} ms`);
    const [redisCpu, workerCpu, benchCpu] = [cpuMeter(redis.pid), cpuMeter(worker.pid), selfCpuMeter()];
    const e = await add(p.n, t0, p.concurrency, 0);
    const enqueueCpu = { redisPct: redisCpu(), workerPct: workerCpu(), benchPct: benchCpu() };
    note(`peers/bullmq: ${e.ids.length} added in ${Math.round(e.ms)} ms; waiting for deliveries`);
    await sleep(t0 - Date.now());
    const [rCpu, wCpu, bCpu] = [cpuMeter(redis.pid), cpuMeter(worker.pid), selfCpuMeter()];
    const missing = await receiver.waitFor(e.ids, t0 + p.waitMs, 10);
    const deliveryCpu = { redisPct: rCpu(), workerPct: wCpu(), benchPct: bCpu() };
    await sleep(500); // late duplicates
    const d = deliveryFigures(receiver, e.ids, t0);
    report(
      `peers-bullmq-warmup${p.warmup}`,
      { ...p, leadMs, warmupMs, calibrationRate: calibration },
      {
        enqueue: {
          accepted: e.ids.length,
          seconds: Math.round(e.ms) / 1000,
          ratePerSec: perSecond(e.ids.length, e.ms),
          callMs: summarize(e.callMs),
          errors: e.errors,
          cpu: enqueueCpu,
        },
        delivery: { ...d, missingAtDeadline: missing, cpu: deliveryCpu },
      },
      ctx.machine,
    );
    return burstFigures(d);
  } finally {
    await closeQueue();
    await worker.stop();
    await redis.stop();
    await receiver.close();
  }
};

/**
 * `peers`: the same burst against punctual (W1, single calls) and against BullMQ + Redis in one run, each on a fresh
 * server, and their ratios. Without redis-server, one line says how to install it and punctual runs alone.
 */
export const peers = async (ctx: BenchContext, p: PeersParams): Promise<void> => {
  const ours = await w1(ctx, {
    n: p.n,
    mode: 'single',
    concurrency: p.concurrency,
    batchSize: 1,
    leadMs: 0,
    waitMs: p.waitMs,
    warmup: p.warmup,
  });
  const oursLoad = load1();
  if (!hasRedis()) {
    note(redisInstallHint);
    process.stdout.write(`\n== peers ==\n  ${redisInstallHint}\n`);
    return;
  }
  const theirs = await bullmqBurst(ctx, p);
  const label = p.warmup >= 1_000 ? 'warm' : 'cold';
  compare(
    `peers-${label}-warmup${p.warmup}`,
    { label: 'punctual', ...ours, load1: oursLoad },
    { label: 'BullMQ', ...theirs, load1: load1() },
    ctx.machine,
  );
};
