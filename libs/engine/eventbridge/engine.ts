import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../domain/clock';
import type { DueRef } from '../../messages/port';
import { atExpression, bucketOf, scheduleName, sqsDelaySeconds } from './buckets';
import type { Engine } from '../port';

/** Options of the AWS engine. */
export interface EventBridgeEngineOptions {
  sqs: SQSClient;
  scheduler: SchedulerClient;
  clock: Clock;
  /** The release queue: messages due within 15 minutes, and the shards of a bucket being armed. */
  queueUrl: string;
  /** The arm function, which a bucket's wake-up invokes. */
  armFunctionArn: string;
  /** Where Scheduler puts a wake-up it could not deliver (an SQS queue). */
  deadLetterArn: string;
  /** The schedule group and the role Scheduler assumes to send to the queue. */
  groupName: string;
  roleArn: string;
  /** @default 185 Scheduler retries of a wake-up (its maximum) */
  maxRetryAttempts?: number;
  /** @default 86400 seconds a wake-up may be retried for (its maximum) */
  maxEventAgeSeconds?: number;
}

const defaults = { maxRetryAttempts: 185, maxEventAgeSeconds: 86_400 };

/**
 * What the release queue carries. `release`: deliver this message (due at `dueAt`); `arm`: hand one
 * due-index shard's messages of a minute bucket to SQS, from `cursor` on (a hot minute is armed by
 * many invocations, a page each, not by one).
 */
export type ReleaseQueueMessage =
  | { kind: 'release'; id: string; tenantId: string; dueAt: number }
  | { kind: 'arm'; bucket: number; shard: number; cursor?: string };

/** A release-queue body, or undefined if it is not one of ours. */
export const parseReleaseMessage = (body: string): ReleaseQueueMessage | undefined => {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  const m = v as Record<string, unknown> | null;
  if (m?.kind === 'release' && typeof m.id === 'string' && typeof m.tenantId === 'string' && Number.isFinite(m.dueAt)) {
    return { kind: 'release', id: m.id, tenantId: m.tenantId, dueAt: m.dueAt as number };
  }
  if (
    m?.kind === 'arm' &&
    Number.isSafeInteger(m.bucket) &&
    Number.isInteger(m.shard) &&
    (m.cursor === undefined || typeof m.cursor === 'string')
  ) {
    return { kind: 'arm', bucket: m.bucket as number, shard: m.shard as number, ...(m.cursor ? { cursor: m.cursor as string } : {}) };
  }
  return undefined;
};

/** What a bucket's wake-up hands the arm function. */
export interface WakeUp {
  bucket: number;
}

/** An SQS batch entry SQS refused; the store still has the message (it stays `scheduled`). */
export class EnqueueFailedError extends Error {
  override name = 'EnqueueFailedError';
  constructor(
    readonly ids: string[],
    options?: { cause?: unknown },
  ) {
    super(`the release queue refused ${ids.length} message(s): ${ids.slice(0, 5).join(', ')}`, options);
  }
}

/**
 * The AWS engine: a message due within 15 minutes goes to SQS with `DelaySeconds` (second precision);
 * a later one makes sure its minute bucket has one EventBridge Scheduler `at()` wake-up (idempotent:
 * `ConflictException` means it exists), which fires a little early and invokes the arm function; that
 * queues the bucket's shards, and the release function sends each shard's messages to SQS, a page at a time.
 */
export class EventBridgeEngine implements Engine {
  private readonly o: EventBridgeEngineOptions & Required<Pick<EventBridgeEngineOptions, 'maxRetryAttempts' | 'maxEventAgeSeconds'>>;
  /** Buckets this container already knows to exist. */
  private readonly armed = new Set<number>();

  constructor(options: EventBridgeEngineOptions) {
    this.o = { ...defaults, ...options };
  }

  async enqueue(refs: DueRef[]): Promise<void> {
    const now = this.o.clock.now();
    const soon: { ref: DueRef; delay: number }[] = [];
    const buckets = new Set<number>();
    for (const ref of refs) {
      const delay = sqsDelaySeconds(ref.dueAt, now);
      if (delay === undefined) buckets.add(bucketOf(ref.dueAt));
      else soon.push({ ref, delay });
    }
    await Promise.all([this.send(soon), ...[...buckets].map((b) => this.arm(b))]);
  }

  /** Sends messages to the release queue now, each delayed until it is due (0 if it is already). */
  async release(refs: DueRef[]): Promise<void> {
    const now = this.o.clock.now();
    await this.send(refs.map((ref) => ({ ref, delay: sqsDelaySeconds(ref.dueAt, now) ?? 900 })));
  }

  /** Queues the arming of one bucket shard by shard (the wake-up's own work is only this). */
  async armShards(bucket: number, shards: number): Promise<void> {
    await this.sendBodies(
      Array.from({ length: shards }, (_, shard) => ({ body: { kind: 'arm', bucket, shard }, delay: 0, id: `shard ${shard}` })),
    );
  }

  /** Queues the next page of a shard being armed. */
  async armNext(next: Extract<ReleaseQueueMessage, { kind: 'arm' }>): Promise<void> {
    await this.sendBodies([{ body: next, delay: 0, id: `shard ${next.shard}` }]);
  }

  private send(items: { ref: DueRef; delay: number }[]): Promise<void> {
    return this.sendBodies(
      items.map(({ ref, delay }) => ({
        body: { kind: 'release', id: ref.id, tenantId: ref.tenantId, dueAt: ref.dueAt },
        delay,
        id: ref.id,
      })),
    );
  }

  /** SendMessageBatch, ten at a time and a few batches in flight; throws naming what SQS refused. */
  private async sendBodies(items: { body: ReleaseQueueMessage; delay: number; id: string }[]): Promise<void> {
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 10) chunks.push(items.slice(i, i + 10));
    const refused: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        const out = await this.o.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.o.queueUrl,
            Entries: chunk.map(({ body, delay }, n) => ({ Id: String(n), DelaySeconds: delay, MessageBody: JSON.stringify(body) })),
          }),
        );
        for (const f of out.Failed ?? []) refused.push(chunk[Number(f.Id)].id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, chunks.length) }, worker));
    if (refused.length) throw new EnqueueFailedError(refused);
  }

  private async arm(bucket: number): Promise<void> {
    if (this.armed.has(bucket)) return;
    try {
      await this.o.scheduler.send(
        new CreateScheduleCommand({
          Name: scheduleName(bucket),
          GroupName: this.o.groupName,
          ScheduleExpression: atExpression(bucket),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.o.armFunctionArn,
            RoleArn: this.o.roleArn,
            Input: JSON.stringify({ bucket } satisfies WakeUp),
            RetryPolicy: { MaximumRetryAttempts: this.o.maxRetryAttempts, MaximumEventAgeInSeconds: this.o.maxEventAgeSeconds },
            DeadLetterConfig: { Arn: this.o.deadLetterArn },
          },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConflictException) && (err as { name?: string })?.name !== 'ConflictException') throw err;
    }
    this.armed.add(bucket);
  }
}
