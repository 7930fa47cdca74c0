import { enqueue, isoAt } from '../lib/enqueue';
import type { Api, Tenant } from '../lib/http';
import { note, report } from '../lib/report';
import { cpuMeter, selfCpuMeter } from '../lib/rss';
import { startStack, type BenchContext } from '../lib/stack';
import { perSecond, sleep, summarize } from '../lib/stats';

export interface W4Params {
  /** Target requests per second (open loop). */
  rate: number;
  seconds: number;
  /** Messages created before the run, so GETs have ids to read. */
  prefill: number;
  /** Seconds of the same load run first and discarded (JIT warm-up). */
  warmupSeconds: number;
}

/** The mix, out of 10: 3 creates, 5 gets, 2 lists. */
const ops = ['create', 'get', 'get', 'list', 'create', 'get', 'get', 'create', 'get', 'list'] as const;
type Op = (typeof ops)[number];

/** Requests in flight beyond which the generator skips a slot (and counts it) rather than pile up. */
const maxInFlight = 4_000;

/** What one open-loop run measured. */
interface LoopResult {
  sent: number;
  skipped: number;
  answered: number;
  sentMs: number;
  notAnswered: number;
  /** Latency from each request's due time, ms, per op and overall. */
  lat: Record<Op | 'all', number[]>;
  /** Latency from the actual send, ms. */
  service: number[];
  bySecond: number[][];
  errors: Record<string, number>;
  maxLagMs: number;
}

/**
 * Request i is due at start + i/rate whatever the earlier ones did; latency counts from the due
 * time, so a stalled server shows up as latency rather than as a lower rate (no coordinated omission).
 */
const openLoop = async (api: Api, tenant: Tenant, ids: string[], rate: number, seconds: number): Promise<LoopResult> => {
  const total = Math.round(rate * seconds);
  const r: LoopResult = {
    sent: 0,
    skipped: 0,
    answered: 0,
    sentMs: 0,
    notAnswered: 0,
    lat: { create: [], get: [], list: [], all: [] },
    service: [],
    bySecond: [],
    errors: {},
    maxLagMs: 0,
  };
  const key = tenant.key;
  const dayAhead = () => isoAt(Date.now() + 86_400_000);
  const call = (op: Op, i: number) =>
    op === 'create'
      ? api.call('POST', '/v1/messages', { key, body: { appId: tenant.appId, sendAt: dayAhead(), payload: { i } } })
      : op === 'get'
        ? api.call('GET', `/v1/messages/${ids[(i * 7919) % ids.length]}`, { key })
        : api.call('GET', '/v1/messages?limit=20', { key });
  let inFlight = 0;
  const start = performance.now();
  const fire = (i: number, dueAt: number) => {
    const op = ops[i % ops.length];
    inFlight++;
    call(op, i)
      .then(
        (res) => {
          const ms = performance.now() - dueAt;
          r.lat[op].push(ms);
          r.lat.all.push(ms);
          const second = Math.floor((dueAt - start) / 1_000);
          r.bySecond[second] ??= [];
          r.bySecond[second].push(ms);
          r.service.push(res.ms);
          r.answered++;
          if (res.status >= 300) r.errors[res.status] = (r.errors[res.status] ?? 0) + 1;
          else if (op === 'create') ids.push(res.body.id);
        },
        () => (r.errors.net = (r.errors.net ?? 0) + 1),
      )
      .finally(() => inFlight--);
  };
  const gap = 1_000 / rate;
  let next = 0;
  await new Promise<void>((resolve) => {
    const pace = () => {
      const now = performance.now();
      while (next < total && start + next * gap <= now) {
        const dueAt = start + next * gap;
        r.maxLagMs = Math.max(r.maxLagMs, now - dueAt);
        if (inFlight >= maxInFlight) r.skipped++;
        else {
          fire(next, dueAt);
          r.sent++;
        }
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(pace, Math.max(0, Math.min(1, start + next * gap - performance.now())));
    };
    pace();
  });
  r.sentMs = performance.now() - start;
  for (const deadline = performance.now() + 30_000; inFlight > 0 && performance.now() < deadline; ) await sleep(10);
  r.notAnswered = inFlight;
  return r;
};

/** W4 API: a fixed arrival rate of mixed create/get/list, paced open-loop. */
export const w4 = async (ctx: BenchContext, p: W4Params): Promise<void> => {
  const s = await startStack(ctx, {}, 256);
  try {
    const pre = await enqueue(s.api, s.tenant, {
      n: p.prefill,
      concurrency: 4,
      batchSize: 100,
      sendAt: () => isoAt(Date.now() + 86_400_000),
    });
    const ids = pre.ids.filter((id): id is string => id !== undefined);
    if (p.warmupSeconds > 0) {
      note(`w4: warm-up, ${p.rate}/s for ${p.warmupSeconds} s (discarded)`);
      await openLoop(s.api, s.tenant, ids, p.rate, p.warmupSeconds);
    }
    note(`w4: ${Math.round(p.rate * p.seconds)} requests at ${p.rate}/s for ${p.seconds} s`);
    const [serverCpu, benchCpu] = [cpuMeter(s.server.pid), selfCpuMeter()];
    const from = Date.now();
    const r = await openLoop(s.api, s.tenant, ids, p.rate, p.seconds);
    s.profileWindow(from, from + r.sentMs);
    const cpu = { serverPct: serverCpu(), benchPct: benchCpu() };
    report(
      'w4',
      { ...p, mix: 'create 30%, get 50%, list(limit=20) 20%' },
      {
        requests: r.sent + r.skipped,
        answered: r.answered,
        achievedRatePerSec: perSecond(r.sent, r.sentMs),
        skippedOverInFlightCap: r.skipped,
        notAnsweredAfter30s: r.notAnswered,
        errorsNon2xx: Object.entries(r.errors).reduce((n, [k, v]) => (k === 'net' ? n : n + v), 0),
        errors: JSON.stringify(r.errors),
        latencyMs: { all: summarize(r.lat.all), create: summarize(r.lat.create), get: summarize(r.lat.get), list: summarize(r.lat.list) },
        serviceMs: summarize(r.service),
        p99BySecondMs: Array.from(r.bySecond, (v) => Math.round(summarize(v ?? []).p99)),
        generatorMaxLagMs: Math.round(r.maxLagMs * 100) / 100,
        cpu,
        serverMemory: s.rss.read(),
      },
      ctx.machine,
      { latencyP99Ms: '≤ 10 at 2000 req/s' },
    );
  } finally {
    await s.close();
  }
};
