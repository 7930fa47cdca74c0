import { deliveryFigures } from '../lib/deliveries';
import { enqueue, isoAt } from '../lib/enqueue';
import { note, report } from '../lib/report';
import { cpuMeter } from '../lib/rss';
import { startStack, type BenchContext } from '../lib/stack';
import { type OpenStreams, openStreams } from '../lib/streams';
import { warmDeliveries } from '../lib/warmup';
import { perSecond, sleep, summarize } from '../lib/stats';

export interface W2Params {
  /** Messages due per second. */
  rate: number;
  /** How long messages keep coming due. */
  seconds: number;
  /** How long after the last sendAt to wait for stragglers, ms. */
  waitMs: number;
  /** Messages delivered (and forgotten) first, so the delivery path is warm. */
  warmup: number;
  /** `GET /v1/events` streams held open during the run. @default 0 */
  streams: number;
  /**
   * Whose events the streams read: `idle`, another tenant's, which has none (the streams only cost their sockets and
   * heartbeats), or `bench`, the measured tenant's (every delivery is sent to each stream). @default 'idle'
   */
  streamsOf: 'idle' | 'bench';
}

/**
 * W2 steady: rate × seconds messages with sendAt spread evenly from T0, all scheduled ahead of
 * time through the batch route; measures how late each one arrives.
 */
export const w2 = async (ctx: BenchContext, p: W2Params): Promise<void> => {
  const s = await startStack(ctx);
  let streams: OpenStreams | undefined;
  try {
    const warmupMs = await warmDeliveries(s, p.warmup);
    if (p.streams > 0) {
      let key = s.tenant.key;
      if (p.streamsOf === 'idle') {
        const t = await s.api.call('POST', '/v1/tenants', { bearer: s.server.adminToken, body: { name: 'watcher', plan: 'unlimited' } });
        key = t.body.controlKey.key as string;
      }
      streams = await openStreams(s.server.url, key, p.streams);
      note(`w2: ${streams.open()} event streams open (${p.streamsOf === 'idle' ? "another tenant's: idle" : "the bench tenant's"})`);
    }
    const total = Math.round(p.rate * p.seconds);
    const cal = await enqueue(s.api, s.tenant, {
      n: Math.min(total, 2_000),
      concurrency: 4,
      batchSize: 100,
      sendAt: () => isoAt(Date.now() + 86_400_000),
    });
    const calibration = perSecond(cal.accepted, cal.ms);
    const leadMs = Math.round(Math.max(5_000, (total / Math.max(calibration, 100)) * 1_000 * 1.5 + 3_000));
    const t0 = Date.now() + leadMs;
    const gap = 1_000 / p.rate;
    note(`w2: scheduling ${total} messages, ${p.rate}/s from T0 = now + ${leadMs} ms`);
    const e = await enqueue(s.api, s.tenant, {
      n: total,
      concurrency: 4,
      batchSize: 100,
      sendAt: (i) => isoAt(t0 + Math.round(i * gap)),
      timeLimitMs: leadMs,
    });
    const ids = e.ids.filter((id): id is string => id !== undefined);
    const scheduledBeforeT0Ms = t0 - Date.now();
    await sleep(t0 - Date.now());
    const cpu = cpuMeter(s.server.pid);
    const missing = await s.receiver.waitFor(ids, t0 + p.seconds * 1_000 + p.waitMs, 100);
    const serverCpuPct = cpu();
    await sleep(500);
    const d = deliveryFigures(s.receiver, ids, t0);
    // The worst second: lateness p99 per second of sendAt.
    const bySecond = new Map<number, number[]>();
    for (const a of s.receiver.arrivals.values()) {
      const sec = Math.floor((a.sendAt - t0) / 1_000);
      if (!bySecond.has(sec)) bySecond.set(sec, []);
      bySecond.get(sec)!.push(a.at - a.sendAt);
    }
    const p99BySecond = [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => Math.round(summarize(v).p99));
    const worstSecondP99 = Math.max(...p99BySecond);
    report(
      'w2',
      { ...p, total, leadMs, calibrationRate: calibration, warmupMs },
      {
        schedule: {
          accepted: e.accepted,
          ratePerSec: perSecond(e.accepted, e.ms),
          errors: JSON.stringify(e.errors),
          finishedBeforeT0Ms: scheduledBeforeT0Ms,
        },
        delivery: { ...d, missingAtDeadline: missing, worstSecondP99Ms: worstSecondP99, p99BySecondMs: p99BySecond, serverCpuPct },
        ...(streams ? { streams: { open: streams.open(), eventsReceived: streams.events() } } : {}),
        serverMemory: s.rss.read(),
      },
      ctx.machine,
      { latenessP99Ms: '≤ 20' },
    );
  } finally {
    streams?.close();
    await s.close();
  }
};
