import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../domain/clock';
import type { DueRef } from '../messages/port';
import { atExpression, bucketOf, scheduleName, sqsDelaySeconds } from './buckets';
import type { Engine } from './port';

/** Options of the AWS engine. */
export interface EventBridgeEngineOptions {
  sqs: SQSClient;
  scheduler: SchedulerClient;
  clock: Clock;
  /** The release queue: messages due within 15 minutes, and the buckets' wake-ups. */
  queueUrl: string;
  queueArn: string;
  /** Where Scheduler puts a wake-up it could not deliver. */
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

/** What the release queue carries. `release`: deliver this message now; `arm`: hand this bucket's messages to SQS. */
export type ReleaseQueueMessage = { kind: 'release'; id: string; tenantId: string; dueAt: number } | { kind: 'arm'; bucket: number };

/** An SQS batch entry SQS refused; the store still has the message (it stays `scheduled`). */
export class EnqueueFailedError extends Error {
  override name = 'EnqueueFailedError';
  constructor(readonly ids: string[], options?: { cause?: unknown }) {
    super(`the release queue refused ${ids.length} message(s): ${ids.slice(0, 5).join(', ')}`, options);
  }
}

/**
 * The AWS engine: a message due within 15 minutes goes to SQS with `DelaySeconds` (second precision);
 * a later one makes sure its minute bucket has one EventBridge Scheduler `at()` wake-up (idempotent:
 * `ConflictException` means it exists), which fires a little early and arms the bucket's messages into SQS.
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

  private async send(items: { ref: DueRef; delay: number }[]): Promise<void> {
    for (let i = 0; i < items.length; i += 10) {
      const chunk = items.slice(i, i + 10);
      const out = await this.o.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: chunk.map(({ ref, delay }, n) => ({
            Id: String(n),
            DelaySeconds: delay,
            MessageBody: JSON.stringify({ kind: 'release', id: ref.id, tenantId: ref.tenantId, dueAt: ref.dueAt } satisfies ReleaseQueueMessage),
          })),
        }),
      );
      if (out.Failed?.length) throw new EnqueueFailedError(out.Failed.map((f) => chunk[Number(f.Id)].ref.id));
    }
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
            Arn: this.o.queueArn,
            RoleArn: this.o.roleArn,
            Input: JSON.stringify({ kind: 'arm', bucket } satisfies ReleaseQueueMessage),
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
