import { type DeliveryFigures, deliveryFigures } from './deliveries';
import { enqueue, isoAt } from './enqueue';
import type { Api, Tenant } from './http';
import type { Receiver } from './receiver';
import { perSecond, summarize } from './stats';

/** A steady stream of messages scheduled ahead: which ones were accepted, and from when they come due. */
export interface SteadyStream {
  ids: string[];
  /** Wall ms at which the first message is due. */
  t0: number;
  total: number;
  accepted: number;
  errors: Record<string, number>;
  /** Batch calls' rate of a short calibration, messages/s: it sized the lead time. */
  calibrationRate: number;
  /** T0 − the start of scheduling, ms. */
  leadMs: number;
  /** How long scheduling took, ms. */
  ms: number;
  /** T0 − the end of scheduling, ms (negative: scheduling ran past T0 and the first messages were late already). */
  finishedBeforeT0Ms: number;
}

/**
 * Schedules `rate` × `seconds` messages for the tenant's app with sendAt spread evenly from a T0 far enough ahead that
 * every one is accepted before it comes due (batches of 100, 4 calls in flight).
 */
export const scheduleSteady = async (api: Api, tenant: Tenant, rate: number, seconds: number): Promise<SteadyStream> => {
  const total = Math.round(rate * seconds);
  // A short run of the same calls, due in a day (never delivered here), to size the lead time.
  const cal = await enqueue(api, tenant, {
    n: Math.min(total, 2_000),
    concurrency: 4,
    batchSize: 100,
    sendAt: () => isoAt(Date.now() + 86_400_000),
  });
  const calibrationRate = perSecond(cal.accepted, cal.ms);
  const leadMs = Math.round(Math.max(5_000, (total / Math.max(calibrationRate, 100)) * 1_000 * 1.5 + 3_000));
  const t0 = Date.now() + leadMs;
  const gap = 1_000 / rate;
  const e = await enqueue(api, tenant, {
    n: total,
    concurrency: 4,
    batchSize: 100,
    sendAt: (i) => isoAt(t0 + Math.round(i * gap)),
    timeLimitMs: leadMs,
  });
  return {
    ids: e.ids.filter((id): id is string => id !== undefined),
    t0,
    total,
    accepted: e.accepted,
    errors: e.errors,
    calibrationRate,
    leadMs,
    ms: e.ms,
    finishedBeforeT0Ms: t0 - Date.now(),
  };
};

/** Delivery figures of a steady stream, with the lateness p99 of each second of sendAt and the worst of them. */
export const steadyFigures = (
  receiver: Receiver,
  stream: SteadyStream,
): DeliveryFigures & { worstSecondP99Ms: number; p99BySecondMs: number[] } => {
  const d = deliveryFigures(receiver, stream.ids, stream.t0);
  const bySecond = new Map<number, number[]>();
  for (const id of stream.ids) {
    const a = receiver.arrivals.get(id);
    if (!a) continue;
    const sec = Math.floor((a.sendAt - stream.t0) / 1_000);
    if (!bySecond.has(sec)) bySecond.set(sec, []);
    bySecond.get(sec)!.push(a.at - a.sendAt);
  }
  const p99BySecondMs = [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => Math.round(summarize(v).p99));
  return { ...d, worstSecondP99Ms: Math.max(...p99BySecondMs), p99BySecondMs };
};
