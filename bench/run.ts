/**
 * punctual benchmarks: `npm run bench -- [workloads…] [options]`. Prints figures, asserts nothing.
 *
 *   npm run bench                      quick version of every workload (a few minutes)
 *   npm run bench -- all               every workload at full size
 *   npm run bench -- w1 --n 50000      W1 burst (single and batch enqueue runs), each cold (--warmup 20) and warm
 *                                      (--warmup 2000) on a fresh server, side by side with their ratios
 *   npm run bench -- w1 --mode batch   only the batch run
 *   npm run bench -- w1 --warmup 0     only one run per mode, with that warm-up (0, 20, 2000, …)
 *   npm run bench -- peers             the W1 burst (single calls) against punctual and against BullMQ + Redis
 *                                      (redis-server on a random port, no persistence), cold and warm, with ratios
 *   --peer-concurrency N               (peers) the BullMQ worker's concurrency (default 256)
 *   npm run bench -- w2 --seconds 20   W2 steady at --rate msgs/s
 *   npm run bench -- w2 --streams 100  W2 with 100 GET /v1/events streams open (another tenant's, idle;
 *                                      --streams-of bench: the measured tenant's, receiving every event)
 *   npm run bench -- w3 --n 1000000    W3 open tasks
 *   npm run bench -- w4 --seconds 30   W4 API mix at --rate req/s
 *   npm run bench -- durability        enqueue rate, synchronous NORMAL vs FULL
 *   npm run bench -- w5                mixed targets and chains, each part on a fresh server: a steady webhook stream
 *                                      (--rate 500/s, --seconds 20) alone, then beside --burst (2,000) webhooks due
 *                                      at once to a second app, as many mails to an SMTP server answering in
 *                                      --smtp-delay-ms (200), and as many SQS messages when moto_server is on PATH;
 *                                      --chains (2,000) messages whose onSuccess chains a webhook against twice as
 *                                      many plain ones, --rounds (3) alternated (server CPU per chained message);
 *                                      the console's page, script and style as a browser gets them
 *   --warmup N                         w1/peers: messages delivered before measuring (default: both 20 and 2000);
 *                                      w2, w5: the same (default 2000); w4: seconds of discarded load first (default 3)
 *   --cpu-prof                         profile the server; print its top self-time functions
 *   --profile-phase enqueue            (w1) profile the enqueue phase instead of the delivery burst
 *   --data-root DIR                    where temp data dirs go (default: os.tmpdir())
 *   --max-minutes M                    hard stop for the whole run (default 30)
 */
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { cleanupAll } from './lib/cleanup';
import { machineInfo } from './lib/machine';
import { note } from './lib/report';
import { compare, load1 } from './lib/compare';
import type { BenchContext } from './lib/stack';
import { durability } from './workloads/durability';
import { peers } from './workloads/peers';
import { w1 } from './workloads/w1';
import { w2 } from './workloads/w2';
import { w3 } from './workloads/w3';
import { w4 } from './workloads/w4';
import { w5 } from './workloads/w5';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    mode: { type: 'string' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    lead: { type: 'string' },
    wait: { type: 'string' },
    warmup: { type: 'string' },
    streams: { type: 'string' },
    'streams-of': { type: 'string' },
    'peer-concurrency': { type: 'string' },
    burst: { type: 'string' },
    'smtp-delay-ms': { type: 'string' },
    chains: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'profile-phase': { type: 'string' },
    'data-root': { type: 'string' },
    'max-minutes': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const num = (v: string | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
};

const all = ['w1', 'w2', 'w3', 'w4', 'w5', 'durability', 'peers'] as const;
type Workload = (typeof all)[number];

const main = async (): Promise<void> => {
  if (opt.help) {
    process.stdout.write(require('node:fs').readFileSync(__filename, 'utf8').split('*/')[0]);
    return;
  }
  // No workload named: the quick version of everything.
  const quick = opt.quick || positionals.length === 0;
  // `peers` needs redis-server and repeats W1: only when named.
  const picked = positionals.length === 0 || positionals.includes('all') ? all.filter((w) => w !== 'peers') : positionals;
  for (const w of picked) if (!all.includes(w as Workload)) throw new Error(`unknown workload ${w}; pick from ${all.join(', ')}, all`);
  const dataRoot = opt['data-root'] ?? tmpdir();
  const ctx: BenchContext = { machine: machineInfo(dataRoot), dataRoot, cpuProf: opt['cpu-prof'], profilePhase: opt['profile-phase'] };
  const q = <T>(full: T, small: T): T => (quick ? small : full);

  for (const w of picked as Workload[]) {
    note(`${w} (${quick ? 'quick' : 'full'})`);
    if (w === 'w1') {
      const modes = opt.mode ? [opt.mode as 'single' | 'batch'] : (['single', 'batch'] as const);
      // Cold (a fresh server's first burst after 20 deliveries) and warm (after 2,000), each on a fresh server.
      const warmups = opt.warmup === undefined ? [20, 2_000] : [num(opt.warmup, 0)];
      for (const mode of modes) {
        const runs = [];
        for (const warmup of warmups) {
          const figures = await w1(ctx, {
            n: num(opt.n, q(10_000, 5_000)),
            mode,
            concurrency: num(opt.concurrency, mode === 'single' ? 50 : 4),
            batchSize: num(opt['batch-size'], 100),
            leadMs: num(opt.lead, 0) * 1000,
            waitMs: num(opt.wait, 60) * 1000,
            warmup,
          });
          runs.push({ label: `warmup ${warmup}`, ...figures, load1: load1() });
        }
        if (runs.length === 2)
          compare(`w1-${mode}-cold-vs-warm`, runs[0], runs[1], ctx.machine, { rateRatio: '≥ 0.9', p99Ratio: '≤ 1.15' });
      }
    } else if (w === 'peers') {
      for (const warmup of opt.warmup === undefined ? [20, 2_000] : [num(opt.warmup, 0)]) {
        await peers(ctx, {
          n: num(opt.n, q(10_000, 5_000)),
          concurrency: num(opt.concurrency, 50),
          warmup,
          waitMs: num(opt.wait, 60) * 1000,
          workerConcurrency: num(opt['peer-concurrency'], 256),
        });
      }
    } else if (w === 'w2') {
      await w2(ctx, {
        rate: num(opt.rate, 1_000),
        seconds: num(opt.seconds, q(60, 10)),
        waitMs: num(opt.wait, 30) * 1000,
        warmup: num(opt.warmup, 2_000),
        streams: num(opt.streams, 0),
        streamsOf: opt['streams-of'] === 'bench' ? 'bench' : 'idle',
      });
    } else if (w === 'w3') {
      await w3(ctx, { n: num(opt.n, q(100_000, 20_000)), concurrency: num(opt.concurrency, 4), probes: q(2_000, 500) });
    } else if (w === 'w4') {
      await w4(ctx, {
        rate: num(opt.rate, 2_000),
        seconds: num(opt.seconds, q(30, 10)),
        prefill: 2_000,
        warmupSeconds: num(opt.warmup, 3),
      });
    } else if (w === 'w5') {
      await w5(ctx, {
        rate: num(opt.rate, q(500, 300)),
        seconds: num(opt.seconds, q(20, 10)),
        burst: num(opt.burst, q(2_000, 500)),
        smtpDelayMs: num(opt['smtp-delay-ms'], 200),
        chains: num(opt.chains, q(2_000, 500)),
        rounds: num(opt.rounds, q(3, 2)),
        warmup: num(opt.warmup, q(2_000, 500)),
        waitMs: num(opt.wait, 30) * 1000,
      });
    } else {
      await durability(ctx, { n: num(opt.n, q(10_000, 3_000)), concurrency: num(opt.concurrency, 50) });
    }
  }
};

const deadline = setTimeout(() => {
  process.stderr.write('bench: --max-minutes reached; stopping\n');
  void cleanupAll().finally(() => process.exit(1));
}, num(opt['max-minutes'], 30) * 60_000);
deadline.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    process.stderr.write(`bench: ${sig}; cleaning up\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main().then(
  async () => {
    await cleanupAll();
    clearTimeout(deadline);
  },
  async (err) => {
    process.stderr.write(`bench: failed: ${(err as Error).stack ?? err}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
