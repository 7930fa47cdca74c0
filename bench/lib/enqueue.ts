import type { Api, Tenant } from './http';

/** What enqueueing produced: ids by message index (undefined where it failed), timings and errors. */
export interface EnqueueResult {
  ids: (string | undefined)[];
  /** Messages accepted (201). */
  accepted: number;
  /** Wall ms the whole enqueue took. */
  ms: number;
  /** Round trip of each HTTP call, ms. */
  callMs: number[];
  /** Non-2xx (per message) by status, and network errors as "net". */
  errors: Record<string, number>;
  /** Messages never sent because the time limit was hit. */
  unsent: number;
}

export interface EnqueueOptions {
  n: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** The sendAt (RFC 3339) of message `i`. */
  sendAt: (i: number) => string;
  /** Messages per call; 1 means POST /v1/messages, more means POST /v1/messages/batch. */
  batchSize: number;
  /** Stop starting calls after this long. @default 600_000 */
  timeLimitMs?: number;
  /** Index of the first message (payload field `i`). @default 0 */
  offset?: number;
}

/** Runs `count` jobs with at most `concurrency` at once, never starting one after `deadline` (performance.now ms). */
export const runPool = async (concurrency: number, count: number, deadline: number, job: (i: number) => Promise<void>): Promise<number> => {
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return count - next;
};

/** Creates `n` messages for the tenant's app with single or batch calls, as fast as `concurrency` allows. */
export const enqueue = async (api: Api, tenant: Tenant, o: EnqueueOptions): Promise<EnqueueResult> => {
  const ids: (string | undefined)[] = new Array(o.n);
  const callMs: number[] = [];
  const errors: Record<string, number> = {};
  const fail = (why: string | number, count = 1) => (errors[why] = (errors[why] ?? 0) + count);
  let accepted = 0;
  const offset = o.offset ?? 0;
  const item = (i: number) => ({ appId: tenant.appId, sendAt: o.sendAt(i), payload: { i: i + offset } });
  const calls = Math.ceil(o.n / o.batchSize);
  const started = performance.now();
  const unsentCalls = await runPool(o.concurrency, calls, started + (o.timeLimitMs ?? 600_000), async (c) => {
    const from = c * o.batchSize;
    const to = Math.min(o.n, from + o.batchSize);
    try {
      if (o.batchSize === 1) {
        const r = await api.call('POST', '/v1/messages', { key: tenant.key, body: item(from) });
        callMs.push(r.ms);
        if (r.status === 201) {
          ids[from] = r.body.id;
          accepted++;
        } else fail(r.status);
        return;
      }
      const items = [];
      for (let i = from; i < to; i++) items.push(item(i));
      const r = await api.call('POST', '/v1/messages/batch', { key: tenant.key, body: { items } });
      callMs.push(r.ms);
      if (r.status !== 200) return void fail(r.status, to - from);
      for (const it of r.body.items as { index: number; status: number; message?: { id: string } }[]) {
        if (it.status === 201 && it.message) {
          ids[from + it.index] = it.message.id;
          accepted++;
        } else fail(it.status);
      }
    } catch {
      fail('net', to - from);
    }
  });
  return { ids, accepted, ms: performance.now() - started, callMs, errors, unsent: Math.min(o.n, unsentCalls * o.batchSize) };
};

/** RFC 3339 of an epoch ms. */
export const isoAt = (ms: number): string => new Date(ms).toISOString();
