/**
 * Schedules at scale: `npx tsx bench/schedules.ts [--n 100000] [--minutes 10] [--downtime-minutes 60] [--max-seconds 300]`.
 *
 * Creates N schedules straight through the store (no HTTP), then drives the materialiser with a
 * fake clock, one tick per simulated second, and prints the time per tick and the RSS: one JSON
 * line, then a small table. A last phase jumps the clock over a downtime and ticks until every
 * missed schedule is settled by the misfire rule. Asserts nothing; bounded by --max-seconds; the
 * temp data directory is removed at the end (also on Ctrl-C).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '../libs/domain/clock';
import { newId } from '../libs/domain/ids';
import { Materializer, materializerDefaults, type TickStats } from '../libs/schedules/materializer';
import { MessageService } from '../libs/messages/service';
import { createLogger } from '../libs/observability/logger';
import { occurrenceFrom, occurrenceMemo, type Schedule } from '../libs/schedules/model';
import { createSqliteStores } from '../libs/store/sqlite';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    minutes: { type: 'string', default: '10' },
    'downtime-minutes': { type: 'string', default: '60' },
    'max-seconds': { type: 'string', default: '300' },
    'data-root': { type: 'string' },
  },
});
const N = Number(opt.n);
const simulatedSeconds = Number(opt.minutes) * 60;
const downtimeMs = Number(opt['downtime-minutes']) * 60_000;
const deadline = Date.now() + Number(opt['max-seconds']) * 1000;

const dir = mkdtempSync(join(opt['data-root'] ?? tmpdir(), 'punctual-bench-schedules-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const zones = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Paris', 'Asia/Tokyo', 'Australia/Sydney'];
const mb = (bytes: number) => Math.round(bytes / 1048576);
const rss = () => mb(process.memoryUsage().rss);

/**
 * A mix: 60% rate() of 1, 5, 15 or 60 minutes, staggered over their period, 30% daily crons across zones,
 * 10% every-5-minutes crons (bursts at :00).
 */
const memo = occurrenceMemo();
const scheduleAt = (i: number, tenantId: string, appId: string): Schedule => {
  const kind = i % 10;
  const base = {
    id: newId('sch'),
    tenantId,
    appId,
    name: `s${i}`,
    payload: `{"i":${i}}`,
    misfireGraceSeconds: 300,
    state: 'active' as const,
  };
  const timing =
    kind < 6
      ? {
          expression: `rate(${[1, 5, 15, 60][i % 4]} minute${i % 4 ? 's' : ''})`,
          timezone: 'UTC',
          startAt: T0 - ((i * 7919) % ([1, 5, 15, 60][i % 4] * 60_000)),
        }
      : kind < 9
        ? { expression: `cron(${i % 60} ${(i >> 6) % 24} * * ? *)`, timezone: zones[i % zones.length] }
        : { expression: 'cron(0/5 * * * ? *)', timezone: zones[i % zones.length] };
  const t = { ...timing, createdAt: T0 };
  return {
    ...base,
    ...timing,
    nextRunAt: occurrenceFrom(t, T0, memo),
    runCount: 0,
    skipCount: 0,
    revision: 0,
    createdAt: T0,
    updatedAt: T0,
  };
};

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (v: number) => Math.round(v * 100) / 100;

const main = async () => {
  const stores = createSqliteStores({ filename: join(dir, 'punctual.db') });
  const clock = new ManualClock(T0);
  let enqueued = 0;
  const messages = new MessageService({
    messages: stores.messages,
    apps: stores.apps,
    engine: {
      enqueue: async (refs) => {
        enqueued += refs.length;
      },
    },
    clock,
  });
  const materializer = new Materializer({
    schedules: stores.schedules,
    messages: stores.messages,
    runs: messages,
    clock,
    logger: createLogger('silent'),
  });
  const rssStart = rss();

  // Creation, through the store port; grouped in transactions as an import would be.
  const tenantId = newId('ten');
  const appId = newId('app');
  const createStart = performance.now();
  for (let i = 0; i < N; i += 10_000) {
    stores.db.exec('BEGIN');
    for (let j = i; j < Math.min(N, i + 10_000); j++) await stores.schedules.create(scheduleAt(j, tenantId, appId));
    stores.db.exec('COMMIT');
  }
  const createMs = performance.now() - createStart;
  const rssAfterCreate = rss();

  // Steady state: one tick per simulated second.
  const tickMs: number[] = [];
  const busyMs: number[] = [];
  const total: TickStats = { schedules: 0, runs: 0, skipped: 0, refused: 0, completed: 0, conflicts: 0 };
  let ticks = 0;
  let maxRunsInTick = 0;
  for (let s = 0; s < simulatedSeconds && Date.now() < deadline; s++, ticks++) {
    clock.set(T0 + s * 1000);
    const started = performance.now();
    const stats = await materializer.tick();
    const ms = performance.now() - started;
    tickMs.push(ms);
    if (stats.schedules) busyMs.push(ms);
    maxRunsInTick = Math.max(maxRunsInTick, stats.runs);
    for (const k of Object.keys(total) as (keyof TickStats)[]) total[k] += stats[k];
  }
  const rssAfterTicks = rss();

  // Downtime: the clock jumps; ticks run until nothing missed is left.
  const downStart = performance.now();
  clock.set(T0 + ticks * 1000 + downtimeMs);
  const down: TickStats = { schedules: 0, runs: 0, skipped: 0, refused: 0, completed: 0, conflicts: 0 };
  let downTicks = 0;
  while (Date.now() < deadline) {
    const stats = await materializer.tick();
    downTicks++;
    for (const k of Object.keys(down) as (keyof TickStats)[]) down[k] += stats[k];
    if (stats.schedules < materializerDefaults.maxPerTick) break;
  }
  const downMs = performance.now() - downStart;
  const idleStart = performance.now();
  await materializer.tick();
  const idleTickMs = performance.now() - idleStart;

  const result = {
    bench: 'schedules',
    schedules: N,
    createPerSec: Math.round(N / (createMs / 1000)),
    simulatedSeconds: ticks,
    ticks,
    tickMs: {
      p50: round(percentile(tickMs, 50)),
      p99: round(percentile(tickMs, 99)),
      max: round(Math.max(0, ...tickMs)),
      mean: round(tickMs.reduce((a, b) => a + b, 0) / (tickMs.length || 1)),
    },
    busyTicks: busyMs.length,
    busyTickMs: { p50: round(percentile(busyMs, 50)), p99: round(percentile(busyMs, 99)) },
    idleTickMs: round(idleTickMs),
    runs: total.runs,
    maxRunsInTick,
    runsPerSecOfTickTime: Math.round(total.runs / (tickMs.reduce((a, b) => a + b, 0) / 1000 || 1)),
    downtime: {
      minutes: downtimeMs / 60_000,
      ticks: downTicks,
      ms: Math.round(downMs),
      schedules: down.schedules,
      runs: down.runs,
      skipped: down.skipped,
    },
    enqueued,
    rssMb: { start: rssStart, afterCreate: rssAfterCreate, afterTicks: rssAfterTicks, end: rss() },
    dbMb: mb(statSync(join(dir, 'punctual.db')).size + (statSync(join(dir, 'punctual.db-wal'), { throwIfNoEntry: false })?.size ?? 0)),
    node: process.version,
  };
  await materializer.close();
  stores.close();
  process.stdout.write(`${JSON.stringify(result)}\n\n`);
  const rows: [string, string][] = [
    ['schedules created', `${N.toLocaleString()} (${result.createPerSec.toLocaleString()}/s)`],
    ['ticks (1 per simulated s)', `${ticks} (${result.busyTicks} with due schedules)`],
    ['time per tick p50 / p99 / max', `${result.tickMs.p50} / ${result.tickMs.p99} / ${result.tickMs.max} ms`],
    ['busy tick p50 / p99', `${result.busyTickMs.p50} / ${result.busyTickMs.p99} ms`],
    ['idle tick (nothing due)', `${result.idleTickMs} ms`],
    ['runs materialised', `${total.runs.toLocaleString()} (max ${maxRunsInTick.toLocaleString()} in one tick)`],
    [
      `after ${result.downtime.minutes} min downtime`,
      `${down.schedules.toLocaleString()} missed schedules settled in ${downTicks} ticks, ${result.downtime.ms} ms: ` +
        `${down.runs.toLocaleString()} runs, ${down.skipped.toLocaleString()} skipped`,
    ],
    ['RSS start / created / ticked / end', `${rssStart} / ${rssAfterCreate} / ${rssAfterTicks} / ${result.rssMb.end} MB`],
    ['database', `${result.dbMb} MB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
};

main()
  .catch((err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(cleanup);
