/**
 * A reader of a table's stream on moto_server (DynamoDB Streams has no SDK client in this repository: it speaks the
 * service's JSON protocol), from the oldest record on, each call returning the records since the last. Tests only.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

export class MotoTableStream {
  private streamArn?: string;
  private readonly iterators = new Map<string, string | undefined>();

  constructor(
    private readonly o: {
      dynamodb: DynamoDBClient;
      /** moto_server's endpoint. */
      endpoint: string;
      tableName: string;
    },
  ) {}

  /** The records written since the last call, shard by shard. */
  async read(): Promise<DynamoDBRecord[]> {
    this.streamArn ??= (await this.o.dynamodb.send(new DescribeTableCommand({ TableName: this.o.tableName }))).Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`table ${this.o.tableName} has no stream`);
    const description = (await this.call('DescribeStream', { StreamArn: this.streamArn })) as {
      StreamDescription: { Shards: { ShardId: string }[] };
    };
    const records: DynamoDBRecord[] = [];
    for (const { ShardId } of description.StreamDescription.Shards) {
      let iterator = this.iterators.get(ShardId);
      if (!this.iterators.has(ShardId)) {
        const start = (await this.call('GetShardIterator', {
          StreamArn: this.streamArn,
          ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        })) as { ShardIterator: string };
        iterator = start.ShardIterator;
      }
      while (iterator) {
        const page = (await this.call('GetRecords', { ShardIterator: iterator })) as {
          Records: DynamoDBRecord[];
          NextShardIterator?: string;
        };
        records.push(...page.Records);
        // Keep the iterator of the last page: later records of the shard come after it.
        this.iterators.set(ShardId, page.NextShardIterator ?? iterator);
        if (!page.Records.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  /** One call of DynamoDB Streams' JSON protocol (moto tells it from DynamoDB by the target prefix). */
  private async call(operation: string, input: unknown): Promise<unknown> {
    const res = await fetch(this.o.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        // moto routes by the credential scope's service; nothing checks the signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`DynamoDB Streams ${operation}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }
}
