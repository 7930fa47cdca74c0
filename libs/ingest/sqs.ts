import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../observability/logger';
import { IngestAttribute, ingestFailure, type IngestInput, type IngestService } from './service';

/** One queue message as ingestion sees it, from the Lambda event source or a ReceiveMessage. */
export interface IngestRecord extends IngestInput {
  /** The queue's message id (Lambda's `itemIdentifier` of a batch item failure). */
  id: string;
}

/** Where refused messages go: the ingest queue's dead-letter queue. */
export interface DeadLetters {
  /** Sends the refused message with its body and attributes, plus `error` and `error-message`. */
  send(record: IngestRecord, error: string, message: string): Promise<void>;
}

/** What became of one record: done (created, or refused and dead-lettered) or to be received again. */
export type IngestOutcome = 'created' | 'refused' | 'retry';

/**
 * Handles one queue message: created as over HTTP, or refused to the dead-letter queue with its error code (a batch with
 * refused items too: created ones stay created and carry their idempotency), or left to the queue to redeliver on a
 * transient failure (and to dead-letter itself after the queue's `maxReceiveCount`).
 */
export const ingestRecord = async (
  p: { ingest: IngestService; deadLetters: DeadLetters; logger: Logger },
  record: IngestRecord,
): Promise<IngestOutcome> => {
  try {
    const result = await p.ingest.ingest(record);
    if (!result.refused.length) return 'created';
    const first = result.refused[0];
    const items = result.refused.map((r) => r.index).join(',');
    await p.deadLetters.send(record, first.error, `batch items refused (indexes ${items}): ${first.message}`.slice(0, 1000));
    return 'refused';
  } catch (err) {
    const failure = ingestFailure(err);
    if (failure.kind === 'retry') {
      p.logger.warn('ingestion failed; the queue will redeliver the message', { messageId: record.id, err });
      return 'retry';
    }
    // A dead-letter send that fails throws: the message is then redelivered and refused again.
    await p.deadLetters.send(record, failure.error, failure.message);
    return 'refused';
  }
};

const stringAttributes = (attrs: Record<string, MessageAttributeValue | undefined> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(attrs ?? {})) if (v?.StringValue !== undefined) out[name] = v.StringValue;
  return out;
};

/** The ingest queue's dead-letter queue over SQS. The key is not copied: a dead-letter queue is read by operators. */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(record: IngestRecord, error: string, message: string): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(record.attributes)) {
      if (name === IngestAttribute.apiKey || value === undefined) continue;
      attributes[name] = { DataType: 'String', StringValue: value };
    }
    attributes[IngestAttribute.error] = { DataType: 'String', StringValue: error };
    attributes[IngestAttribute.errorMessage] = { DataType: 'String', StringValue: message || error };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: record.body || '(empty)', MessageAttributes: attributes }),
    );
  }
}

/** The dead-letter queue of a queue, from its redrive policy (the embedded runtime is given only the ingest queue). */
export const deadLetterQueueOf = async (sqs: SQSClient, queueUrl: string): Promise<string | undefined> => {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const policy = out.Attributes?.RedrivePolicy;
  if (!policy) return undefined;
  const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  if (!arn) return undefined;
  const [, , , , account, name] = arn.split(':');
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
};

/** Options of the embedded runtime's ingest consumer. */
export interface IngestPollerOptions {
  /** Records handled at once (one ReceiveMessage fetches up to 10). @default 10 */
  concurrency: number;
  /** Long-poll wait of one ReceiveMessage, in seconds (at most 20). @default 20 */
  waitSeconds: number;
  /** Pause after a failed ReceiveMessage before the next, in ms. @default 1_000 */
  errorBackoffMs: number;
}

export const ingestPollerDefaults: IngestPollerOptions = { concurrency: 10, waitSeconds: 20, errorBackoffMs: 1_000 };

/**
 * The embedded runtime's consumer of the ingest queue (`PUNCTUAL_INGEST_QUEUE_URL`): long-polls it, handles at most
 * `concurrency` records at once, deletes what is done and leaves a record to retry to its visibility timeout. `close`
 * aborts the pending poll and waits for the records in hand.
 */
export class IngestPoller {
  private readonly o: IngestPollerOptions;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly p: { sqs: SQSClient; queueUrl: string; ingest: IngestService; deadLetters: DeadLetters; logger: Logger },
    options: Partial<IngestPollerOptions> = {},
  ) {
    this.o = { ...ingestPollerDefaults, ...options };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const out = await this.p.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.p.queueUrl,
            MaxNumberOfMessages: Math.min(10, this.o.concurrency),
            WaitTimeSeconds: this.o.waitSeconds,
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        const messages = out.Messages ?? [];
        const done: { Id: string; ReceiptHandle: string }[] = [];
        await Promise.all(
          messages.map(async (m, i) => {
            const record: IngestRecord = {
              id: m.MessageId ?? String(i),
              body: m.Body ?? '',
              attributes: stringAttributes(m.MessageAttributes),
            };
            try {
              if ((await ingestRecord(this.p, record)) !== 'retry' && m.ReceiptHandle)
                done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle });
            } catch (err) {
              this.p.logger.error('could not dead-letter a refused message; it will be received again', { messageId: record.id, err });
            }
          }),
        );
        // Not aborted by close: what was handled is deleted, or it would be created again (idempotency keys aside).
        if (done.length) await this.p.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.p.queueUrl, Entries: done }));
      } catch (err) {
        if (signal.aborted) break;
        this.p.logger.error('receiving from the ingest queue failed', { err });
        await new Promise((r) => setTimeout(r, this.o.errorBackoffMs));
      }
    }
  }
}

/** The Lambda event source's record, reduced to what ingestion reads. */
export const ingestRecordOfLambda = (r: {
  messageId: string;
  body: string;
  messageAttributes: Record<string, { stringValue?: string | undefined }>;
}): IngestRecord => {
  const attributes: Record<string, string> = {};
  for (const [name, v] of Object.entries(r.messageAttributes ?? {})) if (v.stringValue !== undefined) attributes[name] = v.stringValue;
  return { id: r.messageId, body: r.body, attributes };
};
