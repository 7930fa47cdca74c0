import { type DeliveryFigures, deliveryFigures } from '../lib/deliveries';
import { enqueue, isoAt } from '../lib/enqueue';
import { note, report } from '../lib/report';
import { startStack, type BenchContext } from '../lib/stack';
import { warmDeliveries } from '../lib/warmup';
import { cpuMeter, selfCpuMeter } from '../lib/rss';
import { perSecond, sleep, summarize } from '../lib/stats';

export interface W1Params {
  /** Messages, all due at the same instant T0. */
  n: number;
  /** single: POST /v1/messages; batch: POST /v1/messages/batch. */
  mode: 'single' | 'batch';
  /** Calls in flight while enqueueing. */
  concurrency: number;
  /** Messages per batch call. */
  batchSize: number;
  /** T0 − start of enqueueing, ms; 0 means estimate it from a calibration run. */
  leadMs: number;
  /** How long after T0 to wait for stragglers before counting them lost, ms. */
  waitMs: number;
  /** Messages delivered (and forgotten) first, so the delivery path is warm (20: a cold server's first burst). */
  warmup: number;
}

/** What a burst run hands to comparisons (cold against warm, punctual against a peer). */
export interface BurstFigures {
  /** Delivered / (last − first arrival). */
  deliveriesPerSec: number;
  /** Delivered / (last arrival − T0). */
  deliveriesPerSecFromT0: number;
  latenessP99Ms: number;
  lost: number;
  duplicates: number;
}

/**
 * W1 burst: n messages due at one instant T0, enqueued before T0; measures the enqueue rate, then
 * how fast and how late the burst is delivered.
 */
/** A burst's headline figures from its delivery figures (the side a comparison shows). */
export const burstFigures = (d: DeliveryFigures): BurstFigures => ({
  deliveriesPerSec: d.deliveriesPerSec,
  deliveriesPerSecFromT0: d.deliveriesPerSecFromT0 ?? NaN,
  latenessP99Ms: d.latenessMs.p99,
  lost: d.lost,
  duplicates: d.duplicates,
});

export const w1 = async (ctx: BenchContext, p: W1Params): Promise<BurstFigures> => {
  const s = await startStack(ctx);
  try {
    const warmupMs = await warmDeliveries(s, p.warmup);
    const batchSize = p.mode === 'single' ? 1 : p.batchSize;
    let leadMs = p.leadMs;
    let calibration: number | undefined;
    if (!leadMs) {
      // A short run of the same calls, due in a day (never delivered here), to size the lead time.
      const calN = Math.min(p.n, p.mode === 'single' ? 1_000 : 5_000);
      const cal = await enqueue(s.api, s.tenant, {
        n: calN,
        concurrency: p.concurrency,
        batchSize,
        sendAt: () => isoAt(Date.now() + 86_400_000),
        timeLimitMs: 30_000,
      });
      calibration = perSecond(cal.accepted, cal.ms);
      leadMs = Math.round(Math.max(5_000, (p.n / Math.max(calibration, 100)) * 1_000 * 1.5 + 3_000));
    }
    const t0 = Date.now() + leadMs;
    note(`w1/${p.mode}: enqueueing ${p.n} due at T0 = now + ${leadMs} ms`);
    const [serverCpu, benchCpu] = [cpuMeter(s.server.pid), selfCpuMeter()];
    const enqueueStart = Date.now();
    const e = await enqueue(s.api, s.tenant, {
      n: p.n,
      concurrency: p.concurrency,
      batchSize,
      sendAt: () => isoAt(t0),
      timeLimitMs: leadMs,
    });
    const enqueuedAt = Date.now();
    const enqueueCpu = { serverPct: serverCpu(), benchPct: benchCpu() };
    const ids = e.ids.filter((id): id is string => id !== undefined);
    note(`w1/${p.mode}: ${e.accepted} accepted in ${Math.round(e.ms)} ms; waiting for deliveries (at most T0 + ${p.waitMs} ms)`);
    await sleep(t0 - Date.now());
    const [deliverCpu, receiverCpu] = [cpuMeter(s.server.pid), selfCpuMeter()];
    const missing = await s.receiver.waitFor(ids, t0 + p.waitMs, 10);
    const deliveryCpu = { serverPct: deliverCpu(), benchPct: receiverCpu() };
    await sleep(500); // late duplicates
    const d = deliveryFigures(s.receiver, ids, t0);
    const mem = s.rss.read();
    if (ctx.profilePhase === 'enqueue') s.profileWindow(enqueueStart, enqueuedAt);
    else if (d.lastArrivalMs !== undefined) s.profileWindow(t0, t0 + d.lastArrivalMs);
    report(
      `w1-${p.mode}-warmup${p.warmup}`,
      { ...p, batchSize, leadMs, warmupMs, ...(calibration !== undefined ? { calibrationRate: calibration } : {}) },
      {
        enqueue: {
          accepted: e.accepted,
          seconds: Math.round(e.ms) / 1000,
          ratePerSec: perSecond(e.accepted, e.ms),
          callMs: summarize(e.callMs),
          errors: JSON.stringify(e.errors),
          unsent: e.unsent,
          finishedBeforeT0Ms: t0 - enqueuedAt,
          // Server CPU time (all its threads) over the enqueue, per accepted message.
          cpu: {
            ...enqueueCpu,
            ...(e.accepted ? { serverUsPerMessage: Math.round((enqueueCpu.serverPct * 10 * e.ms) / e.accepted) } : {}),
          },
        },
        delivery: {
          ...d,
          missingAtDeadline: missing,
          // Server CPU time (all its threads) from T0 to the last arrival, per delivered message.
          cpu: {
            ...deliveryCpu,
            ...(d.delivered && d.lastArrivalMs
              ? { serverUsPerDelivery: Math.round((deliveryCpu.serverPct * 10 * d.lastArrivalMs) / d.delivered) }
              : {}),
          },
        },
        serverMemory: mem,
      },
      ctx.machine,
      {
        enqueueRatePerSec: p.mode === 'single' ? '≥ 10000' : '≥ 50000',
        deliveriesPerSec: '≥ 12000 (10k)',
        latenessP99Ms: '≤ 800',
        lost: 0,
      },
    );
    return burstFigures(d);
  } finally {
    await s.close();
  }
};
