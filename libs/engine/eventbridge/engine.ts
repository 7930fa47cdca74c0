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

/** A failure's own words, to append to the error that names the messages it hit. */
const reasonOf = (cause: unknown): string => (cause instanceof Error ? ` (${cause.message})` : '');

/** Entries SQS refused, or whose batch it did not take at all (`cause`); the store still has the messages. */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
  constructor(
    readonly ids: string[],
    options?: { cause?: unknown },
  ) {
    super(`the delivery queue refused ${ids.length} message(s): ${ids.slice(0, 5).join(', ')}${reasonOf(options?.cause)}`, options);
  }
}

/**
 * Messages `enqueue` could not take: SQS refused them, or their minute bucket's wake-up could not be booked. The others
 * were taken; the store still has these (the table stream's hand-off retries exactly them).
 */
export class EnqueueFailedError extends Error {
  override name = 'EnqueueFailedError';
  constructor(
    readonly ids: string[],
    options?: { cause?: unknown },
  ) {
    super(`the engine could not take ${ids.length} message(s): ${ids.slice(0, 5).join(', ')}${reasonOf(options?.cause)}`, options);
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
    const buckets = new Map<number, string[]>();
    for (const ref of refs) {
      const delay = sqsDelaySeconds(ref.dueAt, now);
      if (delay !== undefined) soon.push({ ref, delay });
      else {
        const bucket = bucketOf(ref.dueAt);
        const ids = buckets.get(bucket);
        if (ids) ids.push(ref.id);
        else buckets.set(bucket, [ref.id]);
      }
    }
    const parts = [
      { ids: soon.map((s) => s.ref.id), done: this.sendDelayed(soon) },
      ...[...buckets].map(([bucket, ids]) => ({ ids, done: this.book(bucket) })),
    ];
    const failed: string[] = [];
    let cause: unknown;
    (await Promise.allSettled(parts.map((p) => p.done))).forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      cause ??= r.reason;
      failed.push(...(r.reason instanceof SendFailedError ? r.reason.ids : parts[i].ids));
    });
    if (failed.length) throw new EnqueueFailedError(failed, { cause });
  }

  /** Sends messages to the delivery queue now, each delayed until it is due (0 if it is already). */
  async send(refs: DueRef[]): Promise<void> {
    const now = this.o.clock.now();
    await this.sendDelayed(refs.map((ref) => ({ ref, delay: sqsDelaySeconds(ref.dueAt, now) ?? 900 })));
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

  /** SendMessageBatch, ten at a time and a few batches in flight; throws naming what SQS refused or did not take. */
  private async sendBodies(items: { body: DeliveryQueueMessage; delay: number; id: string }[]): Promise<void> {
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 10) chunks.push(items.slice(i, i + 10));
    const refused: string[] = [];
    let cause: unknown;
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        try {
          const out = await this.o.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: this.o.queueUrl,
              Entries: chunk.map(({ body, delay }, n) => ({ Id: String(n), DelaySeconds: delay, MessageBody: JSON.stringify(body) })),
            }),
          );
          for (const f of out.Failed ?? []) refused.push(chunk[Number(f.Id)].id);
        } catch (err) {
          // The other batches still go; the caller learns which messages this one held.
          cause ??= err;
          refused.push(...chunk.map((c) => c.id));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, chunks.length) }, worker));
    if (refused.length) throw new SendFailedError(refused, { cause });
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
