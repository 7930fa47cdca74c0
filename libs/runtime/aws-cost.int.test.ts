/**
 * `npm run cost`: the AWS operations per delivered message (README, *Cost*), counted on the AWS composition root with
 * the real handlers, DynamoDB on dynalite and the SQS, Scheduler and API Gateway stand-ins on a simulated clock
 * (test/support/aws-world.ts). Why not moto: a message due in 5 minutes would wait 5 real minutes in moto's SQS, and
 * one an hour ahead an hour; on the simulated clock both take a second, and the stand-ins count every request.
 *
 * Four workloads of 100 messages with a 1 KiB JSON payload, delivered at the first attempt: created one per
 * `POST /v1/messages` or in one `POST /v1/messages/batch`, due within 15 minutes (`soon`, 5 minutes ahead) or an hour
 * ahead (`later`). Per delivered message: API Gateway requests, Lambda invocations (API, hand-off, wake, deliver) and GB-seconds
 * (measured handler durations × the functions' memory), DynamoDB write and read units from the items' sizes and every
 * index entry (test/support/capacity.ts), SQS requests (empty polls excluded: the event source's fixed cost), Scheduler
 * invocations. The per-minute sweep is a fixed cost, left out; so is the metering aggregator (one invocation and a few
 * counter writes per stream batch of up to 1,000 changes). The hand-off gets what the stream holds at each poll: the
 * simulated clock stands still while a workload is created, so its 100 messages are one hand-off batch, as on a busy
 * stream; a quiet one costs up to a hand-off invocation per message. Prints `AWS-OPS {json}`; infra/prices.ts prices it.
 */
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { useDynalite } from '../../test/support/dynalite';
import { awsWorld, T0 } from '../../test/support/aws-world';
import { countCapacity } from '../../test/support/capacity';
import type { Ops } from '../../infra/prices';

// Hundreds of dynalite calls per workload, each write read around for its sizes.
jest.setTimeout(120_000);

const db = useDynalite();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

/** The functions' memory in GB (serverless.ts: 512 MB by default; infra/engine.ts: the wake and hand-off functions 256 MB). */
const memoryGb = { api: 0.5, deliver: 0.5, wake: 0.25, handoff: 0.25 } as const;
const n = Number(process.env.COST_N ?? 100);
/** 1 KiB of JSON exactly. */
const payload = { data: 'x'.repeat(1024 - '{"data":""}'.length) };

const count = async (mode: 'single' | 'batch', due: 'soon' | 'later'): Promise<Ops> => {
  const ms = { api: 0, wake: 0, deliver: 0, handoff: 0 };
  let counting = false;
  const timed = (fn: keyof typeof ms, d: number) => {
    if (counting) ms[fn] += d;
  };
  const w = await awsWorld(db, receiver, { timed });
  try {
    const base = T0 + (due === 'soon' ? 5 : 60) * 60_000;
    const sendAt = (i: number) => new Date(base + i * 500).toISOString();
    w.ops.reset();
    counting = true;
    const units = countCapacity(db.client, w.tableName, () => w.phase());
    if (mode === 'single') {
      for (let i = 0; i < n; i++)
        expect((await w.api('POST', '/v1/messages', { appId: w.appId, sendAt: sendAt(i), payload })).status).toBe(201);
    } else {
      const items = Array.from({ length: n }, (_, i) => ({ appId: w.appId, sendAt: sendAt(i), payload }));
      const res = await w.api('POST', '/v1/messages/batch', { items });
      expect((res.body.items as { status: number }[]).every((i) => i.status === 201)).toBe(true);
    }
    if (process.env.COST_DEBUG) process.stderr.write(`created ${mode} ${due}\n`);
    await w.runUntil(base + n * 500 + 60_000);
    units.stop();
    counting = false;
    expect(w.arrivals).toHaveLength(n);
    const sum = (r: Record<string, number>) => Object.entries(r).reduce((a, [k, v]) => (k === 'sweep' ? a : a + v), 0);
    const per = (x: number) => Math.round((x / n) * 10_000) / 10_000;
    return {
      apiGatewayRequests: per(w.ops.get('lambda.api')),
      lambdaInvocations: per(w.ops.total('lambda.')),
      lambdaGbSeconds: per(Object.entries(ms).reduce((gbMs, [fn, d]) => gbMs + d * memoryGb[fn as keyof typeof ms], 0) / 1000),
      dynamodbWru: per(sum(units.wru)),
      dynamodbRru: per(sum(units.rru)),
      sqsRequests: per(w.ops.total('sqs.') - w.ops.get('sqs.ReceiveMessage.empty')),
      schedulerInvocations: per(w.ops.get('scheduler.invocation')),
    };
  } finally {
    await w.close();
  }
};

it('counts the AWS operations per delivered message: single and batched, due soon and later', async () => {
  const figures = {
    single: { soon: await count('single', 'soon'), later: await count('single', 'later') },
    batch: { soon: await count('batch', 'soon'), later: await count('batch', 'later') },
  };
  process.stdout.write(`AWS-OPS ${JSON.stringify(figures)}\n`);
  // What holds for any design: one API request per message created alone, a hundredth batched; a delivery at least.
  expect(figures.single.soon.apiGatewayRequests).toBe(1);
  expect(figures.batch.later.apiGatewayRequests).toBe(1 / n);
  for (const f of [figures.single.soon, figures.single.later, figures.batch.soon, figures.batch.later]) {
    expect(f.dynamodbWru).toBeGreaterThanOrEqual(2);
    expect(f.lambdaInvocations).toBeGreaterThan(f.apiGatewayRequests);
  }
});
