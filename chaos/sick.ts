import type { Receiver } from '../test/support/receiver';
import type { JsonClient } from './http';

/**
 * Sick receivers: what a tenant's webhook may do to us, and what we check about it.
 * Used by `libs/engine/sick-receivers.int.test.ts` (correctness, few messages) and
 * `npm run chaos` (more messages, plus a healthy app's lateness beside a saturated sick one).
 */

/** The behaviours, each on its own path of one receiver. */
export const behaviours = {
  /** Every other request gets 500. */
  flaky: '/sick/flaky',
  /** Never answers: the attempt hits the app's timeout. */
  hang: '/sick/hang',
  /** First attempt: headers and half a body, then the connection is reset; later attempts: 200. */
  reset: '/sick/reset',
  /** First attempt: 429 with `Retry-After: 1`; later attempts: 200. */
  throttle: '/sick/throttle',
  /** Answers 200 after one second. */
  slow: '/sick/slow',
} as const;
export type Behaviour = keyof typeof behaviours;

/** Installs the behaviours on `receiver`. */
export const makeSick = (receiver: Receiver): void => {
  let flakyCount = 0;
  receiver.respond(behaviours.flaky, () => (flakyCount++ % 2 === 0 ? { status: 500, body: 'flaky' } : { status: 200 }));
  receiver.respond(behaviours.hang, () => undefined);
  receiver.respond(behaviours.reset, (req, _n, res) => {
    if (req.headers['punctual-attempt'] !== '1') return { status: 200 };
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    res.write('half a bo');
    setImmediate(() => res.socket?.destroy());
    return undefined;
  });
  receiver.respond(behaviours.throttle, (req) =>
    req.headers['punctual-attempt'] === '1' ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : { status: 200 },
  );
  receiver.respond(behaviours.slow, (_req, _n, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200).end('slow ok');
    }, 1_000);
    return undefined;
  });
};

/** App settings per behaviour: short timeouts where the receiver hangs, room for the slow one. */
export const appFor = (behaviour: Behaviour, receiverUrl: string) => ({
  name: `sick-${behaviour}`,
  target: { type: 'http', url: `${receiverUrl}${behaviours[behaviour]}`, timeoutMs: behaviour === 'hang' ? 300 : 3_000 },
  retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
});

/** Per behaviour: how the messages ended, and every way the record disagrees with what the receiver saw. */
export interface SickReport {
  behaviour: Behaviour;
  messages: number;
  delivered: number;
  failed: number;
  /** Messages not yet delivered or failed when the wait ended. */
  pending: number;
  attempts: number;
  problems: string[];
}

/** Polls until every message is delivered or failed (or `timeoutMs` passes); returns the final messages. */
export const waitTerminal = async (c: JsonClient, ids: string[], timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, { id: string; status: string; attemptCount: number; lastError?: string }>();
  while (Date.now() < deadline) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const m = await c.get(`/v1/messages/${id}`);
      if (m.status === 'delivered' || m.status === 'failed') done.set(id, m);
    }
    if (done.size === ids.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done;
};

/** Sends `count` messages per behaviour and checks each ends delivered or failed with every attempt recorded. */
export const runSickReceivers = async (
  c: JsonClient,
  receiver: Receiver,
  options: { count: number; timeoutMs: number; only?: Behaviour[] },
): Promise<SickReport[]> => {
  const kinds = options.only ?? (Object.keys(behaviours) as Behaviour[]);
  const sent: { behaviour: Behaviour; ids: string[] }[] = [];
  for (const behaviour of kinds) {
    const app = await c.post('/v1/apps', appFor(behaviour, receiver.url));
    const ids: string[] = [];
    for (let i = 0; i < options.count; i += 100) {
      const items = Array.from({ length: Math.min(100, options.count - i) }, (_, j) => ({
        appId: app.id,
        payload: { behaviour, i: i + j },
      }));
      const res = await c.post('/v1/messages/batch', { items });
      for (const item of res.items) ids.push(item.message.id);
    }
    sent.push({ behaviour, ids });
  }
  const final = await waitTerminal(
    c,
    sent.flatMap((s) => s.ids),
    options.timeoutMs,
  );
  const reports: SickReport[] = [];
  for (const { behaviour, ids } of sent) {
    const r: SickReport = { behaviour, messages: ids.length, delivered: 0, failed: 0, pending: 0, attempts: 0, problems: [] };
    const arrivals = new Map<string, number[]>();
    for (const a of receiver.on(behaviours[behaviour])) {
      const id = String(a.headers['webhook-id']);
      arrivals.set(id, [...(arrivals.get(id) ?? []), a.at]);
    }
    for (const id of ids) {
      const m = final.get(id);
      if (!m) {
        r.pending++;
        continue;
      }
      if (m.status === 'delivered') r.delivered++;
      else r.failed++;
      const attempts: { attempt: number; outcome: string; error?: string; statusCode?: number }[] = (
        await c.get(`/v1/messages/${id}/attempts`)
      ).items;
      r.attempts += attempts.length;
      const numbers = attempts.map((a) => a.attempt).sort((x, y) => x - y);
      if (attempts.length !== m.attemptCount)
        r.problems.push(`${id}: attemptCount ${m.attemptCount} but ${attempts.length} attempts recorded`);
      if (numbers.some((n, i) => n !== i + 1)) r.problems.push(`${id}: attempt numbers ${numbers.join(',')}`);
      const last = attempts.find((a) => a.attempt === m.attemptCount);
      if (m.status === 'delivered' && last?.outcome !== 'success')
        r.problems.push(`${id}: delivered but the last attempt is ${last?.outcome}`);
      if (m.status === 'failed' && last?.outcome === 'success') r.problems.push(`${id}: failed after a successful attempt`);
      if (attempts.slice(0, -1).some((a) => a.outcome !== 'retry')) r.problems.push(`${id}: an attempt before the last is not a retry`);
      // Every attempt that got an HTTP answer reached the receiver (the webhook-id is stable across attempts).
      // One that timed out may have timed out before its request was written (a loaded machine), so it need not have arrived.
      const seen = arrivals.get(id) ?? [];
      const answered = attempts.filter((a) => a.statusCode !== undefined).length;
      if (seen.length < answered) r.problems.push(`${id}: ${answered} attempts answered, ${seen.length} arrived`);
      if (seen.length > attempts.length) r.problems.push(`${id}: ${seen.length} arrived but ${attempts.length} attempts recorded`);
      if (behaviour === 'hang' && (m.status !== 'failed' || !attempts.every((a) => /timeout/.test(a.error ?? ''))))
        r.problems.push(`${id}: a hanging receiver should fail by timeout`);
      if (behaviour === 'throttle' && seen.length >= 2 && seen[1] - seen[0] < 900)
        r.problems.push(`${id}: Retry-After: 1 not honoured (${seen[1] - seen[0]} ms)`);
      if ((behaviour === 'reset' || behaviour === 'throttle') && (m.status !== 'delivered' || m.attemptCount !== 2))
        r.problems.push(`${id}: expected delivery on attempt 2, got ${m.status} after ${m.attemptCount}`);
      if (behaviour === 'slow' && m.status !== 'delivered')
        r.problems.push(`${id}: a slow (1 s) receiver within the timeout should get its message`);
    }
    reports.push(r);
  }
  return reports;
};

/** Percentiles of a list of numbers (ms). */
export const percentiles = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN };
};
