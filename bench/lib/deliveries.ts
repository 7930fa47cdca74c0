import type { Receiver } from './receiver';
import { perSecond, summarize, type Summary } from './stats';

/** Delivery figures of a set of expected messages. */
export interface DeliveryFigures {
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Arrivals whose id was not expected (e.g. leftovers). */
  unexpected: number;
  /** Lateness (arrival − sendAt), ms. */
  latenessMs: Summary;
  /** First and last arrival relative to `t0` (ms), when given. */
  firstArrivalMs?: number;
  lastArrivalMs?: number;
  /** delivered / (last − first arrival). */
  deliveriesPerSec: number;
  /** delivered / (last arrival − t0), when `t0` is given. */
  deliveriesPerSecFromT0?: number;
  /**
   * Rate of the first and of the second half of the arrivals (each half over its own span): a cold server's ramp shows
   * as a first half slower than the second.
   */
  halvesPerSec: { first: number; second: number };
}

/** Compares what the receiver saw with the ids that were accepted. */
export const deliveryFigures = (receiver: Receiver, ids: Iterable<string>, t0?: number): DeliveryFigures => {
  const lateness: number[] = [];
  const arrivals: number[] = [];
  let expected = 0;
  let first = Infinity;
  let last = -Infinity;
  const seen = new Set<string>();
  for (const id of ids) {
    expected++;
    seen.add(id);
    const a = receiver.arrivals.get(id);
    if (!a) continue;
    lateness.push(a.at - a.sendAt);
    arrivals.push(a.at);
    first = Math.min(first, a.at);
    last = Math.max(last, a.at);
  }
  let unexpected = 0;
  for (const id of receiver.arrivals.keys()) if (!seen.has(id)) unexpected++;
  const delivered = lateness.length;
  const r = (v: number) => Math.round(v);
  arrivals.sort((x, y) => x - y);
  const mid = Math.floor(arrivals.length / 2);
  const halvesPerSec = {
    first: perSecond(mid, (arrivals[mid] ?? NaN) - arrivals[0]),
    second: perSecond(arrivals.length - mid, arrivals[arrivals.length - 1] - (arrivals[mid] ?? NaN)),
  };
  return {
    expected,
    delivered,
    lost: expected - delivered,
    duplicates: receiver.duplicates,
    unexpected,
    latenessMs: summarize(lateness),
    ...(t0 !== undefined && delivered ? { firstArrivalMs: r(first - t0), lastArrivalMs: r(last - t0) } : {}),
    deliveriesPerSec: perSecond(delivered, last - first),
    ...(t0 !== undefined ? { deliveriesPerSecFromT0: perSecond(delivered, last - t0) } : {}),
    halvesPerSec,
  };
};
