import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../domain/clock';
import type { DueRef } from '../../messages/port';
import { atExpression, bucketOf, maxSqsDelaySeconds, scheduleName, sqsDelaySeconds } from './buckets';
import type { Engine } from '../port';

/** Options of the AWS engine. */
export interface EventBridgeEngineOptions {
  sqs: SQSClient;
  scheduler: SchedulerClient;
  clock: Clock;
  /** The delivery queue: messages due within 15 minutes, and the page jobs of a bucket that woke up. */
  queueUrl: string;
  /** The wake function, which a bucket's wake-up invokes. */
  wakeFunctionArn: string;
  /** Where Scheduler puts a wake-up it could not deliver (an SQS queue). */
  deadLetterArn: string;
  /** The schedule group of the wake-ups, and the role Scheduler assumes to invoke the wake function. */
  groupName: string;
  roleArn: string;
  /** @default 185 Scheduler retries of a wake-up (its maximum) */
  maxRetryAttempts?: number;
  /** @default 86400 seconds a wake-up may be retried for (its maximum) */
  maxEventAgeSeconds?: number;
}

const defaults = { maxRetryAttempts: 185, maxEventAgeSeconds: 86_400 };

/**
 * What the delivery queue carries. `deliver`: deliver this message (due at `dueAt`); `page`: send one
 * page of a minute bucket's due-index shard to the queue, from `cursor` on (a hot minute is paged by
 * many invocations, a page each, not by one).
 */
export type DeliveryQueueMessage =
  | { kind: 'deliver'; id: string; tenantId: string; dueAt: number }
  | { kind: 'page'; bucket: number; shard: number; cursor?: string };

/** A page job of the delivery queue. */
export type PageJob = Extract<DeliveryQueueMessage, { kind: 'page' }>;

/** A delivery-queue body, or undefined if it is not one of ours. */
export const parseDeliveryQueueMessage = (body: string): DeliveryQueueMessage | undefined => {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  const m = v as Record<string, unknown> | null;
  if (m?.kind === 'deliver' && typeof m.id === 'string' && typeof m.tenantId === 'string' && Number.isFinite(m.dueAt)) {
    return { kind: 'deliver', id: m.id, tenantId: m.tenantId, dueAt: m.dueAt as number };
  }
  if (
    m?.kind === 'page' &&
    Number.isSafeInteger(m.bucket) &&
    Number.isInteger(m.shard) &&
    (m.cursor === undefined || typeof m.cursor === 'string')
  ) {
    return { kind: 'page', bucket: m.bucket as number, shard: m.shard as number, ...(m.cursor ? { cursor: m.cursor as string } : {}) };
  }
  return undefined;
};

/** What a bucket's wake-up hands the wake function. */
export interface WakeUp {
  bucket: number;
}

/** Entries of an SQS batch that SQS refused; the store still has the message (it stays `scheduled`). */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
  constructor(
    readonly ids: string[],
    options?: { cause?: unknown },
  ) {
    super(`the delivery queue refused ${ids.length} message(s): ${ids.slice(0, 5).join(', ')}`, options);
  }
}

/**
 * The AWS engine: a message due within 15 minutes is sent to the delivery queue (SQS) with `DelaySeconds`
 * (second precision); a later one books its minute bucket's one EventBridge Scheduler `at()` wake-up
 * (idempotent: `ConflictException` means it exists), which fires a little early and invokes the wake
 * function; that queues a page job per due-index shard, and the deliver function sends each page's
 * messages to the queue. Verbs: libs/engine/port.ts.
 */
export class EventBridgeEngine implements Engine {
  private readonly o: EventBridgeEngineOptions & Required<Pick<EventBridgeEngineOptions, 'maxRetryAttempts' | 'maxEventAgeSeconds'>>;
  /** Buckets this container already knows to have their wake-up. */
  private readonly booked = new Set<number>();

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
    await Promise.all([this.sendDelayed(soon), ...[...buckets].map((b) => this.book(b))]);
  }

  /** Sends messages to the delivery queue now, each delayed until it is due (0 if it is already). */
  async send(refs: DueRef[]): Promise<void> {
    const now = this.o.clock.now();
    await this.sendDelayed(refs.map((ref) => ({ ref, delay: sqsDelaySeconds(ref.dueAt, now) ?? 900 })));
  }

  /** Sends messages to the delivery queue to come back in `delaySeconds` (at most 15 minutes), whenever they are due. */
  async sendIn(refs: DueRef[], delaySeconds: number): Promise<void> {
    const delay = Math.min(maxSqsDelaySeconds, Math.max(0, Math.ceil(delaySeconds)));
    await this.sendDelayed(refs.map((ref) => ({ ref, delay })));
  }

  /** Queues the first page job of each shard of a bucket (the wake-up's own work is only this). */
  async queuePages(bucket: number, shards: number): Promise<void> {
    await this.sendBodies(
      Array.from({ length: shards }, (_, shard) => ({ body: { kind: 'page', bucket, shard }, delay: 0, id: `shard ${shard}` })),
    );
  }

  /** Queues the next page job of a shard. */
  async queuePage(next: PageJob): Promise<void> {
    await this.sendBodies([{ body: next, delay: 0, id: `shard ${next.shard}` }]);
  }

  private sendDelayed(items: { ref: DueRef; delay: number }[]): Promise<void> {
    return this.sendBodies(
      items.map(({ ref, delay }) => ({
        body: { kind: 'deliver', id: ref.id, tenantId: ref.tenantId, dueAt: ref.dueAt },
        delay,
        id: ref.id,
      })),
    );
  }

  /** SendMessageBatch, ten at a time and a few batches in flight; throws naming what SQS refused. */
  private async sendBodies(items: { body: DeliveryQueueMessage; delay: number; id: string }[]): Promise<void> {
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
    if (refused.length) throw new SendFailedError(refused);
  }

  /** Makes sure the bucket has its wake-up. */
  private async book(bucket: number): Promise<void> {
    if (this.booked.has(bucket)) return;
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
            Arn: this.o.wakeFunctionArn,
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
    this.booked.add(bucket);
  }
}
