/**
 * End to end through the AWS composition root, without AWS: the real handlers (API, engine wake /
 * deliver / sweep) wired by libs/runtime/aws.ts, DynamoDB on dynalite, and stand-ins that keep the
 * documented semantics of SQS, EventBridge Scheduler and API Gateway (test/support/aws-standins.ts),
 * all on a simulated clock, delivering to a real receiver on 127.0.0.1. It also counts the AWS
 * operations per delivered message (the README's cost table).
 */
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { type Dynalite, useDynalite } from '../../test/support/dynalite';
import { awsWorld, T0, type WorldOptions } from '../../test/support/aws-world';
import { isHarnessRead } from '../../test/support/capacity';

// dynalite answers in milliseconds, and a world makes hundreds of calls.
jest.setTimeout(60_000);

const db = useDynalite();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

/** One world on this file's dynalite and receiver (test/support/aws-world.ts). */
const world = (options: WorldOptions = {}) => awsWorld(db, receiver, options);

type World = Awaited<ReturnType<typeof world>>;
let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const create = async (w: World, sendAt: number, { n = 1 }: { n?: number } = {}) => {
  const res = await w.api('POST', '/v1/messages', { appId: w.appId, sendAt: new Date(sendAt).toISOString(), payload: { n } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('the AWS runtime end to end (dynalite + SQS, Scheduler and API Gateway stand-ins)', () => {
  it('delivers a message due in 30 minutes through bucket → Scheduler → wake → SQS → deliver, within 1 s of sendAt, signed', async () => {
    w = await world();
    const sendAt = T0 + 30 * 60_000 + 12_345;
    const id = await create(w, sendAt);
    // The API call sent and booked nothing: the table stream hands the message to the engine.
    expect(w.scheduler.schedules.size).toBe(0);
    await w.handOff();

    // Beyond SQS's 15 minutes: nothing in SQS yet, one at() wake-up for the minute, two minutes early.
    expect(w.sqs.messages).toHaveLength(0);
    expect([...w.scheduler.schedules.values()].map((s) => s.input.ScheduleExpression)).toEqual(['at(2026-11-24T12:28:00)']);

    await w.runUntil(sendAt + 5_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([id]);
    const late = w.arrivals[0].simAt - sendAt;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(1_000);
    // The wake-up fired within its minute (up to 60 s late) and was deleted after completion.
    expect(w.scheduler.fired).toHaveLength(1);
    expect(w.scheduler.fired[0].firedAt - w.scheduler.fired[0].at).toBeLessThan(60_000);
    expect(w.scheduler.schedules.size).toBe(0);
    // Signed as the embedded runtime signs (standardwebhooks).
    const a = w.arrivals[0];
    expect(() => new Webhook(w!.secret).verify(a.body, a.headers as Record<string, string>)).not.toThrow();
    const got = await w.api('GET', `/v1/messages/${id}`);
    expect(got.body).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(w.sqs.messages).toHaveLength(0);
  });

  it('sends a message due within 15 minutes to SQS directly, with a delay to the second', async () => {
    w = await world();
    const sendAt = T0 + 5 * 60_000 + 400;
    const id = await create(w, sendAt);
    expect(w.sqs.messages).toHaveLength(0); // the API call sends nothing: the table stream hands the message over
    await w.handOff();
    expect(w.sqs.messages).toHaveLength(1);
    expect(w.sqs.messages[0].visibleAt).toBe(T0 + 5 * 60_000 + 1_000);
    expect(w.ops.get('scheduler.CreateSchedule')).toBe(0);

    await w.runUntil(sendAt + 5_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([id]);
    expect(w.arrivals[0].simAt - sendAt).toBeGreaterThanOrEqual(0);
    expect(w.arrivals[0].simAt - sendAt).toBeLessThanOrEqual(1_000);
  });

  it('pages a hot minute shard by shard and page by page, delivering each message once despite duplicate SQS deliveries', async () => {
    w = await world({ duplicateEvery: 3 });
    // biome-ignore lint/complexity/useLiteralKeys: a private option, set here so a shard takes several page jobs
    w.runtime.engine['o'].pageSize = 7;
    const base = T0 + 40 * 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await create(w, base + (i % 50) * 1_000, { n: i }));

    await w.runUntil(base + 60_000 + 5_000);

    const arrived = w.arrivals.map((a) => a.id);
    expect(new Set(arrived).size).toBe(60);
    expect(arrived).toHaveLength(60); // a duplicate SQS delivery finds nothing to claim
    expect(new Set(arrived)).toEqual(new Set(ids));
    expect(w.ops.get('scheduler.CreateSchedule')).toBe(1);
    expect(w.ops.get('lambda.wake')).toBe(1);
    for (const a of w.arrivals) {
      const sendAt = base + (JSON.parse(a.body).n % 50) * 1_000;
      expect(a.simAt - sendAt).toBeLessThanOrEqual(1_000);
    }
  });

  it('does not deliver an aborted message, whose deliver record then finds nothing to claim', async () => {
    w = await world();
    const sendAt = T0 + 20 * 60_000;
    const id = await create(w, sendAt);
    const kept = await create(w, sendAt + 1_000);
    expect((await w.api('POST', `/v1/messages/${id}/abort`)).status).toBe(200);

    await w.runUntil(sendAt + 10_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([kept]);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'aborted', attemptCount: 0 });
  });

  it('retries a 500 with backoff through an SQS delay, then records delivery', async () => {
    w = await world();
    let calls = 0;
    w.answerWith(() => (++calls === 1 ? { status: 500 } : { status: 200 }));
    const sendAt = T0 + 60_000;
    const id = await create(w, sendAt);

    await w.runUntil(sendAt + 10 * 60_000);

    expect(w.arrivals.map((a) => a.attempt)).toEqual([1, 2]);
    expect(w.arrivals[1].simAt).toBeGreaterThan(w.arrivals[0].simAt);
    const attempts = await w.api('GET', `/v1/messages/${id}/attempts`);
    expect((attempts.body.items as { outcome: string }[]).map((a) => a.outcome)).toEqual(['retry', 'success']);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'delivered', attemptCount: 2 });
    // Metrics: a retry with its lateness (first attempt), then a delivery without (lateness is the first attempt's).
    expect(w.metrics.attempts.map((a) => [a.outcome, a.latenessMs !== undefined])).toEqual([
      ['retry', true],
      ['delivered', false],
    ]);
    expect(w.metrics.attempts[0].latenessMs).toBeLessThanOrEqual(1_000);
    expect(w.metrics.flushes).toBeGreaterThanOrEqual(2);
  });

  it('fails a message after its retry budget, and a redrive delivers it', async () => {
    w = await world({ retryMaxAttempts: 2 });
    let healthy = false;
    w.answerWith(() => ({ status: healthy ? 200 : 503 }));
    const sendAt = T0 + 60_000;
    const id = await create(w, sendAt);

    await w.runUntil(sendAt + 30 * 60_000);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'failed', attemptCount: 2 });
    expect(w.arrivals).toHaveLength(2);

    healthy = true;
    expect((await w.api('POST', `/v1/messages/${id}/redrive`)).status).toBe(200);
    await w.runUntil(w.clock.now() + 5_000);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'delivered', attemptCount: 3 });
    expect(w.arrivals).toHaveLength(3);
  });

  it('takes over a message whose delivering invocation stopped, once its lease ran out (SQS redelivery)', async () => {
    w = await world();
    const sendAt = T0 + 30_000;
    const id = await create(w, sendAt);
    // An invocation claims it and dies before recording anything (its SQS record is not deleted).
    w.clock.set(sendAt);
    // biome-ignore lint/complexity/useLiteralKeys: the engine's private store, to claim the message as a concurrent release would
    expect(await w.runtime.engine['deps'].messages.claim([{ id, tenantId: w.tenantId, dueAt: sendAt }], sendAt)).toHaveLength(1);

    await w.runUntil(sendAt + 15 * 60_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([id]);
    // The first receive found a fresh claim and was retried after the visibility timeout, past the lease.
    expect(w.arrivals[0].simAt - sendAt).toBeGreaterThanOrEqual(540_000);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'delivered', attemptCount: 1 });
  });

  it('delivers a message due now whose hand-off failed after the write (a crash before SQS had it): the stream retries it', async () => {
    w = await world();
    w.sqs.refuseNext(1);
    const sendAt = T0;
    const id = await create(w, sendAt);

    await w.runUntil(sendAt + 60_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([id]);
    // The first hand-off failed; the stream gave the record again a second later, and that one reached SQS.
    expect(w.ops.get('lambda.handoff')).toBe(2);
    expect(w.arrivals[0].simAt - sendAt).toBeLessThanOrEqual(2_000);
    // No due-index entry stood behind it: the sweep had nothing to do with it.
    expect(await w.runtime.engine.sweep()).toBe(0);
  });

  it('sweeps a message due later whose deliver record was lost after its wake-up back into the queue', async () => {
    w = await world();
    const sendAt = T0 + 30 * 60_000;
    const id = await create(w, sendAt);
    // Its bucket wakes up and pages the message into SQS, where the deliver record is lost.
    await w.runUntil(sendAt - 10_000);
    expect(w.sqs.messages.map((m) => JSON.parse(m.body).id)).toEqual([id]);
    w.sqs.messages.splice(0);

    await w.runUntil(sendAt + 3 * 60_000);

    expect(w.arrivals.map((a) => a.id)).toEqual([id]);
    expect(w.arrivals[0].simAt - sendAt).toBeLessThanOrEqual(2 * 60_000 + 1_000);
  });

  it('queues a retry and a redrive exactly once each: the stream hands them over, nothing else sends them', async () => {
    w = await world({ retryMaxAttempts: 2 });
    let healthy = false;
    w.answerWith(() => ({ status: healthy ? 200 : 503 }));
    const sendAt = T0 + 60_000;
    const id = await create(w, sendAt);
    const queued = () => w!.sqs.accepted.filter((b) => JSON.parse(b).id === id).length;

    await w.runUntil(sendAt + 30 * 60_000);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'failed', attemptCount: 2 });
    expect(queued()).toBe(2); // the first attempt, and its retry

    healthy = true;
    expect((await w.api('POST', `/v1/messages/${id}/redrive`)).status).toBe(200);
    await w.runUntil(w.clock.now() + 60_000);
    expect((await w.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'delivered', attemptCount: 3 });
    expect(queued()).toBe(3);
    expect(w.arrivals).toHaveLength(3);
  });

  it('runs a recurring schedule: the sweep materialises each occurrence, delivered within 1 s of it', async () => {
    w = await world();
    const res = await w.api('POST', '/v1/schedules', {
      appId: w.appId,
      name: 'every minute',
      expression: 'rate(1 minute)',
      payload: { kind: 'tick' },
    });
    expect(res.status).toBe(201);
    const first = Date.parse(res.body.nextRunAt as string);

    await w.runUntil(first + 4 * 60_000 + 5_000);

    expect(w.arrivals.length).toBeGreaterThanOrEqual(5);
    w.arrivals.forEach((a, i) => {
      expect(a.headers['punctual-schedule-id']).toBe(res.body.id);
      const due = first + i * 60_000;
      expect(a.simAt - due).toBeGreaterThanOrEqual(0);
      expect(a.simAt - due).toBeLessThanOrEqual(1_000);
    });
    expect(new Set(w.arrivals.map((a) => a.id)).size).toBe(w.arrivals.length);
  });

  it('refuses a key revoked in one container within 5 s in another warm one', async () => {
    w = await world();
    const created = await w.api('POST', '/v1/keys', { scope: 'control', name: 'temp' });
    expect(created.status).toBe(201);
    const gatewayId = w.gateway.idOf(created.body.key as string)!;
    const other = w.container();
    expect(await other.services.keys.principal(gatewayId)).toMatchObject({ keyId: created.body.id });

    expect((await w.api('DELETE', `/v1/keys/${created.body.id as string}`)).status).toBe(204);
    w.clock.advance(5_000);

    expect(await other.services.keys.principal(gatewayId)).toBeUndefined();
    // API Gateway refuses the deleted key itself, in our error shape.
    expect(await w.gateway.request('GET', '/v1/apps', { apiKey: created.body.key as string })).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
  });

  it('counts the AWS operations per delivered message (README cost table)', async () => {
    w = await world();
    const n = 100;
    const base = T0 + 60 * 60_000;
    // The figures exclude set-up: count from the first message on.
    w.ops.reset();
    const dynamo = countDynamo(db, w.phase);
    for (let i = 0; i < n; i++) await create(w, base + i * 500, { n: i });
    await w.runUntil(base + 2 * 60_000);
    dynamo.stop();

    expect(w.arrivals).toHaveLength(n);
    const minutes = w.ops.get('sweep.lambda');
    const per = (x: number, d: number) => Math.round((x / d) * 100) / 100;
    const c = dynamo.counts;
    const figures = {
      messages: n,
      // Per delivered message: the API call that created it, then the engine (wake, page, deliver; no retry here).
      dynamoPerMessage: { api: per(sum(c, 'api:'), n), engine: per(sum(c, 'engine:'), n) },
      dynamoByCommand: Object.fromEntries(
        Object.entries(c)
          .filter(([k]) => !k.startsWith('sweep:'))
          .map(([k, v]) => [k, per(v, n)]),
      ),
      // SQS: sends, deletes and receives that returned messages (empty polls are the event source's fixed cost).
      sqsPerMessage: per(w.ops.total('sqs.') - w.ops.get('sqs.ReceiveMessage.empty'), n),
      schedulerPerMessage: per(w.ops.total('scheduler.'), n),
      lambdaPerMessage: per(w.ops.total('lambda.'), n),
      // Fixed, per minute whatever the traffic: the sweep (materialiser + overdue messages) and its DynamoDB queries.
      sweepPerMinute: { lambda: 1, dynamo: per(sum(c, 'sweep:'), minutes) },
      ops: w.ops.snapshot(),
    };
    process.stdout.write(`AWS-OPS ${JSON.stringify(figures)}\n`);
    // Bounds that hold for this design; a change that multiplies the calls per message fails here.
    expect(figures.dynamoPerMessage.api).toBeLessThanOrEqual(4);
    expect(figures.dynamoPerMessage.engine).toBeLessThanOrEqual(4);
    expect(figures.sqsPerMessage).toBeLessThanOrEqual(4);
    expect(figures.lambdaPerMessage).toBeLessThanOrEqual(2.5);
    expect(figures.sweepPerMinute.dynamo).toBeLessThanOrEqual(20);
  });
});

const sum = (c: Record<string, number>, prefix: string) => Object.entries(c).reduce((a, [k, v]) => (k.startsWith(prefix) ? a + v : a), 0);

/** Counts DynamoDB requests by phase and command (read and write units follow from them for these small items). */
const countDynamo = (d: Dynalite, phase: () => string) => {
  const counts: Record<string, number> = {};
  let on = true;
  const name = `count-${Math.random()}`;
  d.client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = `${phase()}:${context.commandName!.replace(/Command$/, '')}`;
      // The world's stream stand-in reads the images around each write: not a request of the runtime.
      if (on && !isHarnessRead(args.input)) counts[key] = (counts[key] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    counts,
    stop: () => {
      on = false;
      d.client.middlewareStack.remove(name);
    },
  };
};
