/**
 * The embedded gateway's added latency per request: key authentication (hash + lookup),
 * plan enforcement (token bucket + quota) and metering, paced at a fixed rate in-process.
 * `npx tsx bench/gateway.ts [--rate 2000] [--seconds 10]` prints one BENCH line and a table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../libs/domain/clock';
import { KeyService } from '../libs/keys/service';
import { defaultPlans, isPlanAtMost } from '../libs/plans/catalogue';
import { createLogger } from '../libs/observability/logger';
import { createSqliteStores } from '../libs/store/sqlite';
import { TenantDirectory } from '../libs/tenancy/directory';
import { PlanLimiter } from '../libs/usage/limiter';
import { Meter } from '../libs/usage/meter';
import { summarize } from './lib/stats';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '2000' }, seconds: { type: 'string', default: '10' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'punctual-gw-bench-'));
  const stores = createSqliteStores({ filename: join(dir, 'punctual.db') });
  const clock = systemClock;
  const plans = {
    ...defaultPlans,
    bench: { throttle: { rateLimit: 1e9, burstLimit: 1e9 }, quota: { limit: 1e12, period: 'MONTH' as const } },
  };
  // Tenants on the bench plan, read through the directory as the gateway does (plan and suspension per request).
  const directory = new TenantDirectory(stores.tenants, clock);
  const tenantIds = Array.from({ length: 100 }, (_, i) => `ten_bench${i}`);
  for (const id of tenantIds)
    await stores.tenants.create({ id, name: id, plan: 'bench', owner: 'operator', status: 'active', createdAt: clock.now() });
  const keys = new KeyService({
    keys: stores.keys,
    apps: stores.apps,
    clock,
    planNames: () => Object.keys(plans),
    isPlanAtMost: (a, b) => isPlanAtMost(plans, a, b),
    tenants: directory,
  });
  const meter = new Meter(stores.usage, createLogger('silent'));
  meter.start();
  const limiter = new PlanLimiter({
    plans,
    usage: stores.usage,
    messages: stores.messages,
    keys: stores.keys,
    schedules: stores.schedules,
    tenants: directory,
    clock,
  });
  // 100 keys of 100 tenants on a plan with every limit enforced (but never reached), so every check runs.
  const issued = await Promise.all(tenantIds.map((id) => keys.issue(id, 'control', 'bench')));
  const samples: number[] = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    const key = await keys.authenticate(issued[i % issued.length].value);
    await limiter.admitRequest(key!);
    meter.record({ type: 'request', tenantId: key!.tenantId, keyId: key!.id, at: clock.now() });
    await keys.principal(key!.id);
    samples.push(performance.now() - t0);
  }
  const elapsed = performance.now() - start;
  await meter.close();
  stores.close();
  rmSync(dir, { recursive: true, force: true });
  const s = summarize(samples);
  const figures = { workload: 'gateway-overhead', rate, seconds, achievedRate: Math.round((total * 1000) / elapsed), addedLatencyMs: s };
  console.log(`BENCH ${JSON.stringify(figures)}`);
  console.table({ 'added latency (ms)': { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max } });
};

void main();
