import { note, report } from '../lib/report';
import { cpuMeter } from '../lib/rss';
import { startStack, type BenchContext } from '../lib/stack';
import { type OpenStreams, openStreams } from '../lib/streams';
import { warmDeliveries } from '../lib/warmup';
import { perSecond, sleep } from '../lib/stats';
import { scheduleSteady, steadyFigures } from '../lib/steady';

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
    note(`w2: scheduling ${Math.round(p.rate * p.seconds)} messages, ${p.rate}/s`);
    const stream = await scheduleSteady(s.api, s.tenant, p.rate, p.seconds);
    const { t0, ids } = stream;
    await sleep(t0 - Date.now());
    const cpu = cpuMeter(s.server.pid);
    const missing = await s.receiver.waitFor(ids, t0 + p.seconds * 1_000 + p.waitMs, 100);
    const serverCpuPct = cpu();
    await sleep(500);
    const { worstSecondP99Ms, p99BySecondMs, ...d } = steadyFigures(s.receiver, stream);
    report(
      'w2',
      { ...p, total: stream.total, leadMs: stream.leadMs, calibrationRate: stream.calibrationRate, warmupMs },
      {
        schedule: {
          accepted: stream.accepted,
          ratePerSec: perSecond(stream.accepted, stream.ms),
          errors: JSON.stringify(stream.errors),
          finishedBeforeT0Ms: stream.finishedBeforeT0Ms,
        },
        delivery: { ...d, missingAtDeadline: missing, worstSecondP99Ms, p99BySecondMs, serverCpuPct },
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
