import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startMoto } from '../../test/support/moto';
import { startSmtpServer } from '../../test/support/smtp';
import { defer } from '../lib/cleanup';
import { load1 } from '../lib/compare';
import { probeConsole } from '../lib/console-assets';
import { enqueue, isoAt, runPool } from '../lib/enqueue';
import { createApp } from '../lib/http';
import { note, report } from '../lib/report';
import { cpuMeter, cpuSeconds, selfCpuMeter } from '../lib/rss';
import { startServer } from '../lib/server';
import { type BenchContext, type Stack, startStack } from '../lib/stack';
import { scheduleSteady, steadyFigures } from '../lib/steady';
import { perSecond, sleep } from '../lib/stats';
import { warmDeliveries } from '../lib/warmup';

export interface W5Params {
  /** Webhooks due per second in the steady stream. */
  rate: number;
  /** How long the webhooks keep coming due. */
  seconds: number;
  /** Mails (and, with moto_server, SQS messages) due at once, a second after the stream starts. */
  burst: number;
  /** How long the SMTP server takes to answer each mail, ms. */
  smtpDelayMs: number;
  /** Messages whose `onSuccess` chains a second webhook (against twice as many plain ones). */
  chains: number;
  /** Measured rounds of each part-2 shape. */
  rounds: number;
  /** Webhooks delivered (and forgotten) before the stream is measured, so the delivery path is warm. */
  warmup: number;
  /** How long after the last due time to wait for stragglers, ms. */
  waitMs: number;
}

/**
 * What sits beside the webhook stream: nothing, the same burst of webhooks to a second app (the control: a burst that
 * is answered at once), of mails, or of SQS messages.
 */
type Beside = 'nothing' | 'webhooks' | 'email' | 'sqs';

/** Whether `moto_server` is on the PATH (the SQS target needs an AWS endpoint). */
const hasMoto = (): boolean => spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

/**
 * Part 1: the steady webhook stream on a fresh server, with `beside` receiving its own burst in the same engine: a second
 * webhook app's, a slow SMTP server's mails, or an SQS queue's messages on moto_server. The burst is due 1 s after the
 * stream's T0.
 */
const webhooksBeside = async (ctx: BenchContext, p: W5Params, beside: Beside) => {
  const undo: (() => Promise<void>)[] = [];
  try {
    const env: Record<string, string> = {};
    let arrived: () => Promise<number> = async () => 0;
    let target: Record<string, unknown> | undefined;
    /** moto_server, which shares the two cores with the server: its CPU is printed beside the server's. */
    let emulatorPid: number | undefined;
    if (beside === 'email') {
      const smtp = await startSmtpServer({ replyDelayMs: p.smtpDelayMs });
      undo.push(defer(`smtp ${smtp.port}`, () => smtp.close()));
      Object.assign(env, { PUNCTUAL_SMTP_URL: smtp.url, PUNCTUAL_EMAIL_FROM: 'bench@example.com' });
      target = { type: 'email', to: ['bench@example.com'], subject: 'bench {{message.id}}' };
      arrived = async () => smtp.mails.length;
    } else if (beside === 'sqs') {
      const moto = await startMoto();
      undo.push(defer(`moto_server ${moto.pid}`, () => moto.stop()));
      emulatorPid = moto.pid;
      const sqs = new SQSClient(moto.clientConfig);
      undo.push(defer('sqs client', () => sqs.destroy()));
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'bench' }))).QueueUrl!;
      Object.assign(env, {
        PUNCTUAL_AWS_ENDPOINT: moto.endpoint,
        AWS_REGION: moto.clientConfig.region,
        AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
      });
      target = { type: 'sqs', queueUrl };
      arrived = async () => {
        const q = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
        return Number(q.Attributes?.ApproximateNumberOfMessages ?? NaN);
      };
    }
    const s = await startStack(ctx, { env });
    undo.push(() => s.close());
    await warmDeliveries(s, p.warmup);
    // The side app as the API documents it, with the default concurrency (64) a tenant gets; webhooks go to the receiver.
    const sideApp =
      beside === 'nothing'
        ? undefined
        : await createApp(s.api, s.tenant.key, s.receiver.url, {
            name: `bench ${beside}`,
            maxConcurrency: 64,
            ...(target ? { target } : {}),
          });
    note(`w5: ${p.rate * p.seconds} webhooks at ${p.rate}/s${sideApp ? ` beside ${p.burst} ${beside} messages due at once` : ' alone'}`);
    const stream = await scheduleSteady(s.api, s.tenant, p.rate, p.seconds);
    const due = stream.t0 + 1_000;
    let side: { accepted: number; enqueuedBeforeDueMs: number } | undefined;
    if (sideApp) {
      const e = await enqueue(
        s.api,
        { key: s.tenant.key, appId: sideApp },
        { n: p.burst, concurrency: 4, batchSize: 100, sendAt: () => isoAt(due) },
      );
      side = { accepted: e.accepted, enqueuedBeforeDueMs: due - Date.now() };
      if (beside === 'webhooks') {
        const ids = e.ids.filter((id): id is string => id !== undefined);
        arrived = async () => ids.filter((id) => s.receiver.arrivals.has(id)).length;
      }
    }
    await sleep(stream.t0 - Date.now());
    const [cpu, benchCpu] = [cpuMeter(s.server.pid), selfCpuMeter()];
    const emulatorCpu = emulatorPid === undefined ? undefined : cpuMeter(emulatorPid);
    // The receiver stamps arrivals in this process, beside the SMTP server: a busy loop here would look like lateness.
    const benchLoop = monitorEventLoopDelay({ resolution: 5 });
    benchLoop.enable();
    // When the whole burst has arrived (an emulator's answer that fails counts as not yet): moto_server is asked once a
    // second, the counts kept here ten times as often.
    let allArrivedAfterMs: number | undefined;
    let watching = true;
    const watch = (async () => {
      while (side && watching && allArrivedAfterMs === undefined) {
        await sleep(beside === 'sqs' ? 1_000 : 100);
        if ((await arrived().catch(() => NaN)) >= side.accepted) allArrivedAfterMs = Date.now() - due;
      }
    })();
    const missing = await s.receiver.waitFor(stream.ids, stream.t0 + p.seconds * 1_000 + p.waitMs, 100);
    const serverCpuPct = cpu();
    const benchCpuPct = benchCpu();
    const emulatorCpuPct = emulatorCpu?.();
    benchLoop.disable();
    watching = false;
    await watch;
    const sideArrived = await arrived();
    const sideMs = allArrivedAfterMs ?? Date.now() - due;
    await sleep(500); // late duplicates
    const d = steadyFigures(s.receiver, stream);
    return {
      beside,
      webhooks: {
        accepted: stream.accepted,
        delivered: d.delivered,
        lost: d.lost,
        missingAtDeadline: missing,
        duplicates: d.duplicates,
        latenessMs: { p50: d.latenessMs.p50, p99: d.latenessMs.p99, max: d.latenessMs.max },
        worstSecondP99Ms: d.worstSecondP99Ms,
        p99BySecondMs: d.p99BySecondMs,
        finishedBeforeT0Ms: stream.finishedBeforeT0Ms,
      },
      ...(side
        ? {
            burst: {
              accepted: side.accepted,
              enqueuedBeforeDueMs: side.enqueuedBeforeDueMs,
              arrivedByStreamEnd: sideArrived,
              allArrivedAfterMs: allArrivedAfterMs ?? 'not by the end of the stream',
              perSec: perSecond(Math.min(sideArrived, side.accepted), sideMs),
            },
          }
        : {}),
      serverCpuPct,
      benchCpuPct,
      ...(emulatorCpuPct === undefined ? {} : { motoCpuPct: emulatorCpuPct }),
      benchLoopDelayMs: { p99: Math.round(benchLoop.percentile(99) / 1e4) / 100, max: Math.round(benchLoop.max / 1e4) / 100 },
      rssMaxMB: s.rss.read().rssMaxMB,
      load1: load1(),
    };
  } finally {
    for (const u of undo.reverse()) await u();
  }
};

/** Chained messages: expected (one per source), listed by their source, arrived, and cut instead of chained. */
interface ChainCheck {
  expected: number;
  listed: number;
  arrived: number;
  cut: number;
}

/** One shape of part 2 on its own server: the app its messages go to, and how many deliveries each message makes. */
interface ChainShape {
  shape: 'plain' | 'chained';
  s: Stack;
  appId: string;
  /** Messages enqueued per round. */
  messages: number;
  /** Deliveries per message: 2 when it chains a second webhook. */
  fanOut: number;
}

const chainShape = async (ctx: BenchContext, shape: ChainShape['shape'], chains: number): Promise<ChainShape> => {
  const s = await startStack(ctx);
  if (shape === 'plain') return { shape, s, appId: s.tenant.appId, messages: chains * 2, fanOut: 1 };
  const next = await createApp(s.api, s.tenant.key, s.receiver.url, { name: 'bench chained' });
  const appId = await createApp(s.api, s.tenant.key, s.receiver.url, { name: 'bench source', onSuccess: { appId: next } });
  return { shape, s, appId, messages: chains, fanOut: 2 };
};

/**
 * One round: `c.messages` due at one instant T0, enqueued before it; server CPU from T0 until every delivery arrived
 * (chained ones included). Then, for chains, whether every source lists its chained message and that one arrived.
 */
const chainRound = async (c: ChainShape, messages: number, leadMs: number, waitMs: number) => {
  const { s } = c;
  s.receiver.reset();
  const t0 = Date.now() + leadMs;
  const e = await enqueue(
    s.api,
    { key: s.tenant.key, appId: c.appId },
    { n: messages, concurrency: 4, batchSize: 100, sendAt: () => isoAt(t0) },
  );
  const ids = e.ids.filter((id): id is string => id !== undefined);
  const enqueuedBeforeT0Ms = t0 - Date.now();
  await sleep(t0 - Date.now());
  const cpu0 = cpuSeconds(s.server.pid);
  while (s.receiver.arrivals.size < ids.length * c.fanOut && Date.now() < t0 + waitMs) await sleep(10);
  const windowMs = Date.now() - t0;
  const cpuS = cpuSeconds(s.server.pid) - cpu0;
  await sleep(500); // late duplicates
  let chains: ChainCheck | undefined;
  if (c.fanOut > 1) {
    const check = { expected: ids.length, listed: 0, arrived: 0, cut: 0 };
    await runPool(8, ids.length, performance.now() + 60_000, async (i) => {
      const m = await s.api.call('GET', `/v1/messages/${ids[i]}`, { key: s.tenant.key });
      const chained = (m.body?.chained ?? []) as string[];
      if (chained.length) check.listed++;
      if (chained.some((id) => s.receiver.arrivals.has(id))) check.arrived++;
      if (m.body?.chainCut) check.cut++;
    });
    chains = check;
  }
  return {
    messages: ids.length,
    deliveries: s.receiver.arrivals.size,
    sourcesArrived: ids.filter((id) => s.receiver.arrivals.has(id)).length,
    duplicates: s.receiver.duplicates,
    chains,
    enqueueMs: e.ms,
    enqueuedBeforeT0Ms,
    windowMs,
    cpuS,
  };
};

/**
 * Part 2: two fresh servers side by side, one sent `chains` messages whose `onSuccess` chains a second webhook, the
 * other twice as many plain ones (the same number of deliveries); their rounds alternate so that the machine's other
 * work weighs on both alike. A round at a fifth of the size warms each server first.
 */
const chainsCpu = async (ctx: BenchContext, p: W5Params) => {
  const shapes: ChainShape[] = [];
  try {
    shapes.push(await chainShape(ctx, 'plain', p.chains), await chainShape(ctx, 'chained', p.chains));
    let enqueueMs = 0;
    for (const c of shapes) enqueueMs = Math.max(enqueueMs, (await chainRound(c, Math.ceil(c.messages / 5), 1_000, p.waitMs)).enqueueMs);
    // Enqueueing ends well before T0: its CPU stays out of the delivery window.
    const leadMs = Math.round(Math.max(3_000, enqueueMs * 5 * 2 + 2_000));
    const runs = new Map(shapes.map((c) => [c.shape, [] as Awaited<ReturnType<typeof chainRound>>[]]));
    for (let i = 0; i < p.rounds; i++) for (const c of shapes) runs.get(c.shape)!.push(await chainRound(c, c.messages, leadMs, p.waitMs));
    const total = (shape: ChainShape['shape']) => {
      const rs = runs.get(shape)!;
      const sum = (f: (r: (typeof rs)[number]) => number) => rs.reduce((a, r) => a + f(r), 0);
      const deliveries = sum((r) => r.deliveries);
      const cpuS = sum((r) => r.cpuS);
      return {
        messages: sum((r) => r.messages),
        deliveries,
        sourcesArrived: sum((r) => r.sourcesArrived),
        duplicates: sum((r) => r.duplicates),
        ...(shape === 'chained'
          ? {
              chains: {
                expected: sum((r) => r.chains!.expected),
                listed: sum((r) => r.chains!.listed),
                arrived: sum((r) => r.chains!.arrived),
                cut: sum((r) => r.chains!.cut),
              },
            }
          : {}),
        enqueuedBeforeT0Ms: rs.map((r) => r.enqueuedBeforeT0Ms),
        windowMs: rs.map((r) => r.windowMs),
        deliveriesPerSec: rs.map((r) => perSecond(r.deliveries, r.windowMs)),
        serverCpuMs: Math.round(cpuS * 1_000),
        // Each round's figure, to see the spread; the totals' below.
        serverUsPerDeliveryByRound: rs.map((r) => (r.deliveries ? Math.round((r.cpuS * 1e6) / r.deliveries) : NaN)),
        serverUsPerDelivery: deliveries ? Math.round((cpuS * 1e6) / deliveries) : NaN,
      };
    };
    const plain = total('plain');
    const chained = total('chained');
    // The same deliveries either way: what the chained server spent beyond the plain one is the chains' own cost.
    const expected = chained.chains?.expected ?? 0;
    const extraUsPerChained = expected ? Math.round(((chained.serverCpuMs - plain.serverCpuMs) * 1_000) / expected) : NaN;
    return { plain, chained, extraUsPerChained, chainedUsEach: plain.serverUsPerDelivery + extraUsPerChained, load1: load1() };
  } finally {
    for (const c of shapes) await c.s.close();
  }
};

/** Part 3: the console's page, script and style sheet as a browser gets them from a fresh server. */
const consoleAssets = async (ctx: BenchContext) => {
  const server = await startServer({ dataRoot: ctx.dataRoot });
  try {
    return await probeConsole(server.url);
  } finally {
    await server.stop();
  }
};

/**
 * W5 mixed targets and chains: whether email (and SQS) deliveries slow webhooks in the same engine more than a burst of
 * webhooks does, what a chained message costs in server CPU, and how the console's files are served.
 */
export const w5 = async (ctx: BenchContext, p: W5Params): Promise<void> => {
  const alone = await webhooksBeside(ctx, p, 'nothing');
  const webhooks = await webhooksBeside(ctx, p, 'webhooks');
  const email = await webhooksBeside(ctx, p, 'email');
  const moto = hasMoto();
  if (!moto) note("w5: moto_server not found (pip install 'moto[server]==5.2.1'): no SQS target beside the webhooks");
  const sqs = moto ? await webhooksBeside(ctx, p, 'sqs') : undefined;
  const versus = (run: typeof alone) => ({
    p50Ms: Math.round((run.webhooks.latenessMs.p50 - alone.webhooks.latenessMs.p50) * 100) / 100,
    p99Ms: Math.round((run.webhooks.latenessMs.p99 - alone.webhooks.latenessMs.p99) * 100) / 100,
    maxMs: Math.round((run.webhooks.latenessMs.max - alone.webhooks.latenessMs.max) * 100) / 100,
    serverCpuPct: run.serverCpuPct - alone.serverCpuPct,
  });

  const chains = await chainsCpu(ctx, p);

  const assets = await consoleAssets(ctx);
  const consoleFigures = Object.fromEntries(
    assets.map((a) => [
      a.path.replace(/\?.*$/, '').replace('/console/', '') || 'page',
      { ...a, ratio: Math.round((a.bytes / Math.max(a.rawBytes, 1)) * 1000) / 1000 },
    ]),
  );

  report(
    'w5',
    { ...p, moto },
    {
      webhooksAlone: alone,
      webhooksBesideWebhooks: { ...webhooks, minusAlone: versus(webhooks) },
      webhooksBesideEmail: { ...email, minusAlone: versus(email) },
      ...(sqs ? { webhooksBesideSqs: { ...sqs, minusAlone: versus(sqs) } } : { webhooksBesideSqs: 'skipped: no moto_server' }),
      chainsCpu: chains,
      console: consoleFigures,
    },
    ctx.machine,
    {
      // Not blocked: the stream keeps W2's target with the slow mails beside it.
      webhookLatenessP99Ms: '≤ 20 (W2), beside email as alone',
      extraUsPerChained: '≤ 1000',
      chainsLost: 0,
      console: 'br or gzip, ETag, 304 on If-None-Match, assets cached immutable',
    },
  );
};
