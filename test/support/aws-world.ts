/**
 * One world of the AWS composition root without AWS (libs/runtime/aws-engine.int.test.ts, the cost count): a fresh
 * dynalite table, the stand-ins of SQS, Scheduler and API Gateway (aws-standins.ts) on a simulated clock, a runtime
 * registered as the Lambda container's, a tenant signed up and an app whose target is the real receiver. The table's
 * changes reach the engine's hand-off as its stream event source gives them: one record per write (table-stream.ts),
 * the stack's filter patterns, batches of its batch size, and a failed record retried with those after it. Tests only.
 */
import { randomBytes } from 'node:crypto';
import type { Context, DynamoDBRecord, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as handoffHandler } from '../../functions/engine/handoff/handler';
import { handoffBatchSize, handoffFilterPatterns } from '../../infra/engine';
import { passesFilters } from './stream-filters';
import { writeStream } from './table-stream';
import { handler as wakeHandler } from '../../functions/engine/wake/handler';
import { handler as deliverHandler } from '../../functions/engine/deliver/handler';
import { handler as sweepHandler } from '../../functions/engine/sweep/handler';
import type { Receiver } from './receiver';
import { ManualClock } from '../../libs/domain/clock';
import { registerContainer } from '../../libs/lambda/container';
import type { Dynalite } from './dynalite';
import { createAwsRuntime, type AwsRuntime } from '../../libs/runtime/aws';
import { loadAwsConfig } from '../../libs/runtime/aws-config';
import { ApiGatewayStandIn, OpCounter, SchedulerStandIn, SqsEventSource, SqsStandIn } from './aws-standins';
import type { DeliveryMetrics } from '../../libs/engine/metrics';
import type { Logger } from '../../libs/observability/logger';
import { AesSecretBox } from '../../libs/secrets/aes';

export const wakeArn = 'arn:aws:lambda:us-east-1:000000000000:function:punctual-test-engineWake';
export const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
/** Every container seals with one key, as KMS data keys would all open (the KMS box is tested on moto: libs/secrets/kms.aws.test.ts). */
const secrets = new AesSecretBox(randomBytes(32));
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The functions a world times. */
type Fn = 'api' | 'wake' | 'deliver' | 'handoff';

/** How long the stream event source waits before it gives a failed batch again. */
const streamRetryMs = 1_000;

/** How a world differs from the default. */
export interface WorldOptions {
  /** The SQS stand-in delivers every n-th message twice. */
  duplicateEvery?: number;
  retryMaxAttempts?: number;
  /** Times each handler invocation (the cost count's GB-seconds): the function's name and its duration in ms. */
  timed?: (fn: Fn, ms: number) => void;
}

/** One world: a fresh table, stand-ins, a runtime registered as the container's, and a simulated clock. */
export const awsWorld = async (db: Dynalite, receiver: Receiver, options: WorldOptions = {}) => {
  const timed = async <T>(fn: Fn, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      options.timed?.(fn, performance.now() - started);
    }
  };
  const clock = new ManualClock(T0);
  const ops = new OpCounter();
  const tableName = await db.createTable();
  const stream = writeStream(db.client, tableName);
  const sqs = new SqsStandIn(clock, ops, {
    visibilityTimeoutMs: 540_000,
    maxReceiveCount: 5,
    ...(options.duplicateEvery ? { duplicateEvery: options.duplicateEvery } : {}),
  });
  const gateway = new ApiGatewayStandIn(ops, [
    { id: 'up-free', name: 'punctual-free-test' },
    { id: 'up-unlimited', name: 'punctual-unlimited-test' },
  ]);
  const invokeWake = (arn: string, input: unknown) => {
    expect(arn).toBe(wakeArn);
    ops.add('lambda.wake');
    return timed('wake', () => wakeHandler(input as { bucket: number }));
  };
  const scheduler = new SchedulerStandIn(clock, ops, invokeWake);
  const metrics = {
    attempts: [] as Parameters<DeliveryMetrics['attempt']>[0][],
    flushes: 0,
    attempt: (a: Parameters<DeliveryMetrics['attempt']>[0]) => void metrics.attempts.push(a),
    flush: () => void metrics.flushes++,
  };
  const config = loadAwsConfig({
    PUNCTUAL_TABLE_NAME: tableName,
    PUNCTUAL_DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/punctual-test-delivery',
    PUNCTUAL_DELIVERY_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:punctual-test-delivery-dlq',
    PUNCTUAL_WAKE_FUNCTION_ARN: wakeArn,
    PUNCTUAL_SCHEDULE_GROUP: 'punctual-test',
    PUNCTUAL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
    PUNCTUAL_USER_POOL_ID: 'us-east-1_Pool',
    PUNCTUAL_STACK: 'punctual-test',
    PUNCTUAL_USER_POOL_CLIENT_ID: 'client',
    PUNCTUAL_USAGE_PLAN_PREFIX: 'punctual-',
    PUNCTUAL_USAGE_PLAN_SUFFIX: '-test',
  });
  /** A Lambda container: its own runtime (own caches) on the shared table and stand-ins. */
  const container = (): AwsRuntime =>
    createAwsRuntime(config, {
      documentClient: db.client,
      apiGateway: gateway.client,
      sqs: sqs.client,
      scheduler: scheduler.client,
      clock,
      logger: silent,
      metrics,
      secrets,
      allowPrivateTargets: true,
      verifier: { verify: async (token) => (token === 'id-token' ? { sub: 'operator-sub' } : Promise.reject(new Error('invalid'))) },
    });
  const runtime = container();
  const others: AwsRuntime[] = [];
  registerContainer(async () => runtime);
  const deliver = (e: SQSEvent, c: Context): Promise<SQSBatchResponse> => timed('deliver', () => deliverHandler(e, c));
  const source = new SqsEventSource(sqs, ops, deliver);
  let nextSweep = Math.floor(T0 / 60_000) * 60_000 + 60_000;
  /** Who is running now, for the operation counts: a client request, the engine, or the per-minute sweep (a fixed cost). */
  let phase: 'api' | 'engine' | 'sweep' = 'api';

  /** Stream records the hand-off has yet to take (a failed one and those after it, again at `retryAt`). */
  let handoffQueue: DynamoDBRecord[] = [];
  let retryAt = 0;
  const streamNextAt = () => (stream.size || handoffQueue.length ? Math.max(clock.now(), retryAt) : Infinity);
  /** The hand-off's event source, at the stream's next poll: the records its filters keep, a batch at a time. */
  const handOff = async () => {
    handoffQueue.push(...stream.take().filter((r) => passesFilters(handoffFilterPatterns, r)));
    while (handoffQueue.length && clock.now() >= retryAt) {
      const batch = handoffQueue.slice(0, handoffBatchSize);
      ops.add('lambda.handoff');
      let from: number;
      try {
        const res = await timed('handoff', () => handoffHandler({ Records: batch }));
        const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
        from = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      } catch {
        from = 0; // a function error: the whole batch again (bisected on AWS)
      }
      handoffQueue = handoffQueue.slice(from === -1 ? batch.length : from);
      if (from !== -1) retryAt = clock.now() + streamRetryMs;
    }
  };

  /**
   * Runs the world until `until` (simulated): the stream hands changes over, EventBridge rate(1 minute) sweeps, Scheduler
   * fires, SQS polls.
   */
  const runUntil = async (until: number) => {
    for (let guard = 0; guard < 20_000; guard++) {
      const next = Math.min(streamNextAt(), sqs.nextVisibleAt(), scheduler.nextFireAt(), nextSweep);
      if (next > until) break;
      if (next > clock.now()) clock.set(next);
      phase = 'engine';
      await handOff();
      if (nextSweep <= clock.now()) {
        nextSweep += 60_000;
        ops.add('sweep.lambda');
        phase = 'sweep';
        await sweepHandler();
      }
      phase = 'engine';
      await scheduler.fireDue();
      await source.drain();
    }
    phase = 'api';
    clock.set(Math.max(clock.now(), until));
  };

  // Sign-up with a Cognito ID token, then an app whose target is the real receiver.
  const signUp = await gateway.request('POST', '/v1/tenants', { authorization: 'Bearer id-token', body: { name: 'Acme' } });
  expect(signUp.status).toBe(201);
  const apiKey = (signUp.body.controlKey as { key: string }).key;
  const path = `/hook-${tableName}`;
  const app = await gateway.request('POST', '/v1/apps', {
    apiKey,
    body: {
      name: 'orders',
      target: { type: 'http', url: `${receiver.url}${path}` },
      ...(options.retryMaxAttempts ? { retryPolicy: { maxAttempts: options.retryMaxAttempts } } : {}),
    },
  });
  expect(app.status).toBe(201);
  const appId = app.body.id as string;
  const secret = app.body.signingSecret as string;
  const tenantId = signUp.body.id as string;

  /** Arrivals at this world's path with their simulated time. */
  const arrivals: { id: string; simAt: number; attempt: number; body: string; headers: Record<string, unknown> }[] = [];
  receiver.respond(path, (r) => {
    arrivals.push({
      id: String(r.headers['webhook-id']),
      simAt: clock.now(),
      attempt: Number(r.headers['punctual-attempt'] ?? 0),
      body: r.body,
      headers: r.headers,
    });
    return answer(r.body);
  });
  let answer: (body: string) => { status: number; body?: string } = () => ({ status: 200 });
  const api = (method: string, p: string, body?: unknown) =>
    timed('api', () => gateway.request(method, p, { apiKey, ...(body !== undefined ? { body } : {}) }));

  return {
    clock,
    ops,
    sqs,
    scheduler,
    runtime,
    appId,
    tenantId,
    secret,
    metrics,
    arrivals,
    api,
    runUntil,
    /** The hand-off's next poll, now: what the table's stream holds goes to the engine (SQS or a bucket's wake-up). */
    handOff: async () => {
      phase = 'engine';
      await handOff();
      phase = 'api';
    },
    answerWith: (f: typeof answer) => {
      answer = f;
    },
    phase: () => phase,
    tableName,
    gateway,
    apiKey,
    container: () => {
      const c = container();
      others.push(c);
      return c;
    },
    close: async () => {
      gateway.restore();
      stream.stop();
      for (const c of others) await c.close();
      await runtime.close();
      await db.dropTable(tableName);
    },
  };
};
